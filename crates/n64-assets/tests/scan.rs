//! The scanner on whole images built in the test: crunch64 blocks at random offsets in random
//! bytes (their offsets and contents known from the building, their decoding from crunch64),
//! ROMs laid out as libdragon's `n64tool` and `mkdfs` lay them out, a synthetic Zelda file
//! table, and hostile images.

#![allow(clippy::cast_possible_truncation, reason = "test images are far below 4 GiB")]

mod common;
mod libdragon;

#[path = "../../../fuzz/src/scan_targets.rs"]
#[allow(unreachable_pub, dead_code, clippy::pedantic)]
mod targets;

use std::collections::BTreeMap;

use libdragon::{Node, RomFile, dca3_lz4, mkdfs, n64tool, put32};
use n64_assets::codec::{Codec, Limits, decode};
use n64_assets::container::dca;
use n64_assets::scan::{AssetKind, ContainerKind, Encoding, Scan, ScanOptions, Warning, scan};
use n64_testkit::Rng;
use proptest::prelude::*;

fn scan_default(image: &[u8]) -> Scan {
    let found = scan(image, &ScanOptions::default());
    targets::scan(image);
    found
}

/// A block placed by [`embed`]: its codec, stored length and original bytes.
type Placed = (Codec, usize, Vec<u8>);

/// Places crunch64 blocks of `originals` (each with its codec) at random offsets of `len` random
/// bytes, without overlaps; returns the image and, by offset, the block's codec, stored length and
/// original bytes.
fn embed(len: usize, originals: &[(Codec, Vec<u8>)], seed: u64) -> (Vec<u8>, BTreeMap<usize, Placed>) {
    let mut rng = Rng(seed);
    let mut image = rng.bytes(len);
    let mut placed: BTreeMap<usize, Placed> = BTreeMap::new();
    for (codec, original) in originals {
        let block = common::compress(*codec, original);
        loop {
            let at = common::below(&mut rng, len - block.len());
            let clear = placed.iter().all(|(&o, (_, l, _))| at + block.len() <= o || o + l <= at);
            if clear {
                image[at..at + block.len()].copy_from_slice(&block);
                placed.insert(at, (*codec, block.len(), original.clone()));
                break;
            }
        }
    }
    (image, placed)
}

/// `n` inputs of mixed kinds and sizes, each with a codec in turn.
fn originals(n: usize, seed: u64) -> Vec<(Codec, Vec<u8>)> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|i| {
            let len = 1 + common::below(&mut rng, 6000);
            let data = match i % 3 {
                0 => common::rom_like(len, seed + i as u64),
                1 => common::repetitive(len, seed + i as u64),
                _ => b"the quick brown fox ".iter().copied().cycle().take(len).collect(),
            };
            (Codec::ALL[i % 3], data)
        })
        .collect()
}

#[test]
fn crunch64_blocks_in_random_bytes_are_all_found_and_nothing_else() {
    for seed in 0..4 {
        let (image, placed) = embed(1 << 20, &originals(60, seed), seed);
        let found = scan_default(&image);
        assert!(found.warnings.is_empty(), "{:?}", found.warnings);
        let reported: Vec<(usize, AssetKind, usize, Option<u64>)> =
            found.assets.iter().map(|a| (a.offset, a.kind, a.size, a.decompressed_size)).collect();
        let expected: Vec<(usize, AssetKind, usize, Option<u64>)> = placed
            .iter()
            .map(|(&at, (codec, len, original))| (at, AssetKind::of_block(*codec), *len, Some(original.len() as u64)))
            .collect();
        assert_eq!(reported, expected, "seed {seed}");
        for asset in &found.assets {
            let (codec, _, original) = &placed[&asset.offset];
            assert_eq!(asset.encoding, Encoding::Block(*codec));
            assert_eq!((asset.path.as_deref(), asset.container, asset.dma), (None, None, None));
            // Decoding the reported bytes gives the original (and crunch64 agrees).
            let bytes = &image[asset.range()];
            assert_eq!(&decode(*codec, bytes, &Limits::default()).unwrap().data, original);
            assert_eq!(&common::crunch64_decompress(*codec, bytes), original);
        }
        assert_eq!(found.stats.blocks, placed.len());
    }
}

