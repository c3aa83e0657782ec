//! End-to-end tests of configuration: where it is found, what each key does, how the
//! command line overrides it, and every kind of configuration error (exit 2, with a
//! message naming the file, the key and what is allowed). Also `--statistics` and
//! `asynclint rule --format json`.

mod common;

use common::*;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------
// Where the configuration comes from
// ---------------------------------------------------------------------------------------

#[test]
fn pyproject_tool_table_configures_the_run() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", MIXED);
    assert_eq!(
        check(dir.path(), &["."], 1),
        ["app.py:7 AL201", "app.py:8 AL202", "app.py:9 AL101"]
    );
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"app\"\n\n[tool.asynclint]\nselect = [\"AL2\"]\nignore = [\"blocking-call\"]\n",
    );
    assert_eq!(check(dir.path(), &["."], 1), ["app.py:7 AL201"]);
}

#[test]
fn asynclint_toml_has_the_same_keys_at_the_top_level() {
    for name in ["asynclint.toml", ".asynclint.toml"] {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "app.py", MIXED);
        write(dir.path(), name, "ignore = [\"AL2\"]\n");
        assert_eq!(check(dir.path(), &["."], 1), ["app.py:9 AL101"], "{name}");
    }
}

#[test]
fn pyproject_without_a_tool_table_is_passed_over_for_the_one_above() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "asynclint.toml", "select = [\"AL101\"]\n");
    write(
        dir.path(),
        "svc/pyproject.toml",
        "[project]\nname = \"svc\"\n",
    );
    write(dir.path(), "svc/app.py", MIXED);
    assert_eq!(check(dir.path(), &["."], 1), ["svc/app.py:9 AL101"]);
}

#[test]
fn nearest_configuration_applies_in_a_nested_project() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.asynclint]\nselect = [\"AL201\"]\n",
    );
    write(dir.path(), "top.py", MIXED);
    write(dir.path(), "lib/one.py", MIXED);
    write(
        dir.path(),
        "services/api/asynclint.toml",
        "select = [\"AL202\"]\n",
    );
    write(dir.path(), "services/api/handlers/two.py", MIXED);
    assert_eq!(
        check(dir.path(), &["."], 1),
        [
            "lib/one.py:7 AL201",
            "services/api/handlers/two.py:8 AL202",
            "top.py:7 AL201"
        ]
    );
    // The same resolution for a file named on the command line, and when running from
    // inside the nested project (the configuration is above the current directory).
    assert_eq!(
        check(dir.path(), &["services/api/handlers/two.py"], 1),
        ["services/api/handlers/two.py:8 AL202"]
    );
    assert_eq!(
        check(&dir.path().join("services/api/handlers"), &["."], 1),
        ["two.py:8 AL202"]
    );
}

#[test]
fn config_flag_uses_one_file_for_every_path() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "asynclint.toml", "select = [\"AL201\"]\n");
    write(dir.path(), "sub/asynclint.toml", "select = [\"AL202\"]\n");
    write(dir.path(), "sub/app.py", MIXED);
    write(
        dir.path(),
        "ci/lint.toml",
        "select = [\"AL101\"]\n[per-file-ignores]\n\"sub/skipped.py\" = [\"AL1\"]\n",
    );
    write(dir.path(), "sub/skipped.py", MIXED);
    // Patterns of a `--config` file are relative to the current directory.
    assert_eq!(
        check(dir.path(), &["--config", "ci/lint.toml", "."], 1),
        ["sub/app.py:9 AL101"]
    );
}

#[test]
fn isolated_ignores_every_configuration_file() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "asynclint.toml", "select = [\"AL201\"]\n");
    write(dir.path(), "app.py", MIXED);
    assert_eq!(
        check(dir.path(), &["--isolated", "."], 1),
        ["app.py:7 AL201", "app.py:8 AL202", "app.py:9 AL101"]
    );
}

// ---------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------

#[test]
fn extend_select_adds_to_the_defaults_and_select_replaces_them() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", "x = 1  # noqa: AL201\n");
    assert_eq!(check(dir.path(), &["."], 0), Vec::<String>::new());
    write(
        dir.path(),
        "asynclint.toml",
        "extend-select = [\"unused-suppression\"]\n",
    );
    assert_eq!(check(dir.path(), &["."], 1), ["app.py:1 AL001"]);
}

