//! What a value visibly is, from the expression that produced it: a spawned task's
//! `JoinHandle`, a future, a value of a known type.

use syn::visit::Visit;
use syn::Expr;

use super::checker::Checker;
use super::paths;

/// Free functions that start a task and return its `JoinHandle`.
const SPAWN_FUNCTIONS: &[&str] = &[
    "tokio::spawn",
    "tokio::task::spawn",
    "tokio::task::spawn_local",
    "async_std::task::spawn",
    "async_std::task::spawn_local",
];

/// Functions that run a closure on a blocking thread and return its `JoinHandle`.
const SPAWN_BLOCKING_FUNCTIONS: &[&str] = &[
    "tokio::task::spawn_blocking",
    "async_std::task::spawn_blocking",
];

/// The value a block expression evaluates to: `{ let db = db.clone(); spawn(..) }` →
/// `spawn(..)`.
pub fn block_value(expr: &Expr) -> &Expr {
    let mut expr = paths::peel(expr);
    while let Expr::Block(block) = expr {
        match block.block.stmts.last() {
            Some(syn::Stmt::Expr(tail, None)) => expr = paths::peel(tail),
            _ => break,
        }
    }
    expr
}

/// Builder types: their methods return the builder, so a chain keeps the type.
const BUILDER_TYPES: &[&str] = &[
    "Command",
    "OpenOptions",
    "Builder",
    "ClientBuilder",
    "DirBuilder",
];

/// Methods that return (a copy of) their receiver on any type.
const SELF_METHODS: &[&str] = &[
    "clone",
    "as_ref",
    "as_mut",
    "borrow",
    "borrow_mut",
    "by_ref",
];

/// Well-known functions that return a future (the future does nothing until polled).
const FUTURE_FUNCTIONS: &[&str] = &[
    "tokio::time::sleep",
    "tokio::time::sleep_until",
    "tokio::time::timeout",
    "tokio::time::timeout_at",
    "tokio::task::yield_now",
    "tokio::signal::ctrl_c",
    "tokio::net::lookup_host",
    "tokio::net::TcpStream::connect",
    "tokio::net::TcpListener::bind",
    "tokio::net::UdpSocket::bind",
    "tokio::net::UnixStream::connect",
    "tokio::io::copy",
    "futures::future::join_all",
    "futures::future::try_join_all",
    "futures::future::join",
    "futures::future::select",
    "async_std::task::sleep",
    "reqwest::get",
];

/// `tokio::fs::*`: every function there returns a future.
const FUTURE_MODULES: &[&str] = &["tokio::fs::"];

/// Free functions whose return type is known: `std::io::stdin()` is a `Stdin`.
const FUNCTION_RETURNS: &[(&str, &str)] = &[
    ("std::io::stdin", "std::io::Stdin"),
    ("std::io::stdout", "std::io::Stdout"),
    ("tokio::runtime::Handle::current", "tokio::runtime::Handle"),
];

/// Methods that turn a value of one type into a value of another.
const METHOD_RETURNS: &[(&str, &str, &str)] = &[
    ("std::process::Command", "spawn", "std::process::Child"),
    ("std::io::Stdin", "lock", "std::io::StdinLock"),
    (
        "tokio::runtime::Runtime",
        "handle",
        "tokio::runtime::Handle",
    ),
];

/// A call that spawns a task: the `JoinHandle` it returns and the future it runs.
pub struct Spawn<'e> {
    pub callee: String,
    /// The future (or, for `spawn_blocking`, the closure) handed over.
    pub task: Option<&'e Expr>,
    /// `spawn_blocking`: the task is a closure on a blocking thread.
    pub blocking: bool,
    /// Awaiting the handle gives a `Result` with the task's panic or cancellation
    /// (tokio); async-std's handle gives the output itself and propagates panics.
    pub join_result: bool,
}

