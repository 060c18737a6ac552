//! Fuzz targets for n64-patch (replayed by `crates/n64-patch/tests/fuzz_corpus.rs`).

use n64_core::ByteOrder;
use n64_patch::rom::{RomOptions, SourceMatch, apply_to_rom, source_match};
use n64_patch::{Format, MAX_OUTPUT, aps, bps, ips, ups};

/// A fuzz target: takes arbitrary bytes, panics when an invariant fails.
pub type Target = fn(&[u8]);

/// The targets by name.
pub const TARGETS: [(&str, Target); 6] = [
    ("patch_ips", patch_ips),
    ("patch_aps", patch_aps),
    ("patch_vcdiff", patch_vcdiff),
    ("patch_bps", patch_bps),
    ("patch_ups", patch_ups),
    ("patch_rom", patch_rom),
];

/// Outputs up to this size are re-encoded with `ips::create` and applied again.
const ROUND_TRIP_LEN: usize = 1 << 20;

/// Splits the input: byte 0 is the source's length, byte 1 a selector for the target, then
/// the source, then the rest (the patch, after the prefix the selector picks).
fn carve(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&len, rest) = data.split_first()?;
    let (&selector, rest) = rest.split_first()?;
    let len = usize::from(len).min(rest.len());
    let (source, rest) = rest.split_at(len);
    Some((selector, source, rest))
}

/// Applies the rest of the input as an IPS or IPS32 patch (with `PATCH`, `IPS32` or nothing
/// prepended, as byte 1 says) to a source carved from the input.
///
/// Invariants: no panic; `apply` fails exactly when `info` does; an output is at most
/// `MAX_OUTPUT` and has the size `info` implies; `create(source, output)`, when it succeeds,
/// gives a patch that turns the source into that output, and it fails only for a change at or
/// beyond 16 MiB; `create(source, rest)` always round-trips.
pub fn patch_ips(data: &[u8]) {
    let Some((selector, source, rest)) = carve(data) else { return };
    let prefix: &[u8] = match selector % 3 {
        0 => b"",
        1 => b"PATCH",
        _ => b"IPS32",
    };
    let patch = [prefix, rest].concat();
    let applied = ips::apply(source, &patch);
    let info = ips::info(&patch);
    assert_eq!(applied.is_ok(), info.is_ok(), "apply and info disagree: {applied:?} / {info:?}");
    if let (Ok(output), Ok(info)) = (&applied, &info) {
        assert!(output.len() as u64 <= MAX_OUTPUT);
        let expected = match info.truncation {
            Some(size) => size as usize,
            None => info.highest_offset.map_or(0, |h| h as usize + 1).max(source.len()),
        };
        assert_eq!(output.len(), expected, "output size");
        if output.len() <= ROUND_TRIP_LEN {
            round_trip(source, output);
        }
    }
    round_trip(source, rest);
}

/// `create` then `apply` gives the target back (every target here is under 16 MiB).
fn round_trip(source: &[u8], target: &[u8]) {
    let patch = ips::create(source, target).expect("a target under 16 MiB always has an ips patch");
    let back = ips::apply(source, &patch).expect("a created patch applies");
    assert!(back == target, "create/apply does not round-trip");
    ips::info(&patch).expect("a created patch reads");
}

/// Applies the rest of the input as an APS patch (with nothing, a simple header start or an N64
/// header start prepended, as byte 1 says; bit 0 of it turns source verification off) to a
/// source carved from the input.
///
/// Invariants: no panic; without verification `apply_with` fails exactly when `info` does; an
/// output has the declared output size; warnings come only from an N64 patch with
/// verification on.
pub fn patch_aps(data: &[u8]) {
    let Some((selector, source, rest)) = carve(data) else { return };
    let prefix: &[u8] = match (selector >> 1) % 3 {
        0 => b"",
        1 => b"APS10\x00\x00",
        _ => b"APS10\x01\x00",
    };
    let verify_source = selector & 1 == 0;
    let patch = [prefix, rest].concat();
    let applied = aps::apply_with(source, &patch, &aps::Options { verify_source });
    let info = aps::info(&patch);
    if !verify_source {
        assert_eq!(applied.is_ok(), info.is_ok(), "apply and info disagree: {applied:?} / {info:?}");
    }
    if let Ok(applied) = applied {
        let info = info.expect("an applied patch reads");
        assert_eq!(applied.output.len() as u64, u64::from(info.output_size));
        assert!(applied.warnings.is_empty() || (verify_source && info.n64.is_some()));
    }
}

/// Splits a fuzz input into a small source (its length in the first byte) and a patch.
fn carve_source(data: &[u8]) -> (&[u8], &[u8]) {
    let Some((&len, rest)) = data.split_first() else { return (&[], &[]) };
    rest.split_at(usize::from(len).min(rest.len()))
}

/// VCDIFF: `info` and `apply` never panic; an applied patch gives exactly the size `info` says.
fn patch_vcdiff(data: &[u8]) {
    let (source, patch) = carve_source(data);
    let info = n64_patch::vcdiff::info(patch);
    if let Ok(out) = n64_patch::vcdiff::apply(source, patch) {
        let info = info.expect("info fails on a patch that applies");
        assert_eq!(out.len() as u64, info.target_size);
        assert!(out.len() as u64 <= n64_patch::MAX_OUTPUT);
    }
}

/// Outputs larger than this are only inspected, not built (keeps the fuzzer fast).
const BUILD_LIMIT: u64 = 1 << 22;

