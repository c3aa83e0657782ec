//! AL203 sync-lock-in-async: a `threading` lock taken inside async code. While another
//! thread holds it, the whole event loop waits.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use crate::python::checker::Checker;
use crate::python::helpers::is_false_or_zero;
use crate::registry::Rule;

/// The classes of thread locks, whose `with` and `acquire()` block.
pub const THREAD_LOCKS: &[&str] = &[
    "threading.Lock",
    "threading.RLock",
    "threading.Semaphore",
    "threading.BoundedSemaphore",
    "threading.Condition",
    "multiprocessing.Lock",
    "multiprocessing.RLock",
];

/// `with lock:` (not `async with`) on a threading lock.
pub fn with_statement(checker: &mut Checker, with: &ast::StmtWith) {
    if with.is_async || !checker.semantic.in_async_function() {
        return;
    }
    for item in &with.items {
        if let Some(kind) = thread_lock(checker, &item.context_expr) {
            let lock = checker.text(&item.context_expr);
            checker.report(
                Rule::SyncLockInAsync,
                item.context_expr.range(),
                format!("`with {lock}:` takes a `{kind}` inside async code; while another thread holds it the whole event loop is blocked"),
                format!("if only coroutines share it, use an `asyncio.{}` with `async with`; if threads share it too (an asyncio lock is not thread-safe), keep the critical section free of I/O or take it in `asyncio.to_thread(...)`", asyncio_equivalent(&kind)),
            );
        }
    }
}

/// `lock.acquire()` on a threading lock, unless it cannot block.
pub fn acquire(checker: &mut Checker, call: &ast::ExprCall) {
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    if attr.attr.as_str() != "acquire" || !checker.semantic.in_async_function() {
        return;
    }
    let Some(kind) = thread_lock(checker, &attr.value) else {
        return;
    };
    if is_non_blocking(call) {
        return;
    }
    checker.report(
        Rule::SyncLockInAsync,
        call.range(),
        format!("`{}` waits for a `{kind}` inside async code, blocking the event loop while another thread holds it", checker.text(call)),
        format!("if only coroutines share it, use `await lock.acquire()` on an `asyncio.{}`; if threads share it too, try `acquire(blocking=False)` or acquire it in `asyncio.to_thread(...)`", asyncio_equivalent(&kind)),
    );
}

fn thread_lock(checker: &Checker, expr: &Expr) -> Option<String> {
    let origin = checker.semantic.origin(expr)?;
    THREAD_LOCKS.contains(&origin.as_str()).then_some(origin)
}

fn asyncio_equivalent(kind: &str) -> &'static str {
    match kind.rsplit('.').next() {
        Some("Semaphore") => "Semaphore",
        Some("BoundedSemaphore") => "BoundedSemaphore",
        Some("Condition") => "Condition",
        _ => "Lock",
    }
}

/// `acquire(False)`, `acquire(blocking=False)` and `acquire(timeout=0)` return at once.
fn is_non_blocking(call: &ast::ExprCall) -> bool {
    if call.arguments.args.first().is_some_and(is_false_or_zero) {
        return true;
    }
    call.arguments.keywords.iter().any(|keyword| {
        matches!(
            keyword.arg.as_ref().map(|a| a.as_str()),
            Some("blocking" | "timeout")
        ) && is_false_or_zero(&keyword.value)
    })
}
