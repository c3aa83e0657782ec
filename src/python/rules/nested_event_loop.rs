//! AL204 nested-event-loop: starting an event loop from code already running on one.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use crate::python::checker::Checker;
use crate::registry::Rule;

pub fn call(checker: &mut Checker, call: &ast::ExprCall, callee: Option<&str>) {
    if !checker.semantic.in_async_function() {
        return;
    }
    let what = if callee == Some("asyncio.run") {
        "asyncio.run(...)"
    } else {
        match &*call.func {
            Expr::Attribute(attr) if attr.attr.as_str() == "run_until_complete" => {
                "run_until_complete(...)"
            }
            Expr::Attribute(attr) if attr.attr.as_str() == "run_forever" => "run_forever()",
            _ => return,
        }
    };
    let argument = call
        .arguments
        .args
        .first()
        .map(|argument| checker.text(argument).to_string());
    let help = match argument {
        Some(argument) => format!("await it directly: `await {argument}`"),
        None => "let the running loop drive the work: await it or schedule a task".to_string(),
    };
    checker.report(
        Rule::NestedEventLoop,
        call.range(),
        format!("`{}` inside async code: an event loop is already running here, so this raises `RuntimeError` or deadlocks ({what})", checker.text(&*call.func)),
        help,
    );
}
