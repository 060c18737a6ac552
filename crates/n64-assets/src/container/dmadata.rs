//! The Zelda 64 file table ("dmadata") of Ocarina of Time and Majora's Mask, and the build
//! strings (`zelda@srd44`, then a date) that precede it.
//!
//! The table is a run of 16-byte entries, four big-endian u32 each: `vrom_start`, `vrom_end`
//! (where the file lives in the game's virtual ROM), `rom_start`, `rom_end` (where its bytes
//! are in this ROM):
//!
//! - entry 0 is always `makerom`: `{0, 0x1060, 0, 0}` (header, boot code and entry code);
//!   entry 1 (`boot`) starts at VROM 0x1060; entry 2 is the table itself, stored plain, so its
//!   ROM start is the table's offset and its VROM size the table's size;
//! - `rom_end == 0`: the file is stored plain at `rom_start`, `vrom_end − vrom_start` bytes;
//! - `rom_start == rom_end == 0xFFFFFFFF`: the file is not in this ROM;
//! - all four zero: an empty slot;
//! - otherwise the file is compressed in `rom_start..rom_end`, Yaz0 in retail ROMs (hacks use
//!   other codecs; [`Compression::Unknown`]). Decompressing is the job of [`crate::codec`].
//!
//! [`find_dmadata`] looks for entry 0 at 4-byte-aligned offsets, tables near a build string
//! first, and keeps the first candidate that [`DmaTable::parse`] accepts.
//!
//! ```
//! use n64_assets::container::dmadata::{DmaTable, FileKind, find_dmadata};
//!
//! // A table at 0x1060 of three plain files: makerom, boot, and the table itself.
//! let mut image = vec![0u8; 0x1100];
//! let entries = [[0, 0x1060, 0, 0], [0x1060, 0x1060, 0x1060, 0], [0x1060, 0x1090, 0x1060, 0]];
//! for (i, entry) in entries.iter().enumerate() {
//!     for (j, word) in entry.iter().enumerate() {
//!         let at = 0x1060 + i * 16 + j * 4;
//!         image[at..at + 4].copy_from_slice(&u32::to_be_bytes(*word));
//!     }
//! }
//! let table = find_dmadata(&image).expect("a table");
//! assert_eq!((table.offset, table.entries.len()), (0x1060, 3));
//! assert_eq!(table.entries[2].kind, FileKind::Plain);
//! assert_eq!(table.entries[2].rom_range(), Some(0x1060..0x1090));
//!
//! // Entry 2 must be the table itself.
//! image[0x1088] = 0x20;
//! assert!(DmaTable::parse(&image, 0x1060).is_err());
//! ```

use std::ops::Range;

use super::{be32, c_string, find_all};

/// The first entry of every table: `makerom`, VROM `0..0x1060`, stored plain at 0.
pub const FIRST_ENTRY: [u32; 4] = [0, 0x1060, 0, 0];
/// The size of one entry.
pub const ENTRY_LEN: usize = 16;
/// How far after a build string the table may start.
pub const BUILD_STRING_REACH: usize = 0x100;
/// The start of every build string.
pub const BUILD_PREFIX: &[u8] = b"zelda@";
/// The ROM start and end of a file that is not in the ROM.
pub const ABSENT: u32 = 0xFFFF_FFFF;

/// Why bytes at an offset are not a file table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The first three entries (or the whole table) run past the end of the image.
    #[error("file table at {table:#x}: {what} needs bytes up to {end:#x}, the image has {len:#x}")]
    Truncated {
        /// Offset of the table.
        table: usize,
        /// What was being read.
        what: &'static str,
        /// End of the bytes needed (saturated).
        end: usize,
        /// Image length.
        len: usize,
    },
    /// Entry 0 is not `{0, 0x1060, 0, 0}`, or entry 1 does not start at VROM 0x1060.
    #[error("file table at {table:#x}: entry {index} is not the {what} entry")]
    NoTable {
        /// Offset looked at.
        table: usize,
        /// Which entry.
        index: usize,
        /// Which entry it should be.
        what: &'static str,
    },
    /// Entry 2 does not describe the table: stored elsewhere, compressed, or a size that is not
    /// a whole number of (at least three) entries.
    #[error("file table at {table:#x}: entry 2 is not the table itself ({why})")]
    NotSelf {
        /// Offset of the table.
        table: usize,
        /// What does not match.
        why: &'static str,
    },
    /// An entry's VROM end is before its start.
    #[error("file table at {table:#x}: entry {index} has VROM end {end:#x} before start {start:#x}")]
    BadVromRange {
        /// Offset of the table.
        table: usize,
        /// Entry index.
        index: usize,
        /// VROM start.
        start: u32,
        /// VROM end.
        end: u32,
    },
    /// An entry's ROM range is empty, reversed or outside the image.
    #[error(
        "file table at {table:#x}: entry {index} ROM range {start:#x}..{end:#x} is not inside the image ({len:#x})"
    )]
    BadRomRange {
        /// Offset of the table.
        table: usize,
        /// Entry index.
        index: usize,
        /// ROM start.
        start: u64,
        /// ROM end (computed from the VROM size for a plain file).
        end: u64,
        /// Image length.
        len: usize,
    },
}

