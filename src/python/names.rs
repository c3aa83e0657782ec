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

/// Collects the strings of one summary into a [`Strings`] arena, storing a string seen
/// again (a qualified name such as `homeassistant.core.HomeAssistant`, say) only once.
#[derive(Default)]
pub struct StringsBuilder<'s> {
    text: String,
    known: HashMap<&'s str, Text>,
}

impl<'s> StringsBuilder<'s> {
    pub fn intern(&mut self, string: &'s str) -> Text {
        if let Some(&known) = self.known.get(string) {
            return known;
        }
        let text = Text {
            start: arena_offset(self.text.len()),
            len: arena_offset(string.len()),
        };
        self.text.push_str(string);
        self.known.insert(string, text);
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

/// A read-only map from names (in a summary's [`Strings`]) to values: entries sorted by
/// name, in a slice of exactly their number.
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
        entries.sort_unstable_by_key(|(name, _)| *name);
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
            .binary_search_by(|(key, _)| strings.get(*key).cmp(name))
            .ok()?;
        Some(&self.entries[found].1)
    }

    pub fn contains_key(&self, strings: &Strings, name: &str) -> bool {
        self.get(strings, name).is_some()
    }

    /// The entries in name order.
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
    fn interning_stores_each_distinct_string_once() {
        let mut builder = StringsBuilder::default();
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
    fn name_map_finds_every_entry_and_nothing_else() {
        let mut builder = StringsBuilder::default();
        let names = ["zeta", "alpha", "mid", "", "alphabet"];
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
        for missing in ["alph", "zz", "a", "MID"] {
            assert!(!map.contains_key(&strings, missing), "{missing:?}");
        }
        let listed: Vec<(&str, usize)> = map.iter(&strings).map(|(k, v)| (k, *v)).collect();
        assert_eq!(
            listed,
            [
                ("", 3),
                ("alpha", 1),
                ("alphabet", 4),
                ("mid", 2),
                ("zeta", 0)
            ]
        );
    }

    #[test]
    fn values_converted_in_name_order_give_the_same_arena_for_any_input_order() {
        let build = |entries: Vec<(&'static str, &'static str)>| {
            let mut builder = StringsBuilder::default();
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
        let strings = StringsBuilder::default().finish();
        assert_eq!(map.get(&strings, "anything"), None);
        assert_eq!(map.iter(&strings).count(), 0);
    }
}
