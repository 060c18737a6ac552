//! UPS patches written by the test from the published layout (romhacking.net document 392:
//! `UPS1`, input and output sizes, hunks of relative skip + XOR bytes ended by 0x00, three
//! CRC32s), not by any encoder of ours.

use n64_patch::{MAX_OUTPUT, ups, varint};
use n64_testkit::{Rng, RomBuilder};

/// A UPS patch from `input` to `output`, made the simple way: XOR the two (zero past either end)
/// and write each run of differing bytes as a hunk.
fn make(input: &[u8], output: &[u8]) -> Vec<u8> {
    let len = input.len().max(output.len());
    let at = |bytes: &[u8], i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut hunks = Vec::new();
    let mut i = 0;
    let mut last = 0;
    while i < len {
        if at(input, i) == at(output, i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < len && at(input, i) != at(output, i) {
            i += 1;
        }
        hunks.push((start - last, (start..i).map(|k| at(input, k) ^ at(output, k)).collect::<Vec<u8>>()));
        last = i + 1;
    }
    finish(input, output, &hunks, crc(output))
}

fn crc(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// Header, hunks (skip, XOR bytes), footer with the given output CRC, patch CRC computed.
fn finish(input: &[u8], output: &[u8], hunks: &[(usize, Vec<u8>)], output_crc: u32) -> Vec<u8> {
    let mut patch = b"UPS1".to_vec();
    varint::encode(input.len() as u64, &mut patch);
    varint::encode(output.len() as u64, &mut patch);
    for (skip, xor) in hunks {
        varint::encode(*skip as u64, &mut patch);
        patch.extend_from_slice(xor);
        patch.push(0);
    }
    patch.extend_from_slice(&crc(input).to_le_bytes());
    patch.extend_from_slice(&output_crc.to_le_bytes());
    let patch_crc = crc(&patch);
    patch.extend_from_slice(&patch_crc.to_le_bytes());
    patch
}

fn pairs() -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
    let source = RomBuilder::new(0x8000).seed(5).build();
    let mut rng = Rng(1);
    let mut edited = source.clone();
    for _ in 0..40 {
        let at = usize::try_from(rng.below(0x8000)).unwrap();
        edited[at] = edited[at].wrapping_add(1);
    }
    let mut longer = edited.clone();
    longer.extend_from_slice(&rng.bytes(1000));
    longer.resize(0x10000, 0);
    vec![
        ("edited", source.clone(), edited.clone()),
        ("longer", source.clone(), longer),
        ("shorter", source.clone(), edited[..0x3000].to_vec()),
        ("identical", source.clone(), source.clone()),
        ("last byte", source.clone(), {
            let mut t = source.clone();
            *t.last_mut().unwrap() ^= 0xff;
            t
        }),
    ]
}

#[test]
fn patches_apply_both_ways() {
    for (name, input, output) in pairs() {
        let patch = make(&input, &output);
        assert_eq!(ups::apply(&input, &patch).unwrap(), output, "{name}");
        assert_eq!(ups::apply(&output, &patch).unwrap(), input, "{name}: in reverse");
        let info = ups::info(&patch).unwrap();
        assert_eq!((info.input_size, info.output_size), (input.len() as u64, output.len() as u64));
        assert_eq!((info.input_crc32, info.output_crc32), (crc(&input), crc(&output)));
        assert!(info.patch_crc32_ok);
    }
}

#[test]
fn hand_written_hunks() {
    // input "abcdef", output "aXcdefgh": skip 1, xor 'b'^'X', end; the terminator covers 'c';
    // skip 3 more ("def"), then "gh" past the input end.
    let input = b"abcdef";
    let output = b"aXcdefgh";
    let hunks = [(1, vec![b'b' ^ b'X']), (3, b"gh".to_vec())];
    let patch = finish(input, output, &hunks, crc(output));
    assert_eq!(ups::apply(input, &patch).unwrap(), output);
    assert_eq!(ups::info(&patch).unwrap().hunks, 2);
}

#[test]
fn malformed_patches_are_errors() {
    let (_, input, output) = pairs().swap_remove(0);
    let patch = make(&input, &output);
    // Every truncation.
    for len in 0..patch.len() {
        assert!(ups::apply(&input, &patch[..len]).is_err(), "cut at {len}");
    }
    // Bad magic; a bad patch CRC; a bad output CRC.
    let mut bad = patch.clone();
    bad[3] = b'2';
    assert_eq!(ups::apply(&input, &bad), Err(ups::Error::BadMagic));
    let mut bad = patch.clone();
    bad[8] ^= 0x40;
    assert!(matches!(ups::apply(&input, &bad), Err(ups::Error::PatchCrc { .. })));
    let hunks = [(0, vec![1])];
    let bad = finish(&input, &output, &hunks, crc(&output));
    assert!(matches!(ups::apply(&input, &bad), Err(ups::Error::OutputCrc { .. })));
    // A source that is neither end; applied without verification, the output CRC catches it.
    let mut other = input.clone();
    other[0] ^= 1;
    let err = ups::apply(&other, &patch).unwrap_err();
    assert!(matches!(err, ups::Error::WrongSource { .. }), "{err}");
    let lax = ups::Options { verify_source: false };
    assert!(matches!(ups::apply_with(&other, &patch, &lax), Err(ups::Error::OutputCrc { .. })));
    assert_eq!(ups::apply_with(&input, &patch, &lax).unwrap(), output);
    // A hunk without terminator; a hunk past the end of both files.
    let mut bad = finish(b"abc", b"abd", &[(2, vec![7])], crc(b"abd"));
    let at = bad.len() - 13;
    assert_eq!(bad[at], 0);
    bad[at] = 1;
    let end = bad.len() - 4;
    let fixed = crc(&bad[..end]);
    bad[end..].copy_from_slice(&fixed.to_le_bytes());
    assert!(matches!(ups::apply(b"abc", &bad), Err(ups::Error::Unterminated { hunk: 0, .. })));
    let bad = finish(b"abc", b"abd", &[(3, vec![7])], crc(b"abd"));
    let err = ups::apply(b"abc", &bad).unwrap_err();
    assert!(matches!(err, ups::Error::PastEnd { hunk: 0, end: 4, limit: 3, .. }), "{err}");
    let bad = finish(b"abc", b"abd", &[(9, vec![])], crc(b"abd"));
    assert!(matches!(ups::apply(b"abc", &bad), Err(ups::Error::PastEnd { .. })));
    // An output larger than the limit.
    let mut big = b"UPS1".to_vec();
    varint::encode(3, &mut big);
    varint::encode(MAX_OUTPUT + 1, &mut big);
    big.extend_from_slice(&crc(b"abc").to_le_bytes());
    big.extend_from_slice(&0_u32.to_le_bytes());
    let patch_crc = crc(&big);
    big.extend_from_slice(&patch_crc.to_le_bytes());
    assert!(matches!(ups::apply(b"abc", &big), Err(ups::Error::OutputTooLarge { .. })));
    // A number that overflows.
    let mut bad = b"UPS1".to_vec();
    bad.extend_from_slice(&[0; 12]);
    bad.extend_from_slice(&[0; 12]);
    assert!(matches!(ups::info(&bad), Err(ups::Error::Number(_))));
}
