//! Which names can hand a module a value whose method `name` is a coroutine function,
//! so that the prefilter parses a file for `x.get()` only if it writes one of them.
//!
//! The semantic model resolves a method called on a value (`x.get()`,
//! `self.client.get()`, `make().get()`) only through the value's origin: the class a
//! call constructs, a parameter's annotation, the class of `self`, a function's
//! declared return type, the recorded type of `self.attr`. Each step names its class or
//! function in some text: the linted file itself, or an indexed module's class body or
//! function signature. So the method can be an `async def get` of class `D` only if the
//! file writes a name of the *owners* of `get`:
//!
//! - the classes that define `async def get`, and the classes whose bases name an
//!   owner (they inherit the method, or an attribute that leads to it);
//! - the classes whose body names an owner where it can give an attribute its type
//!   (a class-level statement, a method's signature, a statement of a method that
//!   assigns to an attribute of `self`);
//! - the functions whose return annotation names an owner;
//! - the names an import renames an owner to (`import View as V`).
//!
//! Names are matched by the hash of their text, whatever module defines them: a
//! shared name or a hash collision only makes more files parsed. The facts come from
//! the bytes of the indexed modules ([`OwnerFacts`], taken during their outline),
//! and the owners of a name are worked out the first time the prefilter asks.

use std::sync::{Arc, PoisonError, RwLock};

use rustc_hash::{FxHashMap, FxHashSet};

use super::outline::word_at;
use crate::prefilter::IDENTIFIER_BYTES;

/// A name's text, as the owners are matched: its bytes taken eight at a time, so
/// that [`writes_any_of`] hashes a whole file's words in few steps.
pub fn name_hash(name: &[u8]) -> u32 {
    name_hash_in(name, 0, name.len())
}

/// [`name_hash`] of `bytes[start..end]`, reading whole eight-byte words of `bytes`
/// where it can (the bytes past the name masked off, as if it were padded with
/// zeros).
fn name_hash_in(bytes: &[u8], start: usize, end: usize) -> u32 {
    let mut hash = (end - start) as u64;
    let mut at = start;
    while at < end {
        let kept = (end - at).min(8);
        let chunk = match bytes.get(at..at + 8) {
            Some(eight) => {
                let eight = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
                match kept {
                    8 => eight,
                    _ => eight & ((1u64 << (8 * kept)) - 1),
                }
            }
            None => {
                (bytes[at..at + kept].iter().rev()).fold(0, |chunk, &b| chunk << 8 | u64::from(b))
            }
        };
        hash = hash_step(hash, chunk);
        at += 8;
    }
    hash_finish(hash)
}

