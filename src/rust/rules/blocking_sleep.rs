//! AL201 blocking-sleep: `std::thread::sleep` inside async code stops the executor
//! thread, and every task scheduled on it, for the whole duration.

use crate::diagnostic::{Edit, Fix};
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
    let fix = tokio_sleep_instead(checker, call, &callee);
    checker.report_with_fix(
        Rule::BlockingSleep,
        syn::spanned::Spanned::span(call),
        format!(
            "`{written}` blocks the executor thread inside async code: every task on this thread stops while it sleeps"
        ),
        format!("use `tokio::time::sleep({duration}).await`, which suspends only this task"),
        fix,
    );
}

/// `std::thread::sleep(d)` → `tokio::time::sleep(d).await` (this rule runs only in
/// async code, where `.await` is allowed), when the file already uses tokio. The
/// argument is kept as written. `sleep_ms(ms)` takes milliseconds and is left alone.
fn tokio_sleep_instead(checker: &Checker, call: &syn::ExprCall, callee: &str) -> Option<Fix> {
    let uses_tokio = memchr::memmem::find(checker.source.as_bytes(), b"tokio").is_some();
    if callee != "std::thread::sleep" || !uses_tokio || call.args.len() != 1 {
        return None;
    }
    let (call_start, call_end) = checker.range(call);
    let (callee_start, callee_end) = checker.range(&call.func);
    // Spans from macro bodies can point elsewhere: rewrite only what is visibly a call.
    let written_here =
        callee_start == call_start && checker.source.get(call_start..call_end)?.ends_with(')');
    written_here.then(|| {
        Fix::new(
            "Replace with `tokio::time::sleep(...).await`",
            vec![
                Edit::replace(callee_start, callee_end, "tokio::time::sleep"),
                Edit::insert(call_end, ".await"),
            ],
        )
    })
}
