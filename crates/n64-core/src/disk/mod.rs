//! 64DD disk images: which of the three file formats a file is, and what its system area says
//! (region, disk type, load address, disk ID).
//!
//! A caller never needs the whole 62-67 MB image: [`DiskLayout::from_len`] says from the file
//! size alone which format the file could be and how many of its first bytes to read
//! ([`DiskLayout::prefix_len`]: the system area's first 16 blocks, or the 0x200-byte `.d64`
//! header); [`DiskInfo::parse`] reads those.
//!
//! | format | size | order |
//! | --- | --- | --- |
//! | `.ndd` | exactly 0x3DEC800 | logical blocks (LBA 0, 1, 2, …) |
//! | MAME / ares | exactly 0x435B0C0 | physical: head, track, block |
//! | `.d64` | 0x4F08 up to 0x3D79140, what its header adds up to | 0x200-byte header, then the used ROM and RAM blocks |
//!
//! The system area's blocks are 0x4D08 bytes (85 sectors of 232). Retail system data is in
//! LBAs 0, 1, 8, 9, development system data in 2, 3, 10, 11, the disk ID in 14 and 15; the
//! first valid copy of each is taken. In physical order the system area starts the image too,
//! two blocks per track, so LBAs 2 and 3 (10 and 11, 14 and 15) trade places. (Like ares and
//! LuigiBlood's `leo64ddfile`, this reads the system area at those fixed places, before the
//! defect track list that would move later blocks is known.)
//!
//! ```
//! use n64_core::disk::{DiskFormat, DiskInfo, DiskLayout, Region};
//!
//! // A Japanese retail .ndd: system data in LBA 0 (85 identical 232-byte sectors).
//! let layout = DiskLayout::from_len(0x3DEC800).unwrap();
//! let mut prefix = vec![0u8; layout.prefix_len()];
//! let mut sector = [0u8; 232];
//! sector[..8].copy_from_slice(&[0xE8, 0x48, 0xD3, 0x16, 0x10, 0x13, 0x00, 0x04]);
//! sector[0x18..0x20].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x04, 0x00]);
//! for copy in prefix[..0x4D08].chunks_exact_mut(232) {
//!     copy.copy_from_slice(&sector);
//! }
//! let info = DiskInfo::parse(layout, &prefix)?;
//! assert_eq!((info.format, info.system.region, info.system.disk_type), (DiskFormat::Ndd, Region::Japan, 3));
//! assert_eq!((info.system_lba, info.system.load_address), (Some(0), 0x8000_0400));
//! assert_eq!(info.disk_id, None); // LBAs 14 and 15 are zero: 85 equal sectors, an empty ID
//! # Ok::<(), n64_core::disk::DiskError>(())
//! ```

mod error;
pub mod geometry;
mod id;
mod system;

use std::fmt;

pub use error::{D64Range, DiskError};
pub use id::{DISK_ID_LEN, DiskId, ProductionTime};
pub use system::{Region, SystemData};

use geometry::{LBA_COUNT, SYSTEM_AREA_LBAS, SYSTEM_BLOCK_LEN};

/// The size of a `.ndd` image.
pub const NDD_LEN: u64 = 0x03DE_C800;
/// The size of a MAME / ares physical-order image.
pub const MAME_LEN: u64 = 0x0435_B0C0;
/// The size of a `.d64` header.
pub const D64_HEADER_LEN: usize = 0x200;
/// The smallest `.d64` (the header and one block) ...
pub const D64_MIN_LEN: u64 = 0x4F08;
/// ... and the bound every `.d64` is below.
pub const D64_MAX_LEN: u64 = 0x03D7_9140;

/// Retail system data LBAs, in the order they are tried.
pub const RETAIL_SYSTEM_LBAS: [u16; 4] = [0, 1, 8, 9];
/// Development system data LBAs, tried when no retail copy is valid.
pub const DEV_SYSTEM_LBAS: [u16; 4] = [2, 3, 10, 11];
/// Disk ID LBAs.
pub const DISK_ID_LBAS: [u16; 2] = [14, 15];

/// The three file formats of 64DD disk images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiskFormat {
    /// `.ndd`: the 64DD dump tool's image, blocks in logical (LBA) order.
    Ndd,
    /// MAME's and ares' image, blocks in physical order.
    Mame,
    /// `.d64`: the SDK's master disk format, a header and the used blocks only.
    D64,
}

impl DiskFormat {
    /// `"ndd"`, `"mame"` or `"d64"`.
    pub const fn name(self) -> &'static str {
        match self {
            DiskFormat::Ndd => "ndd",
            DiskFormat::Mame => "mame",
            DiskFormat::D64 => "d64",
        }
    }
}

impl fmt::Display for DiskFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a disk image of a given size keeps its system area: what to read before
/// [`DiskInfo::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskLayout {
    format: DiskFormat,
    size: u64,
}

