//! Name resolution for one file: `use` declarations (with renames and globs), the
//! items of each module, and local bindings that shadow both. Paths resolve to a
//! canonical string: `std::thread::sleep`, or `crate::net::fetch` for the crate's
//! own items.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// What the rules know about a local binding (`let`, parameter, loop variable).
#[derive(Clone, Debug, Default)]
pub struct Local {
    /// Fully-qualified type when visible (`let c = Command::new(..)`, `rx: Receiver<T>`).
    pub ty: Option<String>,
    /// Bound to the `JoinHandle` of a task spawned in this function.
    pub join_handle: bool,
    /// A collection of such handles (`handles.push(tokio::spawn(..))`).
    pub join_handles: bool,
    /// A collection of per-item futures built from an unbounded collection, with no
    /// limit: where it was filled, for AL301 at the `join_all` that runs them.
    pub unbounded_futures: bool,
    /// A collection of known small size: a literal array or `vec![..]`, or a batch
    /// (`for chunk in xs.chunks(50)`).
    pub bounded_collection: bool,
    /// How many per-item loops enclose the binding: a value bound inside a loop's
    /// body is a fresh one on every iteration.
    pub loop_depth: usize,
}

#[derive(Debug, Default)]
struct Scope {
    /// Local name → canonical path, from `use` declarations.
    uses: HashMap<String, String>,
    /// `use some::module::*` prefixes.
    globs: Vec<String>,
    /// Items (fns, types, modules) declared directly in this module or block.
    items: HashSet<String>,
    locals: HashMap<String, Local>,
    /// A module boundary: names of enclosing scopes are not visible past it.
    is_module: bool,
}

/// The stack of scopes at the current point of the walk.
#[derive(Debug, Default)]
pub struct Scopes {
    stack: Vec<Scope>,
    /// The current module path inside the crate.
    module: Vec<String>,
    /// The canonical self types of the enclosing `impl` blocks, innermost last.
    impl_types: Vec<String>,
}

impl Scopes {
    /// Scopes for a file whose module path in its crate is `module`.
    pub fn for_module(module: &[String]) -> Self {
        Scopes {
            module: module.to_vec(),
            ..Scopes::default()
        }
    }

    /// Enters a module (the file, or an inline `mod`) with its items.
    pub fn push_module(&mut self, name: Option<&str>, items: &[syn::Item]) {
        if let Some(name) = name {
            self.module.push(name.to_string());
        }
        self.stack.push(Scope {
            is_module: true,
            ..Scope::default()
        });
        self.declare_items(items.iter());
    }

    pub fn pop_module(&mut self, named: bool) {
        self.stack.pop();
        if named {
            self.module.pop();
        }
    }

    /// Enters a block, declaring the items and `use`s among its statements.
    pub fn push_block(&mut self, stmts: &[syn::Stmt]) {
        self.stack.push(Scope::default());
        self.declare_items(stmts.iter().filter_map(|stmt| match stmt {
            syn::Stmt::Item(item) => Some(item),
            _ => None,
        }));
    }

    pub fn pop_block(&mut self) {
        self.stack.pop();
    }

    pub fn push_impl(&mut self, self_ty: &syn::Type) {
        let canonical = match self_ty {
            syn::Type::Path(path) if path.qself.is_none() => self.resolve(&path.path),
            _ => None,
        };
        let canonical = canonical
            .or_else(|| super::index::type_name(self_ty))
            .unwrap_or_default();
        self.impl_types.push(canonical);
    }

    pub fn pop_impl(&mut self) {
        self.impl_types.pop();
    }

    /// The canonical self type of the innermost `impl` block.
    pub fn impl_type(&self) -> Option<&str> {
        self.impl_types.last().map(String::as_str)
    }

    pub fn module(&self) -> &[String] {
        &self.module
    }

