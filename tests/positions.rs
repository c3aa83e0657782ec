//! Positions, as a property over every finding of the fixtures: each reported line
//! and column lies inside the file and points at code, and columns count characters.
//! The fixtures are linted as they are, and again with multi-byte characters (é, CJK,
//! an emoji) and a tab inserted before the findings on their lines, with indentation
//! turned into tabs, and with CRLF or CR line endings. Each finding must then point
//! at the same code, at the column this test computes on its own from the file text.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

#[derive(Clone, Debug, PartialEq, Eq)]
struct Finding {
    code: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

/// Findings by file path (relative, `/`-separated).
type Findings = BTreeMap<String, Vec<Finding>>;

fn lint(dir: &Path) -> Findings {
    let output = Command::new(env!("CARGO_BIN_EXE_asynclint"))
        .args(["check", "--format", "json", "."])
        .current_dir(dir)
        .output()
        .expect("the asynclint binary runs");
    let value: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    let mut findings = Findings::new();
    for item in value.as_array().unwrap() {
        let number = |key: &str| item[key].as_u64().unwrap() as usize;
        findings
            .entry(item["path"].as_str().unwrap().replace('\\', "/"))
            .or_default()
            .push(Finding {
                code: item["code"].as_str().unwrap().to_string(),
                line: number("line"),
                column: number("column"),
                end_line: number("end_line"),
                end_column: number("end_column"),
            });
    }
    findings
}

/// The file's lines, split at `\r\n`, `\r` and `\n` as Python's tokenizer (and every
/// editor) does, without their endings.
fn lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['\r', '\n']) {
        lines.push(&rest[..at]);
        let ending = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[at + ending..];
    }
    lines.push(rest);
    lines
}

/// Up to `length` characters of `line` from 1-based character `column` on.
fn text_at(line: &str, column: usize, length: usize) -> String {
    line.chars().skip(column - 1).take(length).collect()
}

/// The position lies in the file: an existing line, a column at most one past the
/// line's last character.
fn assert_inside(path: &str, lines: &[&str], line: usize, column: usize) {
    assert!(
        (1..=lines.len()).contains(&line),
        "{path}: line {line} of {}",
        lines.len()
    );
    let characters = lines[line - 1].chars().count();
    assert!(
        (1..=characters + 1).contains(&column),
        "{path}:{line}: column {column} of a {characters}-character line"
    );
}

