//! libdragon's DragonFS: the read-only file system image `mkdfs` makes and `n64tool` appends to
//! a ROM (libdragon `include/dfsinternal.h`, `include/dragonfs.h`, `tools/mkdfs/mkdfs.c`,
//! `src/dragonfs.c`).
//!
//! An image is a list of 256-byte sectors. Every directory entry is one sector, big-endian:
//!
//! | offset | size | field |
//! | --- | --- | --- |
//! | 0x00 | 4 | `next_entry`: the next entry of the same directory, 0 at the end |
//! | 0x04 | 4 | `flags`: top 4 bits the type (0 file, 1 directory), low 28 bits the file size |
//! | 0x08 | 244 | `path`: the entry's name, NUL-terminated (at most 243 bytes) |
//! | 0xFC | 4 | `file_pointer`: a file's data, or a directory's first entry (0: empty) |
//!
//! Pointers are offsets from the start of the image. Sector 0 is the identity: flags
//! 0xFFFFFFFF and path `DragonFS 2.0`; older `mkdfs` put 0xDEADBEEF in `next_entry`, newer ones
//! the size of a path lookup table whose offset is in `file_pointer` ([`Identity`]). The root
//! directory's first entry is sector 1, at 256.
//!
//! Where images are: the runtime asks the rompak TOC for a file ending in `.dfs`, else uses ROM
//! 0x101000. libdragon's `n64.mk` appends the image 16-byte aligned, but `n64tool` places a file
//! right after the previous one unless told otherwise, so [`find_dragonfs`] looks for the
//! identity at every byte offset as well as where TOCs point.
//!
//! The image is a graph of offsets, so [`Dfs::walk`] treats it as hostile input: it never reads
//! outside the image, visits each entry once (a loop, a directory containing itself or two
//! directories sharing entries is an error), stops at `MAX_DIRECTORY_DEPTH` (100) nested
//! directories, at one entry per 256 bytes of image and at 4 bytes of paths per byte of image
//! plus 4 MiB (deep, long names repeated over many entries), and refuses names that could leave an output
//! folder. Names `mkdfs` cannot write are errors, not skipped entries, so a walk that
//! succeeds lists every file: a name is refused when it is empty, `.` or `..`, has no NUL within
//! its 244 bytes, contains `/`, `\`, a control character (below 0x20, or 0x7F) or is not UTF-8.
//! Paths are those names joined with `/`.
//!
//! ```
//! use n64_assets::container::dragonfs::{Dfs, Kind};
//!
//! // The identity, then a root directory holding one 5-byte file "a.txt".
//! let mut image = vec![0u8; 0x300];
//! image[4..8].copy_from_slice(&[0xFF; 4]);
//! image[0..4].copy_from_slice(&0xDEAD_BEEFu32.to_be_bytes());
//! image[8..20].copy_from_slice(b"DragonFS 2.0");
//! image[0x104..0x108].copy_from_slice(&5u32.to_be_bytes()); // type 0 (file), size 5
//! image[0x108..0x10D].copy_from_slice(b"a.txt");
//! image[0x1FC..0x200].copy_from_slice(&0x200u32.to_be_bytes());
//! image[0x200..0x205].copy_from_slice(b"hello");
//!
//! let dfs = Dfs::parse(&image, 0)?;
//! let entries = dfs.walk()?;
//! assert_eq!(entries[0].path, "a.txt");
//! assert!(matches!(entries[0].kind, Kind::File { offset: 0x200, size: 5, .. }));
//! assert_eq!(dfs.data(&entries[0]), Some(&b"hello"[..]));
//!
//! // A root whose entry points at itself is a loop, not an endless walk.
//! image[0x100..0x104].copy_from_slice(&0x100u32.to_be_bytes());
//! assert!(Dfs::parse(&image, 0)?.walk().is_err());
//! # Ok::<(), n64_assets::container::dragonfs::Error>(())
//! ```

use std::collections::HashSet;

use super::{be32, c_string, dca, find_all, rompak};

