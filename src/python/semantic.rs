//! The semantic model the Python rules query: scopes, bindings, qualified names of
//! callees (following imports and aliases), value origins and the async context.
//!
//! Rules never resolve names themselves; they ask "what is the qualified name of this
//! callee?" (`time.sleep` for `t.sleep` after `import time as t`) or "what produced
//! this value?" (`threading.Lock` for `self._lock`).

use super::names::dotted;
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

use ruff_python_ast::{self as ast, Expr, Stmt};

use super::index::{
    annotated_class, import_bindings, top_level_statements, FunctionInfo, Modules, Symbol,
};

/// What a name is bound to in a scope. When a scope binds a name several times, the
/// most telling binding is kept (see [`Binding::rank`]).
#[derive(Clone, Debug)]
pub enum Binding<'a> {
    Function(&'a ast::StmtFunctionDef, String),
    Class(String),
    Import(String),
    /// `x = <expr>` or `with <expr> as x`.
    Value(&'a Expr),
    /// A parameter, with its annotation; `self`/`cls` carry their class.
    Parameter {
        annotation: Option<&'a Expr>,
        class: Option<String>,
    },
    /// `*args`: a fixed argument list, as long as the call site made it.
    VarArgs,
    /// A loop variable, an exception name, a tuple target: nothing known.
    Other,
}

impl Binding<'_> {
    /// A local `def` shadows an import of the same name; an import wins over a
    /// fallback value (`try: import ujson as json` / `except: json = None`).
    fn rank(&self) -> u8 {
        match self {
            Binding::Function(..) | Binding::Class(_) => 5,
            Binding::Import(_) => 4,
            Binding::Parameter { .. } | Binding::VarArgs => 3,
            Binding::Value(Expr::Call(_)) => 2,
            Binding::Value(_) => 1,
            Binding::Other => 0,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum ScopeKind<'a> {
    Module,
    Class(&'a ast::StmtClassDef),
    Function(&'a ast::StmtFunctionDef),
    Lambda,
}

#[derive(Debug)]
pub struct Scope<'a> {
    pub kind: ScopeKind<'a>,
    /// Qualified name of the scope's owner: `mod`, `mod.Class`, `mod.func.<locals>`.
    pub qualified: String,
    bindings: HashMap<&'a str, Binding<'a>>,
}

impl<'a> Scope<'a> {
    fn bind(&mut self, name: &'a str, binding: Binding<'a>) {
        match self.bindings.get(name) {
            Some(known) if known.rank() >= binding.rank() => {}
            _ => {
                self.bindings.insert(name, binding);
            }
        }
    }
}

/// Scopes from the module down to the node being visited.
pub struct Semantic<'a> {
    pub modules: Modules<'a>,
    scopes: Vec<Scope<'a>>,
}

/// Qualified names stop growing at this length. Only absurdly nested code reaches
/// it, a name that long identifies nothing in the index anyway, and growing it with
/// every level would take memory quadratic in the nesting depth.
const MAX_QUALIFIED_LEN: usize = 512;

/// `parent.child`, or `parent` itself once it is [`MAX_QUALIFIED_LEN`] long.
fn nested_name(parent: &str, child: &str) -> String {
    if parent.len() >= MAX_QUALIFIED_LEN {
        parent.to_string()
    } else {
        dotted(&[parent, child])
    }
}

/// How deep value origins are followed (`a = b; b = c; ...`).
const MAX_ORIGIN_DEPTH: usize = 6;

impl<'a> Semantic<'a> {
    pub fn new(modules: Modules<'a>, body: &'a [Stmt]) -> Self {
        let mut semantic = Semantic {
            modules,
            scopes: Vec::new(),
        };
        let mut scope = Scope {
            kind: ScopeKind::Module,
            qualified: modules.local.name().to_string(),
            bindings: HashMap::default(),
        };
        semantic.collect_block(&mut scope, body);
        semantic.scopes.push(scope);
        semantic
    }

    pub fn module_name(&self) -> &str {
        self.modules.local.name()
    }

    // ----- scope management (driven by the checker) -----

    pub fn push_function(&mut self, def: &'a ast::StmtFunctionDef) {
        let parent = self.current();
        let qualified = match parent.kind {
            ScopeKind::Class(_) => nested_name(&parent.qualified, &def.name),
            _ => nested_name(&parent.qualified, &dotted(&[&def.name, "<locals>"])),
        };
        let enclosing_class = match parent.kind {
            ScopeKind::Class(_) if !has_decorator(def, "staticmethod") => {
                Some(parent.qualified.clone())
            }
            _ => None,
        };
        let mut scope = Scope {
            kind: ScopeKind::Function(def),
            qualified,
            bindings: HashMap::default(),
        };
        bind_parameters(&mut scope, &def.parameters, enclosing_class);
        let globals = declared_globals(&def.body);
        self.collect_block(&mut scope, &def.body);
        for name in globals {
            scope.bindings.remove(name);
        }
        self.scopes.push(scope);
    }

    pub fn push_class(&mut self, class: &'a ast::StmtClassDef) {
        let parent = self.current();
        let qualified = nested_name(&parent.qualified, &class.name);
        let mut scope = Scope {
            kind: ScopeKind::Class(class),
            qualified,
            bindings: HashMap::default(),
        };
        self.collect_block(&mut scope, &class.body);
        self.scopes.push(scope);
    }

    pub fn push_lambda(&mut self, lambda: &'a ast::ExprLambda) {
        let mut scope = Scope {
            kind: ScopeKind::Lambda,
            qualified: nested_name(&self.current().qualified, "<lambda>"),
            bindings: HashMap::default(),
        };
        if let Some(parameters) = &lambda.parameters {
            bind_parameters(&mut scope, parameters, None);
        }
        self.scopes.push(scope);
    }

    pub fn pop(&mut self) {
        self.scopes.pop();
    }

    fn current(&self) -> &Scope<'a> {
        self.scopes
            .last()
            .expect("the module scope is never popped")
    }

    /// Binds every name a block defines, before the block is visited, so a call may
    /// refer to a function defined further down.
    fn collect_block(&self, scope: &mut Scope<'a>, body: &'a [Stmt]) {
        let module = self.modules.local;
        for stmt in top_level_statements(body) {
            match stmt {
                Stmt::Import(_) | Stmt::ImportFrom(_) => {
                    for (local, qualified) in
                        import_bindings(stmt, module.name(), module.is_package())
                    {
                        // Leak-free: the local name is an identifier of the AST, but
                        // `import a.b` binds only its head, so look it up in the AST text.
                        if let Some(name) = import_local_name(stmt, &local) {
                            scope.bind(name, Binding::Import(qualified));
                        }
                    }
                }
                Stmt::FunctionDef(def) => {
                    let qualified = nested_name(&scope.qualified, &def.name);
                    scope.bind(def.name.as_str(), Binding::Function(def, qualified));
                }
                Stmt::ClassDef(class) => {
                    let qualified = nested_name(&scope.qualified, &class.name);
                    scope.bind(class.name.as_str(), Binding::Class(qualified));
                }
                Stmt::Assign(assign) => {
                    for target in &assign.targets {
                        bind_target(scope, target, Some(&assign.value));
                    }
                }
                Stmt::AnnAssign(assign) => match (&*assign.target, &assign.value) {
                    (Expr::Name(name), Some(value)) if value.is_call_expr() => {
                        scope.bind(name.id.as_str(), Binding::Value(value));
                    }
                    (Expr::Name(name), _) => scope.bind(
                        name.id.as_str(),
                        Binding::Parameter {
                            annotation: Some(&assign.annotation),
                            class: None,
                        },
                    ),
                    _ => {}
                },
                Stmt::AugAssign(assign) => bind_target(scope, &assign.target, None),
                Stmt::For(stmt_for) => bind_target(scope, &stmt_for.target, None),
                Stmt::With(with) => {
                    for item in &with.items {
                        if let Some(vars) = &item.optional_vars {
                            bind_target(scope, vars, Some(&item.context_expr));
                        }
                    }
                }
                Stmt::Try(stmt_try) => {
                    for handler in &stmt_try.handlers {
                        let ast::ExceptHandler::ExceptHandler(handler) = handler;
                        if let Some(name) = &handler.name {
                            scope.bind(name.as_str(), Binding::Other);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    // ----- questions rules ask -----

    /// True when code at this point runs on the event loop: the innermost function
    /// is an `async def` (a nested sync `def`, a `lambda` or a class body is not).
    pub fn in_async_function(&self) -> bool {
        self.scopes.iter().rev().find_map(|scope| match scope.kind {
            ScopeKind::Function(def) => Some(def.is_async),
            ScopeKind::Lambda | ScopeKind::Class(_) => Some(false),
            ScopeKind::Module => None,
        }) == Some(true)
    }

    /// The innermost enclosing function definition, if any.
    pub fn current_function(&self) -> Option<&'a ast::StmtFunctionDef> {
        match self.current().kind {
            ScopeKind::Function(def) => Some(def),
            _ => None,
        }
    }

    /// The class whose method is being visited, if any.
    pub fn enclosing_class(&self) -> Option<&'a ast::StmtClassDef> {
        self.scopes.iter().rev().find_map(|scope| match scope.kind {
            ScopeKind::Class(class) => Some(class),
            _ => None,
        })
    }

    /// Does the module import `trio` without importing `asyncio`?
    pub fn is_trio_only_module(&self) -> bool {
        let top_level_packages = || {
            self.modules
                .local
                .imports()
                .map(|(_, target)| target.split('.').next().unwrap_or(target))
        };
        top_level_packages().any(|package| package == "trio")
            && !top_level_packages().any(|package| package == "asyncio")
    }

    /// The function a callee refers to: a `def` in scope (nested ones included, a
    /// local definition shadowing any import), or a function or method of the
    /// project reached through imports, `self`, or a value's origin.
    pub fn function(&self, callee: &Expr) -> Option<FunctionInfo<'a>> {
        self.function_at_depth(callee, 0)
    }

    fn function_at_depth(&self, callee: &Expr, depth: usize) -> Option<FunctionInfo<'a>> {
        if let Expr::Name(name) = callee {
            if let Some(Binding::Function(def, _)) = self.lookup(name.id.as_str()) {
                let returns = def
                    .returns
                    .as_deref()
                    .and_then(|returns| self.annotation_name(returns, depth + 1));
                return Some(FunctionInfo::new(def, returns));
            }
        }
        let qualified = self.qualified_at_depth(callee, depth)?;
        match self.modules.symbol(&qualified)? {
            Symbol::Function(info) => Some(info),
            _ => None,
        }
    }

    /// Is this callee declared `-> NoReturn` / `-> Never` (so a call always raises)?
    pub fn never_returns(&self, callee: &Expr) -> bool {
        self.function(callee)
            .and_then(|function| function.returns)
            .is_some_and(|returns| {
                matches!(
                    &*returns,
                    "typing.NoReturn"
                        | "typing.Never"
                        | "typing_extensions.NoReturn"
                        | "typing_extensions.Never"
                )
            })
    }

    pub fn at_module_level(&self) -> bool {
        matches!(self.current().kind, ScopeKind::Module)
    }

    /// Looks a name up the way Python does: the current scope, enclosing functions
    /// (class bodies are skipped unless they are the current scope), the module.
    pub fn lookup(&self, name: &str) -> Option<&Binding<'a>> {
        let innermost = self.scopes.len() - 1;
        self.scopes
            .iter()
            .enumerate()
            .rev()
            .filter(|(depth, scope)| {
                *depth == innermost || !matches!(scope.kind, ScopeKind::Class(_))
            })
            .find_map(|(_, scope)| scope.bindings.get(name))
    }

    /// The fully-qualified name an expression refers to: `time.sleep` for `t.sleep`
    /// after `import time as t`, `builtins.open` for an unbound `open`,
    /// `requests.Session.get` for `s.get` after `s = requests.Session()`,
    /// `pkg.mod.Class.method` for `self.method` inside `Class`.
    pub fn qualified_name(&self, expr: &Expr) -> Option<String> {
        self.qualified_at_depth(expr, 0)
    }

    fn qualified_at_depth(&self, expr: &Expr, depth: usize) -> Option<String> {
        match expr {
            Expr::Name(name) => match self.lookup(name.id.as_str()) {
                Some(Binding::Function(_, qualified))
                | Some(Binding::Class(qualified))
                | Some(Binding::Import(qualified)) => Some(qualified.clone()),
                Some(_) => None,
                None => Some(dotted(&["builtins", &name.id])),
            },
            Expr::Attribute(attr) => {
                let base = self
                    .symbolic_name(&attr.value)
                    .or_else(|| self.origin_at_depth(&attr.value, depth + 1))?;
                Some(dotted(&[&base, &attr.attr]))
            }
            _ => None,
        }
    }

    /// Like [`Self::qualified_name`] but only through imports and definitions, never
    /// through values (used as the base of an attribute chain).
    fn symbolic_name(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Name(name) => match self.lookup(name.id.as_str())? {
                Binding::Function(_, qualified)
                | Binding::Class(qualified)
                | Binding::Import(qualified) => Some(qualified.clone()),
                _ => None,
            },
            Expr::Attribute(attr) => Some(dotted(&[&self.symbolic_name(&attr.value)?, &attr.attr])),
            _ => None,
        }
    }

    /// The qualified name of whatever produced this value: the callee of
    /// `x = Callee(...)`, a parameter's annotation, the class of `self`, the recorded
    /// origin of `self.attr`.
    pub fn origin(&self, expr: &Expr) -> Option<String> {
        self.origin_at_depth(expr, 0)
    }

    fn origin_at_depth(&self, expr: &Expr, depth: usize) -> Option<String> {
        if depth > MAX_ORIGIN_DEPTH {
            return None;
        }
        match expr {
            Expr::Call(call) => self.call_result(call, depth + 1),
            Expr::Name(name) => match self.lookup(name.id.as_str())? {
                Binding::Value(value) => self.origin_at_depth(value, depth + 1),
                Binding::Parameter {
                    class: Some(class), ..
                } => Some(class.clone()),
                Binding::Parameter {
                    annotation: Some(annotation),
                    ..
                } => self.annotation_name(annotation, depth + 1),
                _ => None,
            },
            // `Path(p) if local else None`: either branch tells what it is.
            Expr::If(if_expr) => self
                .origin_at_depth(&if_expr.body, depth + 1)
                .or_else(|| self.origin_at_depth(&if_expr.orelse, depth + 1)),
            Expr::Attribute(attr) => {
                let owner = self.origin_at_depth(&attr.value, depth + 1)?;
                let (class, module) = self.modules.class(&owner)?;
                self.modules.attribute(class, module, attr.attr.as_str(), 0)
            }
            _ => None,
        }
    }

    /// What a call produces: an instance of the class it constructs, the declared
    /// return type of a sync function of the project, or (for callees outside the
    /// project) the callee itself, e.g. `threading.Lock`, `asyncio.get_event_loop`.
    fn call_result(&self, call: &ast::ExprCall, depth: usize) -> Option<String> {
        match self.function_at_depth(&call.func, depth) {
            Some(function) => function.returns.map(Cow::into_owned),
            None => self.qualified_at_depth(&call.func, depth),
        }
    }

    /// `Path`, `Optional[Path]`, `Path | None` and `"Path"` all name `pathlib.Path`.
    fn annotation_name(&self, annotation: &Expr, depth: usize) -> Option<String> {
        if depth > MAX_ORIGIN_DEPTH {
            return None;
        }
        annotated_class(annotation, &|expr| self.qualified_at_depth(expr, depth + 1))
    }

    /// The value a plain name was assigned from, if the binding is a single value.
    pub fn assigned_value(&self, name: &str) -> Option<&'a Expr> {
        match self.lookup(name)? {
            Binding::Value(value) => Some(value),
            _ => None,
        }
    }
}

