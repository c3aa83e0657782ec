//! Pathological input, end to end: every test writes odd files next to a known-bad
//! neighbour into a temporary directory, runs the real binary, and checks that the
//! odd file gets either its correct findings or exactly one clear AL000, that the
//! process neither crashes nor overflows its stack, and that the neighbour's finding
//! is still reported. Inputs are generated here; nothing large is committed.
//!
//! Exit codes: 1 when there are findings (an AL000 is one), 2 when a path could not
//! be read or walked (an unreadable file, a broken link, a link loop), whatever else
//! was found.
//!
//! The heaviest tests (50 MB files, a 5 MB line of tokens) are `#[ignore]`d: in a
//! debug build each takes half a minute. `.ci/run` runs them against a release build
//! (`cargo test --release --test robustness -- --ignored`).

use std::path::Path;
use std::process::Output;

use serde_json::Value;
use tempfile::TempDir;

mod common;

use common::{assert_exit, asynclint, json, stderr, write, SLEEPY};

/// One finding of a `--format json` run.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Finding {
    path: String,
    line: u64,
    column: u64,
    code: String,
    message: String,
}

fn findings(output: &Output) -> Vec<Finding> {
    let Value::Array(items) = json(output) else {
        panic!("not a JSON array");
    };
    items
        .iter()
        .map(|item| Finding {
            path: item["path"].as_str().unwrap().replace('\\', "/"),
            line: item["line"].as_u64().unwrap(),
            column: item["column"].as_u64().unwrap(),
            code: item["code"].as_str().unwrap().to_string(),
            message: item["message"].as_str().unwrap().to_string(),
        })
        .collect()
}

/// Runs `asynclint check --format json .` in `dir`, asserting the exit status.
#[track_caller]
fn check_json(dir: &Path, status: i32) -> Vec<Finding> {
    check_json_with(dir, status, &[])
}

fn check_json_with(dir: &Path, status: i32, extra: &[&str]) -> Vec<Finding> {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(".");
    let output = asynclint(dir, &args);
    assert_exit(&output, status);
    findings(&output)
}

fn of<'f>(findings: &'f [Finding], path: &str) -> Vec<&'f Finding> {
    findings.iter().filter(|f| f.path == path).collect()
}

/// `(line, column, code)` of the findings in `path`.
fn positions(findings: &[Finding], path: &str) -> Vec<(u64, u64, String)> {
    of(findings, path)
        .iter()
        .map(|f| (f.line, f.column, f.code.clone()))
        .collect()
}

/// The one AL000 of `path`, asserting it is the file's only finding.
#[track_caller]
fn only_al000<'f>(findings: &'f [Finding], path: &str) -> &'f Finding {
    let found = of(findings, path);
    assert_eq!(
        found.len(),
        1,
        "{path}: expected exactly one finding: {found:#?}"
    );
    assert_eq!(found[0].code, "AL000", "{found:#?}");
    found[0]
}

/// The neighbour every test lints next to its odd files: one AL201 on line 5.
const NEIGHBOUR: &str = "neighbour.py";

fn write_neighbour(dir: &Path) {
    write(dir, NEIGHBOUR, SLEEPY);
}

#[track_caller]
fn assert_neighbour_reported(findings: &[Finding]) {
    assert_eq!(
        positions(findings, NEIGHBOUR),
        [(5, 5, "AL201".to_string())],
        "the neighbour's finding is missing: {findings:#?}"
    );
}

/// A Python module whose `time.sleep(1)` (the AL201) sits inside `expression`'s
/// innermost point, written where `expression` says `{}`; the finding is on line 5.
fn python_sleep_inside(expression_around: (&str, &str)) -> String {
    let (before, after) = expression_around;
    format!("import time\n\n\nasync def main():\n    x = {before}time.sleep(1){after}\n")
}

/// A Rust file with `std::thread::sleep(d)` (the AL201) inside `around`, on line 2.
fn rust_sleep_inside(around: (&str, &str)) -> String {
    let (before, after) = around;
    format!("async fn main(d: std::time::Duration) {{\n    let x = {before}std::thread::sleep(d){after};\n}}\n")
}

const DEPTH: usize = 10_000;

// ---------------------------------------------------------------------------------------
// Deep nesting
// ---------------------------------------------------------------------------------------

