//! AL302 busy-wait: a loop that only sleeps until a flag changes.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::python::checker::Checker;
use crate::python::helpers::is_true_literal;
use crate::registry::Rule;

/// `while not ready: await asyncio.sleep(0.1)` and
/// `while True: if ready: break; await asyncio.sleep(0.1)`.
pub fn while_loop(checker: &mut Checker, stmt: &ast::StmtWhile) {
    if !checker.semantic.in_async_function() {
        return;
    }
    let body: Vec<&Stmt> = stmt.body.iter().filter(|s| !s.is_pass_stmt()).collect();
    let condition = match body.as_slice() {
        [only] if is_sleep(checker, only) && !is_true_literal(&stmt.test) => {
            checker.text(&*stmt.test).to_string()
        }
        [Stmt::If(check), sleep] if is_break_only(check) && is_sleep(checker, sleep) => {
            format!("until {}", checker.text(&*check.test))
        }
        _ => return,
    };
    let header = TextRange::new(stmt.start(), stmt.test.end());
    // Polling a child process (`proc.poll()`, `proc.returncode`) has its own fix.
    let help = if condition.contains(".poll()") || condition.contains("returncode") {
        "start the child with `asyncio.create_subprocess_exec(...)` and `await proc.wait()`"
    } else {
        "wait on an `asyncio.Event` instead: `await event.wait()`, with `event.set()` where the condition changes"
    };
    checker.report(
        Rule::BusyWait,
        header,
        format!("this loop only sleeps while polling `{condition}`: it wakes up for nothing and reacts late"),
        help.to_string(),
    );
}

fn is_sleep(checker: &Checker, stmt: &Stmt) -> bool {
    let Stmt::Expr(expr) = stmt else { return false };
    let Expr::Await(await_expr) = &*expr.value else {
        return false;
    };
    let Expr::Call(call) = &*await_expr.value else {
        return false;
    };
    checker.semantic.qualified_name(&call.func).as_deref() == Some("asyncio.sleep")
}

fn is_break_only(check: &ast::StmtIf) -> bool {
    check.elif_else_clauses.is_empty() && matches!(check.body.as_slice(), [Stmt::Break(_)])
}