#[test]
fn magics_in_random_bytes_are_not_blocks() {
    let mut rng = Rng(99);
    let mut image = rng.bytes(4 << 20);
    // A magic every ~4 KiB, followed by random bytes; every tenth also with a plausible header (a
    // small size, zero reserved bytes, Yay0/MIO0 offsets in order).
    let mut at = 0;
    let mut planted = 0;
    while at + 64 < image.len() {
        let codec = Codec::ALL[planted % 3];
        image[at..at + 4].copy_from_slice(&codec.magic());
        if planted % 10 == 0 {
            put32(&mut image, at + 4, 0x40 + (planted as u32 % 0x100));
            if codec == Codec::Yaz0 {
                image[at + 8..at + 16].fill(0);
            } else {
                put32(&mut image, at + 8, 0x14);
                put32(&mut image, at + 12, 0x20);
            }
        }
        planted += 1;
        at += 16 + common::below(&mut rng, 8192);
    }
    let found = scan_default(&image);
    assert!(found.assets.is_empty(), "{:?}", &found.assets[..found.assets.len().min(5)]);
    assert!(found.stats.candidates >= planted, "{} candidates, {planted} planted", found.stats.candidates);
    assert!(found.stats.decoded > 0, "some headers passed and were decoded");
    assert!(found.warnings.is_empty());
}

#[test]
fn a_block_inside_another_is_not_tried_but_one_after_it_is() {
    // A Yaz0 block whose decoded data is stored as literals, so its stream holds a MIO0 block's
    // bytes; then a MIO0 block right after it.
    let inner = common::compress(Codec::Mio0, b"inner inner inner inner");
    let mut plain = vec![0u8; 0x40];
    plain.extend_from_slice(&inner);
    let outer = common::compress(Codec::Yaz0, &plain);
    let mut image = outer.clone();
    image.extend_from_slice(&inner);
    image.extend_from_slice(&[0xEE; 32]);
    let found = scan_default(&image);
    let kinds: Vec<_> = found.assets.iter().map(|a| (a.kind, a.offset)).collect();
    assert_eq!(kinds, [(AssetKind::Yaz0, 0), (AssetKind::Mio0, outer.len())]);
    assert!(found.stats.candidates >= 3, "the inner magic was seen");
}

#[test]
fn a_truncated_block_at_the_end_is_not_reported() {
    let block = common::compress(Codec::Yay0, &common::rom_like(3000, 5));
    let mut image = Rng(3).bytes(0x1000);
    image.extend_from_slice(&block[..block.len() - 1]);
    assert!(scan_default(&image).assets.is_empty());
    image.push(*block.last().unwrap());
    assert_eq!(scan_default(&image).assets.len(), 1);
}

/// A libdragon-style ROM: the TOC, a DragonFS image with nested directories, an LZ4 compressed
/// asset, a Yaz0 file and a file holding a MIO0 block after 16 bytes of its own, then a loose
/// Yay0 file named by the TOC.
struct Homebrew {
    rom: Vec<u8>,
    toc: usize,
    offsets: Vec<usize>,
    text: Vec<u8>,
    level: Vec<u8>,
    mio0_in_file: Vec<u8>,
    yay0: Vec<u8>,
}

fn homebrew() -> Homebrew {
    let text = b"It's dangerous to go alone! Take this. ".repeat(30);
    let level = common::repetitive(5000, 8);
    let mio0_in_file = common::compress(Codec::Mio0, &text[..200]);
    let mut archive = b"ARCHIVE HEADER..".to_vec();
    archive.extend_from_slice(&mio0_in_file);
    let tree = vec![
        Node::File("readme.txt", b"hello".to_vec()),
        Node::Dir(
            "data",
            vec![
                Node::File("text.dca", dca3_lz4(&lz4_flex::block::compress(&text), text.len())),
                Node::Dir("levels", vec![Node::File("1.yaz0", common::compress(Codec::Yaz0, &level))]),
                Node::File("archive.bin", archive),
            ],
        ),
    ];
    let (dfs, _) = mkdfs(&tree, false);
    let yay0 = common::compress(Codec::Yay0, &common::rom_like(2000, 1));
    let files =
        [RomFile { name: "game.dfs", align: 16, data: &dfs }, RomFile { name: "music.yay0", align: 2, data: &yay0 }];
    let (rom, toc, offsets) = n64tool(&files);
    Homebrew { rom, toc, offsets, text, level, mio0_in_file, yay0 }
}