#[test]
fn python_nested_10000_deep_is_checked() {
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    let open = |s: &str| s.repeat(DEPTH);
    write(
        dir.path(),
        "parens.py",
        python_sleep_inside((&open("("), &open(")"))),
    );
    write(
        dir.path(),
        "lists.py",
        python_sleep_inside((&open("["), &open("]"))),
    );
    write(
        dir.path(),
        "binary.py",
        python_sleep_inside(("", &open(" + 1"))),
    );
    write(
        dir.path(),
        "unary.py",
        python_sleep_inside((&open("-"), "")),
    );
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    // Column: four spaces, `x = `, then the opening brackets.
    let inner = 9 + DEPTH as u64;
    assert_eq!(positions(&found, "parens.py"), [(5, inner, "AL201".into())]);
    assert_eq!(positions(&found, "lists.py"), [(5, inner, "AL201".into())]);
    assert_eq!(positions(&found, "binary.py"), [(5, 9, "AL201".into())]);
    assert_eq!(positions(&found, "unary.py"), [(5, inner, "AL201".into())]);
}

#[test]
fn python_if_blocks_nested_10000_deep_are_checked() {
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    // One space per level keeps the file at 50 MB.
    let mut text = String::from("import time\n\n\nasync def main():\n");
    for level in 0..DEPTH {
        text.push_str(&" ".repeat(4 + level));
        text.push_str("if time:\n");
    }
    text.push_str(&" ".repeat(4 + DEPTH));
    text.push_str("time.sleep(1)\n");
    write(dir.path(), "ifs.py", &text);
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    let line = 5 + DEPTH as u64;
    assert_eq!(
        positions(&found, "ifs.py"),
        [(line, 5 + DEPTH as u64, "AL201".into())]
    );
}

#[test]
fn rust_nested_10000_deep_is_checked() {
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    let open = |s: &str| s.repeat(DEPTH);
    write(
        dir.path(),
        "parens.rs",
        rust_sleep_inside((&open("("), &open(")"))),
    );
    write(
        dir.path(),
        "blocks.rs",
        rust_sleep_inside((&open("{"), &open("}"))),
    );
    write(
        dir.path(),
        "binary.rs",
        rust_sleep_inside(("", &open(" + 1"))),
    );
    write(
        dir.path(),
        "ifs.rs",
        rust_sleep_inside((&open("if c { "), &open(" } else { () }"))),
    );
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    // Column: four spaces, `let x = `, then the openings.
    let after = |opening: &str| 13 + (DEPTH * opening.len()) as u64;
    assert_eq!(
        positions(&found, "parens.rs"),
        [(2, after("("), "AL201".into())]
    );
    assert_eq!(
        positions(&found, "blocks.rs"),
        [(2, after("{"), "AL201".into())]
    );
    assert_eq!(positions(&found, "binary.rs"), [(2, 13, "AL201".into())]);
    assert_eq!(
        positions(&found, "ifs.rs"),
        [(2, after("if c { "), "AL201".into())]
    );
}

#[test]
fn long_chains_and_nested_macros_are_checked_in_linear_time() {
    // Both once took time quadratic in their length: every method call looked up its
    // receiver's type down the whole chain, and every macro level parsed all the
    // macros inside it again (10,000 nested `vec![` took a minute).
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    write(
        dir.path(),
        "chain.rs",
        rust_sleep_inside(("", &".clone()".repeat(5_000))),
    );
    write(
        dir.path(),
        "macros.rs",
        rust_sleep_inside((&"vec![".repeat(5_000), &"]".repeat(5_000))),
    );
    write(
        dir.path(),
        "shallow_macros.rs",
        rust_sleep_inside((&"vec![".repeat(16), &"]".repeat(16))),
    );
    // Nested lambdas once took memory quadratic in their depth (their names grew).
    write(
        dir.path(),
        "lambdas.py",
        python_sleep_inside((&"lambda: ".repeat(5_000), "")),
    );
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    assert_eq!(positions(&found, "chain.rs"), [(2, 13, "AL201".into())]);
    // Macro bodies are followed 16 levels deep; the sleep is far below that.
    assert_eq!(positions(&found, "macros.rs"), []);
    assert_eq!(
        positions(&found, "shallow_macros.rs"),
        [(2, 13 + 16 * 5, "AL201".into())]
    );
    // A lambda's body does not run on the event loop.
    assert_eq!(positions(&found, "lambdas.py"), []);
}

