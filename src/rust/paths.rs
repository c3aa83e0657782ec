//! Small helpers for looking at expressions: peeling wrappers, walking method
//! chains, reading literals.

use syn::Expr;

/// Removes parentheses and invisible groups.
pub fn peel(mut expr: &Expr) -> &Expr {
    loop {
        match expr {
            Expr::Paren(inner) => expr = &inner.expr,
            Expr::Group(inner) => expr = &inner.expr,
            _ => return expr,
        }
    }
}

/// Removes what turns a `Result` or `Option` into its value: `?`, `.unwrap()`,
/// `.expect(..)` (and parentheses).
pub fn peel_unwrap(expr: &Expr) -> &Expr {
    let mut expr = peel(expr);
    loop {
        match expr {
            Expr::Try(inner) => expr = peel(&inner.expr),
            Expr::MethodCall(call) if call.method == "unwrap" || call.method == "expect" => {
                expr = peel(&call.receiver)
            }
            _ => return expr,
        }
    }
}

/// The innermost receiver of a method chain (through `?`, `.await`, fields and
/// parentheses): `Command::new("ls").arg("-l").output()` → `Command::new("ls")`.
pub fn chain_root(expr: &Expr) -> &Expr {
    let mut expr = peel(expr);
    loop {
        match expr {
            Expr::MethodCall(call) => expr = peel(&call.receiver),
            Expr::Try(inner) => expr = peel(&inner.expr),
            Expr::Await(inner) => expr = peel(&inner.base),
            _ => return expr,
        }
    }
}

/// The method calls of a chain from the root outward.
pub fn chain_methods(expr: &Expr) -> Vec<&syn::ExprMethodCall> {
    let mut methods = Vec::new();
    let mut expr = peel(expr);
    loop {
        match expr {
            Expr::MethodCall(call) => {
                methods.push(call);
                expr = peel(&call.receiver);
            }
            Expr::Try(inner) => expr = peel(&inner.expr),
            Expr::Await(inner) => expr = peel(&inner.base),
            _ => break,
        }
    }
    methods.reverse();
    methods
}

/// The name of a plain local variable expression: `handle`, `&mut handle`, `*guard`.
pub fn variable_name(expr: &Expr) -> Option<String> {
    match peel(expr) {
        Expr::Path(path) if path.qself.is_none() => path.path.get_ident().map(|i| i.to_string()),
        Expr::Reference(reference) => variable_name(&reference.expr),
        Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => variable_name(&unary.expr),
        _ => None,
    }
}

/// An integer literal's value.
pub fn integer(expr: &Expr) -> Option<u64> {
    match peel(expr) {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        }) => int.base10_parse().ok(),
        _ => None,
    }
}

/// The last identifier of a call's path: `tokio::spawn(..)` → `spawn`.
pub fn call_name(call: &syn::ExprCall) -> Option<String> {
    match peel(&call.func) {
        Expr::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The path of a call's callee, when it is a plain path.
pub fn call_path(call: &syn::ExprCall) -> Option<&syn::Path> {
    match peel(&call.func) {
        Expr::Path(path) if path.qself.is_none() => Some(&path.path),
        _ => None,
    }
}

/// `Ok(..)`, `Err(..)`, `Ok::<_, E>(..)`.
pub fn is_ok_or_err(expr: &Expr) -> bool {
    let Expr::Call(call) = peel(expr) else {
        return false;
    };
    matches!(call_name(call).as_deref(), Some("Ok" | "Err"))
}

/// The last segment of a canonical path string.
pub fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// Does a canonical path segment name a type (by Rust's naming convention)?
pub fn is_type_name(segment: &str) -> bool {
    segment.starts_with(|c: char| c.is_ascii_uppercase())
}
