//! DragonFS images built the way libdragon's `mkdfs` builds them, placed in ROMs the way
//! `n64tool` places them; hostile graphs; real ROMs.

#![allow(clippy::cast_possible_truncation, reason = "test images are far below 4 GiB")]

mod libdragon;

use libdragon::{Node, RomFile, Written, dca3_lz4, get32, mkdfs, n64tool, put32, write_toc};
use n64_assets::container::dragonfs::{self, Dfs, DfsEntry, Error, Identity, Kind, Located, find_dragonfs};
use n64_assets::container::{dca, dmadata, rompak};
use proptest::prelude::*;

/// A tree with nested directories, an empty file, an empty directory (mkdfs leaves it out), a
/// compressed asset, a 243-byte name and data that spans sectors.
fn tree() -> Vec<Node> {
    let text = b"the quick brown fox jumps over the lazy dog ".repeat(20);
    let block = lz4_flex::block::compress(&text);
    vec![
        Node::File("readme.txt", b"hello DragonFS".to_vec()),
        Node::Dir(
            "sprites",
            vec![
                Node::File("hero.sprite", (0..=255u8).cycle().take(700).collect()),
                Node::Dir("enemies", vec![Node::File("slime.sprite", vec![7; 256])]),
                Node::Dir("unused", vec![]),
            ],
        ),
        Node::File("empty.bin", vec![]),
        Node::File("text.dca", dca3_lz4(&block, text.len())),
        Node::Dir("levels", vec![Node::Dir("1", vec![Node::File(long_name(), b"x".to_vec())])]),
    ]
}

/// A name of the longest length mkdfs keeps (243 bytes).
fn long_name() -> &'static str {
    Box::leak("a".repeat(dragonfs::MAX_FILENAME_LEN).into_boxed_str())
}

/// The walk's answer in the builder's terms: (path, entry offset, file data range) per entry,
/// with offsets relative to the image.
fn summary(dfs: &Dfs<'_>, entries: &[DfsEntry]) -> Vec<Written> {
    entries
        .iter()
        .map(|e| Written {
            path: e.path.clone(),
            entry: e.entry_offset - dfs.offset,
            file: match e.kind {
                Kind::File { offset, size, .. } => Some((offset - dfs.offset, size as usize)),
                _ => None,
            },
        })
        .collect()
}

#[test]
fn a_mkdfs_image_walks_to_what_mkdfs_wrote() {
    for preview in [false, true] {
        let (image, written) = mkdfs(&tree(), preview);
        let dfs = Dfs::parse(&image, 0).unwrap();
        let entries = dfs.walk().unwrap();
        assert_eq!(summary(&dfs, &entries), written, "preview {preview}");
        assert!(!entries.iter().any(|e| e.path.contains("unused")));
        let depth_of = |p: &str| entries.iter().find(|e| e.path == p).map(|e| e.depth);
        assert_eq!(depth_of("sprites/enemies/slime.sprite"), Some(2));
        assert_eq!(depth_of("readme.txt"), Some(0));
        if preview {
            let (size, offset) = (get32(&image, 0), get32(&image, 252));
            assert_eq!(dfs.identity, Identity::Lookup { size, offset });
            assert_eq!(entries[0].path, "empty.bin", "the preview mkdfs sorts names");
        } else {
            assert_eq!(dfs.identity, Identity::Classic);
        }
        // The data of every file is the builder's.
        for (entry, node) in entries.iter().zip(&written) {
            if let Some((offset, len)) = node.file {
                assert_eq!(dfs.data(entry), Some(&image[offset..offset + len]));
            } else {
                assert_eq!(dfs.data(entry), None);
            }
        }
        // The compressed asset is recognised and decompresses.
        let asset = entries.iter().find(|e| e.path == "text.dca").unwrap();
        let Kind::File { compressed: Some(header), .. } = asset.kind else { panic!("{asset:?}") };
        assert_eq!((header.version, header.algorithm), (3, dca::Algorithm::Lz4));
        let text = dca::decompress(dfs.data(asset).unwrap()).unwrap();
        assert!(text.starts_with(b"the quick brown fox"));
        assert!(
            entries
                .iter()
                .filter(|e| e.path != "text.dca")
                .all(|e| !matches!(e.kind, Kind::File { compressed: Some(_), .. }))
        );
    }
}

