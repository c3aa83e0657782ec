//! End-to-end tests of the CI formats: `--format sarif` (structure, and validity
//! against the official SARIF 2.1.0 JSON schema) and `--format github` (workflow
//! commands and their escaping), with their exit statuses.
//!
//! The OASIS schema is fetched by `scripts/fetch-sarif-schema.sh` into
//! `target/sarif-schema/` (or `ASYNCLINT_SARIF_SCHEMA_DIR`). Without it the schema
//! tests say so and pass; with `ASYNCLINT_REQUIRE_SARIF_SCHEMA=1` (set by `.ci/run`)
//! a missing schema fails them.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tempfile::TempDir;

mod common;

use common::{assert_exit, asynclint, json, stderr, stdout, write, BROKEN, MIXED, SLEEPY};

/// A file with a warning-severity finding: AL301 on line 5.
const UNBOUNDED: &str = "import asyncio\n\n\nasync def fetch_all(urls):\n    await asyncio.gather(*[fetch(u) for u in urls])\n\n\nasync def fetch(u):\n    await asyncio.sleep(0)\n";

/// A project with errors in two files (one with a space and a non-ASCII letter in its
/// path) and a warning in a third.
fn project() -> TempDir {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", MIXED);
    write(dir.path(), "pkg/my mödule.py", SLEEPY);
    write(dir.path(), "gather.py", UNBOUNDED);
    dir
}

/// Every rule page, as `asynclint rule --all --format json` prints them.
fn rule_pages() -> Vec<Value> {
    let output = asynclint(Path::new("."), &["rule", "--all", "--format", "json"]);
    assert_exit(&output, 0);
    json(&output).as_array().unwrap().clone()
}

fn sarif(dir: &Path, args: &[&str], status: i32) -> Value {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend_from_slice(args);
    let output = asynclint(dir, &all);
    assert_exit(&output, status);
    json(&output)
}

fn only_run(log: &Value) -> &Value {
    let runs = log["runs"].as_array().expect("runs is an array");
    assert_eq!(runs.len(), 1, "one run per log");
    &runs[0]
}

// ---------------------------------------------------------------------------------------
// SARIF structure
// ---------------------------------------------------------------------------------------

