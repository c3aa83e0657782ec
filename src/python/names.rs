//! Compact, read-only storage for the strings and name-keyed tables of the project
//! index's module summaries.
//!
//! A large project keeps thousands of summaries alive for the whole run. Built as hash
//! maps of `String`s, each name would be its own allocation and each table would
//! carry spare capacity. Frozen, a summary keeps every distinct string once in a
//! single arena ([`Strings`]), refers to it with 8-byte [`Text`] handles, and keeps
//! each table as an exactly sized slice sorted by name ([`NameMap`]), searched in
//! O(log n).

use rustc_hash::FxHashMap as HashMap;

/// `parts` joined by dots (`shop.client.fetch`) into a string of exactly that size.
/// Qualified names are built for every call and attribute the rules look at, and
/// `format!` would grow each one a few times on the way.
pub fn dotted(parts: &[&str]) -> String {
    let length = parts.iter().map(|part| part.len()).sum::<usize>() + parts.len().saturating_sub(1);
    let mut joined = String::with_capacity(length);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            joined.push('.');
        }
        joined.push_str(part);
    }
    joined
}

/// A string stored in a [`Strings`] arena: its byte range there. Eight bytes, where a
/// `String` takes 24 plus an allocation of its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Text {
    start: u32,
    len: u32,
}

/// The text of every string of one summary, each distinct string stored once, in one
/// allocation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Strings {
    text: Box<str>,
}

impl Strings {
    pub fn get(&self, text: Text) -> &str {
        let start = text.start as usize;
        &self.text[start..start + text.len as usize]
    }
}

/// Collects the strings of one summary into a [`Strings`] arena.
pub struct StringsBuilder<'s> {
    text: String,
    /// The strings stored so far, to store a string seen again (a qualified name such
    /// as `homeassistant.core.HomeAssistant`, say) only once. `None`: store every
    /// string as it comes, for a summary too short-lived for sharing to pay.
    known: Option<HashMap<&'s str, Text>>,
}

impl<'s> StringsBuilder<'s> {
    /// A builder that stores each distinct string once, with room for `strings`
    /// strings of `bytes` bytes in all (upper bounds, repeats included) so that
    /// interning never grows the arena or the table of known strings.
    pub fn deduplicating(strings: usize, bytes: usize) -> Self {
        StringsBuilder {
            text: String::with_capacity(bytes),
            known: Some(HashMap::with_capacity_and_hasher(
                strings,
                Default::default(),
            )),
        }
    }

    /// A builder that stores every string, repeats included, in room for `bytes` bytes.
    pub fn appending(bytes: usize) -> Self {
        StringsBuilder {
            text: String::with_capacity(bytes),
            known: None,
        }
    }

    pub fn intern(&mut self, string: &'s str) -> Text {
        if let Some(&known) = self.known.as_ref().and_then(|known| known.get(string)) {
            return known;
        }
        let text = Text {
            start: arena_offset(self.text.len()),
            len: arena_offset(string.len()),
        };
        self.text.push_str(string);
        if let Some(known) = &mut self.known {
            known.insert(string, text);
        }
        text
    }

    pub fn finish(self) -> Strings {
        Strings {
            text: self.text.into_boxed_str(),
        }
    }
}

/// Offsets are `u32` to keep handles small; one module's names never reach 4 GiB.
fn arena_offset(offset: usize) -> u32 {
    u32::try_from(offset).expect("a module summary's strings exceed 4 GiB")
}

/// A read-only map from names (in a summary's [`Strings`]) to values: entries in a slice
/// of exactly their number, sorted by name length and then by name, so that a lookup's
/// binary search compares the bytes of a name only when the lengths are equal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameMap<V> {
    entries: Box<[(Text, V)]>,
}

impl<V> Default for NameMap<V> {
    fn default() -> Self {
        NameMap {
            entries: Box::default(),
        }
    }
}

