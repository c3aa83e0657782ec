//! The prefilter's import graph: which modules of the project can lead a call named
//! `fetch` to a coroutine function.
//!
//! A Python file without any async word can still have an AL101 finding: a call of a
//! coroutine function defined elsewhere. The semantic model resolves such a call only
//! through the file's own imports, into the modules of the project index (those with
//! an `async def`, and `__init__.py` files), and from there through their imports:
//! re-exports, base classes, attribute and return types. So the call can be a finding
//! only if one of the file's imports reaches, along indexed modules' imports, a module
//! that defines `async def fetch` (or, for asyncio's coroutine names, one that
//! mentions `asyncio`). A file whose imports reach no such module is not parsed.
//!
//! A method called on a value (`x.fetch()`, `self.client.fetch()`) must also be able
//! to resolve: the file must write one of the method's owners, the names that can
//! hand out a value with an `async def fetch` ([`super::method_owners`]). The import
//! graph alone cannot tell: a core module of a large project reaches every module.

use super::names::dotted;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use rustc_hash::{FxHashMap, FxHashSet};

use super::bindings::{bindings, word_ending_at, Bindings};
use super::method_owners::{self, MethodOwners};
use super::outline::{Coroutines, PlainDefinitions};
use super::rule_words::ClassId;
use super::scan::{Imports, Reach};
use crate::prefilter::{skip_back_or_forth, whole_words, Direction};

type NodeId = u32;

/// A call of a project coroutine name in a file without async words.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NameCall<'s> {
    pub name: &'s str,
    pub receiver: Receiver<'s>,
}

/// What a name is called on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Receiver<'s> {
    /// `fetch()`
    None,
    /// `shop.client.fetch()`: the identifiers before the name.
    Path(Vec<&'s str>),
    /// `get()[0].fetch()`
    Unknown,
}

/// How a project coroutine name is called in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum CallForm {
    /// `fetch()` bound by one of the file's `from ... import`s, or `shop.client.fetch()`
    /// down an imported module path: a module-level coroutine function (or a
    /// re-export of one).
    Bare,
    /// `x.fetch()`: a module's function or any class's method, reached through any
    /// of the file's imports.
    Attribute,
}

/// One indexed module, as the graph is built from it. The graph takes its coroutines
/// and imports and drops them once they are edges: a large project's import lists
/// and the graph are never held at once.
pub struct IndexedModule<'a> {
    /// Every name the module is known by in the index.
    pub names: Vec<&'a str>,
    pub coroutines: Coroutines,
    /// The names its top level defines with a sync `def` or a `class`: a call of
    /// the module's name so called resolves there, to no coroutine.
    pub plain_definitions: PlainDefinitions,
    pub imports: Imports,
    /// Does its text mention asyncio (whose coroutine functions it can hand out, as a
    /// return or attribute type)?
    pub mentions_asyncio: bool,
    /// The classes of blocking methods ([`ClassId`]) whose instances its summary can
    /// hand out: it imports the class's package and writes the class's name, or it
    /// is in the package.
    pub method_classes: Box<[ClassId]>,
}

/// Does `source` hold an `async def name` (anywhere, even in a string)? A module
/// calls its own coroutine functions without importing them. A sync `def name`
/// does not count: a call it answers creates no coroutine, and a call that reaches
/// past it, to a coroutine method of an imported base class, goes through the
/// module's imports.
pub fn defines_coroutine(source: &str, name: &str) -> bool {
    let bytes = source.as_bytes();
    whole_words(bytes, name.as_bytes()).any(|start| {
        let before_name = skip_back_or_forth(bytes, start, Direction::Back);
        let before_def = skip_back_or_forth(bytes, before_name.saturating_sub(3), Direction::Back);
        before_name < start
            && word_ending_at(bytes, before_name) == b"def"
            && before_def < before_name - 3
            && word_ending_at(bytes, before_def) == b"async"
    })
}

