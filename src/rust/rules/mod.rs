//! The Rust rules, one file each, and the dispatch from the checker's walk.

mod blocking_call;
mod blocking_sleep;
mod dangling_spawn;
mod discarded_join_result;
mod lock_across_await;
mod nested_runtime;
mod unawaited_future;
mod unbounded_join;

use syn::visit::Visit;
use syn::{Expr, Stmt};

use super::checker::Checker;
use super::scope::Local;
use super::values;

pub use unbounded_join::{describe_loop_variable, is_unbounded_collection, limits_itself};
pub use values::tuple_types;

pub fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    unawaited_future::check_stmt(checker, stmt);
    dangling_spawn::check_stmt(checker, stmt);
    discarded_join_result::check_stmt(checker, stmt);
    unbounded_join::check_stmt(checker, stmt);
}

pub fn check_block(checker: &mut Checker, stmts: &[Stmt]) {
    if checker.in_async() {
        lock_across_await::check_block(checker, stmts);
    }
}

/// Checks a call; returns true when the per-item work inside its arguments has
/// already been accounted for (AL301 reported on the call itself).
pub fn check_call(checker: &mut Checker, call: &syn::ExprCall) -> bool {
    unawaited_future::check_call(checker, call);
    if checker.in_async() {
        blocking_sleep::check_call(checker, call);
        blocking_call::check_call(checker, call);
        nested_runtime::check_call(checker, call);
    }
    unbounded_join::check_call(checker, call)
}

pub fn check_method_call(checker: &mut Checker, call: &syn::ExprMethodCall) {
    if checker.in_async() {
        blocking_call::check_method_call(checker, call);
        nested_runtime::check_method_call(checker, call);
    }
    unbounded_join::check_method_call(checker, call);
    discarded_join_result::check_method_call(checker, call);
}

/// Walks into a method call, marking per-item closures and concurrency limits.
pub fn visit_method_call(checker: &mut Checker, call: &syn::ExprMethodCall) {
    unbounded_join::visit_method_call(checker, call);
}

/// What the initializer of a `let` tells about the bound value.
pub fn describe_value(checker: &Checker, init: &Expr) -> Local {
    let init = values::block_value(init);
    let mut local = Local {
        ty: values::value_type(checker, init),
        join_handle: values::spawns_joinable(checker, init),
        ..Local::default()
    };
    unbounded_join::describe_collection(checker, init, &mut local);
    local
}

/// Does this code reach an `.await` (or a macro that awaits, like `select!`) when it
/// runs, not counting nested closures, `async` blocks and items?
pub fn contains_await(stmt: &Stmt) -> bool {
    let mut finder = AwaitFinder::default();
    finder.visit_stmt(stmt);
    finder.found
}

#[derive(Default)]
struct AwaitFinder {
    found: bool,
    /// How many macro bodies enclose the code being searched.
    macro_depth: usize,
}

impl<'ast> Visit<'ast> for AwaitFinder {
    fn visit_expr_await(&mut self, _: &'ast syn::ExprAwait) {
        self.found = true;
    }
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if super::macros::AWAITING.contains(&super::macros::name(mac).as_str()) {
            self.found = true;
            return;
        }
        if self.macro_depth >= super::macros::MAX_NESTING {
            return;
        }
        self.macro_depth += 1;
        match super::macros::parse(mac) {
            super::macros::MacroBody::Exprs(exprs) => {
                exprs.iter().for_each(|expr| self.visit_expr(expr))
            }
            super::macros::MacroBody::Stmts(stmts) => {
                stmts.iter().for_each(|stmt| self.visit_stmt(stmt))
            }
            _ => {}
        }
        self.macro_depth -= 1;
    }
    // A closure body runs later, for whoever calls it; an `async` block is a
    // separate future. Neither suspends the code around it.
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}
