//! Fuzz targets for n64-patch (replayed by `crates/n64-patch/tests/fuzz_corpus.rs`).

/// A fuzz target: takes arbitrary bytes, panics when an invariant fails.
pub type Target = fn(&[u8]);

/// The targets by name.
pub const TARGETS: [(&str, Target); 1] = [("patch_vcdiff", patch_vcdiff)];

/// Splits a fuzz input into a small source (its length in the first byte) and a patch.
fn carve(data: &[u8]) -> (&[u8], &[u8]) {
    let Some((&len, rest)) = data.split_first() else { return (&[], &[]) };
    rest.split_at(usize::from(len).min(rest.len()))
}

/// VCDIFF: `info` and `apply` never panic; an applied patch gives exactly the size `info` says.
fn patch_vcdiff(data: &[u8]) {
    let (source, patch) = carve(data);
    let info = n64_patch::vcdiff::info(patch);
    if let Ok(out) = n64_patch::vcdiff::apply(source, patch) {
        let info = info.expect("info fails on a patch that applies");
        assert_eq!(out.len() as u64, info.target_size);
        assert!(out.len() as u64 <= n64_patch::MAX_OUTPUT);
    }
}
