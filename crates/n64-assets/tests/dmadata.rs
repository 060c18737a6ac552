//! Zelda 64 file tables built in the test from the published layout (entries of four big-endian
//! words; entry 0 makerom, entry 2 the table itself), with Yaz0 files made by crunch64.

#![allow(clippy::cast_possible_truncation, reason = "test images are far below 4 GiB")]

use n64_assets::container::dmadata::{
    self, BuildInfo, Compression, DmaEntry, DmaTable, Error, FileKind, find_build_strings, find_dmadata,
};
use n64_testkit::Rng;
use proptest::prelude::*;

/// A file of the synthetic game.
enum File {
    Plain(Vec<u8>),
    Yaz0(Vec<u8>),
    Absent(u32),
}

/// What the builder wrote: the table's offset and the four words of each entry.
struct Built {
    rom: Vec<u8>,
    table: usize,
    words: Vec<[u32; 4]>,
    data: Vec<Option<Vec<u8>>>,
}

/// The build string block as in Majora's Mask (USA): the builder, NUL-padded to 16 bytes, the
/// date, NUL-padded to 0x30 bytes.
fn build_block() -> Vec<u8> {
    let mut block = b"zelda@srd44".to_vec();
    block.resize(16, 0);
    block.extend_from_slice(b"00-07-31 17:04:16");
    block.resize(0x30, 0);
    block
}

/// A retail-like compressed ROM: header and boot code, makerom up to 0x1060, `boot` (with the
/// build string at its end), then the table, then every file packed 16-byte aligned (plain, or
/// Yaz0 from crunch64), and `empties` all-zero slots at the end of the table.
fn build(files: Vec<File>, empties: usize, with_build_string: bool) -> Built {
    let mut rng = Rng(64);
    let mut rom = rng.bytes(0x1060);
    rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
    let mut boot = rng.bytes(0x2000);
    if with_build_string {
        let at = boot.len() - 0x30;
        boot[at..].copy_from_slice(&build_block());
    }
    rom.extend_from_slice(&boot);
    let table = rom.len();
    let count = 3 + files.len() + empties;
    let size = count as u32 * 16;
    let mut words = vec![[0, 0x1060, 0, 0], [0x1060, 0x3060, 0x1060, 0], [0x3060, 0x3060 + size, table as u32, 0]];
    rom.resize(table + size as usize, 0);
    let mut data = vec![None, Some(boot), None];
    let mut vrom = 0x3060 + size;
    for file in files {
        let start = rom.len() as u32;
        let (entry, original) = match file {
            File::Plain(bytes) => {
                rom.extend_from_slice(&bytes);
                ([vrom, vrom + bytes.len() as u32, start, 0], bytes)
            }
            File::Yaz0(bytes) => {
                rom.extend_from_slice(&crunch64::yaz0::compress(&bytes).unwrap());
                ([vrom, vrom + bytes.len() as u32, start, rom.len() as u32], bytes)
            }
            File::Absent(len) => ([vrom, vrom + len, u32::MAX, u32::MAX], vec![]),
        };
        rom.resize(rom.len().next_multiple_of(16), 0);
        vrom = entry[1].next_multiple_of(16);
        words.push(entry);
        data.push(Some(original));
    }
    words.extend(std::iter::repeat_n([0; 4], empties));
    data.extend(std::iter::repeat_n(None, empties));
    for (i, entry) in words.iter().enumerate() {
        for (j, word) in entry.iter().enumerate() {
            let at = table + i * 16 + j * 4;
            rom[at..at + 4].copy_from_slice(&word.to_be_bytes());
        }
    }
    Built { rom, table, words, data }
}

fn game() -> Built {
    let mut rng = Rng(0x2E1DA);
    let text = b"Link! Wake up! The Great Deku Tree wants to talk to you! ".repeat(40);
    let files = vec![
        File::Yaz0(text.clone()),
        File::Plain(rng.bytes(0x321)),
        File::Absent(0x800),
        File::Yaz0(vec![0; 0x4000]),
        File::Plain(vec![]),
        File::Yaz0(rng.bytes(0x100)),
    ];
    build(files, 2, true)
}

fn words(entry: &DmaEntry) -> [u32; 4] {
    [entry.vrom_start, entry.vrom_end, entry.rom_start, entry.rom_end]
}

