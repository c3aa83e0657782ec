//! End-to-end tests of what pre-commit and editors rely on: a run on a few named files
//! still resolves calls into the rest of their project (indexed, not reported);
//! `--force-exclude`; and `-` with `--stdin-filename`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

mod common;

use common::{assert_exit, check, findings, stderr, stdout, write, BROKEN, SLEEPY};

/// An async function in one module…
const CLIENT: &str = "async def fetch(url):\n    return url\n";
/// …called without `await` from another: AL101 on line 5, but only if the index knows
/// that `client.fetch` is async.
const APP: &str =
    "from client import fetch\n\n\nasync def main():\n    fetch(\"https://example.com\")\n";

/// A flat Python project (`pyproject.toml` marks its root) with the two modules above
/// and an unrelated module with a finding of its own.
fn flat_project() -> TempDir {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "pyproject.toml", "[project]\nname = \"shop\"\n");
    write(dir.path(), "client.py", CLIENT);
    write(dir.path(), "app.py", APP);
    write(dir.path(), "other.py", SLEEPY);
    dir
}

/// Runs `asynclint ARGS...` in `dir` with `input` on standard input.
fn asynclint_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asynclint"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the asynclint binary starts");
    // A run that stops early (a usage error) never reads its input: a closed pipe
    // here is not the test's business.
    let _ = child.stdin.take().unwrap().write_all(input);
    child.wait_with_output().expect("the asynclint binary runs")
}

/// The findings of `asynclint check --format concise ARGS...` fed `input`.
#[track_caller]
fn check_stdin(dir: &Path, args: &[&str], input: &str, status: i32) -> Vec<String> {
    let mut all = vec!["check", "--format", "concise"];
    all.extend_from_slice(args);
    let output = asynclint_stdin(dir, &all, input.as_bytes());
    assert_exit(&output, status);
    findings(&output)
}

// ---------------------------------------------------------------------------------------
// Named files see their whole project
// ---------------------------------------------------------------------------------------

#[test]
fn a_named_file_sees_the_async_functions_of_unnamed_modules() {
    let dir = flat_project();
    assert_eq!(check(dir.path(), &["app.py"], 1), ["app.py:5 AL101"]);
}

#[test]
fn only_the_named_files_are_reported_and_counted() {
    let dir = flat_project();
    let output = common::asynclint(dir.path(), &["check", "--format", "concise", "app.py"]);
    assert_exit(&output, 1);
    assert_eq!(findings(&output), ["app.py:5 AL101"]);
    assert_eq!(
        stderr(&output).trim_end(),
        "Found 1 problem in 1 file (1 file scanned)"
    );
}

#[test]
fn a_named_file_gets_what_a_whole_project_run_gives_it() {
    let dir = flat_project();
    let whole: Vec<String> = check(dir.path(), &["."], 1)
        .into_iter()
        .filter(|finding| finding.starts_with("app.py:"))
        .collect();
    assert_eq!(check(dir.path(), &["app.py"], 1), whole);
}

#[test]
fn a_file_in_no_project_is_linted_alone() {
    // No `.git`, configuration or manifest above it: nothing else is indexed, so the
    // call into `client` is not known to return a coroutine.
    let dir = TempDir::new().unwrap();
    write(dir.path(), "client.py", CLIENT);
    write(dir.path(), "app.py", APP);
    assert_eq!(check(dir.path(), &["app.py"], 0), Vec::<String>::new());
}

#[test]
fn the_project_root_is_the_repository_from_a_subdirectory() {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "client.py", CLIENT);
    write(dir.path(), "tools/app.py", APP);
    // Named from a subdirectory, with the module it imports one level up.
    let tools = dir.path().join("tools");
    assert_eq!(check(&tools, &["app.py"], 1), ["app.py:5 AL101"]);
}

