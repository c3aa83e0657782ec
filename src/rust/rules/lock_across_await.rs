//! AL203 sync-lock-in-async (Rust): a guard from a synchronous lock
//! (`std::sync::Mutex`, `RwLock`, `parking_lot`) kept alive across an `.await`. While
//! the task is suspended the lock stays held; another task locking it blocks its
//! thread, and can deadlock the runtime.

use syn::spanned::Spanned;
use syn::{Expr, Stmt};

use crate::registry::Rule;
use crate::rust::checker::Checker;
use crate::rust::paths;
use crate::rust::rules::contains_await;

const LOCK_METHODS: &[&str] = &["lock", "read", "write"];

/// Turn a poisoned-lock `Result` into the guard.
const UNWRAP_METHODS: &[&str] = &["unwrap", "expect", "unwrap_or_else"];

pub fn check_block(checker: &mut Checker, stmts: &[Stmt]) {
    for (position, stmt) in stmts.iter().enumerate() {
        let Stmt::Local(local) = stmt else {
            continue;
        };
        let (Some(name), Some(init)) = (bound_name(&local.pat), &local.init) else {
            continue;
        };
        let Some(lock_call) = sync_guard(&init.expr) else {
            continue;
        };
        let rest = &stmts[position + 1..];
        if held_across_await(rest, &name) {
            let lock = format!(
                "{}.{}()",
                checker.text(&lock_call.receiver),
                lock_call.method
            );
            checker.report(
                Rule::SyncLockInAsync,
                local.span(),
                format!(
                    "the guard `{name}` from `{lock}` is held across an `.await`: the lock stays taken while the task is suspended, and other tasks block on it"
                ),
                format!(
                    "drop the guard before awaiting (end its block, or `drop({name})`), or use `tokio::sync::Mutex`/`RwLock` with `.{}().await`",
                    lock_call.method
                ),
            );
        }
    }
}

/// The name a `let` binds a whole value to (`g`, `mut g`, `g: T`); `_` drops at once.
fn bound_name(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(ident) if ident.subpat.is_none() => Some(ident.ident.to_string()),
        syn::Pat::Type(typed) => bound_name(&typed.pat),
        _ => None,
    }
}

/// `m.lock()`, `m.lock().unwrap()`, `m.write().expect(..)`: a synchronous guard.
/// A lock call followed by `.await` is an async lock; one followed by other methods
/// (`m.lock().unwrap().clone()`) only lives for its statement.
fn sync_guard(init: &Expr) -> Option<&syn::ExprMethodCall> {
    let mut expr = paths::peel(init);
    if let Expr::MethodCall(call) = expr {
        if UNWRAP_METHODS.iter().any(|m| call.method == m) {
            expr = paths::peel(&call.receiver);
        }
    }
    match expr {
        Expr::MethodCall(call)
            if call.args.is_empty() && LOCK_METHODS.iter().any(|m| call.method == m) =>
        {
            Some(call)
        }
        _ => None,
    }
}

/// Does an `.await` run in `rest` before the guard `name` is dropped?
fn held_across_await(rest: &[Stmt], name: &str) -> bool {
    for stmt in rest {
        if drops(stmt, name) {
            return false;
        }
        if contains_await(stmt) {
            return true;
        }
    }
    false
}

/// `drop(name);` or `std::mem::drop(name);`.
fn drops(stmt: &Stmt, name: &str) -> bool {
    let Stmt::Expr(Expr::Call(call), _) = stmt else {
        return false;
    };
    paths::call_name(call).as_deref() == Some("drop")
        && call.args.len() == 1
        && paths::variable_name(&call.args[0]).as_deref() == Some(name)
}