fn bind_parameters<'a>(
    scope: &mut Scope<'a>,
    parameters: &'a ast::Parameters,
    class: Option<String>,
) {
    let mut first = true;
    for parameter in parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .chain(&parameters.kwonlyargs)
    {
        let class = if first { class.clone() } else { None };
        first = false;
        scope.bind(
            parameter.parameter.name.as_str(),
            Binding::Parameter {
                annotation: parameter.parameter.annotation.as_deref(),
                class,
            },
        );
    }
    if let Some(vararg) = &parameters.vararg {
        scope.bind(vararg.name.as_str(), Binding::VarArgs);
    }
    if let Some(kwarg) = &parameters.kwarg {
        scope.bind(kwarg.name.as_str(), Binding::Other);
    }
}

fn bind_target<'a>(scope: &mut Scope<'a>, target: &'a Expr, value: Option<&'a Expr>) {
    match target {
        Expr::Name(name) => {
            let binding = value.map_or(Binding::Other, Binding::Value);
            scope.bind(name.id.as_str(), binding);
        }
        Expr::Tuple(tuple) => {
            for element in &tuple.elts {
                bind_target(scope, element, None);
            }
        }
        Expr::List(list) => {
            for element in &list.elts {
                bind_target(scope, element, None);
            }
        }
        Expr::Starred(starred) => bind_target(scope, &starred.value, None),
        _ => {}
    }
}

