//! AL301 unbounded-gather (Rust): one future or task per item of a collection, all
//! started at once: `join_all(xs.iter().map(f))`, a `FuturesUnordered` filled from a
//! collection, or a `tokio::spawn` per item in a loop, with no `Semaphore` permit in
//! the per-item future and no `buffer_unordered(n)` / `buffered(n)`.

use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Stmt};

use crate::registry::Rule;
use crate::rust::checker::Checker;
use crate::rust::index::{acquires_permit, type_name, PERMIT_METHODS};
use crate::rust::macros;
use crate::rust::paths;
use crate::rust::scope::Local;
use crate::rust::values;

const JOIN_ALL_FUNCTIONS: &[&str] = &[
    "futures::future::join_all",
    "futures::future::try_join_all",
    "futures_util::future::join_all",
    "futures_util::future::try_join_all",
];

/// Methods that turn a collection into an iterator over its items.
const ITERATION_METHODS: &[&str] = &[
    "iter",
    "into_iter",
    "iter_mut",
    "drain",
    "values",
    "values_mut",
    "into_values",
    "keys",
    "into_keys",
    "par_iter",
];

/// Iterator methods whose closure runs once per item.
const PER_ITEM_METHODS: &[&str] = &[
    "map",
    "for_each",
    "then",
    "filter_map",
    "flat_map",
    "and_then",
];

/// Iterating these yields fixed-size batches, not single items.
const BATCH_METHODS: &[&str] = &["chunks", "chunks_exact", "array_chunks"];

/// Stream adapters that cap how many futures run at once.
const LIMITING_METHODS: &[&str] = &[
    "buffer_unordered",
    "buffered",
    "for_each_concurrent",
    "try_for_each_concurrent",
    "try_buffer_unordered",
    "try_buffered",
];

/// Calls in a loop body that wait for earlier tasks before starting more.
const WAITING_METHODS: &[&str] = &["join_next", "join_next_with_id", "try_join_next"];

const FUTURE_SETS: &[&str] = &["FuturesUnordered", "FuturesOrdered"];

pub fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::Local(local) = stmt else {
        return;
    };
    let (syn::Pat::Type(typed), Some(init)) = (&local.pat, &local.init) else {
        return;
    };
    let is_future_set =
        type_name(&typed.ty).is_some_and(|name| FUTURE_SETS.contains(&name.as_str()));
    if is_future_set && unbounded_futures(checker, &init.expr) {
        report_future_set(checker, &init.expr);
    }
}

/// Reports `join_all` over an unbounded collection and tasks spawned per item.
/// Returns true when the arguments' per-item work is covered by this report.
pub fn check_call(checker: &mut Checker, call: &syn::ExprCall) -> bool {
    let Some(callee) = checker.callee(call) else {
        return false;
    };
    if JOIN_ALL_FUNCTIONS.contains(&callee.as_str()) {
        if let Some(argument) = call.args.first() {
            let unbounded = match paths::variable_name(argument) {
                Some(name) => checker
                    .scopes
                    .local(&name)
                    .is_some_and(|l| l.unbounded_futures),
                None => unbounded_futures(checker, argument),
            };
            if unbounded {
                let function = paths::last_segment(&callee).to_string();
                let items = collection_text(checker, argument);
                checker.report(
                    Rule::UnboundedGather,
                    call.span(),
                    format!(
                        "`{function}` runs a future for every item of `{items}` at once, with no limit on how many run concurrently"
                    ),
                    limit_help(),
                );
                return true;
            }
        }
        return false;
    }
    let new_work = call
        .args
        .first()
        .is_some_and(|task| !forwards_existing_future(task));
    if new_work && values::is_task_spawn(&callee) && checker.in_unbounded_item_loop() {
        report_spawn_per_item(checker, call.span(), &checker.text(&call.func));
    }
    false
}