/// Is `expr` a call that spawns a task and returns its `JoinHandle`? Method calls
/// count only on a runtime or handle (`rt.spawn(..)`); `JoinSet::spawn` keeps the
/// task in the set.
pub fn spawn<'e>(checker: &Checker, expr: &'e Expr) -> Option<Spawn<'e>> {
    match paths::peel(expr) {
        Expr::Call(call) => {
            let callee = checker.callee(call)?;
            let blocking = SPAWN_BLOCKING_FUNCTIONS.contains(&callee.as_str());
            (blocking || SPAWN_FUNCTIONS.contains(&callee.as_str())).then(|| Spawn {
                join_result: callee.starts_with("tokio::"),
                callee,
                task: call.args.first(),
                blocking,
            })
        }
        Expr::MethodCall(call) if call.method == "spawn" || call.method == "spawn_blocking" => {
            let ty = value_type(checker, &call.receiver)?;
            let on_runtime = matches!(
                ty.as_str(),
                "tokio::runtime::Runtime" | "tokio::runtime::Handle"
            );
            on_runtime.then(|| Spawn {
                callee: format!("{}::{}", paths::last_segment(&ty), call.method),
                task: call.args.first(),
                blocking: call.method == "spawn_blocking",
                join_result: true,
            })
        }
        _ => None,
    }
}

/// Is `callee` a free function that starts a task (not a blocking one)?
pub fn is_task_spawn(callee: &str) -> bool {
    SPAWN_FUNCTIONS.contains(&callee)
}

/// Is `expr` a spawn whose `JoinHandle`, awaited, reports the task's panic or
/// cancellation as an `Err` (tokio's, not async-std's or `spawn_blocking`'s)?
pub fn spawns_joinable(checker: &Checker, expr: &Expr) -> bool {
    spawn(checker, paths::peel_unwrap(expr))
        .is_some_and(|spawn| spawn.join_result && !spawn.blocking)
}

/// Is `expr` a call that starts per-item concurrent work when run in a loop: a
/// task spawn of any kind (`tokio::spawn`, `set.spawn(..)` on a `JoinSet`)?
pub fn starts_task(checker: &Checker, expr: &Expr) -> bool {
    match paths::peel(expr) {
        Expr::MethodCall(call) => call.method == "spawn" && call.args.len() == 1,
        Expr::Call(call) => checker
            .callee(call)
            .is_some_and(|callee| is_task_spawn(&callee)),
        other => spawn(checker, other).is_some_and(|spawn| !spawn.blocking),
    }
}

/// Does calling this produce a future that does nothing until awaited? Returns the
/// name to show in messages.
pub fn future_call(checker: &Checker, expr: &Expr) -> Option<String> {
    match paths::peel(expr) {
        Expr::Call(call) => {
            let callee = checker.callee(call)?;
            let known = FUTURE_FUNCTIONS.contains(&callee.as_str())
                || FUTURE_MODULES
                    .iter()
                    .any(|prefix| callee.starts_with(prefix));
            let crate_async = || {
                checker
                    .crate_function(&callee)
                    .is_some_and(|f| f.returns_future)
            };
            (known || crate_async()).then(|| checker.text(&call.func))
        }
        Expr::MethodCall(call) => checker
            .crate_method(call)
            .filter(|f| f.returns_future)
            .map(|_| format!("{}.{}", checker.text(&call.receiver), call.method)),
        _ => None,
    }
}

/// The type of the value an expression produces, when visible: a constructor
/// (`Command::new(..)` → `std::process::Command`), a known function, a local of known
/// type, and builder methods on those (`.arg(..)` keeps the type).
pub fn value_type(checker: &Checker, expr: &Expr) -> Option<String> {
    value_type_within(checker, expr, MAX_CHAIN)
}

/// How many builder methods `value_type` follows back to the constructor. Every
/// method call of a chain asks for its receiver's type, so without a bound a chain
/// of n calls costs n² steps; real builder chains are far shorter.
const MAX_CHAIN: usize = 64;