    fn declare_items<'i>(&mut self, items: impl Iterator<Item = &'i syn::Item>) {
        let mut uses = Vec::new();
        for item in items {
            match item {
                syn::Item::Use(item_use) => uses.push(item_use),
                other => {
                    if let Some(name) = item_name(other) {
                        self.top().items.insert(name);
                    }
                }
            }
        }
        // Items first, so `use net::client;` can see the child module `net`.
        for item_use in uses {
            let mut prefix = Vec::new();
            if item_use.leading_colon.is_some() {
                prefix.push(String::new());
            }
            self.declare_use_tree(&item_use.tree, &mut prefix);
        }
    }

    fn declare_use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.declare_use_tree(&path.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                let ident = name.ident.to_string();
                if ident == "self" {
                    if let Some(last) = prefix.last().cloned() {
                        let target = self.canonical_use(prefix);
                        self.top().uses.insert(last, target);
                    }
                } else {
                    prefix.push(ident.clone());
                    let target = self.canonical_use(prefix);
                    prefix.pop();
                    self.top().uses.insert(ident, target);
                }
            }
            syn::UseTree::Rename(rename) => {
                let ident = rename.ident.to_string();
                let target = if ident == "self" {
                    self.canonical_use(prefix)
                } else {
                    prefix.push(ident);
                    let target = self.canonical_use(prefix);
                    prefix.pop();
                    target
                };
                if rename.rename != "_" {
                    self.top().uses.insert(rename.rename.to_string(), target);
                }
            }
            syn::UseTree::Glob(_) => {
                let target = self.canonical_use(prefix);
                self.top().globs.push(target);
            }
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.declare_use_tree(tree, prefix);
                }
            }
        }
    }

    /// A `use` path made absolute: `self::`, `super::`, `crate::` and child modules
    /// of the current module become `crate::...`.
    fn canonical_use(&self, segments: &[String]) -> String {
        let Some(first) = segments.first() else {
            return String::new();
        };
        if first.is_empty() {
            return segments[1..].join("::");
        }
        let in_module = |rest: &[String]| self.module_path(&self.module, rest);
        match first.as_str() {
            "crate" => segments.join("::"),
            "self" => in_module(&segments[1..]),
            "super" => self.relative_to_super(segments),
            _ if self.module_items().contains(first) => in_module(segments),
            _ => segments.join("::"),
        }
    }

    fn relative_to_super(&self, segments: &[String]) -> String {
        let supers = segments.iter().take_while(|s| *s == "super").count();
        let keep = self.module.len().saturating_sub(supers);
        self.module_path(&self.module[..keep], &segments[supers..])
    }

    fn module_path(&self, module: &[String], rest: &[String]) -> String {
        let mut path = vec!["crate".to_string()];
        path.extend(module.iter().cloned());
        path.extend(rest.iter().cloned());
        path.join("::")
    }

    /// The items of the innermost module.
    fn module_items(&self) -> &HashSet<String> {
        static EMPTY: std::sync::OnceLock<HashSet<String>> = std::sync::OnceLock::new();
        self.stack
            .iter()
            .rev()
            .find(|scope| scope.is_module)
            .map_or_else(|| EMPTY.get_or_init(HashSet::default), |scope| &scope.items)
    }

    fn top(&mut self) -> &mut Scope {
        if self.stack.is_empty() {
            self.stack.push(Scope::default());
        }
        self.stack.last_mut().expect("a scope was just pushed")
    }

    /// The scopes visible from here, innermost first, up to the innermost module.
    fn visible(&self) -> impl Iterator<Item = &Scope> {
        let module_at = self
            .stack
            .iter()
            .rposition(|scope| scope.is_module)
            .unwrap_or(0);
        self.stack[module_at..].iter().rev()
    }

    /// Binds a local name (shadowing imports and items of that name).
    pub fn bind(&mut self, name: String, local: Local) {
        self.top().locals.insert(name, local);
    }

    pub fn local(&self, name: &str) -> Option<&Local> {
        self.visible().find_map(|scope| scope.locals.get(name))
    }

    pub fn local_mut(&mut self, name: &str) -> Option<&mut Local> {
        let module_at = self
            .stack
            .iter()
            .rposition(|scope| scope.is_module)
            .unwrap_or(0);
        self.stack[module_at..]
            .iter_mut()
            .rev()
            .find_map(|scope| scope.locals.get_mut(name))
    }

    /// The canonical path a path expression or type refers to, or `None` when its
    /// first segment is a local binding (a closure or fn pointer held in a variable).
    pub fn resolve(&self, path: &syn::Path) -> Option<String> {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.resolve_segments(&segments, path.leading_colon.is_some())
    }

    pub fn resolve_segments(&self, segments: &[String], absolute: bool) -> Option<String> {
        let first = segments.first()?;
        if absolute {
            return Some(segments.join("::"));
        }
        let rest = &segments[1..];
        let joined = |head: &str| join_rest(head, rest);
        match first.as_str() {
            "crate" => return Some(segments.join("::")),
            "self" => return Some(self.module_path(&self.module, rest)),
            "super" => return Some(self.relative_to_super(segments)),
            "Self" => return self.impl_type().map(joined),
            _ => {}
        }
        self.resolve_named(&self.stack, &self.module, segments)
    }

    /// Resolves a path whose first segment is a plain name, in the scopes `stack`
    /// of module `module` (a `use super::*` glob continues in the parent module).
    fn resolve_named(
        &self,
        stack: &[Scope],
        module: &[String],
        segments: &[String],
    ) -> Option<String> {
        let (first, rest) = segments.split_first()?;
        let module_at = stack.iter().rposition(|scope| scope.is_module).unwrap_or(0);
        for scope in stack[module_at..].iter().rev() {
            // Locals live in the value namespace: `client::fetch` names the module
            // `client` even where a variable `client` is in scope.
            if rest.is_empty() && scope.locals.contains_key(first) {
                return None;
            }
            if let Some(target) = scope.uses.get(first) {
                return Some(join_rest(target, rest));
            }
            if scope.items.contains(first) {
                return Some(self.module_path(module, segments));
            }
        }
        let globs = || stack[module_at..].iter().flat_map(|scope| &scope.globs);
        if let Some(parent) = module.split_last().map(|(_, parent)| parent) {
            let parent_glob = self.module_path(parent, &[]);
            if module_at > 0 && globs().any(|glob| *glob == parent_glob) {
                return self.resolve_named(&stack[..module_at], parent, segments);
            }
        }
        if rest.is_empty() {
            if let Some(glob) = globs().next() {
                return Some(format!("{glob}::{first}"));
            }
        }
        Some(segments.join("::"))
    }
}

