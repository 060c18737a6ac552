//! The game database: which save hardware and accessories a game uses, looked up by header
//! fields, and the resolver that prefers a ROM's own Advanced Homebrew header.
//!
//! The rules come from `crates/n64-core/data/game-db.tsv` (facts ported from the ares emulator,
//! ISC, plus individually cited facts); `cargo xtask game-db` turns that file into the sorted
//! static table this module searches. A game without a rule is *unknown*, which is not the same
//! as "no save hardware" ([`SaveType::None`]).
//!
//! Lookup precedence, first match wins:
//!
//! 1. the 64-bit check code at 0x10 (for cracks and conversions);
//! 2. ID + region + revision (`NSM-J-3`);
//! 3. ID + region (`N3H-J`);
//! 4. ID (`NSM`), where ID is header 0x3B..0x3E: category and 2-character code.
//!
//! ```
//! use n64_core::{game_db, SaveType};
//! let mut header = [0u8; 64];
//! header[0x3B..0x3F].copy_from_slice(b"NSME"); // Super Mario 64 (North America)
//! let game = game_db::lookup_bytes(&header).unwrap();
//! assert_eq!(game.save_type, SaveType::Eeprom4k);
//! assert!(game.accessories.is_empty());
//!
//! header[0x3E] = b'J';
//! header[0x3F] = 3; // the Shindou edition adds Rumble Pak support
//! let game = game_db::lookup_bytes(&header).unwrap();
//! assert!(game.accessories.contains(game_db::Accessories::RUMBLE_PAK));
//! ```

use std::fmt;

use crate::{Controller, HEADER_LEN, Header, HomebrewHeader, SaveType};

#[rustfmt::skip]
mod table;

/// A set of accessories and on-cartridge extras a game uses.
///
/// ```
/// use n64_core::game_db::Accessories;
/// let set = Accessories::CONTROLLER_PAK.union(Accessories::RTC);
/// assert_eq!(set.names().collect::<Vec<_>>(), ["cpak", "rtc"]);
/// assert_eq!(set.to_string(), "Controller Pak, real-time clock");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Accessories(u8);

/// Each member: bit, short name (the data file's and JSON's), description.
const ACCESSORIES: [(u8, &str, &str); 7] = [
    (1, "cpak", "Controller Pak"),
    (1 << 1, "rpak", "Rumble Pak"),
    (1 << 2, "tpak", "Transfer Pak"),
    (1 << 3, "rtc", "real-time clock"),
    (1 << 4, "vru", "VRU"),
    (1 << 5, "mouse", "N64 mouse"),
    (1 << 6, "keyboard", "keyboard"),
];

impl Accessories {
    /// Nothing.
    pub const NONE: Accessories = Accessories(0);
    /// Controller Pak (memory card).
    pub const CONTROLLER_PAK: Accessories = Accessories(1);
    /// Rumble Pak.
    pub const RUMBLE_PAK: Accessories = Accessories(1 << 1);
    /// Transfer Pak (Game Boy cartridges).
    pub const TRANSFER_PAK: Accessories = Accessories(1 << 2);
    /// The cartridge's real-time clock.
    pub const RTC: Accessories = Accessories(1 << 3);
    /// Voice Recognition Unit.
    pub const VRU: Accessories = Accessories(1 << 4);
    /// N64 mouse.
    pub const MOUSE: Accessories = Accessories(1 << 5);
    /// A keyboard (Randnet or GameCube).
    pub const KEYBOARD: Accessories = Accessories(1 << 6);

    /// Both sets together.
    #[must_use]
    pub const fn union(self, other: Accessories) -> Accessories {
        Accessories(self.0 | other.0)
    }

    /// Whether every member of `other` is in the set.
    pub const fn contains(self, other: Accessories) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The member named `name` (`cpak`, `rpak`, `tpak`, `rtc`, `vru`, `mouse`, `keyboard`).
    pub fn from_name(name: &str) -> Option<Accessories> {
        ACCESSORIES.iter().find(|(_, n, _)| *n == name).map(|(bit, _, _)| Accessories(*bit))
    }

