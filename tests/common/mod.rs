//! Helpers shared by the end-to-end tests that run the real `asynclint` binary in a
//! temporary project.

// Each test crate uses its own subset of these helpers.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Runs `asynclint ARGS...` in `dir` with piped output and no colour variables
/// inherited from the caller.
pub fn asynclint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asynclint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .output()
        .expect("the asynclint binary runs")
}

/// Writes `text` to `dir/rel_path`, creating the parent directories.
pub fn write(dir: &Path, rel_path: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(rel_path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Asserts the exit status, printing both streams when it differs.
#[track_caller]
pub fn assert_exit(output: &Output, expected: i32) {
    assert_eq!(
        output.status.code(),
        Some(expected),
        "unexpected exit status\n--- stdout ---\n{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Asserts a configuration error: exit 2, nothing on stdout, exactly `message` on
/// stderr.
#[track_caller]
pub fn assert_config_error(output: &Output, message: &str) {
    assert_exit(output, 2);
    assert_eq!(stdout(output), "", "nothing is reported on stdout");
    assert_eq!(stderr(output).trim_end(), message);
}

pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("stdout is not JSON ({error}):\n{}", stdout(output)))
}

/// `path:line CODE` of every finding of a `--format concise` run, in output order.
pub fn findings(output: &Output) -> Vec<String> {
    stdout(output)
        .lines()
        .map(|line| {
            let mut parts = line.splitn(4, ':');
            let path = parts.next().unwrap();
            let row = parts.next().unwrap();
            let _column = parts.next();
            let code = parts
                .next()
                .and_then(|rest| rest.split_whitespace().next())
                .unwrap_or_else(|| panic!("not a concise line: {line}"));
            format!("{}:{row} {code}", path.replace('\\', "/"))
        })
        .collect()
}

/// Runs `asynclint check --format concise ARGS...` in `dir` and returns its findings,
/// asserting the exit status.
#[track_caller]
pub fn check(dir: &Path, args: &[&str], status: i32) -> Vec<String> {
    let mut all = vec!["check", "--format", "concise"];
    all.extend_from_slice(args);
    let output = asynclint(dir, &all);
    assert_exit(&output, status);
    findings(&output)
}

/// `path` with the platform's separator: `native("sub/a.py")`.
pub fn native(path: &str) -> String {
    path.split('/')
        .collect::<std::path::PathBuf>()
        .display()
        .to_string()
}

/// AL201 on line 7, AL202 on line 8, AL101 on line 9.
pub const MIXED: &str = "import asyncio\nimport time\nimport requests\n\n\nasync def main():\n    time.sleep(1)\n    requests.get(\"https://example.com\")\n    asyncio.sleep(1)\n";

/// Async code with a syntax error. It calls `asyncio.sleep`, a word a rule needs:
/// the prefilter does not parse async code without one, so it would not see the error.
pub const BROKEN: &str = "import asyncio\n\n\nasync def f(:\n    asyncio.sleep(1)\n";

/// One AL201 on line 5.
pub const SLEEPY: &str = "import time\n\n\nasync def main():\n    time.sleep(1)\n";