#[test]
fn a_more_specific_selection_wins_over_a_prefix() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", MIXED);
    write(
        dir.path(),
        "asynclint.toml",
        "ignore = [\"AL2\"]\nextend-select = [\"AL201\"]\n",
    );
    assert_eq!(
        check(dir.path(), &["."], 1),
        ["app.py:7 AL201", "app.py:9 AL101"]
    );
}

#[test]
fn per_file_ignores_apply_to_matching_files_only() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", MIXED);
    write(dir.path(), "tests/test_app.py", MIXED);
    write(dir.path(), "tests/unit/test_deep.py", MIXED);
    write(dir.path(), "pkg/conftest.py", MIXED);
    write(
        dir.path(),
        "pyproject.toml",
        r#"[tool.asynclint.per-file-ignores]
"tests/*.py" = ["blocking-sleep"]
"tests/unit" = ["AL1"]
"conftest.py" = ["AL2", "AL101"]
"#,
    );
    assert_eq!(
        check(dir.path(), &["."], 1),
        [
            "app.py:7 AL201",
            "app.py:8 AL202",
            "app.py:9 AL101",
            "tests/test_app.py:8 AL202",
            "tests/test_app.py:9 AL101",
            "tests/unit/test_deep.py:7 AL201",
            "tests/unit/test_deep.py:8 AL202",
        ]
    );
}

#[test]
fn per_file_ignores_are_relative_to_their_configuration_file() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "svc/asynclint.toml",
        "[per-file-ignores]\n\"tests/*\" = [\"AL201\"]\n",
    );
    write(dir.path(), "svc/tests/test_a.py", SLEEPY);
    write(dir.path(), "tests/test_b.py", SLEEPY);
    assert_eq!(check(dir.path(), &["."], 1), ["tests/test_b.py:5 AL201"]);
}

#[test]
fn extend_exclude_adds_to_the_default_exclusions() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    write(dir.path(), "generated/client.py", SLEEPY);
    write(dir.path(), "src/gen_models.py", SLEEPY);
    write(dir.path(), ".venv/lib/mod.py", SLEEPY);
    write(
        dir.path(),
        "asynclint.toml",
        "extend-exclude = [\"generated\", \"src/gen_*.py\"]\n",
    );
    assert_eq!(check(dir.path(), &["."], 1), ["app.py:5 AL201"]);
    // A file named on the command line is linted even when excluded.
    assert_eq!(
        check(dir.path(), &["generated/client.py"], 1),
        ["generated/client.py:5 AL201"]
    );
}

#[test]
fn exclude_replaces_the_default_exclusions() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "generated/client.py", SLEEPY);
    write(dir.path(), "node_modules/pkg/mod.py", SLEEPY);
    write(dir.path(), "asynclint.toml", "exclude = [\"generated/\"]\n");
    assert_eq!(
        check(dir.path(), &["."], 1),
        ["node_modules/pkg/mod.py:5 AL201"]
    );
}

#[test]
fn extra_blocking_call_from_the_configuration_is_al202() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "app.py",
        "import mylib.db as db\nfrom mylib.cache import get\n\n\nasync def main():\n    db.query(\"x\")\n    get(\"k\")\n",
    );
    assert_eq!(check(dir.path(), &["."], 0), Vec::<String>::new());
    write(
        dir.path(),
        "pyproject.toml",
        r#"[tool.asynclint.blocking-calls]
python = [
    { call = "mylib.db.query", use-instead = "`await mylib.db.aquery(...)`" },
    "mylib.cache.get",
]
rust = ["mylib::db::query"]
"#,
    );
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 1);
    let findings = json(&output);
    let found: Vec<(u64, &str, &str)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap(),
                f["help"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (6, "AL202", "use `await mylib.db.aquery(...)`"),
            (
                7,
                "AL202",
                "use an async equivalent, or run it in a thread with `await asyncio.to_thread(...)`"
            ),
        ]
    );
}

#[test]
fn extra_rust_blocking_call_from_asynclint_toml_is_al202() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "src/lib.rs",
        "use mydb::client;\n\nasync fn handler() {\n    client::query_sync(\"select 1\");\n    std::fs::read(\"x\");\n    mydb::client::ping();\n}\n",
    );
    assert_eq!(check(dir.path(), &["."], 1), ["src/lib.rs:5 AL202"]);
    write(
        dir.path(),
        "asynclint.toml",
        r#"allowed-blocking-calls = ["std::fs::read"]

[blocking-calls]
rust = [
    { call = "mydb::client::query_sync", use-instead = "`mydb::client::query(..).await`" },
    "mydb::client::ping",
]
"#,
    );
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 1);
    let found: Vec<(u64, String)> = json(&output)
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["help"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (4, "use `mydb::client::query(..).await`".to_string()),
            (
                6,
                "use an async equivalent, or run it with `tokio::task::spawn_blocking(...)`"
                    .to_string()
            ),
        ]
    );
}

