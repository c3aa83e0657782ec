//! Suppression comments, applied to a file's findings after its front end ran, so
//! they work the same for every language:
//!
//! - Python: `# noqa` (every rule) or `# noqa: AL201, blocking-call` on the line where
//!   the finding starts. Codes of other tools in the same comment (`E501`) are left
//!   to them.
//! - Rust: `// asynclint: allow(AL201, blocking-call)` at the end of the finding's line,
//!   or alone on the line above it.
//! - Both: `asynclint: skip-file` in a comment before the first line of code.
//!
//! With AL001 enabled (`--report-unused-suppressions`), suppressions that suppress
//! nothing, name no known rule, or cannot take effect are reported.

mod comments;
mod edit;

pub use edit::ignore_fix;

use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::discover::Language;
use crate::registry::{Rule, RuleSelector};
use crate::settings::Settings;
use crate::source::LineIndex;

/// Lints a file with `lint` and applies its suppression comments to the findings.
/// `lint` is not called for a file that skips itself, unless AL001 needs to know
/// whether the skip is still needed.
pub fn apply(
    language: Language,
    source: &str,
    settings: &Settings,
    lint: impl FnOnce() -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if !may_have_directives(language, source) {
        return lint();
    }
    let report_unused = settings.is_enabled(Rule::UnusedSuppression);
    if !report_unused && !may_skip_file(source) {
        // Comments can then only suppress findings, and most files have none: they
        // are read only when there is something to suppress (finding Python's
        // comments costs a second pass of the parser).
        let diagnostics = lint();
        if diagnostics.is_empty() {
            return diagnostics;
        }
        let lines = LineIndex::new(source);
        let mut directives = Directives::scan(language, source, &lines);
        return suppress(diagnostics, &mut directives, &lines);
    }
    let lines = LineIndex::new(source);
    let mut directives = Directives::scan(language, source, &lines);
    if let Some(skip) = directives.skip_file.clone() {
        if !report_unused {
            return Vec::new();
        }
        return match lint().is_empty() {
            true => vec![unused_skip_file(skip)],
            false => Vec::new(),
        };
    }
    let diagnostics = lint();
    if has_syntax_error(&diagnostics) {
        return diagnostics;
    }
    let mut diagnostics = suppress(diagnostics, &mut directives, &lines);
    if report_unused {
        diagnostics.extend(directives.problems(language, settings));
        diagnostics.sort_by_key(|d| (d.start, d.rule));
    }
    diagnostics
}

/// The findings that no directive suppresses.
fn suppress(
    mut diagnostics: Vec<Diagnostic>,
    directives: &mut Directives,
    lines: &LineIndex,
) -> Vec<Diagnostic> {
    if has_syntax_error(&diagnostics) {
        return diagnostics;
    }
    diagnostics.retain(|diagnostic| !directives.suppress(diagnostic, lines));
    diagnostics
}

/// The rules did not run on a file that does not parse: nothing to suppress, and
/// every suppression would look unused.
fn has_syntax_error(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.rule == Rule::SyntaxError)
}

/// Can the file hold an `asynclint: skip-file` directive?
fn may_skip_file(source: &str) -> bool {
    memchr::memmem::find(source.as_bytes(), b"skip-file").is_some()
}

/// A cheap byte search that lets most files skip comment scanning.
fn may_have_directives(language: Language, source: &str) -> bool {
    let bytes = source.as_bytes();
    memchr::memmem::find(bytes, b"asynclint:").is_some()
        || (language == Language::Python && contains_noqa(bytes))
}

/// `noqa` in any case, found from its first letter.
fn contains_noqa(bytes: &[u8]) -> bool {
    // `q` is far rarer in code than `n`: search for it, then look around it.
    memchr::memchr2_iter(b'q', b'Q', bytes).any(|at| {
        at >= 2
            && bytes
                .get(at - 2..at + 2)
                .is_some_and(|word| word.eq_ignore_ascii_case(b"noqa"))
    })
}

/// One rule named in a suppression comment, as written.
#[derive(Clone, Debug)]
struct Entry {
    text: String,
    range: Range<usize>,
    /// `None`: the text names no asynclint rule.
    selector: Option<RuleSelector>,
    used: bool,
}

#[derive(Clone, Debug)]
enum Scope {
    /// A bare `# noqa`.
    EveryRule {
        used: bool,
    },
    Rules(Vec<Entry>),
}