#[test]
fn named_files_of_a_src_layout_resolve_each_other_by_package_name() {
    // `src/shop` has no `__init__.py`: `shop.client` is known only relative to the
    // project root, for named files as for walked ones.
    let dir = TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "src/shop/client.py", CLIENT);
    write(
        dir.path(),
        "src/shop/app.py",
        APP.replace("from client", "from shop.client"),
    );
    assert_eq!(
        check(dir.path(), &["src/shop/app.py", "src/shop/client.py"], 1),
        ["src/shop/app.py:5 AL101"]
    );
    assert_eq!(
        check(dir.path(), &["src/shop/app.py"], 1),
        ["src/shop/app.py:5 AL101"]
    );
}

#[test]
fn a_named_rust_file_sees_the_async_functions_of_its_crate() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(dir.path(), "src/lib.rs", "pub mod app;\npub mod client;\n");
    write(
        dir.path(),
        "src/client.rs",
        "pub async fn fetch() -> u32 {\n    1\n}\n",
    );
    write(
        dir.path(),
        "src/app.rs",
        "pub async fn run() {\n    crate::client::fetch();\n}\n",
    );
    assert_eq!(
        check(dir.path(), &["src/app.rs"], 1),
        ["src/app.rs:2 AL101"]
    );
}

#[test]
fn unnamed_files_that_cannot_be_read_or_parsed_are_not_reported() {
    let dir = flat_project();
    write(dir.path(), "broken.py", BROKEN);
    write(dir.path(), "latin1.py", b"name = 'caf\xe9'\n");
    assert_eq!(check(dir.path(), &["app.py"], 1), ["app.py:5 AL101"]);
}

#[test]
fn excluded_files_of_the_project_are_not_indexed() {
    let dir = flat_project();
    // The only async `fetch` lives in an excluded directory.
    std::fs::remove_file(dir.path().join("client.py")).unwrap();
    write(dir.path(), "build/client.py", CLIENT);
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.asynclint]\nextend-exclude = [\"build\"]\n",
    );
    let app = APP.replace("from client", "from build.client");
    write(dir.path(), "app.py", &app);
    assert_eq!(check(dir.path(), &["app.py"], 0), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------
// --force-exclude
// ---------------------------------------------------------------------------------------

#[test]
fn force_exclude_skips_named_files_in_excluded_directories() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.asynclint]\nextend-exclude = [\"generated\"]\n",
    );
    write(dir.path(), "generated/api.py", SLEEPY);
    write(dir.path(), ".venv/lib/site.py", SLEEPY);
    write(dir.path(), "app.py", SLEEPY);
    let named = ["generated/api.py", ".venv/lib/site.py", "app.py"];
    assert_eq!(
        check(dir.path(), &named, 1),
        [
            ".venv/lib/site.py:5 AL201",
            "app.py:5 AL201",
            "generated/api.py:5 AL201"
        ]
    );
    let mut forced = vec!["--force-exclude"];
    forced.extend(named);
    assert_eq!(check(dir.path(), &forced, 1), ["app.py:5 AL201"]);
}

#[test]
fn force_exclude_with_only_excluded_files_is_clean() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "build/gen.py", SLEEPY);
    let output = common::asynclint(
        dir.path(),
        &[
            "check",
            "--format",
            "concise",
            "--force-exclude",
            "--extend-exclude",
            "build",
            "build/gen.py",
        ],
    );
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("(0 files scanned)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn force_exclude_ignores_directories_above_the_current_one() {
    // A project checked out under a directory named `venv` is still linted.
    let dir = TempDir::new().unwrap();
    write(dir.path(), "venv/project/app.py", SLEEPY);
    let project = dir.path().join("venv/project");
    assert_eq!(
        check(&project, &["--force-exclude", "app.py"], 1),
        ["app.py:5 AL201"]
    );
}

// ---------------------------------------------------------------------------------------
// Standard input
// ---------------------------------------------------------------------------------------

#[test]
fn stdin_is_linted_as_the_file_it_names() {
    let dir = TempDir::new().unwrap();
    // The file on disk is clean; the buffer being edited is not.
    write(dir.path(), "pkg/app.py", "x = 1\n");
    assert_eq!(
        check_stdin(
            dir.path(),
            &["-", "--stdin-filename", "pkg/app.py"],
            SLEEPY,
            1
        ),
        ["pkg/app.py:5 AL201"]
    );
}

