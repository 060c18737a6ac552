//! BPS against independent tools (python-bps-continued's `bps-diff`, `bps-apply`,
//! `bps-validate`) and hand-written malformed patches.

use std::path::Path;

use n64_patch::{MAX_OUTPUT, bps, varint};
use n64_testkit::tools::{oracle, run_in};
use n64_testkit::{Order, Rng, RomBuilder};
use proptest::prelude::*;

/// Source/target pairs from synthetic ROMs: (name, source, target).
fn pairs(len: usize) -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
    let source = RomBuilder::new(len).seed(3).build();
    let mut rng = Rng(9);
    let mut scattered = source.clone();
    for _ in 0..50 {
        let at = usize::try_from(rng.below(len as u64 - 8)).unwrap();
        scattered[at] ^= 0xa5;
        scattered[at + 3] = 0;
    }
    let mut inserted = source[..len / 3].to_vec();
    inserted.extend_from_slice(&rng.bytes(1000));
    inserted.extend_from_slice(&source[len / 3..]);
    let (a, b, c) = (len / 16, len / 8, len / 2);
    let mut moved = source[..a].to_vec();
    moved.extend_from_slice(&source[b..c]);
    moved.extend_from_slice(&source[a..b]);
    moved.extend_from_slice(&source[c..]);
    let mut padded = source.clone();
    padded.resize(len * 2, 0xff);
    let byteswapped = Order::V64.store(&source);
    vec![
        ("scattered", source.clone(), scattered),
        ("inserted", source.clone(), inserted),
        ("moved", source.clone(), moved),
        ("padded", source.clone(), padded),
        ("truncated", source.clone(), source[..len / 2].to_vec()),
        ("byte-swapped", source.clone(), byteswapped),
        ("identical", source.clone(), source.clone()),
        ("from empty", Vec::new(), source[..4096].to_vec()),
        ("to empty", source.clone(), Vec::new()),
    ]
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    std::fs::write(dir.join(name), bytes).unwrap();
    name.to_owned()
}

#[test]
fn patches_by_bps_diff_apply() {
    let (Some(diff), Some(python)) = (oracle("bps-diff"), oracle("python")) else { return };
    let dir = tempfile::tempdir().unwrap();
    // bps-diff is slow (pure Python) and cannot make an empty target (it divides by zero).
    for (name, source, target) in pairs(0x4000).into_iter().filter(|(name, ..)| *name != "to empty") {
        write(dir.path(), "src", &source);
        write(dir.path(), "tgt", &target);
        // bps-diff writes the patch on stdout, which is binary: let the venv's Python redirect it.
        let script = "import subprocess, sys\nsubprocess.run([sys.argv[1], 'src', 'tgt'], stdout=open('out.bps', 'wb'), stderr=subprocess.DEVNULL, check=True)";
        run_in(dir.path(), &python, &["-c", script, diff.to_str().unwrap()]);
        let patch = std::fs::read(dir.path().join("out.bps")).unwrap();
        assert_eq!(bps::apply(&source, &patch).unwrap(), target, "{name}");
        let info = bps::info(&patch).unwrap();
        assert_eq!(info.source_size, source.len() as u64, "{name}");
        assert_eq!(info.target_size, target.len() as u64, "{name}");
        assert_eq!(info.source_crc32, n64_testkit::cic::crc32_reference(&source), "{name}");
        assert_eq!(info.target_crc32, n64_testkit::cic::crc32_reference(&target), "{name}");
        assert!(info.patch_crc32_ok, "{name}");
        assert!(info.actions > 0 || target.is_empty(), "{name}");
    }
}

#[test]
fn created_patches_apply_with_bps_apply_and_validate() {
    let (Some(apply), Some(validate)) = (oracle("bps-apply"), oracle("bps-validate")) else { return };
    let dir = tempfile::tempdir().unwrap();
    for (name, source, target) in pairs(0x10000) {
        let patch = bps::create(&source, &target, "<hack name=\"é\"/>".as_bytes());
        write(dir.path(), "src", &source);
        write(dir.path(), "our.bps", &patch);
        run_in(dir.path(), &validate, &["our.bps"]);
        let _ = std::fs::remove_file(dir.path().join("out"));
        run_in(dir.path(), &apply, &["src", "out", "our.bps"]);
        assert!(std::fs::read(dir.path().join("out")).unwrap() == target, "{name}: bps-apply gives the target");
        assert_eq!(bps::apply(&source, &patch).unwrap(), target, "{name}");
        assert_eq!(bps::info(&patch).unwrap().metadata_text(), "<hack name=\"é\"/>");
    }
}

