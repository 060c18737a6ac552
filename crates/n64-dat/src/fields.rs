//! What each field of a header, game or rom means, shared by both readers: the readers find
//! `key = value` pairs (attributes, child elements, clrmamepro keys) and hand them here.

use crate::error::{HashKind, ParseErrorKind, WarningKind};
use crate::model::{DatHeader, DumpStatus, Game, Rom};
use crate::position::shorten;

/// What became of one field.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Stored.
    Stored,
    /// Known and deliberately not modelled.
    Ignored,
    /// Stored or ignored, with something to warn about.
    Warn(WarningKind),
}

/// How a reader should treat a field before it reads its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldKind {
    /// Modelled: read its value and [`apply`](HeaderDraft::apply) it.
    Read,
    /// Known and not modelled: skip it silently.
    Ignored,
    /// Unknown: skip it with a warning.
    Unknown,
}

fn kind_of(read: &[&str], ignored: &[&str], key: &str) -> FieldKind {
    if read.iter().any(|f| f.eq_ignore_ascii_case(key)) {
        FieldKind::Read
    } else if ignored.iter().any(|f| f.eq_ignore_ascii_case(key)) {
        FieldKind::Ignored
    } else {
        FieldKind::Unknown
    }
}

/// Fields of a header this crate reads, by name, in the order of the bit that marks them seen.
const HEADER_FIELDS: [&str; 8] = ["name", "description", "version", "date", "author", "homepage", "url", "comment"];

/// Header fields that are known and not modelled.
const HEADER_IGNORED: [&str; 16] = [
    "id",
    "subset",
    "category",
    "email",
    "clrmamepro",
    "romcenter",
    "forcemerging",
    "forcezipping",
    "forcepacking",
    "forcenodump",
    "header",
    "plugin",
    "type",
    "build",
    "debug",
    "retool",
];

/// Game fields that are known and not modelled (attributes, child elements and clrmamepro keys).
const GAME_IGNORED: [&str; 32] = [
    "romof",
    "sampleof",
    "isbios",
    "isdevice",
    "ismechanical",
    "runnable",
    "sourcefile",
    "board",
    "rebuildto",
    "comment",
    "year",
    "manufacturer",
    "publisher",
    "developer",
    "category",
    "genre",
    "region",
    "language",
    "languages",
    "releaseyear",
    "releasemonth",
    "users",
    "esrb",
    "origin",
    "franchise",
    "release",
    "biosset",
    "disk",
    "sample",
    "archive",
    "driver",
    "device_ref",
];

/// Rom fields that are known and not modelled.
const ROM_IGNORED: [&str; 10] =
    ["merge", "date", "region", "offset", "bios", "optional", "dispose", "soundonly", "loadflag", "inverted"];

/// A header being read: which fields were already seen.
#[derive(Debug, Default)]
pub(crate) struct HeaderDraft {
    pub(crate) header: DatHeader,
    seen: u16,
}

impl HeaderDraft {
    pub(crate) fn kind(key: &str) -> FieldKind {
        kind_of(&HEADER_FIELDS, &HEADER_IGNORED, key)
    }

    pub(crate) fn apply(&mut self, key: &str, value: &str) -> Outcome {
        let Some(index) = HEADER_FIELDS.iter().position(|f| f.eq_ignore_ascii_case(key)) else {
            return ignored_or_unknown(&HEADER_IGNORED, key, "header");
        };
        let h = &mut self.header;
        let value = value.to_owned();
        match index {
            0 => h.name = value,
            1 => h.description = Some(value),
            2 => h.version = Some(value),
            3 => h.date = Some(value),
            4 => h.author = Some(value),
            5 => h.homepage = Some(value),
            6 => h.url = Some(value),
            _ => h.comment = Some(value),
        }
        mark(&mut self.seen, index, HEADER_FIELDS[index], "header")
    }
}

/// Game fields this crate reads (`serial` may repeat).
const GAME_FIELDS: [&str; 6] = ["name", "description", "id", "cloneof", "cloneofid", "serial"];

/// A game being read.
#[derive(Debug, Default)]
pub(crate) struct GameDraft {
    pub(crate) game: Game,
    seen: u16,
}

impl GameDraft {
    /// Whether the game got its name.
    pub(crate) fn has_name(&self) -> bool {
        self.seen & 1 != 0
    }

