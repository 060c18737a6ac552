//! 64DD disk images built from the published layout (n64-testkit's `disk`, written by hand
//! from LuigiBlood's notes and ares' loader), read back by n64-core. Expected values are the
//! bytes written here and the layout's published numbers, never the parser's own.

use n64_core::disk::{D64Range, DiskError, DiskFormat, DiskInfo, DiskLayout, Region, probe};
use n64_testkit::Rng;
use n64_testkit::disk::{
    BLOCK_LEN, DEVELOPMENT, JAPAN, MAME_LEN, NDD_LEN, System, USA, d64_header, disk_id, id_block, offset_of,
};

/// The first 16 blocks of an image (what `prefix_len` asks for), with blocks at LBAs.
fn prefix(format: &str, blocks: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut bytes = vec![0u8; 16 * usize::try_from(BLOCK_LEN).unwrap()];
    for (lba, block) in blocks {
        let at = usize::try_from(offset_of(format, *lba)).unwrap();
        bytes[at..at + block.len()].copy_from_slice(block);
    }
    bytes
}

/// The system data in the four LBAs of its kind, the ID in 14 and 15.
fn whole_system_area(format: &str, system: &System, id: &[u8; 32]) -> Vec<u8> {
    let lbas: [u16; 4] = if system.magic == DEVELOPMENT { [2, 3, 10, 11] } else { [0, 1, 8, 9] };
    let mut blocks: Vec<(u16, Vec<u8>)> = lbas.iter().map(|&l| (l, system.block())).collect();
    blocks.extend([14, 15].map(|l| (l, id_block(id))));
    prefix(format, &blocks)
}

const DEC_1999: [u8; 8] = [0x00, 0x19, 0x99, 0x12, 0x01, 0x23, 0x59, 0x00];

fn parse(format: &str, size: u64, bytes: &[u8]) -> Result<DiskInfo, DiskError> {
    let layout = DiskLayout::from_len(size).expect("a disk size");
    assert_eq!(layout.format().name(), format);
    DiskInfo::parse(layout, bytes)
}

#[test]
fn japanese_retail_ndd() {
    let id = disk_id(b"DMPJ", 0, DEC_1999, b"01");
    let info = parse("ndd", NDD_LEN, &whole_system_area("ndd", &System::new(JAPAN, 3), &id)).unwrap();
    assert_eq!((info.format, info.size, info.system.region), (DiskFormat::Ndd, 0x03DE_C800, Region::Japan));
    assert_eq!((info.system.disk_type, info.system.format_type), (3, 0x10));
    assert_eq!((info.system.load_address, info.system.load_blocks), (0x8000_0400, 4));
    assert_eq!((info.system_lba, info.disk_id_lba), (Some(0), Some(14)));
    let id = info.disk_id.unwrap();
    assert_eq!((id.game_code(), id.version(), id.disk_number(), id.ram_use()), (Some("DMPJ"), 0, 0, 1));
    assert_eq!(id.company_code(), Some("01"));
    assert_eq!(id.factory_line(), [0, 0, 0, 0, 0, 0, 0, 0x08]);
    assert_eq!(id.production_time().unwrap().to_string(), "1999-12-01 23:59:00");
}

#[test]
fn usa_retail_mame() {
    let id = disk_id(b"EFZE", 1, DEC_1999, b"01");
    let info = parse("mame", MAME_LEN, &whole_system_area("mame", &System::new(USA, 0), &id)).unwrap();
    assert_eq!((info.format, info.size, info.system.region), (DiskFormat::Mame, 0x0435_B0C0, Region::Usa));
    assert_eq!(info.system.disk_type, 0);
    assert_eq!((info.system_lba, info.disk_id_lba), (Some(0), Some(14)));
    assert_eq!(info.disk_id.unwrap().game_code(), Some("EFZE"));
}

/// Development data: 192-byte sectors in LBAs 2, 3, 10, 11. In the MAME image, LBA 2 is the
/// fourth block (index 3): written only there, it must be found as LBA 2.
#[test]
fn development_disks_in_both_orders() {
    let id = disk_id(b"DEVJ", 2, DEC_1999, b"01");
    for format in ["ndd", "mame"] {
        let size = if format == "ndd" { NDD_LEN } else { MAME_LEN };
        let info = parse(format, size, &whole_system_area(format, &System::new(DEVELOPMENT, 6), &id)).unwrap();
        assert_eq!((info.system.region, info.system.disk_type, info.system_lba), (Region::Development, 6, Some(2)));
    }
    let only_lba_2 = prefix("mame", &[(2, System::new(DEVELOPMENT, 4).block())]);
    assert_eq!(&only_lba_2[3 * 0x4D08..3 * 0x4D08 + 4], &[0, 0, 0, 0]);
    assert_eq!(only_lba_2[3 * 0x4D08 + 5], 0x14);
    let info = parse("mame", MAME_LEN, &only_lba_2).unwrap();
    assert_eq!((info.system_lba, info.system.disk_type, info.disk_id), (Some(2), 4, None));
    // The same block in an .ndd is LBA 3's: still a development copy, read as LBA 3.
    let at_block_3 = prefix("ndd", &[(3, System::new(DEVELOPMENT, 4).block())]);
    assert_eq!(parse("ndd", NDD_LEN, &at_block_3).unwrap().system_lba, Some(3));
}

