//! A byte scan of a module's import statements, before any parse: what they reach
//! and the names they bind, for the prefilter's import graph ([`super::reach`]).
//! Text in strings and comments is scanned too; a spurious import only lets one more
//! file be parsed, it never hides a finding.

use memchr::memmem;

use super::outline::Outline;
use super::ModuleName;
use crate::prefilter::is_identifier_byte;

/// Where an import statement lets a module's code reach into the project.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reach {
    /// The names a module defines or imports: `from shop.client import fetch`
    /// reaches `shop.client`.
    Module(String),
    /// A module and every module under it: `import shop` binds `shop`, through which
    /// `shop.client.fetch` is reached; `from shop import client` reaches
    /// `shop.client` and what is under it.
    Tree(String),
}

impl Reach {
    /// The dotted name reached, as a module or as the top of a tree.
    pub fn target(&self) -> &str {
        match self {
            Reach::Module(name) | Reach::Tree(name) => name,
        }
    }
}

/// What a module's import statements reach, and the names they bind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imports {
    pub reaches: Vec<Reach>,
    /// `(bound name, module)` for every `import module [as name]`: `import a.b`
    /// binds `a` to `a`, `import a.b as x` binds `x` to `a.b`.
    pub modules: Vec<(String, String)>,
    /// Every `from base import name [as alias]`, with `base` made absolute.
    pub names: Vec<ImportedName>,
}

/// One name of a `from base import ...` statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedName {
    pub base: String,
    pub name: String,
    pub alias: Option<String>,
}

impl ImportedName {
    /// The name the import binds.
    pub fn local(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

impl Imports {
    /// `(original, alias)` for every `from m import original as alias`: a coroutine
    /// re-exported under a new name is called by that name.
    pub fn renames(&self) -> impl Iterator<Item = (&str, &str)> {
        self.names
            .iter()
            .filter_map(|imported| Some((imported.name.as_str(), imported.alias.as_deref()?)))
    }
}

/// Which parts of a module's imports a caller keeps: the rest is never built. The
/// scan pass of a large project keeps a small part of them, and the lint pass only
/// the reaches the prefilter's graph knows.
#[derive(Clone, Copy)]
pub struct Wanted<'k> {
    /// Keeps a reach if this says so of its target.
    pub reach: &'k dyn Fn(&str) -> bool,
    /// Names imported without an alias (`from m import x`; renames are always kept).
    pub plain_names: bool,
    /// What each `import m` binds ([`Imports::modules`]).
    pub modules: bool,
    /// Reaches of the imports inside function and class bodies. A module's summary
    /// qualifies names through its module-level imports only, and keeps any other
    /// dotted name as it is written: of the imports in bodies, only `import a.b`
    /// (no alias) can lead it on, as `a.b.f` written. Only the outline tells where
    /// an import is; without one, every import counts as a module-level one.
    pub nested_reaches: bool,
}

impl Wanted<'_> {
    /// Everything.
    pub const ALL: Wanted<'static> = Wanted {
        reach: &|_| true,
        plain_names: true,
        modules: true,
        nested_reaches: true,
    };
}

/// Scans a module's text for its import statements (at any depth, relative ones
/// resolved against `module`). With an outline of the module, imports in strings and
/// comments are left out.
pub fn imports(source: &str, module: &ModuleName, outline: Option<&Outline>) -> Imports {
    imports_wanted(source, module, outline, Wanted::ALL)
}