pub fn check_method_call(checker: &mut Checker, call: &syn::ExprMethodCall) {
    let method = call.method.to_string();
    match method.as_str() {
        "spawn"
            if call.args.len() == 1
                && !is_closure(&call.args[0])
                && !forwards_existing_future(&call.args[0])
                && !bound_in_this_iteration(checker, &call.receiver)
                && checker.in_unbounded_item_loop() =>
        {
            let spawner = format!("{}.spawn", checker.text(&call.receiver));
            report_spawn_per_item(checker, call.span(), &spawner);
        }
        "push" | "push_back" | "push_front" if call.args.len() == 1 => check_push(checker, call),
        "collect"
            if collects_into_future_set(call) && unbounded_futures(checker, &call.receiver) =>
        {
            report_future_set(checker, &Expr::MethodCall(call.clone()));
        }
        _ => {}
    }
}

/// `futs.push(fetch(x))` in a loop over a collection: reported at once for a
/// `FuturesUnordered`; for a `Vec`, remembered for the `join_all` that runs it.
fn check_push(checker: &mut Checker, call: &syn::ExprMethodCall) {
    let Some(name) = paths::variable_name(&call.receiver) else {
        return;
    };
    let item = &call.args[0];
    let spawns = values::starts_task(checker, item);
    let unbounded = checker.in_unbounded_item_loop()
        && !forwards_existing_future(item)
        && !future_limits_itself(checker, item);
    let Some(local) = checker.scopes.local(&name) else {
        return;
    };
    let is_future_set = local
        .ty
        .as_deref()
        .is_some_and(|ty| FUTURE_SETS.contains(&paths::last_segment(ty)));
    if is_future_set {
        if unbounded && !spawns {
            checker.report(
                Rule::UnboundedGather,
                call.span(),
                format!(
                    "a future is pushed into `{name}` for every item of the loop's collection, and they all run at once with no limit"
                ),
                limit_help(),
            );
        }
        return;
    }
    let joinable = values::spawns_joinable(checker, item);
    let local = checker.scopes.local_mut(&name).expect("looked up above");
    if spawns {
        local.join_handles |= joinable;
    } else if unbounded {
        local.unbounded_futures = true;
    }
}

/// `set.spawn(task)`, `futs.push(fut)`: the item already is a future, made
/// elsewhere (`JoinSet::extend`); the loop only moves it, and creates no new work.
fn forwards_existing_future(item: &Expr) -> bool {
    paths::variable_name(item).is_some()
}

/// Is the receiver a fresh value of each iteration (`let rt = Runtime::new()` in the
/// loop body)? Its tasks do not pile up across iterations.
fn bound_in_this_iteration(checker: &Checker, receiver: &Expr) -> bool {
    paths::variable_name(receiver)
        .and_then(|name| checker.scopes.local(&name))
        .is_some_and(|local| local.loop_depth >= checker.loop_depth() && checker.loop_depth() > 0)
}

/// Walks into a method call: a limiting adapter covers the chain it ends; the
/// closure of a per-item method on an iterator runs once per item.
pub fn visit_method_call(checker: &mut Checker, call: &syn::ExprMethodCall) {
    let method = call.method.to_string();
    if LIMITING_METHODS.contains(&method.as_str()) && !unlimited_concurrency(call) {
        checker.with_limited_chain(|checker| visit::visit_expr_method_call(checker, call));
        return;
    }
    let per_item = PER_ITEM_METHODS.contains(&method.as_str())
        && call.args.len() == 1
        && is_iteration(checker, &call.receiver);
    if !per_item {
        visit::visit_expr_method_call(checker, call);
        return;
    }
    checker.visit_expr(&call.receiver);
    let unbounded = is_unbounded_collection(checker, &call.receiver);
    let limited = future_limits_itself(checker, &call.args[0]);
    let closure = is_closure(&call.args[0]);
    checker.with_item_loop(unbounded, limited, closure, |checker| {
        checker.visit_expr(&call.args[0]);
    });
}

