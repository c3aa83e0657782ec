//! Python rules, one file per rule. The checker calls [`check_stmt`] for every
//! statement and [`check_call`] for every call; each rule picks the shapes it knows.

pub mod blocking_call;
pub mod blocking_sleep;
pub mod busy_wait;
pub mod dangling_task;
pub mod deprecated_loop_api;
pub mod nested_event_loop;
pub mod swallowed_cancellation;
pub mod sync_lock_in_async;
pub mod unawaited_coroutine;
pub mod unbounded_gather;

pub use sync_lock_in_async::THREAD_LOCKS;
pub use unawaited_coroutine::ASYNCIO_COROUTINE_FUNCTIONS;

use ruff_python_ast::{self as ast, Stmt};

use super::checker::Checker;

pub(super) fn check_stmt<'a>(checker: &mut Checker<'a>, stmt: &'a Stmt) {
    match stmt {
        Stmt::Expr(expr) => {
            unawaited_coroutine::expression_statement(checker, expr);
            dangling_task::expression_statement(checker, expr);
        }
        Stmt::Assign(assign) => {
            unawaited_coroutine::assignment(checker, assign);
            dangling_task::assignment(checker, assign);
        }
        Stmt::If(stmt_if) => {
            unawaited_coroutine::boolean_test(checker, &stmt_if.test);
            for clause in &stmt_if.elif_else_clauses {
                if let Some(test) = &clause.test {
                    unawaited_coroutine::boolean_test(checker, test);
                }
            }
        }
        Stmt::While(stmt_while) => {
            unawaited_coroutine::boolean_test(checker, &stmt_while.test);
            busy_wait::while_loop(checker, stmt_while);
        }
        Stmt::Assert(assert) => unawaited_coroutine::boolean_test(checker, &assert.test),
        Stmt::Try(stmt_try) => swallowed_cancellation::try_statement(checker, stmt_try),
        Stmt::For(stmt_for) => unbounded_gather::task_group_loop(checker, stmt_for),
        _ => {}
    }
}

pub(super) fn check_call<'a>(
    checker: &mut Checker<'a>,
    call: &'a ast::ExprCall,
    callee: Option<&str>,
) {
    blocking_sleep::call(checker, call, callee);
    blocking_call::call(checker, call, callee);
    sync_lock_in_async::acquire(checker, call);
    nested_event_loop::call(checker, call, callee);
    unbounded_gather::call(checker, call, callee);
    deprecated_loop_api::call(checker, call, callee);
}
