//! Replays the fuzzers' saved corpus (`fuzz/corpus/dat_*/*`) through the same targets, so a
//! regression on any input the fuzzers found interesting fails `cargo test`.

#[path = "../../../fuzz/src/dat_targets.rs"]
#[allow(unreachable_pub, dead_code, clippy::pedantic)]
mod targets;

#[test]
fn corpus_replays_cleanly() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let mut replayed = 0;
    for (name, target) in targets::TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(name)) else { continue };
        for entry in entries.flatten() {
            let data = std::fs::read(entry.path()).unwrap();
            target(&data);
            replayed += 1;
        }
    }
    // Seeds are committed for every target, so an empty replay means the corpus went missing.
    assert!(replayed >= targets::TARGETS.len(), "replayed only {replayed} inputs from {}", root.display());
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
