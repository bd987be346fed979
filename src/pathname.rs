//! File names as text, exactly: a name that is not UTF-8 is shown escaped,
//! never lossily, so two different names never give the same text (a
//! record's `source`, a message, a rule file's path).
//!
//! The escaping (`docs/security.md`, "File names"): a name that is valid
//! UTF-8 and has no backslash is shown as it is. Otherwise every byte that
//! is not part of valid UTF-8 is written `\xNN` (two lower-case hex
//! digits) and every backslash `\\`, so the text can be read back into the
//! exact bytes. Control characters are left to the renderers, which escape
//! them for terminals and logs.

use std::ffi::OsStr;
use std::path::Path;

/// A path as text: exact, escaped where it is not UTF-8 (see the module).
pub fn show(p: &Path) -> String {
    show_os(p.as_os_str())
}

/// [`show`] for a file name or any OS string.
pub fn show_os(s: &OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        escape_bytes(s.as_bytes())
    }
    #[cfg(not(unix))]
    {
        // Windows names are UTF-16; `to_str` fails only on unpaired
        // surrogates, which are shown as U+FFFD there.
        match s.to_str() {
            Some(t) => escape_bytes(t.as_bytes()),
            None => s.to_string_lossy().into_owned(),
        }
    }
}

/// The escaping of [`show`] on raw bytes.
pub fn escape_bytes(bytes: &[u8]) -> String {
    if let Ok(t) = std::str::from_utf8(bytes) {
        if !t.contains('\\') {
            return t.to_string();
        }
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// The bytes [`escape_bytes`] was given, read back from its text (`None`
/// for text it cannot have produced). For tests and tools.
pub fn unescape(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'\\') => {
                out.push(b'\\');
                i += 2;
            }
            Some(b'x') => {
                let hex = text.get(i + 2..i + 4)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 4;
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_names_are_unchanged() {
        assert_eq!(escape_bytes(b"intakes/a b.yaml"), "intakes/a b.yaml");
        assert_eq!(escape_bytes("é.yaml".as_bytes()), "é.yaml");
    }

    #[test]
    fn invalid_bytes_and_backslashes_are_escaped_and_reversible() {
        assert_eq!(escape_bytes(b"a\xff.yaml"), "a\\xff.yaml");
        assert_eq!(escape_bytes(b"a\\xff.yaml"), "a\\\\xff.yaml");
        assert_eq!(escape_bytes(b"\xc3.yaml"), "\\xc3.yaml");
        for name in [
            &b"a\xff.yaml"[..],
            b"a\\xff.yaml",
            b"a\xfe.yaml",
            b"\\",
            b"\xe2\x82",
            "é\u{1b}".as_bytes(),
        ] {
            assert_eq!(unescape(&escape_bytes(name)).as_deref(), Some(name));
        }
    }
}