#[test]
fn a_synthetic_game_has_its_table_found_and_classified() {
    use FileKind::{Absent, Compressed, Empty, Plain};
    let built = game();
    let table = find_dmadata(&built.rom).expect("the table");
    assert_eq!(table.offset, built.table);
    assert_eq!(table.entries.iter().map(words).collect::<Vec<_>>(), built.words);
    let kinds: Vec<FileKind> = table.entries.iter().map(|e| e.kind).collect();
    let yaz0 = Compressed(Compression::Yaz0);
    assert_eq!(kinds, [Plain, Plain, Plain, yaz0, Plain, Absent, yaz0, Plain, yaz0, Empty, Empty]);
    assert_eq!(table.entries.iter().map(|e| e.index).collect::<Vec<_>>(), (0..11).collect::<Vec<_>>());
    let info = table.build.expect("the build string before the table");
    assert_eq!(
        info,
        BuildInfo { offset: built.table - 0x30, builder: "zelda@srd44".into(), date: Some("00-07-31 17:04:16".into()) }
    );
    // Every stored file's bytes are where the entry says: plain ones equal, Yaz0 ones decompress
    // (by crunch64) to the original.
    for (entry, original) in table.entries.iter().zip(&built.data) {
        let Some(range) = entry.rom_range() else {
            assert!(matches!(entry.kind, Absent | Empty));
            continue;
        };
        let stored = &built.rom[range];
        match entry.kind {
            Plain if entry.index == 0 => assert_eq!(stored, &built.rom[..0x1060]),
            Plain if entry.index == 2 => assert_eq!(stored.len(), 11 * 16),
            Plain => assert_eq!(Some(stored), original.as_deref()),
            Compressed(_) => {
                let decoded = crunch64::yaz0::decompress(stored).unwrap();
                assert_eq!(Some(&decoded[..]), original.as_deref());
                assert_eq!(decoded.len(), entry.vrom_size() as usize);
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn a_decompressed_rom_is_all_plain() {
    // As z64decompress leaves it: every file at its VROM address, ROM end 0.
    let built = game();
    let table = find_dmadata(&built.rom).unwrap();
    let mut rom = vec![0u8; 0x20_0000];
    rom[..0x1060].copy_from_slice(&built.rom[..0x1060]);
    let dest = table.entries[2].vrom_start as usize;
    for entry in &table.entries {
        let mut w = words(entry);
        if matches!(entry.kind, FileKind::Compressed(_) | FileKind::Plain) {
            w[2] = w[0];
            w[3] = 0;
        }
        let at = dest + entry.index * 16;
        for (j, word) in w.iter().enumerate() {
            rom[at + j * 4..at + j * 4 + 4].copy_from_slice(&word.to_be_bytes());
        }
    }
    let again = find_dmadata(&rom).expect("the table");
    assert_eq!((again.offset, again.build.clone(), again.entries.len()), (dest, None, 11));
    assert!(again.entries.iter().all(|e| matches!(e.kind, FileKind::Plain | FileKind::Absent | FileKind::Empty)));
    assert_eq!(
        again.entries[3].rom_range(),
        Some(again.entries[3].vrom_start as usize..again.entries[3].vrom_end as usize)
    );
}

#[test]
fn a_compressed_file_without_yaz0_magic_is_unknown() {
    let mut built = game();
    let start = built.words[3][2] as usize;
    built.rom[start..start + 4].copy_from_slice(b"LZO\0");
    let table = find_dmadata(&built.rom).unwrap();
    assert_eq!(table.entries[3].kind, FileKind::Compressed(Compression::Unknown));
}

/// The game's ROM with one word of entry `index` replaced.
fn with_word(index: usize, field: usize, value: u32) -> (Vec<u8>, usize) {
    let mut built = game();
    let at = built.table + index * 16 + field * 4;
    built.rom[at..at + 4].copy_from_slice(&value.to_be_bytes());
    (built.rom, built.table)
}

#[test]
fn tables_that_do_not_validate_are_not_found() {
    type Case = ((usize, usize, u32), fn(&Error) -> bool);
    let cases: Vec<Case> = vec![
        ((0, 1, 0x1070), |e| matches!(e, Error::NoTable { index: 0, .. })),
        ((1, 0, 0x1000), |e| matches!(e, Error::NoTable { index: 1, .. })),
        ((2, 2, 0x1234), |e| matches!(e, Error::NotSelf { .. })),
        ((2, 3, 0x8000), |e| matches!(e, Error::NotSelf { .. })),
        ((2, 1, 0x3060 + 0xB0 + 8), |e| matches!(e, Error::NotSelf { .. })),
        ((2, 1, 0x3060 + 0x20), |e| matches!(e, Error::NotSelf { .. })),
        ((2, 1, 0x3050), |e| matches!(e, Error::NotSelf { .. })),
        ((2, 1, 0x3060 + 0x1000_0000), |e| matches!(e, Error::Truncated { what: "the table", .. })),
        ((4, 1, 0x10), |e| matches!(e, Error::BadVromRange { index: 4, .. })),
        ((4, 2, 0x0100_0000), |e| matches!(e, Error::BadRomRange { index: 4, .. })),
        ((3, 3, 0x0100_0000), |e| matches!(e, Error::BadRomRange { index: 3, .. })),
        ((3, 3, 1), |e| matches!(e, Error::BadRomRange { index: 3, .. })),
        ((5, 2, 0), |e| matches!(e, Error::BadRomRange { index: 5, .. })),
    ];
    for ((index, field, value), expected) in cases {
        let (rom, table) = with_word(index, field, value);
        let err = DmaTable::parse(&rom, table).unwrap_err();
        assert!(expected(&err), "entry {index} word {field} = {value:#x}: {err}");
        assert_eq!(find_dmadata(&rom), None, "entry {index} word {field} = {value:#x}");
    }
    // Too short for three entries, at any cut.
    let built = game();
    for cut in built.table..built.table + 48 {
        let err = DmaTable::parse(&built.rom[..cut], built.table).unwrap_err();
        assert!(matches!(err, Error::Truncated { what: "the first three entries", .. }));
    }
}

#[test]
fn a_decoy_before_the_table_is_passed_over() {
    let mut built = game();
    // A copy of entry 0 and entry 1's start inside boot, just before the table (it overwrites the
    // build string's start, so both candidates are tried in image order, the decoy first).
    let decoy = built.table - 0x40;
    for (i, word) in [0u32, 0x1060, 0, 0, 0x1060].iter().enumerate() {
        built.rom[decoy + i * 4..decoy + i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    assert_eq!(find_dmadata(&built.rom).map(|t| t.offset), Some(built.table));
}

#[test]
fn build_strings_alone_are_not_tables() {
    let mut rom = vec![0u8; 0x4000];
    rom[0x1000..0x1030].copy_from_slice(&build_block());
    assert_eq!(find_build_strings(&rom).len(), 1);
    assert_eq!(find_dmadata(&rom), None);
    // And a table without one is still found, without build information.
    let mut built = game();
    let b = built.table - 0x30;
    built.rom[b..b + 6].copy_from_slice(b"ZELDA@");
    let table = find_dmadata(&built.rom).unwrap();
    assert_eq!((table.offset, table.build), (built.table, None));
}

#[test]
fn random_roms_have_no_table() {
    let mut rng = Rng(0xD3A);
    for _ in 0..20 {
        let mut rom = rng.bytes(0x2_0000);
        for _ in 0..10 {
            let at = (rng.below(0x2_0000 - 0x40) as usize) & !3;
            rom[at..at + 20].copy_from_slice(&[0, 0, 0, 0, 0, 0, 0x10, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x60]);
            rom[at + 0x20..at + 0x26].copy_from_slice(b"zelda@");
        }
        assert_eq!(find_dmadata(&rom), None);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any words after entry 0 and entry 1's start: never a panic, and a table found keeps every
    /// range inside the image.
    #[test]
    fn any_entries_after_the_first(words in prop::collection::vec(0u32..0x400, 0..40), tail in 0usize..0x400) {
        let mut rom = vec![0u8; 0x40];
        for w in [0u32, 0x1060, 0, 0, 0x1060] {
            rom.extend_from_slice(&w.to_be_bytes());
        }
        for w in words {
            rom.extend_from_slice(&w.to_be_bytes());
        }
        rom.resize(rom.len() + tail, 0xEE);
        if let Some(table) = find_dmadata(&rom) {
            prop_assert!(table.offset + table.entries.len() * dmadata::ENTRY_LEN <= rom.len());
            for e in &table.entries {
                if let Some(r) = e.rom_range() {
                    prop_assert!(r.start <= r.end && r.end <= rom.len());
                }
            }
        }
    }
}
