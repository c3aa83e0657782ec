//! End-to-end tests of suppression comments: Python `# noqa`, Rust
//! `// asynclint: allow(...)`, `asynclint: skip-file`, and
//! `--report-unused-suppressions` (AL001).

mod common;

use common::*;
use tempfile::TempDir;

/// The body of `MIXED` with a comment at the end of the `time.sleep(1)` line (7).
fn sleepy_with(comment: &str) -> String {
    format!("import asyncio\nimport time\nimport requests\n\n\nasync def main():\n    time.sleep(1)  {comment}\n    requests.get(\"https://example.com\")\n    asyncio.sleep(1)\n")
}

// ---------------------------------------------------------------------------------------
// Python
// ---------------------------------------------------------------------------------------

#[test]
fn noqa_with_a_code_suppresses_that_rule_on_its_line() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", sleepy_with("# noqa: AL201"));
    assert_eq!(
        check(dir.path(), &["."], 1),
        ["app.py:8 AL202", "app.py:9 AL101"]
    );
}

#[test]
fn noqa_with_a_name_or_a_prefix_suppresses_those_rules() {
    for comment in [
        "# noqa: blocking-sleep",
        "# noqa: AL2",
        "# NOQA:AL201",
        "# noqa: E501, AL201",
    ] {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "app.py", sleepy_with(comment));
        assert_eq!(
            check(dir.path(), &["."], 1),
            ["app.py:8 AL202", "app.py:9 AL101"],
            "{comment}"
        );
    }
}

#[test]
fn bare_noqa_suppresses_every_rule_on_its_line() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "app.py",
        "import time\n\n\nasync def main():\n    time.sleep(1); open('x').read()  # noqa\n    time.sleep(2)\n",
    );
    assert_eq!(check(dir.path(), &["."], 1), ["app.py:6 AL201"]);
}

#[test]
fn noqa_for_another_rule_or_tool_does_not_suppress() {
    for comment in ["# noqa: AL202", "# noqa: E501", "# noqa: F811 - shadowing"] {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "app.py", sleepy_with(comment));
        assert_eq!(
            check(dir.path(), &["."], 1),
            ["app.py:7 AL201", "app.py:8 AL202", "app.py:9 AL101"],
            "{comment}"
        );
    }
}

#[test]
fn noqa_inside_a_string_is_not_a_comment() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "app.py",
        "import time\n\n\nasync def main():\n    time.sleep(1); print('# noqa: AL201')\n",
    );
    assert_eq!(check(dir.path(), &["."], 1), ["app.py:5 AL201"]);
}

#[test]
fn skip_file_at_the_top_skips_the_whole_file() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "skipped.py",
        format!("\"\"\"A module with a legitimate blocking helper.\"\"\"\n# asynclint: skip-file\n{MIXED}"),
    );
    write(dir.path(), "other.py", SLEEPY);
    assert_eq!(check(dir.path(), &["."], 1), ["other.py:5 AL201"]);
}

#[test]
fn skip_file_after_code_has_no_effect() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "app.py",
        format!("{SLEEPY}# asynclint: skip-file\n"),
    );
    assert_eq!(check(dir.path(), &["."], 1), ["app.py:5 AL201"]);
    assert_eq!(
        check(dir.path(), &["--report-unused-suppressions", "."], 1),
        ["app.py:5 AL201", "app.py:6 AL001"]
    );
}

// ---------------------------------------------------------------------------------------
// Unused suppressions
// ---------------------------------------------------------------------------------------

const WITH_UNUSED: &str = "import time\n\n\nasync def main():\n    time.sleep(1)  # noqa: AL201, AL202\n    x = 1  # noqa\n    y = 2  # noqa: AL999\n    z = 3  # noqa: E501\n";

#[test]
fn unused_suppressions_are_reported_only_when_asked() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", WITH_UNUSED);
    assert_eq!(check(dir.path(), &["."], 0), Vec::<String>::new());
    let output = asynclint(
        dir.path(),
        &[
            "check",
            "--report-unused-suppressions",
            "--format",
            "json",
            ".",
        ],
    );
    assert_exit(&output, 1);
    let found: Vec<(u64, u64, String, String)> = json(&output)
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let al001 =
        |line, column, message: &str| (line, column, "AL001".to_string(), message.to_string());
    assert_eq!(
        found,
        [
            al001(5, 35, "unused suppression: no `AL202` finding on line 5"),
            al001(6, 12, "unused suppression: nothing is reported on line 6"),
            al001(
                7,
                20,
                "`AL999` is not an asynclint rule, so this suppression does nothing"
            ),
        ]
    );
}