/// `for_each_concurrent(None, ..)` sets no limit.
fn unlimited_concurrency(call: &syn::ExprMethodCall) -> bool {
    let limit = call.args.first().map(paths::peel);
    matches!(limit, Some(Expr::Path(path)) if path.path.is_ident("None"))
}

/// Records what a `let` of a collection holds: a literal of fixed size, the handles
/// of tasks spawned per item, or per-item futures of an unbounded collection.
pub fn describe_collection(checker: &Checker, init: &Expr, local: &mut Local) {
    match paths::peel(init) {
        Expr::Array(_) => local.bounded_collection = true,
        Expr::Macro(mac) if macros::name(&mac.mac) == "vec" => local.bounded_collection = true,
        other => match per_item_closure(checker, other) {
            Some(closure) => {
                let body = closure_body(closure);
                if values::starts_task(checker, body) {
                    local.join_handles = values::spawns_joinable(checker, body);
                } else if unbounded_futures(checker, other) {
                    local.unbounded_futures = true;
                }
            }
            // `vec![a, b].into_iter().collect()` stays as small as its source.
            None if !paths::chain_methods(other).is_empty() => {
                local.bounded_collection = !is_unbounded_collection(checker, other);
            }
            None => {}
        },
    }
}

/// The loop variable of `for chunk in xs.chunks(n)` is a bounded batch; that of
/// `for handle in handles` is a task's `JoinHandle`.
pub fn describe_loop_variable(checker: &mut Checker, pat: &syn::Pat, iterable: &Expr) {
    let methods = paths::chain_methods(iterable);
    let batches = methods
        .iter()
        .any(|call| BATCH_METHODS.iter().any(|m| call.method == m));
    let of_handles = paths::variable_name(paths::chain_root(iterable))
        .and_then(|name| checker.scopes.local(&name))
        .is_some_and(|local| local.join_handles);
    let variable = match pat {
        syn::Pat::Tuple(tuple) => tuple.elems.last(),
        other => Some(other),
    };
    let Some(syn::Pat::Ident(ident)) = variable else {
        return;
    };
    if let Some(local) = checker.scopes.local_mut(&ident.ident.to_string()) {
        local.bounded_collection |= batches;
        local.join_handle |= of_handles;
    }
}

/// Can this iterable be large? Names, fields and call results can; literals,
/// constants, batches, `take(n)` and ranges with a literal bound up to the threshold
/// cannot. A range with a computed bound (`0..workers`) is a worker pool, not a bomb.
pub fn is_unbounded_collection(checker: &Checker, expr: &Expr) -> bool {
    let threshold = checker.settings.gather_threshold;
    for call in paths::chain_methods(expr) {
        let method = call.method.to_string();
        let small_take = method == "take"
            && call
                .args
                .first()
                .and_then(paths::integer)
                .is_some_and(|n| n <= threshold);
        if small_take || BATCH_METHODS.contains(&method.as_str()) || method == "incoming" {
            return false;
        }
    }
    match paths::peel(paths::chain_root(expr)) {
        Expr::Reference(reference) => is_unbounded_collection(checker, &reference.expr),
        Expr::Range(range) => {
            let start = range.start.as_deref().and_then(paths::integer).unwrap_or(0);
            range
                .end
                .as_deref()
                .and_then(paths::integer)
                .is_some_and(|end| end.saturating_sub(start) > threshold)
        }
        Expr::Array(_) | Expr::Tuple(_) | Expr::Lit(_) => false,
        Expr::Macro(mac) => macros::name(&mac.mac) != "vec",
        Expr::Path(path) => {
            let Some(name) = path.path.segments.last().map(|s| s.ident.to_string()) else {
                return false;
            };
            let constant = name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit());
            let bounded = checker
                .scopes
                .local(&name)
                .is_some_and(|l| l.bounded_collection);
            !constant && !bounded
        }
        Expr::Call(call) if is_stream_iter(checker, call) => call
            .args
            .first()
            .is_some_and(|items| is_unbounded_collection(checker, items)),
        _ => true,
    }
}