/// [`imports`], building only what `wanted` keeps.
pub fn imports_wanted(
    source: &str,
    module: &ModuleName,
    outline: Option<&Outline>,
    wanted: Wanted,
) -> Imports {
    let bytes = source.as_bytes();
    let mut imports = Imports::default();
    let mut target = String::new();
    for at in memmem::find_iter(bytes, b"import") {
        if outline.is_some_and(|outline| outline.in_non_code(at)) {
            continue;
        }
        let end = at + "import".len();
        let glued_before = at > 0 && is_identifier_byte(bytes[at - 1]);
        let glued_after = bytes.get(end).is_some_and(|&b| is_identifier_byte(b));
        if glued_before || glued_after {
            continue;
        }
        let statement = statement_kind(bytes, at);
        let in_body = !wanted.nested_reaches
            && statement.as_ref().is_some_and(|(start, _)| {
                outline.is_some_and(|outline| outline.is_nested_import(*start))
            });
        match statement.map(|(_, statement)| statement) {
            Some(Statement::Import) => import_names(bytes, end, &mut imports, wanted, in_body),
            Some(Statement::From { level, named }) => {
                let wanted = match in_body {
                    true => Wanted {
                        reach: &|_| false,
                        ..wanted
                    },
                    false => wanted,
                };
                let named = std::str::from_utf8(named).ok().filter(|n| !n.is_empty());
                if let Some(base) =
                    absolute_import_base(level, named, &module.dotted, module.is_package)
                {
                    let found = FromImport {
                        base: &base,
                        wanted,
                    };
                    found.names(bytes, end, &mut imports, &mut target);
                }
            }
            None => {}
        }
    }
    imports
}

enum Statement<'a> {
    /// `import a.b, c as d`
    Import,
    /// `from ..a.b import x`: two dots and `a.b`.
    From { level: usize, named: &'a [u8] },
}

/// What the text before an `import` keyword at `at` makes of it: an `import`
/// statement (it starts a line or follows `;` or `:`), the end of a `from m` clause,
/// or neither (prose, a name like `x.import`); and where the statement starts.
fn statement_kind(bytes: &[u8], at: usize) -> Option<(usize, Statement<'_>)> {
    let before = skip_blanks_back(bytes, at);
    if before == 0 || matches!(bytes[before - 1], b'\n' | b'\r' | b';' | b':') {
        return Some((at, Statement::Import));
    }
    // `from <dots and dotted name>` before the keyword.
    let path_start = (0..before)
        .rev()
        .take_while(|&i| is_identifier_byte(bytes[i]) || bytes[i] == b'.')
        .last()?;
    let path = &bytes[path_start..before];
    let from_end = skip_blanks_back(bytes, path_start);
    let from_start = from_end.checked_sub("from".len())?;
    let is_from = from_end < path_start
        && &bytes[from_start..from_end] == b"from"
        && !(from_start > 0 && is_identifier_byte(bytes[from_start - 1]));
    if !is_from {
        return None;
    }
    let level = path.iter().take_while(|&&b| b == b'.').count();
    let statement = Statement::From {
        level,
        named: &path[level..],
    };
    Some((from_start, statement))
}

/// The absolute module a `from <dots><named> import ...` refers to, resolving leading
/// dots against the importing module (`.` is the package containing the module; for
/// `__init__.py` that is the module itself). `None` when the dots go above the top.
pub fn absolute_import_base(
    level: usize,
    named: Option<&str>,
    module: &str,
    is_package: bool,
) -> Option<String> {
    if level == 0 {
        return named.map(str::to_string);
    }
    let mut parts: Vec<&str> = if module.is_empty() {
        Vec::new()
    } else {
        module.split('.').collect()
    };
    let drop = level - usize::from(is_package);
    if drop > parts.len() {
        return None;
    }
    parts.truncate(parts.len() - drop);
    let mut base = parts.join(".");
    if let Some(named) = named {
        if !base.is_empty() {
            base.push('.');
        }
        base.push_str(named);
    }
    Some(base)
}

/// `import a.b.c` binds `a` (the whole package is reached); `import a.b as x`
/// binds `a.b`. `in_body`: the statement is in a function or class body, where a
/// summary still resolves `a.b.c.f` written after `import a.b.c` (it keeps a name
/// no module-level import binds as it is written), but never `x.f` as `a.b.f`.
fn import_names(bytes: &[u8], from: usize, imports: &mut Imports, wanted: Wanted, in_body: bool) {
    each_imported_name(bytes, from, |name, alias| {
        let reached = match alias {
            Some(_) => name,
            None => name.split('.').next().unwrap_or(name),
        };
        if !(in_body && alias.is_some()) && (wanted.reach)(reached) {
            imports.reaches.push(Reach::Tree(reached.to_string()));
        }
        if wanted.modules {
            let bound = alias.unwrap_or(reached);
            imports
                .modules
                .push((bound.to_string(), reached.to_string()));
        }
    });
}