/// A module whose calls are asked about: its imports, their graph nodes (looked up
/// once, not once per call), and the values it binds.
struct Caller<'s, 'c> {
    imports: &'c Imports,
    import_nodes: Vec<NodeId>,
    values: LocalValues<'s, 'c>,
    /// For each name the file calls: can a method so named, called on a value, be
    /// a coroutine the semantic model resolves? Worked out once a method is asked.
    methods: OnceLock<Vec<(&'s str, bool)>>,
}

/// Reverse edges between the indexed modules' import targets, and the modules where
/// each coroutine name starts.
#[derive(Default)]
pub struct ReachGraph {
    /// The nodes of each dotted name: a name's text is held once for its module and
    /// its tree.
    nodes: FxHashMap<Box<str>, NamedNodes>,
    /// For each node, the nodes whose code reaches it.
    reached_from: Edges,
    /// Module-level `async def` name → the module nodes defining it.
    functions: FxHashMap<String, Vec<NodeId>>,
    /// `async def` name in a class body → the module nodes defining it.
    methods: FxHashMap<String, Vec<NodeId>>,
    /// Modules that re-export some name under another one: alias → modules.
    renamers: FxHashMap<String, Vec<NodeId>>,
    /// Coroutine name → the module nodes whose top level defines it with a sync
    /// `def` or a `class` ([`IndexedModule::plain_definitions`]).
    plain_definers: FxHashMap<String, Vec<NodeId>>,
    asyncio_modules: Vec<NodeId>,
    asyncio_names: FxHashSet<&'static str>,
    /// Every name the prefilter may ask about: a name the graph was not built with
    /// is assumed to reach a coroutine function.
    coroutine_names: Arc<FxHashSet<String>>,
    /// Per call form (`CallForm::slot`), for each name asked about so far: every
    /// node from which a coroutine function so named can be reached. A large
    /// project's lint pass asks about few of its thousands of names.
    providers: [RwLock<FxHashMap<String, Arc<Providers>>>; 2],
    /// For each class of blocking methods ([`ClassId`]): the modules that can hand
    /// out one of its instances ([`IndexedModule::method_classes`]).
    class_makers: Vec<Vec<NodeId>>,
    /// Per class, once asked: every node from which one of its makers can be reached.
    class_providers: Vec<OnceLock<Providers>>,
    /// The names that can hand a file a value with a coroutine method; `None` (a graph
    /// built without them) follows method calls on values through the imports alone.
    method_owners: Option<MethodOwners>,
    /// The nodes some indexed module's import names.
    imported: NodeSet,
}

/// The graph's nodes for one dotted name.
#[derive(Clone, Copy, Default)]
struct NamedNodes {
    /// The module of that name, when the run has one.
    module: Option<NodeId>,
    /// The name as a package: the module and everything under it.
    tree: Option<NodeId>,
}

/// Every node's list of edges, packed into one allocation once the graph is built:
/// a large project's thousands of small lists each cost an allocation otherwise.
#[derive(Default)]
struct Edges {
    /// Where each node's edges start in `targets`, and where the last one's end.
    starts: Vec<u32>,
    targets: Vec<NodeId>,
}

impl Edges {
    fn pack(lists: Vec<Vec<NodeId>>) -> Edges {
        let mut edges = Edges {
            starts: Vec::with_capacity(lists.len() + 1),
            targets: Vec::with_capacity(lists.iter().map(Vec::len).sum()),
        };
        edges.starts.push(0);
        for list in lists {
            edges.targets.extend(list);
            edges.starts.push(edges.targets.len() as u32);
        }
        edges
    }

    fn node_count(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    fn of(&self, node: NodeId) -> &[NodeId] {
        let node = node as usize;
        &self.targets[self.starts[node] as usize..self.starts[node + 1] as usize]
    }
}

impl CallForm {
    fn slot(self) -> usize {
        match self {
            CallForm::Bare => 0,
            CallForm::Attribute => 1,
        }
    }
}

impl ReachGraph {
    /// Builds the graph of `modules`; `coroutine_names` are every name the prefilter
    /// may ask about, `asyncio_names` the last parts of asyncio's coroutine functions.
    pub fn new(
        modules: Vec<IndexedModule>,
        coroutine_names: Arc<FxHashSet<String>>,
        asyncio_names: FxHashSet<&'static str>,
    ) -> ReachGraph {
        let mut graph = ReachGraph {
            asyncio_names,
            coroutine_names,
            ..ReachGraph::default()
        };
        let mut edges = Vec::new();
        graph.add_module_trees(&modules, &mut edges);
        let mut imported = NodeSet::with_nodes(edges.len());
        for module in modules {
            graph.add_module(&module, &mut edges, &mut imported);
        }
        graph.reached_from = Edges::pack(edges);
        graph.imported = imported;
        graph.class_providers = graph.class_makers.iter().map(|_| OnceLock::new()).collect();
        graph
    }

    /// Lets a method called on a value reach a coroutine only from a file that writes
    /// one of the method's owners ([`MethodOwners`]).
    pub fn with_method_owners(mut self, owners: MethodOwners) -> ReachGraph {
        self.method_owners = Some(owners);
        self
    }

    /// Nodes for every module name and every package above one, with the edges from a
    /// package's tree to its own module and to the trees under it.
    fn add_module_trees(&mut self, modules: &[IndexedModule], edges: &mut Vec<Vec<NodeId>>) {
        for name in modules.iter().flat_map(|module| &module.names) {
            let module = self.node(&Reach::Module(name.to_string()), edges);
            let tree = self.node(&Reach::Tree(name.to_string()), edges);
            edges[module as usize].push(tree);
            let mut child = tree;
            let mut prefix: &str = name;
            while let Some(dot) = prefix.rfind('.') {
                prefix = &prefix[..dot];
                let parent = self.node(&Reach::Tree(prefix.to_string()), edges);
                edges[child as usize].push(parent);
                child = parent;
            }
        }
    }

