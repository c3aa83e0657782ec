//! The project index: what every module of the scanned project defines, so that a call
//! in one module can be resolved against an `async def` in another (AL101) and a
//! per-item coroutine can be checked for a semaphore (AL301).
//!
//! The index is built from a cheap summary of each module (top-level functions,
//! classes with their methods, bases and attribute origins, and module-level imports
//! for re-exports). It never holds ASTs.

use super::names::dotted;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;
use std::path::Path;

use ruff_python_ast::{self as ast, Expr, Stmt};

use super::names::{NameMap, Strings, StringsBuilder, Text};

impl FunctionInfo<'static> {
    /// Summarizes a definition; `returns` is its qualified return annotation.
    pub fn new(def: &ast::StmtFunctionDef, returns: Option<String>) -> Self {
        FunctionInfo {
            is_async: def.is_async,
            self_limited: def.is_async && acquires_semaphore(&def.body),
            // A coroutine function returns a coroutine, whatever it is annotated with.
            returns: returns.filter(|_| !def.is_async).map(Cow::Owned),
            raises: top_level_statements(&def.body).any(|stmt| stmt.is_raise_stmt()),
        }
    }
}

/// What the index knows about one function or method. The return annotation is
/// borrowed from the summary that stores it, or owned for a definition in scope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunctionInfo<'a> {
    pub is_async: bool,
    /// The body enters `async with <semaphore>` (or awaits `<semaphore>.acquire()`),
    /// so starting many calls at once is bounded by the function itself.
    pub self_limited: bool,
    /// The qualified return annotation of a sync function (`-> Client`), so that
    /// `make_client().fetch()` can be resolved.
    pub returns: Option<Cow<'a, str>>,
    /// The body contains a `raise` (outside nested functions): a helper such as
    /// `handle_error(exc)` that may re-raise what it is given.
    pub raises: bool,
}

/// A [`FunctionInfo`] as a summary stores it, its return annotation in the summary's
/// [`Strings`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StoredFunction {
    is_async: bool,
    self_limited: bool,
    raises: bool,
    returns: Option<Text>,
}

impl StoredFunction {
    fn store<'s>(info: &'s FunctionInfo<'_>, strings: &mut StringsBuilder<'s>) -> Self {
        StoredFunction {
            is_async: info.is_async,
            self_limited: info.self_limited,
            raises: info.raises,
            returns: info
                .returns
                .as_deref()
                .map(|returns| strings.intern(returns)),
        }
    }

    fn load<'a>(&self, strings: &'a Strings) -> FunctionInfo<'a> {
        FunctionInfo {
            is_async: self.is_async,
            self_limited: self.self_limited,
            returns: self
                .returns
                .map(|returns| Cow::Borrowed(strings.get(returns))),
            raises: self.raises,
        }
    }
}

/// A class of a summary. Its names are in the summary's [`Strings`], so it is read
/// through [`ModuleSummary`]'s methods (`method`, `attribute`, `bases`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassInfo {
    /// Base classes as qualified names, resolved through the module's imports.
    bases: Box<[Text]>,
    methods: NameMap<StoredFunction>,
    /// `self.attr = Callee(...)` (in any method) or `attr = Callee(...)` (class body):
    /// attribute name → qualified name of the callee that produced its value.
    attributes: NameMap<Text>,
}

/// The summary of one module, as the index stores it: frozen from a
/// [`SummaryBuilder`] into a compact, read-only form, since a large project keeps
/// thousands of them for the whole run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleSummary {
    /// Dotted module name, e.g. `shop.client`.
    name: Box<str>,
    /// True for a package's `__init__.py`.
    is_package: bool,
    /// Every other name and qualified name of the summary.
    strings: Strings,
    functions: NameMap<StoredFunction>,
    classes: NameMap<ClassInfo>,
    /// Module-level imports: bound name → qualified target (re-exports).
    imports: NameMap<Text>,
}

impl ModuleSummary {
    /// Summarizes a parsed module, for the index.
    pub fn new(name: &str, is_package: bool, body: &[Stmt]) -> Self {
        SummaryBuilder::new(name, is_package, body).freeze(Sharing::Deduplicate)
    }

    /// Summarizes the module being linted. The summary lives only while its file is
    /// linted, so it skips deduplicating its strings, which pays only for the
    /// summaries the index keeps.
    pub fn for_lint(name: &str, is_package: bool, body: &[Stmt]) -> Self {
        SummaryBuilder::new(name, is_package, body).freeze(Sharing::Append)
    }

    /// Dotted module name, e.g. `shop.client`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Files that share a module name are summarized under the name they share.
    pub fn rename(&mut self, name: &str) {
        self.name = name.into();
    }

    /// True for a package's `__init__.py`.
    pub fn is_package(&self) -> bool {
        self.is_package
    }

    /// Merges another file's summary of the same module name into this one,
    /// conservatively: a function counts as `async` only if every file says so.
    /// Rare (two files with one name), so it goes through the builder's maps.
    pub fn merge(&mut self, other: ModuleSummary) {
        let mut merged = SummaryBuilder::thaw(self);
        merged.merge(SummaryBuilder::thaw(&other));
        *self = merged.freeze(Sharing::Deduplicate);
    }

