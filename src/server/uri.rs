//! `file:` URIs to paths. Clients send percent-encoded URIs (`file:///home/me/my%20app/x.py`);
//! the linter works on paths.

use std::path::PathBuf;

use lsp_types::Uri;

/// The local path of a `file:` URI, or `None` for other schemes (`untitled:`, remote
/// file systems) and for URIs that do not decode to a path.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = strip_prefix_ignore_case(text, "file://")?;
    let path_start = rest.find('/')?;
    let authority = &rest[..path_start];
    if !(authority.is_empty() || authority.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let encoded = &rest[path_start..];
    let encoded = encoded.split(['?', '#']).next().unwrap_or(encoded);
    let decoded = percent_decode(encoded)?;
    Some(PathBuf::from(windows_drive(&decoded)))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Decodes `%XX` escapes; `None` if an escape is malformed or the bytes are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = text.get(at + 1..at + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            decoded.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

/// `/C:/src/x.py` names `C:/src/x.py` on Windows; elsewhere the path is as written.
fn windows_drive(path: &str) -> &str {
    let bytes = path.as_bytes();
    let has_drive =
        bytes.len() >= 3 && bytes[0] == b'/' && bytes[2] == b':' && bytes[1].is_ascii_alphabetic();
    if cfg!(windows) && has_drive {
        &path[1..]
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(text: &str) -> Uri {
        text.parse().unwrap()
    }

    #[test]
    fn file_uris_decode_to_paths() {
        assert_eq!(
            to_path(&uri("file:///home/me/my%20app/caf%C3%A9.py")),
            Some(PathBuf::from("/home/me/my app/café.py"))
        );
        assert_eq!(
            to_path(&uri("file://localhost/tmp/x.py")),
            Some(PathBuf::from("/tmp/x.py"))
        );
    }

    #[test]
    fn other_schemes_and_hosts_have_no_path() {
        assert_eq!(to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(to_path(&uri("file://server/share/x.py")), None);
        assert_eq!(percent_decode("/bad%zzescape.py"), None);
        assert_eq!(percent_decode("/not-utf8-%FF.py"), None);
    }
}