    fn add_module(
        &mut self,
        module: &IndexedModule,
        edges: &mut [Vec<NodeId>],
        imported: &mut NodeSet,
    ) {
        let ids: Vec<NodeId> = module
            .names
            .iter()
            .filter_map(|name| self.module_node(name))
            .collect();
        for reach in &module.imports.reaches {
            if let Some(target) = self.node_of(reach) {
                edges[target as usize].extend(&ids);
                imported.insert(target);
            }
        }
        for name in &module.coroutines.module_level {
            self.functions.entry(name.clone()).or_default().extend(&ids);
        }
        for name in &module.coroutines.methods {
            self.methods.entry(name.clone()).or_default().extend(&ids);
        }
        // Only a coroutine name is ever asked about.
        for name in module.plain_definitions.names() {
            if self.coroutine_names.contains(name) {
                let definers = self.plain_definers.entry(name.to_string()).or_default();
                definers.extend(&ids);
            }
        }
        for (_, alias) in module.imports.renames() {
            self.renamers
                .entry(alias.to_string())
                .or_default()
                .extend(&ids);
        }
        if module.mentions_asyncio {
            self.asyncio_modules.extend(&ids);
        }
        for &class in module.method_classes.iter() {
            if self.class_makers.len() <= class {
                self.class_makers.resize_with(class + 1, Vec::new);
            }
            self.class_makers[class].extend(&ids);
        }
    }

    /// Does `source` write one of the owners of one of `classes` (classes of
    /// blocking methods outside the project, by name: `Session`), so that the
    /// semantic model can take one of its values for an instance of it? Yes when
    /// a class's owners are unknown. One pass over the file for all of them.
    pub fn any_class_may_resolve(&self, source: &str, classes: &[&str]) -> bool {
        let Some(owners) = &self.method_owners else {
            return !classes.is_empty();
        };
        let Some(sets) = (classes.iter())
            .map(|class| owners.class_owners(class))
            .collect::<Option<Vec<_>>>()
        else {
            return true;
        };
        let sets: Vec<&FxHashSet<u32>> = sets.iter().map(|owners| &**owners).collect();
        method_owners::writes_any_of(source, &sets).contains(&true)
    }

    /// Can a module with these imports reach one that can hand out an instance of
    /// `class` (a class of blocking methods), as a class's attribute or a function's
    /// return?
    pub fn class_may_reach(&self, imports: &Imports, class: ClassId) -> bool {
        let Some(providers) = self.class_providers.get(class) else {
            return false;
        };
        let providers = providers
            .get_or_init(|| self.reached_from_any(self.class_makers[class].iter().copied()));
        imports.reaches.iter().any(|reach| {
            self.node_of(reach)
                .is_some_and(|node| providers.contains(&node))
        })
    }

    /// Every node from which one of `starts` can be reached (the starts included), or
    /// [`Providers::Everywhere`] once the walk finds more than [`WALK_BUDGET`] nodes.
    fn reached_from_any(&self, starts: impl IntoIterator<Item = NodeId>) -> Providers {
        let mut seen = NodeSet::with_nodes(self.reached_from.node_count());
        let mut found = 0;
        let mut pending: Vec<NodeId> = Vec::new();
        // Counted as they are found, not as they are walked: a module imported by
        // thousands of others must not be read to its end first.
        let mut find = |node: NodeId, pending: &mut Vec<NodeId>| {
            if seen.insert(node) {
                pending.push(node);
                found += 1;
            }
            found <= WALK_BUDGET
        };
        for start in starts {
            if !find(start, &mut pending) {
                return Providers::Everywhere;
            }
        }
        while let Some(node) = pending.pop() {
            for &from in self.reached_from.of(node) {
                if !find(from, &mut pending) {
                    return Providers::Everywhere;
                }
            }
        }
        Providers::Nodes(seen)
    }

    /// The node of `reach`, added (with an empty list in `edges`) if it is new.
    fn node(&mut self, reach: &Reach, edges: &mut Vec<Vec<NodeId>>) -> NodeId {
        let named = self.nodes.entry(reach.target().into()).or_default();
        let slot = match reach {
            Reach::Module(_) => &mut named.module,
            Reach::Tree(_) => &mut named.tree,
        };
        *slot.get_or_insert_with(|| {
            edges.push(Vec::new());
            (edges.len() - 1) as NodeId
        })
    }

    /// Has the graph a node for this dotted name? An import of any other name
    /// reaches nothing it can tell of.
    pub fn knows(&self, target: &str) -> bool {
        self.nodes.contains_key(target)
    }

    /// Does some indexed module import the module `name` (`from name import x`,
    /// `import name`, `from package import name`)? The modules no such import names
    /// are rarely looked up by another module's lint.
    pub fn is_imported(&self, name: &str) -> bool {
        let Some(nodes) = self.nodes.get(name) else {
            return false;
        };
        [nodes.module, nodes.tree]
            .iter()
            .flatten()
            .any(|node| self.imported.contains(node))
    }

    fn node_of(&self, reach: &Reach) -> Option<NodeId> {
        match reach {
            Reach::Module(name) => self.module_node(name),
            Reach::Tree(name) => self.tree_node(name),
        }
    }

    fn module_node(&self, name: &str) -> Option<NodeId> {
        self.nodes.get(name)?.module
    }

    fn tree_node(&self, name: &str) -> Option<NodeId> {
        self.nodes.get(name)?.tree
    }

