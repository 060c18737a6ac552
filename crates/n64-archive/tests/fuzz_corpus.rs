//! Replays the fuzzer's saved corpus (`fuzz/corpus/archive/*`) through the same target, so a
//! regression on any input the fuzzer found interesting fails `cargo test`.

#[path = "../../../fuzz/src/archive_targets.rs"]
#[allow(unreachable_pub, dead_code, clippy::pedantic)]
mod targets;

#[test]
fn corpus_replays_cleanly() {
    n64_testkit::fuzz::replay_corpus(&targets::TARGETS);
}

#[test]
fn targets_accept_trivial_inputs() {
    for (_, target) in targets::TARGETS {
        for data in [
            &b""[..],
            b"\0",
            &[0xFF; 70],
            b"PK\x03\x04",
            b"PK\x05\x06",
            b"7z\xBC\xAF\x27\x1C",
            b"7z\xBC\xAF\x27\x1C\0\x04",
        ] {
            target(data);
        }
    }
}
