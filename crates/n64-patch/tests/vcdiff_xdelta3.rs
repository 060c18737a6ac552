//! VCDIFF patches made by Debian's `xdelta3` (the oracle): applied by our decoder, they give the
//! target xdelta3 was given, byte for byte; damaged ones give errors.

use std::path::Path;
use std::process::Command;

use n64_patch::vcdiff::{self, Error, Secondary};
use n64_testkit::{Body, Rng, RomBuilder};

/// A source ROM and a target made from it: scattered byte edits, an inserted low-entropy block
/// (so LZMA has something to compress) and a moved block.
fn rom_pair(len: usize, seed: u64, body: Body) -> (Vec<u8>, Vec<u8>) {
    let source = RomBuilder::new(len).seed(seed).body(body).build();
    let mut target = source.clone();
    let mut rng = Rng(seed ^ 0x5EED);
    for _ in 0..400 {
        let at = usize::try_from(rng.below(target.len() as u64)).unwrap();
        target[at] = target[at].wrapping_add(1 + u8::try_from(rng.below(255)).unwrap());
    }
    let inserted: Vec<u8> =
        b"MARIO HACK v1.2 -- inserted text block -- ".iter().copied().cycle().take(48 << 10).collect();
    let at = len / 3;
    target.splice(at..at, inserted);
    let (from, size, to) = (len / 2, 128 << 10, len / 8);
    let moved: Vec<u8> = target.drain(from..from + size).collect();
    target.splice(to..to, moved);
    (source, target)
}

/// `xdelta3 -e ARGS -s SOURCE TARGET OUT`, or `None` when xdelta3 is missing.
fn xdelta3(source: &[u8], target: &[u8], args: &[&str]) -> Option<Vec<u8>> {
    let program = n64_testkit::tools::xdelta3()?;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    std::fs::write(path("source.z64"), source).unwrap();
    std::fs::write(path("target.z64"), target).unwrap();
    let status = Command::new(program)
        .current_dir(dir.path())
        .arg("-e")
        .arg("-f")
        .args(args)
        .arg("-s")
        .args([Path::new("source.z64"), Path::new("target.z64"), Path::new("patch.xdelta")])
        .status()
        .unwrap();
    assert!(status.success(), "xdelta3 {args:?} failed");
    Some(std::fs::read(path("patch.xdelta")).unwrap())
}

/// Applies and compares with the target; returns the patch's info.
fn round_trip(source: &[u8], target: &[u8], args: &[&str]) -> Option<vcdiff::Info> {
    let patch = xdelta3(source, target, args)?;
    let out = vcdiff::apply(source, &patch).unwrap_or_else(|e| panic!("xdelta3 {args:?}: {e}"));
    assert!(out == target, "xdelta3 {args:?}: the output differs from the target");
    let info = vcdiff::info(&patch).unwrap();
    assert_eq!(info.target_size, target.len() as u64);
    Some(info)
}

fn any_compressed(info: &vcdiff::Info) -> bool {
    info.windows.iter().any(|w| w.sections.iter().any(|s| s.compressed))
}

#[test]
fn no_secondary_compression() {
    let (source, target) = rom_pair(2 << 20, 1, Body::Random);
    let Some(info) = round_trip(&source, &target, &["-S", "none"]) else { return };
    assert_eq!(info.secondary, None);
    assert!(!any_compressed(&info));
    assert!(info.windows.iter().all(|w| w.adler32.is_some()));
}

#[test]
fn lzma_is_the_default_and_decodes() {
    let (source, target) = rom_pair(4 << 20, 2, Body::Blocks);
    let Some(info) = round_trip(&source, &target, &[]) else { return };
    assert_eq!(info.secondary, Some(Secondary::Lzma));
    assert_eq!(info.secondary.map(Secondary::id), Some(2));
    assert!(any_compressed(&info), "no section was lzma-compressed: the test does not test lzma");
    // The data section too (the inserted text block).
    assert!(info.windows.iter().any(|w| w.sections[0].compressed));
}

#[test]
fn lzma_at_levels_9_and_0() {
    let (source, target) = rom_pair(3 << 20, 3, Body::Blocks);
    for level in ["-9", "-0"] {
        let Some(info) = round_trip(&source, &target, &["-S", "lzma", level]) else { return };
        assert_eq!(info.secondary, Some(Secondary::Lzma), "{level}");
    }
}

#[test]
fn several_windows_and_source_segments_over_eight_mib() {
    let (source, target) = rom_pair(8 << 20, 4, Body::Blocks);
    for secondary in ["lzma", "none"] {
        let Some(info) = round_trip(&source, &target, &["-S", secondary, "-B", "524288", "-W", "1048576"]) else {
            return;
        };
        assert!(info.windows.len() > 8, "{} windows", info.windows.len());
        let positions: std::collections::BTreeSet<u64> =
            info.windows.iter().filter_map(|w| w.segment.map(|s| s.position)).collect();
        assert!(positions.len() > 4, "source segments at {positions:?}");
        // The LZMA stream runs on across windows: later windows' sections continue it.
        if secondary == "lzma" {
            let compressed = info.windows.iter().filter(|w| w.sections.iter().any(|s| s.compressed)).count();
            assert!(compressed > 1, "{compressed} windows compressed");
        }
    }
}