/// The identifier in the import statement that binds `local`.
fn import_local_name<'a>(stmt: &'a Stmt, local: &str) -> Option<&'a str> {
    let names = match stmt {
        Stmt::Import(import) => &import.names,
        Stmt::ImportFrom(import) => &import.names,
        _ => return None,
    };
    names.iter().find_map(|alias| {
        let bound = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
        let bound = bound.split('.').next().unwrap_or(bound);
        (bound == local).then_some(bound)
    })
}

fn declared_globals(body: &[Stmt]) -> Vec<&str> {
    top_level_statements(body)
        .flat_map(|stmt| match stmt {
            Stmt::Global(global) => global.names.iter().map(|n| n.as_str()).collect(),
            Stmt::Nonlocal(nonlocal) => nonlocal.names.iter().map(|n| n.as_str()).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// Does the function carry `@name` or `@something.name`?
pub fn has_decorator(def: &ast::StmtFunctionDef, name: &str) -> bool {
    def.decorator_list.iter().any(|decorator| {
        let expr = match &decorator.expression {
            Expr::Call(call) => &*call.func,
            other => other,
        };
        match expr {
            Expr::Name(n) => n.id.as_str() == name,
            Expr::Attribute(a) => a.attr.as_str() == name,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_names_stop_growing_at_the_cap() {
        assert_eq!(nested_name("shop", "client"), "shop.client");
        let mut name = "mod".to_string();
        for _ in 0..10_000 {
            name = nested_name(&name, "<lambda>");
        }
        assert!(
            name.len() < MAX_QUALIFIED_LEN + "<lambda>".len() + 1,
            "{}",
            name.len()
        );
        assert!(name.starts_with("mod.<lambda>.<lambda>"));
    }
}