#[test]
fn a_libdragon_rom_lists_toc_entries_dragonfs_files_and_blocks_once() {
    let h = homebrew();
    let found = scan_default(&h.rom);
    assert!(found.warnings.is_empty(), "{:?}", found.warnings);
    let dfs = h.offsets[0];
    let listed: Vec<(AssetKind, Option<&str>, Option<usize>)> =
        found.assets.iter().map(|a| (a.kind, a.path.as_deref(), a.container)).collect();
    assert_eq!(
        listed,
        [
            (AssetKind::TocEntry, Some("game.dfs"), Some(h.toc)),
            (AssetKind::DfsFile, Some("readme.txt"), Some(dfs)),
            (AssetKind::DfsFile, Some("data/text.dca"), Some(dfs)),
            (AssetKind::DfsFile, Some("data/levels/1.yaz0"), Some(dfs)),
            (AssetKind::DfsFile, Some("data/archive.bin"), Some(dfs)),
            (AssetKind::Mio0, None, None),
            (AssetKind::TocEntry, Some("music.yay0"), Some(h.toc)),
        ]
    );
    let by_path = |path: &str| found.assets.iter().find(|a| a.path.as_deref() == Some(path)).unwrap();
    // The compressed asset: its header, and the size LZ4 gives.
    let text = by_path("data/text.dca");
    let Encoding::Dca(header) = text.encoding else { panic!("{text:?}") };
    assert_eq!((header.version, header.algorithm), (3, dca::Algorithm::Lz4));
    assert_eq!(text.decompressed_size, Some(h.text.len() as u64));
    // The Yaz0 file is one DragonFS file with its codec, not also a loose block.
    let level = by_path("data/levels/1.yaz0");
    assert_eq!((level.encoding, level.decompressed_size), (Encoding::Block(Codec::Yaz0), Some(h.level.len() as u64)));
    // The MIO0 block 16 bytes into archive.bin is loose.
    let archive = by_path("data/archive.bin");
    assert_eq!(archive.encoding, Encoding::Plain);
    let mio0 = found.assets.iter().find(|a| a.kind == AssetKind::Mio0).unwrap();
    assert_eq!((mio0.offset, mio0.size), (archive.offset + 16, h.mio0_in_file.len()));
    // The TOC's Yay0 file: its extent runs to the end of the ROM (n64tool pads), and it starts
    // with the block.
    let music = by_path("music.yay0");
    assert_eq!((music.offset, music.size), (h.offsets[1], h.rom.len() - h.offsets[1]));
    assert_eq!(music.encoding, Encoding::Block(Codec::Yay0));
    assert_eq!(music.decompressed_size, Some(2000));
    assert!(music.size >= h.yay0.len());
    // The containers.
    let containers: Vec<(ContainerKind, usize, usize)> =
        found.containers.iter().map(|c| (c.kind, c.offset, c.files)).collect();
    assert_eq!(containers, [(ContainerKind::Toc, h.toc, 2), (ContainerKind::DragonFs, dfs, 4)]);
    assert_eq!(found.containers[1].directories, ["data", "data/levels"]);
    assert_eq!(found.containers[1].label.as_deref(), Some("game.dfs"));
}