#[test]
fn nesting_past_the_limit_is_one_al000_where_it_gets_too_deep() {
    const TOO_DEEP: usize = 100_000;
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    let open = |s: &str| s.repeat(TOO_DEEP);
    write(
        dir.path(),
        "parens.py",
        python_sleep_inside((&open("("), &open(")"))),
    );
    write(
        dir.path(),
        "unary.py",
        python_sleep_inside((&open("not "), "")),
    );
    write(
        dir.path(),
        "parens.rs",
        rust_sleep_inside((&open("("), &open(")"))),
    );
    write(dir.path(), "unary.rs", rust_sleep_inside((&open("!"), "")));
    // A left-deep chain: no bracket at all, but as deep a tree.
    write(
        dir.path(),
        "chain.rs",
        rust_sleep_inside(("", &open(".f()"))),
    );
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    for path in ["parens.py", "unary.py", "parens.rs", "unary.rs", "chain.rs"] {
        let al000 = only_al000(&found, path);
        assert!(
            al000
                .message
                .starts_with("nested more than 12000 levels deep here"),
            "{al000:#?}"
        );
        let line = if path.ends_with(".py") { 5 } else { 2 };
        assert_eq!(al000.line, line, "{al000:#?}");
        assert!(al000.column > 10_000, "{al000:#?}");
    }
}

// ---------------------------------------------------------------------------------------
// Size
// ---------------------------------------------------------------------------------------

const FIFTY_MB: usize = 50 * 1024 * 1024;

#[test]
#[ignore = "heavy in a debug build: .ci/run runs it against a release build"]
fn fifty_megabyte_file_reports_every_finding() {
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    let mut text = String::from("import time\n\n\n");
    let mut expected = Vec::new();
    let mut index = 0;
    let mut line = 3;
    while text.len() < FIFTY_MB {
        if index % 1000 == 999 {
            text.push_str(&format!(
                "async def handler_{index}(request):\n    data = await request.json()\n    time.sleep(1)\n    return data\n\n\n"
            ));
            expected.push((line + 3, 5, "AL201".to_string()));
        } else {
            text.push_str(&format!(
                "async def handler_{index}(request):\n    data = await request.json()\n    return {{'id': {index}, 'data': data}}\n\n\n"
            ));
        }
        line += if index % 1000 == 999 { 6 } else { 5 };
        index += 1;
    }
    write(dir.path(), "big.py", &text);
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    assert_eq!(expected.len(), 483);
    assert_eq!(positions(&found, "big.py"), expected);
}

#[test]
#[ignore = "heavy in a debug build: .ci/run runs it against a release build"]
fn fifty_megabyte_rust_file_reports_every_finding() {
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    let mut text = String::new();
    let mut expected = Vec::new();
    let mut index = 0;
    let mut line = 0;
    while text.len() < FIFTY_MB {
        if index % 1000 == 999 {
            text.push_str(&format!(
                "async fn handler_{index}(d: std::time::Duration) -> u64 {{\n    std::thread::sleep(d);\n    {index}\n}}\n\n"
            ));
            expected.push((line + 2, 5, "AL201".to_string()));
        } else {
            text.push_str(&format!(
                "async fn handler_{index}(values: &[u64]) -> u64 {{\n    values.iter().sum::<u64>() + {index}\n}}\n\n"
            ));
        }
        // Each function and the blank line after it.
        line += if index % 1000 == 999 { 5 } else { 4 };
        index += 1;
    }
    write(dir.path(), "big.rs", &text);
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    assert!(expected.len() > 400);
    assert_eq!(positions(&found, "big.rs"), expected);
}

/// Python and Rust files with a finding at the end of a 5 MB line that holds
/// `filler` (a string literal, or the elements of an array, in both languages).
fn write_five_megabyte_lines(dir: &Path, filler: &str) -> (usize, usize) {
    let python = format!("import time\n\n\nasync def main():\n    x = {filler}; time.sleep(1)\n");
    let rust = format!(
        "async fn main(d: std::time::Duration) {{\n    let x = {filler}; std::thread::sleep(d);\n}}\n"
    );
    write(dir, "long.py", &python);
    write(dir, "long.rs", &rust);
    let filler_columns = filler.chars().count();
    (
        "    x = ".len() + filler_columns + "; ".len() + 1,
        "    let x = ".len() + filler_columns + "; ".len() + 1,
    )
}

