//! Replays the fuzzers' saved corpus (`fuzz/corpus/dat_*/*`) through the same targets, so a
//! regression on any input the fuzzers found interesting fails `cargo test`.

#[path = "../../../fuzz/src/dat_targets.rs"]
#[allow(unreachable_pub, dead_code, clippy::pedantic)]
mod targets;

#[test]
fn corpus_replays_cleanly() {
    n64_testkit::fuzz::replay_corpus(&targets::TARGETS);
}

#[test]
fn targets_accept_the_fixtures_and_trivial_inputs() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut inputs: Vec<Vec<u8>> = vec![vec![], vec![0], vec![0xFF; 70], b"<".to_vec(), b"game (".to_vec()];
    for entry in std::fs::read_dir(data).unwrap().flatten() {
        inputs.push(std::fs::read(entry.path()).unwrap());
    }
    for (_, target) in targets::TARGETS {
        for input in &inputs {
            target(input);
        }
    }
}
