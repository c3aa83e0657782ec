//! Macro bodies are token streams to syn. The macros async code is written with
//! (`tokio::select!`, `join!`, `vec!`, `format!`, `assert!`, ...) take Rust
//! expressions or statements, so they are parsed here and checked like other code.

use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, Stmt, Token};

/// What a macro invocation contains, as far as it could be parsed.
pub enum MacroBody {
    /// Expressions evaluated where the macro is (`join!(a, b)`, `format!(..)`).
    Exprs(Vec<Expr>),
    /// Statements run where the macro is.
    Stmts(Vec<Stmt>),
    /// Statements of a generator body that runs as async code (`async_stream::stream!`).
    AsyncStmts(Vec<Stmt>),
    /// Not Rust code we can read (templates, quasi-quotes, other syntax).
    Opaque,
}

/// Macros whose tokens are not code run at this point.
const OPAQUE: &[&str] = &[
    "quote",
    "quote_spanned",
    "parse_quote",
    "parse_quote_spanned",
    "macro_rules",
    "html",
    "view",
    "rsx",
    "include_str",
    "include_bytes",
    "concat",
    "stringify",
    "cfg",
    "env",
    "option_env",
];

/// Macro bodies nested deeper than this in other macro bodies are not parsed. Each
/// level parses again everything inside it, so the cost grows with the square of the
/// depth (`vec![vec![vec![..]]]`), and real code nests a handful.
pub const MAX_NESTING: usize = 16;

/// Macros whose futures are awaited by the macro itself.
pub const AWAITING: &[&str] = &["select", "select_biased", "join", "try_join", "pending"];

pub fn name(mac: &syn::Macro) -> String {
    mac.path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

pub fn parse(mac: &syn::Macro) -> MacroBody {
    let name = name(mac);
    if OPAQUE.contains(&name.as_str()) {
        return MacroBody::Opaque;
    }
    let tokens = mac.tokens.clone();
    match name.as_str() {
        "select" | "select_biased" => select_branches
            .parse2(tokens)
            .map_or(MacroBody::Opaque, MacroBody::Exprs),
        "stream" | "try_stream" => statements
            .parse2(tokens)
            .map_or(MacroBody::Opaque, MacroBody::AsyncStmts),
        _ => comma_separated
            .parse2(tokens.clone())
            .map(MacroBody::Exprs)
            .or_else(|_| {
                repeat_expression
                    .parse2(tokens.clone())
                    .map(MacroBody::Exprs)
            })
            .or_else(|_| statements.parse2(tokens).map(MacroBody::Stmts))
            .unwrap_or(MacroBody::Opaque),
    }
}

fn comma_separated(input: ParseStream) -> syn::Result<Vec<Expr>> {
    let exprs = syn::punctuated::Punctuated::<Expr, Token![,]>::parse_terminated(input)?;
    Ok(exprs.into_iter().collect())
}

/// `vec![value; count]`.
fn repeat_expression(input: ParseStream) -> syn::Result<Vec<Expr>> {
    let value: Expr = input.parse()?;
    input.parse::<Token![;]>()?;
    let count: Expr = input.parse()?;
    Ok(vec![value, count])
}

fn statements(input: ParseStream) -> syn::Result<Vec<Stmt>> {
    syn::Block::parse_within(input)
}

/// `tokio::select!` / `futures::select!`: `[biased;] pattern = future [, if cond] =>
/// handler, ... [else => handler]`. Returns the futures, conditions and handlers.
fn select_branches(input: ParseStream) -> syn::Result<Vec<Expr>> {
    let mut exprs = Vec::new();
    if input.peek(syn::Ident) && input.peek2(Token![;]) {
        input.parse::<syn::Ident>()?;
        input.parse::<Token![;]>()?;
    }
    while !input.is_empty() {
        // `else =>` (tokio), `default =>` / `complete =>` (futures).
        if input.peek(Token![else]) || (input.peek(syn::Ident::peek_any) && input.peek2(Token![=>]))
        {
            input.parse::<proc_macro2::TokenTree>()?;
        } else {
            syn::Pat::parse_multi_with_leading_vert(input)?;
            input.parse::<Token![=]>()?;
            exprs.push(Expr::parse_without_eager_brace(input)?);
            if input.peek(Token![,]) && input.peek2(Token![if]) {
                input.parse::<Token![,]>()?;
                input.parse::<Token![if]>()?;
                exprs.push(Expr::parse_without_eager_brace(input)?);
            }
        }
        input.parse::<Token![=>]>()?;
        exprs.push(handler(input)?);
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        }
    }
    Ok(exprs)
}

/// A branch handler: a block (no comma needed after it) or an expression.
fn handler(input: ParseStream) -> syn::Result<Expr> {
    if input.peek(syn::token::Brace) {
        let block: syn::Block = input.parse()?;
        return Ok(Expr::Block(syn::ExprBlock {
            attrs: Vec::new(),
            label: None,
            block,
        }));
    }
    input.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(source: &str) -> MacroBody {
        let mac: syn::Macro = syn::parse_str(source).unwrap();
        parse(&mac)
    }

    #[test]
    fn select_yields_futures_conditions_and_handlers() {
        let MacroBody::Exprs(exprs) = body(
            "tokio::select! { biased; Some(x) = rx.recv(), if open => { handle(x) }
             _ = sleep(d) => std::thread::sleep(d), else => break }",
        ) else {
            panic!("select! not parsed");
        };
        assert_eq!(exprs.len(), 6);
    }

    #[test]
    fn common_macros_parse() {
        assert!(matches!(body("vec![0u8; 10]"), MacroBody::Exprs(e) if e.len() == 2));
        assert!(matches!(body("format!(\"{x}\", x = 1)"), MacroBody::Exprs(e) if e.len() == 2));
        assert!(matches!(body("quote! { #x }"), MacroBody::Opaque));
        assert!(matches!(
            body("stream! { let x = f().await; yield x; }"),
            MacroBody::AsyncStmts(_)
        ));
    }
}
