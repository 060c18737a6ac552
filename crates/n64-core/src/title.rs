//! The 20-byte game title at header 0x20, in ASCII or JIS X 0201.
//!
//! JIS X 0201 is ASCII plus half-width katakana at 0xA1..=0xDF (U+FF61..=U+FF9F). Bytes 0x5C and
//! 0x7E decode as `\` and `~`, as the Shift-JIS (CP932) codecs most tools use do, rather than
//! the ¥ and ‾ of strict JIS-Roman. Any other byte never fails decoding: it becomes U+FFFD in
//! [`Title::text`] and `\xNN` in [`Title::escaped`], and the raw bytes stay available.

use std::fmt::{self, Write as _};

use crate::{Error, Result};

/// Length of the title field in bytes.
pub const TITLE_LEN: usize = 20;

/// The raw title bytes with decoding helpers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Title {
    raw: [u8; TITLE_LEN],
}

fn decode_byte(byte: u8) -> Option<char> {
    match byte {
        0x20..=0x7E => Some(char::from(byte)),
        0xA1..=0xDF => char::from_u32(0xFF61 + u32::from(byte - 0xA1)),
        _ => None,
    }
}

fn encode_char(c: char) -> Option<u8> {
    match u32::from(c) {
        code @ 0x20..=0x7E => u8::try_from(code).ok(),
        code @ 0xFF61..=0xFF9F => u8::try_from(code - 0xFF61 + 0xA1).ok(),
        _ => None,
    }
}

impl Title {
    /// Wraps the raw 20 bytes.
    pub const fn from_raw(raw: [u8; TITLE_LEN]) -> Title {
        Title { raw }
    }

    /// The raw bytes, padding included.
    pub const fn raw(&self) -> &[u8; TITLE_LEN] {
        &self.raw
    }

    /// The bytes without trailing padding (spaces and NULs).
    pub fn trimmed(&self) -> &[u8] {
        let end = self.raw.iter().rposition(|&b| b != b' ' && b != 0).map_or(0, |i| i + 1);
        &self.raw[..end]
    }

    /// The title decoded to Unicode, padding trimmed; undecodable bytes become U+FFFD.
    ///
    /// ```
    /// use n64_core::Title;
    /// let mut raw = [b' '; 20];
    /// raw[..4].copy_from_slice(&[0xCA, 0xDE, 0xB8, 0x36]);
    /// assert_eq!(Title::from_raw(raw).text(), "ﾊﾞｸ6");
    /// ```
    pub fn text(&self) -> String {
        self.trimmed().iter().map(|&b| decode_byte(b).unwrap_or('\u{FFFD}')).collect()
    }

    /// Like [`Title::text`], but undecodable bytes are written `\xNN` (and `\` as `\\`), so the
    /// raw bytes can be recovered from it.
    pub fn escaped(&self) -> String {
        let mut out = String::new();
        for &b in self.trimmed() {
            match decode_byte(b) {
                Some('\\') => out.push_str("\\\\"),
                Some(c) => out.push(c),
                None => {
                    let _ = write!(out, "\\x{b:02X}");
                }
            }
        }
        out
    }

    /// Whether every byte before the padding decodes (no U+FFFD in [`Title::text`]).
    pub fn is_clean(&self) -> bool {
        self.trimmed().iter().all(|&b| decode_byte(b).is_some())
    }

    /// Encodes `text` as JIS X 0201, padded with spaces.
    ///
    /// ```
    /// use n64_core::Title;
    /// assert_eq!(Title::encode("ﾐﾝﾅﾃﾞﾀﾏｺﾞｯﾁﾜｰﾙﾄﾞ")?.raw()[..2], [0xD0, 0xDD]);
    /// assert!(Title::encode("Zelda: Ocarina of Time").is_err()); // 22 bytes
    /// assert!(Title::encode("Pokémon").is_err()); // é is not JIS X 0201
    /// # Ok::<(), n64_core::Error>(())
    /// ```
    pub fn encode(text: &str) -> Result<Title> {
        let mut raw = [b' '; TITLE_LEN];
        for (len, c) in text.chars().enumerate() {
            let byte = encode_char(c).ok_or(Error::TitleCharacter { character: c })?;
            if len == TITLE_LEN {
                return Err(Error::TitleTooLong { chars: text.chars().count(), max: TITLE_LEN });
            }
            raw[len] = byte;
        }
        Ok(Title { raw })
    }
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(bytes: &[u8]) -> Title {
        let mut raw = [b' '; TITLE_LEN];
        raw[..bytes.len()].copy_from_slice(bytes);
        Title::from_raw(raw)
    }

    #[test]
    fn half_width_katakana_decodes() {
        // NTWJ (Tamagotchi World), raw bytes from Project64's RDB.
        let t =
            title(&[0xD0, 0xDD, 0xC5, 0xC3, 0xDE, 0xC0, 0xCF, 0xBA, 0xDE, 0xAF, 0xC1, 0xDC, 0xB0, 0xD9, 0xC4, 0xDE]);
        assert_eq!(t.text(), "ﾐﾝﾅﾃﾞﾀﾏｺﾞｯﾁﾜｰﾙﾄﾞ");
        assert!(t.is_clean());
        assert_eq!(Title::encode(&t.text()).unwrap(), t);
    }

    #[test]
    fn every_katakana_byte_maps_into_the_half_width_block() {
        assert_eq!(decode_byte(0xA1), Some('\u{FF61}'));
        assert_eq!(decode_byte(0xDF), Some('\u{FF9F}'));
        for b in 0xA1..=0xDF_u8 {
            assert_eq!(encode_char(decode_byte(b).unwrap()), Some(b));
        }
    }

    #[test]
    fn odd_bytes_never_fail() {
        let t = title(&[b'A', 0x00, 0x81, 0xFF, b'\\']);
        assert_eq!(t.text(), "A\u{FFFD}\u{FFFD}\u{FFFD}\\");
        assert_eq!(t.escaped(), "A\\x00\\x81\\xFF\\\\");
        assert!(!t.is_clean());
    }

    #[test]
    fn padding_is_trimmed_both_kinds() {
        let mut raw = [0u8; TITLE_LEN];
        raw[..5].copy_from_slice(b"HELLO");
        raw[5] = b' ';
        assert_eq!(Title::from_raw(raw).text(), "HELLO");
        assert_eq!(Title::from_raw([b' '; TITLE_LEN]).text(), "");
    }

    #[test]
    fn twenty_characters_fit_exactly() {
        assert!(Title::encode("ABCDEFGHIJKLMNOPQRST").is_ok());
        assert!(Title::encode("ABCDEFGHIJKLMNOPQRSTU").is_err());
    }
}
