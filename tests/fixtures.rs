//! Runs the linter over every annotated fixture and compares its findings with the
//! `# expect: CODE` / `// expect: CODE` comments, line by line. Each language's
//! fixture folder is linted as one project, so cross-module resolution is exercised.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use asynclint::engine;
use asynclint::settings::Settings;

/// (path, line) → sorted rule codes.
type Findings = BTreeMap<(PathBuf, usize), Vec<String>>;

fn fixture_root(language: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(language)
}

fn fixture_files(root: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(root)
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("fixture folder is readable") {
        let path = entry.expect("fixture entry").path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Reads the `expect:` annotations of one file.
fn expected_in(path: &Path, marker: &str) -> Findings {
    let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
    let mut expected = Findings::new();
    for (number, line) in text.lines().enumerate() {
        let Some(at) = line.find(marker) else {
            continue;
        };
        let mut codes: Vec<String> = line[at + marker.len()..]
            .split(',')
            .map(|code| code.trim().to_string())
            .filter(|code| !code.is_empty())
            .collect();
        codes.sort();
        expected.insert((path.to_path_buf(), number + 1), codes);
    }
    expected
}

fn actual_in(root: &Path) -> Findings {
    let report = engine::run(&[root.to_path_buf()], &Settings::default());
    assert!(report.io_errors.is_empty(), "{:?}", report.io_errors);
    let mut actual = Findings::new();
    for file in &report.files {
        for located in &file.diagnostics {
            actual
                .entry((file.path.clone(), located.start.line))
                .or_default()
                .push(located.diagnostic.rule.code().to_string());
        }
    }
    for codes in actual.values_mut() {
        codes.sort();
    }
    actual
}

fn check_language(language: &str, extension: &str, marker: &str) {
    let root = fixture_root(language);
    let files = fixture_files(&root, extension);
    assert!(!files.is_empty(), "no fixtures in {}", root.display());
    let mut expected = Findings::new();
    for file in &files {
        expected.extend(expected_in(file, marker));
    }
    let actual = actual_in(&root);

    let mut problems = Vec::new();
    let keys: std::collections::BTreeSet<_> = expected.keys().chain(actual.keys()).collect();
    for key in keys {
        let want = expected.get(key).cloned().unwrap_or_default();
        let got = actual.get(key).cloned().unwrap_or_default();
        if want != got {
            let (path, line) = key;
            let relative = path.strip_prefix(&root).unwrap_or(path);
            problems.push(format!(
                "{}:{line}: expected {want:?}, found {got:?}",
                relative.display()
            ));
        }
    }
    let expected_total: usize = expected.values().map(Vec::len).sum();
    assert!(expected_total > 0, "fixtures of {language} expect nothing");
    assert!(
        problems.is_empty(),
        "{} fixture line(s) differ ({} findings expected in total):\n{}",
        problems.len(),
        expected_total,
        problems.join("\n")
    );
}

#[test]
fn python_fixtures_match_their_annotations() {
    check_language("python", "py", "# expect:");
}

#[test]
fn rust_fixtures_match_their_annotations() {
    check_language("rust", "rs", "// expect:");
}
