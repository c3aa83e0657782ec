//! How deeply a file nests, measured on its tokens before syn parses them. syn's
//! parser recurses once per level and cannot grow its stack, and the checker's walk
//! and dropping the tree recurse too, so a file nested deeper than a worker thread's
//! stack can hold is reported (AL000) instead of parsed.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};

/// The deepest nesting asynclint parses. Measured in debug builds, whose frames are
/// the largest, the costliest construct per level (`&&&&T` types, nested `mod`s)
/// still fits the 512 MB worker stack with room to spare at this depth.
pub const MAX_NESTING: usize = 12_000;

/// The first token at which the file nests deeper than [`MAX_NESTING`], if any.
///
/// The depth at a token is an upper bound on how many syntax-tree levels enclose it:
/// for each enclosing group (`()`, `[]`, `{}`), the groups, punctuation and nesting
/// keywords before it in its element, plus those since the last `,` or `;` in the
/// innermost group. Each of them can add a level: `!!x`, `&&&T`, `Vec<Vec<T>>`,
/// `return return x`, `a + b + c` (a left-deep tree), `x.f().g()`, `else if`.
pub fn too_deep(tokens: &TokenStream) -> Option<Span> {
    // One entry per open group: the rest of its tokens and the depth state around it.
    let mut stack = vec![Level::new(tokens.clone(), 0)];
    while let Some(level) = stack.last_mut() {
        let Some(token) = level.tokens.next() else {
            stack.pop();
            continue;
        };
        level.step(&token);
        if level.depth() > MAX_NESTING {
            return Some(token.span());
        }
        if let TokenTree::Group(group) = &token {
            let inner = Level::new(group.stream(), level.depth());
            stack.push(inner);
        }
    }
    None
}

struct Level {
    tokens: proc_macro2::token_stream::IntoIter,
    /// The depth outside this group.
    base: usize,
    /// Tokens since the last separator in this group.
    run: usize,
    /// The previous token closed a `{}` group: a new item or statement starts here
    /// unless an operator, `.`, `?`, `else` or `as` continues the expression.
    after_block: bool,
}

impl Level {
    fn new(tokens: TokenStream, base: usize) -> Level {
        Level {
            tokens: tokens.into_iter(),
            base,
            run: 0,
            after_block: false,
        }
    }

    fn depth(&self) -> usize {
        self.base + self.run
    }

    fn step(&mut self, token: &TokenTree) {
        if self.after_block && !continues_expression(token) {
            self.run = 0;
        }
        self.after_block = false;
        match token {
            TokenTree::Punct(punct) => match punct.as_char() {
                ',' | ';' => self.run = 0,
                // Generic arguments cost syn's parser about twice the stack of other
                // levels (`Vec<Vec<Vec<u8>>>`).
                '<' => self.run += 2,
                _ => self.run += 1,
            },
            TokenTree::Group(group) => {
                self.run += 1;
                self.after_block = group.delimiter() == Delimiter::Brace;
            }
            TokenTree::Ident(word) if NESTING_WORDS.iter().any(|nesting| word == nesting) => {
                self.run += 1
            }
            TokenTree::Ident(_) | TokenTree::Literal(_) => {}
        }
    }
}

/// Keywords that start a nested expression or type without a group of their own
/// (`return return x`, `move || move || x`, `x as u8 as u16`, `else if`). Names
/// and the keywords followed by a block (`if`, `match`, `fn`, `mod`) add no level:
/// the block does.
const NESTING_WORDS: &[&str] = &[
    "as", "box", "break", "dyn", "else", "impl", "move", "return", "yield",
];

fn continues_expression(token: &TokenTree) -> bool {
    match token {
        // `#` starts the attribute of a new item or statement.
        TokenTree::Punct(punct) => punct.as_char() != '#',
        TokenTree::Ident(ident) => ident == "else" || ident == "as",
        TokenTree::Group(_) | TokenTree::Literal(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    /// The greatest depth of any token of `source`.
    fn depth_of(source: &str) -> usize {
        let tokens = TokenStream::from_str(source).unwrap();
        let mut stack = vec![Level::new(tokens, 0)];
        let mut deepest = 0;
        while let Some(level) = stack.last_mut() {
            let Some(token) = level.tokens.next() else {
                stack.pop();
                continue;
            };
            level.step(&token);
            deepest = deepest.max(level.depth());
            if let TokenTree::Group(group) = &token {
                let inner = Level::new(group.stream(), level.depth());
                stack.push(inner);
            }
        }
        deepest
    }

    #[test]
    fn groups_and_chains_add_up() {
        // `=`, then three groups each a level.
        assert_eq!(depth_of("x = (((1)))"), 4);
        assert_eq!(depth_of("!!!!x"), 4);
        assert_eq!(depth_of("a + b + c + d"), 3);
        assert_eq!(depth_of("return return return x"), 3);
        assert_eq!(depth_of("let x: Vec<Vec<u8>>;"), 7);
        // Two blocks and two `else`s enclose `x`.
        assert_eq!(depth_of("if a {} else if b {} else { x }"), 5);
    }

    #[test]
    fn separators_and_new_items_start_afresh() {
        let elements = vec!["1 + 1"; 50_000].join(", ");
        assert_eq!(depth_of(&format!("[{elements}]")), 2);
        let functions = "#[inline] fn f() -> u8 { 1 }\n".repeat(50_000);
        assert!(depth_of(&functions) < 10);
        // An operator after a block continues the expression: `{1} + {1} + ...`.
        let blocks = vec!["{1}"; 100].join(" + ");
        assert!(depth_of(&blocks) >= 100);
    }

    #[test]
    fn reports_the_token_past_the_limit() {
        let deep = format!(
            "fn f() {{ {}1{} }}",
            "(".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        );
        let tokens = TokenStream::from_str(&deep).unwrap();
        let span = too_deep(&tokens).expect("too deep");
        // `()` and `{}` are 2 levels: the first parenthesis is the third.
        assert_eq!(span.byte_range().start, "fn f() { ".len() + MAX_NESTING - 2);
        assert!(too_deep(&TokenStream::from_str("fn f() { ((1)) }").unwrap()).is_none());
    }
}