fn hash_step(hash: u64, chunk: u64) -> u64 {
    (hash.rotate_left(5) ^ chunk).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

fn hash_finish(hash: u64) -> u32 {
    (hash ^ (hash >> 29)) as u32
}

/// Calls `word` with where each identifier of `bytes` starts and ends, in order,
/// until it returns false. Branch-free over the bytes: each block of 64 becomes a
/// mask of its identifier bytes, and only the starts and ends of runs are visited.
fn for_each_identifier(bytes: &[u8], mut word: impl FnMut(usize, usize) -> bool) {
    let mut open: Option<usize> = None;
    let mut previous_last = 0u64;
    for (block, chunk) in bytes.chunks(64).enumerate() {
        let base = block * 64;
        let mut mask = 0u64;
        for (i, &byte) in chunk.iter().enumerate() {
            mask |= u64::from(IDENTIFIER_BYTES[usize::from(byte)]) << i;
        }
        let shifted = (mask << 1) | previous_last;
        let starts = mask & !shifted;
        // Past a short last block, `mask` is clear: only its end can be one.
        let ends = !mask & shifted;
        previous_last = mask >> 63;
        // Starts and ends alternate, each run's end after its start.
        let mut transitions = starts | ends;
        while transitions != 0 {
            let at = base + transitions.trailing_zeros() as usize;
            transitions &= transitions - 1;
            match open.take() {
                None => open = Some(at),
                Some(start) => {
                    if !word(start, at) {
                        return;
                    }
                }
            }
        }
    }
    if let Some(start) = open {
        word(start, bytes.len());
    }
}

/// Past this many owners, a method name counts as reachable from every file: a name
/// that core classes lead to (`async_init` of `hass.config_entries.flow`) is written
/// nearly everywhere, and matching hundreds of names costs more than it spares.
const MAX_OWNERS: usize = 512;

/// What one indexed module says of its classes and functions, as name hashes packed
/// into one allocation: a whole project's facts are held until its scan pass ends.
/// Its classes (name, then the counts and lists of [`ClassFacts`]), then its
/// functions with a return annotation (name, count, names).
#[derive(Debug, Default)]
pub struct OwnerFacts {
    packed: Box<[u32]>,
}

impl OwnerFacts {
    pub fn is_empty(&self) -> bool {
        self.packed.is_empty()
    }

    fn pack(gathered: Gathered) -> OwnerFacts {
        if gathered.classes.is_empty() && gathered.returns.is_empty() {
            return OwnerFacts::default();
        }
        let mut packed = vec![gathered.classes.len() as u32];
        for class in gathered.classes {
            packed.push(class.name);
            let lists = [class.bases, class.async_methods, class.mentions];
            packed.extend(lists.iter().map(|list| list.len() as u32));
            packed.extend(lists.into_iter().flatten());
        }
        for (function, annotation) in gathered.returns {
            packed.extend([function, annotation.len() as u32]);
            packed.extend(annotation);
        }
        OwnerFacts {
            packed: packed.into_boxed_slice(),
        }
    }

    /// Each class: its name, bases, `async def` methods and mentions.
    fn classes(&self) -> impl Iterator<Item = (u32, [&[u32]; 3])> + '_ {
        let count = self.packed.first().map_or(0, |&count| count as usize);
        let mut at = 1;
        (0..count).map(move |_| {
            let name = self.packed[at];
            let lengths = [0, 1, 2].map(|i| self.packed[at + 1 + i] as usize);
            at += 4;
            let lists = lengths.map(|length| {
                let list = &self.packed[at..at + length];
                at += length;
                list
            });
            (name, lists)
        })
    }

    /// Each function with a return annotation, and the annotation's names.
    fn returns(&self) -> impl Iterator<Item = (u32, &[u32])> + '_ {
        let mut at = 1 + self
            .classes()
            .map(|(_, lists)| 4 + lists.iter().map(|list| list.len()).sum::<usize>())
            .sum::<usize>();
        std::iter::from_fn(move || {
            let (&function, &length) = (self.packed.get(at)?, self.packed.get(at + 1)?);
            let annotation = &self.packed[at + 2..at + 2 + length as usize];
            at += 2 + length as usize;
            Some((function, annotation))
        })
    }

    /// `(name, owner-to-be)` for each name that can type a value of one of the
    /// module's classes or functions: a class's bases and mentions, a function's
    /// return annotation. If `name` is an owner, the class or function becomes one.
    fn leads(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let classes = self.classes().flat_map(|(class, [bases, _, mentions])| {
            bases.iter().chain(mentions).map(move |&name| (name, class))
        });
        let functions = (self.returns()).flat_map(|(function, annotation)| {
            annotation.iter().map(move |&name| (name, function))
        });
        classes.chain(functions)
    }
}

/// The facts of a module while its pass runs.
#[derive(Debug, Default)]
struct Gathered {
    classes: Vec<ClassFacts>,
    /// Functions with a return annotation: the function, and the annotation's names.
    returns: Vec<(u32, Vec<u32>)>,
}

#[derive(Debug)]
struct ClassFacts {
    name: u32,
    /// Every name of the header after the class's own: bases, keywords.
    bases: Vec<u32>,
    async_methods: Vec<u32>,
    /// Names of class-level statements, method signatures (a parameter's annotation
    /// types the attribute it is assigned to) and the statements of methods that
    /// assign to `self.<attr>`.
    mentions: Vec<u32>,
}

/// Where a statement sits, as the outline's pass knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// At module level (blocks such as `if` or `try` aside).
    Module,
    /// Directly in a class body (blocks aside).
    Class,
    /// In a function, at any depth.
    Function,
}

/// What the pending statement gives once its text is known.
#[derive(Clone, Copy, Debug)]
enum Pending {
    /// `class Name(...)`: the class's bases.
    ClassHeader(usize),
    /// A module-level function's `def`: its return annotation.
    FunctionHeader(u32),
    /// A method's `def`: every name of its signature.
    Signature(usize),
    /// A class-level statement: what can type a class attribute.
    ClassLevel(usize),
    /// A statement in a method: what can type an attribute of `self` it assigns to.
    InMethod(usize),
}

/// Gathers a module's [`OwnerFacts`] statement by statement, as the outline's pass
/// finds where each starts.
pub struct OwnerCollector {
    facts: Gathered,
    /// The classes whose bodies the current statement may be in: indentation and
    /// index into `facts.classes`.
    classes: Vec<(usize, usize)>,
    pending: Option<(Pending, usize)>,
    self_dot: memchr::memmem::Finder<'static>,
}

