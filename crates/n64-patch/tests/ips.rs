//! IPS and IPS32: patches made by PyPI's ips-util applied by us, ours applied by ips-util,
//! hand-written patches (RLE, truncation, extension, the `EOF` offset, IPS32) and every
//! malformed kind.

use std::path::Path;

use n64_patch::ips::{self, Error, Format};
use n64_testkit::{Rng, RomBuilder, tools};

/// A synthetic big-endian ROM.
fn rom(len: usize, seed: u64) -> Vec<u8> {
    RomBuilder::new(len).seed(seed).build()
}

/// `source` with scattered edits, a run of one byte (an RLE candidate) and a changed header.
fn edited(source: &[u8], seed: u64) -> Vec<u8> {
    let mut target = source.to_vec();
    let mut rng = Rng(seed);
    for _ in 0..200 {
        let at = usize::try_from(rng.below(target.len() as u64)).unwrap();
        let len = (usize::try_from(rng.below(40)).unwrap() + 1).min(target.len() - at);
        rng.fill(&mut target[at..at + len]);
    }
    let run = target.len() / 3;
    target[run..run + 5000].fill(0xA5);
    target[0x20..0x34].copy_from_slice(b"PATCHED TITLE       ");
    target
}

/// Runs `ips_util create` on the pair; `None` when the oracle is missing.
fn ips_util_create(dir: &Path, source: &[u8], target: &[u8]) -> Option<Vec<u8>> {
    let tool = tools::oracle("ips_util")?;
    std::fs::write(dir.join("source.bin"), source).unwrap();
    std::fs::write(dir.join("target.bin"), target).unwrap();
    tools::run_in(dir, &tool, &["create", "source.bin", "target.bin", "-o", "made.ips"]);
    Some(std::fs::read(dir.join("made.ips")).unwrap())
}

/// Runs `ips_util apply`; `None` when the oracle is missing.
fn ips_util_apply(dir: &Path, source: &[u8], patch: &[u8]) -> Option<Vec<u8>> {
    let tool = tools::oracle("ips_util")?;
    std::fs::write(dir.join("in.bin"), source).unwrap();
    std::fs::write(dir.join("ours.ips"), patch).unwrap();
    tools::run_in(dir, &tool, &["apply", "ours.ips", "in.bin", "-o", "out.bin"]);
    Some(std::fs::read(dir.join("out.bin")).unwrap())
}

/// The pairs both directions are checked on: same size, shorter (truncation), longer (growth,
/// ending in zeros so only a final record makes the size).
fn pairs() -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
    let source = rom(0x10_0000, 1);
    let same = edited(&source, 2);
    let shorter = edited(&source, 3)[..0xC_0123].to_vec();
    let mut longer = edited(&source, 4);
    longer.extend_from_slice(&rom(0x2_0000, 5));
    longer.extend_from_slice(&[0; 0x1000]);
    vec![("same size", source.clone(), same), ("shorter", source.clone(), shorter), ("longer", source, longer)]
}

#[test]
fn ips_util_patches_apply_to_the_target() {
    let dir = tempfile::tempdir().unwrap();
    for (name, source, target) in pairs() {
        let Some(patch) = ips_util_create(dir.path(), &source, &target) else { return };
        assert_eq!(ips::apply(&source, &patch).unwrap(), target, "{name}");
        let info = ips::info(&patch).unwrap();
        assert_eq!(info.format, Format::Ips);
        assert!(info.records > 0, "{name}");
        assert_eq!(info.truncation.is_some(), target.len() < source.len(), "{name}");
    }
}

#[test]
fn our_patches_apply_with_ips_util() {
    let dir = tempfile::tempdir().unwrap();
    for (name, source, target) in pairs() {
        let patch = ips::create(&source, &target).unwrap();
        assert_eq!(ips::apply(&source, &patch).unwrap(), target, "{name}");
        let Some(out) = ips_util_apply(dir.path(), &source, &patch) else { return };
        assert!(out == target, "{name}: ips_util's output differs from the target");
    }
}

#[test]
fn a_change_at_the_eof_offset_starts_a_byte_earlier() {
    const EOF_OFFSET: usize = 0x45_4F46;
    let source = vec![0x11u8; EOF_OFFSET + 0x100];
    for (name, target) in [
        ("literal", {
            let mut t = source.clone();
            t[EOF_OFFSET..EOF_OFFSET + 3].copy_from_slice(b"xyz");
            t
        }),
        ("rle", {
            let mut t = source.clone();
            t[EOF_OFFSET..EOF_OFFSET + 40].fill(0x77);
            t
        }),
        ("one byte", {
            let mut t = source.clone();
            t[EOF_OFFSET] = 0;
            t
        }),
    ] {
        let patch = ips::create(&source, &target).unwrap();
        // No record header may read as `EOF`: the first record starts at 0x454F45.
        assert_eq!(&patch[5..8], &[0x45, 0x4F, 0x45], "{name}");
        assert_eq!(&patch[patch.len() - 3..], b"EOF", "{name}");
        assert_eq!(ips::apply(&source, &patch).unwrap(), target, "{name}");
        let dir = tempfile::tempdir().unwrap();
        let Some(out) = ips_util_apply(dir.path(), &source, &patch) else { return };
        assert!(out == target, "{name}: ips_util's output differs from the target");
    }
}

