//! Replaying the fuzzers' saved corpus (`fuzz/corpus/TARGET/*`) through the same target
//! functions, so a regression on any input the fuzzers found interesting fails `cargo test`.

/// A fuzz target: arbitrary bytes in, a panic when an invariant fails.
pub type Target = fn(&[u8]);

/// Runs every saved input of each target's corpus through it; returns how many ran.
///
/// # Panics
///
/// When a target panics (an invariant failed), or when fewer inputs than targets were found:
/// seeds are committed for every target, so an empty replay means the corpus went missing.
pub fn replay_corpus(targets: &[(&str, Target)]) -> usize {
    let root = crate::paths::workspace().join("fuzz/corpus");
    let mut replayed = 0;
    for (name, target) in targets {
        let Ok(entries) = std::fs::read_dir(root.join(name)) else { continue };
        for entry in entries.flatten() {
            let data = std::fs::read(entry.path()).unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
            target(&data);
            replayed += 1;
        }
    }
    assert!(replayed >= targets.len(), "replayed only {replayed} inputs from {}", root.display());
    replayed
}