/// What each finding points at: the code there, checked to lie inside the file.
fn anchors(root: &Path, findings: &Findings) -> BTreeMap<String, Vec<String>> {
    let mut anchors = BTreeMap::new();
    for (path, in_file) in findings {
        let text = std::fs::read_to_string(root.join(path)).unwrap();
        let lines = lines(&text);
        let mut texts = Vec::new();
        for finding in in_file {
            assert_inside(path, &lines, finding.line, finding.column);
            assert_inside(path, &lines, finding.end_line, finding.end_column);
            assert!(
                (finding.line, finding.column) <= (finding.end_line, finding.end_column),
                "{path}: {finding:?} ends before it starts"
            );
            let anchor = text_at(lines[finding.line - 1], finding.column, 12);
            // A syntax error may point past the end of a line; a finding points at code.
            assert!(
                finding.code == "AL000" || anchor.starts_with(|c: char| !c.is_whitespace()),
                "{path}: {finding:?} points at {anchor:?}, not at code"
            );
            texts.push(anchor);
        }
        anchors.insert(path.clone(), texts);
    }
    anchors
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

/// How a variant changes one line, for the findings on it: the text it becomes and
/// the column a finding at `column` moves to.
struct Edit {
    text: String,
    moved: Box<dyn Fn(usize) -> usize>,
}

/// A variant of the fixtures: `edit(path, line number, line, findings on the line)`
/// rewrites lines (or leaves them with `None`); `ending` joins the lines.
struct Variant {
    name: &'static str,
    ending: &'static str,
    edit: fn(&str, &str, &[&Finding]) -> Option<Edit>,
}

/// Inserted before the findings of a line: two-, three- and four-byte characters
/// and a tab, 6 characters in all.
const WIDE: &str = "é中😀\t文é";

fn insert_wide(path: &str, line: &str, on_line: &[&Finding]) -> Option<Edit> {
    let first = on_line.iter().map(|f| f.column).min()?;
    if path.ends_with(".rs") {
        // A comment can go before any token.
        let at = first - 1;
        let comment = format!("/*{WIDE}*/");
        let width = comment.chars().count();
        let text = splice(line, at, &comment);
        return Some(Edit {
            text,
            moved: Box::new(move |column| if column > at { column + width } else { column }),
        });
    }
    // Python: a string statement before the line's statement, where that is one.
    let indent = line.chars().take_while(|c| *c == ' ' || *c == '\t').count();
    let statement = line.trim_start();
    let compound = [
        "async ", "def ", "class ", "if ", "elif ", "else", "for ", "while ", "with ", "try",
        "except", "finally", "match ", "case ", "@", ")", "]", "}",
    ];
    if compound.iter().any(|word| statement.starts_with(word)) || statement.ends_with(',') {
        return None;
    }
    let inserted = format!("\"{WIDE}\"; ");
    let width = inserted.chars().count();
    Some(Edit {
        text: splice(line, indent, &inserted),
        moved: Box::new(move |column| {
            if column > indent {
                column + width
            } else {
                column
            }
        }),
    })
}

/// `line` with `inserted` placed before its character `at` (0-based).
fn splice(line: &str, at: usize, inserted: &str) -> String {
    let byte = line.char_indices().nth(at).map_or(line.len(), |(i, _)| i);
    format!("{}{inserted}{}", &line[..byte], &line[byte..])
}

fn indent_with_tabs(_: &str, line: &str, _: &[&Finding]) -> Option<Edit> {
    let spaces = line.chars().take_while(|c| *c == ' ').count();
    let tabs = spaces / 4;
    let text = format!("{}{}", "\t".repeat(tabs), &line[tabs * 4..]);
    Some(Edit {
        text,
        moved: Box::new(move |column| {
            if column > tabs * 4 {
                column - tabs * 3
            } else {
                column
            }
        }),
    })
}

fn unchanged(_: &str, _: &str, _: &[&Finding]) -> Option<Edit> {
    None
}

/// Writes the variant of every file with findings into `root` (a copy of the
/// fixtures); returns for each file the expected column of each of its findings.
fn apply(root: &Path, variant: &Variant, findings: &Findings) -> BTreeMap<String, Vec<Finding>> {
    let mut expected = BTreeMap::new();
    for (path, in_file) in findings {
        let text = std::fs::read_to_string(root.join(path)).unwrap();
        let mut moved_findings = in_file.clone();
        let mut rewritten = Vec::new();
        for (index, line) in lines(&text).into_iter().enumerate() {
            let on_line: Vec<&Finding> = in_file.iter().filter(|f| f.line == index + 1).collect();
            match (variant.edit)(path, line, &on_line) {
                Some(edit) => {
                    for finding in moved_findings.iter_mut() {
                        if finding.line == index + 1 {
                            finding.column = (edit.moved)(finding.column);
                        }
                        if finding.end_line == index + 1 {
                            finding.end_column = (edit.moved)(finding.end_column);
                        }
                    }
                    rewritten.push(edit.text);
                }
                None => rewritten.push(line.to_string()),
            }
        }
        std::fs::write(root.join(path), rewritten.join(variant.ending)).unwrap();
        expected.insert(path.clone(), moved_findings);
    }
    expected
}

fn fixture_findings(dir: &TempDir) -> Findings {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    copy_tree(&fixtures, dir.path());
    let findings = lint(dir.path());
    assert!(
        findings.values().map(Vec::len).sum::<usize>() > 200,
        "the fixtures have findings"
    );
    findings
}

#[test]
fn every_fixture_finding_lies_inside_its_file_and_points_at_code() {
    let dir = TempDir::new().unwrap();
    let findings = fixture_findings(&dir);
    anchors(dir.path(), &findings);
}

/// Lints `variant` of the fixtures and checks every finding against the original:
/// same rule and line, the column computed here, the same code under it. Files the
/// variant made unparsable (a Python line that is not a statement) are left out;
/// at least `share` percent of the findings must be compared, and at least `moved`
/// percent must have moved to another column.
fn check_variant(variant: Variant, share: usize, moved_share: usize) {
    let original = TempDir::new().unwrap();
    let findings = fixture_findings(&original);
    let original_anchors = anchors(original.path(), &findings);
    let changed = TempDir::new().unwrap();
    copy_tree(original.path(), changed.path());
    let expected = apply(changed.path(), &variant, &findings);
    let actual = lint(changed.path());
    let actual_anchors = anchors(changed.path(), &actual);
    let (mut compared, mut total, mut moved) = (0, 0, 0);
    for (path, expected_in_file) in &expected {
        total += expected_in_file.len();
        let actual_in_file = actual.get(path).cloned().unwrap_or_default();
        let broken = actual_in_file.iter().any(|f| f.code == "AL000")
            && !expected_in_file.iter().any(|f| f.code == "AL000");
        if broken {
            assert!(
                path.ends_with(".py"),
                "{}: {path} no longer parses",
                variant.name
            );
            continue;
        }
        assert_eq!(
            &actual_in_file, expected_in_file,
            "{}: {path}",
            variant.name
        );
        assert_eq!(
            actual_anchors[path], original_anchors[path],
            "{}: {path}: the findings point at other code",
            variant.name
        );
        compared += expected_in_file.len();
        moved += expected_in_file
            .iter()
            .zip(&findings[path])
            .filter(|(after, before)| after.column != before.column)
            .count();
    }
    eprintln!(
        "{}: {compared} of {total} findings compared, {moved} of them moved",
        variant.name
    );
    assert!(
        compared * 100 >= total * share,
        "{}: only {compared} of {total} findings compared",
        variant.name
    );
    assert!(
        moved * 100 >= total * moved_share,
        "{}: only {moved} of {total} findings moved",
        variant.name
    );
}

#[test]
fn columns_count_characters_after_multibyte_text_and_tabs() {
    check_variant(
        Variant {
            name: "wide characters",
            ending: "\n",
            edit: insert_wide,
        },
        90,
        75,
    );
}

#[test]
fn tab_indentation_is_one_column_per_tab() {
    check_variant(
        Variant {
            name: "tabs",
            ending: "\n",
            edit: indent_with_tabs,
        },
        100,
        90,
    );
}

#[test]
fn crlf_line_endings_keep_every_position() {
    check_variant(
        Variant {
            name: "CRLF",
            ending: "\r\n",
            edit: unchanged,
        },
        100,
        0,
    );
}

#[test]
fn lone_cr_line_endings_keep_every_python_position() {
    // In Rust a lone CR does not end a `//` comment, so only Python is compared: the
    // Rust files are left out by giving them their own endings back.
    let original = TempDir::new().unwrap();
    let findings = fixture_findings(&original);
    let python: Findings = findings
        .into_iter()
        .filter(|(path, _)| path.ends_with(".py"))
        .collect();
    let original_anchors = anchors(original.path(), &python);
    let changed = TempDir::new().unwrap();
    copy_tree(original.path(), changed.path());
    let expected = apply(
        changed.path(),
        &Variant {
            name: "CR",
            ending: "\r",
            edit: unchanged,
        },
        &python,
    );
    let actual: Findings = lint(changed.path())
        .into_iter()
        .filter(|(path, _)| path.ends_with(".py"))
        .collect();
    assert_eq!(actual, expected);
    assert_eq!(anchors(changed.path(), &actual), original_anchors);
}
