//! BPS `create` against `xdelta3 -e -9 -S none` on synthetic 8 MiB ROM pairs: scattered small
//! edits, an inserted block (shifting the rest), a moved block. Prints sizes and times.
//!
//! `cargo run --release -p n64-patch --example bps_size [MIB]`

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used, reason = "a measuring program")]

use std::process::Command;
use std::time::Instant;

use n64_patch::bps;
use n64_testkit::{Rng, RomBuilder};

fn main() {
    let mib: usize = std::env::args().nth(1).map_or(8, |a| a.parse().expect("a size in MiB"));
    let len = mib << 20;
    let source = RomBuilder::new(len).seed(11).build();
    let mut rng = Rng(42);
    let pairs = [
        ("scattered edits", scattered(&source, &mut rng)),
        ("inserted block", inserted(&source, &mut rng)),
        ("moved block", moved(&source)),
    ];
    let dir = tempfile::tempdir().unwrap();
    let xdelta = n64_testkit::tools::xdelta3();
    println!("{mib} MiB source; sizes in bytes, times in seconds");
    println!("{:<16} {:>10} {:>8} {:>10} {:>8}", "pair", "bps", "time", "xdelta3", "time");
    for (name, target) in pairs {
        let start = Instant::now();
        let patch = bps::create(&source, &target, b"");
        let ours = start.elapsed().as_secs_f64();
        assert_eq!(bps::apply(&source, &patch).unwrap(), target, "{name}: the patch applies");
        let (theirs, theirs_time) = xdelta.as_ref().map_or((0, 0.0), |tool| {
            let (src, tgt, out) = (dir.path().join("src"), dir.path().join("tgt"), dir.path().join("out"));
            std::fs::write(&src, &source).unwrap();
            std::fs::write(&tgt, &target).unwrap();
            let _ = std::fs::remove_file(&out);
            let start = Instant::now();
            let status = Command::new(tool)
                .args(["-e", "-9", "-S", "none", "-s"])
                .arg(&src)
                .arg(&tgt)
                .arg(&out)
                .status()
                .unwrap();
            assert!(status.success());
            (std::fs::metadata(&out).unwrap().len(), start.elapsed().as_secs_f64())
        });
        println!("{name:<16} {:>10} {ours:>8.3} {theirs:>10} {theirs_time:>8.3}", patch.len());
    }
}

/// 1000 edits of 1 to 16 bytes at random offsets.
fn scattered(source: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut target = source.to_vec();
    for _ in 0..1000 {
        let at = usize::try_from(rng.below(source.len() as u64 - 16)).unwrap();
        let n = usize::try_from(rng.below(16)).unwrap() + 1;
        for byte in &mut target[at..at + n] {
            *byte ^= 0x5a;
        }
    }
    target
}

/// 64 KiB of new bytes inserted at 3/8 of the ROM, shifting the rest.
fn inserted(source: &[u8], rng: &mut Rng) -> Vec<u8> {
    let at = source.len() / 8 * 3;
    let mut target = source[..at].to_vec();
    target.extend_from_slice(&rng.bytes(64 << 10));
    target.extend_from_slice(&source[at..]);
    target
}

/// 256 KiB moved from 1/8 of the ROM to 6/8.
fn moved(source: &[u8]) -> Vec<u8> {
    let (from, len, to) = (source.len() / 8, 256 << 10, source.len() / 8 * 6);
    let mut target = source[..from].to_vec();
    target.extend_from_slice(&source[from + len..to + len]);
    target.extend_from_slice(&source[from..from + len]);
    target.extend_from_slice(&source[to + len..]);
    assert_eq!(target.len(), source.len());
    target
}