#[test]
fn a_rom_made_by_n64tool_is_found_through_its_toc() {
    let (dfs_image, written) = mkdfs(&tree(), true);
    let elf = vec![0x11; 0x2345];
    let sym = vec![0x22; 0x123];
    let files = [
        RomFile { name: "build/game.elf.stripped", align: 256, data: &elf },
        RomFile { name: "game.sym", align: 8, data: &sym },
        RomFile { name: "game.dfs", align: 16, data: &dfs_image },
    ];
    let (rom, toc, offsets) = n64tool(&files);
    let found = find_dragonfs(&rom);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].offset, offsets[2]);
    assert_eq!(found[0].located, Located::Toc { toc, name: "game.dfs".to_owned() });
    let entries = found[0].walk().unwrap();
    assert_eq!(summary(&found[0], &entries), written);
    // Offsets are in the ROM: the file's bytes are where the builder put them.
    let readme = entries.iter().find(|e| e.path == "readme.txt").unwrap();
    assert_eq!(found[0].data(readme), Some(&b"hello DragonFS"[..]));
    assert!(matches!(readme.kind, Kind::File { offset, .. } if offset > offsets[2]));
}

#[test]
fn images_without_a_toc_are_found_at_any_offset() {
    let (dfs_image, written) = mkdfs(&tree(), false);
    for at in [dragonfs::DEFAULT_OFFSET, 0x12_3455, 0x2003] {
        let mut rom = vec![0xA5u8; at];
        rom.extend_from_slice(&dfs_image);
        rom.extend_from_slice(&[0x5A; 100]);
        let found = find_dragonfs(&rom);
        assert_eq!(found.len(), 1, "at {at:#x}");
        assert_eq!((found[0].offset, &found[0].located), (at, &Located::Scan));
        assert_eq!(summary(&found[0], &found[0].walk().unwrap()), written);
    }
}

#[test]
fn a_toc_at_an_odd_offset_still_leads_to_the_image() {
    let (dfs_image, _) = mkdfs(&tree(), false);
    let mut rom = vec![0u8; 0x3_0000];
    let (toc, at) = (0x1A37, 0x2_0007);
    rom[at..at + dfs_image.len()].copy_from_slice(&dfs_image);
    write_toc(&mut rom, toc, [("x.sym", 0x1800), ("game.dfs", at)].into_iter());
    let found = find_dragonfs(&rom);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].offset, &found[0].located), (at, &Located::Toc { toc, name: "game.dfs".into() }));
}

#[test]
fn the_identity_string_alone_is_not_a_dragonfs() {
    // As in libdragon's code: the string among other bytes, or with the right flags but a tree
    // that does not parse.
    let mut code = vec![0x27u8; 0x4000];
    code[0x100..0x10D].copy_from_slice(b"DragonFS 2.0\0");
    code[0x204..0x208].copy_from_slice(&[0xFF; 4]);
    code[0x208..0x215].copy_from_slice(b"DragonFS 2.0\0");
    assert!(find_dragonfs(&code).is_empty());
    assert!(matches!(Dfs::parse(&code, 0x100 - 8), Err(Error::NotDragonFs { .. })));
    let dfs = Dfs::parse(&code, 0x200).expect("the identity sector itself checks out");
    assert!(dfs.walk().is_err());
    // A TOC that names a ".dfs" file that is not one: nothing either.
    write_toc(&mut code, 0x3000, [("a.dfs", 0x1000)].into_iter());
    assert_eq!(rompak::find_tocs(&code).len(), 1);
    assert!(find_dragonfs(&code).is_empty());
}

#[test]
fn a_truncated_identity_sector_is_an_error() {
    let (image, _) = mkdfs(&tree(), false);
    for len in [0, 1, 20, 255] {
        assert!(matches!(Dfs::parse(&image[..len], 0), Err(Error::Truncated { available, .. }) if available == len));
        assert!(find_dragonfs(&image[..len]).is_empty());
    }
    // A whole identity sector with nothing after it: the root entry is out of range.
    let dfs = Dfs::parse(&image[..256], 0).unwrap();
    assert!(matches!(dfs.walk(), Err(Error::OutOfRange { pointer: 256, .. })));
}

/// A small image to damage: root = [dir "d" -> [file "f"], file "g"].
fn small() -> (Vec<u8>, Vec<Written>) {
    mkdfs(&[Node::Dir("d", vec![Node::File("f", b"ffff".to_vec())]), Node::File("g", b"gg".to_vec())], false)
}

fn entry_of<'a>(written: &'a [Written], path: &str) -> &'a Written {
    written.iter().find(|w| w.path == path).unwrap()
}