/// A validated file table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmaTable {
    /// Offset of the table (entry 0) in the image.
    pub offset: usize,
    /// The build string before it, when there is one within [`BUILD_STRING_REACH`].
    pub build: Option<BuildInfo>,
    /// Every entry, in order; as many as entry 2's VROM size says.
    pub entries: Vec<DmaEntry>,
}

/// A build string: `zelda@` and the rest of the builder's name, then a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildInfo {
    /// Offset of `zelda@` in the image.
    pub offset: usize,
    /// The builder, e.g. `zelda@srd44`.
    pub builder: String,
    /// The build date `YY-MM-DD hh:mm:ss`, when one follows within 0x30 bytes.
    pub date: Option<String>,
}

/// One entry of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmaEntry {
    /// Index in the table.
    pub index: usize,
    /// Start in the virtual ROM.
    pub vrom_start: u32,
    /// End in the virtual ROM (the decompressed size is `vrom_end − vrom_start`).
    pub vrom_end: u32,
    /// Start in this ROM.
    pub rom_start: u32,
    /// End in this ROM (0 for a plain file).
    pub rom_end: u32,
    /// How the file is stored.
    pub kind: FileKind,
}

/// How a file is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// Uncompressed, `vrom_end − vrom_start` bytes at `rom_start`.
    Plain,
    /// Compressed in `rom_start..rom_end`.
    Compressed(Compression),
    /// Not in this ROM (ROM start and end 0xFFFFFFFF).
    Absent,
    /// All four fields zero.
    Empty,
}

/// The codec of a compressed file, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compression {
    /// Starts with the `Yaz0` magic.
    Yaz0,
    /// Anything else (ROM hacks use LZO, UCL or aPLib).
    Unknown,
}

impl DmaEntry {
    /// The file's bytes in this ROM: `rom_start..rom_end` when compressed, `rom_start` plus the
    /// VROM size when plain; `None` when absent or empty. Inside the image for entries of a
    /// parsed table.
    pub fn rom_range(&self) -> Option<Range<usize>> {
        let start = self.rom_start as usize;
        match self.kind {
            FileKind::Plain => Some(start..start.saturating_add(self.vrom_size() as usize)),
            FileKind::Compressed(_) => Some(start..self.rom_end as usize),
            FileKind::Absent | FileKind::Empty => None,
        }
    }

    /// The file's decompressed size, `vrom_end − vrom_start`.
    pub fn vrom_size(&self) -> u32 {
        self.vrom_end.saturating_sub(self.vrom_start)
    }
}

