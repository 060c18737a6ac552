//! Which dialect a DAT is written in, from its first bytes (never from a file name).

use crate::error::{ParseError, ParseErrorKind};
use crate::model::Dialect;
use crate::position::error_at;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Block keywords a clrmamepro file can start with (after an optional `BEGIN`).
const CMP_KEYWORDS: [&str; 6] = ["clrmamepro", "emulator", "romvault", "game", "machine", "resource"];

/// White space in either dialect: space, tab, CR, LF, VT, FF.
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C)
}

/// The dialect of `bytes` and their text after an optional UTF-8 byte order mark.
///
/// The first thing after the mark and white space decides: `<` is Logiqx XML; a clrmamepro
/// block keyword (`clrmamepro`, `emulator`, `romvault`, `game`, `machine`, `resource`, any case,
/// possibly after a `BEGIN` marker) is clrmamepro. Anything else is not a DAT. A DAT must be
/// UTF-8 throughout.
pub(crate) fn sniff(bytes: &[u8]) -> Result<(Dialect, &str), ParseError> {
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut at = skip_space(body, 0);
    let dialect = if body.get(at) == Some(&b'<') {
        Some(Dialect::Logiqx)
    } else {
        let mut word = token(body, at);
        if word.eq_ignore_ascii_case(b"BEGIN") {
            word = token(body, skip_space(body, at + word.len()));
        }
        CMP_KEYWORDS.iter().any(|k| k.as_bytes().eq_ignore_ascii_case(word)).then_some(Dialect::ClrMamePro)
    };
    let Some(dialect) = dialect else {
        // Everything before `at` is ASCII white space.
        at = at.min(body.len());
        let before = std::str::from_utf8(&body[..at]).unwrap_or_default();
        return Err(error_at(before, at, ParseErrorKind::NotADat));
    };
    match std::str::from_utf8(body) {
        Ok(text) => Ok((dialect, text)),
        Err(e) => {
            let valid = e.valid_up_to();
            let before = std::str::from_utf8(&body[..valid]).unwrap_or_default();
            Err(error_at(before, valid, ParseErrorKind::NotUtf8))
        }
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|&b| is_space(b)) {
        at += 1;
    }
    at
}

/// The bare word at `at`: bytes up to white space, a parenthesis or a quote.
fn token(bytes: &[u8], at: usize) -> &[u8] {
    let rest = bytes.get(at..).unwrap_or_default();
    let len = rest.iter().position(|&b| is_space(b) || matches!(b, b'(' | b')' | b'"')).unwrap_or(rest.len());
    &rest[..len]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialect(bytes: &[u8]) -> Result<Dialect, ParseError> {
        sniff(bytes).map(|(d, _)| d)
    }

    #[test]
    fn xml_and_clrmamepro_are_told_apart() {
        assert_eq!(dialect(b"<?xml version=\"1.0\"?><datafile/>"), Ok(Dialect::Logiqx));
        assert_eq!(dialect(b"\xEF\xBB\xBF \n<datafile/>"), Ok(Dialect::Logiqx));
        assert_eq!(dialect(b"clrmamepro ( name x )"), Ok(Dialect::ClrMamePro));
        assert_eq!(dialect(b"\r\n\tgame("), Ok(Dialect::ClrMamePro));
        assert_eq!(dialect(b"BEGIN\nMachine ( name x )\nEND"), Ok(Dialect::ClrMamePro));
        assert_eq!(sniff(b"\xEF\xBB\xBFgame ( )").unwrap().1, "game ( )");
    }

    #[test]
    fn anything_else_is_not_a_dat() {
        for (bytes, line, column) in [
            (&b""[..], 1, 1),
            (b"  \n  ", 2, 3),
            (b"\x80\x37\x12\x40", 1, 1),
            (b"\n\n  [credits]", 3, 3),
            (b"games ( )", 1, 1),
            (b"BEGIN", 1, 1),
        ] {
            let e = dialect(bytes).unwrap_err();
            assert_eq!((e.line, e.column, e.kind), (line, column, ParseErrorKind::NotADat), "{bytes:?}");
        }
    }

    #[test]
    fn non_utf8_is_an_error_where_it_starts() {
        let e = dialect(b"game (\n name \"caf\xE9\" )").unwrap_err();
        assert_eq!((e.line, e.column, e.kind), (2, 11, ParseErrorKind::NotUtf8));
    }
}
