//! 64DD disk images written by hand from the published layout (LuigiBlood's `leo64dd` notes,
//! ares' loader), independently of n64-core: sparse files of the real sizes with only the
//! system area written.
//!
//! - `.ndd` (0x3DEC800 bytes): LBA order, every system area block (LBAs 0..24) is 0x4D08 bytes,
//!   so LBA `n` starts at `n * 0x4D08`.
//! - MAME (0x435B0C0 bytes): physical order, zone 0 first, two blocks per track; LBA `n` is
//!   on track `n / 2`, in its second block when `n % 4` is 1 or 2 (the table below).
//! - `.d64`: a 0x200-byte header (system data at 0, disk ID at 0x100) and the used blocks.

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

/// The size of a `.ndd` image.
pub const NDD_LEN: u64 = 0x03DE_C800;
/// The size of a MAME image.
pub const MAME_LEN: u64 = 0x0435_B0C0;
/// A zone-0 block: 85 sectors of 232 bytes.
pub const BLOCK_LEN: u64 = 0x4D08;

/// Japanese retail region magic.
pub const JAPAN: [u8; 4] = [0xE8, 0x48, 0xD3, 0x16];
/// USA retail region magic.
pub const USA: [u8; 4] = [0x22, 0x63, 0xEE, 0x56];
/// Development "magic".
pub const DEVELOPMENT: [u8; 4] = [0; 4];

/// The physical block (from the start of a MAME image) of system area LBAs, worked out by
/// hand: track = LBA / 2, second block of the track when LBA % 4 is 1 or 2.
pub const MAME_BLOCK_OF_LBA: [(u16, u64); 10] =
    [(0, 0), (1, 1), (2, 3), (3, 2), (8, 8), (9, 9), (10, 11), (11, 10), (14, 15), (15, 14)];

/// The fields of a system data sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct System {
    /// Bytes 0..4.
    pub magic: [u8; 4],
    /// Byte 4 (0x10 on disks).
    pub format_type: u8,
    /// Byte 5 (0x10 + disk type on disks).
    pub type_byte: u8,
    /// Bytes 6..8.
    pub load_blocks: u16,
    /// Bytes 0x1C..0x20.
    pub load_address: u32,
}

impl System {
    /// A valid retail or development system data for `disk_type`.
    pub fn new(magic: [u8; 4], disk_type: u8) -> System {
        System { magic, format_type: 0x10, type_byte: 0x10 + disk_type, load_blocks: 4, load_address: 0x8000_0400 }
    }

    /// One sector: 232 bytes (192 of them meaningful on a development disk).
    pub fn sector(&self) -> Vec<u8> {
        let mut sector = vec![0u8; 232];
        sector[..4].copy_from_slice(&self.magic);
        sector[4] = self.format_type;
        sector[5] = self.type_byte;
        sector[6..8].copy_from_slice(&self.load_blocks.to_be_bytes());
        sector[0x18..0x1C].copy_from_slice(&[0xFF; 4]);
        sector[0x1C..0x20].copy_from_slice(&self.load_address.to_be_bytes());
        sector
    }

    /// The whole block: the sector 85 times (232-byte sectors retail, 192 development).
    pub fn block(&self) -> Vec<u8> {
        let len = if self.magic == DEVELOPMENT { 192 } else { 232 };
        self.sector()[..len].repeat(85)
    }
}

/// A disk ID: 4-byte code, version, disk number, RAM use, disk use, factory line, BCD
/// production time, company code.
pub fn disk_id(code: &[u8; 4], version: u8, time: [u8; 8], company: &[u8; 2]) -> [u8; 32] {
    let mut id = [0u8; 32];
    id[..4].copy_from_slice(code);
    id[4] = version;
    id[6] = 1;
    id[8..16].copy_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0x08]);
    id[16..24].copy_from_slice(&time);
    id[24..26].copy_from_slice(company);
    id
}

/// The disk ID block: the 32 bytes at the start of each of 85 sectors of 232.
pub fn id_block(id: &[u8; 32]) -> Vec<u8> {
    let mut sector = vec![0u8; 232];
    sector[..32].copy_from_slice(id);
    sector.repeat(85)
}

/// A sparse file of `len` bytes with `blocks` written at `(offset, bytes)`.
///
/// # Panics
///
/// When the file cannot be written.
pub fn write_sparse(path: &Path, len: u64, blocks: &[(u64, Vec<u8>)]) {
    let mut file = File::create(path).expect("the disk image is created");
    file.set_len(len).expect("the disk image gets its size");
    for (offset, bytes) in blocks {
        file.seek(SeekFrom::Start(*offset)).expect("seek");
        file.write_all(bytes).expect("the block is written");
    }
}

/// Where system area LBA `lba` starts in an image of `format` (`"ndd"` or `"mame"`).
///
/// # Panics
///
/// For an LBA outside [`MAME_BLOCK_OF_LBA`] in a MAME image, or another format.
pub fn offset_of(format: &str, lba: u16) -> u64 {
    match format {
        "ndd" => u64::from(lba) * BLOCK_LEN,
        "mame" => MAME_BLOCK_OF_LBA.iter().find(|(l, _)| *l == lba).expect("a listed LBA").1 * BLOCK_LEN,
        other => panic!("no block offsets for {other}"),
    }
}

/// Writes a whole-size `.ndd` or MAME image: `system` in its four LBAs (retail 0, 1, 8, 9 or
/// development 2, 3, 10, 11 after its magic) and `id` in LBAs 14 and 15.
pub fn write_disk(path: &Path, format: &str, system: &System, id: &[u8; 32]) {
    let lbas: [u16; 4] = if system.magic == DEVELOPMENT { [2, 3, 10, 11] } else { [0, 1, 8, 9] };
    let mut blocks: Vec<(u64, Vec<u8>)> = lbas.iter().map(|&lba| (offset_of(format, lba), system.block())).collect();
    blocks.extend([14, 15].map(|lba| (offset_of(format, lba), id_block(id))));
    write_sparse(path, if format == "ndd" { NDD_LEN } else { MAME_LEN }, &blocks);
}

/// A `.d64` header: disk type, load blocks and address, ROM end and RAM range words (counted
/// from LBA 24; `0xFFFF` for no RAM), disk ID at 0x100.
pub fn d64_header(disk_type: u8, rom_end: u16, ram: Option<(u16, u16)>, id: &[u8; 32]) -> Vec<u8> {
    let mut header = vec![0u8; 0x200];
    header[5] = disk_type;
    header[6..8].copy_from_slice(&4u16.to_be_bytes());
    header[0x1C..0x20].copy_from_slice(&0x8000_0400u32.to_be_bytes());
    header[0xE0..0xE2].copy_from_slice(&rom_end.to_be_bytes());
    let (start, end) = ram.unwrap_or((0xFFFF, 0xFFFF));
    header[0xE2..0xE4].copy_from_slice(&start.to_be_bytes());
    header[0xE4..0xE6].copy_from_slice(&end.to_be_bytes());
    header[0x100..0x120].copy_from_slice(id);
    header
}