/// Copies that disagree: the first valid one in the order 0, 1, 8, 9 wins; a copy whose last
/// sector differs is not valid, and the next one is taken.
#[test]
fn first_valid_copy_wins() {
    let japan = System::new(JAPAN, 3).block();
    let usa = System::new(USA, 5).block();
    let info = parse("ndd", NDD_LEN, &prefix("ndd", &[(0, japan.clone()), (1, usa.clone())])).unwrap();
    assert_eq!((info.system.region, info.system.disk_type, info.system_lba), (Region::Japan, 3, Some(0)));
    let mut spoiled = japan;
    spoiled[84 * 232 + 7] ^= 0x01;
    let info = parse("ndd", NDD_LEN, &prefix("ndd", &[(0, spoiled), (9, usa)])).unwrap();
    assert_eq!((info.system.region, info.system.disk_type, info.system_lba), (Region::Usa, 5, Some(9)));
}

#[test]
fn damaged_or_foreign_system_data_is_an_error() {
    let no_system = Err(DiskError::NoSystemData { format: DiskFormat::Ndd });
    // All zero: development magic in retail LBAs does not count, and no dev copy has format 0x10.
    assert_eq!(parse("ndd", NDD_LEN, &prefix("ndd", &[])), no_system);
    // Every copy damaged in its last sector.
    let mut spoiled = System::new(JAPAN, 3).block();
    spoiled[84 * 232] ^= 0xFF;
    let blocks: Vec<_> = [0, 1, 8, 9].map(|l| (l, spoiled.clone())).into();
    assert_eq!(parse("ndd", NDD_LEN, &prefix("ndd", &blocks)), no_system);
    // A wrong region magic, and retail magics in development LBAs.
    let wrong = System { magic: [0x12, 0x34, 0x56, 0x78], ..System::new(JAPAN, 3) }.block();
    let blocks: Vec<_> = [0, 1, 8, 9].map(|l| (l, wrong.clone())).into();
    assert_eq!(parse("ndd", NDD_LEN, &prefix("ndd", &blocks)), no_system);
    let blocks: Vec<_> = [2, 3, 10, 11].map(|l| (l, System::new(JAPAN, 3).block())).into();
    assert_eq!(parse("ndd", NDD_LEN, &prefix("ndd", &blocks)), no_system);
    // Disk type 7, a format byte of 0x00, a load address outside RDRAM.
    for system in [
        System { type_byte: 0x17, ..System::new(JAPAN, 0) },
        System { format_type: 0, ..System::new(JAPAN, 0) },
        System { load_address: 0x8080_0000, ..System::new(JAPAN, 0) },
    ] {
        assert_eq!(parse("ndd", NDD_LEN, &prefix("ndd", &[(0, system.block())])), no_system);
    }
}

#[test]
fn d64_sizes_add_up_from_the_header() {
    let id = disk_id(b"DMPJ", 0, DEC_1999, b"01");
    // One ROM block (LBA 24, zone 0: 0x4D08 bytes) after the header: ares' smallest .d64.
    let header = d64_header(0, 0, None, &id);
    let info = parse("d64", 0x4F08, &header).unwrap();
    assert_eq!((info.format, info.system.region, info.system.format_type), (DiskFormat::D64, Region::Development, 0));
    assert_eq!((info.system_lba, info.disk_id_lba, info.disk_id.unwrap().game_code()), (None, None, Some("DMPJ")));
    // Plus one RAM block at the type-0 RAM start, LBA 0x5A2 = 1442 (word 1418): its logical
    // zone 5 is physical zone 3, 16320-byte blocks: 0x200 + 0x4D08 + 0x3FC0 = 0x8EC8.
    let header = d64_header(0, 0, Some((1418, 1418)), &id);
    assert_eq!(parse("d64", 0x8EC8, &header).unwrap().system.disk_type, 0);
    assert_eq!(parse("d64", 0x8ECA, &header), Err(DiskError::D64Size { expected: 0x8EC8, found: 0x8ECA }));
}