    /// Can any of `calls`, in a module with text `source` whose imports are `imports`,
    /// reach a coroutine function? A name the graph was not built with is assumed to.
    pub fn may_reach_any<'s>(
        &self,
        source: &'s str,
        imports: &Imports,
        calls: &[NameCall<'s>],
    ) -> bool {
        let mut distinct: Vec<&NameCall> = calls.iter().collect();
        distinct.sort_unstable();
        distinct.dedup();
        let caller = Caller {
            imports,
            import_nodes: imports
                .reaches
                .iter()
                .filter_map(|reach| self.node_of(reach))
                .collect(),
            values: LocalValues::new(source, calls),
            methods: OnceLock::new(),
        };
        distinct
            .into_iter()
            .any(|call| self.may_reach(&caller, call))
    }

    fn may_reach(&self, caller: &Caller, call: &NameCall) -> bool {
        let name = call.name;
        match &call.receiver {
            // `from m import fetch as get`: `get()` calls `m.fetch`.
            Receiver::None => caller
                .imports
                .names
                .iter()
                .filter(|imported| imported.local() == name)
                .any(|imported| {
                    self.reaches_function(self.module_node(&imported.base), &imported.name)
                }),
            Receiver::Path(path) => self.through_path(caller, path, name),
            Receiver::Unknown => {
                self.through_any_import(caller, name) && self.method_may_resolve(caller, name)
            }
        }
    }

    /// Can the semantic model resolve `name` called on a value of the file (not on a
    /// module it imports) to a coroutine method? Only if the file writes one of the
    /// method's owners; when they are unknown, or too many, it may.
    fn method_may_resolve(&self, caller: &Caller, name: &str) -> bool {
        let Some(owners) = &self.method_owners else {
            return true;
        };
        let methods = caller.methods.get_or_init(|| {
            self.methods_resolvable(owners, caller.values.source, caller.values.calls)
        });
        methods
            .iter()
            .find(|&&(method, _)| method == name)
            .is_none_or(|&(_, resolvable)| resolvable)
    }

    /// [`Self::method_may_resolve`] for every name of `calls`, with one pass over the
    /// file for the names whose owners are known.
    fn methods_resolvable<'s>(
        &self,
        owners: &MethodOwners,
        source: &str,
        calls: &[NameCall<'s>],
    ) -> Vec<(&'s str, bool)> {
        let mut names: Vec<&str> = calls.iter().map(|call| call.name).collect();
        names.sort_unstable();
        names.dedup();
        let known: Vec<(&str, Arc<FxHashSet<u32>>)> = names
            .iter()
            .filter(|name| !self.asyncio_names.contains(*name))
            .filter_map(|&name| Some((name, owners.owners(name)?)))
            .collect();
        let sets: Vec<&FxHashSet<u32>> = known.iter().map(|(_, owners)| &**owners).collect();
        let written = method_owners::writes_any_of(source, &sets);
        names
            .iter()
            .map(|&name| {
                let resolvable = match known.iter().position(|&(known, _)| known == name) {
                    Some(at) => written[at],
                    None => true,
                };
                (name, resolvable)
            })
            .collect()
    }

    /// `head.part.name()`: through what `head` is imported as, and through the values
    /// the module binds to `head` (`f = open(p)`, `with connect() as f`).
    fn through_path(&self, caller: &Caller, path: &[&str], name: &str) -> bool {
        // Every way below leads through some import: if none reaches the name, the
        // module's own bindings need not be read.
        if !self.through_any_import(caller, name) {
            return false;
        }
        if self.through_imported_name(caller.imports, path, name) == Some(true) {
            return true;
        }
        // Not a function down an imported module path: a method of a value.
        if !self.method_may_resolve(caller, name) {
            return false;
        }
        match caller.values.of(path[0]) {
            Some(bindings) if !bindings.opaque => bindings
                .calls
                .iter()
                .any(|callee| self.through_value_made_by(caller, callee, name)),
            _ => self.through_any_import(caller, name),
        }
    }

    /// `value = callee(...)`, then `value.name()`: a method of the class the callee
    /// names (or of what the function returns), reached through the callee's import.
    /// A callee the module neither imports nor binds is a builtin (`open`), which
    /// leads into no module of the project.
    fn through_value_made_by(&self, caller: &Caller, callee: &[&str], name: &str) -> bool {
        if self.through_imported_name(caller.imports, callee, name) == Some(true) {
            return true;
        }
        match caller.values.of(callee[0]) {
            Some(bindings) if !bindings.binds_values() => false,
            _ => self.through_any_import(caller, name),
        }
    }

