//! Small AST questions shared by several rules.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};
use ruff_text_size::Ranged;

use super::checker::Checker;

/// Is `name` read anywhere in `body` (including nested functions, which may close
/// over it)?
pub fn name_is_read(body: &[Stmt], name: &str) -> bool {
    struct Finder<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.found {
                return;
            }
            if let Expr::Name(n) = expr {
                if n.ctx != ExprContext::Store && n.id.as_str() == self.name {
                    self.found = true;
                    return;
                }
            }
            visitor::walk_expr(self, expr);
        }
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if self.found {
                return;
            }
            match stmt {
                Stmt::Global(_) | Stmt::Nonlocal(_) => {
                    let names: Vec<&str> = match stmt {
                        Stmt::Global(g) => g.names.iter().map(|n| n.as_str()).collect(),
                        Stmt::Nonlocal(n) => n.names.iter().map(|n| n.as_str()).collect(),
                        _ => Vec::new(),
                    };
                    // A global or nonlocal name escapes the function.
                    self.found |= names.contains(&self.name);
                }
                _ => visitor::walk_stmt(self, stmt),
            }
        }
    }
    let mut finder = Finder { name, found: false };
    finder.visit_body(body);
    finder.found
}

/// `name = call(...)` inside a function, where `what(call)` says the call makes
/// something that must be used and `name` is never read again in that function.
/// Module and class attributes are skipped: they can be read from elsewhere.
pub fn unread_call_result<'a, T>(
    checker: &Checker<'a>,
    assign: &'a ast::StmtAssign,
    what: impl FnOnce(&ast::ExprCall) -> Option<T>,
) -> Option<(&'a ast::ExprName, &'a ast::ExprCall, T)> {
    let ([Expr::Name(target)], Expr::Call(call)) = (assign.targets.as_slice(), &*assign.value)
    else {
        return None;
    };
    let function = checker.semantic.current_function()?;
    // The cheap test first: the body walk only runs for the few calls that matter.
    let made = what(call)?;
    (!name_is_read(&function.body, target.id.as_str())).then_some((target, call, made))
}

/// Is this the literal `True`?
pub fn is_true_literal(expr: &Expr) -> bool {
    matches!(expr, Expr::BooleanLiteral(b) if b.value)
}

/// Is this the literal `False` or `0`?
pub fn is_false_or_zero(expr: &Expr) -> bool {
    match expr {
        Expr::BooleanLiteral(b) => !b.value,
        Expr::NumberLiteral(number) => match &number.value {
            ast::Number::Int(int) => int.as_u64() == Some(0),
            ast::Number::Float(value) => *value == 0.0,
            _ => false,
        },
        _ => false,
    }
}

/// A non-negative integer literal's value.
pub fn int_literal(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::NumberLiteral(number) => match &number.value {
            ast::Number::Int(int) => int.as_u64(),
            _ => None,
        },
        _ => None,
    }
}

/// The name of a function, for messages: `fetch` or `<module>`.
pub fn function_label(def: Option<&ast::StmtFunctionDef>) -> String {
    def.map_or_else(|| "<module>".to_string(), |def| format!("`{}`", def.name))
}

/// Where a fix can add `import NAME` as a line of its own: at the start of the first
/// top-level statement after the module docstring and `from __future__` imports (which
/// must stay first). `None` when that statement does not start its line.
pub fn import_insertion_point(module: &[Stmt], source: &str) -> Option<usize> {
    let is_docstring =
        |stmt: &Stmt| matches!(stmt, Stmt::Expr(expr) if expr.value.is_string_literal_expr());
    let is_future_import = |stmt: &Stmt| matches!(stmt, Stmt::ImportFrom(from) if from.module.as_ref().is_some_and(|m| m.as_str() == "__future__"));
    let mut statements = module.iter().peekable();
    statements.next_if(|stmt| is_docstring(stmt));
    let first = statements.find(|stmt| !is_future_import(stmt))?;
    let at: usize = first.start().into();
    let starts_line = at == 0 || source[..at].ends_with(['\n', '\r']);
    starts_line.then_some(at)
}