#[test]
fn loops_are_errors() {
    let (image, written) = small();
    let (d, f, g) = (entry_of(&written, "d").entry, entry_of(&written, "d/f").entry, entry_of(&written, "g").entry);
    // The last root entry links back to the first.
    let mut looped = image.clone();
    put32(&mut looped, g, d as u32);
    assert_eq!(Dfs::parse(&looped, 0).unwrap().walk(), Err(Error::Loop { at: d }));
    // An entry that is its own successor.
    let mut own = image.clone();
    put32(&mut own, g, g as u32);
    assert_eq!(Dfs::parse(&own, 0).unwrap().walk(), Err(Error::Loop { at: g }));
    // A directory containing itself.
    let mut itself = image.clone();
    put32(&mut itself, d + 252, d as u32);
    assert_eq!(Dfs::parse(&itself, 0).unwrap().walk(), Err(Error::Loop { at: d }));
    // A file in a subdirectory linking back to the root: also reached twice.
    let mut back = image.clone();
    put32(&mut back, f, 256);
    assert_eq!(Dfs::parse(&back, 0).unwrap().walk(), Err(Error::Loop { at: 256 }));
    // Two directories sharing one entry list.
    let mut shared = image;
    put32(&mut shared, g + 4, 1 << 28);
    put32(&mut shared, g + 252, f as u32);
    assert_eq!(Dfs::parse(&shared, 0).unwrap().walk(), Err(Error::Loop { at: f }));
}

#[test]
fn pointers_past_the_end_are_errors() {
    let (image, written) = small();
    let len = image.len();
    let (d, g) = (entry_of(&written, "d").entry, entry_of(&written, "g").entry);
    let walk = |image: &[u8]| Dfs::parse(image, 0).unwrap().walk();
    let mut next = image.clone();
    put32(&mut next, g, len as u32);
    assert_eq!(walk(&next), Err(Error::OutOfRange { at: g, what: "next_entry", pointer: len as u32, len }));
    // An entry that would start inside the image but end past it.
    put32(&mut next, g, (len - 255) as u32);
    assert!(matches!(walk(&next), Err(Error::OutOfRange { what: "next_entry", .. })));
    let mut first = image.clone();
    put32(&mut first, d + 252, u32::MAX);
    assert_eq!(walk(&first), Err(Error::OutOfRange { at: d, what: "first entry", pointer: u32::MAX, len }));
    let mut data = image.clone();
    let (blob, _) = entry_of(&written, "g").file.unwrap();
    put32(&mut data, g + 4, (len - blob + 1) as u32);
    assert_eq!(walk(&data), Err(Error::OutOfRange { at: g, what: "file data", pointer: blob as u32, len }));
    put32(&mut data, g + 4, 0x0FFF_FFFF);
    put32(&mut data, g + 252, u32::MAX);
    assert!(matches!(walk(&data), Err(Error::OutOfRange { what: "file data", .. })));
    // Data that ends exactly at the image end is fine.
    put32(&mut data, g + 4, (len - blob) as u32);
    put32(&mut data, g + 252, blob as u32);
    assert!(walk(&data).is_ok());
    // The same image inside a ROM: pointers are relative to the image, so the ROM's bytes after
    // it count, and nothing before it is reachable.
    let mut rom = vec![0u8; 0x1000];
    rom.extend_from_slice(&next);
    rom.extend_from_slice(&[0u8; 512]);
    let h = len - 250; // past g's data, so its words are zero: an empty file
    put32(&mut rom, 0x1000 + g, h as u32);
    rom[0x1000 + h + 8] = b'h';
    let entries = Dfs::parse(&rom, 0x1000).unwrap().walk().unwrap();
    assert_eq!(entries.last().map(|e| (e.path.as_str(), e.entry_offset)), Some(("h", 0x1000 + h)));
}

#[test]
fn names_that_could_escape_are_errors() {
    let (image, written) = small();
    let g = entry_of(&written, "g").entry;
    let with_name = |name: &[u8]| {
        let mut bad = image.clone();
        bad[g + 8..g + 252].fill(0);
        bad[g + 8..g + 8 + name.len()].copy_from_slice(name);
        Dfs::parse(&bad, 0).unwrap().walk()
    };
    for (name, why) in [
        (&b".."[..], "a . or .. component"),
        (b".", "a . or .. component"),
        (b"/etc/passwd", "contains a path separator"),
        (b"../../x", "contains a path separator"),
        (b"a/b", "contains a path separator"),
        (b"C:\\x", "contains a path separator"),
        (b"", "empty"),
        (b"a\x1bb", "contains a control character"),
        (b"\xC0\xAF", "not UTF-8"),
        (&[b'n'; 244], "no NUL in the 244-byte field"),
    ] {
        assert_eq!(with_name(name), Err(Error::BadName { at: g, why }), "{:?}", String::from_utf8_lossy(name));
    }
    assert!(with_name(b"..x").is_ok());
    assert!(with_name(b"name with spaces.txt").is_ok());
}

