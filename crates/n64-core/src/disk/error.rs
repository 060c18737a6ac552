//! What can be wrong with a 64DD disk image.

use super::DiskFormat;

/// Why [`DiskInfo::parse`](super::DiskInfo::parse) or [`probe`](super::probe) found no usable
/// disk. Callers match on the variant; [`DiskError::is_not_a_disk`] says whether the bytes are
/// simply something else (a cartridge ROM, a text file) rather than a damaged disk.
///
/// ```
/// use n64_core::disk::{DiskError, DiskInfo, DiskLayout};
/// let layout = DiskLayout::from_len(0x3DEC800).unwrap();
/// match DiskInfo::parse(layout, &[0u8; 16]) {
///     Err(DiskError::TooShort { expected, found }) => assert_eq!((expected, found), (0x4D080, 16)),
///     other => panic!("unexpected {other:?}"),
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DiskError {
    /// The bytes given end before the blocks the layout needs (a caller's mistake, or a file
    /// that shrank).
    #[error("the disk's system area needs {expected:#x} bytes, {found:#x} were given")]
    TooShort {
        /// How many bytes [`DiskLayout::prefix_len`](super::DiskLayout::prefix_len) asks for.
        expected: usize,
        /// How many there were.
        found: usize,
    },
    /// No size of a disk image fits: not a disk.
    #[error("size {size:#x} is no 64DD disk image size")]
    NotADiskSize {
        /// The size given.
        size: u64,
    },
    /// A `.d64`-sized file whose first 0x200 bytes break the header rules: not a disk.
    #[error("no .d64 header: byte {offset:#x} is {value:#04x}")]
    NotD64Header {
        /// The first offending offset.
        offset: usize,
        /// The byte found there.
        value: u8,
    },
    /// A `.d64` header whose ROM/RAM block ranges are impossible (past the disk's end, a RAM
    /// range given by half, or before the ROM area ends).
    #[error("damaged .d64 header: {0}")]
    D64Ranges(D64Range),
    /// A `.d64` header whose block ranges add up to another size than the file's.
    #[error(".d64 header describes {expected:#x} bytes, the file has {found:#x}")]
    D64Size {
        /// 0x200 plus the blocks of the ROM and RAM ranges.
        expected: u64,
        /// The file size.
        found: u64,
    },
    /// A `.ndd` or MAME-sized image none of whose eight system data copies (retail LBAs 0, 1,
    /// 8, 9; development LBAs 2, 3, 10, 11) is valid: wrong region magic, format byte, disk
    /// type, marker or load address, or sectors that do not repeat.
    #[error("no valid system data in LBAs 0, 1, 8, 9 (retail) or 2, 3, 10, 11 (development) of a {format}-sized image")]
    NoSystemData {
        /// The format the size says.
        format: DiskFormat,
    },
}

impl DiskError {
    /// Whether the bytes are no disk image at all, as opposed to a damaged one.
    ///
    /// ```
    /// use n64_core::disk::DiskError;
    /// assert!(DiskError::NotADiskSize { size: 12 }.is_not_a_disk());
    /// assert!(!DiskError::D64Size { expected: 0x5108, found: 0x5109 }.is_not_a_disk());
    /// ```
    pub fn is_not_a_disk(&self) -> bool {
        matches!(self, DiskError::NotADiskSize { .. } | DiskError::NotD64Header { .. })
    }
}

/// Which block range of a `.d64` header is impossible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum D64Range {
    /// The ROM area's last block (0xE0, counted from LBA 24) is past the disk's end.
    #[error("ROM area ends past the last block (LBA {end})")]
    RomEnd {
        /// The last LBA of the ROM area.
        end: u32,
    },
    /// One of the RAM range's two words (0xE2, 0xE4) is 0xFFFF (none) and the other is not.
    #[error("RAM range given by half")]
    RamHalf,
    /// The RAM range starts before the ROM area ends, ends before it starts, or ends past the
    /// disk's last block.
    #[error("RAM range LBA {start}-{end} is impossible")]
    Ram {
        /// The first LBA of the RAM range.
        start: u32,
        /// The last LBA of the RAM range.
        end: u32,
    },
}
