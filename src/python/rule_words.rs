//! The words a Python module with async code must contain, in code, for a rule other
//! than AL101's calls of project coroutines to fire in it: the prefilter parses a
//! module with `async` or `await` only when one of them is there, or when AL101 can
//! reach a coroutine through its calls ([`super::reach`]).
//!
//! Every rule flags a call by the qualified name of its callee, a statement kind or an
//! exception type, and the last part of a qualified name is always written in the
//! module itself: the attribute of `x.sleep(...)`, the name a bare `sleep(...)` is
//! bound to by its `import`, `def` or `class`, or the builtin it names. So:
//!
//! - AL102, AL201, AL204, AL301, AL302, AL401, AL501 need one of [`STANDALONE`]
//!   (`create_task`, `sleep`, `finally`, `CancelledError`, ...) or a bare `except:`;
//! - asyncio's functions (`asyncio.run`, `asyncio.wait`, its coroutine functions)
//!   need `asyncio` and their own name;
//! - a blocking call of a module (`subprocess.run`, `os.system`) needs the module's
//!   name and the function's: the module can only be named through the module's own
//!   imports (values get origins from calls, classes and annotations, never from a
//!   module, unless a value is annotated with a module, which no type checker
//!   accepts);
//! - a blocking method of a class (`requests.Session.get`, `pathlib.Path.read_text`,
//!   and every callee a configuration adds) needs its name, and its class's package
//!   and name (`requests`, `Session`) either both written in the module, or both in
//!   a module its imports can reach (an attribute's or a return's type may come from
//!   there): the caller asks the import graph about [`Needs::reached_classes`]. A
//!   value's origin is the qualified name of what made it, and a name is qualified
//!   only through the imports of the module it is written in, so the class's name is
//!   always written where its package's is, outside the package itself;
//! - AL203 needs a thread lock taken, `lock.acquire()` or a `with` statement that is
//!   not `async with`, and the lock's class ([`THREAD_LOCKS`]: `threading`, `Lock`)
//!   like a blocking method's: its `with` is a method of each lock class.

use rustc_hash::FxHashMap;

use crate::catalog::BlockingTable;
use crate::prefilter::{
    is_identifier_byte, receiver, skip_back_or_forth, whole_words, Direction, IDENTIFIER_BYTES,
};
use crate::python::bindings::word_ending_at;
use crate::python::outline::word_at;
use crate::python::reach::Receiver;
use crate::python::rules::THREAD_LOCKS;

/// Words any of which lets a module with async code be parsed.
const STANDALONE: &[&str] = &[
    // AL102, AL301: tasks and fan-outs.
    "create_task",
    "ensure_future",
    "start_soon",
    "gather",
    "as_completed",
    // AL201, AL302 (`time.sleep`, `asyncio.sleep`).
    "sleep",
    // AL204, AL501: loops driven or fetched by hand, generator-based coroutines.
    "run_until_complete",
    "run_forever",
    "get_event_loop",
    "set_event_loop",
    "coroutine",
    "yield",
    // AL401: what catches a cancellation, and `finally:` blocks that can swallow it.
    "finally",
    "CancelledError",
    "BaseException",
];

/// asyncio's functions that rules name: `asyncio.run` (AL204), `asyncio.wait` (AL301)
/// and its coroutine functions (AL101).
const ASYNCIO_FUNCTIONS: &[&str] = &[
    "run",
    "wait",
    "wait_for",
    "open_connection",
    "open_unix_connection",
    "create_subprocess_exec",
    "create_subprocess_shell",
    "to_thread",
    "start_server",
    "start_unix_server",
];

/// Modules whose functions the blocking-call table names (`subprocess.run`): such a
/// callee is reached only through the module's name, written in the caller.
const MODULES: &[&str] = &[
    "builtins",
    "io",
    "os",
    "subprocess",
    "shutil",
    "socket",
    "time",
    "requests",
    "httpx",
    "urllib.request",
    "urllib3",
    "http.client",
    "sqlite3",
    "psycopg2",
    "pymysql",
    "mysql.connector",
];