#[test]
fn created_patches_are_small() {
    for (name, source, target) in pairs(0x40000) {
        let patch = bps::create(&source, &target, b"");
        let bound = match name {
            "scattered" => 50 * 8,
            "inserted" => 1000 + 64,
            "padded" | "moved" | "truncated" | "identical" | "to empty" => 64,
            _ => continue,
        };
        assert!(patch.len() <= bound, "{name}: {} bytes", patch.len());
    }
}

/// A patch written by hand: header, `actions`, footer with the given CRCs (the patch CRC fixed).
fn hand(source: &[u8], target_size: u64, target_crc: u32, actions: &[u8]) -> Vec<u8> {
    let mut patch = b"BPS1".to_vec();
    varint::encode(source.len() as u64, &mut patch);
    varint::encode(target_size, &mut patch);
    varint::encode(0, &mut patch);
    patch.extend_from_slice(actions);
    patch.extend_from_slice(&crc32fast::hash(source).to_le_bytes());
    patch.extend_from_slice(&target_crc.to_le_bytes());
    let crc = crc32fast::hash(&patch);
    patch.extend_from_slice(&crc.to_le_bytes());
    patch
}

fn action(kind: u64, len: u64, offset: Option<i64>) -> Vec<u8> {
    let mut out = Vec::new();
    varint::encode(((len - 1) << 2) | kind, &mut out);
    if let Some(delta) = offset {
        varint::encode((delta.unsigned_abs() << 1) | u64::from(delta < 0), &mut out);
    }
    out
}

#[test]
fn every_action_by_hand() {
    let source = b"0123456789";
    // "0123" (SourceRead 4), "ab" (TargetRead), "789" (SourceCopy +7), "8989898" (TargetCopy
    // from 7, overlapping what it writes), "12" (SourceCopy back from 10 to 1).
    let target = b"0123ab789898989812";
    let mut actions = action(0, 4, None);
    actions.extend(action(1, 2, None));
    actions.extend_from_slice(b"ab");
    actions.extend(action(2, 3, Some(7)));
    actions.extend(action(3, 7, Some(7)));
    actions.extend(action(2, 2, Some(-9)));
    let patch = hand(source, target.len() as u64, crc32fast::hash(target), &actions);
    assert_eq!(bps::apply(source, &patch).unwrap(), target);
    assert_eq!(bps::info(&patch).unwrap().actions, 5);
}

#[test]
fn malformed_patches_are_errors() {
    let source = b"0123456789";
    let ok = |actions: &[u8], target: &[u8]| hand(source, target.len() as u64, crc32fast::hash(target), actions);
    // Reads past the end of the source.
    let patch = ok(&action(0, 11, None), b"0123456789x");
    assert!(matches!(bps::apply(source, &patch), Err(bps::Error::PastSource { action: 0, len: 11, .. })));
    let mut actions = action(0, 1, None);
    actions.extend(action(2, 1, Some(-1)));
    actions.extend(action(2, 1, Some(-2)));
    let err = bps::apply(source, &ok(&actions, b"000")).unwrap_err();
    assert_eq!(err, bps::Error::PastSource { action: 1, offset: 8, source_offset: -1, len: 1, source_size: 10 });
    assert!(err.to_string().contains("action 1") && err.to_string().contains("source offset -1"), "{err}");
    // SourceCopy past the end.
    let err = bps::apply(source, &ok(&action(2, 3, Some(8)), b"89x")).unwrap_err();
    assert!(matches!(err, bps::Error::PastSource { source_offset: 8, .. }), "{err}");
    // TargetCopy of what is not written yet, or before the start.
    let mut actions = action(1, 1, None);
    actions.push(b'a');
    actions.extend(action(3, 2, Some(1)));
    let err = bps::apply(source, &ok(&actions, b"aaa")).unwrap_err();
    assert!(matches!(err, bps::Error::PastWritten { action: 1, from: 1, written: 1, .. }), "{err}");
    let mut actions = action(1, 1, None);
    actions.push(b'a');
    actions.extend(action(3, 1, Some(-1)));
    assert!(matches!(bps::apply(source, &ok(&actions, b"aa")), Err(bps::Error::PastWritten { from: -1, .. })));
    // Writing past the target; stopping short of it.
    let mut actions = action(0, 2, None);
    actions.extend(action(0, 1, None));
    assert!(matches!(bps::apply(source, &ok(&actions, b"01")), Err(bps::Error::PastTarget { action: 1, .. })));
    assert!(matches!(bps::apply(source, &ok(&action(0, 1, None), b"01")), Err(bps::Error::TargetShort { .. })));
    // A TargetRead running into the footer.
    assert!(matches!(bps::apply(source, &ok(&action(1, 3, None), b"abc")), Err(bps::Error::DataTruncated { .. })));
    // A target larger than the limit, refused before anything is built.
    let patch = hand(source, MAX_OUTPUT + 1, 0, &action(3, 1, Some(0)));
    assert!(matches!(bps::apply(source, &patch), Err(bps::Error::TargetTooLarge { .. })));
    // Bad magic, a number that overflows.
    let mut patch = ok(&action(0, 2, None), b"01");
    patch[0] = b'X';
    assert_eq!(bps::apply(source, &patch), Err(bps::Error::BadMagic));
    let mut patch = b"BPS1".to_vec();
    patch.extend_from_slice(&[0; 11]);
    patch.extend_from_slice(&[0x80; 2]);
    patch.extend_from_slice(&[0; 12]);
    assert!(matches!(bps::info(&patch), Err(bps::Error::Number(varint::Error::Overflow { offset: 4 }))));
}

