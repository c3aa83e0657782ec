//! AL301 unbounded-gather: every item of a collection of unknown size started at once.
//!
//! Flags `asyncio.gather(*X)`, `asyncio.wait(X)`, `asyncio.as_completed(X)` where `X`
//! is built item by item from a collection (a comprehension, or a list filled by a
//! `for` loop), and `for x in xs: tg.create_task(...)` in a `TaskGroup` — unless the
//! work is visibly bounded: an enclosing `async with <semaphore>`, a per-item coroutine
//! that acquires a semaphore, a semaphore passed to it, fixed batches, or a small
//! literal `range(N)`.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use crate::python::checker::Checker;
use crate::python::helpers::int_literal;
use crate::python::index::{acquires_semaphore, looks_like_limiter, top_level_statements};
use crate::python::semantic::Binding;
use crate::registry::Rule;

/// A collection-driven source of coroutines: where the items come from, and the
/// expression that makes each one.
struct ItemSource<'a> {
    iterable: &'a Expr,
    /// The loop or comprehension variable.
    target: Option<&'a Expr>,
    element: Option<&'a Expr>,
}

/// `c.close() for c in conns`, `t for t in tasks`: the coroutines belong to objects
/// that already exist (connections to shut down, tasks to collect), so nothing new
/// is opened per item.
fn acts_on_existing_item(element: &Expr, target: &Expr) -> bool {
    let Expr::Name(target) = target else {
        return false;
    };
    let is_target = |expr: &Expr| matches!(expr, Expr::Name(n) if n.id == target.id);
    match element {
        Expr::Name(_) => is_target(element),
        Expr::Call(call) => match &*call.func {
            Expr::Attribute(attr) => is_target(&attr.value),
            _ => false,
        },
        _ => false,
    }
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
    if checker.limiters > 0 || !unbounded_iterable(checker, &stmt_for.iter) {
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
        if !matches!(attr.attr.as_str(), "create_task" | "start_soon") {
            continue;
        }
        let is_group = checker.semantic.origin(&attr.value).is_some_and(|origin| {
            matches!(
                origin.as_str(),
                "asyncio.TaskGroup" | "anyio.create_task_group"
            )
        });
        if !is_group {
            continue;
        }
        let source = ItemSource {
            iterable: &stmt_for.iter,
            target: Some(&stmt_for.target),
            element: call.arguments.args.first(),
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

/// Where the coroutines in `collection` come from, if it is built per item.
fn item_source<'a>(checker: &Checker<'a>, collection: &'a Expr) -> Option<ItemSource<'a>> {
    match collection {
        Expr::ListComp(comp) => Some(ItemSource {
            iterable: &comp.generators.first()?.iter,
            target: Some(&comp.generators.first()?.target),
            element: Some(&comp.elt),
        }),
        Expr::Generator(comp) => Some(ItemSource {
            iterable: &comp.generators.first()?.iter,
            target: Some(&comp.generators.first()?.target),
            element: Some(&comp.elt),
        }),
        Expr::SetComp(comp) => Some(ItemSource {
            iterable: &comp.generators.first()?.iter,
            target: Some(&comp.generators.first()?.target),
            element: Some(&comp.elt),
        }),
        Expr::Call(call) if checker.text(&*call.func) == "map" => Some(ItemSource {
            iterable: call.arguments.args.get(1)?,
            target: None,
            element: None,
        }),
        Expr::Name(name) => match checker.semantic.lookup(name.id.as_str())? {
            Binding::Value(value) if !matches!(value, Expr::Name(_)) => match value {
                Expr::List(list) if list.elts.is_empty() => {
                    appended_in_loop(checker, name.id.as_str())
                }
                _ => item_source(checker, value),
            },
            _ => None,
        },
        _ => None,
    }
}

/// `tasks = []` then `for x in xs: tasks.append(make(x))` in the same function.
fn appended_in_loop<'a>(checker: &Checker<'a>, list_name: &str) -> Option<ItemSource<'a>> {
    let function = checker.semantic.current_function()?;
    top_level_statements(&function.body).find_map(|stmt| {
        let Stmt::For(stmt_for) = stmt else {
            return None;
        };
        top_level_statements(&stmt_for.body).find_map(|inner| {
            let Stmt::Expr(expr) = inner else { return None };
            let Expr::Call(call) = &*expr.value else {
                return None;
            };
            let Expr::Attribute(attr) = &*call.func else {
                return None;
            };
            let appends_to_list = attr.attr.as_str() == "append"
                && matches!(&*attr.value, Expr::Name(n) if n.id.as_str() == list_name);
            appends_to_list.then(|| ItemSource {
                iterable: &stmt_for.iter,
                target: Some(&stmt_for.target),
                element: call.arguments.args.first(),
            })
        })
    })
}

fn is_bounded(checker: &Checker, source: &ItemSource) -> bool {
    source
        .element
        .zip(source.target)
        .is_some_and(|(element, target)| acts_on_existing_item(element, target))
        || !unbounded_iterable(checker, source.iterable)
        || source
            .element
            .is_some_and(|element| element_is_limited(checker, element))
}

/// Can this iterable be large? Literals, small `range`s, slices (batches) and the
/// variable of an enclosing `for batch in ...` loop are bounded.
fn unbounded_iterable(checker: &Checker, iterable: &Expr) -> bool {
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
        Expr::Call(call) => match &*call.func {
            // `enumerate(batch)`, `zip(batch, ...)`: look at the collection inside.
            Expr::Name(name)
                if matches!(
                    name.id.as_str(),
                    "enumerate" | "zip" | "reversed" | "sorted" | "list"
                ) =>
            {
                call.arguments
                    .args
                    .first()
                    .is_some_and(|inner| unbounded_iterable(checker, inner))
            }
            _ => true,
        },
        Expr::Name(name) => {
            let is_varargs = matches!(
                checker.semantic.lookup(name.id.as_str()),
                Some(Binding::VarArgs)
            );
            let is_batch = checker
                .loops
                .iter()
                .any(|outer| binds_name(&outer.target, name.id.as_str()));
            !is_varargs && !is_batch
        }
        Expr::Attribute(_) => true,
        _ => false,
    }
}