fn join_rest(head: &str, rest: &[String]) -> String {
    if rest.is_empty() {
        head.to_string()
    } else {
        format!("{head}::{}", rest.join("::"))
    }
}

/// The name an item declares in its module's namespace.
fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Fn(item) => &item.sig.ident,
        syn::Item::Mod(item) => &item.ident,
        syn::Item::Struct(item) => &item.ident,
        syn::Item::Enum(item) => &item.ident,
        syn::Item::Trait(item) => &item.ident,
        syn::Item::Type(item) => &item.ident,
        syn::Item::Const(item) => &item.ident,
        syn::Item::Static(item) => &item.ident,
        syn::Item::Union(item) => &item.ident,
        _ => return None,
    };
    Some(ident.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes_for(source: &str, module: &[&str]) -> Scopes {
        let file: syn::File = syn::parse_str(source).unwrap();
        let mut scopes = Scopes {
            module: module.iter().map(|s| s.to_string()).collect(),
            ..Scopes::default()
        };
        scopes.push_module(None, &file.items);
        scopes
    }

    fn resolve(scopes: &Scopes, path: &str) -> Option<String> {
        scopes.resolve(&syn::parse_str(path).unwrap())
    }

    #[test]
    fn uses_renames_groups_and_relative_paths() {
        let scopes = scopes_for(
            "use std::thread::sleep as nap; use std::{fs, io::{self, Read}};
             use super::client::fetch; use self::net::Conn; mod net; fn local() {}
             use tokio::task::*;",
            &["app", "jobs"],
        );
        assert_eq!(
            resolve(&scopes, "nap").as_deref(),
            Some("std::thread::sleep")
        );
        assert_eq!(
            resolve(&scopes, "fs::read").as_deref(),
            Some("std::fs::read")
        );
        assert_eq!(
            resolve(&scopes, "io::stdin").as_deref(),
            Some("std::io::stdin")
        );
        assert_eq!(
            resolve(&scopes, "fetch").as_deref(),
            Some("crate::app::client::fetch")
        );
        assert_eq!(
            resolve(&scopes, "Conn::open").as_deref(),
            Some("crate::app::jobs::net::Conn::open")
        );
        assert_eq!(
            resolve(&scopes, "local").as_deref(),
            Some("crate::app::jobs::local")
        );
        assert_eq!(
            resolve(&scopes, "spawn_blocking").as_deref(),
            Some("tokio::task::spawn_blocking")
        );
        assert_eq!(
            resolve(&scopes, "::std::thread::sleep").as_deref(),
            Some("std::thread::sleep")
        );
        assert_eq!(
            resolve(&scopes, "super::super::x").as_deref(),
            Some("crate::x")
        );
    }

    #[test]
    fn super_glob_continues_in_the_parent_module() {
        let file: syn::File =
            syn::parse_str("use std::fs; mod client {} mod tests { use super::*; }").unwrap();
        let mut scopes = Scopes::for_module(&[]);
        scopes.push_module(None, &file.items);
        let syn::Item::Mod(tests) = &file.items[2] else {
            panic!()
        };
        scopes.push_module(Some("tests"), &tests.content.as_ref().unwrap().1);
        assert_eq!(
            resolve(&scopes, "client::fetch").as_deref(),
            Some("crate::client::fetch")
        );
        assert_eq!(
            resolve(&scopes, "fs::read").as_deref(),
            Some("std::fs::read")
        );
        assert_eq!(
            resolve(&scopes, "std::fs::read").as_deref(),
            Some("std::fs::read")
        );
    }

    #[test]
    fn locals_shadow_imports() {
        let mut scopes = scopes_for("use std::thread::sleep;", &[]);
        scopes.push_block(&[]);
        scopes.bind("sleep".into(), Local::default());
        assert_eq!(resolve(&scopes, "sleep"), None);
        scopes.pop_block();
        assert_eq!(
            resolve(&scopes, "sleep").as_deref(),
            Some("std::thread::sleep")
        );
    }
}