impl DiskLayout {
    /// The format a file of `len` bytes can be, or `None` when no disk image has that size.
    ///
    /// ```
    /// use n64_core::disk::{DiskFormat, DiskLayout};
    /// assert_eq!(DiskLayout::from_len(0x435B0C0).map(|l| l.format()), Some(DiskFormat::Mame));
    /// assert_eq!(DiskLayout::from_len(0x800000).map(|l| l.format()), Some(DiskFormat::D64)); // maybe
    /// assert_eq!(DiskLayout::from_len(0x4000000), None);
    /// ```
    pub fn from_len(len: u64) -> Option<DiskLayout> {
        let format = match len {
            NDD_LEN => DiskFormat::Ndd,
            MAME_LEN => DiskFormat::Mame,
            D64_MIN_LEN..D64_MAX_LEN => DiskFormat::D64,
            _ => return None,
        };
        Some(DiskLayout { format, size: len })
    }

    /// The format the size allows.
    pub fn format(&self) -> DiskFormat {
        self.format
    }

    /// The file size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// How many bytes from the start of the file [`DiskInfo::parse`] needs: the first 16
    /// system area blocks (0x4D080 bytes) of a `.ndd` or MAME image, the header (0x200) of a
    /// `.d64`.
    pub fn prefix_len(&self) -> usize {
        match self.format {
            DiskFormat::Ndd | DiskFormat::Mame => 16 * SYSTEM_BLOCK_LEN,
            DiskFormat::D64 => D64_HEADER_LEN,
        }
    }

    /// The file offset of system area block `lba` (0..24), 0x4D08 bytes long; `None` for a
    /// `.d64` (which keeps one copy of each in its header) or an LBA outside the system area.
    ///
    /// ```
    /// use n64_core::disk::DiskLayout;
    /// let ndd = DiskLayout::from_len(0x3DEC800).unwrap();
    /// let mame = DiskLayout::from_len(0x435B0C0).unwrap();
    /// assert_eq!(ndd.block_offset(14), Some(14 * 0x4D08));
    /// assert_eq!(mame.block_offset(14), Some(15 * 0x4D08));
    /// ```
    pub fn block_offset(&self, lba: u16) -> Option<u64> {
        if lba >= SYSTEM_AREA_LBAS {
            return None;
        }
        let block = match self.format {
            DiskFormat::Ndd => lba,
            DiskFormat::Mame => geometry::physical_system_block(lba),
            DiskFormat::D64 => return None,
        };
        Some(u64::from(block) * SYSTEM_BLOCK_LEN as u64)
    }
}

/// What the system area of a disk image says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiskInfo {
    /// The file format.
    pub format: DiskFormat,
    /// The file size.
    pub size: u64,
    /// The first valid copy of the system data.
    pub system: SystemData,
    /// The LBA that copy was read from (`None` for a `.d64`, whose header holds it).
    pub system_lba: Option<u16>,
    /// The first disk ID copy whose sectors repeat, if any (a `.d64` always has one).
    pub disk_id: Option<DiskId>,
    /// The LBA the disk ID was read from (`None` for a `.d64`).
    pub disk_id_lba: Option<u16>,
}

impl DiskInfo {
    /// Reads the system area from `prefix`, the first [`DiskLayout::prefix_len`] bytes of
    /// the file (more are ignored).
    ///
    /// # Errors
    ///
    /// [`DiskError::TooShort`] when `prefix` is shorter than asked; for a `.d64`-sized file,
    /// [`DiskError::NotD64Header`] when the header rules fail (not a disk), else
    /// [`DiskError::D64Ranges`] or [`DiskError::D64Size`]; for the two fixed sizes,
    /// [`DiskError::NoSystemData`].
    pub fn parse(layout: DiskLayout, prefix: &[u8]) -> Result<DiskInfo, DiskError> {
        let expected = layout.prefix_len();
        let prefix = prefix.get(..expected).ok_or(DiskError::TooShort { expected, found: prefix.len() })?;
        match layout.format {
            DiskFormat::D64 => parse_d64(layout.size, prefix),
            format => parse_blocks(layout, format, prefix),
        }
    }
}

/// Recognises a disk image from its size and first bytes: `Ok(None)` when it is none (no disk
/// size, or a `.d64`-sized file without a `.d64` header), an error when it has a disk's size
/// but a damaged system area.
///
/// ```
/// use n64_core::disk::probe;
/// let rom = [0x80, 0x37, 0x12, 0x40].repeat(0x80);
/// assert_eq!(probe(&rom, 0x10_0000), Ok(None)); // a cartridge ROM's first bytes
/// ```
///
/// # Errors
///
/// As [`DiskInfo::parse`], except the "not a disk" ones.
pub fn probe(prefix: &[u8], size: u64) -> Result<Option<DiskInfo>, DiskError> {
    let Some(layout) = DiskLayout::from_len(size) else { return Ok(None) };
    match DiskInfo::parse(layout, prefix) {
        Ok(info) => Ok(Some(info)),
        Err(error) if error.is_not_a_disk() => Ok(None),
        Err(error) => Err(error),
    }
}