/// The size of a sector, and of a directory entry.
pub const SECTOR_SIZE: usize = 256;
/// `flags` of the identity sector.
pub const ROOT_FLAGS: u32 = 0xFFFF_FFFF;
/// `next_entry` of the identity sector in older `mkdfs` images.
pub const ROOT_NEXT_ENTRY: u32 = 0xDEAD_BEEF;
/// `path` of the identity sector.
pub const ROOT_PATH: &[u8] = b"DragonFS 2.0";
/// The longest name `mkdfs` writes.
pub const MAX_FILENAME_LEN: usize = 243;
/// The deepest nesting of directories the runtime follows.
pub const MAX_DIRECTORY_DEPTH: usize = 100;
/// Where the runtime looks when there is no TOC (physical address 0x10101000).
pub const DEFAULT_OFFSET: usize = 0x10_1000;
/// Type of a file entry (top 4 bits of `flags`).
pub const FLAGS_FILE: u32 = 0;
/// Type of a directory entry.
pub const FLAGS_DIR: u32 = 1;

/// How many bytes of paths a walk may build per byte of image, and beyond that (see
/// [`Error::PathsTooLong`]).
const PATH_BYTES_PER_BYTE: usize = 4;
const PATH_BYTES_EXTRA: usize = 4 << 20;
/// The root directory's first entry: sector 1.
const ROOT_ENTRY: u32 = 256;
/// Offsets of the entry fields.
const PATH: usize = 8;
const FILE_POINTER: usize = 0xFC;

/// Why bytes are not a DragonFS image, or why its walk stopped. Offsets are in the ROM image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The identity sector runs past the end of the image.
    #[error("DragonFS at {dfs:#x}: the identity sector needs 256 bytes, {available:#x} are left")]
    Truncated {
        /// Offset of the image.
        dfs: usize,
        /// Bytes from there to the end.
        available: usize,
    },
    /// Sector 0 is not a DragonFS identity.
    #[error("no DragonFS identity at {dfs:#x}: {why}")]
    NotDragonFs {
        /// Offset looked at.
        dfs: usize,
        /// What does not match.
        why: &'static str,
    },
    /// A pointer leads (partly) outside the image.
    #[error("DragonFS entry at {at:#x}: {what} {pointer:#x} leads past the image end {len:#x}")]
    OutOfRange {
        /// Offset of the entry holding the pointer.
        at: usize,
        /// Which pointer: `next_entry`, `first entry` or `file data`.
        what: &'static str,
        /// The pointer, relative to the image.
        pointer: u32,
        /// Image length.
        len: usize,
    },
    /// An entry is reached a second time: a loop, a directory that contains itself, or entries
    /// shared by two directories.
    #[error("DragonFS entry at {at:#x} is reached twice (a loop or shared entries)")]
    Loop {
        /// Offset of the entry.
        at: usize,
    },
    /// Directories are nested deeper than the runtime follows.
    #[error("DragonFS directory at {at:#x} is nested {depth} deep, more than {MAX_DIRECTORY_DEPTH}")]
    TooDeep {
        /// Offset of the directory's entry.
        at: usize,
        /// Its depth (1 for a directory in the root).
        depth: usize,
    },
    /// More entries than sectors in the image.
    #[error("DragonFS at {dfs:#x}: more than {limit} entries, one per 256 bytes of image")]
    TooManyEntries {
        /// Offset of the image.
        dfs: usize,
        /// The bound.
        limit: usize,
    },
    /// The paths of the entries take more bytes between them than the bound (4 per byte of
    /// image, plus 4 MiB): deep directories with long names, repeated over many entries, would
    /// otherwise turn a small image into gigabytes of paths.
    #[error(
        "DragonFS at {dfs:#x}: the entries' paths take more than {limit:#x} bytes (4 per byte of image, plus 4 MiB)"
    )]
    PathsTooLong {
        /// Offset of the image.
        dfs: usize,
        /// The bound.
        limit: usize,
    },
    /// An entry's type is neither file nor directory.
    #[error("DragonFS entry at {at:#x}: type {kind} is neither file (0) nor directory (1)")]
    BadType {
        /// Offset of the entry.
        at: usize,
        /// The top 4 bits of its flags.
        kind: u32,
    },
    /// An entry's name is one `mkdfs` never writes, or could leave an output folder.
    #[error("DragonFS entry at {at:#x}: bad name ({why})")]
    BadName {
        /// Offset of the entry.
        at: usize,
        /// What is wrong with it.
        why: &'static str,
    },
}