/// What a module must contain for a rule other than AL101 to fire in it.
pub struct RuleWords {
    words: Vec<Word>,
    /// Each word's id, by its text.
    ids: FxHashMap<Box<[u8]>, usize>,
    /// The starts of identifiers that blocking callees name with a `*` (`spawn`).
    prefixes: Vec<String>,
    /// Rules most identifiers out before they are hashed: bit `n` of entry `b` says
    /// that a word (or prefix) starts with `b` and is `n` bytes long (63: longer).
    shapes: Box<[u64; 256]>,
    /// Module functions (`subprocess.run`): the module's package and the function,
    /// both written.
    functions: Vec<(usize, Name)>,
    /// Class methods and configured callees (`requests.Session.get`): the method
    /// written, its class's package and name written or reached.
    methods: Vec<(ClassId, Name)>,
    /// The classes of `methods`: their package's word and their own name's word.
    classes: Vec<(usize, usize)>,
    /// The classes of thread locks ([`THREAD_LOCKS`]), whose method a sync `with`
    /// statement calls.
    lock_classes: Vec<ClassId>,
    /// Callees called by a bare name that no import needs (builtins): written.
    bare: Vec<Name>,
}

/// A class of blocking methods, by its place in [`RuleWords::method_classes`].
pub type ClassId = usize;

/// One word, and whether it lets a module be parsed alone.
struct Word {
    text: String,
    standalone: bool,
}

/// The last part of a blocking callee: a word, or (`os.spawn*`) the start of one
/// (an index into [`RuleWords::prefixes`]).
enum Name {
    Word(usize),
    Prefix(usize),
}

/// What the words of one module call for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// A rule can fire: parse the module.
    pub parse: bool,
    /// Classes of blocking methods the module calls but does not name with their
    /// package: parse it if its imports reach a module that names one of them.
    pub reached_classes: Vec<ClassId>,
}

impl Needs {
    pub fn parse() -> Needs {
        Needs {
            parse: true,
            reached_classes: Vec::new(),
        }
    }
}

impl RuleWords {
    /// The words for the blocking-call tables of a run (every table any file uses).
    pub fn new<'t>(tables: impl IntoIterator<Item = &'t BlockingTable>) -> RuleWords {
        let mut builder = Builder::default();
        for word in STANDALONE {
            builder.standalone(word);
        }
        let asyncio = builder.word("asyncio");
        for function in ASYNCIO_FUNCTIONS {
            let function = Name::Word(builder.word(function));
            builder.functions.push((asyncio, function));
        }
        for table in tables {
            for callee in table.callees() {
                builder.blocking_callee(callee);
            }
        }
        let acquire = builder.word("acquire");
        for lock in THREAD_LOCKS {
            let class = builder.class(lock);
            builder.lock_classes.push(class);
            builder.methods.push((class, Name::Word(acquire)));
        }
        builder.build()
    }

    /// What `source` (with its strings and comments at `non_code`) calls for.
    pub fn needs(&self, source: &str, non_code: &[(usize, usize)]) -> Needs {
        let mut present = vec![false; self.words.len()];
        let mut prefixed = vec![false; self.prefixes.len()];
        let code = Code { source, non_code };
        let mut previous: &[u8] = b"";
        let mut previous_end = 0;
        let mut sync_with = false;
        let parse = code.identifiers().any(|(start, identifier)| {
            let rule_can_fire = match identifier {
                b"with" => {
                    sync_with |=
                        !code.only_blanks_between(previous_end, start) || previous != b"async";
                    false
                }
                b"except" => code.next_non_blank(start + identifier.len()) == Some(b':'),
                _ => self.note(identifier, &mut present, &mut prefixed),
            };
            previous = identifier;
            previous_end = start + identifier.len();
            rule_can_fire
        });
        if parse {
            return Needs::parse();
        }
        let written = |name: &Name| match name {
            Name::Word(id) => present[*id],
            Name::Prefix(id) => prefixed[*id],
        };
        let function_called = self.functions.iter().any(|(package, function)| {
            present[*package]
                && written(function)
                && match function {
                    // `client.get()` in a module that imports `requests` (for its
                    // exceptions) calls no `requests.get`.
                    Name::Word(id) => may_qualify_member(
                        source,
                        &self.words[*package].text,
                        &self.words[*id].text,
                    ),
                    Name::Prefix(_) => true,
                }
        });
        if function_called || self.bare.iter().any(written) {
            return Needs::parse();
        }
        let called = (self.methods.iter())
            .filter(|(_, method)| written(method))
            .map(|&(class, _)| class);
        let locks_taken = match sync_with {
            true => &self.lock_classes[..],
            false => &[],
        };
        let mut reached_classes: Vec<ClassId> = Vec::new();
        for class in called.chain(locks_taken.iter().copied()) {
            // The class may be named in a string annotation (`p: "Path"`).
            let (package, name) = self.classes[class];
            let named = |word: usize| {
                let text = self.words[word].text.as_bytes();
                present[word] || memchr::memmem::find(source.as_bytes(), text).is_some()
            };
            if present[package] && named(name) {
                return Needs::parse();
            }
            reached_classes.push(class);
        }
        reached_classes.sort_unstable();
        reached_classes.dedup();
        Needs {
            parse: false,
            reached_classes,
        }
    }

    /// The classes of the blocking methods, by [`ClassId`]: `("requests", "Session")`
    /// of `requests.Session.get`, `("vendor", "client")` of a configured
    /// `vendor.client.fetch`.
    pub fn method_classes(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.classes.iter().map(|&(package, name)| {
            (
                self.words[package].text.as_str(),
                self.words[name].text.as_str(),
            )
        })
    }

    /// Marks a word or prefix found in code; true for a standalone word.
    fn note(&self, identifier: &[u8], present: &mut [bool], prefixed: &mut [bool]) -> bool {
        let shape = 1u64 << identifier.len().min(63);
        if self.shapes[identifier[0] as usize] & shape != 0 {
            if let Some(&id) = self.ids.get(identifier) {
                present[id] = true;
                return self.words[id].standalone;
            }
        }
        for (id, prefix) in self.prefixes.iter().enumerate() {
            prefixed[id] |= identifier.starts_with(prefix.as_bytes());
        }
        false
    }
}