fn parse_blocks(layout: DiskLayout, format: DiskFormat, prefix: &[u8]) -> Result<DiskInfo, DiskError> {
    let block = |lba: u16| {
        let start = usize::try_from(layout.block_offset(lba)?).ok()?;
        prefix.get(start..start + SYSTEM_BLOCK_LEN)
    };
    let retail = RETAIL_SYSTEM_LBAS.iter().map(|&lba| (lba, false));
    let development = DEV_SYSTEM_LBAS.iter().map(|&lba| (lba, true));
    let (system_lba, system) = retail
        .chain(development)
        .find_map(|(lba, dev)| system::read_copy(block(lba)?, dev).map(|data| (lba, data)))
        .ok_or(DiskError::NoSystemData { format })?;
    let id = DISK_ID_LBAS.iter().find_map(|&lba| id::read_copy(block(lba)?).map(|id| (lba, id)));
    let id = id.filter(|(_, id)| id.raw != [0; DISK_ID_LEN]);
    Ok(DiskInfo {
        format,
        size: layout.size,
        system,
        system_lba: Some(system_lba),
        disk_id: id.map(|(_, id)| id),
        disk_id_lba: id.map(|(lba, _)| lba),
    })
}

/// Offsets of a `.d64` header that may be non-zero: disk type, load size, load address, the
/// ROM/RAM block ranges, the disk ID, and 0x1E8 (which ares also allows).
fn d64_byte_may_be_set(offset: usize) -> bool {
    matches!(offset, 0x05..=0x07 | 0x1C..=0x1F | 0xE0..=0xE5 | 0x100..0x120 | 0x1E8)
}

fn parse_d64(size: u64, header: &[u8]) -> Result<DiskInfo, DiskError> {
    let refuse = |offset: usize| DiskError::NotD64Header { offset, value: header[offset] };
    if let Some(offset) = (0..D64_HEADER_LEN).find(|&o| header[o] != 0 && !d64_byte_may_be_set(o)) {
        return Err(refuse(offset));
    }
    let range_byte_ok = |b: u8| b <= 0x10 || b == 0xFF;
    let checks: [(usize, bool); 7] = [
        (0x05, header[0x05] < geometry::DISK_TYPES),
        (0x06, header[0x06] < 0x02),
        (0x1C, header[0x1C] == 0x80),
        (0x1D, header[0x1D] < 0x80),
        (0xE0, header[0xE0] <= 0x10),
        (0xE2, range_byte_ok(header[0xE2])),
        (0xE4, range_byte_ok(header[0xE4])),
    ];
    if let Some(&(offset, _)) = checks.iter().find(|(_, ok)| !ok) {
        return Err(refuse(offset));
    }
    let system = system::fields(header, Region::Development).ok_or(refuse(0x05))?;
    let word = |at: usize| u32::from(u16::from_be_bytes([header[at], header[at + 1]]));
    let base = u32::from(SYSTEM_AREA_LBAS);
    let last = u32::from(LBA_COUNT) - 1;
    let rom_end = base + word(0xE0);
    if rom_end > last {
        return Err(DiskError::D64Ranges(D64Range::RomEnd { end: rom_end }));
    }
    let ram = match (word(0xE2), word(0xE4)) {
        (0xFFFF, 0xFFFF) => None,
        (0xFFFF, _) | (_, 0xFFFF) => return Err(DiskError::D64Ranges(D64Range::RamHalf)),
        (start, end) => {
            let (start, end) = (base + start, base + end);
            if start <= rom_end || end < start || end > last {
                return Err(DiskError::D64Ranges(D64Range::Ram { start, end }));
            }
            Some((start, end))
        }
    };
    let lba = |n: u32| u16::try_from(n).unwrap_or(u16::MAX);
    let blocks = |first: u32, end: u32| geometry::blocks_len(system.disk_type, lba(first), lba(end)).unwrap_or(0);
    let expected = D64_HEADER_LEN as u64 + blocks(base, rom_end) + ram.map_or(0, |(start, end)| blocks(start, end));
    if expected != size {
        return Err(DiskError::D64Size { expected, found: size });
    }
    Ok(DiskInfo {
        format: DiskFormat::D64,
        size,
        system,
        system_lba: None,
        disk_id: DiskId::new(&header[0x100..]).filter(|id| id.raw != [0; DISK_ID_LEN]),
        disk_id_lba: None,
    })
}
