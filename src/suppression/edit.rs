//! Writing suppressions: the edit behind an editor's "Ignore AL201 on this line". It
//! adds the rule to the suppression comment already on the line when there is one
//! (`# noqa: E501` → `# noqa: E501, AL201`), and otherwise writes a new comment; every
//! edit is checked by scanning the edited text the way [`super::apply`] does.

use crate::diagnostic::{Edit, Fix};
use crate::discover::Language;
use crate::registry::Rule;
use crate::source::LineIndex;

use super::{classify, comments, list_tokens, strip_noqa, Directives, Scope, Token};

/// The fix that suppresses `rule` for a finding starting at byte `at`, or `None` when
/// no comment can do it: AL000 and AL001 are never suppressed, and a line that ends
/// inside a string or with a `\` continuation cannot take a trailing comment.
pub fn ignore_fix(language: Language, source: &str, at: usize, rule: Rule) -> Option<Fix> {
    if matches!(rule, Rule::SyntaxError | Rule::UnusedSuppression) {
        return None;
    }
    let lines = LineIndex::new(source);
    let line = lines.line_of(at);
    let extended = extend_existing(language, source, &lines, line, rule).map(|edit| (edit, line));
    let mut candidates = extended
        .into_iter()
        .chain(new_comments(language, source, &lines, line, rule));
    let (edit, _) = candidates.find(|(edit, target)| {
        let edited = Fix::new("", vec![edit.clone()]).apply(source);
        suppresses(language, &edited, *target, rule)
    })?;
    Some(Fix::new(
        format!("Ignore {} on this line", rule.code()),
        vec![edit],
    ))
}

/// Appends `, CODE` to the rule list of a suppression comment that applies to `line`.
fn extend_existing(
    language: Language,
    source: &str,
    lines: &LineIndex,
    line: usize,
    rule: Rule,
) -> Option<Edit> {
    let directives = Directives::scan(language, source, lines);
    let listed = directives
        .lines
        .iter()
        .filter(|suppression| suppression.line == line)
        .find_map(|suppression| match &suppression.scope {
            Scope::Rules(entries) => entries.last().map(|entry| entry.range.end),
            Scope::EveryRule { .. } => None,
        });
    let end = match (listed, language) {
        (Some(end), _) => end,
        (None, Language::Python) => foreign_noqa_list_end(source, lines, line)?,
        (None, Language::Rust) => return None,
    };
    Some(Edit::insert(end, format!(", {}", rule.code())))
}

/// The end of the code list of a `# noqa: E501` on `line` that names only other
/// tools' codes (not a directive of ours, so [`Directives`] does not hold it).
fn foreign_noqa_list_end(source: &str, lines: &LineIndex, line: usize) -> Option<usize> {
    let comment = comments::python(source)
        .ranges
        .into_iter()
        .find(|range| lines.line_of(range.start) == line)?;
    let text = &source[comment.clone()];
    text.match_indices('#').find_map(|(hash, _)| {
        let body = text[hash + 1..].trim_start();
        let list = strip_noqa(body)?.strip_prefix(':')?;
        let list_at = comment.start + text.len() - list.len();
        let codes_end = code_list_end(list);
        (codes_end > 0).then_some(list_at + codes_end)
    })
}

/// Where the leading list of codes of a noqa comment ends (`E501, W291` in
/// `: E501, W291 long line`), read the way [`super::noqa_scope`] reads it; 0 if none.
fn code_list_end(list: &str) -> usize {
    list_tokens(list)
        .take_while(|(_, token, after_comma)| match classify(token) {
            Token::Ours | Token::Foreign => true,
            Token::Name => *after_comma,
            Token::Other => false,
        })
        .last()
        .map_or(0, |(at, token, _)| at + token.len())
}

/// New comments that would suppress `rule` on `line`, best first, each with the line
/// the finding is on once it is applied. Rust: a `// asynclint: allow(..)` line above,
/// indented like the code, else one at the end of the line. Python: `# noqa: ..` at
/// the end of the line.
fn new_comments(
    language: Language,
    source: &str,
    lines: &LineIndex,
    line: usize,
    rule: Rule,
) -> Vec<(Edit, usize)> {
    let line_text = lines.line_text(source, line);
    let line_end = lines.line_start(line) + line_text.len();
    if line_text.trim_end().ends_with('\\') {
        return Vec::new();
    }
    let code = rule.code();
    match language {
        Language::Python => vec![(Edit::insert(line_end, format!("  # noqa: {code}")), line)],
        Language::Rust => {
            let indent = &line_text[..line_text.len() - line_text.trim_start().len()];
            let newline = if source.contains("\r\n") {
                "\r\n"
            } else {
                "\n"
            };
            vec![
                (
                    Edit::insert(
                        lines.line_start(line),
                        format!("{indent}// asynclint: allow({code}){newline}"),
                    ),
                    line + 1,
                ),
                (
                    Edit::insert(line_end, format!(" // asynclint: allow({code})")),
                    line,
                ),
            ]
        }
    }
}

