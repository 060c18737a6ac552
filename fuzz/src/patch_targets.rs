//! Fuzz targets for n64-patch (replayed by `crates/n64-patch/tests/fuzz_corpus.rs`).

/// A fuzz target: takes arbitrary bytes, panics when an invariant fails.
pub type Target = fn(&[u8]);

/// The targets by name.
pub const TARGETS: [(&str, Target); 0] = [];
