//! Replays the fuzzers' saved corpus (`fuzz/corpus/TARGET/*`) through the same targets, so a
//! regression on any input the fuzzers found interesting fails `cargo test`.

#[path = "../../../fuzz/src/targets.rs"]
#[allow(unreachable_pub, dead_code, clippy::pedantic)]
mod targets;

#[test]
fn corpus_replays_cleanly() {
    n64_testkit::fuzz::replay_corpus(&targets::TARGETS);
}

#[test]
fn targets_accept_trivial_inputs() {
    for (_, target) in targets::TARGETS {
        for data in [&[][..], &[0][..], &[0xFF; 70][..], &[0x80, 0x37, 0x12, 0x40][..]] {
            target(data);
        }
    }
}
