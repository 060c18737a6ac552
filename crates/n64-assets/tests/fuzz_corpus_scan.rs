//! Replays the fuzzers' saved corpus for n64-assets' scanner.

#[path = "../../../fuzz/src/scan_targets.rs"]
#[allow(unreachable_pub, dead_code, clippy::pedantic)]
mod targets;

#[test]
fn corpus_replays_cleanly() {
    n64_testkit::fuzz::replay_corpus(&targets::TARGETS);
}