#[test]
fn stdin_name_need_not_exist() {
    let dir = TempDir::new().unwrap();
    assert_eq!(
        check_stdin(
            dir.path(),
            &["-", "--stdin-filename", "new/unsaved.py"],
            SLEEPY,
            1
        ),
        ["new/unsaved.py:5 AL201"]
    );
}

#[test]
fn stdin_takes_the_configuration_of_the_named_place() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "legacy/pyproject.toml",
        "[tool.asynclint]\nignore = [\"blocking-sleep\"]\n",
    );
    let args = ["-", "--stdin-filename", "legacy/app.py"];
    assert_eq!(
        check_stdin(dir.path(), &args, SLEEPY, 0),
        Vec::<String>::new()
    );
    let args = ["-", "--stdin-filename", "current/app.py"];
    assert_eq!(
        check_stdin(dir.path(), &args, SLEEPY, 1),
        ["current/app.py:5 AL201"]
    );
}

#[test]
fn stdin_sees_the_rest_of_the_project() {
    let dir = flat_project();
    // The buffer replaces app.py on disk, which is clean here.
    write(dir.path(), "app.py", "x = 1\n");
    assert_eq!(
        check_stdin(dir.path(), &["-", "--stdin-filename", "app.py"], APP, 1),
        ["app.py:5 AL101"]
    );
}

#[test]
fn stdin_named_rs_is_linted_as_rust() {
    let dir = TempDir::new().unwrap();
    let rust = "async fn run() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n";
    assert_eq!(
        check_stdin(
            dir.path(),
            &["-", "--stdin-filename", "src/run.rs"],
            rust,
            1
        ),
        ["src/run.rs:2 AL201"]
    );
}

#[test]
fn stdin_without_a_name_is_python_reported_as_dash() {
    let dir = TempDir::new().unwrap();
    assert_eq!(check_stdin(dir.path(), &["-"], SLEEPY, 1), ["-:5 AL201"]);
}

#[test]
fn stdin_that_is_not_utf8_is_one_al000() {
    let dir = TempDir::new().unwrap();
    let output = asynclint_stdin(
        dir.path(),
        &[
            "check",
            "--format",
            "concise",
            "-",
            "--stdin-filename",
            "a.py",
        ],
        b"x = '\xff'\n",
    );
    assert_exit(&output, 1);
    assert_eq!(findings(&output), ["a.py:1 AL000"]);
}

#[test]
fn stdin_named_as_an_excluded_file_is_skipped_with_force_exclude() {
    let dir = TempDir::new().unwrap();
    let args = ["--force-exclude", "-", "--stdin-filename", ".venv/x.py"];
    assert_eq!(
        check_stdin(dir.path(), &args, SLEEPY, 0),
        Vec::<String>::new()
    );
    let args = ["-", "--stdin-filename", ".venv/x.py"];
    assert_eq!(
        check_stdin(dir.path(), &args, SLEEPY, 1),
        [".venv/x.py:5 AL201"]
    );
}

#[test]
fn stdin_dash_must_be_the_only_path() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.py", SLEEPY);
    let output = asynclint_stdin(dir.path(), &["check", "-", "a.py"], SLEEPY.as_bytes());
    assert_exit(&output, 2);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output).trim_end(),
        "error: `-` (standard input) must be the only path"
    );
}

#[test]
fn stdin_filename_without_dash_is_a_usage_error() {
    let dir = TempDir::new().unwrap();
    let output = asynclint_stdin(
        dir.path(),
        &["check", "--stdin-filename", "a.py"],
        SLEEPY.as_bytes(),
    );
    assert_exit(&output, 2);
    assert_eq!(
        stderr(&output).trim_end(),
        "error: --stdin-filename names the text read from standard input; pass `-` as the path"
    );
}