/// Splits the input: the first byte's low 7 bits give the source length, carved from the bytes
/// after it; the rest is the patch. The first byte's top bit asks for the patch CRC32 in the
/// footer to be recomputed, so that the fuzzer gets past it.
fn split(data: &[u8]) -> Option<(&[u8], Vec<u8>)> {
    let (&first, rest) = data.split_first()?;
    let n = usize::from(first & 0x7f).min(rest.len());
    let (source, patch) = rest.split_at(n);
    let mut patch = patch.to_vec();
    if first & 0x80 != 0 && patch.len() >= 4 {
        let end = patch.len() - 4;
        let crc = crc32(&patch[..end]);
        patch[end..].copy_from_slice(&crc.to_le_bytes());
    }
    Some((source, patch))
}

/// BPS: inspecting and applying (with and without source verification) never panics, a
/// success has the declared size, and `create` round-trips the patch bytes taken as a target.
pub fn patch_bps(data: &[u8]) {
    let Some((source, patch)) = split(data) else { return };
    let info = bps::info(&patch);
    if let Err(e) = &info {
        let _ = e.to_string();
    }
    if info.as_ref().is_ok_and(|i| i.target_size > BUILD_LIMIT) {
        return;
    }
    for verify_source in [false, true] {
        match bps::apply_with(source, &patch, &bps::Options { verify_source }) {
            Ok(out) => {
                let info = info.as_ref().expect("an applied patch has info");
                assert_eq!(out.len() as u64, info.target_size);
                assert_eq!(crc32(&out), info.target_crc32);
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    let made = bps::create(source, &patch, b"fuzz");
    assert_eq!(bps::apply(source, &made).as_deref(), Ok(&patch[..]), "create round-trips");
    let made_info = bps::info(&made).expect("our own patch has info");
    assert!(made_info.patch_crc32_ok);
}

/// UPS: inspecting and applying (with and without source verification) never panics, a
/// success has the declared size, and applying back gives the source.
pub fn patch_ups(data: &[u8]) {
    let Some((source, patch)) = split(data) else { return };
    let info = ups::info(&patch);
    if let Err(e) = &info {
        let _ = e.to_string();
    }
    if info.as_ref().is_ok_and(|i| i.input_size.max(i.output_size) > BUILD_LIMIT) {
        return;
    }
    for verify_source in [false, true] {
        match ups::apply_with(source, &patch, &ups::Options { verify_source }) {
            Ok(out) => {
                let info = info.as_ref().expect("an applied patch has info");
                let sizes = [info.input_size, info.output_size];
                assert!(sizes.contains(&(out.len() as u64)));
                if verify_source {
                    // The patch took us from one end to the other: back again gives the source,
                    // unless it does not carry the bytes a shrinking patch dropped.
                    match ups::apply(&out, &patch) {
                        Ok(back) => assert_eq!(back, source, "applying back gives the source"),
                        Err(e) => assert!(matches!(e, ups::Error::OutputCrc { .. }), "{e}"),
                    }
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
}

/// Patching a ROM in any byte order (`n64_patch::rom`): byte 1 picks the magic prepended (none
/// or one of every format's), a given order and `force`; the patch CRC32 of BPS and UPS is
/// recomputed as in [`split`].
///
/// Invariants: no panic; `apply_to_rom` fails when `source_match` does; a success without
/// `force` follows what `source_match` found (the order, the kind of source check); its output
/// is the format's own `apply`, in that order, converted back to big-endian.
pub fn patch_rom(data: &[u8]) {
    let Some((selector, source, rest)) = carve(data) else { return };
    let magic: &[u8] = match selector % 7 {
        0 => b"",
        n => Format::ALL[usize::from(n - 1)].magic(),
    };
    let given = match (selector / 7) % 4 {
        0 => None,
        n => Some(ByteOrder::ALL[usize::from(n - 1)]),
    };
    let force = selector >= 128;
    let mut patch = [magic, rest].concat();
    if (patch.starts_with(b"BPS1") || patch.starts_with(b"UPS1")) && patch.len() >= 4 {
        let end = patch.len() - 4;
        let crc = crc32(&patch[..end]);
        patch[end..].copy_from_slice(&crc.to_le_bytes());
    }
    let found = source_match(&patch, source, given);
    let options = RomOptions { order: given, force };
    let result = apply_to_rom(source, &patch, &options);
    if let Err(e) = &result {
        let _ = e.to_string();
    }
    let Ok((output, step)) = result else { return };
    assert!(output.len() as u64 <= MAX_OUTPUT);
    let found = found.expect("an applied patch was matched");
    match found {
        SourceMatch::Matches { order, reverse, .. } => assert_eq!((step.order, step.reverse), (order, reverse)),
        SourceMatch::NotCarried { order, .. } => assert_eq!(step.order, order),
        SourceMatch::NoMatch { .. } => assert!(force, "a source that matches in no order was refused"),
    }
    if step.reverse {
        return;
    }
    let mut in_order = source.to_vec();
    n64_core::convert(&mut in_order, ByteOrder::Z64, step.order).expect("the source fits the order");
    let options = n64_patch::Options { verify_source: false };
    let mut expected = n64_patch::apply(step.format, &in_order, &patch, &options).expect("applies again").output;
    n64_core::convert(&mut expected, step.order, ByteOrder::Z64).expect("the output fits the order");
    assert_eq!(output, expected, "the output is the format's own, converted");
}

/// CRC32 (IEEE), bit by bit: the fuzz crate has no CRC dependency of its own.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0_u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
