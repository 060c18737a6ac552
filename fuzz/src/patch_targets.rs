//! Fuzz targets for n64-patch (replayed by `crates/n64-patch/tests/fuzz_corpus.rs`).

use n64_patch::{bps, ups};

/// A fuzz target: takes arbitrary bytes, panics when an invariant fails.
pub type Target = fn(&[u8]);

/// The targets by name.
pub const TARGETS: [(&str, Target); 2] = [("patch_bps", patch_bps), ("patch_ups", patch_ups)];

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