#[test]
fn allowed_blocking_calls_are_not_reported() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "app.py",
        "import requests\n\n\nasync def main():\n    requests.get(\"a\")\n    requests.post(\"b\")\n",
    );
    assert_eq!(
        check(dir.path(), &["."], 1),
        ["app.py:5 AL202", "app.py:6 AL202"]
    );
    write(
        dir.path(),
        "asynclint.toml",
        "allowed-blocking-calls = [\"requests.get\"]\n",
    );
    assert_eq!(check(dir.path(), &["."], 1), ["app.py:6 AL202"]);
    write(
        dir.path(),
        "asynclint.toml",
        "allowed-blocking-calls = [\"requests.*\"]\n",
    );
    assert_eq!(check(dir.path(), &["."], 0), Vec::<String>::new());
}

#[test]
fn unbounded_gather_threshold_is_configurable() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "app.py",
        "import asyncio\n\n\nasync def ping(i):\n    await asyncio.sleep(0)\n\n\nasync def main():\n    await asyncio.gather(*[ping(i) for i in range(50)])\n",
    );
    assert_eq!(check(dir.path(), &["."], 0), Vec::<String>::new());
    write(
        dir.path(),
        "asynclint.toml",
        "[unbounded-gather]\nthreshold = 20\n",
    );
    assert_eq!(check(dir.path(), &["."], 1), ["app.py:9 AL301"]);
}

// ---------------------------------------------------------------------------------------
// The command line overrides the configuration
// ---------------------------------------------------------------------------------------

#[test]
fn cli_select_replaces_the_configured_selection() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", MIXED);
    write(dir.path(), "asynclint.toml", "select = [\"AL201\"]\n");
    assert_eq!(
        check(dir.path(), &["--select", "AL1", "."], 1),
        ["app.py:9 AL101"]
    );
    assert_eq!(
        check(dir.path(), &["--extend-select", "blocking-call", "."], 1),
        ["app.py:7 AL201", "app.py:8 AL202"]
    );
}

#[test]
fn cli_ignore_and_extend_select_override_the_configuration() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", MIXED);
    write(dir.path(), "asynclint.toml", "ignore = [\"AL2\"]\n");
    assert_eq!(
        check(
            dir.path(),
            &["--extend-select", "AL202", "--ignore", "AL101", "."],
            1
        ),
        ["app.py:8 AL202"]
    );
}

#[test]
fn cli_exclude_replaces_the_configured_exclusions() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a/mod.py", SLEEPY);
    write(dir.path(), "b/mod.py", SLEEPY);
    write(dir.path(), "asynclint.toml", "exclude = [\"a\"]\n");
    assert_eq!(check(dir.path(), &["."], 1), ["b/mod.py:5 AL201"]);
    assert_eq!(
        check(dir.path(), &["--exclude", "b", "."], 1),
        ["a/mod.py:5 AL201"]
    );
    assert_eq!(
        check(dir.path(), &["--extend-exclude", "b", "."], 0),
        Vec::<String>::new()
    );
}

#[test]
fn per_file_ignores_still_apply_under_a_cli_selection() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "tests/test_a.py", SLEEPY);
    write(
        dir.path(),
        "asynclint.toml",
        "[per-file-ignores]\n\"tests\" = [\"AL201\"]\n",
    );
    assert_eq!(
        check(dir.path(), &["--select", "AL201", "."], 0),
        Vec::<String>::new()
    );
}

// ---------------------------------------------------------------------------------------
// Configuration errors: exit 2, the file, the key and what is allowed
// ---------------------------------------------------------------------------------------

/// Writes `text` to `dir/file`, runs `asynclint check .` and returns the output.
fn run_with_config(file: &str, text: &str) -> std::process::Output {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    write(dir.path(), file, text);
    asynclint(dir.path(), &["check", "."])
}

const ALL_KEYS: &str = "select, extend-select, ignore, exclude, extend-exclude, per-file-ignores, blocking-calls, allowed-blocking-calls, unbounded-gather";
const SELECTOR_HELP: &str = "expected a rule code (AL201), a code prefix (AL2) or a rule name (blocking-sleep); `asynclint rule --all` lists them";

