//! `n64-fix convert`.

use std::fs;

use n64_core::ByteOrder;

use crate::support::*;

#[test]
fn every_pair_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    // Larger than one stream buffer, and not a multiple of it.
    let be = rom_be(30, (1 << 20) + 0x1004, "ROUND TRIP");
    for from in ByteOrder::ALL {
        for to in ByteOrder::ALL {
            let path = dir.path().join(format!("rt-{from}-{to}.rom"));
            let original = stored(&be, from);
            fs::write(&path, &original).unwrap();
            let out = run(&["convert", "--to", to.name()], &[&path]);
            assert_eq!(code(&out), 0, "{from}->{to}: {}", stderr(&out));
            assert_eq!(fs::read(&path).unwrap(), stored(&be, to), "{from}->{to}");
            if from == to {
                assert!(stdout(&out).contains(&format!("ok (already {to})")), "{}", stdout(&out));
            }
            let out = run(&["convert", "--to", from.name()], &[&path]);
            assert_eq!(code(&out), 0, "{to}->{from}: {}", stderr(&out));
            assert_eq!(fs::read(&path).unwrap(), original, "{from}->{to}->{from}");
        }
    }
}

#[test]
fn odd_sizes_need_pad() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.z64");
    let be = rom_be(31, 0x1003, "ODD");
    fs::write(&path, &be).unwrap();
    let out = run(&["convert", "--to", "n64"], &[&path]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--pad"), "{}", stderr(&out));
    assert_eq!(fs::read(&path).unwrap(), be);
    let out = run(&["convert", "--to", "n64", "--pad"], &[&path]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut padded = be.clone();
    padded.push(0);
    assert_eq!(fs::read(&path).unwrap(), stored(&padded, ByteOrder::N64));
}

#[test]
fn output_file_leaves_the_input_alone() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.v64");
    let out_path = dir.path().join("out.z64");
    let be = rom_be(32, 0x4000, "OUT");
    fs::write(&input, stored(&be, ByteOrder::V64)).unwrap();
    let out = run(&["convert", "--to", "z64", "--dry-run", "-o"], &[&out_path, &input]);
    assert_eq!(code(&out), 1);
    assert!(!out_path.exists());
    let out = run(&["convert", "--to", "z64", "-o"], &[&out_path, &input]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&out_path).unwrap(), be);
    assert_eq!(fs::read(&input).unwrap(), stored(&be, ByteOrder::V64));
    // An existing output needs --force.
    let out = run(&["convert", "--to", "n64", "-o"], &[&out_path, &input]);
    assert_eq!(code(&out), 2);
    assert_eq!(fs::read(&out_path).unwrap(), be);
    let out = run(&["convert", "--to", "n64", "--force", "-o"], &[&out_path, &input]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&out_path).unwrap(), stored(&be, ByteOrder::N64));
    // The input itself as output is refused (hostile.rs also covers links to it).
    let out = run(&["convert", "--to", "z64", "-o"], &[&input, &input]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("output is the input file; omit -o to convert in place"), "{}", stderr(&out));
    assert_eq!(fs::read(&input).unwrap(), stored(&be, ByteOrder::V64));
}
