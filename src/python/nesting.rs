//! How deeply a module nests, measured on its tokens. The checker walks the syntax
//! tree recursively, and dropping a tree recurses too, so a module nested deeper
//! than a worker thread's stack can hold is reported (AL000) instead of checked.
//! CPython itself rejects such modules long before this limit: it allows 200 nested
//! brackets, 100 indentation levels and a few thousand levels of expression.

use ruff_python_ast::token::{Token, TokenKind};
use ruff_python_parser::Parsed;
use ruff_text_size::{Ranged, TextRange};

/// The deepest nesting asynclint checks. Measured in debug builds, whose frames are
/// the largest, the costliest construct per level still fits the 512 MB worker stack
/// with room to spare at this depth.
pub const MAX_NESTING: usize = 12_000;

/// The first token at which the module nests deeper than [`MAX_NESTING`], if any.
///
/// The depth at a token is an upper bound on how many syntax-tree levels enclose it:
/// indentation levels, plus for each enclosing bracket the operators and keywords
/// before it in its element, plus the operators and keywords since the last `,`,
/// `;` or end of statement. Operators and keywords count because each one can add a
/// level without a bracket: `not not x`, `a + b + c` (a left-deep tree), `x.a.b`,
/// `lambda: lambda: x`, `a if b else c if d else e`.
pub fn too_deep(tokens: &[Token]) -> Option<TextRange> {
    // A token adds at most one level (see [`Depth::step`]): a module of fewer tokens
    // than the limit cannot nest past it.
    if tokens.len() <= MAX_NESTING {
        return None;
    }
    let mut depth = Depth::default();
    for token in tokens {
        if depth.step(token.kind()) > MAX_NESTING {
            return Some(token.range());
        }
    }
    None
}

/// Drops a parse result, or leaks it when its tree nests too deep for dropping,
/// which recurses, to be safe. Only a pathological file is ever leaked.
pub fn dispose<T>(parsed: Parsed<T>) {
    if too_deep(parsed.tokens()).is_some() {
        std::mem::forget(parsed);
    }
}

#[derive(Default)]
struct Depth {
    indent: usize,
    /// The levels outside the innermost open bracket.
    base: usize,
    /// Operators and keywords since the last separator, inside the innermost bracket.
    run: usize,
    /// `(base, run)` of each enclosing bracket, restored when it closes.
    open: Vec<(usize, usize)>,
}

impl Depth {
    /// Takes one token into account and returns the depth at it, at most one more
    /// than at the token before: a bracket moves the run into the base and adds one,
    /// an indent or an operator adds one.
    fn step(&mut self, kind: TokenKind) -> usize {
        match kind {
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => {
                // The bracket itself is a level (a call or subscript on the left of it).
                self.run += 1;
                self.open.push((self.base, self.run));
                self.base += self.run;
                self.run = 0;
            }
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                if let Some((base, run)) = self.open.pop() {
                    self.base = base;
                    self.run = run;
                }
            }
            TokenKind::Comma | TokenKind::Semi | TokenKind::Newline => self.run = 0,
            TokenKind::Indent => self.indent += 1,
            TokenKind::Dedent => self.indent = self.indent.saturating_sub(1),
            kind if is_leaf(kind) => {}
            _ => self.run += 1,
        }
        self.indent + self.base + self.run
    }
}

/// Tokens that never open a level of their own: names, literals, string pieces,
/// trivia, and the operators of flat nodes (`a < b < c`, `a and b and c` and
/// `a = b = c` are one node each, however long).
fn is_leaf(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Less
            | TokenKind::Greater
            | TokenKind::LessEqual
            | TokenKind::GreaterEqual
            | TokenKind::EqEqual
            | TokenKind::NotEqual
            | TokenKind::In
            | TokenKind::Is
            | TokenKind::And
            | TokenKind::Or
            | TokenKind::Equal
            | TokenKind::Colon
            | TokenKind::Name
            | TokenKind::Int
            | TokenKind::Float
            | TokenKind::Complex
            | TokenKind::String
            | TokenKind::FStringStart
            | TokenKind::FStringMiddle
            | TokenKind::FStringEnd
            | TokenKind::TStringStart
            | TokenKind::TStringMiddle
            | TokenKind::TStringEnd
            | TokenKind::Comment
            | TokenKind::NonLogicalNewline
            | TokenKind::EndOfFile
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_of(source: &str) -> usize {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let mut depth = Depth::default();
        parsed
            .tokens()
            .iter()
            .map(|token| depth.step(token.kind()))
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn brackets_indentation_and_operator_chains_add_up() {
        assert_eq!(depth_of("x\n"), 0);
        assert_eq!(depth_of("x = ((((1))))\n"), 4);
        assert_eq!(depth_of("x = 1 + 1 + 1 + 1\n"), 3);
        assert_eq!(depth_of("x = not not not y\n"), 3);
        assert_eq!(depth_of("x = y.a.b.c\n"), 3);
        assert_eq!(depth_of("if a:\n    if b:\n        x = 1\n"), 2);
    }

    #[test]
    fn separators_end_a_chain() {
        // A long flat list is not deep: each element starts afresh.
        let elements = vec!["1 + 1"; 50_000].join(", ");
        assert_eq!(depth_of(&format!("x = [{elements}]\n")), 2);
        assert_eq!(depth_of("x = 1 + 1\ny = 1 + 1\n"), 1);
        // Comparisons, `and` / `or` and chained assignments are flat nodes.
        let comparisons = vec!["a"; 50_000].join(" < ");
        assert_eq!(depth_of(&format!("x = {comparisons}\n")), 0);
        let conditions = vec!["a"; 50_000].join(" and ");
        assert_eq!(depth_of(&format!("x = y = {conditions}\n")), 0);
    }

    #[test]
    fn a_token_adds_at_most_one_level() {
        // What lets a module of fewer tokens than the limit skip the count.
        let sources = [
            "x = ((((1))))\n",
            "def f():\n    if a:\n        return [{(not not x.a.b)}]\n",
            "y = lambda: lambda: a if b else c if d else -e ** f\n",
            "class C:\n    z = f(g(h[i]))(j)[k]\n",
        ];
        for source in sources {
            let parsed = ruff_python_parser::parse_module(source).unwrap();
            let mut depth = Depth::default();
            let mut before = 0;
            for token in parsed.tokens().iter() {
                let now = depth.step(token.kind());
                assert!(now <= before + 1, "{source:?} at {token:?}");
                before = now;
            }
        }
    }

    #[test]
    fn reports_the_first_token_past_the_limit() {
        let source = format!(
            "x = {}1{}\n",
            "(".repeat(MAX_NESTING + 5),
            ")".repeat(MAX_NESTING + 5)
        );
        let parsed = ruff_python_parser::parse_module(&source).unwrap();
        let range = too_deep(parsed.tokens()).expect("too deep");
        // The first `MAX_NESTING` brackets fit; the next one does not.
        assert_eq!(usize::from(range.start()), 4 + MAX_NESTING);
        assert!(too_deep(
            ruff_python_parser::parse_module("x = ((1))\n")
                .unwrap()
                .tokens()
        )
        .is_none());
    }
}