impl Default for OwnerCollector {
    fn default() -> OwnerCollector {
        OwnerCollector {
            facts: Gathered::default(),
            classes: Vec::new(),
            pending: None,
            self_dot: memchr::memmem::Finder::new(b"self."),
        }
    }
}

impl OwnerCollector {
    /// A statement starts at `at` (its first non-blank byte), indented by `indent`,
    /// in `place`.
    pub fn statement(&mut self, bytes: &[u8], at: usize, indent: usize, place: Place) {
        self.finish_pending(bytes, at);
        while self
            .classes
            .last()
            .is_some_and(|&(class_indent, _)| class_indent >= indent)
        {
            self.classes.pop();
        }
        let innermost = self.classes.last().map(|&(_, class)| class);
        let words = first_words(bytes, at);
        let pending = match (words, place, innermost) {
            ([Some(b"class"), Some(name)], _, _) => {
                self.facts.classes.push(ClassFacts {
                    name: name_hash(name),
                    bases: Vec::new(),
                    async_methods: Vec::new(),
                    mentions: Vec::new(),
                });
                let class = self.facts.classes.len() - 1;
                self.classes.push((indent, class));
                Some(Pending::ClassHeader(class))
            }
            ([Some(b"async"), Some(b"def")], Place::Class, Some(class)) => {
                if let Some(name) = word_after(bytes, at, 2) {
                    self.facts.classes[class]
                        .async_methods
                        .push(name_hash(name));
                }
                Some(Pending::Signature(class))
            }
            ([Some(b"def"), _], Place::Class, Some(class)) => Some(Pending::Signature(class)),
            ([Some(b"def"), Some(name)], Place::Module, _) => {
                Some(Pending::FunctionHeader(name_hash(name)))
            }
            ([Some(b"async"), Some(b"def")], Place::Module, _) => {
                word_after(bytes, at, 2).map(|name| Pending::FunctionHeader(name_hash(name)))
            }
            // A docstring or a decorator gives no attribute a type.
            _ if matches!(bytes[at], b'"' | b'\'' | b'@') => None,
            (_, Place::Class, Some(class)) => Some(Pending::ClassLevel(class)),
            (_, Place::Function, Some(class)) => Some(Pending::InMethod(class)),
            _ => None,
        };
        self.pending = pending.map(|pending| (pending, at));
    }

    /// The facts, once the pass has reached the end of the text.
    pub fn finish(mut self, bytes: &[u8]) -> OwnerFacts {
        self.finish_pending(bytes, bytes.len());
        // A class's `self.` statements name the same things over and over; a whole
        // project's facts are held until the scan pass ends.
        for class in &mut self.facts.classes {
            for names in [&mut class.bases, &mut class.mentions] {
                names.sort_unstable();
                names.dedup();
            }
        }
        OwnerFacts::pack(self.facts)
    }

    /// Reads the pending statement, which ends where the next one starts.
    fn finish_pending(&mut self, bytes: &[u8], end: usize) {
        let Some((pending, start)) = self.pending.take() else {
            return;
        };
        let text = &bytes[start..end.max(start)];
        match pending {
            Pending::ClassHeader(class) => {
                let bases = name_hashes(text).skip(2);
                self.facts.classes[class].bases.extend(bases);
            }
            Pending::FunctionHeader(function) => {
                if let Some(annotation) = return_annotation(text) {
                    self.facts
                        .returns
                        .push((function, name_hashes(annotation).collect()));
                }
            }
            // A parameter's annotation types the attribute it is assigned to.
            Pending::Signature(class) => {
                self.facts.classes[class]
                    .mentions
                    .extend(signature_names(text));
            }
            Pending::ClassLevel(class) => {
                self.facts.classes[class]
                    .mentions
                    .extend(typing_names(text));
            }
            Pending::InMethod(class) => {
                if self.assigns_attribute_of_self(text) {
                    self.facts.classes[class]
                        .mentions
                        .extend(typing_names(text));
                }
            }
        }
    }