#[derive(Default)]
struct Builder {
    words: Vec<Word>,
    prefixes: Vec<String>,
    functions: Vec<(usize, Name)>,
    methods: Vec<(ClassId, Name)>,
    classes: Vec<(usize, usize)>,
    bare: Vec<Name>,
    lock_classes: Vec<ClassId>,
}

impl Builder {
    fn word(&mut self, text: &str) -> usize {
        match self.words.iter().position(|word| word.text == text) {
            Some(id) => id,
            None => {
                self.words.push(Word {
                    text: text.to_string(),
                    standalone: false,
                });
                self.words.len() - 1
            }
        }
    }

    fn standalone(&mut self, text: &str) {
        let id = self.word(text);
        self.words[id].standalone = true;
    }

    /// The last part of a callee: `run`, or `spawn` of `spawn*`.
    fn name(&mut self, last: &str) -> Name {
        let Some(start) = last.strip_suffix('*') else {
            return Name::Word(self.word(last));
        };
        match self.prefixes.iter().position(|prefix| prefix == start) {
            Some(id) => Name::Prefix(id),
            None => {
                self.prefixes.push(start.to_string());
                Name::Prefix(self.prefixes.len() - 1)
            }
        }
    }

    /// `subprocess.run` (a module's function), `requests.Session.get` (a class's
    /// method), `builtins.open`, or any configured callee; `*` ends a prefix.
    fn blocking_callee(&mut self, callee: &str) {
        let (prefix, last) = callee.rsplit_once('.').unwrap_or(("builtins", callee));
        let name = self.name(last);
        if prefix == "builtins" {
            self.bare.push(name);
            return;
        }
        let package = self.word(prefix.split('.').next().unwrap_or(prefix));
        if MODULES.contains(&prefix) {
            self.functions.push((package, name));
            return;
        }
        let class = self.class(prefix);
        self.methods.push((class, name));
    }

    /// The class `requests.Session` (of `requests.Session.get`) as its package's word
    /// and its own name's.
    fn class(&mut self, qualified: &str) -> ClassId {
        let package = self.word(qualified.split('.').next().unwrap_or(qualified));
        let class_name = self.word(qualified.rsplit('.').next().unwrap_or(qualified));
        match (self.classes.iter()).position(|&class| class == (package, class_name)) {
            Some(class) => class,
            None => {
                self.classes.push((package, class_name));
                self.classes.len() - 1
            }
        }
    }

    fn build(self) -> RuleWords {
        let mut shapes = Box::new([0u64; 256]);
        for text in self.words.iter().map(|word| &word.text) {
            shapes[text.as_bytes()[0] as usize] |= 1 << text.len().min(63);
        }
        let ids = self
            .words
            .iter()
            .enumerate()
            .map(|(id, word)| (word.text.as_bytes().into(), id))
            .collect();
        RuleWords {
            words: self.words,
            ids,
            prefixes: self.prefixes,
            shapes,
            functions: self.functions,
            methods: self.methods,
            classes: self.classes,
            bare: self.bare,
            lock_classes: self.lock_classes,
        }
    }
}