/// One `from base import ...` statement.
struct FromImport<'a> {
    base: &'a str,
    wanted: Wanted<'a>,
}

impl FromImport<'_> {
    /// `from base import x as y, z` reaches `base` itself and `base.x`, `base.z`
    /// (which may be modules). `target` is scratch space for the names reached.
    fn names(&self, bytes: &[u8], from: usize, imports: &mut Imports, target: &mut String) {
        let base = self.base;
        if !base.is_empty() && (self.wanted.reach)(base) {
            imports.reaches.push(Reach::Module(base.to_string()));
        }
        each_imported_name(bytes, from, |name, alias| {
            if name == "*" {
                return;
            }
            target.clear();
            if !base.is_empty() {
                target.push_str(base);
                target.push('.');
            }
            target.push_str(name);
            if (self.wanted.reach)(target) {
                imports
                    .reaches
                    .push(Reach::Tree(target.as_str().to_string()));
            }
            if alias.is_some() || self.wanted.plain_names {
                imports.names.push(ImportedName {
                    base: base.to_string(),
                    name: name.to_string(),
                    alias: alias.map(str::to_string),
                });
            }
        });
    }
}

/// Calls `found` with each `name [as alias]` item after an `import` keyword: up to
/// the end of the logical line, or the closing parenthesis of a parenthesized list.
fn each_imported_name(bytes: &[u8], from: usize, mut found: impl FnMut(&str, Option<&str>)) {
    let start = skip_spaces(bytes, from);
    let parenthesized = bytes.get(start) == Some(&b'(');
    let items_start = start + usize::from(parenthesized);
    let mut end = items_start;
    while let Some(&b) = bytes.get(end) {
        let stops = match parenthesized {
            true => b == b')',
            false => {
                matches!(b, b';' | b'#')
                    || (matches!(b, b'\n' | b'\r') && !(end > 0 && bytes[end - 1] == b'\\'))
            }
        };
        if stops {
            break;
        }
        end += 1;
    }
    let Ok(items) = std::str::from_utf8(&bytes[items_start..end]) else {
        return;
    };
    for item in without_comments(items).split(',') {
        let mut words = item
            .split(|c: char| c.is_whitespace() || c == '\\')
            .filter(|word| !word.is_empty());
        let Some(name) = words.next() else {
            continue;
        };
        let alias = match words.next() {
            Some("as") => words.next(),
            _ => None,
        };
        let dotted = name
            .bytes()
            .all(|b| is_identifier_byte(b) || b == b'.' || b == b'*');
        if dotted {
            found(name, alias);
        }
    }
}

/// The lines of a parenthesized import list without their `# comments`.
fn without_comments(items: &str) -> std::borrow::Cow<'_, str> {
    if !items.contains('#') {
        return items.into();
    }
    items
        .lines()
        .map(|line| line.split('#').next().unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
        .into()
}

/// Skips spaces back from `at`, and line breaks escaped with a backslash.
fn skip_blanks_back(bytes: &[u8], at: usize) -> usize {
    let mut at = at;
    loop {
        while at > 0 && matches!(bytes[at - 1], b' ' | b'\t' | b'\x0c') {
            at -= 1;
        }
        let mut line_break = at;
        while line_break > 0 && matches!(bytes[line_break - 1], b'\n' | b'\r') {
            line_break -= 1;
        }
        if line_break < at && line_break > 0 && bytes[line_break - 1] == b'\\' {
            at = line_break - 1;
        } else {
            return at;
        }
    }
}

