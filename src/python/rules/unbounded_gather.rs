//! AL301 unbounded-gather: every item of a collection of unknown size started at once.
//!
//! Flags `asyncio.gather(*X)`, `asyncio.wait(X)`, `asyncio.as_completed(X)` where `X`
//! is built item by item from a data collection (a comprehension, or a list or set
//! filled by a `for` loop), and `for x in xs: tg.create_task(...)` in a `TaskGroup`.
//!
//! Only new work counts: each item must call something with the item as data
//! (`fetch(url)`, `create_task(client.get(url))`). Not flagged: awaiting futures or
//! tasks that already exist (`t.future for t in ...`), lifecycle calls on resources
//! the code already owns (`c.close() for c in conns`), iterables that are sized by
//! topology or configuration (`nodes`, `brokers`, `listeners`), an enclosing
//! `async with <semaphore>`, a per-item coroutine that acquires a semaphore or is
//! handed one, fixed batches, and literal `range(N)` up to the threshold.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use crate::python::checker::Checker;
use crate::python::helpers::int_literal;
use crate::python::index::{dotted_name, last_segment_lowercase, top_level_statements};
use crate::python::semantic::Binding;
use crate::registry::Rule;

/// Method names that act on an existing resource rather than start new work.
const LIFECYCLE_METHODS: &[&str] = &[
    "close",
    "aclose",
    "wait_closed",
    "disconnect",
    "shutdown",
    "terminate",
    "stop",
    "cancel",
    "join",
    "release",
    "flush",
    "drain",
    "serve",
    "serve_forever",
];

/// Iterables named for topology or configuration hold a handful of items.
const SMALL_COLLECTION_WORDS: &[&str] = &[
    "node", "broker", "shard", "sentinel", "server", "replica", "listener", "handler", "callback",
    "hook", "waiter", "signal", "plugin", "backend", "check", "worker", "app",
];

/// Task-starting wrappers whose first argument is the per-item coroutine.
const TASK_WRAPPERS: &[&str] = &[
    "asyncio.create_task",
    "asyncio.ensure_future",
    "asyncio.shield",
    "asyncio.wait_for",
];

/// A collection-driven source of coroutines: where the items come from, the loop
/// variable, and the expression that makes each one.
struct ItemSource<'a> {
    iterable: &'a Expr,
    target: &'a Expr,
    element: &'a Expr,
    /// The element is a callable that the group calls per item (`start_soon(fn, x)`),
    /// not an awaitable.
    callable_work: bool,
}

pub fn call<'a>(checker: &mut Checker<'a>, call: &'a ast::ExprCall, callee: Option<&str>) {
    let Some(callee) = callee else { return };
    let collection = match callee {
        "asyncio.gather" => call.arguments.args.iter().find_map(|arg| match arg {
            Expr::Starred(starred) => Some(&*starred.value),
            _ => None,
        }),
        "asyncio.wait" | "asyncio.as_completed" => call.arguments.args.first(),
        _ => None,
    };
    let Some(collection) = collection else { return };
    if checker.limiters > 0 {
        return;
    }
    let Some(source) = item_source(checker, collection) else {
        return;
    };
    if is_bounded(checker, &source) {
        return;
    }
    let iterable = checker.text(source.iterable);
    checker.report(
        Rule::UnboundedGather,
        call.range(),
        format!("`{}` starts one coroutine per item of `{iterable}` all at once, with no limit on how many run concurrently", checker.text(&*call.func)),
        "bound the concurrency: acquire an `asyncio.Semaphore(n)` in the per-item coroutine, or process fixed-size batches, or use a fixed pool of worker tasks reading an `asyncio.Queue`".to_string(),
    );
}

