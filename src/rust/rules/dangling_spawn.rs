//! AL102 dangling-task: a spawned task whose future returns a `Result` and whose
//! `JoinHandle` is dropped: when the task fails, its error goes nowhere. Detaching a
//! task whose output is `()` (the accept-loop idiom) is fine and not reported.

use syn::spanned::Spanned;
use syn::{Expr, Stmt};

use crate::registry::Rule;
use crate::rust::checker::Checker;
use crate::rust::values;

pub fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    let expr = match stmt {
        Stmt::Expr(expr, Some(_)) => expr,
        Stmt::Local(local) if matches!(local.pat, syn::Pat::Wild(_)) => match &local.init {
            Some(init) => &init.expr,
            None => return,
        },
        _ => return,
    };
    check(checker, expr);
}

fn check(checker: &mut Checker, expr: &Expr) {
    let Some(spawn) = values::spawn(checker, expr) else {
        return;
    };
    let Some(task) = spawn.task else {
        return;
    };
    if spawn.blocking || !values::produces_result(checker, task) {
        return;
    }
    checker.report(
        Rule::DanglingTask,
        expr.span(),
        format!(
            "the task started by `{}` returns a `Result`, but its `JoinHandle` is dropped: if the task fails, the error is silently lost",
            spawn.callee
        ),
        "keep the handle and `.await` it (or add it to a `JoinSet`), or handle the error inside the task (`if let Err(e) = ... { tracing::error!(..) }`)".to_string(),
    );
}
