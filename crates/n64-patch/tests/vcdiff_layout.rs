//! VCDIFF patches written by hand from RFC 3284's layout (not by any encoder): segments, the
//! default code table's instructions, overlapping copies, and every malformed kind.

use n64_patch::MAX_OUTPUT;
use n64_patch::vcdiff::{self, Error};

fn varint(mut value: u64, out: &mut Vec<u8>) {
    let mut groups = vec![u8::try_from(value & 0x7F).unwrap()];
    value >>= 7;
    while value != 0 {
        groups.push(u8::try_from(value & 0x7F).unwrap() | 0x80);
        value >>= 7;
    }
    out.extend(groups.iter().rev());
}

/// A window: `segment` is (indicator bit, length, position).
fn window(
    segment: Option<(u8, u64, u64)>,
    target_len: u64,
    data: &[u8],
    inst: &[u8],
    addr: &[u8],
    adler: Option<u32>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut indicator = segment.map_or(0, |s| s.0);
    if adler.is_some() {
        indicator |= 4;
    }
    out.push(indicator);
    if let Some((_, len, pos)) = segment {
        varint(len, &mut out);
        varint(pos, &mut out);
    }
    let mut delta = Vec::new();
    varint(target_len, &mut delta);
    delta.push(0);
    for section in [data, inst, addr] {
        varint(section.len() as u64, &mut delta);
    }
    if let Some(adler) = adler {
        delta.extend(adler.to_be_bytes());
    }
    for section in [data, inst, addr] {
        delta.extend_from_slice(section);
    }
    varint(delta.len() as u64, &mut out);
    out.extend(delta);
    out
}

fn patch(windows: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![0xD6, 0xC3, 0xC4, 0x00, 0x00];
    for w in windows {
        out.extend_from_slice(w);
    }
    out
}

/// The default code table: ADD of size 1..=17 is code 1 + size; COPY of size 4..=18 in mode m
/// is 20 + 16 m + size - 4; RUN with an explicit size is 0.
const fn add(size: u8) -> u8 {
    1 + size
}
const fn copy(mode: u8, size: u8) -> u8 {
    20 + 16 * mode + size - 4
}

#[test]
fn add_run_and_overlapping_copy() {
    // ADD "ab", COPY 6 bytes from "here - 2" (mode 1): "abababab"; RUN 5 of 'z'.
    let w = window(None, 13, b"abz", &[add(2), copy(1, 6), 0, 5], &[2], None);
    assert_eq!(vcdiff::apply(&[], &patch(&[w])).unwrap(), b"ababababzzzzz");
}

#[test]
fn a_copy_runs_from_the_source_segment_into_the_target() {
    // Source segment "xyz" (source bytes 2..5); COPY 6 from address 0: "xyz" then "xyz" again.
    let w = window(Some((1, 3, 2)), 6, b"", &[copy(0, 6)], &[0], None);
    assert_eq!(vcdiff::apply(b"..xyz..", &patch(&[w])).unwrap(), b"xyzxyz");
}

#[test]
fn a_target_segment_reads_earlier_output() {
    let first = window(None, 5, b"hello", &[add(5)], &[], None);
    let second = window(Some((2, 4, 1)), 4, b"", &[copy(0, 4)], &[0], None);
    assert_eq!(vcdiff::apply(&[], &patch(&[first, second])).unwrap(), b"helloello");
    // A target segment past the output so far.
    let bad = window(Some((2, 6, 0)), 4, b"", &[copy(0, 4)], &[0], None);
    let first = window(None, 5, b"hello", &[add(5)], &[], None);
    assert!(matches!(vcdiff::apply(&[], &patch(&[first, bad])), Err(Error::SegmentOutOfRange { kind: "target", .. })));
}

#[test]
fn near_and_same_caches() {
    // Source "0123456789"; COPY 4 @2 (self), COPY 4 @2 via near[0] + 0 (mode 2), COPY 4 @2 via
    // same cache (mode 6, byte 2 % 768 = 2).
    let w = window(Some((1, 10, 0)), 12, b"", &[copy(0, 4), copy(2, 4), copy(6, 4)], &[2, 0, 2], None);
    assert_eq!(vcdiff::apply(b"0123456789", &patch(&[w])).unwrap(), b"234523452345");
}

