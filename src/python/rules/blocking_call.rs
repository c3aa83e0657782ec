//! AL202 blocking-call: a call that waits on I/O or a child process, made inside async
//! code. The callees and their async replacements are data: `rules/blocking-calls/`.

use ruff_python_ast as ast;
use ruff_text_size::Ranged;

use crate::python::checker::Checker;
use crate::python::helpers::function_label;
use crate::registry::Rule;

pub fn call(checker: &mut Checker, call: &ast::ExprCall, callee: Option<&str>) {
    let Some(callee) = callee else { return };
    if !checker.semantic.in_async_function() || checker.in_offloaded_arguments() {
        return;
    }
    let Some(entry) = checker.settings.blocking_python.lookup(callee) else {
        return;
    };
    let written = checker.text(&*call.func);
    let function = function_label(checker.semantic.current_function());
    let shown = callee.strip_prefix("builtins.").unwrap_or(callee);
    let message = if written == shown {
        format!("`{written}(...)` blocks the event loop in async function {function}")
    } else {
        format!("`{written}(...)` (`{shown}`) blocks the event loop in async function {function}")
    };
    let help = format!("use {}", entry.use_instead);
    checker.report(Rule::BlockingCall, call.range(), message, help);
}
