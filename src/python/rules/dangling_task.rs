//! AL102 dangling-task: a task is started and its handle thrown away.
//!
//! The event loop keeps only a weak reference to a task: if nothing else holds it, it
//! can be garbage-collected mid-flight, and its exception is never retrieved.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use crate::python::checker::Checker;
use crate::python::helpers::unread_call_result;
use crate::registry::Rule;

const TASK_FACTORIES: &[&str] = &[
    "asyncio.create_task",
    "asyncio.ensure_future",
    "asyncio.tasks.create_task",
    "asyncio.tasks.ensure_future",
];

/// Calls that return the running (or a new) event loop.
const LOOP_FACTORIES: &[&str] = &[
    "asyncio.get_event_loop",
    "asyncio.get_running_loop",
    "asyncio.new_event_loop",
    "asyncio.events.get_event_loop",
    "asyncio.events.get_running_loop",
];

/// Names conventionally holding the event loop.
const LOOP_NAMES: &[&str] = &["loop", "_loop", "event_loop", "_event_loop"];

pub fn expression_statement(checker: &mut Checker, stmt: &ast::StmtExpr) {
    let Expr::Call(call) = &*stmt.value else {
        return;
    };
    if let Some(factory) = task_factory(checker, call) {
        let message = format!(
            "the task from `{factory}(...)` is not kept: the event loop holds only a weak reference, so it can be garbage-collected before it finishes and its exception is never seen"
        );
        report(checker, call, message);
    }
}

pub fn assignment(checker: &mut Checker, assign: &ast::StmtAssign) {
    if let Some((target, call, factory)) =
        unread_call_result(checker, assign, |call| task_factory(checker, call))
    {
        let message = format!(
            "the task from `{factory}(...)` is stored in `{}`, which is never used again: nothing keeps the task alive or sees its exception",
            target.id
        );
        report(checker, call, message);
    }
}

fn report(checker: &mut Checker, call: &ast::ExprCall, message: String) {
    checker.report(
        Rule::DanglingTask,
        call.range(),
        message,
        "keep a reference until it is done (`background.add(task); task.add_done_callback(background.discard)`), await it, or start it in an `asyncio.TaskGroup`".to_string(),
    );
}

/// If this call starts a task whose handle must be kept, the factory as written.
pub fn task_factory(checker: &Checker, call: &ast::ExprCall) -> Option<String> {
    let written = || checker.text(&*call.func).to_string();
    match &*call.func {
        // Every factory, on asyncio or on a loop, is called by its own name as an
        // attribute; only a bare name can be an alias (`from asyncio import
        // create_task as spawn`).
        Expr::Attribute(attr) if !matches!(attr.attr.as_str(), "create_task" | "ensure_future") => {
            return None;
        }
        Expr::Name(_) | Expr::Attribute(_) => {}
        _ => return None,
    }
    if let Some(qualified) = checker.semantic.qualified_name(&call.func) {
        if TASK_FACTORIES.contains(&qualified.as_str()) {
            return Some(written());
        }
    }
    let Expr::Attribute(attr) = &*call.func else {
        return None;
    };
    is_event_loop(checker, &attr.value).then(written)
}

/// Is this expression visibly an event loop (not a `TaskGroup`)?
pub fn is_event_loop(checker: &Checker, expr: &Expr) -> bool {
    let origin_is_loop = checker.semantic.origin(expr).is_some_and(|origin| {
        LOOP_FACTORIES.contains(&origin.as_str()) || origin.ends_with("EventLoop")
    });
    if origin_is_loop {
        return true;
    }
    let last = match expr {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attr) => attr.attr.as_str(),
        _ => return false,
    };
    LOOP_NAMES.contains(&last)
}