#[test]
fn unknown_key_in_pyproject_is_an_error() {
    let output = run_with_config("pyproject.toml", "[tool.asynclint]\nselct = [\"AL201\"]\n");
    assert_config_error(
        &output,
        &format!("error: pyproject.toml: unknown key `tool.asynclint.selct`; expected one of: {ALL_KEYS}"),
    );
}

#[test]
fn unknown_key_in_asynclint_toml_is_an_error() {
    let output = run_with_config("asynclint.toml", "per-file-ignore = {}\n");
    assert_config_error(
        &output,
        &format!(
            "error: asynclint.toml: unknown key `per-file-ignore`; expected one of: {ALL_KEYS}"
        ),
    );
}

#[test]
fn unknown_nested_key_is_an_error() {
    let output = run_with_config(
        "pyproject.toml",
        "[tool.asynclint.unbounded-gather]\nlimit = 10\n",
    );
    assert_config_error(
        &output,
        "error: pyproject.toml: unknown key `tool.asynclint.unbounded-gather.limit`; expected: threshold",
    );
    let output = run_with_config(
        "asynclint.toml",
        "[blocking-calls]\npython = [{ call = \"a.b\", instead = \"c\" }]\n",
    );
    assert_config_error(
        &output,
        "error: asynclint.toml: unknown key `blocking-calls.python[0].instead`; expected one of: call, use-instead",
    );
    let output = run_with_config("asynclint.toml", "[blocking-calls]\ngo = [\"net.Dial\"]\n");
    assert_config_error(
        &output,
        "error: asynclint.toml: unknown key `blocking-calls.go`; expected one of: python, rust",
    );
}

#[test]
fn unknown_rule_is_an_error() {
    let output = run_with_config("asynclint.toml", "select = [\"AL201\", \"AL999\"]\n");
    assert_config_error(
        &output,
        &format!("error: asynclint.toml: unknown rule `AL999` in `select`; {SELECTOR_HELP}"),
    );
    let output = run_with_config(
        "pyproject.toml",
        "[tool.asynclint.per-file-ignores]\n\"tests/*\" = [\"blocking-slep\"]\n",
    );
    assert_config_error(
        &output,
        &format!("error: pyproject.toml: unknown rule `blocking-slep` in `tool.asynclint.per-file-ignores.\"tests/*\"`; {SELECTOR_HELP}"),
    );
}

#[test]
fn wrong_type_is_an_error() {
    let cases = [
        (
            "ignore = \"AL201\"\n",
            "error: asynclint.toml: `ignore` must be a list of rules (e.g. [\"AL2\", \"blocking-sleep\"]), not a string",
        ),
        (
            "extend-select = [\"AL201\", 202]\n",
            "error: asynclint.toml: `extend-select[1]` must be a string, not an integer",
        ),
        (
            "exclude = \"build\"\n",
            "error: asynclint.toml: `exclude` must be a list of path globs (e.g. [\"migrations\", \"src/generated/*.py\"]), not a string",
        ),
        (
            "per-file-ignores = [\"tests\"]\n",
            "error: asynclint.toml: `per-file-ignores` must be a table of path glob = list of rules (e.g. \"tests/*\" = [\"AL201\"]), not a list",
        ),
        (
            "unbounded-gather = 50\n",
            "error: asynclint.toml: `unbounded-gather` must be a table (e.g. [unbounded-gather] threshold = 50), not an integer",
        ),
        (
            "[unbounded-gather]\nthreshold = \"50\"\n",
            "error: asynclint.toml: `unbounded-gather.threshold` must be a positive integer (a number of tasks), not a string",
        ),
        (
            "[unbounded-gather]\nthreshold = 0\n",
            "error: asynclint.toml: `unbounded-gather.threshold` must be a positive number of tasks, not 0",
        ),
        (
            "blocking-calls = [\"a.b\"]\n",
            "error: asynclint.toml: `blocking-calls` must be a table with `python` and/or `rust` lists, not a list",
        ),
        (
            "[blocking-calls]\npython = \"a.b\"\n",
            "error: asynclint.toml: `blocking-calls.python` must be a list of callees (e.g. [\"mylib.db.query\", { call = \"mylib.http.get\", use-instead = \"`mylib.http.aget`\" }]), not a string",
        ),
        (
            "[blocking-calls]\nrust = [true]\n",
            "error: asynclint.toml: `blocking-calls.rust[0]` must be a callee name or a table { call = \"...\", use-instead = \"...\" }, not a boolean",
        ),
        (
            "[blocking-calls]\npython = [{ use-instead = \"x\" }]\n",
            "error: asynclint.toml: `blocking-calls.python[0]` has no `call` (the callee's full name)",
        ),
        (
            "allowed-blocking-calls = [\"reqests.get\"]\n",
            "error: asynclint.toml: `reqests.get` in `allowed-blocking-calls` is not a blocking call asynclint reports; expected a callee of rules/blocking-calls/python.toml or rust.toml (e.g. \"requests.get\", \"std::fs::*\") or of `blocking-calls`",
        ),
    ];
    for (text, message) in cases {
        assert_config_error(&run_with_config("asynclint.toml", text), message);
    }
}