#[test]
fn sarif_declares_its_version_and_the_tool() {
    let dir = project();
    let log = sarif(dir.path(), &[], 1);
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"]
        .as_str()
        .unwrap()
        .ends_with("sarif-schema-2.1.0.json"));
    let driver = &only_run(&log)["tool"]["driver"];
    assert_eq!(driver["name"], "asynclint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn sarif_driver_lists_every_rule_with_its_documentation() {
    let dir = TempDir::new().unwrap();
    // Even a clean run describes every rule, so a viewer knows them all.
    write(dir.path(), "clean.py", "x = 1\n");
    let log = sarif(dir.path(), &[], 0);
    let rules = only_run(&log)["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .clone();
    let pages = rule_pages();
    assert_eq!(rules.len(), pages.len());
    for (rule, page) in rules.iter().zip(&pages) {
        assert_eq!(rule["id"], page["code"]);
        assert_eq!(rule["name"], page["name"]);
        assert_eq!(rule["shortDescription"]["text"], page["summary"]);
        assert_eq!(rule["fullDescription"]["text"], page["why"]);
        assert_eq!(rule["defaultConfiguration"]["level"], page["severity"]);
        let text = rule["help"]["text"].as_str().unwrap();
        let markdown = rule["help"]["markdown"].as_str().unwrap();
        let fix = page["fix"].as_str().unwrap();
        assert!(text.contains(fix), "{} help text has the fix", page["code"]);
        assert!(
            markdown.contains(fix),
            "{} help markdown has the fix",
            page["code"]
        );
        let bad = page["examples"][0]["bad"].as_str().unwrap().trim_end();
        assert!(
            markdown.contains(&format!("\n{bad}\n```")),
            "{} example",
            page["code"]
        );
    }
}

#[test]
fn sarif_results_point_at_their_rule_file_and_region() {
    let dir = project();
    let log = sarif(dir.path(), &[], 1);
    let run = only_run(&log);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let summary: Vec<(String, String, u64, String)> = results
        .iter()
        .map(|result| {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(
                rules[index]["id"], result["ruleId"],
                "ruleIndex matches ruleId"
            );
            assert_eq!(
                rules[index]["defaultConfiguration"]["level"], result["level"],
                "a finding has its rule's level"
            );
            let location = &result["locations"][0]["physicalLocation"];
            assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            (
                location["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                result["ruleId"].as_str().unwrap().to_string(),
                location["region"]["startLine"].as_u64().unwrap(),
                result["level"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("app.py", "AL201", 7, "error"),
        ("app.py", "AL202", 8, "error"),
        ("app.py", "AL101", 9, "error"),
        ("gather.py", "AL301", 5, "warning"),
        ("pkg/my%20m%C3%B6dule.py", "AL201", 5, "error"),
    ];
    let expected: Vec<(String, String, u64, String)> = expected
        .iter()
        .map(|(uri, code, line, level)| {
            (uri.to_string(), code.to_string(), *line, level.to_string())
        })
        .collect();
    assert_eq!(summary, expected);
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
}

#[test]
fn sarif_regions_are_one_based_and_count_characters() {
    let dir = TempDir::new().unwrap();
    // `é` is two bytes and one character: the sleep starts in column 15.
    write(
        dir.path(),
        "a.py",
        "import time\n\n\nasync def main():\n    é = 1; time.sleep(1)\n",
    );
    let log = sarif(dir.path(), &[], 1);
    let result = &only_run(&log)["results"][0];
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"],
        json!({ "startLine": 5, "startColumn": 12, "endLine": 5, "endColumn": 25 })
    );
    assert_eq!(only_run(&log)["columnKind"], "unicodeCodePoints");
    let message = result["message"]["text"].as_str().unwrap();
    assert!(
        message.starts_with("`time.sleep(1)` in async function `main`"),
        "{message}"
    );
    assert!(
        message.contains("\nhelp: use `await asyncio.sleep(1)`"),
        "{message}"
    );
}

#[test]
fn sarif_of_a_clean_run_has_no_results_and_exits_0() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "clean.py", "x = 1\n");
    let log = sarif(dir.path(), &[], 0);
    let run = only_run(&log);
    assert_eq!(run["results"], json!([]));
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn sarif_exit_zero_keeps_the_results() {
    let dir = project();
    let log = sarif(dir.path(), &["--exit-zero"], 0);
    assert_eq!(only_run(&log)["results"].as_array().unwrap().len(), 5);
}

#[test]
fn sarif_prints_no_summary_on_stderr() {
    let dir = project();
    let output = asynclint(dir.path(), &["check", "--format", "sarif"]);
    assert_exit(&output, 1);
    assert_eq!(stderr(&output), "");
}

#[test]
fn sarif_unreadable_path_is_a_failed_execution_with_a_notification() {
    let dir = project();
    let log = sarif(dir.path(), &["app.py", "missing.py"], 2);
    let invocation = &only_run(&log)["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert_eq!(
        notification["message"]["text"],
        "missing.py: no such file or directory"
    );
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "missing.py"
    );
    // The files that could be read are still reported.
    assert_eq!(only_run(&log)["results"].as_array().unwrap().len(), 3);
}

#[test]
fn sarif_syntax_error_is_an_al000_result() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "broken.py", BROKEN);
    let log = sarif(dir.path(), &[], 1);
    let result = &only_run(&log)["results"][0];
    assert_eq!(result["ruleId"], "AL000");
    assert_eq!(result["level"], "error");
}

