//! libdragon's rompak table of contents: the list of files `n64tool --toc` appends to a ROM.
//!
//! Layout (libdragon `tools/n64tool.c`, `src/rompak.c`), all big-endian:
//!
//! | offset | size | field |
//! | --- | --- | --- |
//! | 0x00 | 4 | magic `TOC0` |
//! | 0x04 | 4 | `toc_size`: bytes reserved for the table (n64tool: 1024) |
//! | 0x08 | 4 | `entry_size` (n64tool: 64) |
//! | 0x0C | 4 | `num_entries` (n64tool: at most 15) |
//! | 0x10 | `entry_size` × `num_entries` | entries: u32 ROM offset, then a NUL-terminated name |
//!
//! n64tool reserves the table right after the boot code, and the runtime looks for it from ROM
//! 0x1000 on in 16-byte steps; real ROMs put it much further and not always on a 16-byte
//! boundary, so [`find_tocs`] looks at every byte offset and keeps what validates. A TOC
//! stores no file sizes: [`Toc::extent`] gives the bytes up to the next file.
//!
//! ```
//! use n64_assets::container::rompak::{find_tocs, Toc};
//!
//! // A 16-byte header and one 64-byte entry naming the file at 0x60.
//! let mut image = vec![0u8; 0x80];
//! image[0x10..0x20].copy_from_slice(b"TOC0\0\0\x04\0\0\0\0\x40\0\0\0\x01");
//! image[0x20..0x24].copy_from_slice(&0x60u32.to_be_bytes());
//! image[0x24..0x2C].copy_from_slice(b"game.dfs");
//! let tocs = find_tocs(&image);
//! assert_eq!(tocs.len(), 1);
//! assert_eq!((tocs[0].offset, tocs[0].entries[0].offset), (0x10, 0x60));
//! assert_eq!(tocs[0].find_ext(".dfs").map(|e| e.name.as_str()), Some("game.dfs"));
//! assert_eq!(tocs[0].extent(0, &image), Some(0x60..0x80));
//!
//! // The magic alone is not a TOC.
//! assert!(Toc::parse(b"TOC0 is a string in code", 0).is_err());
//! ```

use std::ops::Range;

use super::{be32, c_string, find_all};

/// The magic of a TOC header.
pub const MAGIC: [u8; 4] = *b"TOC0";
/// The size of the header before the entries.
pub const HEADER_LEN: usize = 16;
/// The entry size n64tool writes: a u32 offset and a 60-byte name field.
pub const ENTRY_SIZE: u32 = 64;
/// The bytes n64tool reserves for the table.
pub const TOC_SIZE: u32 = 1024;
/// The most entries n64tool writes: `(TOC_SIZE - 16) / ENTRY_SIZE`.
pub const MAX_ENTRIES: u32 = 15;
/// The runtime refuses an entry size or entry count this large or larger (`src/rompak.c`).
pub const RUNTIME_LIMIT: u32 = 1024;

/// Why bytes at an offset are not a TOC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The header or an entry runs past the end of the image.
    #[error("rompak TOC at {toc:#x}: {what} needs bytes up to {end:#x}, the image has {len:#x}")]
    Truncated {
        /// Offset of the TOC.
        toc: usize,
        /// What was being read.
        what: &'static str,
        /// End of the bytes needed (saturated).
        end: usize,
        /// Image length.
        len: usize,
    },
    /// No `TOC0` magic at the offset.
    #[error("no rompak TOC magic at {toc:#x}")]
    BadMagic {
        /// Offset looked at.
        toc: usize,
    },
    /// A header field is outside what n64tool writes and the runtime accepts.
    #[error("rompak TOC at {toc:#x}: {field} {value:#x} is invalid ({why})")]
    BadHeader {
        /// Offset of the TOC.
        toc: usize,
        /// The field: `toc_size`, `entry_size` or `num_entries`.
        field: &'static str,
        /// Its value.
        value: u32,
        /// The rule it breaks.
        why: &'static str,
    },
    /// An entry's file offset lies past the end of the image.
    #[error("rompak TOC at {toc:#x}: entry {index} points at {offset:#x}, past the image end {len:#x}")]
    OffsetPastEnd {
        /// Offset of the TOC.
        toc: usize,
        /// Entry index.
        index: usize,
        /// The file offset it gives.
        offset: u32,
        /// Image length.
        len: usize,
    },
    /// An entry's name is not a NUL-terminated, non-empty, printable ASCII string.
    #[error("rompak TOC at {toc:#x}: entry {index} (at {at:#x}) has a bad name: {why}")]
    BadName {
        /// Offset of the TOC.
        toc: usize,
        /// Entry index.
        index: usize,
        /// Offset of the entry in the image.
        at: usize,
        /// What is wrong with it.
        why: &'static str,
    },
}

