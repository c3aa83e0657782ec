//! AL204 nested-event-loop: starting or blocking on a runtime from inside async
//! code panics ("Cannot start a runtime from within a runtime") or deadlocks.

use syn::spanned::Spanned;

use crate::registry::Rule;
use crate::rust::checker::Checker;
use crate::rust::values;

const BLOCK_ON_FUNCTIONS: &[&str] = &[
    "futures::executor::block_on",
    "futures_executor::block_on",
    "futures_lite::future::block_on",
    "async_std::task::block_on",
    "pollster::block_on",
    "smol::block_on",
    "tokio::runtime::Runtime::new",
];

pub fn check_call(checker: &mut Checker, call: &syn::ExprCall) {
    let Some(callee) = checker.callee(call) else {
        return;
    };
    if BLOCK_ON_FUNCTIONS.contains(&callee.as_str()) {
        let written = checker.text(&call.func);
        report(checker, call.span(), &written);
    }
}

pub fn check_method_call(checker: &mut Checker, call: &syn::ExprMethodCall) {
    let builds_runtime = call.method == "build"
        && values::value_type(checker, &call.receiver).as_deref()
            == Some("tokio::runtime::Builder");
    if call.method == "block_on" || builds_runtime {
        let written = format!("{}.{}", checker.text(&call.receiver), call.method);
        report(checker, call.span(), &written);
    }
}

fn report(checker: &mut Checker, span: proc_macro2::Span, written: &str) {
    checker.report(
        Rule::NestedEventLoop,
        span,
        format!(
            "`{written}` inside async code starts or blocks on a runtime from within a running one: it panics or deadlocks"
        ),
        "`.await` the future directly; from sync code called by async code, use `tokio::task::spawn_blocking` or `block_in_place`".to_string(),
    );
}