impl DmaTable {
    /// Reads and validates the table at `offset` of `image` (see the module docs for the rules:
    /// entries 0, 1 and 2, then every entry's VROM and ROM ranges). The entry count comes from
    /// entry 2, so it is at most the image length / 16.
    pub fn parse(image: &[u8], offset: usize) -> Result<DmaTable, Error> {
        let table = offset;
        let len = image.len();
        let truncated = |what, end| Error::Truncated { table, what, end, len };
        let head_end = table.saturating_add(3 * ENTRY_LEN);
        let head = image.get(table..head_end).ok_or(truncated("the first three entries", head_end))?;
        let raw = |i: usize| -> [u32; 4] { std::array::from_fn(|j| be32(head, i * ENTRY_LEN + j * 4).unwrap_or(0)) };
        if raw(0) != FIRST_ENTRY {
            return Err(Error::NoTable { table, index: 0, what: "makerom" });
        }
        if raw(1)[0] != FIRST_ENTRY[1] {
            return Err(Error::NoTable { table, index: 1, what: "boot" });
        }
        let [vrom_start, vrom_end, rom_start, rom_end] = raw(2);
        let not_self = |why| Error::NotSelf { table, why };
        if rom_end != 0 {
            return Err(not_self("it is not stored plain"));
        }
        if rom_start as usize != table {
            return Err(not_self("its ROM start is not the table's offset"));
        }
        let size = vrom_end.checked_sub(vrom_start).ok_or(not_self("its VROM end is before its start"))? as usize;
        if !size.is_multiple_of(ENTRY_LEN) || size < 3 * ENTRY_LEN {
            return Err(not_self("its size is not a whole number of entries, at least three"));
        }
        let end = table.saturating_add(size);
        let bytes = image.get(table..end).ok_or(truncated("the table", end))?;
        let entries = bytes
            .chunks_exact(ENTRY_LEN)
            .enumerate()
            .map(|(index, e)| entry(image, table, index, std::array::from_fn(|j| be32(e, j * 4).unwrap_or(0))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(DmaTable { offset, build: None, entries })
    }
}

/// Classifies and checks one entry.
fn entry(image: &[u8], table: usize, index: usize, words: [u32; 4]) -> Result<DmaEntry, Error> {
    let [vrom_start, vrom_end, rom_start, rom_end] = words;
    let len = image.len();
    if vrom_end < vrom_start {
        return Err(Error::BadVromRange { table, index, start: vrom_start, end: vrom_end });
    }
    let bad_rom = |start: u64, end: u64| Error::BadRomRange { table, index, start, end, len };
    let kind = if words == [0; 4] {
        FileKind::Empty
    } else if rom_start == ABSENT && rom_end == ABSENT {
        FileKind::Absent
    } else if rom_end == 0 {
        let end = u64::from(rom_start) + u64::from(vrom_end - vrom_start);
        if end > len as u64 {
            return Err(bad_rom(rom_start.into(), end));
        }
        FileKind::Plain
    } else {
        if rom_start >= rom_end || rom_end as usize > len {
            return Err(bad_rom(rom_start.into(), rom_end.into()));
        }
        let magic = image.get(rom_start as usize..).and_then(|b| b.get(..4));
        FileKind::Compressed(if magic == Some(b"Yaz0") { Compression::Yaz0 } else { Compression::Unknown })
    };
    Ok(DmaEntry { index, vrom_start, vrom_end, rom_start, rom_end, kind })
}

/// Every build string in `image`: `zelda@` followed by printable ASCII up to a NUL (at most 32
/// bytes in all), and the date that follows when it has the shape `YY-MM-DD hh:mm:ss`.
pub fn find_build_strings(image: &[u8]) -> Vec<BuildInfo> {
    find_all(image, BUILD_PREFIX).filter_map(|offset| build_info(image, offset)).collect()
}

fn build_info(image: &[u8], offset: usize) -> Option<BuildInfo> {
    let field = image.get(offset..)?;
    let builder = c_string(field.get(..32).unwrap_or(field))?;
    if !builder.iter().all(|&b| (0x21..0x7F).contains(&b)) {
        return None;
    }
    // The date: the next non-NUL bytes within 0x30 bytes of the builder's NUL.
    let after = &field[builder.len()..];
    let start = after.iter().take(0x30).position(|&b| b != 0)?;
    let date = after.get(start..start + 17).filter(|d| is_date(d));
    Some(BuildInfo {
        offset,
        builder: String::from_utf8_lossy(builder).into_owned(),
        date: date.map(|d| String::from_utf8_lossy(d).into_owned()),
    })
}

/// `YY-MM-DD hh:mm:ss`.
fn is_date(d: &[u8]) -> bool {
    d.len() == 17
        && d.iter().enumerate().all(|(i, &b)| match i {
            2 | 5 => b == b'-',
            8 => b == b' ',
            11 | 14 => b == b':',
            _ => b.is_ascii_digit(),
        })
}

/// The file table of `image`: candidates are 4-byte-aligned copies of entry 0 followed by an
/// entry 1 starting at 0x1060; those up to [`BUILD_STRING_REACH`] bytes after a build string are
/// tried first, then the rest in image order. The first that [`DmaTable::parse`] accepts wins,
/// with the build string before it attached.
pub fn find_dmadata(image: &[u8]) -> Option<DmaTable> {
    let mut needle = [0u8; ENTRY_LEN + 4];
    for (i, word) in FIRST_ENTRY.iter().chain(&[FIRST_ENTRY[1]]).enumerate() {
        needle[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    let builds = find_build_strings(image);
    let build_before = |offset: usize| {
        builds.iter().rev().find(|b| b.offset < offset && offset - b.offset <= BUILD_STRING_REACH).cloned()
    };
    let mut candidates: Vec<(usize, Option<BuildInfo>)> =
        find_all(image, &needle).filter(|at| at % 4 == 0).map(|at| (at, build_before(at))).collect();
    candidates.sort_by_key(|(at, build)| (build.is_none(), *at));
    candidates.into_iter().find_map(|(at, build)| Some(DmaTable { build, ..DmaTable::parse(image, at).ok()? }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_strings() {
        let mut image = vec![0u8; 0x80];
        image[0x10..0x1B].copy_from_slice(b"zelda@srd44");
        image[0x1C..0x2D].copy_from_slice(b"00-07-31 17:04:16");
        image[0x50..0x5D].copy_from_slice(b"zelda@srd022j");
        image[0x60..0x66].copy_from_slice(b"zelda@"); // then NUL: an empty builder suffix is fine
        image[0x70..0x79].copy_from_slice(b"zelda@a\tb"); // not printable: no build string
        let found = find_build_strings(&image);
        let summary: Vec<_> = found.iter().map(|b| (b.offset, b.builder.as_str(), b.date.as_deref())).collect();
        assert_eq!(
            summary,
            [(0x10, "zelda@srd44", Some("00-07-31 17:04:16")), (0x50, "zelda@srd022j", None), (0x60, "zelda@", None),]
        );
    }

    #[test]
    fn dates() {
        assert!(is_date(b"98-11-12 18:17:03"));
        assert!(!is_date(b"98-11-12 18:17:0"));
        assert!(!is_date(b"98/11/12 18:17:03"));
    }
}
