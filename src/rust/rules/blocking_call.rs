//! AL202 blocking-call: blocking I/O (std::fs, std::net, std::process, blocking
//! HTTP clients, std channels) inside async code. The callees are data:
//! `rules/blocking-calls/rust.toml`, extended by configuration.

use syn::spanned::Spanned;

use crate::catalog::BlockingCall;
use crate::registry::Rule;
use crate::rust::checker::Checker;
use crate::rust::values;

/// Trait methods callable on many types once the trait is imported: (method, trait
/// name, trait path). Counted only when that trait is the one in scope (async-std
/// has an async `ToSocketAddrs` of the same name).
const TRAIT_METHODS: &[(&str, &str, &str)] = &[(
    "to_socket_addrs",
    "ToSocketAddrs",
    "std::net::ToSocketAddrs",
)];

pub fn check_call(checker: &mut Checker, call: &syn::ExprCall) {
    let Some(callee) = checker.callee(call) else {
        return;
    };
    if let Some(entry) = checker.settings.blocking_rust.lookup(&callee).cloned() {
        report(checker, call.span(), &callee, &entry);
    }
}

pub fn check_method_call(checker: &mut Checker, call: &syn::ExprMethodCall) {
    let method = call.method.to_string();
    let on_type = values::value_type(checker, &call.receiver).map(|ty| format!("{ty}::{method}"));
    let on_trait = TRAIT_METHODS
        .iter()
        .find(|(name, trait_name, trait_path)| {
            *name == method
                && checker
                    .scopes
                    .resolve_segments(&[trait_name.to_string()], false)
                    .as_deref()
                    == Some(*trait_path)
        })
        .map(|(_, _, trait_path)| format!("{trait_path}::{method}"));
    for qualified in on_type.into_iter().chain(on_trait) {
        if let Some(entry) = checker.settings.blocking_rust.lookup(&qualified).cloned() {
            report(checker, call.span(), &qualified, &entry);
            return;
        }
    }
}

fn report(checker: &mut Checker, span: proc_macro2::Span, callee: &str, entry: &BlockingCall) {
    checker.report(
        Rule::BlockingCall,
        span,
        format!("`{callee}` blocks the executor thread inside async code"),
        format!("use {}", entry.use_instead),
    );
}
