//! The geometry of a 64DD disk as the published layout gives it: 4316 logical blocks (LBAs) of
//! 85 sectors, nine block sizes by zone, and the order in which each disk type maps its
//! logical zones onto the physical ones.
//!
//! Sources (facts only): LuigiBlood's `leo64dd.py` and its `DOC.md`, ares
//! `mia/medium/nintendo-64dd.cpp`, N64FlashcartMenu `src/menu/disk_info.c`.

/// Logical blocks on a disk.
pub const LBA_COUNT: u16 = 4316;
/// LBAs 0..24 are the system area; the ROM area starts at LBA 24.
pub const SYSTEM_AREA_LBAS: u16 = 24;
/// Sectors in every block.
pub const SECTORS_PER_BLOCK: usize = 85;
/// Bytes per sector in zone 0, where the system area lies (retail system data and disk ID).
pub const SYSTEM_SECTOR_LEN: usize = 232;
/// Bytes per sector of development system data (the first 192 bytes of each 232).
pub const DEV_SYSTEM_SECTOR_LEN: usize = 192;
/// Bytes in a zone-0 block: 85 sectors of 232 bytes (0x4D08).
pub const SYSTEM_BLOCK_LEN: usize = SYSTEM_SECTOR_LEN * SECTORS_PER_BLOCK;

/// Block size in bytes for each of the nine zones (sectors of 232 down to 112 bytes, × 85).
const ZONE_BLOCK_LEN: [u32; 9] = [19720, 18360, 17680, 16320, 14960, 13600, 12240, 10880, 9520];

/// For each disk type, the LBA at which each of its 16 logical zones ends.
const VZONE_END: [[u16; 16]; 7] = [
    [292, 584, 858, 1150, 1442, 1716, 1990, 2264, 2538, 2742, 2946, 3220, 3494, 3768, 4042, 4316],
    [292, 584, 858, 1132, 1406, 1698, 1990, 2264, 2538, 2812, 3016, 3220, 3494, 3768, 4042, 4316],
    [292, 584, 858, 1132, 1406, 1680, 1954, 2246, 2538, 2812, 3086, 3290, 3494, 3768, 4042, 4316],
    [292, 584, 858, 1132, 1406, 1680, 1954, 2228, 2502, 2794, 3086, 3360, 3564, 3768, 4042, 4316],
    [292, 584, 858, 1132, 1406, 1680, 1954, 2228, 2502, 2776, 3050, 3342, 3634, 3838, 4042, 4316],
    [292, 584, 858, 1132, 1406, 1680, 1954, 2158, 2432, 2706, 2980, 3254, 3528, 3820, 4112, 4316],
    [292, 584, 858, 1132, 1406, 1680, 1954, 2158, 2362, 2636, 2910, 3184, 3458, 3732, 4024, 4316],
];

/// For each disk type, the physical zone (0-7 head 0, 8-15 head 1) of each logical zone.
const VZONE_TO_PZONE: [[u8; 16]; 7] = [
    [0, 1, 2, 9, 8, 3, 4, 5, 6, 7, 15, 14, 13, 12, 11, 10],
    [0, 1, 2, 3, 10, 9, 8, 4, 5, 6, 7, 15, 14, 13, 12, 11],
    [0, 1, 2, 3, 4, 11, 10, 9, 8, 5, 6, 7, 15, 14, 13, 12],
    [0, 1, 2, 3, 4, 5, 12, 11, 10, 9, 8, 6, 7, 15, 14, 13],
    [0, 1, 2, 3, 4, 5, 6, 13, 12, 11, 10, 9, 8, 7, 15, 14],
    [0, 1, 2, 3, 4, 5, 6, 7, 14, 13, 12, 11, 10, 9, 8, 15],
    [0, 1, 2, 3, 4, 5, 6, 7, 15, 14, 13, 12, 11, 10, 9, 8],
];

/// The first LBA of the RAM (writable) area for each disk type; 4316 (type 6) means none.
const RAM_START: [u16; 7] = [0x5A2, 0x7C6, 0x9EA, 0xC0E, 0xE32, 0x1010, 0x10DC];

/// The number of disk types (0 to 6).
pub const DISK_TYPES: u8 = 7;

/// The size in bytes of block `lba` on a disk of `disk_type`, or `None` when either is out of
/// range.
pub fn block_len(disk_type: u8, lba: u16) -> Option<u32> {
    let ends = VZONE_END.get(usize::from(disk_type))?;
    let vzone = ends.iter().position(|&end| lba < end)?;
    let pzone = VZONE_TO_PZONE[usize::from(disk_type)][vzone];
    // Head 1's zones 8..15 are the physical zones 1..8 (its outermost zone is zone 1).
    let zone = if pzone < 8 { pzone } else { pzone - 7 };
    Some(ZONE_BLOCK_LEN[usize::from(zone)])
}

/// The bytes of the blocks `first..=last` on a disk of `disk_type`, or `None` when the range is
/// empty or leaves the disk.
pub fn blocks_len(disk_type: u8, first: u16, last: u16) -> Option<u64> {
    if first > last || last >= LBA_COUNT {
        return None;
    }
    (first..=last).map(|lba| block_len(disk_type, lba).map(u64::from)).sum()
}

/// The first LBA of the RAM area of `disk_type` ([`LBA_COUNT`] for a disk with none).
pub fn ram_start(disk_type: u8) -> Option<u16> {
    RAM_START.get(usize::from(disk_type)).copied()
}

/// Where LBA `lba` of the system area (0..24) sits in physical order, as a block index: the
/// system area lies in zone 0 on head 0 from track 0, two blocks per track, and LBAs whose
/// number ends in binary 01 or 10 (1, 2, 5, 6, …) are in the track's second block.
pub(crate) fn physical_system_block(lba: u16) -> u16 {
    let track = lba >> 1;
    let second = matches!(lba & 3, 1 | 2);
    track * 2 + u16::from(second)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sum of every block of the disk is the published .ndd size (0x3DEC800), whatever
    /// the type: each type orders the same zones differently.
    #[test]
    fn every_type_adds_up_to_the_ndd_size() {
        for disk_type in 0..DISK_TYPES {
            assert_eq!(blocks_len(disk_type, 0, LBA_COUNT - 1), Some(0x03DE_C800), "type {disk_type}");
        }
    }

    /// The first zone of each type is zone 0: 146 tracks of two 0x4D08-byte blocks.
    #[test]
    fn zone_zero_holds_292_system_sized_blocks() {
        for disk_type in 0..DISK_TYPES {
            assert_eq!(block_len(disk_type, 0), Some(0x4D08));
            assert_eq!(block_len(disk_type, 291), Some(0x4D08));
            assert_eq!(block_len(disk_type, 292), Some(18360));
        }
        assert_eq!(block_len(7, 0), None);
        assert_eq!(block_len(0, LBA_COUNT), None);
        assert_eq!(blocks_len(0, 5, 4), None);
    }

    /// Written out by hand from the rule "track = lba / 2, second block when lba mod 4 is 1
    /// or 2": LBA 2 and 3 trade places, 0, 1, 8, 9 do not.
    #[test]
    fn system_lbas_in_physical_order() {
        let expected = [(0, 0), (1, 1), (2, 3), (3, 2), (8, 8), (9, 9), (10, 11), (11, 10), (14, 15), (15, 14)];
        for (lba, block) in expected {
            assert_eq!(physical_system_block(lba), block, "LBA {lba}");
        }
    }
}