#[test]
fn rle_records_write_their_fill_byte() {
    // RLE: offset 2, size 0, count 4, byte 0xEE; then a literal over part of it.
    let patch = b"PATCH\x00\x00\x02\x00\x00\x00\x04\xEE\x00\x00\x03\x00\x01ZEOF";
    assert_eq!(ips::apply(b"abcdefgh", patch).unwrap(), b"ab\xEEZ\xEE\xEEgh");
    let info = ips::info(patch).unwrap();
    assert_eq!(info.records, 2);
    assert_eq!(info.highest_offset, Some(5));
    assert_eq!(info.truncation, None);
}

#[test]
fn the_size_after_eof_truncates_or_extends() {
    let patch = b"PATCH\x00\x00\x00\x00\x01zEOF\x00\x00\x03";
    assert_eq!(ips::apply(b"abcdef", patch).unwrap(), b"zbc");
    assert_eq!(ips::info(patch).unwrap().truncation, Some(3));
    let patch = b"PATCH\x00\x00\x00\x00\x01zEOF\x00\x00\x08";
    assert_eq!(ips::apply(b"abcdef", patch).unwrap(), b"zbcdef\0\0");
    // A record past the size is written, then cut off.
    let patch = b"PATCH\x00\x00\x05\x00\x01zEOF\x00\x00\x02";
    assert_eq!(ips::apply(b"abcdef", patch).unwrap(), b"ab");
}

#[test]
fn records_past_the_source_grow_the_output_with_zeros_between() {
    let patch = b"PATCH\x00\x00\x06\x00\x02xyEOF";
    assert_eq!(ips::apply(b"abc", patch).unwrap(), b"abc\0\0\0xy");
    assert_eq!(ips::apply(b"", b"PATCHEOF").unwrap(), b"");
    assert_eq!(ips::info(b"PATCHEOF").unwrap().highest_offset, None);
    // An RLE record with count 0 writes nothing, so it does not grow the output either.
    let patch = b"PATCH\x00\x00\x10\x00\x00\x00\x00\xFFEOF";
    assert_eq!(ips::apply(b"abc", patch).unwrap(), b"abc");
    assert_eq!(ips::info(patch).unwrap().highest_offset, None);
}

#[test]
fn ips32_has_32_bit_offsets_and_eeof() {
    let mut patch = b"IPS32".to_vec();
    patch.extend_from_slice(b"\x00\x00\x00\x01\x00\x02hi");
    patch.extend_from_slice(b"\x00\x01\x00\x00\x00\x00\x00\x02\x5A");
    patch.extend_from_slice(b"EEOF");
    let out = ips::apply(b"abcd", &patch).unwrap();
    assert_eq!(out.len(), 0x1_0002);
    assert_eq!(&out[..4], b"ahid");
    assert!(out[4..0x1_0000].iter().all(|&b| b == 0));
    assert_eq!(&out[0x1_0000..], b"ZZ");
    let info = ips::info(&patch).unwrap();
    assert_eq!((info.format, info.records, info.highest_offset), (Format::Ips32, 2, Some(0x1_0001)));
    // `EOF` is an ordinary offset prefix in IPS32: only `EEOF` ends it.
    assert!(matches!(ips::apply(b"", b"IPS32EOF"), Err(Error::Truncated { .. })));
}

#[test]
fn create_uses_rle_where_shorter() {
    let source = vec![0u8; 0x1000];
    let mut target = source.clone();
    target[0x100..0x900].fill(0x42);
    let patch = ips::create(&source, &target).unwrap();
    assert_eq!(patch, b"PATCH\x00\x01\x00\x00\x00\x08\x00\x42EOF");
    // Short runs stay literal: an RLE record (8 bytes) is no shorter than 3 bytes with a header.
    target[0xC00..0xC03].copy_from_slice(b"abc");
    let patch = ips::create(&source, &target).unwrap();
    assert_eq!(ips::apply(&source, &patch).unwrap(), target);
    assert_eq!(ips::info(&patch).unwrap().records, 2);
}