fn skip_spaces(bytes: &[u8], from: usize) -> usize {
    from + bytes.get(from..).map_or(0, |rest| {
        rest.iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\\'))
            .count()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(dotted: &str, is_package: bool) -> ModuleName {
        ModuleName::new(dotted, is_package)
    }

    fn reaches(source: &str, module: &ModuleName) -> Vec<Reach> {
        imports(source, module, None).reaches
    }

    #[test]
    fn builds_only_the_wanted_parts() {
        let source = "import os, shop.client as c\nfrom shop.api import fetch, get as load\n";
        let all = imports(source, &module("app", false), None);
        let wanted = Wanted {
            reach: &|target| target.starts_with("shop"),
            plain_names: false,
            modules: false,
            nested_reaches: true,
        };
        let some = imports_wanted(source, &module("app", false), None, wanted);
        let kept: Vec<Reach> = (all.reaches.iter())
            .filter(|reach| reach.target().starts_with("shop"))
            .cloned()
            .collect();
        assert_eq!(some.reaches, kept);
        assert_eq!(kept.len(), 4, "{kept:?}");
        let renames: Vec<(&str, &str)> = some.renames().collect();
        assert_eq!(renames, [("get", "load")]);
        assert_eq!(some.names.len(), 1);
        assert!(some.modules.is_empty());
        assert_eq!(all.names.len(), 2);
        assert_eq!(all.modules.len(), 2);
    }

    #[test]
    fn imports_in_bodies_reach_only_as_written_but_keep_their_renames() {
        let source = "import shop\n\ndef f():\n    import shop.api as api, shop.web\n    \
                      from shop.db import get as load\n";
        let outline = crate::python::outline::outline(source);
        let module_level = Wanted {
            nested_reaches: false,
            ..Wanted::ALL
        };
        let found = imports_wanted(source, &module("app", false), Some(&outline), module_level);
        // `shop.web.x` written in the body is still `shop.web.x` to a summary; `api.x`
        // and `load` are not `shop.api.x` and `shop.db.get` to it.
        assert_eq!(
            found.reaches,
            [Reach::Tree("shop".into()), Reach::Tree("shop".into())]
        );
        let renames: Vec<(&str, &str)> = found.renames().collect();
        assert_eq!(renames, [("get", "load")]);
        // Without an outline, or when wanted, every import reaches.
        let everywhere = imports_wanted(source, &module("app", false), None, module_level);
        assert_eq!(everywhere.reaches.len(), 5, "{:?}", everywhere.reaches);
        let all = imports_wanted(source, &module("app", false), Some(&outline), Wanted::ALL);
        assert_eq!(all.reaches, everywhere.reaches);
    }

    #[test]
    fn plain_imports_reach_the_package_they_bind() {
        let app = module("app", false);
        assert_eq!(
            reaches("import shop.client\nimport os, shop.api as api\n", &app),
            [
                Reach::Tree("shop".into()),
                Reach::Tree("os".into()),
                Reach::Tree("shop.api".into())
            ]
        );
        assert_eq!(
            reaches("if x: import a\nx = 1; import b  # import c\n", &app),
            [Reach::Tree("a".into()), Reach::Tree("b".into())]
        );
    }

    #[test]
    fn from_imports_reach_the_module_and_each_name_under_it() {
        let app = module("shop.app", false);
        assert_eq!(
            reaches("from shop.client import fetch, Client as C\n", &app),
            [
                Reach::Module("shop.client".into()),
                Reach::Tree("shop.client.fetch".into()),
                Reach::Tree("shop.client.Client".into())
            ]
        );
        assert_eq!(
            reaches(
                "    from . import (\n        api,  # the api, client\n        models,\n    )\n",
                &app
            ),
            [
                Reach::Module("shop".into()),
                Reach::Tree("shop.api".into()),
                Reach::Tree("shop.models".into())
            ]
        );
        assert_eq!(
            reaches(
                "from .. import x\nfrom ..util \\\n    import y\nfrom .m import *\n",
                &module("a.b.c", true)
            ),
            [
                Reach::Module("a.b".into()),
                Reach::Tree("a.b.x".into()),
                Reach::Module("a.b.util".into()),
                Reach::Tree("a.b.util.y".into()),
                Reach::Module("a.b.c.m".into()),
            ]
        );
    }

    #[test]
    fn prose_is_not_an_import() {
        let app = module("app", false);
        assert!(reaches("# we import nothing from here\nx.import_ = 1\n", &app).is_empty());
    }

    #[test]
    fn finds_renames_of_imported_names_only() {
        let found = imports(
            "from .client import fetch as get, post as send\nimport asyncio as aio\nwith open(p) as f: pass\n",
            &module("shop.app", false),
            None,
        );
        assert_eq!(
            found.renames().collect::<Vec<_>>(),
            [("fetch", "get"), ("post", "send")]
        );
    }
}
