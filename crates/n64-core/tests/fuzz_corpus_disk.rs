//! Replays the saved corpus of the `disk` fuzz target (`fuzz/corpus/disk/*`).

#[path = "../../../fuzz/src/disk_targets.rs"]
#[allow(unreachable_pub, dead_code, clippy::pedantic)]
mod disk_targets;

#[test]
fn corpus_replays_cleanly() {
    n64_testkit::fuzz::replay_corpus(&disk_targets::TARGETS);
}

#[test]
fn target_accepts_trivial_inputs() {
    for data in [&[][..], &[0][..], &[1][..], &[2][..], &[2, 8, 0x4F, 0, 0][..], &[0xFF; 600][..]] {
        disk_targets::disk_target(data);
    }
}

/// The seeds stand for what their names say: the good ones are disks, the others are not or
/// are damaged.
#[test]
fn seeds_reach_the_parser() {
    let dir = n64_testkit::paths::workspace().join("fuzz/corpus/disk");
    let disk = |name: &str| {
        let data = std::fs::read(dir.join(name)).unwrap();
        let (size, prefix) = disk_targets::image(&data).unwrap();
        n64_core::disk::probe(&prefix, size)
    };
    for name in ["ndd-japan", "mame-usa-lba1", "d64-one-block", "d64-ram", "ndd-spoiled-copy"] {
        assert!(matches!(disk(name), Ok(Some(_))), "{name}: {:?}", disk(name));
    }
    assert_eq!(disk("ndd-spoiled-copy").unwrap().unwrap().system_lba, Some(1));
    for name in ["ndd-bad-magic", "d64-wrong-size", "d64-ram-half"] {
        assert!(disk(name).is_err(), "{name}");
    }
}
