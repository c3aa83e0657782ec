//! AL201 blocking-sleep: `time.sleep(...)` inside async code stops the whole event loop.

use ruff_python_ast as ast;
use ruff_text_size::Ranged;

use crate::python::checker::Checker;
use crate::python::helpers::function_label;
use crate::registry::Rule;

pub fn call(checker: &mut Checker, call: &ast::ExprCall, callee: Option<&str>) {
    if callee != Some("time.sleep")
        || !checker.semantic.in_async_function()
        || checker.in_offloaded_arguments()
    {
        return;
    }
    let arguments = checker.text(&call.arguments);
    let function = function_label(checker.semantic.current_function());
    checker.report(
        Rule::BlockingSleep,
        call.range(),
        format!("`{}{arguments}` in async function {function} blocks the event loop: no other task runs while it sleeps", checker.text(&*call.func)),
        format!("use `await asyncio.sleep{arguments}`"),
    );
}