#[test]
fn a_damaged_dragonfs_and_toc_are_warnings() {
    let mut h = homebrew();
    // The root's first entry points at itself: a loop.
    let dfs = h.offsets[0];
    put32(&mut h.rom, dfs + 0x100, 0x100);
    // A second TOC whose entry points past the end.
    let spare = h.rom.len() - 0x200;
    h.rom[spare..spare + 4].copy_from_slice(b"TOC0");
    put32(&mut h.rom, spare + 4, 1024);
    put32(&mut h.rom, spare + 8, 64);
    put32(&mut h.rom, spare + 12, 1);
    put32(&mut h.rom, spare + 16, u32::MAX);
    h.rom[spare + 20] = b'x';
    let found = scan_default(&h.rom);
    let warnings: Vec<String> = found.warnings.iter().map(ToString::to_string).collect();
    assert!(matches!(found.warnings[0], Warning::Toc(_)), "{warnings:?}");
    assert!(warnings[0].contains(&format!("{spare:#x}")), "{warnings:?}");
    assert!(matches!(found.warnings[1], Warning::DragonFs(_)), "{warnings:?}");
    assert!(warnings[1].contains("reached twice"), "{warnings:?}");
    assert_eq!(found.warnings.len(), 2);
    // The TOC entries are still listed, the DragonFS files not.
    assert!(found.assets.iter().all(|a| a.kind != AssetKind::DfsFile));
    assert_eq!(found.assets.iter().filter(|a| a.kind == AssetKind::TocEntry).count(), 2);
}

/// A Zelda-like ROM: makerom, boot with a build string, the table, then a Yaz0 file, a plain
/// file, an absent file, a Yaz0 file whose VROM size is wrong; returns it with the table offset.
fn zelda(wrong_size: bool) -> (Vec<u8>, usize, Vec<Vec<u8>>) {
    let mut rng = Rng(0x2E1DA);
    let mut rom = rng.bytes(0x1060);
    let mut boot = rng.bytes(0x1000);
    let at = boot.len() - 0x30;
    boot[at..at + 11].copy_from_slice(b"zelda@srd44");
    boot[at + 11..at + 16].fill(0);
    boot[at + 16..at + 33].copy_from_slice(b"98-10-21 04:56:31");
    boot[at + 33..].fill(0);
    rom.extend_from_slice(&boot);
    let table = rom.len();
    let files = [common::rom_like(3000, 1), Rng(2).bytes(777), common::repetitive(4000, 3)];
    let count = 3 + 4;
    rom.resize(table + count * 16, 0);
    let mut words =
        vec![[0, 0x1060, 0, 0], [0x1060, 0x2060, 0x1060, 0], [0x2060, 0x2060 + count as u32 * 16, table as u32, 0]];
    let mut vrom = 0x3000;
    for (i, file) in files.iter().enumerate() {
        let start = rom.len() as u32;
        let len = file.len() as u32;
        if i == 1 {
            rom.extend_from_slice(file);
            words.push([vrom, vrom + len, start, 0]);
        } else {
            rom.extend_from_slice(&common::compress(Codec::Yaz0, file));
            let declared = if wrong_size && i == 2 { len + 16 } else { len };
            words.push([vrom, vrom + declared, start, rom.len() as u32]);
        }
        rom.resize(rom.len().next_multiple_of(16), 0);
        vrom += 0x1000;
        if i == 1 {
            words.push([vrom, vrom + 0x100, u32::MAX, u32::MAX]);
            vrom += 0x1000;
        }
    }
    for (i, entry) in words.iter().enumerate() {
        for (j, word) in entry.iter().enumerate() {
            put32(&mut rom, table + i * 16 + j * 4, *word);
        }
    }
    (rom, table, files.to_vec())
}

#[test]
fn a_zelda_table_lists_its_files_with_their_codecs() {
    let (rom, table, files) = zelda(false);
    let found = scan_default(&rom);
    assert!(found.warnings.is_empty(), "{:?}", found.warnings);
    // makerom, boot, the table, Yaz0, plain, (absent: not listed), Yaz0: no loose block.
    let listed: Vec<(usize, bool, Encoding, Option<u64>)> = found
        .assets
        .iter()
        .map(|a| {
            assert_eq!((a.kind, a.container), (AssetKind::DmadataFile, Some(table)));
            let dma = a.dma.unwrap();
            (dma.index, dma.compressed, a.encoding, a.decompressed_size)
        })
        .collect();
    let yaz0 = Encoding::Block(Codec::Yaz0);
    assert_eq!(
        listed,
        [
            (0, false, Encoding::Plain, None),
            (1, false, Encoding::Plain, None),
            (2, false, Encoding::Plain, None),
            (3, true, yaz0, Some(files[0].len() as u64)),
            (4, false, Encoding::Plain, None),
            (6, true, yaz0, Some(files[2].len() as u64)),
        ]
    );
    assert_eq!(found.assets[2].offset, table);
    assert_eq!(found.containers.len(), 1);
    assert_eq!(found.containers[0].label.as_deref(), Some("zelda@srd44 98-10-21 04:56:31"));
    assert_eq!(found.containers[0].files, 6);
}