/// A comment that suppresses findings starting on one line.
#[derive(Clone, Debug)]
struct LineSuppression {
    /// 0-based line whose findings it suppresses.
    line: usize,
    scope: Scope,
    /// The directive in the comment (`# noqa: AL201`, `// asynclint: allow(AL201)`).
    range: Range<usize>,
}

/// What a file's comments ask for.
#[derive(Debug, Default)]
struct Directives {
    lines: Vec<LineSuppression>,
    /// The first `asynclint: skip-file` in the file's header.
    skip_file: Option<Range<usize>>,
    /// `asynclint: skip-file` after the first line of code: it has no effect.
    misplaced_skip_files: Vec<Range<usize>>,
    /// `asynclint:` comments that are not a directive asynclint understands.
    malformed: Vec<Range<usize>>,
}

impl Directives {
    fn scan(language: Language, source: &str, lines: &LineIndex) -> Directives {
        let comments = match language {
            Language::Python => comments::python(source),
            Language::Rust => comments::rust(source),
        };
        let mut directives = Directives::default();
        for (index, range) in comments.ranges.iter().enumerate() {
            let text = &source[range.clone()];
            let found = match language {
                Language::Python => python_directives(text, range.start),
                Language::Rust => rust_directive(text, range.start).into_iter().collect(),
            };
            if found.is_empty() {
                continue;
            }
            let line = lines.line_of(range.start);
            let target = match language {
                Language::Rust if is_alone_on_its_line(source, lines, range.start) => {
                    next_code_line(source, &comments.ranges, index, lines)
                }
                Language::Python | Language::Rust => line,
            };
            for directive in found {
                directives.add(directive, target, comments.code_start);
            }
        }
        directives
    }

    fn add(&mut self, directive: Directive, line: usize, code_start: usize) {
        match directive {
            Directive::Suppress { scope, range } => {
                self.lines.push(LineSuppression { line, scope, range })
            }
            Directive::SkipFile { range } if range.start < code_start => {
                self.skip_file.get_or_insert(range);
            }
            Directive::SkipFile { range } => self.misplaced_skip_files.push(range),
            Directive::Malformed { range } => self.malformed.push(range),
        }
    }

    /// Whether a comment suppresses `diagnostic`; marks what suppressed it as used.
    /// AL000 is never suppressed by a line comment.
    fn suppress(&mut self, diagnostic: &Diagnostic, lines: &LineIndex) -> bool {
        if diagnostic.rule == Rule::SyntaxError {
            return false;
        }
        let line = lines.line_of(diagnostic.start);
        let mut suppressed = false;
        for suppression in self.lines.iter_mut().filter(|s| s.line == line) {
            match &mut suppression.scope {
                Scope::EveryRule { used } => {
                    *used = true;
                    suppressed = true;
                }
                Scope::Rules(entries) => {
                    for entry in entries.iter_mut() {
                        if entry
                            .selector
                            .as_ref()
                            .is_some_and(|selector| selector.matches(diagnostic.rule))
                        {
                            entry.used = true;
                            suppressed = true;
                        }
                    }
                }
            }
        }
        suppressed
    }

    /// AL001 findings: suppressions that suppressed nothing, name unknown rules, or
    /// cannot take effect.
    fn problems(&self, language: Language, settings: &Settings) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for suppression in &self.lines {
            problems.extend(unused_in(suppression, settings));
        }
        for range in &self.misplaced_skip_files {
            problems.push(
                Diagnostic::new(
                    Rule::UnusedSuppression,
                    range.start,
                    range.end,
                    "`asynclint: skip-file` has no effect here: it must come before the first line of code",
                )
                .with_help("move the comment to the top of the file, or remove it"),
            );
        }
        for range in &self.malformed {
            problems.push(
                Diagnostic::new(
                    Rule::UnusedSuppression,
                    range.start,
                    range.end,
                    "this `asynclint:` comment is not a directive asynclint understands, so it suppresses nothing",
                )
                .with_help(match language {
                    Language::Python => "write `# noqa: AL201` on the line, or `# asynclint: skip-file` at the top of the file",
                    Language::Rust => "write `// asynclint: allow(AL201, blocking-call)`, or `// asynclint: skip-file` at the top of the file",
                }),
            );
        }
        problems
    }
}

