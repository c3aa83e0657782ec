//! AL401 swallowed-cancellation: an `except` clause that catches `CancelledError` and
//! does not re-raise, or a `return`/`break`/`continue` in a `finally:` of a coroutine.
//! Either way the task keeps running after it was told to stop.

use std::collections::HashSet;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::python::checker::Checker;
use crate::python::index::dotted_name;
use crate::registry::Rule;

/// Exception classes whose handlers catch `asyncio.CancelledError`.
const CATCHES_CANCELLATION: &[&str] = &[
    "asyncio.CancelledError",
    "asyncio.exceptions.CancelledError",
    "concurrent.futures.CancelledError",
    "builtins.BaseException",
];

pub fn try_statement(checker: &mut Checker, stmt: &ast::StmtTry) {
    if !checker.semantic.in_async_function() {
        return;
    }
    for handler in &stmt.handlers {
        let ast::ExceptHandler::ExceptHandler(handler) = handler;
        check_handler(checker, stmt, handler);
    }
    for escape in finally_escapes(&stmt.finalbody) {
        let keyword = match escape {
            Stmt::Return(_) => "return",
            Stmt::Break(_) => "break",
            _ => "continue",
        };
        checker.report(
            Rule::SwallowedCancellation,
            escape.range(),
            format!("`{keyword}` inside `finally:` discards any exception in flight, including `asyncio.CancelledError`: the task keeps running after it was cancelled"),
            format!("move the `{keyword}` out of the `finally:` block, after the `try` statement"),
        );
    }
}

fn check_handler(
    checker: &mut Checker,
    stmt: &ast::StmtTry,
    handler: &ast::ExceptHandlerExceptHandler,
) {
    let Some(caught) = caught_cancellation(checker, handler.type_.as_deref()) else {
        return;
    };
    if always_raises(&handler.body)
        || reraises_when_cancelling(&handler.body)
        || hands_off_exception(handler)
        || awaits_cancelled_task(checker, stmt)
    {
        return;
    }
    let header_end = handler
        .type_
        .as_ref()
        .map_or(handler.start() + TextSize::from(6), |type_| type_.end());
    checker.report(
        Rule::SwallowedCancellation,
        TextRange::new(handler.start(), header_end),
        format!("this handler catches `{caught}` and does not re-raise it: the task goes on running after it was cancelled, breaking `TaskGroup`, `timeout()` and shutdown"),
        "re-raise after cleaning up (`raise`), or catch `Exception` instead, which does not include `CancelledError`".to_string(),
    );
}

/// What the handler catches that includes cancellation, as the user would name it.
fn caught_cancellation(checker: &Checker, type_: Option<&Expr>) -> Option<String> {
    let Some(type_) = type_ else {
        return Some("CancelledError` (bare `except:`".to_string());
    };
    match type_ {
        Expr::Tuple(tuple) => tuple
            .elts
            .iter()
            .find_map(|element| caught_cancellation(checker, Some(element))),
        _ => {
            let qualified = checker.semantic.qualified_name(type_)?;
            CATCHES_CANCELLATION
                .contains(&qualified.as_str())
                .then(|| checker.text(type_).to_string())
        }
    }
}