#[test]
fn a_zelda_file_of_the_wrong_size_is_a_warning() {
    let (rom, _, files) = zelda(true);
    let found = scan_default(&rom);
    let [Warning::DmaSize { index: 6, decoded, expected, .. }] = found.warnings.as_slice() else {
        panic!("{:?}", found.warnings)
    };
    assert_eq!((*decoded, *expected), (files[2].len() as u64, files[2].len() as u64 + 16));
}

#[test]
fn a_zelda_file_that_does_not_decode_is_a_warning_and_unknown() {
    let (mut rom, table, _) = zelda(false);
    // Entry 3's block declares 16 MiB, over the 8 MiB limit.
    let start = u32::from_be_bytes(rom[table + 0x38..table + 0x3C].try_into().unwrap()) as usize;
    rom[start + 4..start + 8].copy_from_slice(&0x00FF_FFFFu32.to_be_bytes());
    let found = scan_default(&rom);
    let asset = found.assets.iter().find(|a| a.dma.is_some_and(|d| d.index == 3)).unwrap();
    assert_eq!((asset.encoding, asset.decompressed_size), (Encoding::Unknown, None));
    assert!(matches!(found.warnings.as_slice(), [Warning::DmaBlock { index: 3, .. }]), "{:?}", found.warnings);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random images with a few blocks and damaged copies of them: the fuzz target's invariants.
    #[test]
    fn invariants_on_images_with_damaged_blocks(seed in any::<u64>(), damage in prop::collection::vec((any::<u16>(), any::<u8>()), 0..40)) {
        let (mut image, _) = embed(0x4000, &originals(4, seed), seed);
        for (at, byte) in damage {
            let at = usize::from(at) % image.len();
            image[at] = byte;
        }
        targets::scan(&image);
    }
}

#[test]
fn every_prefix_of_a_homebrew_rom_scans_cleanly() {
    let h = homebrew();
    for len in (0..h.rom.len()).step_by(997) {
        targets::scan(&h.rom[..len]);
    }
}

/// The fuzzer's seeds (fuzz/corpus/scan/seed-*): small images with each codec's blocks, a TOC
/// and a DragonFS image with a compressed asset, and a Zelda table. Each must scan to what it was
/// built to hold; with `N64_WRITE_FUZZ_SEEDS=1` (`cargo xtask fuzz-seeds`) they are also written
/// to the corpus.
#[test]
fn fuzz_seeds_scan_as_built() {
    let blocks: Vec<u8> = Codec::ALL
        .iter()
        .flat_map(|&codec| {
            let mut b = common::compress(codec, b"abcabcabcabc the fox the fox the fox");
            b.extend_from_slice(&[0x11; 7]);
            b
        })
        .collect();
    let tree = vec![
        Node::File("a.txt", b"hi".to_vec()),
        Node::Dir(
            "d",
            vec![
                Node::File("x.dca", dca3_lz4(&lz4_flex::block::compress(&[7u8; 100]), 100)),
                Node::File("y", common::compress(Codec::Yaz0, &[1u8; 50])),
            ],
        ),
    ];
    let (dfs, _) = mkdfs(&tree, false);
    // The TOC at 0x10 and the image after it, without n64tool's 4 KiB header and padding.
    let mut libdragon = vec![0u8; 0x10 + 1024];
    let at = libdragon.len();
    libdragon::write_toc(&mut libdragon, 0x10, [("a.dfs", at)].into_iter());
    libdragon.extend_from_slice(&dfs);
    let (zelda, _, _) = zelda(false);
    let seeds: [(&str, &[u8]); 4] = [("blocks", &blocks), ("libdragon", &libdragon), ("dfs", &dfs), ("zelda", &zelda)];
    let kinds = |image: &[u8]| -> Vec<AssetKind> { scan_default(image).assets.iter().map(|a| a.kind).collect() };
    assert_eq!(kinds(&blocks), [AssetKind::Yaz0, AssetKind::Yay0, AssetKind::Mio0]);
    let listed = kinds(&libdragon);
    assert_eq!(listed.iter().filter(|&&k| k == AssetKind::TocEntry).count(), 1, "{listed:?}");
    assert_eq!(listed.iter().filter(|&&k| k == AssetKind::DfsFile).count(), 3, "{listed:?}");
    assert_eq!(kinds(&dfs), [AssetKind::DfsFile; 3]);
    let tables = scan_default(&zelda).containers;
    assert!(tables.iter().any(|c| c.kind == ContainerKind::Dmadata && c.files > 0), "{tables:?}");
    if std::env::var_os("N64_WRITE_FUZZ_SEEDS").is_none() {
        return;
    }
    let package = std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo");
    let dir = std::path::Path::new(&package).join("../../fuzz/corpus/scan");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, data) in seeds {
        std::fs::write(dir.join(format!("seed-{name}")), data).unwrap();
    }
}