    /// `head.part.name()` where the file imports `head`: the name is looked up in the
    /// module the path leads to (`os.path.join` in `os.path`). `None` when `head` is
    /// not an imported name (a local, a parameter, `self`).
    fn through_imported_name(&self, imports: &Imports, path: &[&str], name: &str) -> Option<bool> {
        let (head, parts) = path.split_first()?;
        let mut bound = false;
        let mut reached = false;
        for (_, module) in imports.modules.iter().filter(|(local, _)| local == head) {
            bound = true;
            reached |= self.along(module, parts, name);
        }
        for imported in imports
            .names
            .iter()
            .filter(|imported| imported.local() == *head)
        {
            bound = true;
            let target = match imported.base.is_empty() {
                true => imported.name.clone(),
                false => dotted(&[&imported.base, &imported.name]),
            };
            // `from pkg import thing`: a class or value of `pkg` whose method is
            // called, unless `pkg.thing` is a module of the index, which the
            // semantic model then resolves the call in without looking at `pkg`.
            reached |= self.along(&target, parts, name)
                || (self.module_node(&target).is_none()
                    && self.reaches(self.module_node(&imported.base), name, CallForm::Attribute));
        }
        bound.then_some(reached)
    }

    /// Follows `parts` down the modules under `module` as far as they go; the rest of
    /// the path is attributes of the module reached. A path that ends at a module
    /// (`unittest.main()`) calls a name of that module, which is a function or a
    /// re-export, never a method.
    fn along(&self, module: &str, parts: &[&str], name: &str) -> bool {
        let mut current = module.to_string();
        let mut attributes = parts.len();
        for part in parts {
            let below = dotted(&[&current, part]);
            if self.tree_node(&below).is_none() {
                break;
            }
            current = below;
            attributes -= 1;
        }
        let module = self.module_node(&current);
        match attributes {
            0 => self.reaches_function(module, name),
            _ => self.reaches(module, name, CallForm::Attribute),
        }
    }

    /// Can `module.name`, a function of the module or a re-export, be a coroutine
    /// function? Not when the module's top level defines `name` with a sync `def` or
    /// a `class`: the semantic model resolves the name there, before any import.
    fn reaches_function(&self, module: Option<NodeId>, name: &str) -> bool {
        let defined_plainly = module.is_some_and(|module| {
            self.plain_definers
                .get(name)
                .is_some_and(|definers| definers.contains(&module))
        });
        !defined_plainly && self.reaches(module, name, CallForm::Bare)
    }

    /// A method reached through whatever the file imports (an instance of an imported
    /// class, a value returned by an imported function).
    fn through_any_import(&self, caller: &Caller, name: &str) -> bool {
        let Some(providers) = self.providers(name, CallForm::Attribute) else {
            return true;
        };
        caller
            .import_nodes
            .iter()
            .any(|node| providers.contains(node))
    }

    /// Can a coroutine function `name` be reached from `node` (`None`: a name with no
    /// node, which reaches nothing)?
    fn reaches(&self, node: Option<NodeId>, name: &str, form: CallForm) -> bool {
        let Some(providers) = self.providers(name, form) else {
            return true;
        };
        node.is_some_and(|node| providers.contains(&node))
    }

    /// `None` for a name the graph was not built with.
    fn providers(&self, name: &str, form: CallForm) -> Option<Arc<Providers>> {
        if !self.coroutine_names.contains(name) {
            return None;
        }
        let known = &self.providers[form.slot()];
        let found = known
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned();
        if found.is_some() {
            return found;
        }
        // Another thread may compute the same set meanwhile: the first one stays.
        let computed = Arc::new(self.providers_of(name, form));
        let mut known = known.write().unwrap_or_else(PoisonError::into_inner);
        Some(Arc::clone(
            known.entry(name.to_string()).or_insert(computed),
        ))
    }

    /// Every node from which a coroutine function called `name` can be reached.
    fn providers_of(&self, name: &str, form: CallForm) -> Providers {
        let starts = [
            self.functions.get(name),
            match form {
                CallForm::Bare => None,
                CallForm::Attribute => self.methods.get(name),
            },
            // A rename's original is not followed: any module renaming something to
            // `name` counts as defining it.
            self.renamers.get(name),
            self.asyncio_names
                .contains(name)
                .then_some(&self.asyncio_modules),
        ];
        self.reached_from_any(starts.into_iter().flatten().flatten().copied())
    }
}

/// How many nodes a walk for one coroutine name (or package) visits before it gives
/// up and counts the name as reachable from everywhere, which only lets more files
/// be parsed. A name defined in the modules a project's code all imports (its core,
/// in a cycle of imports) is reached from nearly every module anyway, and walking
/// the whole graph for each such name cost more than the parses it spared: on
/// homeassistant (13,398 nodes) 201 of the 244 names asked walked over a quarter of
/// the graph, and this budget lets 28 more files through out of 4,474; on the
/// stdlib's graph (393 nodes) no walk reaches it.
const WALK_BUDGET: usize = 1024;

/// The nodes from which a coroutine name, or a class's makers, can be reached.
enum Providers {
    /// The walk passed [`WALK_BUDGET`].
    Everywhere,
    Nodes(NodeSet),
}

impl Providers {
    fn contains(&self, node: &NodeId) -> bool {
        match self {
            Providers::Everywhere => true,
            Providers::Nodes(nodes) => nodes.contains(node),
        }
    }
}

/// A set of graph nodes, one bit each: the graphs of large projects ask for thousands
/// of these sets, each over thousands of nodes.
#[derive(Default)]
struct NodeSet {
    bits: Vec<u64>,
}

impl NodeSet {
    fn with_nodes(nodes: usize) -> NodeSet {
        NodeSet {
            bits: vec![0; nodes.div_ceil(64)],
        }
    }