#[test]
fn create_refuses_changes_at_or_beyond_16_mib_and_suggests_bps() {
    let source = vec![0u8; 0x100_0010];
    let mut target = source.clone();
    target[0x100_0000] = 1;
    let error = ips::create(&source, &target).unwrap_err();
    assert_eq!(error, Error::BeyondIpsRange { offset: 0x100_0000 });
    assert!(error.to_string().contains("bps"), "{error}");
    // A run that starts below 16 MiB and crosses it is refused too.
    let mut target = source.clone();
    target[0xFF_FFF0..0x100_0008].fill(9);
    assert_eq!(ips::create(&source, &target).unwrap_err(), Error::BeyondIpsRange { offset: 0x100_0000 });
    // So is a shorter target whose size does not fit 24 bits, and a longer one past 16 MiB.
    assert!(ips::create(&vec![0; 0x100_0001], &vec![0; 0x100_0000]).is_err());
    assert!(ips::create(&[], &vec![0; 0x100_0001]).is_err());
    // Changes below 16 MiB in a larger ROM are fine.
    let mut target = source.clone();
    target[0xFF_FFFF] = 1;
    let patch = ips::create(&source, &target).unwrap();
    assert_eq!(ips::apply(&source, &patch).unwrap(), target);
}

#[test]
fn identical_files_give_an_empty_patch() {
    let source = rom(0x1000, 7);
    assert_eq!(ips::create(&source, &source).unwrap(), b"PATCHEOF");
    assert_eq!(ips::create(&[], &[]).unwrap(), b"PATCHEOF");
}

#[test]
fn bad_magic_is_refused() {
    for patch in [&b""[..], b"PATC", b"patchEOF", b"IPS3EOF", b"UPS1\0\0"] {
        assert_eq!(ips::apply(b"abc", patch), Err(Error::BadMagic), "{patch:?}");
        assert_eq!(ips::info(patch), Err(Error::BadMagic));
    }
}

#[test]
fn every_truncation_is_refused_with_where() {
    let ips: &[u8] = b"PATCH\x00\x00\x02\x00\x03abc\x00\x00\x10\x00\x00\x00\x05\xEEEOF";
    let ips32: &[u8] = b"IPS32\x00\x00\x00\x02\x00\x03abc\x00\x00\x00\x10\x00\x00\x00\x05\xEEEEOF";
    for patch in [ips, ips32] {
        assert!(ips::apply(b"0123", patch).is_ok());
        for cut in 5..patch.len() {
            let error = ips::apply(b"0123", &patch[..cut]).unwrap_err();
            assert!(matches!(error, Error::Truncated { offset, .. } if offset == cut), "cut at {cut}: {error:?}");
            assert!(ips::info(&patch[..cut]).is_err());
        }
    }
    let error = ips::apply(b"", b"PATCH\x00\x00\x02\x00\x03abc\x00\x00\x10\x00\x05ab").unwrap_err();
    assert_eq!(error, Error::Truncated { record: 1, offset: 0x14 });
    assert_eq!(
        error.to_string(),
        "truncated patch: it ends at patch offset 0x14 inside record 1 or before the terminator"
    );
}

#[test]
fn trailing_data_is_refused() {
    for (patch, offset, len) in [
        (&b"PATCHEOF\x00"[..], 8, 1),
        (b"PATCHEOF\x00\x00", 8, 2),
        (b"PATCHEOF\x00\x00\x00\x00", 8, 4),
        (b"PATCHEOF{\"patcher\": \"EBPatcher\"}", 8, 24),
        (b"IPS32EEOF\x00\x00\x00", 9, 3),
    ] {
        assert_eq!(ips::apply(b"abc", patch), Err(Error::TrailingData { offset, len }), "{patch:?}");
    }
}

#[test]
fn output_past_the_limit_is_refused_before_allocating() {
    // IPS32: an RLE record ending past 256 MiB.
    let patch = b"IPS32\x0F\xFF\xFF\xFF\x00\x00\x00\x02\x00EEOF";
    let error = ips::apply(b"", patch).unwrap_err();
    assert!(matches!(error, Error::OutputTooLarge { size: 0x1000_0001, .. }), "{error:?}");
    assert!(error.to_string().contains("record 0 (patch offset 0x5)"), "{error}");
    assert!(ips::info(patch).is_err());
    let patch = b"IPS32\xFF\xFF\xFF\xFF\x00\x01\x00EEOF";
    assert!(matches!(ips::apply(b"", patch), Err(Error::OutputTooLarge { .. })));
}

proptest::proptest! {
    /// `create` then `apply` gives the target back, whatever the sizes and edits.
    #[test]
    fn create_round_trips(
        source in proptest::collection::vec(0u8..4, 0..600),
        edits in proptest::collection::vec((0usize..700, 0u8..4, 1usize..40), 0..12),
        len in 0usize..700,
    ) {
        let mut target = source.clone();
        target.resize(len, 0);
        for (at, value, run) in edits {
            let at = at.min(target.len());
            let end = (at + run).min(target.len());
            target[at..end].fill(value);
        }
        let patch = ips::create(&source, &target).unwrap();
        proptest::prop_assert_eq!(ips::apply(&source, &patch).unwrap(), target);
    }
}
