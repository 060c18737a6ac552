//! Every fuzz target of the workspace, by crate. Each crate's targets live in their own file so
//! that crate's corpus replay test (`crates/CRATE/tests/fuzz_corpus.rs`) can include just it.

pub mod archive_targets;
pub mod codec_targets;
pub mod container_targets;
pub mod dat_targets;
pub mod disk_targets;
pub mod patch_targets;
pub mod scan_targets;
pub mod targets;
pub mod texture_targets;

/// A fuzz target: takes arbitrary bytes, panics when an invariant fails.
pub type Target = fn(&[u8]);

/// The target called `name`, from any crate's list.
pub fn find(name: &str) -> Option<Target> {
    targets::TARGETS
        .iter()
        .chain(dat_targets::TARGETS.iter())
        .chain(disk_targets::TARGETS.iter())
        .chain(archive_targets::TARGETS.iter())
        .chain(patch_targets::TARGETS.iter())
        .chain(texture_targets::TARGETS.iter())
        .chain(container_targets::TARGETS.iter())
        .chain(codec_targets::TARGETS.iter())
        .chain(scan_targets::TARGETS.iter())
        .find(|(n, _)| *n == name)
        .map(|&(_, target)| target)
}