    /// Can `text` (a statement in a method, up to the next one) give `self.<attr>` a
    /// type: `self.x = v`, `a = self.x = v`, `(self.x) = v`, `self.x: T = v`,
    /// `self.x: T`? Every `self.<attr>` followed by an `=` (not `==`) or by a `:`
    /// with something after it on its line counts: a block header's colon
    /// (`if self.ready:`) ends its line, and a slice or a dict (`{self.key: v}`)
    /// counting too only adds mentions.
    fn assigns_attribute_of_self(&self, text: &[u8]) -> bool {
        self.self_dot.find_iter(text).any(|at| {
            if at > 0 && IDENTIFIER_BYTES[usize::from(text[at - 1])] {
                return false;
            }
            let attribute = at + "self.".len();
            let after = attribute
                + text[attribute..]
                    .iter()
                    .take_while(|&&b| IDENTIFIER_BYTES[usize::from(b)])
                    .count();
            let next = skip_while(text, after, |b| {
                matches!(b, b' ' | b'\t' | b')' | b'\\' | b'\n' | b'\r')
            });
            match text.get(next) {
                Some(b'=') => text.get(next + 1) != Some(&b'='),
                Some(b':') => annotates(text, next + 1),
                _ => false,
            }
        })
    }
}

/// Does an annotation follow the colon that ends at `at`: something on the same
/// line (a line continuation's next line counts), other than a comment?
fn annotates(text: &[u8], at: usize) -> bool {
    let mut at = at;
    loop {
        at = skip_while(text, at, |b| matches!(b, b' ' | b'\t' | b'\x0c'));
        match text.get(at..) {
            Some([b'\\', b'\r', b'\n', ..]) => at += 3,
            Some([b'\\', b'\n' | b'\r', ..]) => at += 2,
            Some([] | [b'\n' | b'\r' | b'#', ..]) | None => return false,
            Some(_) => return true,
        }
    }
}

/// Where the bytes from `at` that `skipped` accepts end.
fn skip_while(text: &[u8], at: usize, skipped: impl Fn(u8) -> bool) -> usize {
    at + text[at.min(text.len())..]
        .iter()
        .take_while(|&&b| skipped(b))
        .count()
}

/// The first two words of a statement (`async def`, `class Name`, `self` of `self.x`).
fn first_words(bytes: &[u8], at: usize) -> [Option<&[u8]>; 2] {
    let first = word_at(bytes, at);
    let second = first.and_then(|first| word_at(bytes, skip_blanks(bytes, at + first.len())));
    [first, second]
}

/// The word after the first `skip` words of a statement: the name of `async def name`.
fn word_after(bytes: &[u8], at: usize, skip: usize) -> Option<&[u8]> {
    let mut at = at;
    for _ in 0..skip {
        at = skip_blanks(bytes, at + word_at(bytes, at)?.len());
    }
    word_at(bytes, at)
}

fn skip_blanks(bytes: &[u8], at: usize) -> usize {
    skip_while(bytes, at, |b| {
        matches!(b, b' ' | b'\t' | b'\\' | b'\n' | b'\r')
    })
}

/// The text after a `def` header's `->`, if it has one (up to the end of the
/// statement: a one-line body's names count too, which only adds owners).
fn return_annotation(text: &[u8]) -> Option<&[u8]> {
    memchr::memmem::find(text, b"->").map(|arrow| &text[arrow + 2..])
}

/// What in an assignment's text can give its target a type: the name of every call
/// (`Client` of `x = api.Client(...)`, the callee is its origin) and, when the
/// statement is annotated (a `:` before its `=`), the names of the annotation.
/// Hashed, like [`name_hashes`].
fn typing_names(text: &[u8]) -> impl Iterator<Item = u32> + '_ {
    let equals = memchr::memchr(b'=', text).unwrap_or(text.len());
    let annotation = match memchr::memchr(b':', &text[..equals]) {
        Some(colon) => &text[colon + 1..equals],
        None => &[],
    };
    let callees = identifier_spans(text)
        .filter(|&(start, end)| {
            text[end..].trim_ascii_start().first() == Some(&b'(') && !called_on_self(text, start)
        })
        .map(|(start, end)| name_hash_in(text, start, end));
    callees.chain(name_hashes(annotation))
}

/// Is the call whose name starts at `start` made on `self` or `cls`
/// (`self.hass.async_add_job(...)`)? A summary gives an attribute the type of a call
/// only through a name the module binds at its top level, which `self` never is.
fn called_on_self(text: &[u8], start: usize) -> bool {
    let mut at = start;
    loop {
        let before = text[..at].trim_ascii_end();
        if before.last() != Some(&b'.') {
            let head = &text[at..];
            let head_end = head.iter().position(|&b| !IDENTIFIER_BYTES[usize::from(b)]);
            let head = &head[..head_end.unwrap_or(head.len())];
            return matches!(head, b"self" | b"cls");
        }
        let part = before[..before.len() - 1].trim_ascii_end();
        let part_start = part
            .iter()
            .rposition(|&b| !IDENTIFIER_BYTES[usize::from(b)])
            .map_or(0, |i| i + 1);
        if part_start == part.len() {
            // `f().name(`, `x[0].name(`: no plain chain.
            return false;
        }
        at = part_start;
    }
}

