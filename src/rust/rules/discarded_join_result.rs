//! AL401 swallowed-cancellation (Rust): awaiting a task's `JoinHandle` and throwing
//! the `Result` away hides the task's panic or cancellation.

use syn::spanned::Spanned;
use syn::{Expr, Stmt};

use crate::registry::Rule;
use crate::rust::checker::Checker;
use crate::rust::paths;
use crate::rust::values;

/// `Result` methods that turn an error into nothing.
const DISCARDING_METHODS: &[&str] = &["ok", "unwrap_or_default", "unwrap_or", "unwrap_or_else"];

pub fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::Expr(expr, Some(_)) => check(checker, expr, false),
        Stmt::Local(local) if matches!(local.pat, syn::Pat::Wild(_)) => {
            if let Some(init) = &local.init {
                check(checker, &init.expr, true);
            }
        }
        _ => {}
    }
}

fn check(checker: &mut Checker, expr: &Expr, bound_to_underscore: bool) {
    let expr = paths::peel(expr);
    let awaited = match expr {
        Expr::Await(awaited) => awaited,
        Expr::MethodCall(call) if DISCARDING_METHODS.iter().any(|m| call.method == m) => {
            match paths::peel(&call.receiver) {
                Expr::Await(awaited) => awaited,
                _ => return,
            }
        }
        _ => return,
    };
    let Some(handle) = join_handle(checker, &awaited.base) else {
        return;
    };
    let how = if bound_to_underscore {
        "bound to `_`"
    } else {
        "discarded"
    };
    checker.report(
        Rule::SwallowedCancellation,
        expr.span(),
        format!(
            "the `Result` of awaiting {handle} is {how}: if the task panicked or was cancelled, nothing reports it"
        ),
        "handle the `JoinError`: `handle.await?`, `if let Err(e) = handle.await { .. }`, or `.expect(\"task panicked\")` to propagate the panic".to_string(),
    );
}

/// Describes the awaited value when it is a task's `JoinHandle` from this function
/// (and not one this function aborted itself).
fn join_handle(checker: &Checker, base: &Expr) -> Option<String> {
    if let Some(name) = paths::variable_name(base) {
        let local = checker.scopes.local(&name)?;
        return (local.join_handle && !checker.was_aborted(&name))
            .then(|| format!("the `JoinHandle` `{name}`"));
    }
    values::spawn(checker, base).map(|spawn| format!("the task spawned by `{}`", spawn.callee))
}
