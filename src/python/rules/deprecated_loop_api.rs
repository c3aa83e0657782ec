//! AL501 deprecated-loop-api: event-loop management that modern asyncio replaces —
//! `get_event_loop()`, hand-made loops driven by `run_until_complete`,
//! `new_event_loop()` + `set_event_loop()`, and generator-based coroutines.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use crate::diagnostic::{Edit, Fix};
use crate::python::checker::Checker;
use crate::registry::Rule;

const GET_EVENT_LOOP: &[&str] = &["asyncio.get_event_loop", "asyncio.events.get_event_loop"];
const LOOP_MAKERS: &[&str] = &[
    "asyncio.get_event_loop",
    "asyncio.events.get_event_loop",
    "asyncio.new_event_loop",
    "asyncio.events.new_event_loop",
];

pub fn call(checker: &mut Checker, call: &ast::ExprCall, callee: Option<&str>) {
    match callee {
        Some(callee) if GET_EVENT_LOOP.contains(&callee) => get_event_loop(checker, call),
        Some("asyncio.set_event_loop") => set_event_loop(checker, call),
        _ => run_until_complete(checker, call),
    }
}

fn get_event_loop(checker: &mut Checker, call: &ast::ExprCall) {
    let written = checker.text(call);
    let (message, help, fix) = if checker.semantic.in_async_function() {
        (
            format!("`{written}` inside a coroutine: it is a deprecated way to reach the loop that is already running"),
            "use `asyncio.get_running_loop()`".to_string(),
            running_loop_instead(call),
        )
    } else {
        (
            format!("`{written}` is deprecated outside a running loop (Python 3.10+) and may create a loop that nothing closes"),
            "call `asyncio.get_running_loop()` from code that runs on the loop (coroutines, callbacks, protocol constructors), or pass the loop in; at a program's entry point use `asyncio.run(main())`".to_string(),
            None,
        )
    };
    checker.report_with_fix(Rule::DeprecatedLoopApi, call.range(), message, help, fix);
}

/// `asyncio.get_event_loop()` → `asyncio.get_running_loop()` inside a coroutine, where
/// the two return the same loop. Only the attribute spelling: a bare
/// `get_event_loop()` would need a new import.
fn running_loop_instead(call: &ast::ExprCall) -> Option<Fix> {
    let Expr::Attribute(attr) = &*call.func else {
        return None;
    };
    let no_arguments = call.arguments.args.is_empty() && call.arguments.keywords.is_empty();
    no_arguments.then(|| {
        Fix::new(
            "Replace with `get_running_loop()`",
            vec![Edit::replace(
                attr.attr.start().into(),
                attr.attr.end().into(),
                "get_running_loop",
            )],
        )
    })
}

/// `asyncio.set_event_loop(loop)` where `loop` came from `asyncio.new_event_loop()`.
fn set_event_loop(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(argument) = call.arguments.args.first() else {
        return;
    };
    let from_new_loop = checker
        .semantic
        .origin(argument)
        .is_some_and(|origin| origin.ends_with("new_event_loop"));
    if !from_new_loop {
        return;
    }
    checker.report(
        Rule::DeprecatedLoopApi,
        call.range(),
        format!("`{}` installs a hand-made loop from `new_event_loop()`; creating, installing and closing loops by hand is what `asyncio.run` does correctly", checker.text(call)),
        "use `asyncio.run(main())`, or `asyncio.Runner` to run several coroutines on one loop".to_string(),
    );
}

/// `loop.run_until_complete(main())` in sync code on a loop from `get_event_loop()` /
/// `new_event_loop()`. (Inside async code the same call is AL204.)
fn run_until_complete(checker: &mut Checker, call: &ast::ExprCall) {
    let Expr::Attribute(attr) = &*call.func else {
        return;
    };
    if attr.attr.as_str() != "run_until_complete" || checker.semantic.in_async_function() {
        return;
    }
    // `asyncio.get_event_loop().run_until_complete(...)` is already reported once.
    if let Expr::Call(receiver) = &*attr.value {
        let receiver_callee = checker.semantic.qualified_name(&receiver.func);
        if receiver_callee.is_some_and(|callee| GET_EVENT_LOOP.contains(&callee.as_str())) {
            return;
        }
    }
    let made_here = checker
        .semantic
        .origin(&attr.value)
        .is_some_and(|origin| LOOP_MAKERS.contains(&origin.as_str()));
    if !made_here {
        return;
    }
    let argument = call
        .arguments
        .args
        .first()
        .map_or("main()".to_string(), |argument| {
            checker.text(argument).to_string()
        });
    checker.report(
        Rule::DeprecatedLoopApi,
        call.range(),
        format!("driving a hand-made loop with `{}` is the pre-3.7 entry-point pattern; it leaves async generators and executors unclosed", checker.text(&*call.func)),
        format!("use `asyncio.run({argument})`, or `asyncio.Runner` to run several coroutines on one loop"),
    );
}

/// `@asyncio.coroutine` (removed in Python 3.11).
pub fn coroutine_decorator(checker: &mut Checker, def: &ast::StmtFunctionDef) {
    for decorator in &def.decorator_list {
        if checker
            .semantic
            .qualified_name(&decorator.expression)
            .as_deref()
            == Some("asyncio.coroutine")
        {
            checker.report(
                Rule::DeprecatedLoopApi,
                decorator.range(),
                format!(
                    "`@asyncio.coroutine` on `{}` was removed in Python 3.11",
                    def.name
                ),
                format!(
                    "declare it `async def {}` and replace `yield from` with `await`",
                    def.name
                ),
            );
        }
    }
}

/// `yield from` used as `await`: in an `@asyncio.coroutine` function, or on an asyncio call.
pub fn yield_from(checker: &mut Checker, yield_from: &ast::ExprYieldFrom) {
    let in_legacy_coroutine = checker.semantic.current_function().is_some_and(|def| {
        def.decorator_list.iter().any(|decorator| {
            checker
                .semantic
                .qualified_name(&decorator.expression)
                .as_deref()
                == Some("asyncio.coroutine")
        })
    });
    let on_asyncio_call = match &*yield_from.value {
        Expr::Call(call) => checker
            .semantic
            .qualified_name(&call.func)
            .is_some_and(|callee| callee.starts_with("asyncio.")),
        _ => false,
    };
    if in_legacy_coroutine || on_asyncio_call {
        checker.report(
            Rule::DeprecatedLoopApi,
            yield_from.range(),
            format!(
                "`{}` is a generator-based coroutine, removed in Python 3.11",
                checker.text(yield_from)
            ),
            format!(
                "make the function `async def` and write `await {}`",
                checker.text(&*yield_from.value)
            ),
        );
    }
}