/// 100 nested directories with 243-byte names, then `files` empty files in the deepest: each
/// file's 256-byte entry would carry a ~24 KiB path.
fn deep_dfs(files: usize) -> Vec<u8> {
    let mut image = vec![0u8; 256 * (1 + 100 + files)];
    put32(&mut image, 0, 0xDEAD_BEEF);
    put32(&mut image, 4, 0xFFFF_FFFF);
    image[8..20].copy_from_slice(b"DragonFS 2.0");
    for i in 0..100 {
        let entry = 256 * (1 + i);
        put32(&mut image, entry + 4, 1 << 28);
        image[entry + 8..entry + 8 + 243].fill(b'a');
        put32(&mut image, entry + 252, (256 * (2 + i)) as u32);
    }
    for j in 0..files {
        let entry = 256 * (101 + j);
        if j + 1 < files {
            put32(&mut image, entry, (256 * (102 + j)) as u32);
        }
        let name = format!("f{j:06}");
        image[entry + 8..entry + 8 + name.len()].copy_from_slice(name.as_bytes());
    }
    image
}

#[test]
fn deep_long_paths_repeated_over_many_entries_are_refused_not_built() {
    // A handful of files at the bottom is fine (1.2 MB of paths, within the 4 MiB beyond 4 bytes
    // per byte of image)...
    let found = scan_default(&deep_dfs(3));
    assert_eq!(found.assets.len(), 3, "{:?}", found.warnings);
    assert_eq!(found.assets[0].path.as_deref().map(str::len), Some(100 * 244 + 7));
    // ...thousands are not: 16 000 paths of 24 KiB would be 390 MB from a 4 MiB image.
    let found = scan_default(&deep_dfs(16_000));
    assert!(found.assets.is_empty());
    let [Warning::DragonFs(error)] = found.warnings.as_slice() else { panic!("{:?}", found.warnings) };
    assert!(error.to_string().contains("paths take more than"), "{error}");
}

#[test]
fn tiny_blocks_everywhere_are_listed_up_to_the_limit() {
    // An 18-byte Yaz0 block (one literal) repeated: 2 MiB of them would be 116 508 blocks.
    let block = b"Yaz0\0\0\0\x01\0\0\0\0\0\0\0\0\x80z";
    let image: Vec<u8> = block.iter().copied().cycle().take(2 << 20).collect();
    let found = scan(&image, &ScanOptions::default());
    let limit = image.len() / n64_assets::scan::ASSET_SPACING + n64_assets::scan::EXTRA_ASSETS;
    assert_eq!(found.assets.len(), limit);
    assert!(found.assets.iter().all(|a| a.kind == AssetKind::Yaz0 && a.size == block.len()));
    let [Warning::TooManyAssets { offset, limit: l }] = found.warnings.as_slice() else {
        panic!("{:?}", found.warnings)
    };
    assert_eq!((*offset, *l), (limit * block.len(), limit));
}