    /// The short names of the members, in a fixed order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        ACCESSORIES.iter().filter(move |(bit, _, _)| self.0 & bit != 0).map(|(_, name, _)| *name)
    }

    /// The descriptions of the members, in the order of [`Accessories::names`].
    pub fn descriptions(self) -> impl Iterator<Item = &'static str> {
        ACCESSORIES.iter().filter(move |(bit, _, _)| self.0 & bit != 0).map(|(_, _, text)| *text)
    }

    /// What an Advanced Homebrew header declares: its controller bytes and RTC flag.
    pub fn of_homebrew(hb: &HomebrewHeader) -> Accessories {
        let mut set = if hb.rtc { Accessories::RTC } else { Accessories::NONE };
        for controller in hb.controllers {
            set = set.union(match controller {
                Controller::Rumble => Accessories::RUMBLE_PAK,
                Controller::ControllerPak => Accessories::CONTROLLER_PAK,
                Controller::TransferPak => Accessories::TRANSFER_PAK,
                Controller::Vru => Accessories::VRU,
                Controller::Mouse => Accessories::MOUSE,
                Controller::Keyboard | Controller::GameCubeKeyboard => Accessories::KEYBOARD,
                _ => Accessories::NONE,
            });
        }
        set
    }
}

impl fmt::Display for Accessories {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        for (i, text) in self.descriptions().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(text)?;
        }
        Ok(())
    }
}

/// How a game uses the Expansion Pak (only where a reference says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExpansionPak {
    /// The game does not start without it.
    Required,
    /// The game starts without it, but most of it needs it.
    Recommended,
    /// Optional improvements (resolution, detail, extra content).
    Enhanced,
}

impl ExpansionPak {
    /// The data file's and JSON's name: `required`, `recommended` or `enhanced`.
    pub const fn name(self) -> &'static str {
        match self {
            ExpansionPak::Required => "required",
            ExpansionPak::Recommended => "recommended",
            ExpansionPak::Enhanced => "enhanced",
        }
    }
}

/// One game's rule in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct GameInfo {
    /// The rule's key: `NSM`, `NSM-J`, `NSM-J-3` or `0x` and 16 hex digits (a check code).
    pub key: &'static str,
    /// The save hardware on the cartridge.
    pub save_type: SaveType,
    /// Accessories and extras (RTC) the game uses.
    pub accessories: Accessories,
    /// Expansion Pak use, where a cited reference gives it.
    pub expansion_pak: Option<ExpansionPak>,
    /// Another save type a different source gives (see `note`).
    pub disputed: Option<SaveType>,
    /// The game's name, for people.
    pub title: &'static str,
    /// Where the facts come from (`ares`, URLs).
    pub source: &'static str,
    /// A remark, or empty.
    pub note: &'static str,
}

/// Where a [`SaveInfo`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SaveSource {
    /// The ROM's own Advanced Homebrew header.
    HomebrewHeader,
    /// The game database.
    Database,
}

impl SaveSource {
    /// `homebrew_header` or `database` (JSON).
    pub const fn name(self) -> &'static str {
        match self {
            SaveSource::HomebrewHeader => "homebrew_header",
            SaveSource::Database => "database",
        }
    }
}

/// The save hardware and accessories of a ROM, with where they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SaveInfo {
    /// The save hardware.
    pub save_type: SaveType,
    /// Accessories and extras (RTC).
    pub accessories: Accessories,
    /// Expansion Pak use (database only).
    pub expansion_pak: Option<ExpansionPak>,
    /// Another save type a different source gives (database only).
    pub disputed: Option<SaveType>,
    /// Whether the ROM declares itself region-free (homebrew header only).
    pub region_free: bool,
    /// Where the facts come from.
    pub source: SaveSource,
}

/// The database rule for a header, by the precedence in the module docs; `None` when the game
/// is unknown.
pub fn lookup(header: &Header) -> Option<&'static GameInfo> {
    lookup_bytes(header.as_be_bytes())
}

/// [`lookup`] on the 64 big-endian header bytes.
pub fn lookup_bytes(header: &[u8; HEADER_LEN]) -> Option<&'static GameInfo> {
    if let Some(found) = find(&check_code_key(header)) {
        return Some(found);
    }
    let id = &header[0x3B..0x3E];
    if !id.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let region = header[0x3E];
    if region.is_ascii_alphanumeric() {
        // "NSM-J-255" at most.
        let mut key = [0u8; 9];
        key[..3].copy_from_slice(id);
        key[3] = b'-';
        key[4] = region;
        key[5] = b'-';
        let revision = header[0x3F];
        let mut len = 6;
        if revision >= 100 {
            key[len] = b'0' + revision / 100;
            len += 1;
        }
        if revision >= 10 {
            key[len] = b'0' + revision / 10 % 10;
            len += 1;
        }
        key[len] = b'0' + revision % 10;
        len += 1;
        if let Some(found) = find(&key[..len]).or_else(|| find(&key[..5])) {
            return Some(found);
        }
    }
    find(id)
}

