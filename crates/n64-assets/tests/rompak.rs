//! rompak TOCs laid out as libdragon's `n64tool --toc` writes them, at the offsets real ROMs
//! have them, and bytes that only look like one.

#![allow(clippy::cast_possible_truncation, reason = "test images are far below 4 GiB")]

mod libdragon;

use libdragon::{RomFile, n64tool, put32, write_toc};
use n64_assets::container::rompak::{Error, Toc, find_tocs};
use n64_testkit::Rng;
use proptest::prelude::*;

#[test]
fn a_rom_made_like_n64tool_has_its_toc_found() {
    let (elf, sym, dfs) = (vec![1u8; 0x1_2345], vec![2u8; 0x321], vec![3u8; 0x1000]);
    let files = [
        RomFile { name: "build/game.elf.stripped", align: 256, data: &elf },
        RomFile { name: "game.sym", align: 8, data: &sym },
        RomFile { name: "game.dfs", align: 16, data: &dfs },
    ];
    let (rom, toc, offsets) = n64tool(&files);
    assert_eq!(toc, 0x1000);
    let tocs = find_tocs(&rom);
    assert_eq!(tocs.len(), 1);
    let found = &tocs[0];
    assert_eq!((found.offset, found.toc_size, found.entry_size), (0x1000, 1024, 64));
    let entries: Vec<(&str, usize)> = found.entries.iter().map(|e| (e.name.as_str(), e.offset as usize)).collect();
    // n64tool keeps the base name of each file.
    assert_eq!(entries, [("game.elf.stripped", offsets[0]), ("game.sym", offsets[1]), ("game.dfs", offsets[2])]);
    assert_eq!(found.find_ext(".dfs").map(|e| e.offset as usize), Some(offsets[2]));
    assert_eq!(found.find_ext(".sym").map(|e| e.name.as_str()), Some("game.sym"));
    assert_eq!(found.find_ext(".wav"), None);
    // Extents run to the next file, the last to the end of the (padded) ROM.
    assert_eq!(found.extent(0, &rom), Some(offsets[0]..offsets[1]));
    assert_eq!(found.extent(2, &rom), Some(offsets[2]..rom.len()));
    assert_eq!(found.extent(3, &rom), None);
    assert_eq!(&rom[offsets[1]..offsets[1] + sym.len()], &sym[..]);
}

#[test]
fn tocs_far_from_0x1000_and_off_16_byte_boundaries_are_found() {
    // Offsets like those seen in real ROMs, and odd ones.
    for toc in [0x8_BF48, 0x2_6538, 0x3_DDD0, 0x2_6533, 0x1_0001, 0x9_FFF9] {
        let mut rom = vec![0u8; 0xA_0400];
        write_toc(&mut rom, toc, [("a.elf", 0x1000), ("a.dfs", 0x5_0001)].into_iter());
        let tocs = find_tocs(&rom);
        assert_eq!(tocs.iter().map(|t| t.offset).collect::<Vec<_>>(), [toc]);
        assert_eq!(tocs[0].entries[1].offset, 0x5_0001);
    }
}

#[test]
fn a_toc_with_fifteen_entries_and_long_names() {
    let long = "n".repeat(80);
    let mut rom = vec![0u8; 0x4000];
    let names: Vec<String> = (0..15).map(|i| format!("{i:02}{long}")).collect();
    write_toc(&mut rom, 0x1010, names.iter().map(String::as_str).zip((0..15).map(|i| 0x2000 + i * 4)));
    let toc = Toc::parse(&rom, 0x1010).unwrap();
    assert_eq!(toc.entries.len(), 15);
    assert!(toc.entries.iter().zip(&names).all(|(e, n)| e.name == n[..59]));
}

#[test]
fn broken_tocs_are_not_tocs() {
    let mut rom = vec![0u8; 0x2000];
    write_toc(&mut rom, 0x1000, [("game.elf", 0x1400), ("game.dfs", 0x1800)].into_iter());
    assert!(Toc::parse(&rom, 0x1000).is_ok());
    let edit = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut r = rom.clone();
        f(&mut r);
        Toc::parse(&r, 0x1000)
    };
    // An offset past the end, a name without NUL, an empty name, a control character.
    let past = edit(&|r| put32(r, 0x1050, 0x2001));
    assert_eq!(past, Err(Error::OffsetPastEnd { toc: 0x1000, index: 1, offset: 0x2001, len: 0x2000 }));
    assert!(edit(&|r| put32(r, 0x1050, 0x2000)).is_ok(), "an empty last file ends at the image end");
    let no_nul = edit(&|r| r[0x1054..0x1090].fill(b'x'));
    assert!(matches!(no_nul, Err(Error::BadName { index: 1, at: 0x1050, .. })));
    assert!(matches!(edit(&|r| r[0x1014] = 0), Err(Error::BadName { index: 0, why: "empty", .. })));
    assert!(matches!(edit(&|r| r[0x1015] = 0x7F), Err(Error::BadName { index: 0, .. })));
    // Header fields: a byte-swapped count, an entry size over the runtime's limit, no entries.
    assert!(matches!(edit(&|r| put32(r, 0x100C, 0x0200_0000)), Err(Error::BadHeader { field: "num_entries", .. })));
    assert!(matches!(edit(&|r| put32(r, 0x1008, 0x4000_0000)), Err(Error::BadHeader { field: "entry_size", .. })));
    assert!(matches!(edit(&|r| put32(r, 0x100C, 0)), Err(Error::BadHeader { field: "num_entries", .. })));
    assert!(matches!(edit(&|r| put32(r, 0x1004, 16)), Err(Error::BadHeader { field: "toc_size", .. })));
    assert_eq!(Toc::parse(&rom, 0x1001), Err(Error::BadMagic { toc: 0x1001 }));
    // Every truncation of the table is an error, never a panic.
    for len in 0x1000..0x1090 {
        assert!(matches!(Toc::parse(&rom[..len], 0x1000), Err(Error::Truncated { .. })), "{len:#x}");
        assert!(find_tocs(&rom[..len]).is_empty());
    }
    // Whole, but the files it names are cut off; then just long enough.
    assert_eq!(find_tocs(&rom[..0x1090]), []);
    assert_eq!(find_tocs(&rom[..0x1800]).len(), 1);
}

#[test]
fn the_magic_in_random_data_is_not_a_toc() {
    let mut rng = Rng(0x70C0);
    for _ in 0..50 {
        let mut rom = rng.bytes(0x1_0000);
        for _ in 0..20 {
            let at = rng.below(0x1_0000 - 4) as usize;
            rom[at..at + 4].copy_from_slice(b"TOC0");
        }
        assert_eq!(find_tocs(&rom), []);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_after_the_magic(mut bytes in prop::collection::vec(any::<u8>(), 0..1200), size in 0u32..200, count in 0u32..20) {
        let mut rom = b"TOC0".to_vec();
        rom.extend_from_slice(&1024u32.to_be_bytes());
        rom.extend_from_slice(&size.to_be_bytes());
        rom.extend_from_slice(&count.to_be_bytes());
        rom.append(&mut bytes);
        for toc in find_tocs(&rom) {
            for (i, entry) in toc.entries.iter().enumerate() {
                prop_assert!(entry.offset as usize <= rom.len());
                prop_assert!(!entry.name.is_empty() && entry.name.len() + 4 < toc.entry_size as usize);
                let extent = toc.extent(i, &rom).unwrap();
                prop_assert!(extent.end <= rom.len());
            }
        }
    }
}