/// The names of a `def` header other than its keywords, its own name and its
/// parameters' names: annotations, defaults. Hashed, like [`name_hashes`].
fn signature_names(text: &[u8]) -> impl Iterator<Item = u32> + '_ {
    let parameters = memchr::memchr(b'(', text).unwrap_or(text.len());
    identifier_spans(text)
        .filter(move |&(start, end)| start > parameters && !is_parameter_name(text, start, end))
        .map(|(start, end)| name_hash_in(text, start, end))
}

/// `name` of `(name: T`, `, name=1`, `*name)`: a parameter, which types nothing.
fn is_parameter_name(text: &[u8], start: usize, end: usize) -> bool {
    let before = text[..start].trim_ascii_end().last();
    let after = text[end..].trim_ascii_start().first();
    matches!(before, Some(b'(' | b',' | b'*')) && matches!(after, Some(b':' | b',' | b')' | b'='))
}

/// Where each identifier of a text starts and ends (a word of a string or a comment
/// too; a number is none).
fn identifier_spans(text: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at
            + text[at..]
                .iter()
                .position(|&b| IDENTIFIER_BYTES[usize::from(b)])?;
        let end = start
            + text[start..]
                .iter()
                .position(|&b| !IDENTIFIER_BYTES[usize::from(b)])
                .unwrap_or(text.len() - start);
        at = end;
        Some((start, end))
    })
    .filter(|&(start, _)| !text[start].is_ascii_digit())
}

/// The hashes of the identifiers of a text, strings and comments included (a string
/// annotation names its class).
fn name_hashes(text: &[u8]) -> impl Iterator<Item = u32> + '_ {
    identifier_spans(text).map(|(start, end)| name_hash_in(text, start, end))
}

/// `from m import original as alias`, as [`MethodOwners::new`] takes it.
pub fn rename(original: &str, alias: &str) -> (u32, u32) {
    (name_hash(original.as_bytes()), name_hash(alias.as_bytes()))
}

/// The owners of each method name asked about, worked out from every indexed
/// module's facts.
#[derive(Default)]
pub struct MethodOwners {
    /// (method, class): the classes that define `async def method`, sorted.
    defined_in: Vec<(u32, u32)>,
    /// (name, owner-to-be): the classes, functions and renames that become owners
    /// when the name is one, sorted.
    lead_to: Vec<(u32, u32)>,
    /// (class, owner): for a class of blocking methods outside the project, the
    /// classes and functions of the modules that can hand one out which name it
    /// ([`outside_class_leads`]), sorted.
    outside_leads: Vec<(u32, u32)>,
    /// Per method name asked so far: its owners, or `None` past [`MAX_OWNERS`].
    owners: KnownOwners,
    /// The same per class of blocking methods asked about.
    class_owners: KnownOwners,
}

/// Owner sets worked out so far, by the hash of what they are the owners of.
type KnownOwners = RwLock<FxHashMap<u32, Option<Arc<FxHashSet<u32>>>>>;

impl MethodOwners {
    /// `renames`: every [`rename`] of the run's imports. `outside_leads`: the
    /// [`outside_class_leads`] of every module that can hand out an instance of a
    /// class of blocking methods.
    pub fn new(
        facts: Vec<OwnerFacts>,
        renames: Vec<(u32, u32)>,
        mut outside_leads: Vec<(u32, u32)>,
    ) -> MethodOwners {
        // Only a class, a function or a renamed name can ever be an owner: the other
        // names mentioned (`str`, `hass`, `_attr_name`) lead nowhere.
        let mut definitions: FxHashSet<u32> = FxHashSet::default();
        for module in &facts {
            definitions.extend(module.classes().map(|(name, _)| name));
            definitions.extend(module.returns().map(|(function, _)| function));
        }
        // A renamed owner is mentioned by its alias (`class X(V)` after `import View
        // as V`), so an alias leads on as the original does.
        definitions.extend(
            renames
                .iter()
                .flat_map(|&(original, alias)| [original, alias]),
        );
        let mut defined_in = Vec::new();
        let mut lead_to = Vec::with_capacity(renames.len());
        for module in facts {
            for (class, [_, async_methods, _]) in module.classes() {
                defined_in.extend(async_methods.iter().map(|&method| (method, class)));
            }
            lead_to.extend(
                module
                    .leads()
                    .filter(|(name, _)| definitions.contains(name)),
            );
        }
        lead_to.extend(renames);
        defined_in.sort_unstable();
        defined_in.dedup();
        lead_to.sort_unstable();
        lead_to.dedup();
        lead_to.shrink_to_fit();
        defined_in.shrink_to_fit();
        outside_leads.sort_unstable();
        outside_leads.dedup();
        outside_leads.shrink_to_fit();
        MethodOwners {
            defined_in,
            lead_to,
            outside_leads,
            owners: RwLock::default(),
            class_owners: RwLock::default(),
        }
    }