/// Can a module with this text give a name the qualified name of `member` of
/// `package` (`threading` and `Semaphore` of `threading.Semaphore`, `subprocess` and
/// `run` of `subprocess.run`): a callee, or the type of an attribute or a return
/// that its summary hands out? Names are qualified through the module's imports, so
/// the member's name must be written bare (`from threading import Semaphore`) or at
/// the end of a dotted name whose head the imports bind to the package: the package
/// itself, or, when the module writes `from package` or `package as`, any name. `asyncio.Semaphore` in a module that only writes `import
/// threading` is no `threading.Semaphore`. Strings and comments are read as code:
/// that can only make more modules count.
pub fn may_qualify_member(source: &str, package: &str, member: &str) -> bool {
    let mut other_heads = None;
    whole_words(source.as_bytes(), member.as_bytes()).any(|start| match receiver(source, start) {
        Receiver::None | Receiver::Unknown => true,
        Receiver::Path(path) if path[0] == package => true,
        Receiver::Path(_) => *other_heads.get_or_insert_with(|| binds_other_heads(source, package)),
    })
}

/// Does the module write `from package` or `package as` (`package.sub as`), which
/// can bind a name other than the package's own to one of its modules or classes?
fn binds_other_heads(source: &str, package: &str) -> bool {
    let bytes = source.as_bytes();
    whole_words(bytes, package.as_bytes()).any(|start| {
        let before = skip_back_or_forth(bytes, start, Direction::Back);
        let mut after = start + package.len();
        while bytes
            .get(after)
            .is_some_and(|&b| is_identifier_byte(b) || b == b'.')
        {
            after += 1;
        }
        let after = skip_back_or_forth(bytes, after, Direction::Forth);
        word_ending_at(bytes, before) == b"from" || word_at(bytes, after) == Some(b"as")
    })
}

/// A module's text, and where its strings and comments are.
struct Code<'s> {
    source: &'s str,
    non_code: &'s [(usize, usize)],
}