#[test]
fn five_megabyte_line_is_checked_in_every_format() {
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    // Two bytes per character: the column counts characters, not bytes.
    let literal = format!("\"{}\"", "é".repeat(5 * 1024 * 1024 / 2));
    let (python_column, rust_column) = write_five_megabyte_lines(dir.path(), &literal);
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    assert_eq!(
        positions(&found, "long.py"),
        [(5, python_column as u64, "AL201".into())]
    );
    assert_eq!(
        positions(&found, "long.rs"),
        [(2, rust_column as u64, "AL201".into())]
    );
    // The text report shows the snippet; it must finish and agree on the position.
    let text = asynclint(dir.path(), &["check", "--no-color", "."]);
    assert_exit(&text, 1);
    let report = String::from_utf8(text.stdout).unwrap();
    assert!(report.contains(&format!("long.py:5:{python_column} ]")));
    assert!(report.contains(&format!("long.rs:2:{rust_column} ]")));
}

#[test]
#[ignore = "heavy in a debug build: .ci/run runs it against a release build"]
fn five_megabyte_line_of_tokens_is_checked() {
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    let array = format!("[{}]", "1, ".repeat(5 * 1024 * 1024 / 3));
    let (python_column, rust_column) = write_five_megabyte_lines(dir.path(), &array);
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    assert_eq!(
        positions(&found, "long.py"),
        [(5, python_column as u64, "AL201".into())]
    );
    assert_eq!(
        positions(&found, "long.rs"),
        [(2, rust_column as u64, "AL201".into())]
    );
}

// ---------------------------------------------------------------------------------------
// Encodings and line endings
// ---------------------------------------------------------------------------------------

#[test]
fn binary_files_named_py_and_rs_are_one_al000_each() {
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    let bytes: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    write(dir.path(), "blob.py", &bytes);
    write(dir.path(), "blob.rs", &bytes);
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    for path in ["blob.py", "blob.rs"] {
        let al000 = only_al000(&found, path);
        assert!(al000.message.contains("binary"), "{al000:#?}");
        assert_eq!((al000.line, al000.column), (1, 1));
    }
}

#[test]
fn invalid_utf8_is_one_al000_at_the_first_bad_byte() {
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    write(
        dir.path(),
        "latin.py",
        b"import time\n\n\nasync def main():\n    name = 'caf\xe9'\n    time.sleep(1)\n",
    );
    write(
        dir.path(),
        "latin.rs",
        b"async fn main() {\n    let name = \"caf\xe9\";\n}\n",
    );
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    let python = only_al000(&found, "latin.py");
    assert_eq!((python.line, python.column), (5, 16), "{python:#?}");
    assert!(python.message.contains("not valid UTF-8"), "{python:#?}");
    let rust = only_al000(&found, "latin.rs");
    assert_eq!((rust.line, rust.column), (2, 20), "{rust:#?}");
}

#[test]
fn byte_order_mark_is_not_a_column() {
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    let bom = |text: &str| [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    write(
        dir.path(),
        "bom.py",
        bom("import time\nasync def f(): time.sleep(1)\n"),
    );
    write(
        dir.path(),
        "bom.rs",
        bom("async fn f(d: u64) { std::thread::sleep(d); }\n"),
    );
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    assert_eq!(positions(&found, "bom.py"), [(2, 16, "AL201".into())]);
    assert_eq!(positions(&found, "bom.rs"), [(1, 22, "AL201".into())]);
}

#[test]
fn crlf_and_lone_cr_line_endings_give_the_same_positions() {
    let python = "import time\n\n\nasync def main():\n    x = 1\n    time.sleep(1)\n    y = 'é'; time.sleep(2)\n";
    let rust = "async fn main(d: u64) {\n    let x = 1;\n    std::thread::sleep(d);\n    let y = 'é'; std::thread::sleep(d);\n}\n";
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    for (name, ending) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r"), ("mixed", "")] {
        let convert = |text: &str| match ending {
            // Every kind of ending in one file.
            "" => text
                .split_inclusive('\n')
                .enumerate()
                .map(|(i, line)| line.replace('\n', ["\n", "\r\n", "\r"][i % 3]))
                .collect::<String>(),
            ending => text.replace('\n', ending),
        };
        write(dir.path(), &format!("{name}.py"), convert(python));
        write(dir.path(), &format!("{name}.rs"), convert(rust));
    }
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    let python_expected: Vec<(u64, u64, String)> =
        vec![(6, 5, "AL201".into()), (7, 14, "AL201".into())];
    let rust_expected: Vec<(u64, u64, String)> =
        vec![(3, 5, "AL201".into()), (4, 18, "AL201".into())];
    for name in ["lf", "crlf", "cr", "mixed"] {
        assert_eq!(
            positions(&found, &format!("{name}.py")),
            python_expected,
            "{name}.py"
        );
        assert_eq!(
            positions(&found, &format!("{name}.rs")),
            rust_expected,
            "{name}.rs"
        );
    }
}