/// A validated rompak TOC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toc {
    /// Offset of the `TOC0` header in the image.
    pub offset: usize,
    /// The header's `toc_size`.
    pub toc_size: u32,
    /// The header's `entry_size`.
    pub entry_size: u32,
    /// The entries, in table order.
    pub entries: Vec<TocEntry>,
}

/// One file named by a TOC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    /// Offset of the file in the image (at most the image length).
    pub offset: u32,
    /// The file's name: non-empty printable ASCII without `/` or `\`, not `.` or `..` (n64tool
    /// stores the base name of its input), so it is safe as a file name.
    pub name: String,
}

impl Toc {
    /// Reads and validates the TOC whose header starts at `offset` of `image`.
    ///
    /// Rules: the magic; `entry_size` at least 5 (an offset and a NUL) and `num_entries` at least
    /// 1, both below the runtime's limit of 1024; `toc_size` holds the header and every entry; all
    /// of that lies inside the image; every entry's offset is at most the image length and its
    /// name is NUL-terminated within the entry, non-empty, printable ASCII and a base name (no
    /// `/` or `\`, not `.` or `..`).
    pub fn parse(image: &[u8], offset: usize) -> Result<Toc, Error> {
        let toc = offset;
        let len = image.len();
        let truncated = |what, end| Error::Truncated { toc, what, end, len };
        let header_end = toc.saturating_add(HEADER_LEN);
        let header = image.get(toc..header_end).ok_or(truncated("the header", header_end))?;
        if header[..4] != MAGIC {
            return Err(Error::BadMagic { toc });
        }
        let word = |at| be32(header, at).unwrap_or(0);
        let (toc_size, entry_size, count) = (word(4), word(8), word(12));
        let bad = |field, value, why| Error::BadHeader { toc, field, value, why };
        if !(5..RUNTIME_LIMIT).contains(&entry_size) {
            return Err(bad("entry_size", entry_size, "not in 5..1024"));
        }
        if !(1..RUNTIME_LIMIT).contains(&count) {
            return Err(bad("num_entries", count, "not in 1..1024"));
        }
        // Both below 1024: no overflow.
        let table_len = HEADER_LEN + entry_size as usize * count as usize;
        if (toc_size as usize) < table_len {
            return Err(bad("toc_size", toc_size, "smaller than the header and entries"));
        }
        let table_end = toc.saturating_add(table_len);
        let table = image.get(toc..table_end).ok_or(truncated("the entries", table_end))?;
        let entries = table[HEADER_LEN..]
            .chunks_exact(entry_size as usize)
            .enumerate()
            .map(|(index, entry)| {
                let at = toc + HEADER_LEN + index * entry_size as usize;
                let file = be32(entry, 0).unwrap_or(0);
                if file as usize > len {
                    return Err(Error::OffsetPastEnd { toc, index, offset: file, len });
                }
                let bad_name = |why| Error::BadName { toc, index, at, why };
                let name = c_string(&entry[4..]).ok_or(bad_name("no NUL within the entry"))?;
                if name.is_empty() {
                    return Err(bad_name("empty"));
                }
                if !name.iter().all(|&b| (0x20..0x7F).contains(&b)) {
                    return Err(bad_name("not printable ASCII"));
                }
                if name.iter().any(|&b| b == b'/' || b == b'\\') || name == b"." || name == b".." {
                    return Err(bad_name("a path, not a file name"));
                }
                let name = String::from_utf8_lossy(name).into_owned();
                Ok(TocEntry { offset: file, name })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Toc { offset, toc_size, entry_size, entries })
    }

    /// The first entry whose name ends with `ext` (case-sensitive), as libdragon's
    /// `rompak_search_ext` finds files: `".dfs"` is the DragonFS image.
    pub fn find_ext(&self, ext: &str) -> Option<&TocEntry> {
        self.entries.iter().find(|e| e.name.ends_with(ext))
    }

    /// The bytes the file of entry `index` may occupy: from its offset to the next larger offset
    /// of any entry (or of this TOC), else to the end of the image. An upper bound: n64tool pads
    /// between files for alignment. `None` for an index out of range or an `image` shorter than
    /// the entry's offset.
    pub fn extent(&self, index: usize, image: &[u8]) -> Option<Range<usize>> {
        let start = self.entries.get(index)?.offset as usize;
        if start > image.len() {
            return None;
        }
        let end = self
            .entries
            .iter()
            .map(|e| e.offset as usize)
            .chain(std::iter::once(self.offset))
            .filter(|&o| o > start)
            .min()
            .unwrap_or(image.len())
            .min(image.len());
        Some(start..end)
    }
}

/// Every valid TOC in `image`: each `TOC0` at any byte offset that [`Toc::parse`] accepts, in
/// image order.
pub fn find_tocs(image: &[u8]) -> Vec<Toc> {
    find_all(image, &MAGIC).filter_map(|at| Toc::parse(image, at).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(toc_size: u32, entry_size: u32, count: u32) -> Vec<u8> {
        let mut h = MAGIC.to_vec();
        for word in [toc_size, entry_size, count] {
            h.extend_from_slice(&word.to_be_bytes());
        }
        h
    }

    #[test]
    fn header_rules() {
        let mut image = header(1024, 64, 1);
        image.resize(0x100, 0);
        image[0x14..0x17].copy_from_slice(b"a.z");
        assert!(Toc::parse(&image, 0).is_ok());
        let with = |toc, size, count| {
            let mut i = image.clone();
            i[..16].copy_from_slice(&header(toc, size, count));
            Toc::parse(&i, 0)
        };
        assert!(matches!(with(1024, 4, 1), Err(Error::BadHeader { field: "entry_size", .. })));
        assert!(matches!(with(1024, 1024, 1), Err(Error::BadHeader { field: "entry_size", .. })));
        assert!(matches!(with(1024, 64, 0), Err(Error::BadHeader { field: "num_entries", .. })));
        assert!(matches!(with(1024, 64, 1024), Err(Error::BadHeader { field: "num_entries", .. })));
        assert!(matches!(with(79, 64, 1), Err(Error::BadHeader { field: "toc_size", .. })));
        assert!(matches!(with(1024, 64, 4), Err(Error::Truncated { .. })));
        assert!(matches!(Toc::parse(&image, usize::MAX), Err(Error::Truncated { .. })));
    }

    #[test]
    fn entry_rules() {
        let mut image = header(1024, 64, 1);
        image.resize(0x60, 0);
        let set = |name: &[u8], offset: u32| {
            let mut i = image.clone();
            i[0x10..0x14].copy_from_slice(&offset.to_be_bytes());
            i[0x14..0x14 + name.len()].copy_from_slice(name);
            Toc::parse(&i, 0)
        };
        assert!(set(b"x", 0x60).is_ok());
        assert!(matches!(set(b"x", 0x61), Err(Error::OffsetPastEnd { index: 0, .. })));
        assert!(matches!(set(b"", 0), Err(Error::BadName { why: "empty", .. })));
        assert!(matches!(set(b"a\tb", 0), Err(Error::BadName { why: "not printable ASCII", .. })));
        assert!(matches!(set(&[b'a'; 60], 0), Err(Error::BadName { why: "no NUL within the entry", .. })));
        for path in [&b"a/b"[..], b"..", b".", b"\\x", b"/"] {
            assert!(matches!(set(path, 0), Err(Error::BadName { why: "a path, not a file name", .. })));
        }
        assert!(set(b"...", 0).is_ok());
    }
}
