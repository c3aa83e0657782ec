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

use std::sync::{Arc, OnceLock, RwLock};

use rustc_hash::{FxHashMap, FxHashSet};

use super::bindings::{bindings, Bindings};
use super::outline::Coroutines;
use super::scan::{Imports, Reach};

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

/// One indexed module, as the graph is built from it.
pub struct IndexedModule<'a> {
    /// Every name the module is known by in the index.
    pub names: Vec<&'a str>,
    pub coroutines: &'a Coroutines,
    pub imports: &'a Imports,
    /// Does its text mention asyncio (whose coroutine functions it can hand out, as a
    /// return or attribute type)?
    pub mentions_asyncio: bool,
}

/// Reverse edges between the indexed modules' import targets, and the modules where
/// each coroutine name starts.
#[derive(Default)]
pub struct ReachGraph {
    nodes: FxHashMap<Reach, NodeId>,
    /// For each node, the nodes whose code reaches it.
    reached_from: Vec<Vec<NodeId>>,
    /// Module-level `async def` name → the module nodes defining it.
    functions: FxHashMap<String, Vec<NodeId>>,
    /// `async def` name in a class body → the module nodes defining it.
    methods: FxHashMap<String, Vec<NodeId>>,
    /// Modules that re-export some name under another one: alias → modules.
    renamers: FxHashMap<String, Vec<NodeId>>,
    asyncio_modules: Vec<NodeId>,
    asyncio_names: FxHashSet<&'static str>,
    /// Every name the prefilter may ask about: a name the graph was not built with
    /// is assumed to reach a coroutine function.
    coroutine_names: Arc<FxHashSet<String>>,
    /// Per call form (`CallForm::slot`), for each name asked about so far: every
    /// node from which a coroutine function so named can be reached. A large
    /// project's lint pass asks about few of its thousands of names.
    providers: [RwLock<FxHashMap<String, NodeSet>>; 2],
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
        modules: &[IndexedModule],
        coroutine_names: Arc<FxHashSet<String>>,
        asyncio_names: FxHashSet<&'static str>,
    ) -> ReachGraph {
        let mut graph = ReachGraph {
            asyncio_names,
            coroutine_names,
            ..ReachGraph::default()
        };
        graph.add_module_trees(modules);
        for module in modules {
            graph.add_module(module);
        }
        graph
    }

    /// Nodes for every module name and every package above one, with the edges from a
    /// package's tree to its own module and to the trees under it.
    fn add_module_trees(&mut self, modules: &[IndexedModule]) {
        for name in modules.iter().flat_map(|module| &module.names) {
            let module = self.node(Reach::Module(name.to_string()));
            let tree = self.node(Reach::Tree(name.to_string()));
            self.reached_from[module as usize].push(tree);
            let mut child = tree;
            let mut prefix: &str = name;
            while let Some(dot) = prefix.rfind('.') {
                prefix = &prefix[..dot];
                let parent = self.node(Reach::Tree(prefix.to_string()));
                self.reached_from[child as usize].push(parent);
                child = parent;
            }
        }
    }

    fn add_module(&mut self, module: &IndexedModule) {
        let ids: Vec<NodeId> = module
            .names
            .iter()
            .map(|name| self.nodes[&Reach::Module(name.to_string())])
            .collect();
        for reach in &module.imports.reaches {
            if let Some(&target) = self.nodes.get(reach) {
                self.reached_from[target as usize].extend(&ids);
            }
        }
        for name in &module.coroutines.module_level {
            self.functions.entry(name.clone()).or_default().extend(&ids);
        }
        for name in &module.coroutines.methods {
            self.methods.entry(name.clone()).or_default().extend(&ids);
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
    }

    fn node(&mut self, reach: Reach) -> NodeId {
        let next = self.nodes.len() as NodeId;
        let id = *self.nodes.entry(reach).or_insert(next);
        if id == next {
            self.reached_from.push(Vec::new());
        }
        id
    }

    /// Can any of `calls`, in a module with text `source` whose imports are `imports`,
    /// reach a coroutine function? A name the graph was not built with is assumed to.
    pub fn may_reach_any<'s>(
        &self,
        source: &'s str,
        imports: &Imports,
        calls: &[NameCall<'s>],
    ) -> bool {
        let values = LocalValues::new(source, calls);
        calls
            .iter()
            .any(|call| self.may_reach(imports, &values, call))
    }

    fn may_reach(&self, imports: &Imports, values: &LocalValues, call: &NameCall) -> bool {
        let name = call.name;
        match &call.receiver {
            // `from m import fetch as get`: `get()` calls `m.fetch`.
            Receiver::None => imports
                .names
                .iter()
                .filter(|imported| imported.local() == name)
                .any(|imported| {
                    let base = Reach::Module(imported.base.clone());
                    self.reaches(&base, &imported.name, CallForm::Bare)
                }),
            Receiver::Path(path) => self.through_path(imports, values, path, name),
            Receiver::Unknown => self.through_any_import(imports, name),
        }
    }

    /// `head.part.name()`: through what `head` is imported as, and through the values
    /// the module binds to `head` (`f = open(p)`, `with connect() as f`).
    fn through_path(
        &self,
        imports: &Imports,
        values: &LocalValues,
        path: &[&str],
        name: &str,
    ) -> bool {
        // Every way below leads through some import: if none reaches the name, the
        // module's own bindings need not be read.
        if !self.through_any_import(imports, name) {
            return false;
        }
        if self.through_imported_name(imports, path, name) == Some(true) {
            return true;
        }
        match values.of(path[0]) {
            Some(bindings) if !bindings.opaque => bindings
                .calls
                .iter()
                .any(|callee| self.through_value_made_by(imports, values, callee, name)),
            _ => self.through_any_import(imports, name),
        }
    }

    /// `value = callee(...)`, then `value.name()`: a method of the class the callee
    /// names (or of what the function returns), reached through the callee's import.
    /// A callee the module neither imports nor binds is a builtin (`open`), which
    /// leads into no module of the project.
    fn through_value_made_by(
        &self,
        imports: &Imports,
        values: &LocalValues,
        callee: &[&str],
        name: &str,
    ) -> bool {
        if self.through_imported_name(imports, callee, name) == Some(true) {
            return true;
        }
        match values.of(callee[0]) {
            Some(bindings) if !bindings.binds_values() => false,
            _ => self.through_any_import(imports, name),
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
                false => format!("{}.{}", imported.base, imported.name),
            };
            reached |= self.along(&target, parts, name)
                || self.reaches(
                    &Reach::Module(imported.base.clone()),
                    name,
                    CallForm::Attribute,
                );
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
            let below = format!("{current}.{part}");
            if !self.nodes.contains_key(&Reach::Tree(below.clone())) {
                break;
            }
            current = below;
            attributes -= 1;
        }
        let form = match attributes {
            0 => CallForm::Bare,
            _ => CallForm::Attribute,
        };
        self.reaches(&Reach::Module(current), name, form)
    }

    /// A method reached through whatever the file imports (an instance of an imported
    /// class, a value returned by an imported function).
    fn through_any_import(&self, imports: &Imports, name: &str) -> bool {
        imports
            .reaches
            .iter()
            .any(|reach| self.reaches(reach, name, CallForm::Attribute))
    }

    fn reaches(&self, reach: &Reach, name: &str, form: CallForm) -> bool {
        if !self.coroutine_names.contains(name) {
            return true;
        }
        let Some(node) = self.nodes.get(reach) else {
            return false;
        };
        let providers = &self.providers[form.slot()];
        let known = providers
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(known) = known.get(name) {
            return known.contains(node);
        }
        drop(known);
        // Another thread may compute the same set meanwhile: the first one stays.
        let computed = self.providers_of(name, form);
        let reaches = computed.contains(node);
        providers
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(name.to_string())
            .or_insert(computed);
        reaches
    }

    /// Every node from which a coroutine function called `name` can be reached.
    fn providers_of(&self, name: &str, form: CallForm) -> NodeSet {
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
        let mut seen = NodeSet::with_nodes(self.reached_from.len());
        let mut pending: Vec<NodeId> = starts.into_iter().flatten().flatten().copied().collect();
        while let Some(node) = pending.pop() {
            if seen.insert(node) {
                pending.extend(&self.reached_from[node as usize]);
            }
        }
        seen
    }
}

/// A set of graph nodes, one bit each: a large project asks for thousands of these
/// sets, each over thousands of nodes.
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
    use crate::python::{outline, scan, ModuleName};

    fn module(dotted: &str, is_package: bool) -> ModuleName {
        ModuleName::new(dotted, is_package)
    }

    struct Project {
        modules: Vec<(ModuleName, Coroutines, Imports, bool)>,
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
                            outline::coroutines(source),
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
                .map(
                    |(name, coroutines, imports, mentions_asyncio)| IndexedModule {
                        names: vec![name.dotted.as_str()],
                        coroutines,
                        imports,
                        mentions_asyncio: *mentions_asyncio,
                    },
                )
                .collect();
            let names = ["fetch", "get", "main", "sleep"].map(String::from);
            let names = Arc::new(names.into_iter().collect());
            ReachGraph::new(&modules, names, ["sleep"].into_iter().collect())
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
    fn renamed_re_exports_count_as_definitions() {
        let project = Project::new(&[
            ("impl_", false, "async def fetch(): ...\n"),
            ("facade", true, "from impl_ import fetch as get\n"),
        ]);
        let graph = project.graph();
        assert!(reaches(&graph, "app", "from facade import get\n", "get"));
    }
}
