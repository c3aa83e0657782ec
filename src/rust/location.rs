//! Where a `.rs` file sits in its crate: which crate it belongs to and its module
//! path, found from the file system (`Cargo.toml`, `src/`, `mod.rs`).

use std::path::{Path, PathBuf};

/// The crate and module of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileLocation {
    /// Identifies the crate: its directory for files under `src/`, or the file
    /// itself for a file that is its own crate root (tests, examples, loose files).
    pub crate_key: PathBuf,
    /// The module path inside the crate: `src/net/client.rs` → `["net", "client"]`.
    pub module: Vec<String>,
    /// For a test, example or bench file: the library crate it can name, as
    /// `(lib name, crate key)`, so `mycrate::client::fetch` resolves into it.
    pub library: Option<(String, PathBuf)>,
}

impl FileLocation {
    /// Finds the crate of `path` (an absolute path) by climbing to the nearest
    /// `Cargo.toml`.
    pub fn from_path(path: &Path) -> Self {
        let Some(manifest_dir) = path
            .ancestors()
            .skip(1)
            .find(|dir| dir.join("Cargo.toml").is_file())
        else {
            return FileLocation {
                crate_key: path.to_path_buf(),
                ..FileLocation::default()
            };
        };
        let relative = path.strip_prefix(manifest_dir).unwrap_or(path);
        match relative.strip_prefix("src") {
            Ok(in_src) => FileLocation {
                crate_key: manifest_dir.to_path_buf(),
                module: module_path(in_src),
                library: None,
            },
            Err(_) => FileLocation {
                crate_key: path.to_path_buf(),
                module: Vec::new(),
                library: library_name(manifest_dir).map(|name| (name, manifest_dir.to_path_buf())),
            },
        }
    }
}

/// `net/client.rs` → `net::client`; `lib.rs`, `main.rs` → the root; `net/mod.rs` → `net`.
fn module_path(in_src: &Path) -> Vec<String> {
    let mut parts: Vec<String> = in_src
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    let Some(last) = parts.pop() else {
        return parts;
    };
    let stem = last.strip_suffix(".rs").unwrap_or(&last);
    let is_root = parts.is_empty() && (stem == "lib" || stem == "main");
    if !is_root && stem != "mod" {
        parts.push(stem.to_string());
    }
    parts
}

/// The library name of a package: `[lib] name`, else `[package] name` with `-` → `_`.
fn library_name(manifest_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(manifest_dir.join("Cargo.toml")).ok()?;
    let manifest: toml::Table = text.parse().ok()?;
    let named = |section: &str| {
        manifest
            .get(section)?
            .get("name")?
            .as_str()
            .map(|name| name.replace('-', "_"))
    };
    named("lib").or_else(|| named("package"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_follow_cargo_layout() {
        assert!(module_path(Path::new("lib.rs")).is_empty());
        assert!(module_path(Path::new("main.rs")).is_empty());
        assert_eq!(module_path(Path::new("net/mod.rs")), ["net"]);
        assert_eq!(module_path(Path::new("net/client.rs")), ["net", "client"]);
        assert_eq!(module_path(Path::new("bin/lib.rs")), ["bin", "lib"]);
    }

    #[test]
    fn files_without_a_manifest_are_their_own_crate() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("loose.rs");
        let location = FileLocation::from_path(&file);
        assert_eq!(location.crate_key, file);
        assert!(location.module.is_empty());
    }
}