#[test]
fn tool_asynclint_that_is_not_a_table_is_an_error() {
    let output = run_with_config("pyproject.toml", "[tool]\nasynclint = [\"AL201\"]\n");
    assert_config_error(
        &output,
        "error: pyproject.toml: `tool.asynclint` must be a table, not a list",
    );
}

#[test]
fn invalid_glob_is_an_error() {
    let output = run_with_config("asynclint.toml", "extend-exclude = [\"src/[gen\"]\n");
    assert_config_error(
        &output,
        "error: asynclint.toml: invalid glob `src/[gen` in `extend-exclude`: unclosed character class; missing ']'",
    );
    let output = run_with_config(
        "asynclint.toml",
        "[per-file-ignores]\n\"tests/{a\" = [\"AL201\"]\n",
    );
    assert_config_error(
        &output,
        "error: asynclint.toml: invalid glob `tests/{a` in `per-file-ignores.\"tests/{a\"`: unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)",
    );
}

#[test]
fn invalid_toml_is_an_error_with_its_position() {
    let output = run_with_config("pyproject.toml", "[tool.asynclint]\nselect = [\"AL201\"\n");
    assert_config_error(
        &output,
        "error: pyproject.toml: invalid TOML at line 3, column 1: invalid array; expected `]`",
    );
}

#[test]
fn error_in_a_nested_configuration_names_its_path() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    write(dir.path(), "svc/app.py", SLEEPY);
    write(dir.path(), "svc/asynclint.toml", "ignore = [\"AL9\"]\n");
    let output = asynclint(dir.path(), &["check", "."]);
    assert_config_error(
        &output,
        &format!(
            "error: {}: unknown rule `AL9` in `ignore`; {SELECTOR_HELP}",
            native("svc/asynclint.toml")
        ),
    );
}

#[test]
fn configuration_that_governs_no_linted_file_is_not_read_as_an_error() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    write(
        dir.path(),
        "docs/pyproject.toml",
        "[tool.asynclint]\nselct = 1\n",
    );
    write(dir.path(), "docs/guide/index.md", "# Guide\n");
    assert_eq!(check(dir.path(), &["."], 1), ["app.py:5 AL201"]);
    write(dir.path(), "docs/guide/conf.py", SLEEPY);
    assert_config_error(
        &asynclint(dir.path(), &["check", "."]),
        &format!(
            "error: {}: unknown key `tool.asynclint.selct`; expected one of: {ALL_KEYS}",
            native("docs/pyproject.toml")
        ),
    );
}

#[test]
fn two_configurations_in_one_directory_is_an_error() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    write(dir.path(), "asynclint.toml", "select = [\"AL201\"]\n");
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.asynclint]\nselect = [\"AL202\"]\n",
    );
    assert_config_error(
        &asynclint(dir.path(), &["check", "."]),
        "error: asynclint.toml: pyproject.toml in the same directory also configures asynclint; keep only one of them",
    );
}

#[test]
fn config_flag_errors() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    write(dir.path(), "pyproject.toml", "[project]\nname = \"app\"\n");
    assert_config_error(
        &asynclint(dir.path(), &["check", "--config", "missing.toml", "."]),
        "error: missing.toml: cannot read the configuration: no such file",
    );
    assert_config_error(
        &asynclint(dir.path(), &["check", "--config", "pyproject.toml", "."]),
        "error: pyproject.toml: has no [tool.asynclint] table to configure asynclint with",
    );
    let output = asynclint(
        dir.path(),
        &["check", "--config", "pyproject.toml", "--isolated", "."],
    );
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("'--config <PATH>' cannot be used with '--isolated'"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn cli_errors_exit_2() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    assert_config_error(
        &asynclint(dir.path(), &["check", "--exclude", "[x", "."]),
        "error: invalid glob `[x` in `--exclude`: unclosed character class; missing ']'",
    );
    let output = asynclint(dir.path(), &["check", "--extend-select", "AL9", "."]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("unknown rule `AL9`; expected a rule code (AL201), a code prefix (AL2) or a rule name (blocking-sleep)"),
        "{}",
        stderr(&output)
    );
}

