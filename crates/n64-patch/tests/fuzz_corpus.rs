//! Replays the fuzzers' saved corpus (`fuzz/corpus/patch_*/*`) through the same targets.

#[path = "../../../fuzz/src/patch_targets.rs"]
#[allow(unreachable_pub, dead_code, clippy::pedantic)]
mod targets;

#[test]
fn corpus_replays_cleanly() {
    n64_testkit::fuzz::replay_corpus(&targets::TARGETS);
}
