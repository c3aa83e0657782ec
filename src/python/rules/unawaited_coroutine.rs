//! AL101 unawaited-coroutine: a coroutine is created and never awaited.
//!
//! Flags a call to an `async def` (of this module, of the project through imports, or a
//! known asyncio coroutine function) whose coroutine is dropped as a statement, used as
//! a truth value, or bound to a name that is never read again in that function.

use ruff_python_ast::{self as ast, BoolOp, Expr, UnaryOp};
use ruff_text_size::Ranged;

use crate::diagnostic::{Edit, Fix};
use crate::python::checker::Checker;
use crate::python::helpers::unread_call_result;
use crate::registry::Rule;

/// asyncio functions that return a coroutine (not a future or a task).
pub const ASYNCIO_COROUTINE_FUNCTIONS: &[&str] = &[
    "asyncio.sleep",
    "asyncio.wait_for",
    "asyncio.wait",
    "asyncio.open_connection",
    "asyncio.open_unix_connection",
    "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell",
    "asyncio.to_thread",
    "asyncio.start_server",
    "asyncio.start_unix_server",
];

/// `fetch_user(1)` as a statement; `asyncio.gather(a(), b())` as a statement.
pub fn expression_statement(checker: &mut Checker, stmt: &ast::StmtExpr) {
    let Expr::Call(call) = &*stmt.value else {
        return;
    };
    if let Some(callee) = coroutine_callee(checker, call) {
        report(checker, call, &callee, Usage::Dropped);
    } else if is_gather(checker, call) {
        checker.report_with_fix(
            Rule::UnawaitedCoroutine,
            call.range(),
            format!("`{}(...)` is never awaited: the gathered coroutines do not run to completion and their errors are lost", checker.text(&*call.func)),
            format!("write `await {}`", checker.text(call)),
            add_await(checker, call),
        );
    }
}

fn is_gather(checker: &Checker, call: &ast::ExprCall) -> bool {
    let spelled_gather = match &*call.func {
        Expr::Attribute(attr) => attr.attr.as_str() == "gather",
        _ => true,
    };
    spelled_gather
        && checker.semantic.qualified_name(&call.func).as_deref() == Some("asyncio.gather")
}

/// `if is_ready():`, `while not done():`, `assert f()`: a coroutine object is truthy.
pub fn boolean_test(checker: &mut Checker, test: &Expr) {
    match test {
        Expr::Call(call) => {
            if let Some(callee) = coroutine_callee(checker, call) {
                report(checker, call, &callee, Usage::TruthTested);
            }
        }
        Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => boolean_test(checker, &unary.operand),
        Expr::BoolOp(bool_op) if matches!(bool_op.op, BoolOp::And | BoolOp::Or) => {
            for value in &bool_op.values {
                boolean_test(checker, value);
            }
        }
        _ => {}
    }
}

/// `coro = fetch(1)` where `coro` is never read again in the function.
pub fn assignment(checker: &mut Checker, assign: &ast::StmtAssign) {
    if let Some((target, call, callee)) =
        unread_call_result(checker, assign, |call| coroutine_callee(checker, call))
    {
        report(
            checker,
            call,
            &callee,
            Usage::BoundNeverRead(target.id.as_str()),
        );
    }
}

enum Usage<'n> {
    Dropped,
    TruthTested,
    BoundNeverRead(&'n str),
}

fn report(checker: &mut Checker, call: &ast::ExprCall, callee: &str, usage: Usage) {
    let call_text = checker.text(call);
    let (message, help) = match usage {
        Usage::Dropped => (
            format!("coroutine `{callee}` is called but never awaited, so its body never runs"),
            format!("add `await`: `await {call_text}`; or schedule it with `asyncio.create_task(...)` and keep the task"),
        ),
        Usage::TruthTested => (
            format!("coroutine `{callee}` is tested for truth without being awaited; a coroutine object is always true, and it never runs"),
            format!("await it first: `await {call_text}`"),
        ),
        Usage::BoundNeverRead(name) => (
            format!("coroutine `{callee}` is stored in `{name}`, which is never awaited or used, so it never runs"),
            format!("await it: `{name} = await {call_text}`"),
        ),
    };
    let fix = add_await(checker, call);
    checker.report_with_fix(Rule::UnawaitedCoroutine, call.range(), message, help, fix);
}

/// `fetch()` → `await fetch()`, where `await` is allowed: inside an `async def`. Every
/// call reported here is a whole operand (a statement, a condition, an assigned
/// value), so the `await` applies to exactly this call.
fn add_await(checker: &Checker, call: &ast::ExprCall) -> Option<Fix> {
    checker.semantic.in_async_function().then(|| {
        Fix::new(
            "Add `await`",
            vec![Edit::insert(call.start().into(), "await ")],
        )
    })
}

/// If this call creates a coroutine, the callee as written in the source.
fn coroutine_callee(checker: &Checker, call: &ast::ExprCall) -> Option<String> {
    let last_name = match &*call.func {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attr) => Some(attr.attr.as_str()),
        _ => None,
    };
    // Resolving a callee is the expensive part; most calls cannot be coroutines.
    if last_name.is_some_and(|name| !checker.semantic.modules.index.may_name_coroutine(name)) {
        return None;
    }
    let is_coroutine_function = match checker.semantic.function(&call.func) {
        Some(function) => function.is_async,
        None => checker
            .semantic
            .qualified_name(&call.func)
            .is_some_and(|qualified| ASYNCIO_COROUTINE_FUNCTIONS.contains(&qualified.as_str())),
    };
    is_coroutine_function.then(|| checker.text(&*call.func).to_string())
}
