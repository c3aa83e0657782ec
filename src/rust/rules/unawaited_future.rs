//! AL101 unawaited-coroutine: a future that is created and dropped never runs.
//! Rust futures are lazy: `send_report(id);` builds the future and throws it away.

use syn::spanned::Spanned;
use syn::{Expr, Stmt};

use crate::registry::Rule;
use crate::rust::checker::Checker;
use crate::rust::paths;
use crate::rust::values;

/// How the future was thrown away.
enum Dropped {
    Statement,
    Underscore,
    DropCall,
}

pub fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::Expr(expr, Some(_)) => check(checker, expr, Dropped::Statement),
        Stmt::Local(local) if matches!(local.pat, syn::Pat::Wild(_)) => {
            if let Some(init) = &local.init {
                check(checker, &init.expr, Dropped::Underscore);
            }
        }
        _ => {}
    }
}

pub fn check_call(checker: &mut Checker, call: &syn::ExprCall) {
    let is_drop = matches!(
        checker.callee(call).as_deref(),
        Some("drop" | "std::mem::drop" | "core::mem::drop")
    );
    if is_drop && call.args.len() == 1 {
        check(checker, &call.args[0], Dropped::DropCall);
    }
}

fn check(checker: &mut Checker, expr: &Expr, how: Dropped) {
    let expr = paths::peel(expr);
    let Some(callee) = values::future_call(checker, expr) else {
        return;
    };
    let (what, help) = match how {
        Dropped::Statement => (
            "is dropped at the end of this statement",
            "add `.await`; to run it in the background, hand it to `tokio::spawn`",
        ),
        Dropped::Underscore => (
            "is bound to `_`, which drops it at once",
            "add `.await` (`let _ = f().await;` still ignores the output), or hand it to `tokio::spawn`",
        ),
        Dropped::DropCall => (
            "is passed to `drop` without being awaited",
            "`.await` it; if it must not run, do not create it",
        ),
    };
    checker.report(
        Rule::UnawaitedCoroutine,
        expr.span(),
        format!("the future returned by `{callee}(..)` {what}, so `{callee}` never runs: futures do nothing until awaited"),
        help.to_string(),
    );
}