/// What the identity sector says beyond "this is DragonFS".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Identity {
    /// Older `mkdfs`: `next_entry` is 0xDEADBEEF.
    Classic,
    /// Newer `mkdfs`: a path lookup table of `size` bytes at `offset` (relative to the image),
    /// as stored; not validated, because the walk does not need it.
    Lookup {
        /// The table's size in bytes.
        size: u32,
        /// The table's offset from the start of the image.
        offset: u32,
    },
}

/// How an image was found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Located {
    /// Named by a rompak TOC entry ending in `.dfs`.
    Toc {
        /// Offset of the TOC.
        toc: usize,
        /// The entry's name.
        name: String,
    },
    /// Found by looking for the identity sector.
    Scan,
}

/// A DragonFS image whose identity sector checks out.
#[derive(Clone, PartialEq, Eq)]
pub struct Dfs<'a> {
    image: &'a [u8],
    /// Offset of the image (its identity sector) in the ROM.
    pub offset: usize,
    /// What the identity sector says.
    pub identity: Identity,
    /// How it was found.
    pub located: Located,
}

/// One file or directory of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DfsEntry {
    /// The names from the root down, joined with `/`: relative, never empty, no `.` or `..`
    /// components.
    pub path: String,
    /// Offset of the entry's sector in the ROM.
    pub entry_offset: usize,
    /// Number of directories above it (0 in the root).
    pub depth: usize,
    /// File or directory.
    pub kind: Kind,
}

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// A file.
    File {
        /// Offset of its data in the ROM; `offset + size` is at most the ROM's length.
        offset: usize,
        /// Its size in bytes.
        size: u32,
        /// The header of a libdragon compressed asset, when the data is one.
        compressed: Option<dca::Header>,
    },
    /// A directory; its contents follow it in the walk.
    Directory,
}

/// Everything but the ROM's bytes (only their length).
impl std::fmt::Debug for Dfs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dfs")
            .field("image_len", &self.image.len())
            .field("offset", &self.offset)
            .field("identity", &self.identity)
            .field("located", &self.located)
            .finish()
    }
}