    /// The names that can hand a value whose method `method` is a coroutine function
    /// of an indexed module; `None` when there are too many to be worth matching.
    pub fn owners(&self, method: &str) -> Option<Arc<FxHashSet<u32>>> {
        let method = name_hash(method.as_bytes());
        cached(&self.owners, method, || {
            self.work_out(pairs_of(&self.defined_in, method).collect())
        })
    }

    /// The names that can hand a value of `class`, a class of blocking methods
    /// outside the project (`Session` of `requests.Session.get`): the class itself,
    /// the classes and functions that name it in a module that can hand one out
    /// ([`outside_class_leads`]), and what leads to those as to a class with a
    /// coroutine method. The semantic model resolves a method of a value to the
    /// class's (`session.get()` to `requests.Session.get`) through the same
    /// origins, and a type qualifies to the class only in a module that imports its
    /// package. So what the class's name leads to elsewhere (a project class of that
    /// name, or another package's) is not followed. `None` when there are too many.
    pub fn class_owners(&self, class: &str) -> Option<Arc<FxHashSet<u32>>> {
        let class = name_hash(class.as_bytes());
        cached(&self.class_owners, class, || {
            let mut owners = self.work_out(pairs_of(&self.outside_leads, class).collect())?;
            owners.insert(class);
            Some(owners)
        })
    }

    /// `owners`, and every name that leads to one of them.
    fn work_out(&self, mut owners: FxHashSet<u32>) -> Option<FxHashSet<u32>> {
        let mut to_follow: Vec<u32> = owners.iter().copied().collect();
        while let Some(owner) = to_follow.pop() {
            for next in pairs_of(&self.lead_to, owner) {
                if owners.insert(next) {
                    if owners.len() > MAX_OWNERS {
                        return None;
                    }
                    to_follow.push(next);
                }
            }
        }
        Some(owners)
    }
}

/// What leads to `class`, a class outside the project, in one module that can
/// hand out an instance of it: `(class, owner)` for each name an import renames the
/// class to, and each class or function of `facts` that names the class or such a
/// name where it can type a value (bases, attributes, signatures, returns).
/// `renames`: the module's own [`rename`]s.
pub fn outside_class_leads(
    facts: &OwnerFacts,
    class: &str,
    renames: &[(u32, u32)],
) -> Vec<(u32, u32)> {
    let class = name_hash(class.as_bytes());
    let mut names = vec![class];
    names.extend(
        (renames.iter())
            .filter(|&&(original, _)| original == class)
            .map(|&(_, alias)| alias),
    );
    let aliases = names[1..].iter().map(|&alias| (class, alias));
    let owners = (facts.leads())
        .filter(|(name, _)| names.contains(name))
        .map(|(_, owner)| (class, owner));
    aliases.chain(owners).collect()
}

/// The owners of `key` in `known`, worked out with `work_out` the first time.
fn cached(
    known: &KnownOwners,
    key: u32,
    work_out: impl FnOnce() -> Option<FxHashSet<u32>>,
) -> Option<Arc<FxHashSet<u32>>> {
    if let Some(owners) = known
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
    {
        return owners.clone();
    }
    // Another thread may work out the same set meanwhile: the first one stays.
    let owners = work_out().map(Arc::new);
    let mut known = known.write().unwrap_or_else(PoisonError::into_inner);
    known.entry(key).or_insert(owners).clone()
}

/// The second halves of the sorted pairs whose first half is `key`.
fn pairs_of(pairs: &[(u32, u32)], key: u32) -> impl Iterator<Item = u32> + '_ {
    let start = pairs.partition_point(|&(first, _)| first < key);
    pairs[start..]
        .iter()
        .take_while(move |&&(first, _)| first == key)
        .map(|&(_, second)| second)
}

