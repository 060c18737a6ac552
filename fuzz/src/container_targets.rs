//! Fuzz targets for n64-assets' containers (replayed by
//! `crates/n64-assets/tests/fuzz_corpus_container.rs`).

use n64_assets::container::dragonfs::{self, Dfs, Kind, MAX_DIRECTORY_DEPTH, SECTOR_SIZE};
use n64_assets::container::{dca, dmadata, rompak};

/// A fuzz target: takes arbitrary bytes, panics when an invariant fails.
pub type Target = fn(&[u8]);

/// The targets by name.
pub const TARGETS: [(&str, Target); 4] =
    [("rompak", rompak), ("dragonfs", dragonfs), ("dmadata", dmadata), ("dca", dca)];

/// The input as a ROM image, scanned for TOCs; every TOC also parses at its own offset.
///
/// Invariants: no panic; every entry's offset is at most the image length and its name is
/// non-empty printable ASCII shorter than the entry, a base name (no separators, not `.` or
/// `..`); extents lie inside the image.
pub fn rompak(data: &[u8]) {
    let _ = rompak::Toc::parse(data, 0);
    for toc in rompak::find_tocs(data) {
        assert_eq!(rompak::Toc::parse(data, toc.offset).as_ref(), Ok(&toc));
        assert!((1..1024).contains(&toc.entries.len()));
        for (index, entry) in toc.entries.iter().enumerate() {
            assert!(entry.offset as usize <= data.len());
            assert!(!entry.name.is_empty() && entry.name.len() < toc.entry_size as usize - 4);
            assert!(entry.name.bytes().all(|b| (0x20..0x7F).contains(&b) && b != b'/' && b != b'\\'));
            assert!(entry.name != "." && entry.name != "..");
            let extent = toc.extent(index, data).expect("an entry inside the image has an extent");
            assert!(extent.start <= extent.end && extent.end <= data.len());
        }
    }
}

/// The input as a DragonFS image with an identity sector prepended (byte 0 of the input picks
/// the classic or the lookup-table identity), walked; then the whole thing scanned.
///
/// Invariants: no panic; the walk terminates; every file lies inside the image; paths are
/// relative, without empty, `.` or `..` components or backslashes; depth at most 100; at most
/// one entry per 256 bytes; the scan reports only images that walk.
pub fn dragonfs(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else { return };
    let mut image = vec![0u8; SECTOR_SIZE];
    let next = if selector & 1 == 0 { dragonfs::ROOT_NEXT_ENTRY } else { 0x18 };
    image[..4].copy_from_slice(&next.to_be_bytes());
    image[4..8].copy_from_slice(&dragonfs::ROOT_FLAGS.to_be_bytes());
    image[8..8 + dragonfs::ROOT_PATH.len()].copy_from_slice(dragonfs::ROOT_PATH);
    image.extend_from_slice(rest);
    let dfs = Dfs::parse(&image, 0).expect("the prepended identity parses");
    if let Ok(entries) = dfs.walk() {
        check_entries(&dfs, &image, &entries);
    }
    for found in dragonfs::find_dragonfs(&image) {
        let entries = found.walk().expect("a found image walks");
        check_entries(&found, &image, &entries);
    }
}

fn check_entries(dfs: &Dfs<'_>, image: &[u8], entries: &[dragonfs::DfsEntry]) {
    assert!(entries.len() <= (image.len() - dfs.offset) / SECTOR_SIZE);
    for entry in entries {
        assert!(!entry.path.starts_with('/') && !entry.path.contains('\\'));
        assert!(entry.path.split('/').all(|c| !c.is_empty() && c != "." && c != ".."), "{:?}", entry.path);
        assert_eq!(entry.path.split('/').count(), entry.depth + 1);
        assert!(entry.depth < MAX_DIRECTORY_DEPTH + 1);
        assert!(entry.entry_offset >= dfs.offset && entry.entry_offset + SECTOR_SIZE <= image.len());
        if let Kind::File { offset, size, compressed } = entry.kind {
            assert!(offset + size as usize <= image.len());
            let data = dfs.data(entry).expect("a file's data is inside the image");
            assert_eq!(data.len(), size as usize);
            assert_eq!(compressed, dca::parse(data).ok());
        }
    }
}

/// A build string and entry 0 prepended to the input (which goes on with entry 1), then the
/// table looked for.
///
/// Invariants: no panic; a table found parses again at its offset; its entry count is entry 2's
/// size / 16 and fits in the image; every stored file's ROM range lies inside the image; VROM
/// ends are not before starts.
pub fn dmadata(data: &[u8]) {
    let mut image = b"zelda@srd44".to_vec();
    image.resize(0x10, 0);
    image.extend_from_slice(b"00-07-31 17:04:16");
    image.resize(0x30, 0);
    for word in dmadata::FIRST_ENTRY {
        image.extend_from_slice(&word.to_be_bytes());
    }
    image.extend_from_slice(data);
    let _ = dmadata::DmaTable::parse(&image, 0x30);
    let Some(table) = dmadata::find_dmadata(&image) else { return };
    let again = dmadata::DmaTable::parse(&image, table.offset).expect("a found table parses");
    assert_eq!(again.entries, table.entries);
    assert!(table.entries.len() >= 3 && table.offset + table.entries.len() * 16 <= image.len());
    assert_eq!(table.entries[2].vrom_size() as usize, table.entries.len() * 16);
    for entry in &table.entries {
        assert!(entry.vrom_end >= entry.vrom_start);
        if let Some(range) = entry.rom_range() {
            assert!(range.start <= range.end && range.end <= image.len(), "{entry:?}");
        }
    }
}

/// The input as a compressed asset, parsed and decompressed.
///
/// Invariants: no panic; decompression succeeds only for LZ4 assets whose header parses, and
/// gives exactly the declared size, at most 8 MiB.
pub fn dca(data: &[u8]) {
    let header = dca::parse(data);
    if let Ok(h) = &header {
        assert!(h.payload().end <= data.len());
    }
    if let Ok(out) = dca::decompress(data) {
        let h = header.expect("a decompressed asset has a header");
        assert_eq!(h.algorithm, dca::Algorithm::Lz4);
        assert_eq!(out.len(), h.original_size as usize);
        assert!(out.len() <= dca::MAX_OUTPUT);
    }
}