#[test]
fn unused_suppression_can_be_selected_in_the_configuration() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", WITH_UNUSED);
    write(dir.path(), "tests/test_app.py", WITH_UNUSED);
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.asynclint]\nextend-select = [\"AL001\"]\n\n[tool.asynclint.per-file-ignores]\n\"tests/*\" = [\"unused-suppression\"]\n",
    );
    assert_eq!(
        check(dir.path(), &["."], 1),
        ["app.py:5 AL001", "app.py:6 AL001", "app.py:7 AL001"]
    );
}

#[test]
fn suppression_of_a_disabled_rule_is_not_reported_unused() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", "x = 1  # noqa: AL202\n");
    assert_eq!(
        check(
            dir.path(),
            &["--report-unused-suppressions", "--ignore", "AL202", "."],
            0
        ),
        Vec::<String>::new()
    );
}

#[test]
fn unneeded_skip_file_is_reported() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", "# asynclint: skip-file\nx = 1\n");
    assert_eq!(check(dir.path(), &["."], 0), Vec::<String>::new());
    assert_eq!(
        check(dir.path(), &["--report-unused-suppressions", "."], 1),
        ["app.py:1 AL001"]
    );
}

// ---------------------------------------------------------------------------------------
// Rust
// ---------------------------------------------------------------------------------------

const RUST_SLEEP_LINE: &str = "    std::thread::sleep(std::time::Duration::from_millis(10));";

fn rust_file(lines: &[&str]) -> String {
    let mut text = String::from("async fn handler() {\n");
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("}\n");
    text
}

#[test]
fn rust_sleep_is_reported_without_a_suppression() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "src/lib.rs", rust_file(&[RUST_SLEEP_LINE]));
    assert_eq!(check(dir.path(), &["."], 1), ["src/lib.rs:2 AL201"]);
}

#[test]
fn rust_allow_at_the_end_of_the_line_suppresses() {
    let dir = TempDir::new().unwrap();
    let line = format!("{RUST_SLEEP_LINE} // asynclint: allow(AL201)");
    write(dir.path(), "src/lib.rs", rust_file(&[&line]));
    assert_eq!(
        check(dir.path(), &["--report-unused-suppressions", "."], 0),
        Vec::<String>::new()
    );
}

#[test]
fn rust_allow_alone_on_the_line_above_suppresses() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "src/lib.rs",
        rust_file(&["    // asynclint: allow(blocking-sleep)", RUST_SLEEP_LINE]),
    );
    assert_eq!(
        check(dir.path(), &["--report-unused-suppressions", "."], 0),
        Vec::<String>::new()
    );
}

#[test]
fn rust_allow_for_another_rule_or_inside_a_string_does_not_suppress() {
    let dir = TempDir::new().unwrap();
    let in_string = format!("{RUST_SLEEP_LINE} let _ = \"// asynclint: allow(AL201)\";");
    write(
        dir.path(),
        "src/lib.rs",
        rust_file(&[
            "    // asynclint: allow(AL202)",
            RUST_SLEEP_LINE,
            &in_string,
        ]),
    );
    assert_eq!(
        check(dir.path(), &["."], 1),
        ["src/lib.rs:3 AL201", "src/lib.rs:4 AL201"]
    );
}

#[test]
fn rust_skip_file_skips_the_whole_file() {
    let dir = TempDir::new().unwrap();
    let text = format!(
        "//! Test helpers.\n// asynclint: skip-file\n{}",
        rust_file(&[RUST_SLEEP_LINE])
    );
    write(dir.path(), "src/lib.rs", text);
    assert_eq!(
        check(dir.path(), &["--report-unused-suppressions", "."], 0),
        Vec::<String>::new()
    );
}

#[test]
fn rust_allow_that_suppresses_nothing_is_reported() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "src/lib.rs",
        rust_file(&[
            "    // asynclint: allow(AL201)",
            "    tokio::time::sleep(std::time::Duration::from_millis(10)).await;",
            "    let x = 1; // asynclint: allow(AL9)",
            "    let y = 2; // asynclint: alow(AL201)",
        ]),
    );
    assert_eq!(check(dir.path(), &["."], 0), Vec::<String>::new());
    let output = asynclint(
        dir.path(),
        &[
            "check",
            "--report-unused-suppressions",
            "--format",
            "concise",
            ".",
        ],
    );
    assert_exit(&output, 1);
    let lines: Vec<String> = stdout(&output)
        .lines()
        .map(|line| line.replace('\\', "/"))
        .collect();
    assert_eq!(
        lines,
        [
            "src/lib.rs:2:25: AL001 [unused-suppression] unused suppression: no `AL201` finding on line 3",
            "src/lib.rs:4:36: AL001 [unused-suppression] `AL9` is not an asynclint rule, so this suppression does nothing",
            "src/lib.rs:5:16: AL001 [unused-suppression] this `asynclint:` comment is not a directive asynclint understands, so it suppresses nothing",
        ]
    );
}