#[test]
fn checksums_and_sources_are_checked() {
    let (_, source, target) = pairs(0x8000).swap_remove(0);
    let patch = bps::create(&source, &target, b"meta");
    // The patch CRC first.
    let mut bad = patch.clone();
    bad[10] ^= 1;
    assert!(matches!(bps::apply(&source, &bad), Err(bps::Error::PatchCrc { .. })));
    assert!(!bps::info(&bad).is_ok_and(|i| i.patch_crc32_ok));
    // A wrong source: by CRC, by size; accepted without verification when the reads fit, and
    // then the target CRC catches it.
    let mut other = source.clone();
    other[100] ^= 1;
    assert!(matches!(bps::apply(&other, &patch), Err(bps::Error::SourceCrc { .. })));
    assert!(matches!(bps::apply(&source[1..], &patch), Err(bps::Error::SourceSize { .. })));
    let lax = bps::Options { verify_source: false };
    assert!(matches!(bps::apply_with(&other, &patch, &lax), Err(bps::Error::TargetCrc { .. })));
    let mut clean = source.clone();
    clean.extend_from_slice(b"extra");
    assert_eq!(bps::apply_with(&clean, &patch, &lax).unwrap(), target);
    // A wrong target CRC in the footer (patch CRC fixed up).
    let mut bad = patch.clone();
    let end = bad.len();
    bad[end - 8] ^= 1;
    let crc = crc32fast::hash(&bad[..end - 4]);
    bad[end - 4..].copy_from_slice(&crc.to_le_bytes());
    assert!(matches!(bps::apply(&source, &bad), Err(bps::Error::TargetCrc { .. })));
}

#[test]
fn every_truncation_is_an_error() {
    let (_, source, target) = pairs(0x8000).swap_remove(1);
    let patch = bps::create(&source, &target, b"<m/>");
    for len in 0..patch.len() {
        let cut = &patch[..len];
        assert!(bps::apply(&source, cut).is_err(), "cut at {len}");
        // Even with its CRC fixed up, the footer has moved into the actions.
        if len >= 4 {
            let mut fixed = cut.to_vec();
            let crc = crc32fast::hash(&fixed[..len - 4]);
            fixed[len - 4..].copy_from_slice(&crc.to_le_bytes());
            let lax = bps::Options { verify_source: false };
            assert!(bps::apply_with(&source, &fixed, &lax).is_err(), "cut at {len}, crc fixed");
        }
    }
    // Trailing garbage before the footer: an action past the target.
    let mut long = patch[..patch.len() - 12].to_vec();
    long.push(0x80);
    long.extend_from_slice(&patch[patch.len() - 12..patch.len() - 4]);
    let crc = crc32fast::hash(&long);
    long.extend_from_slice(&crc.to_le_bytes());
    assert!(matches!(bps::apply(&source, &long), Err(bps::Error::PastTarget { .. })));
}

proptest! {
    #[test]
    fn create_then_apply_round_trips(
        source in proptest::collection::vec(0_u8..4, 0..600),
        edits in proptest::collection::vec((any::<u16>(), 0_u8..6, any::<u8>()), 0..12),
        fresh in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        // A target made from the source by edits, insertions, deletions and copies.
        let mut target = source.clone();
        for (at, op, byte) in edits {
            let at = usize::from(at) % (target.len() + 1);
            match op {
                0 if at < target.len() => target[at] = byte,
                1 => target.insert(at, byte),
                2 if at < target.len() => { target.remove(at); }
                3 => { let tail = target[at..].to_vec(); target.extend_from_slice(&tail); }
                4 => target.splice(at..at, fresh.iter().copied()).for_each(drop),
                _ => target.truncate(at),
            }
        }
        let patch = bps::create(&source, &target, b"");
        prop_assert_eq!(bps::apply(&source, &patch).unwrap(), target.clone());
        let unrelated = bps::create(&fresh, &target, b"x");
        prop_assert_eq!(bps::apply(&fresh, &unrelated).unwrap(), target);
    }
}
