//! The single AST walk. It keeps the semantic model in step with the tree (scopes are
//! pushed and popped here, nowhere else) and hands each node to the rules that care
//! about its kind. Rules never walk the tree on their own initiative except to look
//! inside the node they were given.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::rules;
use super::semantic::Semantic;
use crate::diagnostic::{Diagnostic, Fix};
use crate::registry::Rule;
use crate::settings::Settings;

pub struct Checker<'a> {
    pub semantic: Semantic<'a>,
    pub source: &'a str,
    pub settings: &'a Settings,
    diagnostics: Vec<Diagnostic>,
    /// Non-zero while visiting the arguments of `asyncio.to_thread(...)` or
    /// `loop.run_in_executor(...)`: what is built there runs off the loop.
    offloaded: usize,
    /// Enclosing `async with <semaphore>:` blocks.
    pub limiters: usize,
    /// Enclosing `for` loops of the current function, innermost last.
    pub loops: Vec<&'a ast::StmtFor>,
    /// The module's top-level statements, for fixes that add an import.
    pub module: &'a [Stmt],
}

impl<'a> Checker<'a> {
    pub fn new(semantic: Semantic<'a>, source: &'a str, settings: &'a Settings) -> Self {
        Checker {
            semantic,
            source,
            settings,
            diagnostics: Vec::new(),
            offloaded: 0,
            limiters: 0,
            loops: Vec::new(),
            module: &[],
        }
    }

    /// The source text of a node, for messages.
    pub fn text(&self, node: &impl Ranged) -> &'a str {
        &self.source[node.range()]
    }

    pub fn enabled(&self, rule: Rule) -> bool {
        self.settings.is_enabled(rule)
    }

    pub fn report(&mut self, rule: Rule, range: TextRange, message: String, help: String) {
        self.report_with_fix(rule, range, message, help, None);
    }

    /// Reports a finding with the rewrite that resolves it, where one is safe.
    pub fn report_with_fix(
        &mut self,
        rule: Rule,
        range: TextRange,
        message: String,
        help: String,
        fix: Option<Fix>,
    ) {
        if self.enabled(rule) {
            self.diagnostics.push(
                Diagnostic::new(rule, range.start().into(), range.end().into(), message)
                    .with_help(help)
                    .with_fix(fix),
            );
        }
    }

    /// A semaphore or limiter, by name (`sem`, `self._limit`) or by origin
    /// (`gate = asyncio.Semaphore(10)`).
    pub fn is_limiter(&self, expr: &Expr) -> bool {
        super::index::looks_like_limiter(expr)
            || self.semantic.origin(expr).is_some_and(|origin| {
                matches!(
                    origin.as_str(),
                    "asyncio.Semaphore"
                        | "asyncio.BoundedSemaphore"
                        | "anyio.Semaphore"
                        | "anyio.CapacityLimiter"
                )
            })
    }

    /// True inside the arguments of a call that ships work to a thread.
    pub fn in_offloaded_arguments(&self) -> bool {
        self.offloaded > 0
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    pub fn check_module(&mut self, body: &'a [Stmt]) {
        self.module = body;
        self.visit_body(body);
    }

    fn visit_function(&mut self, def: &'a ast::StmtFunctionDef) {
        // Decorators, defaults and annotations are evaluated in the enclosing scope.
        for decorator in &def.decorator_list {
            self.visit_decorator(decorator);
        }
        rules::deprecated_loop_api::coroutine_decorator(self, def);
        visitor::walk_parameters(self, &def.parameters);
        if let Some(returns) = &def.returns {
            self.visit_annotation(returns);
        }
        let loops = std::mem::take(&mut self.loops);
        let limiters = std::mem::take(&mut self.limiters);
        self.semantic.push_function(def);
        self.visit_body(&def.body);
        self.semantic.pop();
        self.loops = loops;
        self.limiters = limiters;
    }

    fn visit_class(&mut self, class: &'a ast::StmtClassDef) {
        for decorator in &class.decorator_list {
            self.visit_decorator(decorator);
        }
        if let Some(arguments) = &class.arguments {
            self.visit_arguments(arguments);
        }
        self.semantic.push_class(class);
        self.visit_body(&class.body);
        self.semantic.pop();
    }

    fn visit_with(&mut self, with: &'a ast::StmtWith) {
        rules::sync_lock_in_async::with_statement(self, with);
        let limited = with.is_async
            && with
                .items
                .iter()
                .any(|item| self.is_limiter(&item.context_expr));
        for item in &with.items {
            self.visit_with_item(item);
        }
        self.limiters += usize::from(limited);
        self.visit_body(&with.body);
        self.limiters -= usize::from(limited);
    }

    fn visit_call(&mut self, call: &'a ast::ExprCall) {
        let callee = self.semantic.qualified_name(&call.func);
        rules::check_call(self, call, callee.as_deref());
        self.visit_expr(&call.func);
        let offloads = callee.as_deref().is_some_and(is_offloading_call)
            || matches!(&*call.func, Expr::Attribute(attr) if attr.attr.as_str() == "run_in_executor");
        self.offloaded += usize::from(offloads);
        self.visit_arguments(&call.arguments);
        self.offloaded -= usize::from(offloads);
    }
}

/// Calls whose arguments are evaluated to be run in a worker thread.
fn is_offloading_call(callee: &str) -> bool {
    matches!(
        callee,
        "asyncio.to_thread" | "anyio.to_thread.run_sync" | "trio.to_thread.run_sync"
    )
}

impl<'a> Visitor<'a> for Checker<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        rules::check_stmt(self, stmt);
        match stmt {
            Stmt::FunctionDef(def) => self.visit_function(def),
            Stmt::ClassDef(class) => self.visit_class(class),
            Stmt::With(with) => self.visit_with(with),
            Stmt::For(stmt_for) => {
                self.visit_expr(&stmt_for.iter);
                self.visit_expr(&stmt_for.target);
                self.loops.push(stmt_for);
                self.visit_body(&stmt_for.body);
                self.loops.pop();
                self.visit_body(&stmt_for.orelse);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Call(call) => self.visit_call(call),
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    visitor::walk_parameters(self, parameters);
                }
                self.semantic.push_lambda(lambda);
                self.visit_expr(&lambda.body);
                self.semantic.pop();
            }
            Expr::YieldFrom(yield_from) => {
                rules::deprecated_loop_api::yield_from(self, yield_from);
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}