/// `for x in xs: tg.create_task(work(x))` inside `async with asyncio.TaskGroup() as tg`.
pub fn task_group_loop<'a>(checker: &mut Checker<'a>, stmt_for: &'a ast::StmtFor) {
    if checker.limiters > 0 {
        return;
    }
    for stmt in top_level_statements(&stmt_for.body) {
        let Stmt::Expr(expr) = stmt else { continue };
        let Expr::Call(call) = &*expr.value else {
            continue;
        };
        let Expr::Attribute(attr) = &*call.func else {
            continue;
        };
        let Some(work) = task_group_work(checker, attr, call) else {
            continue;
        };
        let source = ItemSource {
            iterable: &stmt_for.iter,
            target: &stmt_for.target,
            element: work,
            callable_work: attr.attr.as_str() == "start_soon",
        };
        if is_bounded(checker, &source) {
            continue;
        }
        let iterable = checker.text(&*stmt_for.iter);
        checker.report(
            Rule::UnboundedGather,
            call.range(),
            format!("`{}` in a loop over `{iterable}` starts one task per item, all at once, with no concurrency limit", checker.text(&*call.func)),
            "acquire an `asyncio.Semaphore(n)` inside the per-item coroutine, or feed the items to a fixed number of workers through an `asyncio.Queue`".to_string(),
        );
    }
}

/// The per-item work of `tg.create_task(work(x))` / `tg.start_soon(work, x)` on a
/// task group.
fn task_group_work<'a>(
    checker: &Checker,
    attr: &ast::ExprAttribute,
    call: &'a ast::ExprCall,
) -> Option<&'a Expr> {
    let is_group = checker.semantic.origin(&attr.value).is_some_and(|origin| {
        matches!(
            origin.as_str(),
            "asyncio.TaskGroup" | "anyio.create_task_group"
        )
    });
    match attr.attr.as_str() {
        "create_task" if is_group => call.arguments.args.first(),
        // `start_soon(fn, *args)` calls `fn(*args)`: the work is the whole call.
        "start_soon" if is_group => Some(call.arguments.args.first()?),
        _ => None,
    }
}

/// Where the coroutines in `collection` come from, if it is built per item.
fn item_source<'a>(checker: &Checker<'a>, collection: &'a Expr) -> Option<ItemSource<'a>> {
    // Nested generators: the outer iterable sets the scale, the innermost variable
    // is what each element is made from.
    let comprehension = |generators: &'a [ast::Comprehension], element: &'a Expr| {
        Some(ItemSource {
            iterable: &generators.first()?.iter,
            target: &generators.last()?.target,
            element,
            callable_work: false,
        })
    };
    match collection {
        Expr::ListComp(comp) => comprehension(&comp.generators, &comp.elt),
        Expr::Generator(comp) => comprehension(&comp.generators, &comp.elt),
        Expr::SetComp(comp) => comprehension(&comp.generators, &comp.elt),
        Expr::Name(name) => match checker.semantic.lookup(name.id.as_str())? {
            Binding::Value(value) if is_empty_collection(checker, value) => {
                filled_in_loop(checker, name.id.as_str())
            }
            Binding::Value(value) if !matches!(value, Expr::Name(_)) => item_source(checker, value),
            _ => None,
        },
        _ => None,
    }
}

/// `[]`, `set()`, `list()`.
fn is_empty_collection(checker: &Checker, value: &Expr) -> bool {
    match value {
        Expr::List(list) => list.elts.is_empty(),
        Expr::Call(call) => {
            call.arguments.is_empty()
                && matches!(
                    checker.semantic.qualified_name(&call.func).as_deref(),
                    Some("builtins.list" | "builtins.set")
                )
        }
        _ => false,
    }
}

/// `tasks = []` then `for x in xs: tasks.append(make(x))` (or `.add(...)` on a set)
/// in the same function; the innermost loop around the append is the one used.
fn filled_in_loop<'a>(checker: &Checker<'a>, collection: &str) -> Option<ItemSource<'a>> {
    let function = checker.semantic.current_function()?;
    top_level_statements(&function.body).find_map(|stmt| {
        let Stmt::For(stmt_for) = stmt else {
            return None;
        };
        loop_body_statements(&stmt_for.body).find_map(|inner| {
            let Stmt::Expr(expr) = inner else { return None };
            let Expr::Call(call) = &*expr.value else {
                return None;
            };
            let Expr::Attribute(attr) = &*call.func else {
                return None;
            };
            let fills = matches!(attr.attr.as_str(), "append" | "add")
                && matches!(&*attr.value, Expr::Name(n) if n.id.as_str() == collection);
            if !fills {
                return None;
            }
            Some(ItemSource {
                iterable: &stmt_for.iter,
                target: &stmt_for.target,
                element: call.arguments.args.first()?,
                callable_work: false,
            })
        })
    })
}