/// Python 3.11's idiom: `if task.cancelling(): raise` — the handler re-raises when
/// this task is being cancelled and swallows only a `CancelledError` that came from
/// the awaited future.
fn reraises_when_cancelling(body: &[Stmt]) -> bool {
    #[derive(Default)]
    struct Finder {
        checks_cancelling: bool,
        raises: bool,
    }
    impl<'a> Visitor<'a> for Finder {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                Stmt::Raise(_) => {
                    self.raises = true;
                    visitor::walk_stmt(self, stmt);
                }
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Attribute(attr) = expr {
                if matches!(attr.attr.as_str(), "cancelling" | "uncancel") {
                    self.checks_cancelling = true;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder::default();
    finder.visit_body(body);
    finder.checks_cancelling && finder.raises
}

/// `except CancelledError as exc: errors.append(exc)` (re-raised later),
/// `fut.set_exception(exc)`, `self._error = exc`: the exception is passed on, not lost.
fn hands_off_exception(handler: &ast::ExceptHandlerExceptHandler) -> bool {
    let Some(name) = &handler.name else {
        return false;
    };
    let is_caught = |expr: &Expr| matches!(expr, Expr::Name(n) if n.id.as_str() == name.as_str());
    handler.body.iter().any(|stmt| match stmt {
        Stmt::Expr(expr) => match &*expr.value {
            Expr::Call(call) => {
                let hands_off = matches!(
                    &*call.func,
                    Expr::Attribute(attr) if matches!(
                        attr.attr.as_str(),
                        "append" | "add" | "put" | "put_nowait" | "set_exception" | "send" | "throw"
                    )
                );
                hands_off && call.arguments.args.iter().any(is_caught)
            }
            _ => false,
        },
        Stmt::Assign(assign) => {
            is_caught(&assign.value)
                && assign
                    .targets
                    .iter()
                    .all(|target| matches!(target, Expr::Attribute(_) | Expr::Subscript(_)))
        }
        _ => false,
    })
}

/// Does every path through the block end in a `raise`?
fn always_raises(body: &[Stmt]) -> bool {
    for stmt in body {
        if stmt_always_raises(stmt) {
            return true;
        }
        if may_leave_block(stmt) {
            return false;
        }
    }
    false
}

fn stmt_always_raises(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Raise(_) => true,
        Stmt::If(stmt_if) => {
            let has_else = stmt_if
                .elif_else_clauses
                .last()
                .is_some_and(|clause| clause.test.is_none());
            has_else
                && always_raises(&stmt_if.body)
                && stmt_if
                    .elif_else_clauses
                    .iter()
                    .all(|clause| always_raises(&clause.body))
        }
        Stmt::With(with) => always_raises(&with.body),
        Stmt::Try(stmt_try) => {
            always_raises(&stmt_try.finalbody)
                || (always_raises(&stmt_try.body)
                    && stmt_try.handlers.iter().all(|handler| {
                        let ast::ExceptHandler::ExceptHandler(handler) = handler;
                        always_raises(&handler.body)
                    }))
        }
        _ => false,
    }
}

/// Can this statement leave the handler without raising (`return`, `break`, `continue`)?
fn may_leave_block(stmt: &Stmt) -> bool {
    !escapes(std::slice::from_ref(stmt), true).is_empty()
}

/// `return`/`break`/`continue` statements in a `finally:` body that leave it.
fn finally_escapes(body: &[Stmt]) -> Vec<&Stmt> {
    escapes(body, true)
}

/// Statements that leave `body`: every `return`, and `break`/`continue` that are not
/// inside a loop nested in `body`. Nested functions and classes are not entered.
fn escapes(body: &[Stmt], loop_exits_count: bool) -> Vec<&Stmt> {
    let mut found = Vec::new();
    for stmt in body {
        match stmt {
            Stmt::Return(_) => found.push(stmt),
            Stmt::Break(_) | Stmt::Continue(_) if loop_exits_count => found.push(stmt),
            Stmt::If(stmt_if) => {
                found.extend(escapes(&stmt_if.body, loop_exits_count));
                for clause in &stmt_if.elif_else_clauses {
                    found.extend(escapes(&clause.body, loop_exits_count));
                }
            }
            Stmt::With(with) => found.extend(escapes(&with.body, loop_exits_count)),
            Stmt::Try(stmt_try) => {
                found.extend(escapes(&stmt_try.body, loop_exits_count));
                for handler in &stmt_try.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    found.extend(escapes(&handler.body, loop_exits_count));
                }
                found.extend(escapes(&stmt_try.orelse, loop_exits_count));
                found.extend(escapes(&stmt_try.finalbody, loop_exits_count));
            }
            Stmt::For(stmt_for) => {
                found.extend(escapes(&stmt_for.body, false));
                found.extend(escapes(&stmt_for.orelse, loop_exits_count));
            }
            Stmt::While(stmt_while) => {
                found.extend(escapes(&stmt_while.body, false));
                found.extend(escapes(&stmt_while.orelse, loop_exits_count));
            }
            Stmt::Match(stmt_match) => {
                for case in &stmt_match.cases {
                    found.extend(escapes(&case.body, loop_exits_count));
                }
            }
            _ => {}
        }
    }
    found
}

/// The canceller's idiom: `task.cancel()` earlier in the function, then
/// `try: await task` — the `CancelledError` is the expected outcome.
fn awaits_cancelled_task(checker: &Checker, stmt: &ast::StmtTry) -> bool {
    let Some(function) = checker.semantic.current_function() else {
        return false;
    };
    let cancelled = cancelled_before(&function.body, stmt.end());
    if cancelled.is_empty() {
        return false;
    }
    let mut awaited = AwaitedNames::default();
    awaited.visit_body(&stmt.body);
    awaited.names.iter().any(|name| cancelled.contains(name))
}

/// Names (`task`, `self._task`, `tasks`) on which `.cancel()` is called before `until`;
/// for `for t in tasks: t.cancel()` the collection `tasks` counts as cancelled too.
fn cancelled_before(body: &[Stmt], until: TextSize) -> HashSet<String> {
    #[derive(Default)]
    struct Cancels {
        until: TextSize,
        names: HashSet<String>,
        loops: Vec<(String, String)>,
    }
    impl<'a> Visitor<'a> for Cancels {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if stmt.start() > self.until {
                return;
            }
            if let Stmt::For(stmt_for) = stmt {
                if let (Some(target), Some(iter)) =
                    (dotted_name(&stmt_for.target), dotted_name(&stmt_for.iter))
                {
                    self.loops.push((target, iter));
                    visitor::walk_stmt(self, stmt);
                    self.loops.pop();
                    return;
                }
            }
            visitor::walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                if let Expr::Attribute(attr) = &*call.func {
                    if attr.attr.as_str() == "cancel" {
                        if let Some(name) = dotted_name(&attr.value) {
                            for (target, iter) in &self.loops {
                                if *target == name {
                                    self.names.insert(iter.clone());
                                }
                            }
                            self.names.insert(name);
                        }
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut cancels = Cancels {
        until,
        ..Cancels::default()
    };
    cancels.visit_body(body);
    cancels.names
}

/// Dotted names appearing inside `await` expressions (`await task`,
/// `await asyncio.gather(*tasks)`, `await asyncio.wait_for(self._task, 1)`).
#[derive(Default)]
struct AwaitedNames {
    names: Vec<String>,
    in_await: usize,
}

impl<'a> Visitor<'a> for AwaitedNames {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Await(_) => {
                self.in_await += 1;
                visitor::walk_expr(self, expr);
                self.in_await -= 1;
            }
            Expr::Name(_) | Expr::Attribute(_) if self.in_await > 0 => {
                if let Some(name) = dotted_name(expr) {
                    self.names.push(name);
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}