/// Save hardware and accessories of a header: the Advanced Homebrew header when there is one,
/// else the database; `None` when neither knows.
///
/// ```
/// use n64_core::game_db::{resolve, SaveSource};
/// use n64_core::{Header, SaveType};
/// let mut bytes = [0u8; 64];
/// bytes[0x3B..0x3F].copy_from_slice(b"NEDE");
/// bytes[0x3F] = 0x51; // FlashRAM + RTC
/// let info = resolve(&Header::from_be_bytes(bytes)).unwrap();
/// assert_eq!((info.save_type, info.source), (SaveType::FlashRam, SaveSource::HomebrewHeader));
/// ```
pub fn resolve(header: &Header) -> Option<SaveInfo> {
    if let Some(hb) = header.homebrew() {
        return Some(SaveInfo {
            save_type: hb.save_type,
            accessories: Accessories::of_homebrew(&hb),
            expansion_pak: None,
            disputed: None,
            region_free: hb.region_free,
            source: SaveSource::HomebrewHeader,
        });
    }
    lookup(header).map(|game| SaveInfo {
        save_type: game.save_type,
        accessories: game.accessories,
        expansion_pak: game.expansion_pak,
        disputed: game.disputed,
        region_free: false,
        source: SaveSource::Database,
    })
}

/// Every rule, sorted by key (byte-wise).
pub fn rules() -> &'static [GameInfo] {
    &table::RULES
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The check-code key of a header: `0x` and the 16 upper-case hex digits of 0x10..0x18.
fn check_code_key(header: &[u8; HEADER_LEN]) -> [u8; 18] {
    let mut key = [0u8; 18];
    key[..2].copy_from_slice(b"0x");
    for (i, byte) in header[0x10..0x18].iter().enumerate() {
        key[2 + 2 * i] = HEX[usize::from(byte >> 4)];
        key[3 + 2 * i] = HEX[usize::from(byte & 0xF)];
    }
    key
}

fn find(key: &[u8]) -> Option<&'static GameInfo> {
    let rules = &table::RULES;
    rules.binary_search_by(|rule| rule.key.as_bytes().cmp(key)).ok().map(|i| &rules[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_so_binary_search_works() {
        assert!(rules().windows(2).all(|w| w[0].key.as_bytes() < w[1].key.as_bytes()));
    }

    #[test]
    fn check_code_keys_are_the_data_file_spelling() {
        let mut header = [0u8; 64];
        header[0x10..0x18].copy_from_slice(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF]);
        assert_eq!(&check_code_key(&header), b"0x0123456789ABCDEF");
    }

    #[test]
    fn non_alphanumeric_ids_are_unknown() {
        let mut header = [0u8; 64];
        header[0x3B..0x3E].copy_from_slice(b"N\0M");
        assert_eq!(lookup_bytes(&header), None);
    }

    proptest::proptest! {
        /// Any 64 bytes: no panic; a rule found is keyed by this header's check code or ID.
        #[test]
        fn any_header_finds_its_own_rule_or_none(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 64)) {
            let header: [u8; 64] = bytes.try_into().unwrap();
            if let Some(game) = lookup_bytes(&header) {
                let key = game.key.as_bytes();
                proptest::prop_assert!(key.starts_with(b"0x") || key[..3] == header[0x3B..0x3E]);
            }
            let _ = resolve(&Header::from_be_bytes(header));
        }

        /// Headers built from real IDs hit their rule for every region and revision byte.
        #[test]
        fn every_rule_id_is_found_whatever_region_and_revision(index in 0..table::RULES.len(), region in 0u8..=255, revision in 0u8..=255) {
            let rule = &table::RULES[index];
            let mut header = [0u8; 64];
            header[0x3B..0x3E].copy_from_slice(&rule.key.as_bytes()[..3]);
            header[0x3E] = region;
            header[0x3F] = revision;
            let found = lookup_bytes(&header);
            let has_id_rule = find(&rule.key.as_bytes()[..3]).is_some();
            proptest::prop_assert!(found.is_some() || !has_id_rule);
        }
    }

    #[test]
    fn three_digit_revisions_do_not_match_shorter_keys() {
        // NK4-J-0 exists; revision 100 must not read as "NK4-J-1" or "NK4-J-0".
        let mut header = [0u8; 64];
        header[0x3B..0x3F].copy_from_slice(b"NK4J");
        header[0x3F] = 100;
        assert_eq!(lookup_bytes(&header).map(|g| g.key), Some("NK4"));
        header[0x3F] = 10;
        assert_eq!(lookup_bytes(&header).map(|g| g.key), Some("NK4"));
    }
}