    pub(crate) fn apply(&mut self, key: &str, value: &str) -> Outcome {
        let Some(index) = GAME_FIELDS.iter().position(|f| f.eq_ignore_ascii_case(key)) else {
            return ignored_or_unknown(&GAME_IGNORED, key, "game");
        };
        let g = &mut self.game;
        let value = value.to_owned();
        match index {
            0 => g.name = value,
            1 => g.description = Some(value),
            2 => g.id = Some(value),
            3 => g.cloneof = Some(value),
            4 => g.cloneofid = Some(value),
            _ => {
                g.serials.push(value);
                return Outcome::Stored;
            }
        }
        mark(&mut self.seen, index, GAME_FIELDS[index], "game")
    }

    pub(crate) fn kind(key: &str) -> FieldKind {
        kind_of(&GAME_FIELDS, &GAME_IGNORED, key)
    }
}

/// Rom fields this crate reads; `crc32` is clrmamepro's other name for `crc`, `flags` its other
/// name for `status`.
const ROM_FIELDS: [&str; 12] =
    ["name", "size", "crc", "md5", "sha1", "sha256", "status", "serial", "header", "mia", "crc32", "flags"];

/// A rom being read.
#[derive(Debug, Default)]
pub(crate) struct RomDraft {
    pub(crate) rom: Rom,
    seen: u16,
}

impl RomDraft {
    pub(crate) fn kind(key: &str) -> FieldKind {
        kind_of(&ROM_FIELDS, &ROM_IGNORED, key)
    }

    /// Whether the rom got its name.
    pub(crate) fn has_name(&self) -> bool {
        self.seen & 1 != 0
    }

    pub(crate) fn apply(&mut self, key: &str, value: &str) -> Result<Outcome, ParseErrorKind> {
        let Some(mut index) = ROM_FIELDS.iter().position(|f| f.eq_ignore_ascii_case(key)) else {
            return Ok(ignored_or_unknown(&ROM_IGNORED, key, "rom"));
        };
        // The aliases share their bit (and their meaning) with the main name.
        index = match index {
            10 => 2,
            11 => 6,
            other => other,
        };
        let r = &mut self.rom;
        let mut odd = None;
        match index {
            0 => value.clone_into(&mut r.name),
            1 => r.size = parse_size(value)?,
            2 => r.crc32 = parse_crc32(value)?,
            3 => r.md5 = parse_hex(value, HashKind::Md5)?,
            4 => r.sha1 = parse_hex(value, HashKind::Sha1)?,
            5 => r.sha256 = parse_hex(value, HashKind::Sha256)?,
            6 => {
                r.status = DumpStatus::from_name(value.trim()).unwrap_or_else(|| {
                    odd = Some(WarningKind::UnknownStatus { value: shorten(value) });
                    DumpStatus::Good
                });
            }
            7 => r.serial = Some(value.to_owned()),
            8 => r.header = Some(value.to_owned()),
            _ => {
                let word = value.trim();
                r.mia = word.eq_ignore_ascii_case("yes");
                if !r.mia && !word.eq_ignore_ascii_case("no") {
                    odd = Some(WarningKind::UnknownMia { value: shorten(value) });
                }
            }
        }
        let outcome = mark(&mut self.seen, index, ROM_FIELDS[index], "rom");
        Ok(odd.map_or(outcome, Outcome::Warn))
    }
}

fn mark(seen: &mut u16, index: usize, field: &str, within: &str) -> Outcome {
    let bit = 1 << index;
    if *seen & bit != 0 {
        return Outcome::Warn(WarningKind::Repeated { field: field.to_owned(), within: within.to_owned() });
    }
    *seen |= bit;
    Outcome::Stored
}

fn ignored_or_unknown(ignored: &[&str], key: &str, within: &str) -> Outcome {
    if ignored.iter().any(|f| f.eq_ignore_ascii_case(key)) {
        Outcome::Ignored
    } else {
        Outcome::Warn(WarningKind::UnknownField { field: shorten(key), within: within.to_owned() })
    }
}

/// White space as DAT values may carry around numbers: space, tab, CR, LF, VT, FF.
fn trim(value: &str) -> &str {
    value.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{b}')
}

/// A size: decimal (leading zeros are not octal) or `0x` hexadecimal, white space around it
/// allowed; empty means no size.
pub(crate) fn parse_size(value: &str) -> Result<Option<u64>, ParseErrorKind> {
    let digits = trim(value);
    if digits.is_empty() {
        return Ok(None);
    }
    let parsed = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => u64::from_str_radix(hex, 16).ok(),
        None if digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse().ok(),
        _ => None,
    };
    parsed.map(Some).ok_or_else(|| ParseErrorKind::BadSize { value: shorten(value) })
}