#[test]
fn without_checksum_and_without_app_header() {
    let (source, target) = rom_pair(1 << 20, 5, Body::Random);
    let Some(info) = round_trip(&source, &target, &["-n", "-A"]) else { return };
    assert!(info.windows.iter().all(|w| w.adler32.is_none()));
    assert_eq!(info.app_header, None);
    let Some(info) = round_trip(&source, &target, &[]) else { return };
    assert_eq!(info.file_names(), Some(("target.z64".to_owned(), "source.z64".to_owned())));
}

#[test]
fn djw_and_fgk_are_named_and_refused() {
    let (source, target) = rom_pair(2 << 20, 6, Body::Blocks);
    for (flag, expected) in [("djw", Secondary::Djw), ("fgk", Secondary::Fgk)] {
        let Some(patch) = xdelta3(&source, &target, &["-S", flag]) else { return };
        let info = vcdiff::info(&patch).unwrap();
        assert_eq!(info.secondary, Some(expected));
        assert!(any_compressed(&info), "{flag}: nothing compressed");
        let err = vcdiff::apply(&source, &patch).unwrap_err();
        assert_eq!(err, Error::UnsupportedSecondary { name: expected.name() });
        assert!(err.to_string().contains("-S lzma or -S none"), "{err}");
    }
    assert_eq!(Secondary::Djw.id(), 1);
    assert_eq!(Secondary::Fgk.id(), 16);
}

#[test]
fn truncated_patches_are_errors() {
    let (source, target) = rom_pair(1 << 20, 7, Body::Blocks);
    for args in [&["-S", "none"][..], &["-S", "lzma"][..]] {
        let Some(patch) = xdelta3(&source, &target, args) else { return };
        let mut cuts: Vec<usize> = (0..64.min(patch.len())).collect();
        cuts.extend((64..patch.len()).step_by(patch.len() / 97 + 1));
        cuts.push(patch.len() - 1);
        // A cut exactly between two windows leaves a valid, shorter patch (VCDIFF has no
        // window count); a cut before the first window does not.
        let info = vcdiff::info(&patch).unwrap();
        let boundaries: Vec<usize> = info.windows.iter().skip(1).map(|w| usize::try_from(w.offset).unwrap()).collect();
        cuts.retain(|cut| !boundaries.contains(cut));
        for cut in cuts {
            assert!(vcdiff::apply(&source, &patch[..cut]).is_err(), "{args:?}: cut at {cut} applied");
        }
        // Trailing garbage is no window.
        let mut long = patch.clone();
        long.push(0);
        assert!(vcdiff::apply(&source, &long).is_err());
    }
}

#[test]
fn a_corrupted_data_byte_fails_the_adler32() {
    let (source, target) = rom_pair(1 << 20, 8, Body::Random);
    let Some(mut patch) = xdelta3(&source, &target, &["-S", "none"]) else { return };
    let info = vcdiff::info(&patch).unwrap();
    let (index, window) = info.windows.iter().enumerate().find(|(_, w)| w.sections[0].len > 0).unwrap();
    let at = usize::try_from(window.sections[0].offset + window.sections[0].len / 2).unwrap();
    patch[at] ^= 0x40;
    match vcdiff::apply(&source, &patch) {
        Err(Error::Checksum { window, .. }) => assert_eq!(window, index),
        other => panic!("expected a checksum error, got {other:?}"),
    }
}

#[test]
fn the_wrong_source_is_caught() {
    let (source, target) = rom_pair(1 << 20, 9, Body::Random);
    let Some(patch) = xdelta3(&source, &target, &[]) else { return };
    let other = RomBuilder::new(1 << 20).seed(99).build();
    assert!(matches!(vcdiff::apply(&other, &patch), Err(Error::Checksum { .. })));
    // A source too short for the segments.
    assert!(matches!(vcdiff::apply(&source[..1000], &patch), Err(Error::SegmentOutOfRange { .. })));
}

#[test]
fn corrupted_lzma_patches_give_errors_or_the_target() {
    let (source, target) = rom_pair(1 << 20, 10, Body::Blocks);
    let Some(patch) = xdelta3(&source, &target, &["-S", "lzma"]) else { return };
    let info = vcdiff::info(&patch).unwrap();
    assert!(any_compressed(&info));
    let mut rng = Rng(10);
    for _ in 0..300 {
        let mut damaged = patch.clone();
        let at = usize::try_from(rng.below(patch.len() as u64)).unwrap();
        damaged[at] ^= 1 << rng.below(8);
        // Every window carries an Adler-32: a damaged patch that still applies (a flipped bit in
        // the application header, say) must still give the target.
        if let Ok(out) = vcdiff::apply(&source, &damaged) {
            assert!(out == target, "a bit flipped at offset {at} gave a different output");
        }
    }
}
