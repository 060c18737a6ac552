//! Replays the fuzzer's saved corpus (`fuzz/corpus/archive/*`) through the same target, so a
//! regression on any input the fuzzer found interesting fails `cargo test`.

#[path = "../../../fuzz/src/archive_targets.rs"]
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
