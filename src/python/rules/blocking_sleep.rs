//! AL201 blocking-sleep: `time.sleep(...)` inside async code stops the whole event loop.

use ruff_python_ast as ast;
use ruff_text_size::Ranged;

use crate::diagnostic::{Edit, Fix};
use crate::python::checker::Checker;
use crate::python::helpers::{function_label, import_insertion_point};
use crate::python::semantic::Binding;
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
    let fix = awaited_asyncio_sleep(checker, call);
    checker.report_with_fix(
        Rule::BlockingSleep,
        call.range(),
        format!("`{}{arguments}` in async function {function} blocks the event loop: no other task runs while it sleeps", checker.text(&*call.func)),
        format!("use `await asyncio.sleep{arguments}`"),
        fix,
    );
}

/// `time.sleep(x)` → `await asyncio.sleep(x)`, adding `import asyncio` when the name
/// is free. Only for the plain one-argument call that nothing is chained onto (an
/// `await` in front of `time.sleep(x).y` would await the whole chain), and never when
/// `asyncio` names something else here.
fn awaited_asyncio_sleep(checker: &Checker, call: &ast::ExprCall) -> Option<Fix> {
    let one_positional = call.arguments.args.len() == 1 && call.arguments.keywords.is_empty();
    let callee_starts_call = call.func.start() == call.start();
    if !one_positional || !callee_starts_call || followed_by_trailer(checker.source, call.end()) {
        return None;
    }
    let mut edits = vec![Edit::replace(
        call.func.start().into(),
        call.func.end().into(),
        "await asyncio.sleep",
    )];
    match checker.semantic.lookup("asyncio") {
        Some(Binding::Import(module)) if module == "asyncio" => {}
        None => {
            let at = import_insertion_point(checker.module, checker.source)?;
            edits.push(Edit::insert(at, "import asyncio\n"));
        }
        Some(_) => return None,
    }
    Some(Fix::new("Replace with `await asyncio.sleep(...)`", edits))
}

/// Is the expression ending at `end` followed by `.attr`, `[index]` or `(args)`?
fn followed_by_trailer(source: &str, end: ruff_text_size::TextSize) -> bool {
    let rest = source[usize::from(end)..].trim_start_matches([' ', '\t', '\\', '\n', '\r']);
    rest.starts_with(['.', '[', '('])
}