/// Statements of a loop body, through `if`/`with`/`try`, but not nested loops.
fn loop_body_statements(body: &[Stmt]) -> impl Iterator<Item = &Stmt> {
    top_level_statements(body).filter(|stmt| !matches!(stmt, Stmt::For(_) | Stmt::While(_)))
}

fn is_bounded(checker: &Checker, source: &ItemSource) -> bool {
    let work = unwrap_task(checker, source.element);
    // Awaiting what already exists (`batch.future`, `t`) starts nothing new.
    let existing_awaitable = !source.callable_work && !work.is_call_expr();
    existing_awaitable
        || !creates_new_work(work, source.target)
        || !unbounded_iterable(checker, source.iterable, source.target)
        || is_limited(checker, work)
}

/// `create_task(fetch(x))` → `fetch(x)`.
fn unwrap_task<'e>(checker: &Checker, element: &'e Expr) -> &'e Expr {
    if let Expr::Call(call) = element {
        let callee = checker.semantic.qualified_name(&call.func);
        let last_name = match &*call.func {
            Expr::Attribute(attr) => Some(attr.attr.as_str()),
            Expr::Name(name) => Some(name.id.as_str()),
            _ => None,
        };
        let is_wrapper = callee.is_some_and(|callee| TASK_WRAPPERS.contains(&callee.as_str()))
            || matches!(last_name, Some("create_task" | "ensure_future"));
        if is_wrapper {
            if let Some(inner) = call.arguments.args.first() {
                return unwrap_task(checker, inner);
            }
        }
    }
    element
}

/// Does each item start new work? `fetch(x)` does; `x.future`, `t` (existing
/// awaitables), `c.close()` (a lifecycle call on an owned resource) and
/// `waiter.wait()` do not. A bare callable (`start_soon(work, x)`) does, unless it
/// is a method of the item (`listener.serve`).
fn creates_new_work(work: &Expr, target: &Expr) -> bool {
    let (callee, is_call) = match work {
        Expr::Call(call) => (&*call.func, true),
        other => (other, false),
    };
    match callee {
        Expr::Attribute(attr) => {
            let method = attr.attr.as_str();
            if LIFECYCLE_METHODS.contains(&method) || method.contains("wait") {
                return false;
            }
            is_call || !mentions_target(&attr.value, target)
        }
        Expr::Name(name) if is_call => !name.id.as_str().contains("wait"),
        Expr::Name(name) => !binds(target, name.id.as_str()),
        _ => is_call,
    }
}

/// Does `expr` start from the loop variable (`x`, `x.conn`)?
fn mentions_target(expr: &Expr, target: &Expr) -> bool {
    match expr {
        Expr::Name(name) => binds(target, name.id.as_str()),
        Expr::Attribute(attr) => mentions_target(&attr.value, target),
        Expr::Subscript(subscript) => mentions_target(&subscript.value, target),
        _ => false,
    }
}