/// The AL001 findings of one line suppression.
fn unused_in(suppression: &LineSuppression, settings: &Settings) -> Vec<Diagnostic> {
    let line_number = suppression.line + 1;
    let entries = match &suppression.scope {
        Scope::EveryRule { used: true } => return Vec::new(),
        Scope::EveryRule { used: false } => {
            let message = format!("unused suppression: nothing is reported on line {line_number}");
            return vec![Diagnostic::new(
                Rule::UnusedSuppression,
                suppression.range.start,
                suppression.range.end,
                message,
            )
            .with_help("remove the `# noqa` comment")];
        }
        Scope::Rules(entries) => entries,
    };
    let remove = |entry: &Entry| match entries.len() {
        1 => "remove the comment".to_string(),
        _ => format!("remove `{}` from the comment", entry.text),
    };
    let mut problems = Vec::new();
    for entry in entries.iter().filter(|entry| !entry.used) {
        let problem = match &entry.selector {
            None => Diagnostic::new(
                Rule::UnusedSuppression,
                entry.range.start,
                entry.range.end,
                format!(
                    "`{}` is not an asynclint rule, so this suppression does nothing",
                    entry.text
                ),
            )
            .with_help(format!(
                "name rules by {}; `asynclint rule --all` lists them",
                crate::registry::SELECTOR_HELP
            )),
            // A rule that is off for this file cannot show whether it is needed.
            Some(selector) if !selector.rules().any(|rule| settings.is_enabled(rule)) => continue,
            Some(_) => Diagnostic::new(
                Rule::UnusedSuppression,
                entry.range.start,
                entry.range.end,
                format!(
                    "unused suppression: no `{}` finding on line {line_number}",
                    entry.text
                ),
            )
            .with_help(remove(entry)),
        };
        problems.push(problem);
    }
    problems
}

fn unused_skip_file(range: Range<usize>) -> Diagnostic {
    Diagnostic::new(
        Rule::UnusedSuppression,
        range.start,
        range.end,
        "unused suppression: `asynclint: skip-file`, but nothing in this file is reported",
    )
    .with_help("remove the comment")
}

/// What one comment (or one `#` segment of a Python comment) asks for.
#[derive(Debug)]
enum Directive {
    Suppress { scope: Scope, range: Range<usize> },
    SkipFile { range: Range<usize> },
    Malformed { range: Range<usize> },
}

/// `# noqa[: RULES]` and `# asynclint: skip-file` in a Python comment. A comment may
/// hold several (`# type: ignore  # noqa: AL202`).
fn python_directives(comment: &str, offset: usize) -> Vec<Directive> {
    let mut found = Vec::new();
    let hashes = comment.match_indices('#').map(|(at, _)| at);
    for at in hashes {
        let segment = &comment[at + 1..];
        let segment = &segment[..segment.find('#').unwrap_or(segment.len())];
        let body_at = at + 1 + (segment.len() - segment.trim_start().len());
        let body = &comment[body_at..at + 1 + segment.len()];
        let range = offset + at..offset + at + 1 + segment.trim_end().len();
        if let Some(after) = strip_noqa(body) {
            let list_offset = offset + body_at + (body.len() - after.len());
            if let Some(scope) = noqa_scope(after, list_offset) {
                found.push(Directive::Suppress { scope, range });
            }
        } else if let Some(rest) = body.strip_prefix("asynclint:") {
            found.push(asynclint_word(rest.trim_start(), range));
        }
    }
    found
}

/// `skip-file` after `asynclint:` (Python has no `allow(...)`: it has `# noqa`).
fn asynclint_word(rest: &str, range: Range<usize>) -> Directive {
    if starts_with_word(rest, "skip-file") {
        Directive::SkipFile { range }
    } else {
        Directive::Malformed { range }
    }
}

/// The text after `noqa` (case-insensitive), if the segment is a noqa directive.
fn strip_noqa(body: &str) -> Option<&str> {
    let head = body.get(..4)?;
    let after = &body[4..];
    let ends_word = after
        .chars()
        .next()
        .is_none_or(|c| c == ':' || c.is_whitespace());
    (head.eq_ignore_ascii_case("noqa") && ends_word).then_some(after)
}

/// What a noqa suppresses: every rule (bare, or a list without any rule), the listed
/// asynclint rules, or nothing of ours when it lists only other tools' codes.
fn noqa_scope(after: &str, offset: usize) -> Option<Scope> {
    let Some(list) = after.strip_prefix(':') else {
        return Some(Scope::EveryRule { used: false });
    };
    let mut entries = Vec::new();
    let mut foreign = 0;
    for (at, token, after_comma) in list_tokens(list) {
        // A name must start the list or follow a comma, so that prose after the codes
        // (`# noqa: AL201 non-blocking in tests`) is not read as a rule.
        match classify(token) {
            Token::Ours => entries.push(entry(token, offset + 1 + at)),
            Token::Name if after_comma => entries.push(entry(token, offset + 1 + at)),
            Token::Foreign => foreign += 1,
            Token::Name | Token::Other => break,
        }
    }
    match (entries.is_empty(), foreign) {
        (false, _) => Some(Scope::Rules(entries)),
        (true, 0) => Some(Scope::EveryRule { used: false }),
        (true, _) => None,
    }
}