/// Does a loop body bound how many tasks it has in flight: a semaphore permit, a
/// wait for earlier tasks (`join_next`), or awaiting each task right away?
pub fn limits_itself(body: &syn::Block) -> bool {
    if acquires_permit(body) {
        return true;
    }
    let mut finder = WaitFinder::default();
    finder.visit_block(body);
    finder.waits
}

#[derive(Default)]
struct WaitFinder {
    waits: bool,
    handles: Vec<String>,
}

impl<'ast> Visit<'ast> for WaitFinder {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if WAITING_METHODS.iter().any(|m| call.method == m) {
            self.waits = true;
        }
        visit::visit_expr_method_call(self, call);
    }
    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let (syn::Pat::Ident(ident), Some(init)) = (&local.pat, &local.init) {
            if spawn_like(&init.expr) {
                self.handles.push(ident.ident.to_string());
            }
        }
        visit::visit_local(self, local);
    }
    fn visit_expr_await(&mut self, awaited: &'ast syn::ExprAwait) {
        let base = paths::peel(&awaited.base);
        let awaits_handle =
            paths::variable_name(base).is_some_and(|name| self.handles.contains(&name));
        if awaits_handle || spawn_like(base) {
            self.waits = true;
        }
        visit::visit_expr_await(self, awaited);
    }
}

/// A call named `spawn` (syntactically; the loop test needs no resolution).
fn spawn_like(expr: &Expr) -> bool {
    match paths::peel_unwrap(expr) {
        Expr::Call(call) => paths::call_name(call).as_deref() == Some("spawn"),
        Expr::MethodCall(call) => call.method == "spawn",
        _ => false,
    }
}

/// Is the per-item future (a closure returning it, an `async` block or a call)
/// limited by a semaphore permit taken inside it?
fn future_limits_itself(checker: &Checker, item: &Expr) -> bool {
    let body = match paths::peel(item) {
        Expr::Closure(closure) => closure_body(closure),
        other => other,
    };
    match paths::peel(body) {
        Expr::Async(block) => acquires_permit(&block.block),
        Expr::Block(block) => acquires_permit(&block.block),
        Expr::Call(call) => checker
            .callee(call)
            .and_then(|callee| checker.crate_function(&callee))
            .is_some_and(|f| f.acquires_permit),
        Expr::MethodCall(call) => {
            PERMIT_METHODS.iter().any(|m| call.method == m)
                || checker
                    .crate_method(call)
                    .is_some_and(|f| f.acquires_permit)
        }
        Expr::Path(path) => checker
            .resolve(&path.path)
            .and_then(|callee| checker.crate_function(&callee))
            .is_some_and(|f| f.acquires_permit),
        _ => false,
    }
}

/// Does `expr` hold per-item futures of an unbounded collection with no limit?
fn unbounded_futures(checker: &Checker, expr: &Expr) -> bool {
    let Some(call) = per_item_call(checker, expr) else {
        return false;
    };
    let item = &call.args[0];
    let spawns = match paths::peel(item) {
        Expr::Closure(closure) => values::starts_task(checker, closure_body(closure)),
        _ => false,
    };
    !spawns
        && is_unbounded_collection(checker, &call.receiver)
        && !future_limits_itself(checker, item)
        && !limited_later(expr, call)
}

/// Is there a limiting adapter after the per-item call (`.map(f).buffer_unordered(8)`)?
fn limited_later(expr: &Expr, per_item: &syn::ExprMethodCall) -> bool {
    let methods = paths::chain_methods(expr);
    let position = methods
        .iter()
        .position(|call| std::ptr::eq(*call, per_item));
    position.is_some_and(|at| {
        methods[at + 1..]
            .iter()
            .any(|call| LIMITING_METHODS.iter().any(|m| call.method == m))
    })
}

