//! The system data block: region, format byte, disk type and boot load address, repeated in
//! each of its 85 sectors.

use std::fmt;

use super::geometry::{DEV_SYSTEM_SECTOR_LEN, DISK_TYPES, SECTORS_PER_BLOCK, SYSTEM_SECTOR_LEN};

/// The region a disk is for, from the first word of its system data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// Magic `E848D316`: a Japanese retail disk.
    Japan,
    /// Magic `2263EE56`: a USA retail disk (none was sold).
    Usa,
    /// Magic `00000000`: a development disk, with 192-byte system data sectors (also every
    /// `.d64` image, which keeps no region).
    Development,
}

impl Region {
    /// The region whose magic is `word`, if any.
    ///
    /// ```
    /// use n64_core::disk::Region;
    /// assert_eq!(Region::from_magic(0xE848_D316), Some(Region::Japan));
    /// assert_eq!(Region::from_magic(0x8037_1240), None);
    /// ```
    pub const fn from_magic(word: u32) -> Option<Region> {
        match word {
            0xE848_D316 => Some(Region::Japan),
            0x2263_EE56 => Some(Region::Usa),
            0 => Some(Region::Development),
            _ => None,
        }
    }

    /// The magic word of the region.
    pub const fn magic(self) -> u32 {
        match self {
            Region::Japan => 0xE848_D316,
            Region::Usa => 0x2263_EE56,
            Region::Development => 0,
        }
    }

    /// `"japan"`, `"usa"` or `"development"`.
    pub const fn name(self) -> &'static str {
        match self {
            Region::Japan => "japan",
            Region::Usa => "usa",
            Region::Development => "development",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Region::Japan => "Japan",
            Region::Usa => "USA",
            Region::Development => "development",
        })
    }
}

/// The fields of the system data this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SystemData {
    /// From the magic (bytes 0..4).
    pub region: Region,
    /// Byte 4: 0x10 on a disk, 0x00 in a `.d64` header.
    pub format_type: u8,
    /// The low nibble of byte 5 (0 to 6): where the ROM area ends and the RAM area starts.
    pub disk_type: u8,
    /// Bytes 6..8: how many blocks of the ROM area the IPL loads at boot.
    pub load_blocks: u16,
    /// Bytes 0x1C..0x20: where in RDRAM they are loaded and run.
    pub load_address: u32,
}

/// Reads one copy of the system data from a whole zone-0 block, `None` when the copy is not
/// valid: the magic is not one of `regions`, the format byte is not 0x10, byte 5 is not 0x10
/// plus a disk type 0-6, bytes 0x18..0x1C are not all 0xFF, the load address is outside
/// 0x80000000..0x80800000, or the 85 sectors (232 bytes retail, 192 development) differ.
pub(crate) fn read_copy(block: &[u8], development: bool) -> Option<SystemData> {
    let sector_len = if development { DEV_SYSTEM_SECTOR_LEN } else { SYSTEM_SECTOR_LEN };
    let sectors = block.get(..sector_len * SECTORS_PER_BLOCK)?;
    let first = &sectors[..sector_len];
    let region = Region::from_magic(be32(first, 0)?)?;
    if (region == Region::Development) != development {
        return None;
    }
    let data = fields(first, region)?;
    if data.format_type != 0x10 || first[5] & 0xF0 != 0x10 || first.get(0x18..0x1C)? != [0xFF; 4] {
        return None;
    }
    if !sectors.chunks_exact(sector_len).all(|sector| sector == first) {
        return None;
    }
    Some(data)
}

/// The fields of a system data sector (or `.d64` header) whose region is known; `None` when
/// the disk type or load address is out of range.
pub(crate) fn fields(sector: &[u8], region: Region) -> Option<SystemData> {
    let disk_type = sector.get(5)? & 0x0F;
    let load_address = be32(sector, 0x1C)?;
    if disk_type >= DISK_TYPES || !(0x8000_0000..0x8080_0000).contains(&load_address) {
        return None;
    }
    Some(SystemData {
        region,
        format_type: *sector.get(4)?,
        disk_type,
        load_blocks: u16::from_be_bytes(sector.get(6..8)?.try_into().ok()?),
        load_address,
    })
}

pub(crate) fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}
