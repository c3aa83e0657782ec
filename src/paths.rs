//! Path helpers shared by discovery, configuration and the engine.

use std::borrow::Cow;
use std::path::Path;

/// `path` made absolute as [`std::path::absolute`] makes it, without copying a path
/// that already is: discovery and configuration ask this of every file and folder,
/// and the walk hands them absolute, clean paths.
pub fn absolute(path: &Path) -> Cow<'_, Path> {
    if is_clean_absolute(path) {
        return Cow::Borrowed(path);
    }
    Cow::Owned(std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Is `path` already what [`std::path::absolute`] returns for it? On Unix that is
/// an absolute path without `.` components or repeated separators (it keeps `..`
/// and a trailing separator). Elsewhere, never: the standard library decides.
fn is_clean_absolute(path: &Path) -> bool {
    if !cfg!(unix) {
        return false;
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let after_slash = |slash: usize| bytes.get(slash + 1..).unwrap_or_default();
    bytes.first() == Some(&b'/')
        && memchr::memchr_iter(b'/', bytes).all(|slash| {
            let after = after_slash(slash);
            !(after.starts_with(b"/") || after == b"." || after.starts_with(b"./"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_standard_library() {
        let paths = [
            "/",
            "/a",
            "/a/b.py",
            "/a/b/",
            "/a/../b",
            "/a/./b",
            "/a//b",
            "//a",
            "/a/.",
            "/a/..",
            "/.",
            "/./a",
            "a",
            "a/b",
            "./a",
            "../a",
            "",
            ".",
            "/a.b/.c/..d",
        ];
        for path in paths {
            let path = Path::new(path);
            let expected = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
            assert_eq!(absolute(path).as_os_str(), expected.as_os_str(), "{path:?}");
        }
    }

    #[test]
    fn borrows_a_clean_absolute_path() {
        assert!(matches!(absolute(Path::new("/a/b.py")), Cow::Borrowed(_)));
        assert!(matches!(absolute(Path::new("/a/./b.py")), Cow::Owned(_)));
    }
}