    pub fn function(&self, name: &str) -> Option<FunctionInfo<'_>> {
        let function = self.functions.get(&self.strings, name)?;
        Some(function.load(&self.strings))
    }

    pub fn class(&self, name: &str) -> Option<&ClassInfo> {
        self.classes.get(&self.strings, name)
    }

    pub fn has_class(&self, name: &str) -> bool {
        self.classes.contains_key(&self.strings, name)
    }

    /// The qualified target a module-level import binds `name` to.
    pub fn import(&self, name: &str) -> Option<&str> {
        let target = self.imports.get(&self.strings, name)?;
        Some(self.strings.get(*target))
    }

    /// Module-level imports: (bound name, qualified target).
    pub fn imports(&self) -> impl Iterator<Item = (&str, &str)> {
        self.imports
            .iter(&self.strings)
            .map(|(name, target)| (name, self.strings.get(*target)))
    }

    /// A method defined in the body of `class`, a class of this module.
    pub fn method(&self, class: &ClassInfo, name: &str) -> Option<FunctionInfo<'_>> {
        let method = class.methods.get(&self.strings, name)?;
        Some(method.load(&self.strings))
    }

    /// The origin recorded for attribute `name` of `class`, a class of this module.
    pub fn attribute(&self, class: &ClassInfo, name: &str) -> Option<&str> {
        let origin = class.attributes.get(&self.strings, name)?;
        Some(self.strings.get(*origin))
    }

    /// The qualified bases of `class`, a class of this module, in order.
    pub fn bases<'a>(&'a self, class: &'a ClassInfo) -> impl Iterator<Item = &'a str> {
        class.bases.iter().map(|base| self.strings.get(*base))
    }
}

/// Whether a frozen summary stores a repeated string once.
#[derive(Clone, Copy)]
enum Sharing {
    Deduplicate,
    Append,
}

/// A class while its module is summarized.
#[derive(Clone, Debug, Default)]
struct ClassBuilder {
    bases: Vec<String>,
    methods: HashMap<String, FunctionInfo<'static>>,
    attributes: HashMap<String, String>,
}

/// A module summary while it is built (or merged): hash maps, frozen into a
/// [`ModuleSummary`] when done.
#[derive(Clone, Debug, Default)]
struct SummaryBuilder {
    name: String,
    is_package: bool,
    functions: HashMap<String, FunctionInfo<'static>>,
    classes: HashMap<String, ClassBuilder>,
    imports: HashMap<String, String>,
}

impl SummaryBuilder {
    fn new(name: &str, is_package: bool, body: &[Stmt]) -> Self {
        let mut summary = SummaryBuilder {
            name: name.to_string(),
            is_package,
            ..SummaryBuilder::default()
        };
        summary.collect_imports(body);
        summary.collect_definitions(body);
        summary
    }

    /// Stores the summary compactly: its strings in one arena, every table an exactly
    /// sized slice sorted by name.
    fn freeze(&self, sharing: Sharing) -> ModuleSummary {
        let (count, bytes) = self.strings().fold((0, 0), |(count, bytes), string| {
            (count + 1, bytes + string.len())
        });
        let mut strings = match sharing {
            Sharing::Deduplicate => StringsBuilder::deduplicating(count, bytes),
            Sharing::Append => StringsBuilder::appending(bytes),
        };
        let functions = freeze_functions(&mut strings, &self.functions);
        let classes = NameMap::new(&mut strings, entries(&self.classes), |strings, class| {
            ClassInfo {
                bases: class
                    .bases
                    .iter()
                    .map(|base| strings.intern(base))
                    .collect(),
                methods: freeze_functions(strings, &class.methods),
                attributes: freeze_names(strings, &class.attributes),
            }
        });
        let imports = freeze_names(&mut strings, &self.imports);
        ModuleSummary {
            name: self.name.as_str().into(),
            is_package: self.is_package,
            strings: strings.finish(),
            functions,
            classes,
            imports,
        }
    }