/// The words of a noqa rule list (`AL201, E501 reason`), split at commas and
/// whitespace: each with its byte offset in `list` and whether it starts the list or
/// follows a comma.
fn list_tokens(list: &str) -> impl Iterator<Item = (usize, &str, bool)> + '_ {
    let mut at = 0;
    let mut after_comma = true;
    std::iter::from_fn(move || {
        while at < list.len() {
            let rest = &list[at..];
            let token_len = rest
                .find(|c: char| c == ',' || c.is_whitespace())
                .unwrap_or(rest.len());
            if token_len == 0 {
                after_comma |= rest.starts_with(',');
                at += rest.chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let token = (at, &rest[..token_len], after_comma);
            after_comma = false;
            at += token_len;
            return Some(token);
        }
        None
    })
}

fn entry(text: &str, start: usize) -> Entry {
    Entry {
        text: text.to_string(),
        range: start..start + text.len(),
        selector: RuleSelector::parse(text),
        used: false,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    /// `AL201`, `AL2`, `al201`.
    Ours,
    /// A lower-case, hyphenated word, like a rule name.
    Name,
    /// Another tool's code: `E501`, `RUF100`.
    Foreign,
    /// Anything else ends the list (`# noqa: AL201 because ...`).
    Other,
}

fn classify(token: &str) -> Token {
    let bytes = token.as_bytes();
    let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let digits_only_after = bytes[letters..].iter().all(u8::is_ascii_digit);
    if letters == 2 && token[..2].eq_ignore_ascii_case("AL") && digits_only_after {
        Token::Ours
    } else if letters > 0
        && letters < bytes.len()
        && digits_only_after
        && bytes[..letters].iter().all(u8::is_ascii_uppercase)
    {
        Token::Foreign
    } else if token.contains('-')
        && token.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
    {
        Token::Name
    } else {
        Token::Other
    }
}

/// `// asynclint: allow(RULES)` or `// asynclint: skip-file` in a Rust line comment.
/// Doc comments (`///`, `//!`) and block comments are never directives.
fn rust_directive(comment: &str, offset: usize) -> Option<Directive> {
    let body = comment.strip_prefix("//")?;
    if body.starts_with('/') || body.starts_with('!') {
        return None;
    }
    let body_at = 2 + body.len() - body.trim_start().len();
    let rest = comment[body_at..].strip_prefix("asynclint:")?;
    let word_at = comment.len() - rest.trim_start().len();
    let word = &comment[word_at..];
    let range = offset..offset + comment.trim_end().len();
    if starts_with_word(word, "skip-file") {
        return Some(Directive::SkipFile { range });
    }
    let Some(entries) = allow_list(word, offset + word_at) else {
        return Some(Directive::Malformed { range });
    };
    let range = offset..offset + word_at + word.find(')').map_or(word.len(), |at| at + 1);
    Some(Directive::Suppress {
        scope: Scope::Rules(entries),
        range,
    })
}

/// The rules of `allow(AL201, blocking-call)`; `None` unless well formed and non-empty.
fn allow_list(word: &str, offset: usize) -> Option<Vec<Entry>> {
    let after_allow = word.strip_prefix("allow")?;
    let open = after_allow.len() - after_allow.trim_start().len();
    let inner = after_allow[open..].strip_prefix('(')?;
    let close = inner.find(')')?;
    let inner_at = offset + "allow".len() + open + 1;
    let mut entries = Vec::new();
    let mut at = 0;
    for piece in inner[..close].split(',') {
        let text = piece.trim();
        let start = inner_at + at + (piece.len() - piece.trim_start().len());
        at += piece.len() + 1;
        if text.is_empty() {
            return None;
        }
        entries.push(entry(text, start));
    }
    Some(entries)
}

fn starts_with_word(text: &str, word: &str) -> bool {
    text.strip_prefix(word).is_some_and(|after| {
        after
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'))
    })
}

fn is_alone_on_its_line(source: &str, lines: &LineIndex, offset: usize) -> bool {
    let line_start = lines.line_start(lines.line_of(offset));
    source[line_start..offset].trim().is_empty()
}

/// The line a Rust comment alone on its line applies to: the next line, skipping
/// further comment-only lines so that several `allow` comments can be stacked.
fn next_code_line(source: &str, ranges: &[Range<usize>], index: usize, lines: &LineIndex) -> usize {
    let mut line = lines.line_of(ranges[index].start) + 1;
    for range in &ranges[index + 1..] {
        let comment_line = lines.line_of(range.start);
        if comment_line > line {
            break;
        }
        if comment_line == line && is_alone_on_its_line(source, lines, range.start) {
            line = lines.line_of(range.end.saturating_sub(1).max(range.start)) + 1;
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    const PY_SLEEP: &str = "import time\nasync def f():\n    time.sleep(1)";

    /// A stand-in front end: one finding of `rule` at every occurrence of `needle`.
    fn findings_at(source: &str, needle: &str, rule: Rule) -> Vec<Diagnostic> {
        source
            .match_indices(needle)
            .map(|(at, _)| Diagnostic::new(rule, at, at + needle.len(), "found"))
            .collect()
    }

    fn run(
        language: Language,
        source: &str,
        needle: &str,
        rule: Rule,
        unused: bool,
    ) -> Vec<(Rule, String)> {
        let mut settings = Settings::default();
        if unused {
            settings.apply_selection(&crate::settings::RuleSelection {
                extend_select: vec![RuleSelector::Rule(Rule::UnusedSuppression)],
                ..Default::default()
            });
        }
        apply(language, source, &settings, || {
            findings_at(source, needle, rule)
        })
        .into_iter()
        .map(|d| (d.rule, source[d.start..d.end].to_string()))
        .collect()
    }

    fn python(source: &str, unused: bool) -> Vec<(Rule, String)> {
        run(
            Language::Python,
            source,
            "time.sleep(1)",
            Rule::BlockingSleep,
            unused,
        )
    }

    fn rust(source: &str, unused: bool) -> Vec<(Rule, String)> {
        run(
            Language::Rust,
            source,
            "thread::sleep(d)",
            Rule::BlockingSleep,
            unused,
        )
    }

    #[test]
    fn noqa_by_code_name_prefix_and_bare() {
        for comment in [
            "# noqa: AL201",
            "# noqa:blocking-sleep",
            "# NOQA: AL2",
            "# noqa",
            "#noqa: E501,AL201",
        ] {
            let source = format!("{PY_SLEEP}  {comment}\n");
            assert_eq!(python(&source, true), [], "{comment}");
        }
    }

    #[test]
    fn noqa_suppresses_the_same_without_unused_suppression_reports() {
        // Without AL001, comments are only read when a finding needs suppressing.
        for comment in ["# noqa: AL201", "# NoQa: blocking-sleep", "# noqa"] {
            let source = format!("{PY_SLEEP}  {comment}\n");
            assert_eq!(python(&source, false), [], "{comment}");
        }
        let unrelated = format!("{PY_SLEEP}  # noqa: E501\n");
        assert_eq!(python(&unrelated, false).len(), 1);
    }

    #[test]
    fn noqa_is_found_in_any_case_and_anywhere() {
        for text in ["noqa", "x  # NOQA", "# nOqA: AL201\n", "#noqa"] {
            assert!(contains_noqa(text.as_bytes()), "{text}");
        }
        for text in ["", "qa", "no qa", "# noq", "quota", "nonqa"] {
            assert!(!contains_noqa(text.as_bytes()), "{text}");
        }
    }

    #[test]
    fn noqa_for_another_rule_or_tool_does_not_suppress() {
        for comment in [
            "# noqa: AL202",
            "# noqa: E501",
            "# noqa: F811 - shadows time.sleep",
            "# not noqa",
        ] {
            let source = format!("{PY_SLEEP}  {comment}\n");
            assert_eq!(python(&source, false).len(), 1, "{comment}");
        }
    }

    #[test]
    fn noqa_inside_a_string_is_not_a_comment() {
        let source = "import time\nasync def f():\n    time.sleep(1); x = '# noqa'\n";
        assert_eq!(python(source, false).len(), 1);
    }

    #[test]
    fn noqa_on_another_line_does_not_suppress() {
        let source = format!("# noqa: AL201\n{PY_SLEEP}\n");
        let found = python(&source, true);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0], (Rule::UnusedSuppression, "AL201".to_string()));
    }

    #[test]
    fn unused_and_unknown_entries_are_reported_one_by_one() {
        let source = format!("{PY_SLEEP}  # noqa: AL201, AL202, blocking-slep because\n");
        assert_eq!(
            python(&source, true),
            [
                (Rule::UnusedSuppression, "AL202".to_string()),
                (Rule::UnusedSuppression, "blocking-slep".to_string()),
            ]
        );
        // Without AL001 nothing but the (suppressed) finding matters.
        assert_eq!(python(&source, false), []);
    }

    #[test]
    fn unused_bare_noqa_is_reported() {
        let source = "x = 1  # noqa\n";
        assert_eq!(
            python(source, true),
            [(Rule::UnusedSuppression, "# noqa".to_string())]
        );
    }

    #[test]
    fn a_disabled_rule_is_never_reported_unused() {
        let source = "x = 1  # noqa: AL201\n";
        let mut settings = Settings::default();
        settings.select(&[Rule::UnusedSuppression]);
        let found = apply(Language::Python, source, &settings, Vec::new);
        assert_eq!(found, []);
    }

    #[test]
    fn skip_file_in_the_header_skips_and_elsewhere_is_reported() {
        let header = format!("\"\"\"Doc.\"\"\"\n# asynclint: skip-file\n{PY_SLEEP}\n");
        assert_eq!(python(&header, true), []);
        let late = format!("{PY_SLEEP}\n# asynclint: skip-file\n");
        assert_eq!(
            python(&late, true),
            [
                (Rule::BlockingSleep, "time.sleep(1)".to_string()),
                (
                    Rule::UnusedSuppression,
                    "# asynclint: skip-file".to_string()
                ),
            ]
        );
        let unneeded = "# asynclint: skip-file\nx = 1\n";
        assert_eq!(
            python(unneeded, true),
            [(
                Rule::UnusedSuppression,
                "# asynclint: skip-file".to_string()
            )]
        );
        assert_eq!(python(unneeded, false), []);
    }

    #[test]
    fn malformed_asynclint_comment_is_reported() {
        let source = format!("{PY_SLEEP}  # asynclint: skipfile\n");
        let found = python(&source, true);
        assert_eq!(
            found[1],
            (Rule::UnusedSuppression, "# asynclint: skipfile".to_string())
        );
    }

    #[test]
    fn rust_allow_at_the_end_of_the_line_and_above() {
        let trailing = "async fn f() {\n    thread::sleep(d); // asynclint: allow(AL201)\n}\n";
        assert_eq!(rust(trailing, true), []);
        let above = "async fn f() {\n    // asynclint: allow(blocking-sleep, AL202)\n    thread::sleep(d);\n}\n";
        assert_eq!(
            rust(above, true),
            [(Rule::UnusedSuppression, "AL202".to_string())]
        );
        let stacked = "async fn f() {\n    // asynclint: allow(AL202)\n    // asynclint: allow(AL201)\n    thread::sleep(d);\n}\n";
        assert_eq!(
            rust(stacked, true),
            [(Rule::UnusedSuppression, "AL202".to_string())]
        );
    }

    #[test]
    fn rust_allow_two_lines_above_or_in_a_string_does_not_suppress() {
        let far = "async fn f() {\n    // asynclint: allow(AL201)\n\n    thread::sleep(d);\n}\n";
        assert_eq!(rust(far, false).len(), 1);
        let string =
            "async fn f() {\n    thread::sleep(d); let s = \"// asynclint: allow(AL201)\";\n}\n";
        assert_eq!(rust(string, false).len(), 1);
        let doc = "/// asynclint: allow(AL201)\nasync fn f() { thread::sleep(d); }\n";
        assert_eq!(rust(doc, false).len(), 1);
    }

    #[test]
    fn rust_malformed_allow_is_reported() {
        for comment in [
            "// asynclint: alow(AL201)",
            "// asynclint: allow()",
            "// asynclint: allow(AL201",
        ] {
            let source = format!("async fn f() {{\n    thread::sleep(d); {comment}\n}}\n");
            let found = rust(&source, true);
            assert_eq!(found.len(), 2, "{comment}: {found:?}");
            assert_eq!(found[1], (Rule::UnusedSuppression, comment.to_string()));
        }
    }

    #[test]
    fn rust_skip_file_after_inner_attributes() {
        let source =
            "#![allow(dead_code)]\n// asynclint: skip-file\nasync fn f() { thread::sleep(d); }\n";
        assert_eq!(rust(source, true), []);
    }
}