/// For each set of owners, does `source` write one of them (in code, a string or a
/// comment)? One pass over its words, which stops once every set is found.
pub fn writes_any_of(source: &str, owners: &[&FxHashSet<u32>]) -> Vec<bool> {
    let mut written = vec![false; owners.len()];
    let mut unwritten = owners.len();
    if unwritten == 0 {
        return written;
    }
    // Most words are no owner: a bit per hash spares them the sets' lookups.
    let mut any_owner = [0u64; 64];
    for &owner in owners.iter().copied().flatten() {
        let (word, bit) = owner_bit(owner);
        any_owner[word] |= bit;
    }
    let bytes = source.as_bytes();
    for_each_identifier(bytes, |start, end| {
        if bytes[start].is_ascii_digit() {
            return true;
        }
        let name = name_hash_in(bytes, start, end);
        let (word, bit) = owner_bit(name);
        if any_owner[word] & bit == 0 {
            return true;
        }
        for (found, owners) in written.iter_mut().zip(owners) {
            if !*found && owners.contains(&name) {
                *found = true;
                unwritten -= 1;
            }
        }
        unwritten > 0
    });
    written
}

/// Where a name's bit is in a 4,096-bit set of [`writes_any_of`]: the word and the
/// bit, from the hash's top bits.
fn owner_bit(name: u32) -> (usize, u64) {
    let at = (name >> 20) as usize;
    (at / 64, 1 << (at % 64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::outline::outline_with_owners;

    fn owners_of(modules: &[&str], renames: &[(&str, &str)], method: &str) -> Option<Vec<u32>> {
        let facts = modules
            .iter()
            .map(|source| outline_with_owners(source).1)
            .collect();
        let renames = renames.iter().map(|&(a, b)| rename(a, b)).collect();
        let owners = MethodOwners::new(facts, renames, Vec::new()).owners(method)?;
        let mut owners: Vec<u32> = owners.iter().copied().collect();
        owners.sort_unstable();
        Some(owners)
    }

    fn hashes(names: &[&str]) -> Vec<u32> {
        let mut hashes: Vec<u32> = names.iter().map(|n| name_hash(n.as_bytes())).collect();
        hashes.sort_unstable();
        hashes
    }

    #[test]
    fn owners_follow_bases_attributes_returns_and_renames() {
        let views = "class View:\n    async def get(self):\n        pass\n\n\
                     class Sub(api.View, metaclass=Meta):\n    pass\n";
        let holders = "class Holder:\n    view: 'View'\n\n\
                       class Maker:\n    def __init__(self, other: Other):\n        self.made = make(1)\n\n\
                       def make(x) -> Sub:\n    pass\n\n\
                       def unrelated() -> None:\n    pass\n";
        assert_eq!(
            owners_of(&[views, holders], &[("Holder", "H")], "get"),
            Some(hashes(&["View", "Sub", "Holder", "Maker", "make", "H"]))
        );
        assert_eq!(owners_of(&[views], &[], "close"), Some(Vec::new()));
    }

    #[test]
    fn a_class_that_names_an_owner_by_its_alias_is_one() {
        let views = "class View:\n    async def get(self):\n        pass\n";
        let other = "from views import View as V\n\nclass X(V):\n    pass\n\n\
                     class Y:\n    held: V\n";
        assert_eq!(
            owners_of(&[views, other], &[("View", "V")], "get"),
            Some(hashes(&["View", "V", "X", "Y"]))
        );
    }

    #[test]
    fn a_class_outside_the_project_is_owned_from_the_modules_that_can_hand_it_out() {
        // `maker` imports `requests`; `elsewhere` has a `Session` of its own.
        let maker = "from requests import Session as S\n\nclass Client:\n    session: S\n\n\
                     class Unrelated:\n    x: int\n\ndef open_session() -> S:\n    pass\n";
        let holder = "class Holder:\n    client: Client\n";
        let elsewhere = "class Session:\n    pass\n\nclass Repo:\n    session: Session\n";
        let facts: Vec<OwnerFacts> = [maker, holder, elsewhere]
            .iter()
            .map(|source| outline_with_owners(source).1)
            .collect();
        let maker_renames = [rename("Session", "S")];
        let leads = outside_class_leads(&facts[0], "Session", &maker_renames);
        let renames = maker_renames.to_vec();
        let owners = MethodOwners::new(facts, renames, leads);
        let mut found: Vec<u32> = owners
            .class_owners("Session")
            .unwrap()
            .iter()
            .copied()
            .collect();
        found.sort_unstable();
        assert_eq!(
            found,
            hashes(&["Session", "S", "Client", "open_session", "Holder"])
        );
        assert_eq!(owners.class_owners("Path").unwrap().len(), 1);
    }

    #[test]
    fn only_what_can_type_an_attribute_counts() {
        let views = "class View:\n    async def get(self):\n        pass\n";
        // A parameter's name, a call made on `self`, a statement that assigns to no
        // attribute of `self`, a comparison: none types an attribute.
        let others = "class A:\n    def f(self, View: int):\n        pass\n\n\
                      class B:\n    def f(self):\n        self.x = self.View()\n\n\
                      class C:\n    def f(self):\n        x = View()\n\n\
                      class D:\n    def f(self):\n        if self.ok:\n            View()\n";
        assert_eq!(
            owners_of(&[views, others], &[], "get"),
            Some(hashes(&["View"]))
        );
    }

    #[test]
    fn a_method_statement_counts_when_it_can_give_an_attribute_of_self_a_type() {
        let collector = OwnerCollector::default();
        for text in [
            "self.view = make()\n",
            "a = self.view = make()\n",
            "(self.view) = make()\n",
            "self.view: View = make()\n",
            "self.view: View\n",
            "self.view :\\\n    View\n",
            "if ready: self.view = make()\n",
            "x = {self.key: make()}\n",
        ] {
            assert!(
                collector.assigns_attribute_of_self(text.as_bytes()),
                "{text:?}"
            );
        }
        for text in [
            "if self.ready:\n",
            "if self.ready:  # comment\n",
            "with self.lock :\r\n",
            "return self.view == make()\n",
            "self.count += 1\n",
            "self.view.inner = make()\n",
            "self.views[0] = make()\n",
            "myself.view = make()\n",
            "f(self.view, key=make())\n",
            "self.view\n",
        ] {
            assert!(
                !collector.assigns_attribute_of_self(text.as_bytes()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn too_many_owners_make_a_method_unknown() {
        let mut source = String::from("class C0:\n    async def get(self):\n        pass\n");
        for i in 1..=MAX_OWNERS {
            source.push_str(&format!("class C{i}(C{}):\n    pass\n", i - 1));
        }
        assert_eq!(owners_of(&[&source], &[], "get"), None);
    }

    #[test]
    fn words_are_found_and_hashed_alike_wherever_they_sit() {
        // Words across the 64-byte blocks, of every length up to 19, up to the end.
        let mut text = String::new();
        for i in 0..200 {
            let length = 1 + i % 19;
            let word: String = (0..length)
                .map(|j| (b'a' + ((i + j) % 26) as u8) as char)
                .collect();
            text.push_str(&word);
            text.push_str([" ", "(", ".\n", "  # é ", ""][i % 5]);
            if i % 5 == 4 {
                text.push('1');
            }
        }
        for end in [text.len(), text.len() - 1, 63, 64, 65, 127, 128, 0] {
            let text = &text.as_bytes()[..end];
            let mut found = Vec::new();
            for_each_identifier(text, |start, end| {
                found.push((start, end));
                true
            });
            let expected: Vec<(usize, usize)> = (0..text.len())
                .filter(|&i| {
                    IDENTIFIER_BYTES[usize::from(text[i])]
                        && (i == 0 || !IDENTIFIER_BYTES[usize::from(text[i - 1])])
                })
                .map(|start| {
                    let length = text[start..]
                        .iter()
                        .take_while(|&&b| IDENTIFIER_BYTES[usize::from(b)])
                        .count();
                    (start, start + length)
                })
                .collect();
            assert_eq!(found, expected);
            for (start, end) in found {
                assert_eq!(
                    name_hash_in(text, start, end),
                    name_hash(&text[start..end]),
                    "{:?}",
                    &text[start..end]
                );
            }
        }
        assert_ne!(name_hash(b"View"), name_hash(b"View\0"));
        assert_ne!(name_hash(b"ab"), name_hash(b"ba"));
    }

    #[test]
    fn a_file_writes_an_owner_in_code_strings_or_comments() {
        let view: FxHashSet<u32> = [name_hash(b"View")].into_iter().collect();
        let other: FxHashSet<u32> = [name_hash(b"Other")].into_iter().collect();
        assert_eq!(
            writes_any_of("def f(v: 'View'):\n    v.get()\n", &[&view, &other]),
            [true, false]
        );
        assert_eq!(writes_any_of("Views = 1\n", &[&view]), [false]);
    }
}
