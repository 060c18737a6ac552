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