#[test]
fn hostile_d64_headers() {
    let id = disk_id(b"DMPJ", 0, DEC_1999, b"01");
    let good = d64_header(0, 0, None, &id);
    let with = |offset: usize, value: u8| {
        let mut header = good.clone();
        header[offset] = value;
        parse("d64", 0x4F08, &header)
    };
    // Bytes that must be zero, and each range rule of the header.
    assert_eq!(with(0x00, 0x80), Err(DiskError::NotD64Header { offset: 0, value: 0x80 }));
    assert_eq!(with(0x150, 1), Err(DiskError::NotD64Header { offset: 0x150, value: 1 }));
    assert_eq!(with(0x05, 7), Err(DiskError::NotD64Header { offset: 5, value: 7 }));
    assert_eq!(with(0x1C, 0x00), Err(DiskError::NotD64Header { offset: 0x1C, value: 0 }));
    assert_eq!(with(0xE0, 0x11), Err(DiskError::NotD64Header { offset: 0xE0, value: 0x11 }));
    // ROM area past LBA 4315: 24 + 0x10FF = 4375.
    let mut header = good.clone();
    header[0xE0..0xE2].copy_from_slice(&[0x10, 0xFF]);
    assert_eq!(parse("d64", 0x4F08, &header), Err(DiskError::D64Ranges(D64Range::RomEnd { end: 4375 })));
    // Half a RAM range; a RAM range inside the ROM area.
    let half = d64_header(0, 0, Some((1418, 0xFFFF)), &id);
    assert_eq!(parse("d64", 0x4F08, &half), Err(DiskError::D64Ranges(D64Range::RamHalf)));
    let overlap = d64_header(0, 10, Some((5, 20)), &id);
    assert_eq!(parse("d64", 0x4F08, &overlap), Err(DiskError::D64Ranges(D64Range::Ram { start: 29, end: 44 })));
    // Random headers, with the rules' bytes random and the rest zero: answers, never panics.
    let mut rng = Rng(64);
    for _ in 0..20_000 {
        let mut header = vec![0u8; 0x200];
        for offset in [5, 6, 7, 0x1C, 0x1D, 0x1E, 0x1F, 0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5] {
            header[offset] = rng.bytes(1)[0];
        }
        let size = 0x4F08 + rng.below(0x03D7_9140 - 0x4F08);
        let _ = parse("d64", size, &header).map_err(|e| e.to_string());
    }
}

#[test]
fn sizes_that_are_no_disk() {
    for size in [0, 0x4F07, 0x03D7_9140, NDD_LEN - 1, NDD_LEN + 1, MAME_LEN + 4, 0x0400_0000] {
        assert_eq!(DiskLayout::from_len(size), None, "{size:#x}");
        assert_eq!(probe(&[0; 0x200], size), Ok(None));
    }
    // A cartridge ROM's first bytes at a .d64-possible size: not a disk.
    let rom = [0x80, 0x37, 0x12, 0x40].repeat(0x400);
    assert_eq!(probe(&rom, 0x80_0000), Ok(None));
    // Too few bytes for the layout: an error naming what is needed.
    let layout = DiskLayout::from_len(MAME_LEN).unwrap();
    assert_eq!(DiskInfo::parse(layout, &[0; 100]), Err(DiskError::TooShort { expected: 16 * 0x4D08, found: 100 }));
}

#[test]
fn disk_id_fields_and_dates() {
    let mut id = disk_id(b"DMPJ", 3, [0x00, 0x19, 0x99, 0x13, 0x01, 0x00, 0x00, 0x00], b"\x00\x01");
    id[5] = 2;
    let info = parse("ndd", NDD_LEN, &whole_system_area("ndd", &System::new(JAPAN, 0), &id)).unwrap();
    let id = info.disk_id.unwrap();
    assert_eq!((id.version(), id.disk_number()), (3, 2));
    assert_eq!(id.production_time(), None, "month 13");
    assert_eq!(id.company_code(), None, "not printable");
    // A disk ID copy whose sectors differ is skipped for the other one.
    let mut damaged = id_block(&disk_id(b"AAAA", 0, DEC_1999, b"01"));
    damaged[232 * 40] = b'B';
    let blocks =
        [(0, System::new(JAPAN, 0).block()), (14, damaged), (15, id_block(&disk_id(b"CCCC", 0, DEC_1999, b"01")))];
    let info = parse("ndd", NDD_LEN, &prefix("ndd", &blocks)).unwrap();
    assert_eq!((info.disk_id_lba, info.disk_id.unwrap().game_code()), (Some(15), Some("CCCC")));
}

/// The MAME size is the sum over both heads of every zone's tracks × 2 blocks × block size,
/// from the published tracks per zone (158, 158, 149 × 5, 114) and block sizes.
#[test]
fn mame_size_from_tracks_per_zone() {
    let tracks = [158u64, 158, 149, 149, 149, 149, 149, 114];
    let sizes = [19720u64, 18360, 17680, 16320, 14960, 13600, 12240, 10880, 9520];
    let head0: u64 = (0..8).map(|z| tracks[z] * 2 * sizes[z]).sum();
    let head1: u64 = (0..8).map(|z| tracks[z] * 2 * sizes[z + 1]).sum();
    assert_eq!(head0 + head1, MAME_LEN);
    assert_eq!(DiskLayout::from_len(head0 + head1).map(|l| l.format()), Some(DiskFormat::Mame));
}
