//! Integration tests of `n64-fix`: the binary run on ROMs built here, checked byte by byte and
//! against an independent check code implementation (`ipl3checksum`).

#[path = "cli/support.rs"]
mod support;

#[path = "cli/atomic_fault.rs"]
mod atomic_fault;
#[path = "cli/convert.rs"]
mod convert;
#[path = "cli/crc.rs"]
mod crc;
#[path = "cli/header.rs"]
mod header;
#[path = "cli/hostile.rs"]
mod hostile;
#[path = "cli/kill.rs"]
mod kill;
#[path = "cli/normalize.rs"]
mod normalize;
#[path = "cli/real_roms.rs"]
mod real_roms;

#[test]
fn clap_definitions_are_consistent() {
    n64_fix::command().debug_assert();
}

#[test]
fn completions_and_man_page() {
    let out = support::run::<&str>(&["completions", "bash"], &[]);
    assert_eq!(support::code(&out), 0);
    assert!(support::stdout(&out).contains("_n64__fix()"));
    let out = support::run::<&str>(&["man"], &[]);
    assert_eq!(support::code(&out), 0);
    assert!(support::stdout(&out).contains(".TH n64-fix"));
}