/// A CRC32: 1 to 8 hexadecimal digits (old DATs drop leading zeros), white space around it
/// allowed; empty means no CRC.
pub(crate) fn parse_crc32(value: &str) -> Result<Option<u32>, ParseErrorKind> {
    let digits = trim(value);
    if digits.is_empty() {
        return Ok(None);
    }
    if digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ParseErrorKind::BadHash { hash: HashKind::Crc32, value: shorten(value) });
    }
    u32::from_str_radix(digits, 16)
        .map(Some)
        .map_err(|_| ParseErrorKind::BadHash { hash: HashKind::Crc32, value: shorten(value) })
}

/// A hash of exactly `N` bytes written as `2 * N` hexadecimal digits (either case), white space
/// around it allowed; empty means no hash.
pub(crate) fn parse_hex<const N: usize>(value: &str, hash: HashKind) -> Result<Option<[u8; N]>, ParseErrorKind> {
    let digits = trim(value).as_bytes();
    if digits.is_empty() {
        return Ok(None);
    }
    let bad = || ParseErrorKind::BadHash { hash, value: shorten(value) };
    if digits.len() != 2 * N {
        return Err(bad());
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let high = hex_digit(pair[0]).ok_or_else(bad)?;
        let low = hex_digit(pair[1]).ok_or_else(bad)?;
        *byte = high << 4 | low;
    }
    Ok(Some(out))
}

fn hex_digit(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("123").unwrap(), Some(123));
        assert_eq!(parse_size(" 0123 \n").unwrap(), Some(123), "a leading zero is not octal");
        assert_eq!(parse_size("0x800000").unwrap(), Some(8_388_608));
        assert_eq!(parse_size("0XfF").unwrap(), Some(255));
        assert_eq!(parse_size("").unwrap(), None);
        assert_eq!(parse_size("  ").unwrap(), None);
        assert_eq!(parse_size("18446744073709551615").unwrap(), Some(u64::MAX));
        for bad in ["18446744073709551616", "-1", "+1", "1e3", "0x", "12 3", "0x1g", "abc"] {
            assert_eq!(parse_size(bad), Err(ParseErrorKind::BadSize { value: bad.into() }), "{bad}");
        }
    }

    #[test]
    fn hashes() {
        assert_eq!(parse_hex::<4>("0123abCD", HashKind::Crc32).unwrap(), Some([0x01, 0x23, 0xAB, 0xCD]));
        assert_eq!(parse_hex::<4>(" 0123abcd ", HashKind::Crc32).unwrap(), Some([0x01, 0x23, 0xAB, 0xCD]));
        assert_eq!(parse_hex::<4>("", HashKind::Crc32).unwrap(), None);
        for bad in ["123abcd", "0123abcde", "0123abcg", "+123abcd", "0x123abc", "０１２３abcd"] {
            assert!(parse_hex::<4>(bad, HashKind::Crc32).is_err(), "{bad}");
        }
        // A CRC32 may drop its leading zeros.
        assert_eq!(parse_crc32("123abcd").unwrap(), Some(0x0123_abcd));
        assert_eq!(parse_crc32(" 0 ").unwrap(), Some(0));
        assert_eq!(parse_crc32("").unwrap(), None);
        for bad in ["0123abcde", "0123abcg", "+123abcd", "0x123abc", "-1", "０１２３abcd"] {
            assert!(parse_crc32(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn repeated_and_unknown_fields_warn() {
        let mut rom = RomDraft::default();
        assert!(matches!(rom.apply("crc", "00000000"), Ok(Outcome::Stored)));
        assert!(matches!(rom.apply("crc32", "00000001"), Ok(Outcome::Warn(WarningKind::Repeated { .. }))));
        assert_eq!(rom.rom.crc32, Some(1), "the later value is kept");
        assert!(matches!(rom.apply("merge", "x"), Ok(Outcome::Ignored)));
        assert!(matches!(rom.apply("colour", "x"), Ok(Outcome::Warn(WarningKind::UnknownField { .. }))));
        assert!(matches!(rom.apply("status", "odd"), Ok(Outcome::Warn(WarningKind::UnknownStatus { .. }))));
        assert_eq!(rom.rom.status, DumpStatus::Good);
        assert!(matches!(rom.apply("mia", "maybe"), Ok(Outcome::Warn(WarningKind::UnknownMia { .. }))));
        assert!(!rom.has_name());
        assert!(matches!(rom.apply("NAME", "a.z64"), Ok(Outcome::Stored)));
        assert!(rom.has_name());
    }
}