#[test]
fn sarif_configuration_error_is_a_log_with_a_configuration_notification() {
    let dir = project();
    write(dir.path(), "asynclint.toml", "selct = [\"AL1\"]\n");
    let output = asynclint(dir.path(), &["check", "--format", "sarif"]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("unknown key `selct`"),
        "{}",
        stderr(&output)
    );
    let log = json(&output);
    let invocation = &only_run(&log)["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let message = invocation["toolConfigurationNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(
        message.starts_with("asynclint.toml: unknown key `selct`"),
        "{message}"
    );
    assert_eq!(only_run(&log)["results"], json!([]));
}

#[test]
fn sarif_and_github_refuse_statistics() {
    let dir = project();
    for format in ["sarif", "github"] {
        let output = asynclint(dir.path(), &["check", "--format", format, "--statistics"]);
        assert_exit(&output, 2);
        assert_eq!(stdout(&output), "");
        assert!(
            stderr(&output).contains("--statistics"),
            "{}",
            stderr(&output)
        );
    }
}

// ---------------------------------------------------------------------------------------
// SARIF against the official schema
// ---------------------------------------------------------------------------------------

/// The fetched schema, or `None` (after saying why) when it is absent and not required.
///
/// It is compiled twice: as the draft 4 schema it declares, and under draft 7 rules,
/// which check the `uri-reference` format it gives artifact URIs (draft 4 has no such
/// format and would skip it). The schema uses no keyword whose meaning differs between
/// the two drafts (no `exclusiveMinimum`, only local `$ref`s).
fn official_schema() -> Option<Vec<jsonschema::Validator>> {
    let directory = std::env::var_os("ASYNCLINT_SARIF_SCHEMA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/sarif-schema"));
    let path = directory.join("sarif-schema-2.1.0.json");
    if !path.is_file() {
        let why = format!(
            "no SARIF schema at {}; run scripts/fetch-sarif-schema.sh",
            path.display()
        );
        if std::env::var_os("ASYNCLINT_REQUIRE_SARIF_SCHEMA").is_some() {
            panic!("{why} (ASYNCLINT_REQUIRE_SARIF_SCHEMA is set)");
        }
        eprintln!("skipped: {why}");
        return None;
    }
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let validators = [jsonschema::Draft::Draft4, jsonschema::Draft::Draft7]
        .into_iter()
        .map(|draft| {
            jsonschema::options()
                .with_draft(draft)
                .should_validate_formats(true)
                .build(&schema)
                .unwrap_or_else(|error| panic!("{} is not a schema: {error}", path.display()))
        })
        .collect();
    Some(validators)
}

/// The schema violations of `log`.
fn violations(schema: &[jsonschema::Validator], log: &Value) -> Vec<String> {
    schema
        .iter()
        .flat_map(|validator| validator.iter_errors(log))
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect()
}

#[track_caller]
fn assert_valid(schema: &[jsonschema::Validator], log: &Value) {
    let found = violations(schema, log);
    assert!(
        found.is_empty(),
        "the SARIF log breaks the schema:\n{}",
        found.join("\n")
    );
}

#[test]
fn sarif_logs_are_valid_against_the_official_schema() {
    let Some(schema) = official_schema() else {
        return;
    };
    let dir = project();
    write(dir.path(), "broken.py", BROKEN);
    write(dir.path(), "odd name #1,:%.py", SLEEPY);
    assert_valid(&schema, &sarif(dir.path(), &[], 1));
    assert_valid(&schema, &sarif(dir.path(), &[".", "missing.py"], 2));
    assert_valid(&schema, &sarif(dir.path(), &["pkg"], 1));
    let outside = TempDir::new().unwrap();
    let elsewhere = outside.path().join("app.py");
    std::fs::write(&elsewhere, SLEEPY).unwrap();
    assert_valid(
        &schema,
        &sarif(dir.path(), &[elsewhere.to_str().unwrap()], 1),
    );
    write(dir.path(), "asynclint.toml", "selct = 1\n");
    assert_valid(&schema, &sarif(dir.path(), &[], 2));
}

#[test]
fn schema_validation_rejects_a_broken_log() {
    let Some(schema) = official_schema() else {
        return;
    };
    let dir = project();
    let valid = sarif(dir.path(), &[], 1);
    let mut bad_level = valid.clone();
    bad_level["runs"][0]["results"][0]["level"] = json!("fatal");
    assert!(!violations(&schema, &bad_level).is_empty(), "unknown level");
    let mut zero_line = valid.clone();
    zero_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    assert!(
        !violations(&schema, &zero_line).is_empty(),
        "lines start at 1"
    );
    let mut unencoded = valid.clone();
    unencoded["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"] = json!("my module.py");
    assert!(
        !violations(&schema, &unencoded).is_empty(),
        "a space is not a URI character"
    );
    let mut no_message = valid;
    no_message["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(
        !violations(&schema, &no_message).is_empty(),
        "message is required"
    );
}

// ---------------------------------------------------------------------------------------
// GitHub workflow commands
// ---------------------------------------------------------------------------------------