    /// Every string the frozen summary holds, repeats included (to size its arena).
    fn strings<'a>(&'a self) -> impl Iterator<Item = &'a str> {
        let function_strings = |(name, function): (&'a String, &'a FunctionInfo<'static>)| {
            std::iter::once(name.as_str()).chain(function.returns.as_deref())
        };
        let name_strings =
            |(name, target): (&'a String, &'a String)| [name.as_str(), target.as_str()];
        let class_strings = move |(name, class): (&'a String, &'a ClassBuilder)| {
            std::iter::once(name.as_str())
                .chain(class.bases.iter().map(String::as_str))
                .chain(class.methods.iter().flat_map(function_strings))
                .chain(class.attributes.iter().flat_map(name_strings))
        };
        self.functions
            .iter()
            .flat_map(function_strings)
            .chain(self.classes.iter().flat_map(class_strings))
            .chain(self.imports.iter().flat_map(name_strings))
    }

    /// The builder a frozen summary was made from (up to map order), to merge into.
    fn thaw(summary: &ModuleSummary) -> Self {
        let strings = &summary.strings;
        let thaw_function = |function: &StoredFunction| owned(function.load(strings));
        let thaw_names = |names: &NameMap<Text>| -> HashMap<String, String> {
            names
                .iter(strings)
                .map(|(name, target)| (name.to_string(), strings.get(*target).to_string()))
                .collect()
        };
        let classes = summary.classes.iter(strings).map(|(name, class)| {
            let class = ClassBuilder {
                bases: summary.bases(class).map(str::to_string).collect(),
                methods: class
                    .methods
                    .iter(strings)
                    .map(|(name, method)| (name.to_string(), thaw_function(method)))
                    .collect(),
                attributes: thaw_names(&class.attributes),
            };
            (name.to_string(), class)
        });
        SummaryBuilder {
            name: summary.name.to_string(),
            is_package: summary.is_package,
            functions: summary
                .functions
                .iter(strings)
                .map(|(name, function)| (name.to_string(), thaw_function(function)))
                .collect(),
            classes: classes.collect(),
            imports: thaw_names(&summary.imports),
        }
    }

    fn merge(&mut self, other: SummaryBuilder) {
        for (name, info) in other.functions {
            self.functions
                .entry(name)
                .and_modify(|known| known.is_async &= info.is_async)
                .or_insert(info);
        }
        for (name, class) in other.classes {
            self.classes.entry(name).or_insert(class);
        }
        for (name, target) in other.imports {
            self.imports.entry(name).or_insert(target);
        }
    }

    fn collect_imports(&mut self, body: &[Stmt]) {
        for stmt in top_level_statements(body) {
            for (local, qualified) in import_bindings(stmt, &self.name, self.is_package) {
                self.imports.entry(local).or_insert(qualified);
            }
        }
    }

    fn collect_definitions(&mut self, body: &[Stmt]) {
        let mut functions: HashMap<String, FunctionInfo<'static>> = HashMap::default();
        for stmt in top_level_statements(body) {
            match stmt {
                Stmt::FunctionDef(def) => merge_function(&mut functions, def, self),
                Stmt::ClassDef(class) => {
                    let info = self.summarize_class(class);
                    self.classes.insert(class.name.to_string(), info);
                }
                _ => {}
            }
        }
        self.functions = functions;
    }

    fn summarize_class(&self, class: &ast::StmtClassDef) -> ClassBuilder {
        let mut info = ClassBuilder::default();
        if let Some(arguments) = &class.arguments {
            info.bases = arguments
                .args
                .iter()
                .filter_map(|base| self.qualify(base))
                .collect();
        }
        for stmt in top_level_statements(&class.body) {
            match stmt {
                Stmt::FunctionDef(def) => {
                    merge_function(&mut info.methods, def, self);
                    collect_self_attributes(def, self, &mut info.attributes);
                }
                Stmt::Assign(assign) => {
                    if let Some(origin) = call_origin(&assign.value, self) {
                        for target in &assign.targets {
                            if let Expr::Name(name) = target {
                                info.attributes.insert(name.id.to_string(), origin.clone());
                            }
                        }
                    }
                }
                Stmt::AnnAssign(assign) => {
                    if let Expr::Name(name) = &*assign.target {
                        let origin = assign
                            .value
                            .as_deref()
                            .and_then(|value| call_origin(value, self))
                            .or_else(|| annotation_target(&assign.annotation, self));
                        if let Some(origin) = origin {
                            info.attributes.insert(name.id.to_string(), origin);
                        }
                    }
                }
                _ => {}
            }
        }
        info
    }

    /// Qualifies a dotted expression using only module-level names: imports, then the
    /// module's own functions and classes.
    fn qualify(&self, expr: &Expr) -> Option<String> {
        let name = dotted_name(expr)?;
        let (head, rest) = match name.split_once('.') {
            Some((head, rest)) => (head, Some(rest)),
            None => (name.as_str(), None),
        };
        let base = if let Some(target) = self.imports.get(head) {
            target.clone()
        } else if self.classes.contains_key(head) || self.functions.contains_key(head) {
            dotted(&[&self.name, head])
        } else {
            head.to_string()
        };
        Some(match rest {
            Some(rest) => dotted(&[&base, rest]),
            None => base,
        })
    }
}

/// A map's entries by name, to freeze.
fn entries<V>(map: &HashMap<String, V>) -> Vec<(&str, &V)> {
    map.iter()
        .map(|(name, value)| (name.as_str(), value))
        .collect()
}

fn freeze_functions<'s>(
    strings: &mut StringsBuilder<'s>,
    functions: &'s HashMap<String, FunctionInfo<'static>>,
) -> NameMap<StoredFunction> {
    NameMap::new(strings, entries(functions), |strings, function| {
        StoredFunction::store(function, strings)
    })
}

fn freeze_names<'s>(
    strings: &mut StringsBuilder<'s>,
    names: &'s HashMap<String, String>,
) -> NameMap<Text> {
    NameMap::new(strings, entries(names), |strings, target| {
        strings.intern(target)
    })
}