fn value_type_within(checker: &Checker, expr: &Expr, budget: usize) -> Option<String> {
    let budget = budget.checked_sub(1)?;
    match paths::peel_unwrap(expr) {
        Expr::Call(call) => {
            let callee = checker.callee(call)?;
            if let Some((_, ty)) = FUNCTION_RETURNS.iter().find(|(f, _)| *f == callee) {
                return Some(ty.to_string());
            }
            let (owner, _) = callee.rsplit_once("::")?;
            paths::is_type_name(paths::last_segment(owner)).then(|| owner.to_string())
        }
        Expr::MethodCall(call) => {
            let ty = value_type_within(checker, &call.receiver, budget)?;
            let transition = METHOD_RETURNS
                .iter()
                .find(|(from, method, _)| *from == ty && call.method == method);
            if let Some((_, _, to)) = transition {
                return Some(to.to_string());
            }
            let keeps_type = BUILDER_TYPES.contains(&paths::last_segment(&ty))
                || SELF_METHODS.iter().any(|m| call.method == m);
            keeps_type.then_some(ty)
        }
        Expr::Path(path) => match path.path.get_ident() {
            Some(name) if checker.scopes.local(&name.to_string()).is_some() => {
                checker.scopes.local(&name.to_string())?.ty.clone()
            }
            // A unit struct: `let mailer = Mailer;`.
            _ => checker
                .resolve(&path.path)
                .filter(|ty| paths::is_type_name(paths::last_segment(ty))),
        },
        Expr::Struct(literal) => checker.resolve(&literal.path),
        Expr::Reference(reference) => value_type_within(checker, &reference.expr, budget),
        _ => None,
    }
}

/// The types of a tuple-producing call: `std::sync::mpsc::channel()` → (Sender, Receiver).
pub fn tuple_types(checker: &Checker, expr: &Expr) -> Vec<Option<String>> {
    let Expr::Call(call) = paths::peel_unwrap(expr) else {
        return Vec::new();
    };
    match checker.callee(call).as_deref() {
        Some("std::sync::mpsc::channel" | "std::sync::mpsc::sync_channel") => vec![
            Some("std::sync::mpsc::Sender".to_string()),
            Some("std::sync::mpsc::Receiver".to_string()),
        ],
        _ => Vec::new(),
    }
}

/// Does the future an expression evaluates to produce a `Result`? An `async` block
/// that uses `?`, returns `Ok(..)`/`Err(..)` or ends awaiting a `Result`-returning
/// async fn of the crate; or a direct call to such a function.
pub fn produces_result(checker: &Checker, expr: &Expr) -> bool {
    let expr = strip_future_adapters(checker, expr);
    match expr {
        Expr::Async(block) => block_produces_result(checker, &block.block),
        Expr::Call(call) => checker
            .callee(call)
            .and_then(|callee| checker.crate_function(&callee))
            .is_some_and(|f| f.returns_future && f.returns_result),
        Expr::MethodCall(call) => checker
            .crate_method(call)
            .is_some_and(|f| f.returns_future && f.returns_result),
        _ => false,
    }
}

/// `fut.instrument(span)`, `fut.in_current_span()`, `fut.boxed()`, `Box::pin(fut)` → `fut`.
fn strip_future_adapters<'e>(checker: &Checker, expr: &'e Expr) -> &'e Expr {
    let mut expr = paths::peel(expr);
    loop {
        match expr {
            Expr::MethodCall(call)
                if matches!(
                    call.method.to_string().as_str(),
                    "instrument" | "in_current_span" | "boxed" | "boxed_local"
                ) =>
            {
                expr = paths::peel(&call.receiver)
            }
            Expr::Call(call)
                if call.args.len() == 1 && checker.callee(call).as_deref() == Some("Box::pin") =>
            {
                expr = paths::peel(&call.args[0])
            }
            _ => return expr,
        }
    }
}

fn block_produces_result(checker: &Checker, block: &syn::Block) -> bool {
    if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() {
        if paths::is_ok_or_err(tail) {
            return true;
        }
        if let Expr::Await(awaited) = paths::peel(tail) {
            if produces_result(checker, &awaited.base) {
                return true;
            }
        }
    }
    let mut finder = ResultFinder(false);
    for stmt in &block.stmts {
        finder.visit_stmt(stmt);
    }
    finder.0
}

/// Finds `?` or `return Ok/Err(..)` in a body, not looking into nested closures,
/// `async` blocks or items (their `?` belongs to them).
struct ResultFinder(bool);

impl<'ast> Visit<'ast> for ResultFinder {
    fn visit_expr_try(&mut self, expr: &'ast syn::ExprTry) {
        self.0 = true;
        syn::visit::visit_expr_try(self, expr);
    }
    fn visit_expr_return(&mut self, expr: &'ast syn::ExprReturn) {
        if expr.expr.as_deref().is_some_and(paths::is_ok_or_err) {
            self.0 = true;
        }
        syn::visit::visit_expr_return(self, expr);
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}
