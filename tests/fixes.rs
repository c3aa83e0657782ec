//! The fixes rules attach to their findings: each rewrites the code into the form the
//! rule's help asks for, leaves a file that still parses, and makes the finding go
//! away; where the rewrite would not be safe, no fix is offered.

use asynclint::diagnostic::Diagnostic;
use asynclint::discover::Language;
use asynclint::engine::lint_text;
use asynclint::registry::Rule;
use asynclint::settings::Settings;

fn findings(language: Language, source: &str, rule: Rule) -> Vec<Diagnostic> {
    lint_text(language, source, &Settings::default())
        .into_iter()
        .filter(|diagnostic| diagnostic.rule == rule)
        .collect()
}

/// Applies the fix of the one `rule` finding in `source`, checks that the result
/// has neither that finding nor a syntax error, and returns it.
#[track_caller]
fn fixed(language: Language, source: &str, rule: Rule) -> String {
    let found = findings(language, source, rule);
    assert_eq!(found.len(), 1, "expected one {rule} finding: {found:?}");
    let fix = found[0]
        .fix
        .as_ref()
        .unwrap_or_else(|| panic!("{rule} has no fix in:\n{source}"));
    let result = fix.apply(source);
    let after = lint_text(language, &result, &Settings::default());
    assert!(
        after
            .iter()
            .all(|d| d.rule != rule && d.rule != Rule::SyntaxError),
        "after the fix:\n{result}\nstill reports {after:?}"
    );
    result
}

#[track_caller]
fn no_fix(language: Language, source: &str, rule: Rule) {
    let found = findings(language, source, rule);
    assert_eq!(found.len(), 1, "expected one {rule} finding: {found:?}");
    assert_eq!(found[0].fix, None, "no fix expected in:\n{source}");
}

#[test]
fn time_sleep_becomes_awaited_asyncio_sleep() {
    let source = "import asyncio\nimport time\n\nasync def poll():\n    time.sleep(0.5)\n";
    assert_eq!(
        fixed(Language::Python, source, Rule::BlockingSleep),
        "import asyncio\nimport time\n\nasync def poll():\n    await asyncio.sleep(0.5)\n"
    );
}

#[test]
fn time_sleep_fix_imports_asyncio_after_docstring_and_future_imports() {
    let source = "\"\"\"Poller.\"\"\"\nfrom __future__ import annotations\nfrom time import sleep\n\nasync def poll(delay):\n    sleep(delay)\n";
    assert_eq!(
        fixed(Language::Python, source, Rule::BlockingSleep),
        "\"\"\"Poller.\"\"\"\nfrom __future__ import annotations\nimport asyncio\nfrom time import sleep\n\nasync def poll(delay):\n    await asyncio.sleep(delay)\n"
    );
}

#[test]
fn time_sleep_has_no_fix_where_asyncio_names_something_else_or_a_chain_follows() {
    no_fix(
        Language::Python,
        "import time\nasyncio = None\n\nasync def poll():\n    time.sleep(1)\n",
        Rule::BlockingSleep,
    );
    no_fix(
        Language::Python,
        "import asyncio, time\n\nasync def poll():\n    print(time.sleep(1).real)\n",
        Rule::BlockingSleep,
    );
}

#[test]
fn get_event_loop_in_a_coroutine_becomes_get_running_loop() {
    let source = "import asyncio\n\nasync def main():\n    loop = asyncio.get_event_loop()\n    return loop\n";
    assert_eq!(
        fixed(Language::Python, source, Rule::DeprecatedLoopApi),
        "import asyncio\n\nasync def main():\n    loop = asyncio.get_running_loop()\n    return loop\n"
    );
    no_fix(
        Language::Python,
        "import asyncio\n\ndef main():\n    loop = asyncio.get_event_loop()\n    return loop\n",
        Rule::DeprecatedLoopApi,
    );
}

#[test]
fn unawaited_coroutine_gets_await_only_inside_async_def() {
    let define = "async def fetch():\n    return 1\n\n";
    for (body, expected) in [
        ("    fetch()\n", "    await fetch()\n"),
        (
            "    if not fetch():\n        pass\n",
            "    if not await fetch():\n        pass\n",
        ),
        ("    pending = fetch()\n", "    pending = await fetch()\n"),
    ] {
        let source = format!("{define}async def main():\n{body}");
        assert_eq!(
            fixed(Language::Python, &source, Rule::UnawaitedCoroutine),
            format!("{define}async def main():\n{expected}")
        );
    }
    no_fix(
        Language::Python,
        &format!("{define}def main():\n    fetch()\n"),
        Rule::UnawaitedCoroutine,
    );
}

#[test]
fn thread_sleep_becomes_tokio_sleep_in_a_tokio_file() {
    let source = "use std::time::Duration;\n\n#[tokio::main]\nasync fn main() {\n    std::thread::sleep(Duration::from_millis(5));\n}\n";
    assert_eq!(
        fixed(Language::Rust, source, Rule::BlockingSleep),
        "use std::time::Duration;\n\n#[tokio::main]\nasync fn main() {\n    tokio::time::sleep(Duration::from_millis(5)).await;\n}\n"
    );
    no_fix(
        Language::Rust,
        "use std::time::Duration;\n\nasync fn run() {\n    std::thread::sleep(Duration::from_millis(5));\n}\n",
        Rule::BlockingSleep,
    );
}
