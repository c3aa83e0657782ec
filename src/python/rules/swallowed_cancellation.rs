//! AL401 swallowed-cancellation: an `except` clause that catches `CancelledError` and
//! does not re-raise, or a `return`/`break`/`continue` in a `finally:` of a coroutine.
//! Either way the task keeps running after it was told to stop.

use rustc_hash::FxHashSet as HashSet;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::python::checker::Checker;
use crate::python::index::{dotted_name, top_level_statements};
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
    // Only an `await` (or `async with` / `async for`) in the `try` body can deliver
    // this task's cancellation; a `CancelledError` from `fut.result()` is data. Code
    // written for trio only never sees `asyncio.CancelledError`.
    if suspends(&stmt.body) && !checker.semantic.is_trio_only_module() {
        for handler in &stmt.handlers {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            if check_handler(checker, stmt, handler) {
                // Later clauses never see the cancellation this one caught.
                break;
            }
        }
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

/// Reports the handler if it swallows cancellation; returns whether it catches it.
fn check_handler(
    checker: &mut Checker,
    stmt: &ast::StmtTry,
    handler: &ast::ExceptHandlerExceptHandler,
) -> bool {
    let Some(caught) = caught_cancellation(checker, handler.type_.as_deref()) else {
        return false;
    };
    if always_raises(checker, &handler.body)
        || reraises_conditionally(&handler.body)
        || hands_off_exception(checker, handler)
        || awaits_cancelled_task(checker, stmt)
    {
        return true;
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
    true
}

/// Can this block suspend (and so receive a cancellation)?
fn suspends(body: &[Stmt]) -> bool {
    #[derive(Default)]
    struct Finder {
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                Stmt::With(with) if with.is_async => self.found = true,
                Stmt::For(stmt_for) if stmt_for.is_async => self.found = true,
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Await(_) => self.found = true,
                Expr::Lambda(_) => {}
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut finder = Finder::default();
    finder.visit_body(body);
    finder.found
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

/// A re-raise guarded by a test of what was caught or of the task's state:
/// `if task.cancelling(): raise` (3.11), `if not isinstance(exc, Exception): raise`,
/// `if not cm.__exit__(type(e), e, tb): raise`. The handler swallows only a
/// `CancelledError` that is not this task's own cancellation.
fn reraises_conditionally(body: &[Stmt]) -> bool {
    #[derive(Default)]
    struct Finder {
        inspects: bool,
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
            let inspected = match expr {
                Expr::Attribute(attr) => matches!(
                    attr.attr.as_str(),
                    "cancelling" | "uncancel" | "cancelled" | "__exit__" | "__aexit__"
                ),
                Expr::Name(name) => matches!(name.id.as_str(), "isinstance" | "CancelledError"),
                _ => false,
            };
            self.inspects |= inspected;
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder::default();
    finder.visit_body(body);
    finder.inspects && finder.raises
}

/// `except CancelledError as exc: errors.append(exc)` (re-raised later),
/// `fut.set_exception(exc)`, `self._error = exc`, `exc_val = exc`, or a helper of the
/// project that raises, called with the exception: it is passed on, not lost.
fn hands_off_exception(checker: &Checker, handler: &ast::ExceptHandlerExceptHandler) -> bool {
    struct Finder<'c, 'a> {
        checker: &'c Checker<'a>,
        caught: &'c str,
        found: bool,
    }
    impl<'s> Visitor<'s> for Finder<'_, '_> {
        fn visit_stmt(&mut self, stmt: &'s Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                Stmt::Assign(assign) if self.is_caught(&assign.value) => {
                    self.found |= assign.targets.iter().all(|target| match target {
                        // `exc_val = exc` counts only if `raise exc_val` follows.
                        Expr::Name(name) => self.function_raises(name.id.as_str()),
                        _ => true,
                    });
                }
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'s Expr) {
            if let Expr::Call(call) = expr {
                if call.arguments.args.iter().any(|arg| self.is_caught(arg))
                    && self.passes_on(&call.func)
                {
                    self.found = true;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    impl Finder<'_, '_> {
        fn function_raises(&self, name: &str) -> bool {
            self.checker
                .semantic
                .current_function()
                .is_some_and(|function| {
                    top_level_statements(&function.body).any(|stmt| match stmt {
                    Stmt::Raise(raise) => {
                        matches!(raise.exc.as_deref(), Some(Expr::Name(n)) if n.id.as_str() == name)
                    }
                    _ => false,
                })
                })
        }
        fn is_caught(&self, expr: &Expr) -> bool {
            matches!(expr, Expr::Name(n) if n.id.as_str() == self.caught)
        }
        fn passes_on(&self, callee: &Expr) -> bool {
            let collects = matches!(
                callee,
                Expr::Attribute(attr) if matches!(
                    attr.attr.as_str(),
                    "append" | "add" | "put" | "put_nowait" | "set_exception" | "send" | "throw"
                )
            );
            // A helper of the project that contains a `raise` may re-raise it.
            collects
                || self
                    .checker
                    .semantic
                    .function(callee)
                    .is_some_and(|function| function.raises)
        }
    }
    let Some(name) = &handler.name else {
        return false;
    };
    let mut finder = Finder {
        checker,
        caught: name.as_str(),
        found: false,
    };
    finder.visit_body(&handler.body);
    finder.found
}

/// Does every path through the block end in a `raise`?
fn always_raises(checker: &Checker, body: &[Stmt]) -> bool {
    for stmt in body {
        if stmt_always_raises(checker, stmt) {
            return true;
        }
        if may_leave_block(stmt) {
            return false;
        }
    }
    false
}

fn stmt_always_raises(checker: &Checker, stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Raise(_) => true,
        // `self._convert_error(exc)` where the helper is declared `-> NoReturn`.
        Stmt::Expr(expr) => match &*expr.value {
            Expr::Call(call) => checker.semantic.never_returns(&call.func),
            _ => false,
        },
        Stmt::If(stmt_if) => {
            let has_else = stmt_if
                .elif_else_clauses
                .last()
                .is_some_and(|clause| clause.test.is_none());
            has_else
                && always_raises(checker, &stmt_if.body)
                && stmt_if
                    .elif_else_clauses
                    .iter()
                    .all(|clause| always_raises(checker, &clause.body))
        }
        Stmt::With(with) => always_raises(checker, &with.body),
        Stmt::Try(stmt_try) => {
            always_raises(checker, &stmt_try.finalbody)
                || (always_raises(checker, &stmt_try.body)
                    && stmt_try.handlers.iter().all(|handler| {
                        let ast::ExceptHandler::ExceptHandler(handler) = handler;
                        always_raises(checker, &handler.body)
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

/// The canceller's idiom: `task.cancel()` earlier in the function (or, for
/// `self._task`, anywhere in the class), then a short `try: await task` — the
/// `CancelledError` is the expected outcome. A long `try` body that merely contains
/// such an await also suspends elsewhere, so it does not qualify.
fn awaits_cancelled_task(checker: &Checker, stmt: &ast::StmtTry) -> bool {
    const SHORT_TRY_BODY: usize = 3;
    if stmt.body.len() > SHORT_TRY_BODY {
        return false;
    }
    let Some(function) = checker.semantic.current_function() else {
        return false;
    };
    let in_function = cancelled_before(&function.body, stmt.end());
    let mut cancelled: HashSet<String> = in_function
        .direct
        .into_iter()
        .chain(in_function.collections)
        .collect();
    // A single task attribute cancelled by another method (`stop()` cancels
    // `self._reader`, `close()` awaits it). Collections are not taken class-wide: a
    // method that gathers `self.jobs` without cancelling them must still re-raise.
    if let Some(class) = checker.semantic.enclosing_class() {
        let in_class = cancelled_before(&class.body, class.end());
        cancelled.extend(
            in_class
                .direct
                .into_iter()
                .filter(|name| name.starts_with("self.")),
        );
    }
    if cancelled.is_empty() {
        return false;
    }
    // Only simple statements directly in the `try` body: an await buried in a loop
    // is one of many suspension points, not "wait for the task I cancelled".
    let mut awaited = AwaitedNames::default();
    for statement in &stmt.body {
        if matches!(
            statement,
            Stmt::Expr(_) | Stmt::Assign(_) | Stmt::AnnAssign(_) | Stmt::Return(_)
        ) {
            awaited.visit_stmt(statement);
        }
    }
    awaited.names.iter().any(|name| cancelled.contains(name))
}

/// What `.cancel()` was called on before a point of the code.
#[derive(Default)]
struct Cancelled {
    /// `task.cancel()`, `self._task.cancel()`.
    direct: HashSet<String>,
    /// `for t in tasks: t.cancel()` → `tasks` (also `self._jobs` for
    /// `for t in self._jobs.values()`).
    collections: HashSet<String>,
}

/// Collects the names on which `.cancel()` is called before `until`.
fn cancelled_before(body: &[Stmt], until: TextSize) -> Cancelled {
    #[derive(Default)]
    struct Cancels {
        until: TextSize,
        found: Cancelled,
        loops: Vec<(String, String)>,
    }
    impl<'a> Visitor<'a> for Cancels {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if stmt.start() > self.until {
                return;
            }
            if let Stmt::For(stmt_for) = stmt {
                if let (Some(target), Some(iter)) = (
                    dotted_name(&stmt_for.target),
                    collection_name(&stmt_for.iter),
                ) {
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
                                    self.found.collections.insert(iter.clone());
                                }
                            }
                            self.found.direct.insert(name);
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
    cancels.found
}

/// `tasks`, `self._jobs` for `self._jobs.values()`, `list(tasks)`.
fn collection_name(iterable: &Expr) -> Option<String> {
    match iterable {
        Expr::Call(call) => match &*call.func {
            Expr::Attribute(attr) if matches!(attr.attr.as_str(), "values" | "copy" | "keys") => {
                dotted_name(&attr.value)
            }
            Expr::Name(name) if matches!(name.id.as_str(), "list" | "tuple" | "set") => {
                collection_name(call.arguments.args.first()?)
            }
            _ => None,
        },
        other => dotted_name(other),
    }
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