/// The workflow commands of `asynclint check --format github ARGS...` run in `dir`,
/// outside any GitHub workspace (whatever the environment of the test run).
fn github(dir: &Path, args: &[&str], status: i32) -> Vec<String> {
    github_in_workspace(dir, None, args, status)
}

fn github_in_workspace(
    dir: &Path,
    workspace: Option<&Path>,
    args: &[&str],
    status: i32,
) -> Vec<String> {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_asynclint"));
    command
        .args(["check", "--format", "github"])
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_WORKSPACE");
    if let Some(workspace) = workspace {
        command.env("GITHUB_WORKSPACE", workspace);
    }
    let output = command.output().expect("the asynclint binary runs");
    assert_exit(&output, status);
    stdout(&output).lines().map(str::to_string).collect()
}

#[test]
fn github_prints_one_command_per_finding_with_its_severity() {
    let dir = project();
    let lines = github(dir.path(), &[], 1);
    let heads: Vec<&str> = lines
        .iter()
        .map(|line| line.split("::").nth(1).unwrap())
        .collect();
    assert_eq!(
        heads,
        [
            "error file=app.py,line=7,col=5,endLine=7,endColumn=18,title=AL201 blocking-sleep",
            "error file=app.py,line=8,col=5,endLine=8,endColumn=40,title=AL202 blocking-call",
            "error file=app.py,line=9,col=5,endLine=9,endColumn=21,title=AL101 unawaited-coroutine",
            "warning file=gather.py,line=5,col=11,endLine=5,endColumn=52,title=AL301 unbounded-gather",
            "error file=pkg/my mödule.py,line=5,col=5,endLine=5,endColumn=18,title=AL201 blocking-sleep",
        ]
    );
    assert!(lines.iter().all(|line| line.starts_with("::")));
}

#[test]
fn github_message_carries_the_help_on_an_escaped_second_line() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.py", SLEEPY);
    let lines = github(dir.path(), &[], 1);
    let message = lines[0].splitn(3, "::").nth(2).unwrap();
    assert_eq!(
        message,
        "`time.sleep(1)` in async function `main` blocks the event loop: no other task runs while it sleeps%0Ahelp: use `await asyncio.sleep(1)`"
    );
}

#[test]
fn github_escapes_percent_colon_and_comma() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "50%,a:b.py",
        "import time\n\n\nasync def main():\n    time.sleep(100 % 7)\n",
    );
    let lines = github(dir.path(), &[], 1);
    assert_eq!(lines.len(), 1);
    let (head, message) = lines[0][2..].split_once("::").unwrap();
    assert!(
        head.starts_with("error file=50%25%2Ca%3Ab.py,line=5,"),
        "property escaping: {head}"
    );
    assert!(message.starts_with("`time.sleep(100 %25 7)`"), "{message}");
    // In the message only `%` and line breaks are escaped.
    assert!(message.contains(": no other task runs"), "{message}");
    assert!(!message.contains('\n'));
}

#[test]
fn github_clean_run_prints_nothing_and_exits_0() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "clean.py", "x = 1\n");
    assert!(github(dir.path(), &[], 0).is_empty());
}

#[test]
fn github_annotates_unreadable_paths_and_configuration_errors() {
    let dir = project();
    let lines = github(dir.path(), &["app.py", "missing.py"], 2);
    assert_eq!(
        lines.last().unwrap(),
        "::error file=missing.py,title=asynclint::no such file or directory"
    );
    write(dir.path(), "asynclint.toml", "selct = 1\n");
    let lines = github(dir.path(), &[], 2);
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].starts_with(
            "::error title=asynclint configuration::asynclint.toml: unknown key `selct`"
        ),
        "{}",
        lines[0]
    );
}

#[test]
fn github_paths_are_relative_to_the_workspace_from_a_subdirectory() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "service/app.py", SLEEPY);
    let service = dir.path().join("service");
    let lines = github_in_workspace(&service, Some(dir.path()), &["app.py"], 1);
    assert!(
        lines[0].starts_with("::error file=service/app.py,line=5,"),
        "{}",
        lines[0]
    );
    let lines = github_in_workspace(&service, None, &["app.py"], 1);
    assert!(
        lines[0].starts_with("::error file=app.py,line=5,"),
        "{}",
        lines[0]
    );
}