/// The `.map(..)`-like call of an iterator chain, when the chain iterates a collection.
fn per_item_call<'e>(checker: &Checker, expr: &'e Expr) -> Option<&'e syn::ExprMethodCall> {
    paths::chain_methods(expr).into_iter().find(|call| {
        PER_ITEM_METHODS.iter().any(|m| call.method == m)
            && call.args.len() == 1
            && is_iteration(checker, &call.receiver)
    })
}

fn per_item_closure<'e>(checker: &Checker, expr: &'e Expr) -> Option<&'e syn::ExprClosure> {
    match paths::peel(&per_item_call(checker, expr)?.args[0]) {
        Expr::Closure(closure) => Some(closure),
        _ => None,
    }
}

/// Is `expr` an iterator over a collection's items (not an `Option` or a future)?
fn is_iteration(checker: &Checker, expr: &Expr) -> bool {
    let root = paths::chain_root(expr);
    let iterates = paths::chain_methods(expr)
        .iter()
        .any(|call| ITERATION_METHODS.iter().any(|m| call.method == m));
    iterates
        || matches!(paths::peel(root), Expr::Range(_))
        || matches!(paths::peel(root), Expr::Call(call) if is_stream_iter(checker, call))
}

fn is_stream_iter(checker: &Checker, call: &syn::ExprCall) -> bool {
    checker.callee(call).is_some_and(|callee| {
        matches!(
            callee.as_str(),
            "futures::stream::iter" | "futures_util::stream::iter" | "tokio_stream::iter"
        )
    })
}

fn closure_body(closure: &syn::ExprClosure) -> &Expr {
    let body = paths::peel(&closure.body);
    // `|x| { spawn(..) }`: a block whose only statement is the value.
    if let Expr::Block(block) = body {
        if let [Stmt::Expr(tail, _)] = block.block.stmts.as_slice() {
            return paths::peel(tail);
        }
    }
    body
}

fn is_closure(expr: &Expr) -> bool {
    matches!(paths::peel(expr), Expr::Closure(_))
}

fn collects_into_future_set(call: &syn::ExprMethodCall) -> bool {
    call.turbofish.as_ref().is_some_and(|turbofish| {
        turbofish.args.iter().any(|argument| {
            matches!(argument, syn::GenericArgument::Type(ty)
                if type_name(ty)
                    .is_some_and(|name| FUTURE_SETS.contains(&name.as_str())))
        })
    })
}

/// The collection a chain iterates, for messages: `users.iter().map(..)` → `users`.
fn collection_text(checker: &Checker, expr: &Expr) -> String {
    match paths::peel(paths::chain_root(expr)) {
        Expr::Call(call) => call
            .args
            .first()
            .map_or_else(|| checker.text(call), |items| checker.text(items)),
        root => checker.text(root),
    }
}

fn report_future_set(checker: &mut Checker, expr: &Expr) {
    let items = collection_text(checker, expr);
    checker.report(
        Rule::UnboundedGather,
        expr.span(),
        format!(
            "a future for every item of `{items}` is collected into a futures set, and they all run at once with no limit"
        ),
        limit_help(),
    );
}

fn report_spawn_per_item(checker: &mut Checker, span: proc_macro2::Span, spawner: &str) {
    checker.report(
        Rule::UnboundedGather,
        span,
        format!(
            "`{spawner}` starts a task for every item of the collection at once, with no limit on how many run concurrently"
        ),
        "take a `tokio::sync::Semaphore` permit before spawning (move it into the task), or use `futures::stream::iter(..).for_each_concurrent(N, ..)`".to_string(),
    );
}

fn limit_help() -> String {
    "bound the concurrency: `futures::stream::iter(items).map(f).buffer_unordered(N)`, or take a `tokio::sync::Semaphore` permit in each future".to_string()
}
