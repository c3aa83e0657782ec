//! The same input gives byte-identical output, whatever the number of worker threads
//! and however often it runs, in every format; and the formats agree with each other
//! finding by finding, so nothing is interleaved, lost or truncated.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

mod common;

use common::assert_exit;

const FORMATS: [&[&str]; 3] = [
    &["--format", "text", "--no-color"],
    &["--format", "concise"],
    &["--format", "json"],
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Runs `asynclint check FORMAT... .` in `dir` on `threads` worker threads.
fn run(dir: &Path, format: &[&str], threads: usize) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_asynclint"))
        .arg("check")
        .args(format)
        .arg(".")
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .output()
        .expect("the asynclint binary runs");
    assert_exit(&output, 1);
    output
}

/// Every format, twice on one thread, twice on two and once on four: all runs of a
/// format print the same bytes on stdout and on stderr.
fn assert_deterministic(dir: &Path) {
    for format in FORMATS {
        let first = run(dir, format, 1);
        assert!(!first.stdout.is_empty(), "{format:?}: no findings");
        for threads in [1, 2, 2, 4] {
            let again = run(dir, format, threads);
            assert!(
                again.stdout == first.stdout,
                "{format:?}: stdout on {threads} threads differs from the first run"
            );
            assert_eq!(
                String::from_utf8_lossy(&again.stderr),
                String::from_utf8_lossy(&first.stderr),
                "{format:?}: stderr on {threads} threads"
            );
        }
    }
}

#[test]
fn fixture_output_is_identical_across_runs_and_thread_counts() {
    assert_deterministic(&fixtures());
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Six copies of the fixtures: enough files that both threads are busy at once.
fn many_fixtures() -> TempDir {
    let dir = TempDir::new().unwrap();
    for copy in 0..6 {
        copy_tree(&fixtures(), &dir.path().join(format!("copy{copy:02}")));
    }
    dir
}

#[test]
fn output_of_many_files_is_identical_across_thread_counts() {
    let dir = many_fixtures();
    assert_deterministic(dir.path());
}

/// `(path, line, column, code)` of each finding of a `--format json` run.
fn json_findings(output: &Output) -> Vec<(String, u64, u64, String)> {
    let value: Value = serde_json::from_slice(&output.stdout).expect("stdout is whole JSON");
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The same of a `--format concise` run, each line parsed whole.
fn concise_findings(output: &Output) -> Vec<(String, u64, u64, String)> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| {
            let mut parts = line.splitn(4, ':');
            let path = parts.next().unwrap().to_string();
            let row = parts.next().unwrap().parse().expect("a line number");
            let column = parts.next().unwrap().parse().expect("a column");
            let rest = parts.next().expect("a message");
            let code = rest.split_whitespace().next().unwrap().to_string();
            assert!(code.starts_with("AL") && code.len() == 5, "{line}");
            (path, row, column, code)
        })
        .collect()
}

/// The same of a `--format text` run: each report's `[CODE name]` title and the
/// `╭─[ path:line:col ]` under it.
fn text_findings(output: &Output) -> Vec<(String, u64, u64, String)> {
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    let mut found = Vec::new();
    let mut code = None;
    for line in text.lines() {
        if let Some(title) = line.strip_prefix('[') {
            assert!(code.is_none(), "a title without its location: {line}");
            code = Some(title.split_whitespace().next().unwrap().to_string());
        } else if let Some(at) = line.find("╭─[ ") {
            let location = line[at + "╭─[ ".len()..].trim_end_matches(" ]");
            let mut parts = location.rsplitn(3, ':');
            let column = parts.next().unwrap().parse().expect("a column");
            let row = parts.next().unwrap().parse().expect("a line number");
            let path = parts.next().unwrap().to_string();
            found.push((path, row, column, code.take().expect("a title")));
        }
    }
    found
}

#[test]
fn every_format_reports_the_same_findings_in_the_same_order() {
    let dir = many_fixtures();
    let json = json_findings(&run(dir.path(), FORMATS[2], 2));
    assert!(json.len() > 1500, "{} findings", json.len());
    assert_eq!(concise_findings(&run(dir.path(), FORMATS[1], 2)), json);
    assert_eq!(text_findings(&run(dir.path(), FORMATS[0], 2)), json);
    // Sorted by path, then position: the order does not depend on scheduling.
    let mut sorted = json.clone();
    sorted.sort_by(|a, b| (Path::new(&a.0), a.1, a.2).cmp(&(Path::new(&b.0), b.1, b.2)));
    assert_eq!(json, sorted);
}