#[test]
fn form_feeds_and_unicode_line_separators_do_not_move_the_text_report() {
    // Python and Rust end lines only at \n, \r\n and \r; the text report's renderer
    // also broke lines at form feeds, vertical tabs, U+0085, U+2028 and U+2029.
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    write(
        dir.path(),
        "separators.py",
        "import time\n\x0c\nx = 'a\u{2028}b\u{85}c\x0bd\u{2029}'\nasync def main():\n    y = '\u{2028}'; time.sleep(1)\n",
    );
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    assert_eq!(
        positions(&found, "separators.py"),
        [(5, 14, "AL201".into())]
    );
    let text = asynclint(dir.path(), &["check", "--no-color", "separators.py"]);
    assert_exit(&text, 1);
    let report = String::from_utf8(text.stdout).unwrap();
    assert!(report.contains("╭─[ separators.py:5:14 ]"), "{report}");
}

#[test]
fn syntax_errors_at_the_end_of_input_point_at_the_end_of_the_file() {
    // Found by fuzzing (`lint_rust`): after a `#!` line ending in CRLF, an error that
    // syn gives no location (the end of the input) landed between the `\r` and the
    // `\n`, one column past the end of line 1.
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    write(
        dir.path(),
        "script.rs",
        "#!/usr/bin/env run-cargo-script\r\nfn",
    );
    write(dir.path(), "plain.rs", "struct S;\nfn");
    write(
        dir.path(),
        "fuzzed.rs",
        include_bytes!("fuzz-regressions/lint_rust-crlf-shebang.bin"),
    );
    // These files have no async word: the prefilter would skip them unparsed.
    let found = check_json_with(dir.path(), 1, &["--no-prefilter"]);
    assert_neighbour_reported(&found);
    assert_eq!(
        (
            only_al000(&found, "script.rs").line,
            only_al000(&found, "script.rs").column
        ),
        (2, 3)
    );
    assert_eq!(
        (
            only_al000(&found, "plain.rs").line,
            only_al000(&found, "plain.rs").column
        ),
        (2, 3)
    );
    // The fuzzer's input itself: one AL000, inside the file.
    let fuzzed = only_al000(&found, "fuzzed.rs");
    let text =
        String::from_utf8(include_bytes!("fuzz-regressions/lint_rust-crlf-shebang.bin").to_vec())
            .unwrap();
    let lines: Vec<String> = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(str::to_string)
        .collect();
    let line = &lines[fuzzed.line as usize - 1];
    assert!(
        fuzzed.column as usize <= line.chars().count() + 1,
        "{fuzzed:#?}"
    );
}

#[test]
fn crate_self_and_super_called_like_functions_are_linted() {
    // Found by fuzzing (`lint_rust`): `crate(url)` as a task in a loop resolved to
    // the bare path `crate`, and looking it up as a crate function panicked (an
    // "internal error" AL000 for a file that parses).
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    write(
        dir.path(),
        "paths.rs",
        "async fn f(urls: Vec<String>, d: u64) {\n    let mut set = Vec::new();\n    for url in urls {\n        set.push(crate(url));\n        set.push(self(url));\n        set.push(super(url));\n    }\n    std::thread::sleep(d);\n}\n",
    );
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    assert_eq!(positions(&found, "paths.rs"), [(8, 5, "AL201".into())]);
}

#[test]
fn empty_files_have_no_findings() {
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    write(dir.path(), "empty.py", "");
    write(dir.path(), "empty.rs", "");
    write(dir.path(), "blank.py", "\n\n   \n");
    let found = check_json(dir.path(), 1);
    assert_neighbour_reported(&found);
    assert_eq!(found.len(), 1, "{found:#?}");
}

// ---------------------------------------------------------------------------------------
// Files that cannot be read, links that go nowhere
// ---------------------------------------------------------------------------------------