/// A function's info with its return annotation owned, to outlive its summary.
fn owned(function: FunctionInfo<'_>) -> FunctionInfo<'static> {
    FunctionInfo {
        returns: function
            .returns
            .map(|returns| Cow::Owned(returns.into_owned())),
        ..function
    }
}

fn merge_function(
    functions: &mut HashMap<String, FunctionInfo<'static>>,
    def: &ast::StmtFunctionDef,
    module: &SummaryBuilder,
) {
    let returns = def
        .returns
        .as_deref()
        .and_then(|returns| annotation_target(returns, module));
    let info = FunctionInfo::new(def, returns);
    // A name defined both sync and async (e.g. under `if sys.version_info`) is only
    // trusted to be a coroutine function when every definition is async.
    functions
        .entry(def.name.to_string())
        .and_modify(|known| {
            known.is_async &= info.is_async;
            known.self_limited &= info.self_limited;
            if known.returns != info.returns {
                known.returns = None;
            }
            known.raises &= info.raises;
        })
        .or_insert(info);
}

/// `self.x = Callee(...)`, `self.x: T = ...`, and `self.x = param` where the method's
/// parameter is annotated (`def __init__(self, client: Client)`).
fn collect_self_attributes(
    def: &ast::StmtFunctionDef,
    module: &SummaryBuilder,
    attributes: &mut HashMap<String, String>,
) {
    let parameter_types: HashMap<&str, String> = def
        .parameters
        .iter_non_variadic_params()
        .filter_map(|parameter| {
            let annotation = parameter.parameter.annotation.as_deref()?;
            Some((
                parameter.parameter.name.as_str(),
                annotation_target(annotation, module)?,
            ))
        })
        .collect();
    for stmt in nested_statements(&def.body) {
        let (targets, origin): (Vec<&Expr>, Option<String>) = match stmt {
            Stmt::Assign(assign) => (
                assign.targets.iter().collect(),
                value_origin(&assign.value, module, &parameter_types),
            ),
            Stmt::AnnAssign(assign) => (
                vec![&*assign.target],
                annotation_target(&assign.annotation, module),
            ),
            _ => continue,
        };
        let Some(origin) = origin else {
            continue;
        };
        for target in targets {
            if let Expr::Attribute(attribute) = target {
                if matches!(&*attribute.value, Expr::Name(name) if name.id.as_str() == "self") {
                    attributes
                        .entry(attribute.attr.to_string())
                        .or_insert_with(|| origin.clone());
                }
            }
        }
    }
}

fn value_origin(
    value: &Expr,
    module: &SummaryBuilder,
    parameter_types: &HashMap<&str, String>,
) -> Option<String> {
    match value {
        Expr::Name(name) => parameter_types.get(name.id.as_str()).cloned(),
        // `self.client = client or Client()`
        Expr::BoolOp(bool_op) => bool_op
            .values
            .iter()
            .find_map(|value| value_origin(value, module, parameter_types)),
        _ => call_origin(value, module),
    }
}

/// The class an annotation names, qualified with the module's imports.
fn annotation_target(annotation: &Expr, module: &SummaryBuilder) -> Option<String> {
    annotated_class(annotation, &|expr| module.qualify(expr))
}

/// The class an annotation names: `Client`, `mod.Client`, `"Client"`,
/// `Optional[Client]`, `Client | None`. `qualify` resolves a dotted name in the
/// annotation's scope (the module for the index, the scopes for the checker).
pub fn annotated_class(
    annotation: &Expr,
    qualify: &dyn Fn(&Expr) -> Option<String>,
) -> Option<String> {
    match annotation {
        Expr::Name(_) | Expr::Attribute(_) => qualify(annotation),
        Expr::StringLiteral(string) => {
            let parsed = ruff_python_parser::parse_expression(string.value.to_str()).ok()?;
            match parsed.expr() {
                // A string inside a string annotation is not a class.
                Expr::StringLiteral(_) => None,
                inner => annotated_class(inner, qualify),
            }
        }
        Expr::Subscript(subscript) => {
            let outer = qualify(&subscript.value)?;
            if outer.ends_with("Optional") {
                annotated_class(&subscript.slice, qualify)
            } else {
                None
            }
        }
        Expr::BinOp(binop) if binop.right.is_none_literal_expr() => {
            annotated_class(&binop.left, qualify)
        }
        Expr::BinOp(binop) if binop.left.is_none_literal_expr() => {
            annotated_class(&binop.right, qualify)
        }
        _ => None,
    }
}

fn call_origin(value: &Expr, module: &SummaryBuilder) -> Option<String> {
    match value {
        Expr::Call(call) => module.qualify(&call.func),
        _ => None,
    }
}

/// True if the function body bounds its own concurrency: `async with sem:` or
/// `await sem.acquire()` on something that looks like a semaphore or limiter.
pub fn acquires_semaphore(body: &[Stmt]) -> bool {
    nested_statements(body).any(|stmt| match stmt {
        Stmt::With(with) if with.is_async => with
            .items
            .iter()
            .any(|item| looks_like_limiter(&item.context_expr)),
        Stmt::Expr(expr) => match &*expr.value {
            Expr::Await(await_expr) => match &*await_expr.value {
                Expr::Call(call) => match &*call.func {
                    Expr::Attribute(attr) => {
                        attr.attr.as_str() == "acquire" && looks_like_limiter(&attr.value)
                    }
                    _ => false,
                },
                _ => false,
            },
            _ => false,
        },
        _ => false,
    })
}

/// A name such as `sem`, `self._semaphore`, `limiter`, `rate_limit` or a call to
/// `asyncio.Semaphore(...)`.
pub fn looks_like_limiter(expr: &Expr) -> bool {
    let text = match expr {
        Expr::Call(call) => dotted_name(&call.func),
        other => dotted_name(other),
    };
    let Some(last) = text.as_deref().map(last_segment_lowercase) else {
        return false;
    };
    ["sem", "limit", "throttle", "concurren"]
        .iter()
        .any(|needle| last.contains(needle))
}

/// `self._Sem` → `_sem`: the last component of a dotted name, lowercased, for the
/// naming heuristics.
pub fn last_segment_lowercase(dotted: &str) -> String {
    dotted
        .rsplit('.')
        .next()
        .unwrap_or(dotted)
        .to_ascii_lowercase()
}

/// `a.b.c` for a chain of names and attributes.
pub fn dotted_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(name) => Some(name.id.to_string()),
        Expr::Attribute(attr) => {
            let mut base = dotted_name(&attr.value)?;
            base.push('.');
            base.push_str(attr.attr.as_str());
            Some(base)
        }
        _ => None,
    }
}