#[test]
fn depth_100_is_followed_and_101_is_an_error() {
    fn nested(depth: usize) -> Node {
        let mut node = Node::File("leaf", b"!".to_vec());
        for _ in 0..depth {
            node = Node::Dir("d", vec![node]);
        }
        node
    }
    let (image, _) = mkdfs(&[nested(100)], false);
    let entries = Dfs::parse(&image, 0).unwrap().walk().unwrap();
    assert_eq!(entries.len(), 101);
    let leaf = entries.last().unwrap();
    assert_eq!((leaf.depth, leaf.path.len()), (100, 100 * 2 + 4));
    let (image, written) = mkdfs(&[nested(101)], false);
    let deepest = written.iter().rfind(|w| w.file.is_none()).unwrap().entry;
    assert_eq!(Dfs::parse(&image, 0).unwrap().walk(), Err(Error::TooDeep { at: deepest, depth: 101 }));
}

#[test]
fn bad_types_are_errors() {
    let (mut image, written) = small();
    let g = entry_of(&written, "g").entry;
    put32(&mut image, g + 4, 0x2000_0002);
    assert_eq!(Dfs::parse(&image, 0).unwrap().walk(), Err(Error::BadType { at: g, kind: 2 }));
}

#[test]
fn an_empty_directory_pointer_is_an_empty_directory() {
    let (mut image, written) = small();
    let d = entry_of(&written, "d").entry;
    put32(&mut image, d + 252, 0);
    let entries = Dfs::parse(&image, 0).unwrap().walk().unwrap();
    let paths: Vec<_> = entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["d", "g"]);
}

/// Paths from any walk are relative and clean, and every file lies inside the image.
fn check(image: &[u8], dfs: &Dfs<'_>, entries: &[DfsEntry]) {
    assert!(entries.len() <= (image.len() - dfs.offset) / 256);
    for e in entries {
        assert!(e.path.split('/').all(|c| !c.is_empty() && c != "." && c != ".."));
        assert!(!e.path.contains('\\'));
        if let Kind::File { offset, size, .. } = e.kind {
            assert!(offset >= dfs.offset && offset + size as usize <= image.len());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Damaged images: a few words overwritten with values near real pointers.
    #[test]
    fn damaged_images_never_panic(edits in prop::collection::vec((0usize..0x1800, 0u32..0x2000, any::<bool>()), 1..6)) {
        let (mut image, _) = mkdfs(&tree(), false);
        for (at, value, huge) in edits {
            let at = at % (image.len() - 3);
            put32(&mut image, at, if huge { value.wrapping_mul(0x0101_0101) } else { value });
        }
        if let Ok(dfs) = Dfs::parse(&image, 0)
            && let Ok(entries) = dfs.walk()
        {
            check(&image, &dfs, &entries);
        }
        for found in find_dragonfs(&image) {
            check(&image, &found, &found.walk().unwrap());
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048), at in 0usize..2048) {
        let mut image = bytes;
        if at + 20 <= image.len() {
            image[at..at + 4].copy_from_slice(&[0xFF; 4]);
            image[at + 4..at + 17].copy_from_slice(b"DragonFS 2.0\0");
        }
        if let Ok(dfs) = Dfs::parse(&image, at.saturating_sub(4))
            && let Ok(entries) = dfs.walk()
        {
            check(&image, &dfs, &entries);
        }
        let _ = find_dragonfs(&image);
    }
}

/// Real ROMs (`N64_ROM_DIR`): none of those in the shared folder is a libdragon ROM with a TOC
/// or a DragonFS (the libdragon ones are boot code only), and none is a Zelda; each scan must
/// find nothing, without panicking.
#[test]
fn real_roms_scan_cleanly() {
    let Some(dir) = n64_testkit::paths::real_rom_dir() else { return };
    let Ok(listing) = std::fs::read_dir(&dir) else { return };
    let mut seen = 0;
    for path in listing.flatten().map(|e| e.path()) {
        if path.extension().is_none_or(|e| e == "json" || e == "md") {
            continue;
        }
        let rom = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(rompak::find_tocs(&rom), [], "{name}");
        assert!(find_dragonfs(&rom).is_empty(), "{name}");
        assert_eq!(dmadata::find_dmadata(&rom), None, "{name}");
        seen += 1;
    }
    assert!(seen > 0, "no ROMs in {}", dir.display());
}