impl<V> NameMap<V> {
    /// Builds the map from entries with distinct names, converting each value (which
    /// may intern strings of its own). Entries are sorted first and interned in name
    /// order, so equal contents always give an equal map and arena: the language
    /// server compares summaries to see whether anything changed.
    pub fn new<'s, T>(
        strings: &mut StringsBuilder<'s>,
        mut entries: Vec<(&'s str, T)>,
        mut convert: impl FnMut(&mut StringsBuilder<'s>, T) -> V,
    ) -> Self {
        entries.sort_unstable_by_key(|(name, _)| (name.len(), *name));
        let entries = entries
            .into_iter()
            .map(|(name, value)| {
                let name = strings.intern(name);
                (name, convert(strings, value))
            })
            .collect();
        NameMap { entries }
    }

    pub fn get<'a>(&'a self, strings: &Strings, name: &str) -> Option<&'a V> {
        let found = self
            .entries
            .binary_search_by(|(key, _)| {
                (key.len as usize)
                    .cmp(&name.len())
                    .then_with(|| strings.get(*key).cmp(name))
            })
            .ok()?;
        Some(&self.entries[found].1)
    }

    pub fn contains_key(&self, strings: &Strings, name: &str) -> bool {
        self.get(strings, name).is_some()
    }

    /// The entries, shortest names first.
    pub fn iter<'a>(&'a self, strings: &'a Strings) -> impl Iterator<Item = (&'a str, &'a V)> {
        self.entries
            .iter()
            .map(move |(key, value)| (strings.get(*key), value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_joins_parts_at_their_exact_size() {
        let joined = dotted(&["shop", "client", "fetch"]);
        assert_eq!(joined, "shop.client.fetch");
        assert_eq!(joined.capacity(), joined.len());
        assert_eq!(dotted(&["builtins"]), "builtins");
        assert_eq!(dotted(&[]), "");
    }

    #[test]
    fn interning_stores_each_distinct_string_once() {
        let mut builder = StringsBuilder::deduplicating(0, 0);
        let first = builder.intern("shop.client.Client");
        let other = builder.intern("fetch");
        let again = builder.intern("shop.client.Client");
        assert_eq!(first, again);
        let strings = builder.finish();
        assert_eq!(strings.get(first), "shop.client.Client");
        assert_eq!(strings.get(other), "fetch");
        assert_eq!(&*strings.text, "shop.client.Clientfetch");
    }

    #[test]
    fn appending_stores_repeats_and_reads_them_back() {
        let mut builder = StringsBuilder::appending(4);
        let first = builder.intern("ab");
        let again = builder.intern("ab");
        assert_ne!(first, again);
        let strings = builder.finish();
        assert_eq!((strings.get(first), strings.get(again)), ("ab", "ab"));
        assert_eq!(&*strings.text, "abab");
    }

    #[test]
    fn name_map_finds_every_entry_and_nothing_else() {
        let mut builder = StringsBuilder::deduplicating(0, 0);
        let names = ["zeta", "alpha", "mid", "", "alphabet", "beta"];
        let entries = names
            .iter()
            .enumerate()
            .map(|(i, name)| (*name, i))
            .collect();
        let map = NameMap::new(&mut builder, entries, |_, value| value);
        let strings = builder.finish();
        for (i, name) in names.iter().enumerate() {
            assert_eq!(map.get(&strings, name), Some(&i), "{name:?}");
        }
        for missing in ["alph", "zz", "a", "MID", "zetb", "alphabe"] {
            assert!(!map.contains_key(&strings, missing), "{missing:?}");
        }
        let listed: Vec<(&str, usize)> = map.iter(&strings).map(|(k, v)| (k, *v)).collect();
        assert_eq!(
            listed,
            [
                ("", 3),
                ("mid", 2),
                ("beta", 5),
                ("zeta", 0),
                ("alpha", 1),
                ("alphabet", 4)
            ]
        );
    }

    #[test]
    fn values_converted_in_name_order_give_the_same_arena_for_any_input_order() {
        let build = |entries: Vec<(&'static str, &'static str)>| {
            let mut builder = StringsBuilder::deduplicating(0, 0);
            let map = NameMap::new(&mut builder, entries, |strings, target| {
                strings.intern(target)
            });
            (map, builder.finish())
        };
        let forward = build(vec![("a", "x.A"), ("b", "y.B")]);
        let backward = build(vec![("b", "y.B"), ("a", "x.A")]);
        assert_eq!(forward, backward);
        let (map, strings) = forward;
        assert_eq!(strings.get(*map.get(&strings, "b").unwrap()), "y.B");
    }

    #[test]
    fn an_empty_map_finds_nothing() {
        let map: NameMap<u8> = NameMap::default();
        let strings = StringsBuilder::deduplicating(0, 0).finish();
        assert_eq!(map.get(&strings, "anything"), None);
        assert_eq!(map.iter(&strings).count(), 0);
    }
}