/// The README's configuration examples are real configurations: each ```toml block
/// (named by its first comment line) is accepted as it is.
#[test]
fn readme_configuration_examples_are_valid() {
    let readme = include_str!("../README.md");
    let blocks: Vec<&str> = readme
        .split("```toml\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .collect();
    assert_eq!(
        blocks.len(),
        2,
        "a pyproject.toml and an asynclint.toml example"
    );
    for block in blocks {
        let name = block
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("# "))
            .expect("the block starts with `# FILE NAME`");
        let dir = TempDir::new().unwrap();
        write(dir.path(), name, block);
        write(dir.path(), "app.py", "x = 1\n");
        let output = asynclint(dir.path(), &["check", "."]);
        assert_exit(&output, 0);
    }
}

// ---------------------------------------------------------------------------------------
// --statistics
// ---------------------------------------------------------------------------------------

#[test]
fn statistics_count_findings_per_rule() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.py", MIXED);
    write(dir.path(), "b.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "--statistics", "."]);
    assert_exit(&output, 1);
    assert_eq!(
        stdout(&output),
        "    2  AL201  blocking-sleep\n    1  AL101  unawaited-coroutine\n    1  AL202  blocking-call\n"
    );
    assert!(stderr(&output).contains("Found 4 problems in 2 files"));

    let output = asynclint(
        dir.path(),
        &["check", "--statistics", "--format", "json", "."],
    );
    assert_exit(&output, 1);
    assert_eq!(
        json(&output),
        serde_json::json!([
            { "code": "AL201", "name": "blocking-sleep", "count": 2 },
            { "code": "AL101", "name": "unawaited-coroutine", "count": 1 },
            { "code": "AL202", "name": "blocking-call", "count": 1 },
        ])
    );
}

// ---------------------------------------------------------------------------------------
// asynclint rule
// ---------------------------------------------------------------------------------------

#[test]
fn rule_json_is_the_whole_page() {
    let dir = TempDir::new().unwrap();
    let output = asynclint(dir.path(), &["rule", "blocking-sleep", "--format", "json"]);
    assert_exit(&output, 0);
    let page = json(&output);
    assert_eq!(page["code"], "AL201");
    assert_eq!(page["name"], "blocking-sleep");
    assert_eq!(page["languages"], serde_json::json!(["python", "rust"]));
    assert_eq!(page["severity"], "error");
    assert_eq!(
        page["summary"],
        "A thread-blocking sleep is called inside async code"
    );
    for key in ["why", "fix", "known_problems"] {
        assert!(!page[key].as_str().unwrap().is_empty(), "{key}");
    }
    let examples = page["examples"].as_array().unwrap();
    assert!(examples.iter().any(|e| e["language"] == "rust"));
    assert!(examples[0]["bad"].as_str().unwrap().contains("time.sleep"));
}

#[test]
fn rule_all_json_lists_every_page() {
    let dir = TempDir::new().unwrap();
    let output = asynclint(dir.path(), &["rule", "--all", "--format", "json"]);
    assert_exit(&output, 0);
    let codes: Vec<String> = json(&output)
        .as_array()
        .unwrap()
        .iter()
        .map(|page| page["code"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<&str> = asynclint::registry::Rule::ALL
        .iter()
        .map(|rule| rule.code())
        .collect();
    assert_eq!(codes, expected);
}

#[test]
fn rule_prefix_lists_its_rules() {
    let dir = TempDir::new().unwrap();
    let output = asynclint(dir.path(), &["rule", "AL2"]);
    assert_exit(&output, 0);
    let listed = stdout(&output);
    let codes: Vec<&str> = listed
        .lines()
        .map(|line| line.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(codes, ["AL201", "AL202", "AL203", "AL204"]);
    let output = asynclint(dir.path(), &["rule", "AL3", "--format", "json"]);
    assert_exit(&output, 0);
    assert_eq!(json(&output).as_array().unwrap().len(), 2);
}
