//! AL401 swallowed-cancellation (Rust): awaiting a task's `JoinHandle` and throwing
//! the `Result` away hides the task's panic or cancellation.

use syn::spanned::Spanned;
use syn::{Expr, Stmt};

use crate::registry::Rule;
use crate::rust::checker::Checker;
use crate::rust::paths;
use crate::rust::values;

/// `Result` methods that replace an error with a value, wherever that value goes.
const DEFAULTING_METHODS: &[&str] = &["unwrap_or_default", "unwrap_or"];

pub fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::Expr(expr, Some(_)) => check_discarded(checker, expr, false),
        Stmt::Local(local) if matches!(local.pat, syn::Pat::Wild(_)) => {
            if let Some(init) = &local.init {
                check_discarded(checker, &init.expr, true);
            }
        }
        _ => {}
    }
}

/// `handle.await;`, `let _ = handle.await;`, `handle.await.ok();`.
fn check_discarded(checker: &mut Checker, expr: &Expr, bound_to_underscore: bool) {
    let expr = paths::peel(expr);
    let awaited = match expr {
        Expr::Await(awaited) => awaited,
        // `.ok()` keeps the outcome as an `Option` when its value is used; thrown
        // away as a statement, it discards the error.
        Expr::MethodCall(call) if call.method == "ok" && !bound_to_underscore => {
            match paths::peel(&call.receiver) {
                Expr::Await(awaited) => awaited,
                _ => return,
            }
        }
        _ => return,
    };
    let how = if bound_to_underscore {
        "bound to `_`"
    } else {
        "discarded"
    };
    report(checker, expr, &awaited.base, how);
}

/// `handle.await.unwrap_or_default()`, `.unwrap_or(x)`, `.unwrap_or_else(|_| x)`:
/// the task's failure becomes a normal-looking value, wherever that value goes.
pub fn check_method_call(checker: &mut Checker, call: &syn::ExprMethodCall) {
    let defaulting = DEFAULTING_METHODS.iter().any(|m| call.method == m)
        || (call.method == "unwrap_or_else" && ignores_its_argument(call.args.first()));
    if !defaulting {
        return;
    }
    if let Expr::Await(awaited) = paths::peel(&call.receiver) {
        let expr = Expr::MethodCall(call.clone());
        report(
            checker,
            &expr,
            &awaited.base,
            "replaced with a default value",
        );
    }
}

/// `|_| 0`: a closure that never looks at the error it is given.
fn ignores_its_argument(closure: Option<&Expr>) -> bool {
    matches!(closure.map(paths::peel), Some(Expr::Closure(closure))
        if closure.inputs.iter().all(|input| matches!(input, syn::Pat::Wild(_))))
}

fn report(checker: &mut Checker, expr: &Expr, base: &Expr, how: &str) {
    let Some(handle) = join_handle(checker, base) else {
        return;
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
/// (and not one this function aborted itself). `spawn_blocking` handles are left
/// out: a blocking task cannot be cancelled, and a fallback value for a failed
/// blocking call is a deliberate choice.
fn join_handle(checker: &Checker, base: &Expr) -> Option<String> {
    if let Some(name) = paths::variable_name(base) {
        let local = checker.scopes.local(&name)?;
        return (local.join_handle && !checker.was_aborted(&name))
            .then(|| format!("the `JoinHandle` `{name}`"));
    }
    values::spawn(checker, base)
        .filter(|spawn| spawn.join_result && !spawn.blocking)
        .map(|spawn| format!("the task spawned by `{}`", spawn.callee))
}