/// Can this iterable be large? Literals, small `range`s, slices (batches), the
/// variable of an enclosing `for batch in ...` loop, `*args` unpacked as call
/// specs, and collections named for topology or configuration are bounded.
fn unbounded_iterable(checker: &Checker, iterable: &Expr, target: &Expr) -> bool {
    if names_small_collection(iterable) || names_small_collection(target) {
        return false;
    }
    match iterable {
        Expr::List(_) | Expr::Tuple(_) | Expr::Set(_) => false,
        Expr::Subscript(subscript) => !subscript.slice.is_slice_expr(),
        Expr::Call(call)
            if checker.semantic.qualified_name(&call.func).as_deref() == Some("builtins.range") =>
        {
            // `range(n_workers)` is a worker pool; only a large literal count is a bomb.
            call.arguments
                .args
                .iter()
                .map(int_literal)
                .collect::<Option<Vec<_>>>()
                .is_some_and(|bounds| range_len(&bounds) > checker.settings.gather_threshold)
        }
        Expr::Call(call) => match (&*call.func, call.arguments.args.first()) {
            // `enumerate(batch)`, `tuple(self._free)`, `d.items()`: look inside.
            (Expr::Name(name), Some(inner))
                if matches!(
                    name.id.as_str(),
                    "enumerate" | "zip" | "reversed" | "sorted" | "list" | "tuple" | "set"
                ) =>
            {
                unbounded_iterable(checker, inner, target)
            }
            _ => true,
        },
        Expr::Name(name) => {
            let assigned = checker.semantic.assigned_value(name.id.as_str());
            // `results = await asyncio.gather(...)`: one item per finished task, a
            // fan-out that has already happened. (`ids = await list_ids()` is data.)
            let awaited = matches!(assigned, Some(Expr::Await(awaited)) if is_fan_in(checker, &awaited.value));
            // `batch = ids[i:i + 50]`: a fixed-size batch.
            let sliced = matches!(assigned, Some(Expr::Subscript(subscript)) if subscript.slice.is_slice_expr());
            let structured_varargs = matches!(
                checker.semantic.lookup(name.id.as_str()),
                Some(Binding::VarArgs)
            ) && target.is_tuple_expr();
            let is_batch = checker
                .loops
                .iter()
                .any(|outer| binds(&outer.target, name.id.as_str()));
            !awaited && !sliced && !structured_varargs && !is_batch
        }
        Expr::Attribute(_) => true,
        _ => false,
    }
}

/// `asyncio.gather(...)`, `asyncio.wait(...)`: results of tasks that already ran.
fn is_fan_in(checker: &Checker, awaited: &Expr) -> bool {
    let Expr::Call(call) = awaited else {
        return false;
    };
    matches!(
        checker.semantic.qualified_name(&call.func).as_deref(),
        Some("asyncio.gather" | "asyncio.wait")
    )
}

/// `self.nodes.values()`, `target_nodes`, `for broker_id in ...`.
fn names_small_collection(expr: &Expr) -> bool {
    let expr = match expr {
        Expr::Call(call) => match &*call.func {
            Expr::Attribute(attr) if matches!(attr.attr.as_str(), "items" | "values" | "keys") => {
                &*attr.value
            }
            _ => return false,
        },
        other => other,
    };
    let name = match expr {
        Expr::Tuple(tuple) => return tuple.elts.iter().any(names_small_collection),
        other => dotted_name(other),
    };
    let Some(last) = name.as_deref().map(last_segment_lowercase) else {
        return false;
    };
    last.split('_').any(|segment| {
        SMALL_COLLECTION_WORDS.iter().any(|word| {
            segment
                .strip_prefix(word)
                .is_some_and(|rest| matches!(rest, "" | "s" | "es" | "id" | "ids"))
        })
    })
}

fn range_len(bounds: &[u64]) -> u64 {
    match bounds {
        [stop] => *stop,
        [start, stop, ..] => stop.saturating_sub(*start),
        _ => 0,
    }
}

fn binds(target: &Expr, name: &str) -> bool {
    match target {
        Expr::Name(n) => n.id.as_str() == name,
        Expr::Tuple(tuple) => tuple.elts.iter().any(|e| binds(e, name)),
        _ => false,
    }
}

/// Does the per-item coroutine bound itself (acquires a semaphore) or receive one?
fn is_limited(checker: &Checker, work: &Expr) -> bool {
    let Expr::Call(call) = work else {
        return false;
    };
    let passes_limiter = call
        .arguments
        .args
        .iter()
        .chain(call.arguments.keywords.iter().map(|k| &k.value))
        .any(|argument| checker.is_limiter(argument));
    if passes_limiter {
        return true;
    }
    checker
        .semantic
        .function(&call.func)
        .is_some_and(|function| function.self_limited)
}