impl<'a> Dfs<'a> {
    /// Checks the identity sector at `offset` of the ROM `image`: flags 0xFFFFFFFF and the path
    /// `DragonFS 2.0`. Says nothing about the rest: [`walk`](Dfs::walk) does.
    pub fn parse(image: &'a [u8], offset: usize) -> Result<Dfs<'a>, Error> {
        let dfs = offset;
        let sector = offset
            .checked_add(SECTOR_SIZE)
            .and_then(|end| image.get(offset..end))
            .ok_or(Error::Truncated { dfs, available: image.len().saturating_sub(offset) })?;
        if be32(sector, 4) != Some(ROOT_FLAGS) {
            return Err(Error::NotDragonFs { dfs, why: "flags are not 0xFFFFFFFF" });
        }
        if c_string(&sector[PATH..FILE_POINTER]) != Some(ROOT_PATH) {
            return Err(Error::NotDragonFs { dfs, why: "the path is not \"DragonFS 2.0\"" });
        }
        let identity = match be32(sector, 0).unwrap_or(0) {
            ROOT_NEXT_ENTRY => Identity::Classic,
            size => Identity::Lookup { size, offset: be32(sector, FILE_POINTER).unwrap_or(0) },
        };
        Ok(Dfs { image, offset, identity, located: Located::Scan })
    }

    /// Every file and directory, depth first: each directory is followed by its contents, in
    /// the order of its entry list. Fails on the first problem (see the module docs); a walk
    /// that succeeds has followed every pointer.
    pub fn walk(&self) -> Result<Vec<DfsEntry>, Error> {
        let dfs = self.offset;
        let region = self.image.get(dfs..).unwrap_or_default();
        let limit = region.len() / SECTOR_SIZE;
        let path_limit = region.len().saturating_mul(PATH_BYTES_PER_BYTE).saturating_add(PATH_BYTES_EXTRA);
        let mut path_bytes = 0usize;
        let mut visited = HashSet::new();
        let mut entries = Vec::new();
        // Each frame: the next entry of a directory (0: done), that directory's path and depth.
        let mut stack: Vec<(u32, String, usize)> = vec![(ROOT_ENTRY, String::new(), 0)];
        // The pointer that led to the frame's next entry, for messages: (entry offset, field).
        let mut came_from = (dfs, "first entry");
        while let Some(top) = stack.last_mut() {
            let pointer = top.0;
            if pointer == 0 {
                stack.pop();
                continue;
            }
            let (parent, depth) = (top.1.clone(), top.2);
            let entry = read_entry(region, pointer).ok_or(Error::OutOfRange {
                at: came_from.0,
                what: came_from.1,
                pointer,
                len: self.image.len(),
            })?;
            let at = dfs + pointer as usize;
            if !visited.insert(pointer) {
                return Err(Error::Loop { at });
            }
            if visited.len() > limit {
                return Err(Error::TooManyEntries { dfs, limit });
            }
            let name = check_name(&entry[PATH..FILE_POINTER]).map_err(|why| Error::BadName { at, why })?;
            path_bytes = path_bytes.saturating_add(parent.len() + 1 + name.len());
            if path_bytes > path_limit {
                return Err(Error::PathsTooLong { dfs, limit: path_limit });
            }
            let path = if parent.is_empty() { name.to_owned() } else { format!("{parent}/{name}") };
            let flags = be32(entry, 4).unwrap_or(0);
            let file_pointer = be32(entry, FILE_POINTER).unwrap_or(0);
            top.0 = be32(entry, 0).unwrap_or(0);
            came_from = (at, "next_entry");
            let kind = match flags >> 28 {
                FLAGS_FILE => {
                    let size = flags & 0x0FFF_FFFF;
                    let start = file_pointer as usize;
                    let data = region.get(start..start + size as usize).ok_or(Error::OutOfRange {
                        at,
                        what: "file data",
                        pointer: file_pointer,
                        len: self.image.len(),
                    })?;
                    Kind::File { offset: dfs + start, size, compressed: dca::parse(data).ok() }
                }
                FLAGS_DIR => {
                    if depth + 1 > MAX_DIRECTORY_DEPTH {
                        return Err(Error::TooDeep { at, depth: depth + 1 });
                    }
                    stack.push((file_pointer, path.clone(), depth + 1));
                    came_from = (at, "first entry");
                    Kind::Directory
                }
                kind => return Err(Error::BadType { at, kind }),
            };
            entries.push(DfsEntry { path, entry_offset: at, depth, kind });
        }
        Ok(entries)
    }

    /// The data of a file entry from [`walk`](Dfs::walk); `None` for a directory (or an entry
    /// whose range is not in this image).
    pub fn data(&self, entry: &DfsEntry) -> Option<&'a [u8]> {
        match entry.kind {
            Kind::File { offset, size, .. } => self.image.get(offset..offset.checked_add(size as usize)?),
            Kind::Directory => None,
        }
    }
}

/// The 256-byte entry at `pointer` of the image region, if it is all inside.
fn read_entry(region: &[u8], pointer: u32) -> Option<&[u8]> {
    let start = pointer as usize;
    region.get(start..start.checked_add(SECTOR_SIZE)?)
}

/// The name in a 244-byte path field, or why it is refused.
fn check_name(field: &[u8]) -> Result<&str, &'static str> {
    let name = c_string(field).ok_or("no NUL in the 244-byte field")?;
    if name.is_empty() {
        return Err("empty");
    }
    if name == b"." || name == b".." {
        return Err("a . or .. component");
    }
    if name.iter().any(|&b| b == b'/' || b == b'\\') {
        return Err("contains a path separator");
    }
    if name.iter().any(|&b| b < 0x20 || b == 0x7F) {
        return Err("contains a control character");
    }
    std::str::from_utf8(name).map_err(|_| "not UTF-8")
}