fn range_len(bounds: &[u64]) -> u64 {
    match bounds {
        [stop] => *stop,
        [start, stop, ..] => stop.saturating_sub(*start),
        _ => 0,
    }
}

fn binds_name(target: &Expr, name: &str) -> bool {
    match target {
        Expr::Name(n) => n.id.as_str() == name,
        Expr::Tuple(tuple) => tuple.elts.iter().any(|e| binds_name(e, name)),
        _ => false,
    }
}

/// Does the per-item coroutine bound itself (acquires a semaphore) or receive one?
fn element_is_limited(checker: &Checker, element: &Expr) -> bool {
    let Expr::Call(call) = element else {
        return false;
    };
    // Look through `asyncio.create_task(work(x))` / `ensure_future(...)`.
    if let Some(Expr::Call(inner)) = call.arguments.args.first() {
        if element_is_limited(checker, &Expr::Call(inner.clone())) {
            return true;
        }
    }
    let passes_limiter = call
        .arguments
        .args
        .iter()
        .chain(call.arguments.keywords.iter().map(|k| &k.value))
        .any(looks_like_limiter);
    if passes_limiter {
        return true;
    }
    if let Expr::Name(name) = &*call.func {
        if let Some(Binding::Function(def, _)) = checker.semantic.lookup(name.id.as_str()) {
            return acquires_semaphore(&def.body);
        }
    }
    checker
        .semantic
        .qualified_name(&call.func)
        .and_then(|qualified| checker.semantic.modules.is_coroutine_function(&qualified))
        .is_some_and(|info| info.self_limited)
}