/// Does a suppression comment of `source` cover `rule` on `line`?
fn suppresses(language: Language, source: &str, line: usize, rule: Rule) -> bool {
    let lines = LineIndex::new(source);
    let directives = Directives::scan(language, source, &lines);
    let covers = |scope: &Scope| match scope {
        Scope::EveryRule { .. } => true,
        Scope::Rules(entries) => entries.iter().any(|entry| {
            entry
                .selector
                .as_ref()
                .is_some_and(|selector| selector.matches(rule))
        }),
    };
    directives
        .lines
        .iter()
        .any(|suppression| suppression.line == line && covers(&suppression.scope))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The source after "Ignore `rule`" for the finding at the first `needle`.
    fn ignored(language: Language, source: &str, needle: &str, rule: Rule) -> Option<String> {
        let at = source.find(needle).expect("needle in source");
        ignore_fix(language, source, at, rule).map(|fix| fix.apply(source))
    }

    #[test]
    fn python_gets_a_new_noqa_at_the_end_of_the_line() {
        let source = "async def f():\n    time.sleep(1)  # why not\n    x = 1\n";
        assert_eq!(
            ignored(Language::Python, source, "time", Rule::BlockingSleep).unwrap(),
            "async def f():\n    time.sleep(1)  # why not  # noqa: AL201\n    x = 1\n"
        );
    }

    #[test]
    fn python_extends_an_existing_noqa_list_even_of_other_tools() {
        let ours = "x = time.sleep(1)  # noqa: AL202 -- reason\n";
        assert_eq!(
            ignored(Language::Python, ours, "time", Rule::BlockingSleep).unwrap(),
            "x = time.sleep(1)  # noqa: AL202, AL201 -- reason\n"
        );
        let foreign = "x = time.sleep(1)  # noqa: E501,W291 long line\n";
        assert_eq!(
            ignored(Language::Python, foreign, "time", Rule::BlockingSleep).unwrap(),
            "x = time.sleep(1)  # noqa: E501,W291, AL201 long line\n"
        );
    }

    #[test]
    fn python_lines_that_cannot_take_a_comment_get_none() {
        let continued = "x = time.sleep(1) + \\\n    2\n";
        assert_eq!(
            ignored(Language::Python, continued, "time", Rule::BlockingSleep),
            None
        );
        let in_string = "x = f(time.sleep(1), '''\nmore''')\n";
        assert_eq!(
            ignored(Language::Python, in_string, "time", Rule::BlockingSleep),
            None
        );
        assert_eq!(
            ignored(Language::Python, "x = (\n", "x", Rule::SyntaxError),
            None
        );
    }

    #[test]
    fn rust_gets_an_allow_line_above_or_an_extended_list() {
        let source = "async fn f() {\n    std::thread::sleep(d);\n}\n";
        assert_eq!(
            ignored(Language::Rust, source, "std", Rule::BlockingSleep).unwrap(),
            "async fn f() {\n    // asynclint: allow(AL201)\n    std::thread::sleep(d);\n}\n"
        );
        let listed =
            "async fn f() {\n    // asynclint: allow(AL202)\n    std::thread::sleep(d);\n}\n";
        assert_eq!(
            ignored(Language::Rust, listed, "std", Rule::BlockingSleep).unwrap(),
            "async fn f() {\n    // asynclint: allow(AL202, AL201)\n    std::thread::sleep(d);\n}\n"
        );
    }

    #[test]
    fn rust_line_starting_inside_a_string_gets_a_trailing_comment() {
        let source = "async fn f() {\n    let s = \"a\nb\"; std::thread::sleep(d);\n}\n";
        assert_eq!(
            ignored(Language::Rust, source, "std", Rule::BlockingSleep).unwrap(),
            "async fn f() {\n    let s = \"a\nb\"; std::thread::sleep(d); // asynclint: allow(AL201)\n}\n"
        );
    }
}
