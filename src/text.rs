//! Making strings from a capture safe to show.

use std::borrow::Cow;

/// Escapes control characters (C0, DEL, C1) and backslashes so that a string
/// taken from a capture cannot move the cursor, change colours or fake lines
/// on a terminal. Printable text, non-ASCII letters included, is kept.
pub fn escape_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c == '\\'
        || c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Reads a NUL-padded fixed-size text field (host names, vendor strings,
/// phone numbers): stops at the first NUL, replaces invalid UTF-8.
pub fn nul_padded(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(field.get(..end).unwrap_or(field)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_terminal("host\x1b[31mred\n"), "host\\x1b[31mred\\n");
        assert_eq!(escape_terminal("a\\b"), "a\\\\b");
        assert_eq!(escape_terminal("\u{9b}x"), "\\x9bx");
        assert_eq!(escape_terminal("\u{202e}txt"), "\\u{202e}txt");
        assert!(matches!(escape_terminal("plain é"), Cow::Borrowed(_)));
    }

    #[test]
    fn nul_padded_stops_at_first_nul() {
        assert_eq!(nul_padded(b"local\0\0junk"), "local");
        assert_eq!(nul_padded(b"full"), "full");
        assert_eq!(nul_padded(b""), "");
    }
}