/// The bindings an import statement creates: `(local name, qualified target)`.
pub fn import_bindings(stmt: &Stmt, module: &str, is_package: bool) -> Vec<(String, String)> {
    match stmt {
        Stmt::Import(import) => import
            .names
            .iter()
            .map(|alias| match &alias.asname {
                Some(asname) => (asname.to_string(), alias.name.to_string()),
                // `import a.b.c` binds `a`, which refers to the package `a`.
                None => {
                    let full = alias.name.as_str();
                    let head = full.split('.').next().unwrap_or(full);
                    (head.to_string(), head.to_string())
                }
            })
            .collect(),
        Stmt::ImportFrom(import) => {
            let Some(base) = import_from_base(import, module, is_package) else {
                return Vec::new();
            };
            import
                .names
                .iter()
                .filter(|alias| alias.name.as_str() != "*")
                .map(|alias| {
                    let local = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                    let target = if base.is_empty() {
                        alias.name.to_string()
                    } else {
                        dotted(&[&base, &alias.name])
                    };
                    (local, target)
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The absolute module an `from X import ...` refers to.
fn import_from_base(
    import: &ast::StmtImportFrom,
    module: &str,
    is_package: bool,
) -> Option<String> {
    super::scan::absolute_import_base(
        import.level as usize,
        import.module.as_ref().map(|m| m.as_str()),
        module,
        is_package,
    )
}

/// Statements of a block, including those nested in `if`/`try`/`with`/`for`/`while`/
/// `match`, but not inside nested function or class bodies.
pub fn top_level_statements(body: &[Stmt]) -> impl Iterator<Item = &Stmt> {
    let mut stack: Vec<&Stmt> = body.iter().rev().collect();
    std::iter::from_fn(move || {
        let stmt = stack.pop()?;
        push_child_blocks(stmt, &mut stack, false);
        Some(stmt)
    })
}

/// Like [`top_level_statements`] but also descends into nested function bodies
/// (used for `self.x = ...` assignments and semaphore detection).
fn nested_statements(body: &[Stmt]) -> impl Iterator<Item = &Stmt> {
    let mut stack: Vec<&Stmt> = body.iter().rev().collect();
    std::iter::from_fn(move || {
        let stmt = stack.pop()?;
        push_child_blocks(stmt, &mut stack, true);
        Some(stmt)
    })
}

fn push_child_blocks<'a>(stmt: &'a Stmt, stack: &mut Vec<&'a Stmt>, into_functions: bool) {
    let mut push = |block: &'a [Stmt]| stack.extend(block.iter().rev());
    match stmt {
        Stmt::If(stmt_if) => {
            push(&stmt_if.body);
            for clause in &stmt_if.elif_else_clauses {
                push(&clause.body);
            }
        }
        Stmt::Try(stmt_try) => {
            push(&stmt_try.body);
            for handler in &stmt_try.handlers {
                let ast::ExceptHandler::ExceptHandler(handler) = handler;
                push(&handler.body);
            }
            push(&stmt_try.orelse);
            push(&stmt_try.finalbody);
        }
        Stmt::With(with) => push(&with.body),
        Stmt::For(stmt_for) => {
            push(&stmt_for.body);
            push(&stmt_for.orelse);
        }
        Stmt::While(stmt_while) => {
            push(&stmt_while.body);
            push(&stmt_while.orelse);
        }
        Stmt::Match(stmt_match) => {
            for case in &stmt_match.cases {
                push(&case.body);
            }
        }
        Stmt::FunctionDef(def) if into_functions => push(&def.body),
        _ => {}
    }
}

/// Every module summary of the project, by dotted module name.
///
/// A module is either summarized when it is added ([`ProjectIndex::insert`], for an
/// editor buffer or a single text), or registered with a loader and summarized the
/// first time a lookup reaches it ([`ProjectIndex::register`]): most modules of a large
/// project are never consulted, and parsing them all up front would cost as much as
/// linting them.
#[derive(Default)]
pub struct ProjectIndex {
    modules: HashMap<String, Entry>,
    /// Every name a coroutine function of the project (or of asyncio) can be called
    /// by, when the whole project was scanned: a call by any other name cannot create
    /// a coroutine, so it needs no resolution. `None`: unknown, resolve every call.
    coroutine_names: Option<std::sync::Arc<HashSet<String>>>,
}

/// Summaries are boxed: a large project registers thousands of modules, and looks
/// up few of them.
enum Entry {
    Ready(Box<ModuleSummary>),
    Lazy(LazyModule),
}

/// Summarizes the module of the name given on demand: `None` when it cannot be read
/// or parsed.
pub type Loader = Box<dyn Fn(&str) -> Option<ModuleSummary> + Send + Sync>;

struct LazyModule {
    load: Loader,
    summary: std::sync::OnceLock<Option<Box<ModuleSummary>>>,
}

impl std::fmt::Debug for ProjectIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectIndex")
            .field("modules", &self.modules.len())
            .finish()
    }
}

/// Something a qualified name resolved to.
#[derive(Clone, Debug)]
pub enum Symbol<'a> {
    Function(FunctionInfo<'a>),
    Class(&'a ClassInfo, &'a ModuleSummary),
    Module,
}

impl ProjectIndex {
    /// Adds a module. Two files with the same module name (scripts in different
    /// folders, say) are merged conservatively: a function counts as `async` only if
    /// every file that defines it says so.
    pub fn insert(&mut self, summary: ModuleSummary) {
        match self.modules.get_mut(summary.name()) {
            Some(Entry::Ready(known)) => known.merge(summary),
            _ => {
                self.modules
                    .insert(summary.name().to_string(), Entry::Ready(Box::new(summary)));
            }
        }
    }

    /// Registers a module by name, to be summarized by `load` when first looked up.
    /// The loader merges the files that share the name itself.
    pub fn register(&mut self, name: String, load: Loader) {
        let lazy = LazyModule {
            load,
            summary: std::sync::OnceLock::new(),
        };
        self.modules.insert(name, Entry::Lazy(lazy));
    }

    /// Hands the index the summary of a registered module that the lint pass has
    /// just parsed, so that the module's first lookup need not read and parse it
    /// again. Kept only under a name no lookup has loaded yet; `summary` must be what
    /// the module's loader would make of the same text.
    pub fn share(&self, name: &str, summary: &ModuleSummary) {
        let Some(Entry::Lazy(lazy)) = self.modules.get(name) else {
            return;
        };
        if lazy.summary.get().is_none() {
            let mut shared = summary.clone();
            shared.rename(name);
            // A lookup that loaded the module meanwhile wins; both are the same.
            let _ = lazy.summary.set(Some(Box::new(shared)));
        }
    }

    /// Declares every name a coroutine function of the project can be called by.
    pub fn set_coroutine_names(&mut self, names: std::sync::Arc<HashSet<String>>) {
        self.coroutine_names = Some(names);
    }

    /// Can a call whose callee ends in `name` (`name(..)`, `obj.name(..)`) create a
    /// coroutine? Always true when the names are unknown.
    pub fn may_name_coroutine(&self, name: &str) -> bool {
        self.coroutine_names
            .as_ref()
            .is_none_or(|names| names.contains(name))
    }

    pub fn len(&self) -> usize {
        self.modules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    pub fn module(&self, name: &str) -> Option<&ModuleSummary> {
        let (name, entry) = self.modules.get_key_value(name)?;
        match entry {
            Entry::Ready(summary) => Some(summary),
            Entry::Lazy(lazy) => lazy
                .summary
                .get_or_init(|| (lazy.load)(name).map(Box::new))
                .as_deref(),
        }
    }
}

/// Looks modules up in the file being linted first, then in the project index, so
/// that an editor buffer's unsaved text wins over the indexed copy.
#[derive(Clone, Copy)]
pub struct Modules<'a> {
    pub local: &'a ModuleSummary,
    pub index: &'a ProjectIndex,
}

impl<'a> Modules<'a> {
    fn module(&self, name: &str) -> Option<&'a ModuleSummary> {
        if name == self.local.name() {
            Some(self.local)
        } else {
            self.index.module(name)
        }
    }

    /// Resolves a qualified name such as `shop.client.fetch` or `shop.client.Client.get`.
    pub fn symbol(&self, qualified: &str) -> Option<Symbol<'a>> {
        self.symbol_at_depth(qualified, 0)
    }

    fn symbol_at_depth(&self, qualified: &str, depth: usize) -> Option<Symbol<'a>> {
        // Re-export chains are short; the bound stops import cycles.
        if depth > 8 {
            return None;
        }
        if self.module(qualified).is_some() {
            return Some(Symbol::Module);
        }
        let mut split = qualified.len();
        while let Some(dot) = qualified[..split].rfind('.') {
            let (module_name, rest) = (&qualified[..dot], &qualified[dot + 1..]);
            if let Some(module) = self.module(module_name) {
                return self.member(module, rest, depth);
            }
            split = dot;
        }
        None
    }

    fn member(&self, module: &'a ModuleSummary, path: &str, depth: usize) -> Option<Symbol<'a>> {
        let (head, rest) = match path.split_once('.') {
            Some((head, rest)) => (head, Some(rest)),
            None => (path, None),
        };
        if let Some(class) = module.class(head) {
            return match rest {
                None => Some(Symbol::Class(class, module)),
                Some(method) => self
                    .method(class, module, method, depth)
                    .map(Symbol::Function),
            };
        }
        if let (Some(function), None) = (module.function(head), rest) {
            return Some(Symbol::Function(function));
        }
        let target = module.import(head)?;
        let target = match rest {
            Some(rest) => dotted(&[target, rest]),
            None => target.to_string(),
        };
        self.symbol_at_depth(&target, depth + 1)
    }

    /// A method of a class, searched through its project-defined bases.
    pub fn method(
        &self,
        class: &'a ClassInfo,
        module: &'a ModuleSummary,
        name: &str,
        depth: usize,
    ) -> Option<FunctionInfo<'a>> {
        if let Some(method) = module.method(class, name) {
            return Some(method);
        }
        if depth > 8 {
            return None;
        }
        module.bases(class).find_map(|base| {
            let base = qualify_in(module, base);
            match self.symbol_at_depth(&base, depth + 1)? {
                Symbol::Class(base_class, base_module) => {
                    self.method(base_class, base_module, name, depth + 1)
                }
                _ => None,
            }
        })
    }

    /// The origin recorded for `self.<attr>` in a class or its project-defined bases.
    pub fn attribute(
        &self,
        class: &'a ClassInfo,
        module: &'a ModuleSummary,
        name: &str,
        depth: usize,
    ) -> Option<String> {
        if let Some(origin) = module.attribute(class, name) {
            return Some(origin.to_string());
        }
        if depth > 8 {
            return None;
        }
        module.bases(class).find_map(|base| {
            match self.symbol_at_depth(&qualify_in(module, base), depth + 1)? {
                Symbol::Class(base_class, base_module) => {
                    self.attribute(base_class, base_module, name, depth + 1)
                }
                _ => None,
            }
        })
    }

    /// Is this qualified name a class of the project?
    pub fn class(&self, qualified: &str) -> Option<(&'a ClassInfo, &'a ModuleSummary)> {
        match self.symbol(qualified)? {
            Symbol::Class(class, module) => Some((class, module)),
            _ => None,
        }
    }
}