/// Makes `dir/name` a file that exists but cannot be read: `chmod 000`, or, where
/// that does not stop reads (running as root), a link to `/proc/self/mem`, whose
/// first page is unmapped and fails to read. `None` when neither works here.
#[cfg(unix)]
fn make_unreadable(dir: &Path, name: &str) -> Option<()> {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, SLEEPY).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_err() {
        return Some(());
    }
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink("/proc/self/mem", &path).ok()?;
    std::fs::read(&path).is_err().then_some(())
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_one_al000_an_error_and_exit_2() {
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    if make_unreadable(dir.path(), "secret.py").is_none() {
        panic!("cannot make an unreadable file here: neither chmod 000 nor /proc/self/mem");
    }
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 2);
    let found = findings(&output);
    assert_neighbour_reported(&found);
    let al000 = only_al000(&found, "secret.py");
    assert!(
        al000.message.starts_with("cannot read file: "),
        "{al000:#?}"
    );
    assert!(
        stderr(&output).contains("error: secret.py: cannot read file: "),
        "{}",
        stderr(&output)
    );
}

#[cfg(unix)]
#[test]
fn file_gone_before_it_is_read_is_an_error_and_exit_2() {
    // A link whose target is gone is what the walker meets when a file is deleted
    // between listing its directory and reading it.
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    std::os::unix::fs::symlink("deleted.py", dir.path().join("gone.py")).unwrap();
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 2);
    let found = findings(&output);
    assert_neighbour_reported(&found);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        stderr(&output).contains("error: gone.py: broken symbolic link"),
        "{}",
        stderr(&output)
    );
}

#[cfg(unix)]
#[test]
fn files_deleted_while_the_scan_runs_never_lose_the_other_findings() {
    // A real race: a thread deletes files while asynclint runs. Whenever a file
    // goes, it is either not found by the walk, or reported as unreadable (AL000 and
    // exit 2), or linted whole: never a crash, a partial file or a lost neighbour.
    const FILES: usize = 400;
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    for index in 0..FILES {
        write(dir.path(), &format!("pkg/m{index:03}.py"), SLEEPY);
    }
    let root = dir.path().to_path_buf();
    let deleter = std::thread::spawn(move || {
        for index in (0..FILES).rev() {
            std::fs::remove_file(root.join(format!("pkg/m{index:03}.py"))).unwrap();
            std::thread::sleep(std::time::Duration::from_micros(50));
        }
    });
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    deleter.join().unwrap();
    let status = output
        .status
        .code()
        .expect("exited, not killed by a signal");
    assert!(
        status == 1 || status == 2,
        "exit {status}: {}",
        stderr(&output)
    );
    let found = findings(&output);
    assert_neighbour_reported(&found);
    let mut unreadable = 0;
    for finding in found.iter().filter(|f| f.path != NEIGHBOUR) {
        assert!(finding.path.starts_with("pkg/m"), "{finding:#?}");
        let in_file = of(&found, &finding.path);
        assert_eq!(in_file.len(), 1, "{in_file:#?}");
        match finding.code.as_str() {
            "AL201" => assert_eq!((finding.line, finding.column), (5, 5)),
            "AL000" => {
                assert!(
                    finding.message.starts_with("cannot read file"),
                    "{finding:#?}"
                );
                unreadable += 1;
            }
            other => panic!("unexpected {other}: {finding:#?}"),
        }
    }
    if unreadable > 0 {
        assert_eq!(status, 2, "an unreadable file makes the run exit 2");
    }
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_are_reported_once_and_not_followed() {
    let dir = TempDir::new().unwrap();
    write_neighbour(dir.path());
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write(dir.path(), "sub/inner.py", SLEEPY);
    std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
    std::os::unix::fs::symlink("itself.py", dir.path().join("itself.py")).unwrap();
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 2);
    let found = findings(&output);
    assert_neighbour_reported(&found);
    // Each file once, however many ways the loop leads to it.
    assert_eq!(positions(&found, "sub/inner.py"), [(5, 5, "AL201".into())]);
    assert_eq!(found.len(), 2, "{found:#?}");
    let errors = stderr(&output);
    assert!(
        errors.contains("error: sub/up: symbolic link loop back to .; not followed"),
        "{errors}"
    );
    assert!(
        errors.contains("error: itself.py: ") && errors.contains("symbolic links"),
        "{errors}"
    );
}