/// Every DragonFS image in the ROM `image` whose walk succeeds, by offset.
///
/// Candidates are the files of valid rompak TOCs whose names end in `.dfs` and every offset
/// where the identity sector's flags and path are found (any alignment). A candidate counts only
/// when [`Dfs::walk`] succeeds: the string `DragonFS 2.0` also sits in libdragon's code.
pub fn find_dragonfs(image: &[u8]) -> Vec<Dfs<'_>> {
    let mut candidates: Vec<(usize, Located)> = Vec::new();
    #[allow(clippy::case_sensitive_file_extension_comparisons, reason = "the runtime's match is case-sensitive")]
    for toc in rompak::find_tocs(image) {
        for entry in toc.entries.iter().filter(|e| e.name.ends_with(".dfs")) {
            let located = Located::Toc { toc: toc.offset, name: entry.name.clone() };
            candidates.push((entry.offset as usize, located));
        }
    }
    let mut identity = [0u8; 4 + ROOT_PATH.len() + 1];
    identity[..4].copy_from_slice(&ROOT_FLAGS.to_be_bytes());
    identity[4..4 + ROOT_PATH.len()].copy_from_slice(ROOT_PATH);
    candidates.extend(find_all(image, &identity).filter_map(|at| at.checked_sub(4)).map(|at| (at, Located::Scan)));
    // One per offset, a TOC's naming first.
    candidates.sort_by_key(|(offset, located)| (*offset, matches!(located, Located::Scan)));
    candidates.dedup_by_key(|(offset, _)| *offset);
    candidates
        .into_iter()
        .filter_map(|(offset, located)| {
            let dfs = Dfs { located, ..Dfs::parse(image, offset).ok()? };
            dfs.walk().is_ok().then_some(dfs)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let field = |name: &[u8]| {
            let mut f = [0u8; 244];
            f[..name.len()].copy_from_slice(name);
            f
        };
        assert_eq!(check_name(&field(b"sprites")), Ok("sprites"));
        assert_eq!(check_name(&field("é.txt".as_bytes())), Ok("é.txt"));
        assert_eq!(check_name(&field(&[b'a'; 243])).map(str::len), Ok(243));
        assert_eq!(check_name(&[b'a'; 244]), Err("no NUL in the 244-byte field"));
        assert_eq!(check_name(&field(b"")), Err("empty"));
        assert_eq!(check_name(&field(b"..")), Err("a . or .. component"));
        assert_eq!(check_name(&field(b".")), Err("a . or .. component"));
        assert_eq!(check_name(&field(b"...")), Ok("..."));
        assert_eq!(check_name(&field(b"/etc")), Err("contains a path separator"));
        assert_eq!(check_name(&field(b"a\\b")), Err("contains a path separator"));
        assert_eq!(check_name(&field(b"a\nb")), Err("contains a control character"));
        assert_eq!(check_name(&field(b"\xFF")), Err("not UTF-8"));
    }

    #[test]
    fn identity_needs_a_whole_sector() {
        let mut sector = vec![0u8; 255];
        sector[4..8].copy_from_slice(&[0xFF; 4]);
        sector[8..20].copy_from_slice(ROOT_PATH);
        assert_eq!(Dfs::parse(&sector, 0), Err(Error::Truncated { dfs: 0, available: 255 }));
        assert_eq!(Dfs::parse(&sector, usize::MAX), Err(Error::Truncated { dfs: usize::MAX, available: 0 }));
        sector.push(0);
        assert_eq!(Dfs::parse(&sector, 0).unwrap().identity, Identity::Lookup { size: 0, offset: 0 });
        sector[19] = b'1';
        assert!(matches!(Dfs::parse(&sector, 0), Err(Error::NotDragonFs { .. })));
    }
}
