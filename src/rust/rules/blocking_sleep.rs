//! AL201 blocking-sleep: `std::thread::sleep` inside async code stops the executor
//! thread, and every task scheduled on it, for the whole duration.

use crate::registry::Rule;
use crate::rust::checker::Checker;

const THREAD_SLEEPS: &[&str] = &["std::thread::sleep", "std::thread::sleep_ms"];

pub fn check_call(checker: &mut Checker, call: &syn::ExprCall) {
    let Some(callee) = checker.callee(call) else {
        return;
    };
    if !THREAD_SLEEPS.contains(&callee.as_str()) {
        return;
    }
    let written = checker.text(&call.func);
    let written = if written == callee {
        written
    } else {
        format!("{written}` (`{callee}")
    };
    let duration = call
        .args
        .first()
        .map_or_else(|| "duration".to_string(), |arg| checker.text(arg));
    checker.report(
        Rule::BlockingSleep,
        syn::spanned::Spanned::span(call),
        format!(
            "`{written}` blocks the executor thread inside async code: every task on this thread stops while it sleeps"
        ),
        format!("use `tokio::time::sleep({duration}).await`, which suspends only this task"),
    );
}