    /// Adds a node; false if it was already there.
    fn insert(&mut self, node: NodeId) -> bool {
        let (word, bit) = (node as usize / 64, 1u64 << (node % 64));
        let new = self.bits[word] & bit == 0;
        self.bits[word] |= bit;
        new
    }

    fn contains(&self, node: &NodeId) -> bool {
        let (word, bit) = (*node as usize / 64, 1u64 << (node % 64));
        self.bits.get(word).is_some_and(|bits| bits & bit != 0)
    }
}

/// The values a module binds to the names its calls are made on, and to the heads
/// of the callees that make those values. Read from the text on first need: most
/// calls are decided by the imports alone.
struct LocalValues<'s, 'c> {
    source: &'s str,
    calls: &'c [NameCall<'s>],
    bindings: OnceLock<FxHashMap<String, Bindings<'s>>>,
}

impl<'s, 'c> LocalValues<'s, 'c> {
    fn new(source: &'s str, calls: &'c [NameCall<'s>]) -> LocalValues<'s, 'c> {
        LocalValues {
            source,
            calls,
            bindings: OnceLock::new(),
        }
    }

    fn of(&self, name: &str) -> Option<&Bindings<'s>> {
        self.bindings.get_or_init(|| self.read()).get(name)
    }

    fn read(&self) -> FxHashMap<String, Bindings<'s>> {
        let mut heads: Vec<&str> = self
            .calls
            .iter()
            .filter_map(|call| match &call.receiver {
                Receiver::Path(path) => path.first().copied(),
                _ => None,
            })
            .collect();
        heads.sort_unstable();
        heads.dedup();
        let non_code = super::outline::non_code(self.source);
        let mut found = bindings(self.source, &non_code, &heads);
        let mut callee_heads: Vec<&str> = found
            .values()
            .flat_map(|bindings| bindings.calls.iter().map(|callee| callee[0]))
            .filter(|head| !heads.contains(head))
            .collect();
        callee_heads.sort_unstable();
        callee_heads.dedup();
        if !callee_heads.is_empty() {
            found.extend(bindings(self.source, &non_code, &callee_heads));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::outline::{self, Outline};
    use crate::python::{scan, ModuleName};

    fn module(dotted: &str, is_package: bool) -> ModuleName {
        ModuleName::new(dotted, is_package)
    }

    struct Project {
        modules: Vec<(ModuleName, Outline, Imports, bool)>,
    }

    impl Project {
        fn new(files: &[(&str, bool, &str)]) -> Project {
            Project {
                modules: files
                    .iter()
                    .map(|(dotted, is_package, source)| {
                        let name = module(dotted, *is_package);
                        let imports = scan::imports(source, &name, None);
                        (
                            name,
                            outline::outline(source),
                            imports,
                            source.contains("asyncio"),
                        )
                    })
                    .collect(),
            }
        }

        fn graph(&self) -> ReachGraph {
            let modules: Vec<IndexedModule> = self
                .modules
                .iter()
                .map(|(name, outline, imports, mentions_asyncio)| IndexedModule {
                    names: vec![name.dotted.as_str()],
                    coroutines: outline.coroutines.clone(),
                    plain_definitions: outline.plain_definitions.clone(),
                    imports: imports.clone(),
                    mentions_asyncio: *mentions_asyncio,
                    method_classes: Box::new([]),
                })
                .collect();
            let names = ["fetch", "get", "main", "sleep"].map(String::from);
            let names = Arc::new(names.into_iter().collect());
            ReachGraph::new(modules, names, ["sleep"].into_iter().collect())
        }
    }

    /// Can `call` (`fetch()`, `shop.client.fetch()` or `<unknown>.fetch()` written
    /// `.fetch`) reach a coroutine from a module with `source`'s imports?
    fn reaches(graph: &ReachGraph, importer: &str, source: &str, call: &str) -> bool {
        let imports = scan::imports(source, &module(importer, false), None);
        let (receiver, name) = match call.rsplit_once('.') {
            Some(("", name)) => (Receiver::Unknown, name),
            Some((path, name)) => (Receiver::Path(path.split('.').collect()), name),
            None => (Receiver::None, call),
        };
        graph.may_reach_any(source, &imports, &[NameCall { name, receiver }])
    }

    #[test]
    fn a_module_counts_as_imported_when_an_indexed_module_names_it() {
        let project = Project::new(&[
            ("shop", true, "from .client import fetch\n"),
            ("shop.client", false, "async def fetch(): ...\n"),
            (
                "shop.models",
                false,
                "from shop import db\nasync def get(): ...\n",
            ),
            ("shop.db", false, "async def main(): ...\n"),
            ("shop.unused", false, "async def sleep(): ...\n"),
        ]);
        let graph = project.graph();
        assert!(graph.is_imported("shop.client"));
        assert!(graph.is_imported("shop.db"));
        assert!(graph.is_imported("shop"));
        assert!(!graph.is_imported("shop.unused"));
        assert!(!graph.is_imported("shop.models"));
        assert!(!graph.is_imported("elsewhere"));
    }

    #[test]
    fn a_function_or_class_the_module_defines_at_column_zero_is_no_coroutine() {
        let project = Project::new(&[
            ("hub", true, "from .core import Hub\n"),
            (
                "hub.core",
                false,
                "class Hub:\n    async def get(self): ...\n\n\
                 async def fetch(): ...\n\nasync def main(): ...\n",
            ),
            (
                "hub.registry",
                false,
                "from hub.core import Hub, fetch, main\n\n\
                 @callback\ndef get(hass): ...\n\nclass fetch: ...\n\n\
                 if TYPE_CHECKING:\n    def main(): ...\n",
            ),
        ]);
        let graph = project.graph();
        let registry = "from hub import registry as er\n";
        // Resolved in `hub.registry`, not through `hub`'s methods nor its imports.
        assert!(!reaches(&graph, "app", registry, "er.get"));
        assert!(!reaches(&graph, "app", registry, "er.fetch"));
        assert!(!reaches(
            &graph,
            "app",
            "import hub.registry\n",
            "hub.registry.fetch"
        ));
        assert!(!reaches(
            &graph,
            "app",
            "from hub.registry import fetch\n",
            "fetch"
        ));
        // A definition under a block is not trusted to be the module's own.
        assert!(reaches(&graph, "app", registry, "er.main"));
        assert!(reaches(
            &graph,
            "app",
            "from hub.registry import main\n",
            "main"
        ));
        // Where the name is a coroutine function, or `hub.x` is not a module.
        assert!(reaches(
            &graph,
            "app",
            "from hub.core import fetch\n",
            "fetch"
        ));
        assert!(reaches(
            &graph,
            "app",
            "from hub import core\n",
            "core.fetch"
        ));
        assert!(reaches(&graph, "app", "from hub import Hub\n", "Hub.get"));
    }

    #[test]
    fn a_direct_import_of_the_defining_module_reaches_it() {
        let project = Project::new(&[("shop.client", false, "async def fetch(): ...\n")]);
        let graph = project.graph();
        assert!(reaches(
            &graph,
            "app",
            "from shop.client import fetch\n",
            "fetch"
        ));
        assert!(reaches(
            &graph,
            "app",
            "from shop import client\n",
            ".fetch"
        ));
        assert!(reaches(&graph, "app", "import shop\n", ".fetch"));
        assert!(reaches(
            &graph,
            "shop.app",
            "from .client import fetch\n",
            "fetch"
        ));
        assert!(reaches(
            &graph,
            "app",
            "from shop.client import fetch as f\n",
            "f"
        ));
        assert!(!reaches(&graph, "app", "import unittest\n", ".fetch"));
        assert!(!reaches(
            &graph,
            "app",
            "from shop.client import fetch\n",
            ".main"
        ));
        assert!(!reaches(
            &graph,
            "app",
            "from shop import client\n",
            "fetch"
        ));
        assert!(reaches(&graph, "app", "import shop\n", "shop.client.fetch"));
        assert!(!reaches(&graph, "app", "import shop\n", "shop.fetch"));
        assert!(reaches(
            &graph,
            "app",
            "from shop import client\n",
            "client.fetch"
        ));
        assert!(reaches(
            &graph,
            "app",
            "import shop.client as c\n",
            "c.fetch"
        ));
        assert!(!reaches(
            &graph,
            "app",
            "import shop\nimport os\n",
            "os.fetch"
        ));
        let method = "import shop\nclass A:\n    def m(self):\n        self.api.fetch()\n";
        assert!(reaches(&graph, "app", method, "self.api.fetch"));
    }

    #[test]
    fn methods_of_local_values_are_looked_up_through_what_made_them() {
        let project = Project::new(&[
            (
                "shop.client",
                false,
                "class Client:\n    async def fetch(self): ...\n",
            ),
            ("shop", true, "from .client import Client\n"),
        ]);
        let graph = project.graph();
        for made_by_the_project in [
            "from shop import Client\nc = Client()\n",
            "import shop.client\nwith shop.client.Client() as c:\n    pass\n",
            // `make` or `self.client` may hand out a `Client`.
            "import shop\nc = make()\ndef make(): ...\n",
            "import shop\nc = self.client\n",
            "import shop\ndef f(c: Client): ...\n",
        ] {
            assert!(
                reaches(&graph, "app", made_by_the_project, "c.fetch"),
                "{made_by_the_project:?}"
            );
        }
        for made_elsewhere in [
            // A builtin leads into no module of the project.
            "import shop\nc = open(path)\n",
            "import shop\nwith open(path) as c:\n    pass\n",
            "import shop\nimport json\nc = json.load(f)\n",
            // Loop targets and later parameters have no origin.
            "import shop\nfor c in items:\n    pass\n",
            "import shop\ndef f(a, c=None): ...\n",
        ] {
            assert!(
                !reaches(&graph, "app", made_elsewhere, "c.fetch"),
                "{made_elsewhere:?}"
            );
        }
    }

    #[test]
    fn a_path_that_ends_at_a_module_calls_a_function_not_a_method() {
        let project = Project::new(&[
            (
                "shop.client",
                false,
                "class Client:\n    async def main(self): ...\nasync def fetch(): ...\n",
            ),
            ("shop", true, "from .client import Client, fetch\n"),
        ]);
        let graph = project.graph();
        // `shop.main` can only be a function of `shop`; no module defines one.
        assert!(!reaches(&graph, "app", "import shop\n", "shop.main"));
        assert!(!reaches(&graph, "app", "import shop\n", "shop.client.main"));
        assert!(reaches(&graph, "app", "import shop\n", "shop.fetch"));
        // Past the modules, the path is a class or a value: methods count.
        assert!(reaches(&graph, "app", "import shop\n", "shop.Client.main"));
        assert!(reaches(
            &graph,
            "app",
            "import shop\n",
            "shop.client.Client.main"
        ));
    }

    #[test]
    fn re_exports_and_base_classes_are_followed() {
        let project = Project::new(&[
            (
                "shop.client",
                false,
                "class Base:\n    async def get(self): ...\n",
            ),
            ("shop", true, "from .client import Base\n"),
            (
                "shop.api",
                false,
                "from shop import Base\nclass Api(Base):\n    async def other(self): ...\n",
            ),
        ]);
        let graph = project.graph();
        assert!(reaches(&graph, "app", "from shop.api import Api\n", ".get"));
        assert!(reaches(&graph, "app", "from shop import Base\n", ".get"));
        assert!(!reaches(&graph, "app", "from other import Base\n", ".get"));
        // A method is not callable by its bare name.
        assert!(!reaches(&graph, "app", "from shop import get\n", "get"));
    }

    #[test]
    fn asyncio_names_start_at_modules_that_mention_asyncio() {
        let project = Project::new(&[(
            "loops",
            false,
            "import asyncio\ndef make() -> asyncio.AbstractEventLoop: ...\nasync def x(): ...\n",
        )]);
        let graph = project.graph();
        assert!(reaches(&graph, "app", "from loops import make\n", ".sleep"));
        assert!(!reaches(
            &graph,
            "app",
            "from loops import make\n",
            ".fetch"
        ));
    }

    #[test]
    fn a_name_reached_from_more_nodes_than_the_budget_counts_as_reached_everywhere() {
        let importers = |count: usize| -> Vec<(String, bool, &str)> {
            (0..count)
                .map(|i| {
                    (
                        format!("user{i}"),
                        false,
                        "import core\nasync def x(): ...\n",
                    )
                })
                .chain([
                    ("core".to_string(), false, "async def fetch(): ...\n"),
                    ("unrelated".to_string(), false, "async def y(): ...\n"),
                ])
                .collect()
        };
        let graph_of = |files: &[(String, bool, &str)]| {
            let files: Vec<(&str, bool, &str)> = files
                .iter()
                .map(|(name, is_package, source)| (name.as_str(), *is_package, *source))
                .collect();
            Project::new(&files).graph()
        };
        let small = graph_of(&importers(10));
        assert!(reaches(&small, "app", "import user3\n", ".fetch"));
        assert!(!reaches(&small, "app", "import unrelated\n", ".fetch"));
        // Each module is two nodes (the module and its tree): this walk would pass
        // the budget, so every module counts as reaching `fetch`.
        let large = graph_of(&importers(WALK_BUDGET));
        assert!(reaches(&large, "app", "import user3\n", ".fetch"));
        assert!(reaches(&large, "app", "import unrelated\n", ".fetch"));
        // Names with a small walk stay exact in the same graph.
        assert!(!reaches(&large, "app", "import unrelated\n", ".main"));
    }

    #[test]
    fn an_async_def_of_the_name_anywhere_in_the_text_counts() {
        for source in [
            "async def fetch(): ...\n",
            "class A:\n    async  def\tfetch(self): ...\n",
            "def f():\n    async def fetch(): ...\n",
            "async \\\n def fetch(): ...\n",
            "async\x0cdef fetch(): ...\n",
            "x = 'async def fetch'\n",
        ] {
            assert!(defines_coroutine(source, "fetch"), "{source:?}");
        }
        for source in [
            "fetch()\n",
            "def fetch(): ...\n",
            "class A:\n    def fetch(self): ...\nasync def other(): ...\n",
            "def async_fetch(): ...\n",
            "notasync def fetch(): ...\n",
            "async def fetcher(): ...\n",
            "async def prefetch(): ...\n",
            "undef fetch\n",
            "deffetch = 1\n",
            "def\n",
            "fetch",
        ] {
            assert!(!defines_coroutine(source, "fetch"), "{source:?}");
        }
    }

    #[test]
    fn renamed_re_exports_count_as_definitions() {
        let project = Project::new(&[
            ("impl_", false, "async def fetch(): ...\n"),
            ("facade", true, "from impl_ import fetch as get\n"),
        ]);
        let graph = project.graph();
        assert!(reaches(&graph, "app", "from facade import get\n", "get"));
    }
}