#[test]
fn the_adler32_is_checked() {
    let good = window(None, 5, b"hello", &[add(5)], &[], Some(0x062C_0215));
    assert_eq!(vcdiff::apply(&[], &patch(&[good])).unwrap(), b"hello");
    let bad = window(None, 5, b"hello", &[add(5)], &[], Some(0x062C_0216));
    assert_eq!(
        vcdiff::apply(&[], &patch(&[bad])),
        Err(Error::Checksum { window: 0, expected: 0x062C_0216, actual: 0x062C_0215 })
    );
}

#[test]
fn too_large_outputs_are_refused_before_allocating() {
    // One RUN window of MAX_OUTPUT + 1 bytes.
    let mut inst = vec![0];
    varint(MAX_OUTPUT + 1, &mut inst);
    let w = window(None, MAX_OUTPUT + 1, b"z", &inst, &[], None);
    assert!(matches!(vcdiff::apply(&[], &patch(&[w])), Err(Error::TooLarge { window: 0, .. })));
    // Two windows that together exceed it.
    let half = MAX_OUTPUT / 2 + 1;
    let mut inst = vec![0];
    varint(half, &mut inst);
    let w = window(None, half, b"z", &inst, &[], None);
    let err = vcdiff::apply(&[], &patch(&[w.clone(), w])).unwrap_err();
    assert!(matches!(err, Error::TooLarge { window: 1, .. }), "{err}");
}

#[test]
fn malformed_patches() {
    let ok = window(None, 2, b"hi", &[add(2)], &[], None);
    assert_eq!(vcdiff::apply(&[], &patch(std::slice::from_ref(&ok))).unwrap(), b"hi");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("bad magic", b"PATCH".to_vec()),
        ("empty", Vec::new()),
        ("version 1", vec![0xD6, 0xC3, 0xC4, 0x01, 0x00]),
        ("unknown header bits", vec![0xD6, 0xC3, 0xC4, 0x00, 0x08]),
        ("unknown secondary id", vec![0xD6, 0xC3, 0xC4, 0x00, 0x01, 0x07]),
        ("custom code table", vec![0xD6, 0xC3, 0xC4, 0x00, 0x02, 0x00]),
        ("app header past the end", vec![0xD6, 0xC3, 0xC4, 0x00, 0x04, 0x10, b'a']),
        ("trailing garbage", [patch(std::slice::from_ref(&ok)), vec![0x00]].concat()),
        ("source segment past the source", patch(&[window(Some((1, 4, 0)), 2, b"", &[copy(0, 4)], &[0], None)])),
        ("copy address at here", patch(&[window(None, 4, b"ab", &[add(2), copy(0, 4)], &[2], None)])),
        ("size past the window", patch(&[window(None, 1, b"hi", &[add(2)], &[], None)])),
        ("short of the window", patch(&[window(None, 3, b"hi", &[add(2)], &[], None)])),
        ("unused data", patch(&[window(None, 2, b"hi!", &[add(2)], &[], None)])),
        ("add past the data", patch(&[window(None, 2, b"h", &[add(2)], &[], None)])),
        ("compressed without a compressor", {
            let mut w = ok.clone();
            w[3] = 1; // the delta indicator, after indicator, delta length and target length
            patch(&[w])
        }),
        ("over-long varint", patch(&[vec![0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]])),
        ("delta length disagrees", {
            let mut w = ok.clone();
            w[1] += 1;
            patch(&[w, vec![0]])
        }),
    ];
    for (what, bytes) in cases {
        let err = vcdiff::apply(b"source", &bytes).expect_err(what);
        let message = err.to_string();
        assert!(
            !message.is_empty() && message == message.to_lowercase() || message.contains("DJW"),
            "{what}: {message}"
        );
    }
    assert!(matches!(
        vcdiff::apply(&[], &[0xD6, 0xC3, 0xC4, 0x00, 0x02, 0x00]),
        Err(Error::UnsupportedCodeTable { .. })
    ));
    assert_eq!(vcdiff::apply(&[], b"PATCH"), Err(Error::BadMagic));
}

#[test]
fn a_patch_without_windows_is_truncated() {
    assert_eq!(vcdiff::apply(b"rom", &patch(&[])), Err(Error::NoWindows { offset: 5 }));
    // An empty target is one empty window, as xdelta3 writes it.
    let empty = window(None, 0, b"", &[], &[], Some(1));
    assert_eq!(vcdiff::apply(b"rom", &patch(&[empty])).unwrap(), b"");
}
