//! Fuzz target for n64-assets' scanner (replayed by `crates/n64-assets/tests/fuzz_corpus_scan.rs`).

use n64_assets::codec::{self, Limits};
use n64_assets::container::dca;
use n64_assets::scan::{self, AssetKind, Encoding, ScanOptions};

/// A fuzz target: takes arbitrary bytes, panics when an invariant fails.
pub type Target = fn(&[u8]);

/// The targets by name.
pub const TARGETS: [(&str, Target); 1] = [("scan", scan)];

/// The input as a whole big-endian ROM image, scanned.
///
/// Invariants: no panic; assets are sorted by offset and each lies inside the image; decoding
/// each reported block (a loose one, or a file that starts with one) gives its decompressed size,
/// and a loose block's stream is exactly its size; an LZ4 compressed asset decompresses to its
/// decompressed size; plain files have none; paths are relative, without empty, `.` or `..`
/// components or backslashes (TOC names are single components); Zelda files carry their entry,
/// the others none; every container's files are counted in `files`.
pub fn scan(data: &[u8]) {
    let found = scan::scan(data, &ScanOptions::default());
    let limits = Limits::default();
    assert!(found.assets.windows(2).all(|w| w[0].offset <= w[1].offset));
    for asset in &found.assets {
        assert!(asset.offset <= data.len() && asset.size <= data.len() - asset.offset, "{asset:?}");
        let bytes = &data[asset.range()];
        match asset.encoding {
            Encoding::Block(codec) => {
                let decoded = codec::decode(codec, bytes, &limits).expect("a reported block decodes");
                assert_eq!(Some(decoded.data.len() as u64), asset.decompressed_size, "{asset:?}");
                if asset.kind.is_block() {
                    assert_eq!(decoded.consumed, asset.size, "{asset:?}");
                    assert_eq!(asset.kind, AssetKind::of_block(codec));
                } else {
                    assert!(decoded.consumed <= asset.size);
                }
            }
            Encoding::Dca(header) => {
                assert_eq!(asset.kind, AssetKind::DfsFile);
                assert_eq!(dca::parse(bytes).as_ref(), Ok(&header));
                if let Some(size) = asset.decompressed_size {
                    let out = dca::decompress(bytes).expect("a reported asset decompresses");
                    assert_eq!(out.len() as u64, size);
                }
            }
            Encoding::Plain | Encoding::Unknown => assert_eq!(asset.decompressed_size, None),
            _ => unreachable!("a new encoding: extend the target"),
        }
        match asset.kind {
            AssetKind::DfsFile => {
                let path = asset.path.as_deref().expect("a DragonFS file has a path");
                assert!(!path.contains('\\') && path.split('/').all(|c| !c.is_empty() && c != "." && c != ".."));
            }
            AssetKind::TocEntry => {
                let name = asset.path.as_deref().expect("a TOC entry has a name");
                assert!(!name.is_empty() && !name.contains(['/', '\\']) && name != "." && name != "..");
            }
            _ => assert_eq!(asset.path, None),
        }
        assert_eq!(asset.dma.is_some(), asset.kind == AssetKind::DmadataFile);
        assert_eq!(asset.container.is_none(), asset.kind.is_block());
    }
    for container in &found.containers {
        let listed = found.assets.iter().filter(|a| a.container == Some(container.offset)).count();
        assert!(listed >= container.files, "{container:?}");
    }
}