impl<'s> Code<'s> {
    /// Every identifier outside strings and comments, with its offset. A number
    /// (`0x1f`) passes for one too: no word starts with a digit.
    fn identifiers(&self) -> impl Iterator<Item = (usize, &'s [u8])> + 's {
        let bytes = self.source.as_bytes();
        let ends = self
            .non_code
            .iter()
            .copied()
            .chain([(bytes.len(), bytes.len())]);
        let mut code_start = 0;
        ends.flat_map(move |(start, end)| {
            let segment = code_start..start;
            code_start = end;
            identifiers_in(bytes, segment)
        })
    }

    fn only_blanks_between(&self, start: usize, end: usize) -> bool {
        self.source.as_bytes()[start..end].trim_ascii().is_empty()
    }

    fn next_non_blank(&self, at: usize) -> Option<u8> {
        self.source.as_bytes()[at..]
            .trim_ascii_start()
            .first()
            .copied()
    }
}

/// The identifiers of `bytes[range]`, with their offsets.
fn identifiers_in(
    bytes: &[u8],
    range: std::ops::Range<usize>,
) -> impl Iterator<Item = (usize, &[u8])> {
    let segment = &bytes[range.clone()];
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at
            + segment[at..]
                .iter()
                .position(|&b| IDENTIFIER_BYTES[b as usize])?;
        let end = segment[start..]
            .iter()
            .position(|&b| !IDENTIFIER_BYTES[b as usize])
            .map_or(segment.len(), |length| start + length);
        at = end;
        Some((range.start + start, &segment[start..end]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::python_blocking_calls;
    use crate::python::outline::non_code;

    fn needs(source: &str) -> Needs {
        let table = python_blocking_calls();
        RuleWords::new([&table]).needs(source, &non_code(source))
    }

    fn parsed(source: &str) -> bool {
        needs(source).parse
    }

    #[test]
    fn async_code_without_rule_words_is_not_parsed() {
        for source in [
            "async def f(hass):\n    await hass.async_block_till_done()\n",
            "async def f(session):\n    async with session.get(url) as r:\n        return await r.json()\n",
            "async def f(data):\n    return data.get('x')\n",
            "async def f():\n    # time.sleep(1) in a comment\n    x = 'subprocess.run'\n",
            "async def f(items):\n    return [x.copy() for x in items]\n",
        ] {
            assert!(!parsed(source), "{source:?}");
        }
    }

    #[test]
    fn every_standalone_word_in_code_is_parsed() {
        for word in STANDALONE {
            let source = format!("async def f(x):\n    x.{word}\n");
            assert!(parsed(&source), "{word}");
            let in_a_string = format!("async def f(x):\n    '{word}'\n");
            assert!(!parsed(&in_a_string), "{word} in a string");
        }
    }

    /// Does `source` take a lock of a class that the import graph must be asked
    /// about (a `with` or an `acquire()` without the class written)?
    fn takes_an_unnamed_lock(source: &str) -> bool {
        let table = python_blocking_calls();
        let rule_words = RuleWords::new([&table]);
        let needs = rule_words.needs(source, &non_code(source));
        let locks: Vec<ClassId> = rule_words.lock_classes.clone();
        assert_eq!(locks.len(), THREAD_LOCKS.len());
        !needs.parse && needs.reached_classes == locks
    }

    #[test]
    fn a_class_is_qualified_only_through_what_binds_its_package() {
        let semaphore = |source: &str| may_qualify_member(source, "threading", "Semaphore");
        for maker in [
            "import threading\nx = threading.Semaphore(2)\n",
            "import threading\nx: threading . Semaphore\n",
            "from threading import Semaphore\n",
            "from threading import (\n    Lock,\n    Semaphore as S,\n)\n",
            "import threading as th\nx = th.Semaphore()\n",
            "from threading import sub\nx = sub.Semaphore()\n",
            "import threading.sub  as  s\nx = s.Semaphore()\n",
            "import threading\nx = make().Semaphore()\n",
            "import threading\n# a Semaphore\n",
        ] {
            assert!(semaphore(maker), "{maker:?}");
        }
        for other in [
            "import threading, asyncio\nx = asyncio.Semaphore(2)\n",
            "import threading\nx: asyncio.locks.Semaphore\n",
            "import threading\nx = BoundedSemaphore()\nSemaphores = 1\n",
            "import threading\nimport asyncio as aio\nx = aio.Semaphore()\n",
        ] {
            assert!(!semaphore(other), "{other:?}");
        }
    }

    #[test]
    fn statements_and_exception_clauses() {
        // A sync `with` or an `acquire()` takes a thread lock only if its class is
        // written, here or where the import graph leads.
        for unnamed in [
            "async def f(lock):\n    with lock:\n        pass\n",
            "async def f(lock):\n    lock.acquire()\n",
            "import asyncio\n\nasync def f(lock: asyncio.Lock):\n    with lock:\n        pass\n",
        ] {
            assert!(takes_an_unnamed_lock(unnamed), "{unnamed:?}");
        }
        for named in [
            "import threading\n\nlock = threading.Lock()\n\nasync def f():\n    with lock:\n        pass\n",
            "from threading import RLock\n\nasync def f():\n    with RLock():\n        pass\n",
            "import multiprocessing\n\nasync def f(lock: 'multiprocessing.Lock'):\n    lock.acquire()\n",
        ] {
            assert!(parsed(named), "{named:?}");
        }
        let async_with = "async def f(lock):\n    async with lock:\n        pass\n";
        assert!(!parsed(async_with));
        assert!(!takes_an_unnamed_lock(async_with));
        assert!(parsed(
            "async def f():\n    try:\n        pass\n    except:\n        pass\n"
        ));
        assert!(!parsed(
            "async def f():\n    try:\n        pass\n    except ValueError:\n        pass\n"
        ));
    }

    #[test]
    fn words_are_whole_identifiers_in_code() {
        // Part of a longer identifier, an attribute of a string's text, a comment.
        for source in [
            "async def f(x):\n    x.my_sleep_time()\n",
            "async def f(x):\n    return x.sleeper\n",
            "async def f(x):\n    return f'{x} sleep'  # sleep\n",
            "async def f(x):\n    return x.without\n",
            "async def f(x):\n    return x.except_\n",
            "async def f(x):\n    return rb'sleep' + \"\"\"\nsleep\n\"\"\"  # sleep\n",
        ] {
            assert!(!parsed(source), "{source:?}");
        }
        // Right after a string or a bracket, at the end of the text.
        for source in [
            "async def f(x):\n    return ('a'.sleep)\n",
            "async def f(x):\n    return [x.sleep]",
            "async def f(x):\n    return 'a'if x else'b'.sleep\n",
            "async def f(x):\n    return 'x'+sleep  # a\n",
            "async def f(x):\n    try:\n        pass\n    except   :\n        pass\n",
        ] {
            assert!(parsed(source), "{source:?}");
        }
        assert!(takes_an_unnamed_lock(
            "async def f(x):\n    async with x:\n        pass\n    with x:\n        pass\n"
        ));
        assert!(!takes_an_unnamed_lock(
            "async def f(x):\n    async   with x:\n        pass\n"
        ));
    }

    #[test]
    fn a_module_function_needs_its_module_and_its_name() {
        assert!(parsed(
            "import subprocess\nasync def f():\n    subprocess.run(['ls'])\n"
        ));
        assert!(parsed(
            "from subprocess import run as sh\nasync def f():\n    sh(['ls'])\n"
        ));
        assert!(!parsed("async def f(task):\n    task.run()\n"));
        assert!(!parsed(
            "import subprocess\nasync def f(d):\n    return d.copy()\n"
        ));
        assert!(parsed(
            "import os\nasync def f():\n    os.spawnv(0, 'x', [])\n"
        ));
        assert!(parsed(
            "import asyncio\nasync def f():\n    asyncio.run(main())\n"
        ));
        assert!(!parsed("async def f(runner):\n    runner.run()\n"));
        // The function must be written where the module's imports qualify it.
        for called in [
            "import requests\nasync def f(u):\n    requests.get(u)\n",
            "import requests as r\nasync def f(u):\n    r.get(u)\n",
            "from requests import get\nasync def f(u):\n    get(u)\n",
            "from urllib import request\nasync def f(u):\n    request.urlopen(u)\n",
        ] {
            assert!(parsed(called), "{called:?}");
        }
        for not_called in [
            "import requests\nasync def f(client, u):\n    await client.get(u)\n",
            "import httpx, asyncio\nasync def f(c: httpx.AsyncClient):\n    await c.get('u')\n    loop.run(x)\n",
        ] {
            assert!(!parsed(not_called), "{not_called:?}");
        }
        // Builtins need no import.
        assert!(parsed("async def f(p):\n    return open(p).read()\n"));
    }

    #[test]
    fn a_class_method_needs_its_name_and_its_class_written_or_reached() {
        assert!(parsed(
            "import requests\nasync def f(s: requests.Session):\n    s.get(url)\n"
        ));
        assert!(parsed(
            "from requests import Session\nasync def f():\n    Session().get(url)\n"
        ));
        assert!(parsed(
            "import pathlib\nasync def f(p: 'pathlib.Path'):\n    p.read_text()\n"
        ));
        let reached = |source: &str| -> Vec<String> {
            let table = python_blocking_calls();
            let words = RuleWords::new([&table]);
            let classes: Vec<(&str, &str)> = words.method_classes().collect();
            let needs = words.needs(source, &non_code(source));
            assert!(!needs.parse, "{source:?}");
            let mut reached: Vec<String> = (needs.reached_classes.iter())
                .map(|&class| format!("{}.{}", classes[class].0, classes[class].1))
                .collect();
            reached.dedup();
            reached
        };
        assert_eq!(
            reached("async def f(self):\n    self.session.get(url)\n"),
            ["requests.Session"]
        );
        // The package alone, or the class's name alone, cannot make the origin here
        // (`requests.get` itself is a module function: `requests` and `get` written
        // are enough for it).
        assert_eq!(
            reached("import pathlib\nasync def f(self):\n    self.path.read_text()\n"),
            ["pathlib.Path"]
        );
        assert_eq!(
            reached("from .api import Session\nasync def f(s: Session):\n    s.get(url)\n"),
            ["requests.Session"]
        );
    }

    #[test]
    fn configured_callees_count() {
        let mut table = python_blocking_calls();
        table.insert(crate::catalog::BlockingCall {
            call: "vendor.client.fetch_blocking".to_string(),
            use_instead: "x".to_string(),
        });
        let words = RuleWords::new([&table]);
        let source =
            "from vendor.client import fetch_blocking\nasync def f():\n    fetch_blocking()\n";
        assert!(words.needs(source, &non_code(source)).parse);
        let elsewhere = "async def f(c):\n    c.fetch_blocking()\n";
        let reached = words.needs(elsewhere, &non_code(elsewhere)).reached_classes;
        let classes: Vec<(&str, &str)> = words.method_classes().collect();
        assert_eq!(reached.len(), 1);
        assert_eq!(classes[reached[0]], ("vendor", "client"));
    }
}