/// Bases are stored already qualified; a bare name (a class of the same module that
/// was not yet known when qualified) is qualified against its module here.
fn qualify_in(module: &ModuleSummary, base: &str) -> String {
    if !base.contains('.') && module.has_class(base) {
        dotted(&[module.name(), base])
    } else {
        base.to_string()
    }
}

/// The dotted module name of a Python file: its path below the outermost directory
/// that still has an `__init__.py`, e.g. `src/shop/client.py` → `shop.client`.
/// Files outside any package are named by their stem.
pub fn module_name(path: &Path) -> (String, bool) {
    module_name_with(path, &|directory| directory.join("__init__.py").is_file())
}

/// [`module_name`], asking `is_package_directory` whether a directory has an
/// `__init__.py` (a run asks once per directory, not once per file).
pub fn module_name_with(
    path: &Path,
    is_package_directory: &dyn Fn(&Path) -> bool,
) -> (String, bool) {
    let is_package = path.file_name().is_some_and(|name| name == "__init__.py");
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut parts: Vec<String> = if is_package { Vec::new() } else { vec![stem] };
    let mut dir: Option<&Path> = path.parent();
    while let Some(current) = dir {
        if !is_package_directory(current) {
            break;
        }
        match current.file_name() {
            Some(name) => parts.push(name.to_string_lossy().into_owned()),
            None => break,
        }
        dir = current.parent();
    }
    parts.reverse();
    (parts.join("."), is_package)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(name: &str, source: &str) -> ModuleSummary {
        let parsed = super::super::parse(source).expect("test source parses");
        ModuleSummary::new(name, false, &parsed.syntax().body)
    }

    const CLIENT: &str = "
from shop.models import Item
import asyncio as aio

async def fetch():
    pass

def make() -> Item:
    raise ValueError

class Client(Base, aio.Protocol):
    pool = Item()

    async def get(self):
        async with self._sem:
            pass

    def __init__(self, item: Item):
        self.item = item

class Base:
    pass
";

    /// A loader that counts its calls and summarizes `CLIENT`.
    fn counting_loader(calls: &std::sync::Arc<std::sync::atomic::AtomicUsize>) -> Loader {
        let calls = std::sync::Arc::clone(calls);
        Box::new(move |name| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Some(summary(name, CLIENT))
        })
    }

    #[test]
    fn a_shared_summary_spares_the_loader_only_until_a_lookup_has_loaded_the_module() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = std::sync::Arc::new(AtomicUsize::new(0));
        let mut index = ProjectIndex::default();
        index.register("shop.client".into(), counting_loader(&calls));
        index.register("client".into(), counting_loader(&calls));
        index.register("shop.other".into(), counting_loader(&calls));

        // The lint pass made its summary under the module's dotted name; each
        // registered name gets it under its own name.
        let linted = summary("shop.client", "async def shared(): pass\n");
        index.share("shop.client", &linted);
        index.share("client", &linted);
        index.share("shop.unregistered", &linted);
        let client = index.module("shop.client").unwrap();
        assert_eq!(client.name(), "shop.client");
        assert!(client.function("shared").is_some() && client.function("fetch").is_none());
        assert_eq!(index.module("client").unwrap().name(), "client");
        assert!(index.module("shop.unregistered").is_none());
        assert_eq!(calls.load(Ordering::Relaxed), 0);

        // A module a lookup loaded keeps what its loader made.
        assert!(index
            .module("shop.other")
            .unwrap()
            .function("fetch")
            .is_some());
        index.share("shop.other", &linted);
        let other = index.module("shop.other").unwrap();
        assert!(other.function("fetch").is_some() && other.function("shared").is_none());
        assert_eq!(calls.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn a_frozen_summary_answers_every_lookup_of_its_source() {
        let client = summary("shop.client", CLIENT);
        assert_eq!(client.name(), "shop.client");
        assert!(!client.is_package());

        let fetch = client.function("fetch").unwrap();
        assert!(fetch.is_async && fetch.returns.is_none() && !fetch.raises);
        let make = client.function("make").unwrap();
        assert!(!make.is_async && make.raises);
        assert_eq!(make.returns.as_deref(), Some("shop.models.Item"));
        assert!(client.function("Client").is_none());

        assert!(client.has_class("Client") && !client.has_class("fetch"));
        let class = client.class("Client").unwrap();
        let bases: Vec<&str> = client.bases(class).collect();
        assert_eq!(bases, ["Base", "asyncio.Protocol"]);
        assert!(client.method(class, "get").unwrap().self_limited);
        assert!(client.method(class, "fetch").is_none());
        assert_eq!(client.attribute(class, "pool"), Some("shop.models.Item"));
        assert_eq!(client.attribute(class, "item"), Some("shop.models.Item"));
        assert_eq!(client.attribute(class, "get"), None);

        assert_eq!(client.import("aio"), Some("asyncio"));
        assert_eq!(client.import("fetch"), None);
        let imports: Vec<(&str, &str)> = client.imports().collect();
        assert_eq!(imports, [("aio", "asyncio"), ("Item", "shop.models.Item")]);
    }

    #[test]
    fn a_summary_for_linting_answers_like_the_indexed_one() {
        let parsed = super::super::parse(CLIENT).expect("test source parses");
        let linted = ModuleSummary::for_lint("shop.client", false, &parsed.syntax().body);
        let indexed = summary("shop.client", CLIENT);
        assert!(linted.imports().eq(indexed.imports()));
        assert_eq!(linted.function("make"), indexed.function("make"));
        let (class, indexed_class) = (
            linted.class("Client").unwrap(),
            indexed.class("Client").unwrap(),
        );
        assert!(linted.bases(class).eq(indexed.bases(indexed_class)));
        assert_eq!(linted.attribute(class, "item"), Some("shop.models.Item"));
        assert_eq!(
            linted.method(class, "get"),
            indexed.method(indexed_class, "get")
        );
    }

    #[test]
    fn the_same_definitions_in_another_order_give_an_equal_summary() {
        let forward = summary(
            "m",
            "import b\nimport a\ndef f(): pass\nasync def g(): pass\n",
        );
        let backward = summary(
            "m",
            "async def g(): pass\ndef f(): pass\nimport a\nimport b\n",
        );
        assert_eq!(forward, backward);
        assert_ne!(forward, summary("m", "def f(): pass\ndef g(): pass\n"));
    }

    #[test]
    fn merging_keeps_the_first_files_names_and_trusts_async_only_when_both_agree() {
        let mut merged = summary(
            "m",
            "import x as shared\nasync def both(): pass\nasync def first(): pass\nclass C: pass\n",
        );
        merged.merge(summary(
            "other",
            "import y as shared\ndef both(): pass\nasync def second(): pass\nclass C(B): pass\n",
        ));
        assert_eq!(merged.name(), "m");
        assert!(!merged.function("both").unwrap().is_async);
        assert!(merged.function("first").unwrap().is_async);
        assert!(merged.function("second").unwrap().is_async);
        assert_eq!(merged.import("shared"), Some("x"));
        let class = merged.class("C").unwrap();
        assert_eq!(merged.bases(class).count(), 0);
    }
}
