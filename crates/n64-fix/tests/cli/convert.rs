//! `n64-fix convert`.

use std::fs;
use std::path::PathBuf;

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
                assert!(stdout(&out).contains(&format!(": already {to}\n")), "{}", stdout(&out));
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
    assert_eq!(fs::read(dir.path().join("odd.n64")).unwrap(), stored(&padded, ByteOrder::N64));
    assert!(!path.exists());
}

/// B15: converting in place gives a .z64/.v64/.n64 name the extension of the new order (in the
/// same case), unless --keep-name; an existing file of that name is never replaced; a file
/// already in the order says so.
#[test]
fn in_place_names_follow_the_order() {
    let dir = tempfile::tempdir().unwrap();
    let be = rom_be(33, 0x4000, "NAMES");
    let game = dir.path().join("game.v64");
    fs::write(&game, stored(&be, ByteOrder::V64)).unwrap();
    let out = run(&["convert", "--to", "z64"], &[&game]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out).lines().next().unwrap(),
        format!("{}: converted v64 → z64, renamed to game.z64", game.display())
    );
    assert_eq!(tree(dir.path()), [PathBuf::from("game.z64")]);
    assert_eq!(fs::read(dir.path().join("game.z64")).unwrap(), be);

    // Upper case stays upper case; --keep-name keeps the name.
    let upper = dir.path().join("UPPER.Z64");
    fs::write(&upper, &be).unwrap();
    assert_eq!(code(&run(&["convert", "--to", "n64"], &[&upper])), 0);
    assert!(dir.path().join("UPPER.N64").exists());
    let kept = dir.path().join("kept.z64");
    fs::write(&kept, &be).unwrap();
    assert_eq!(code(&run(&["convert", "--to", "v64", "--keep-name"], &[&kept])), 0);
    assert_eq!(fs::read(&kept).unwrap(), stored(&be, ByteOrder::V64));

    // The new name is taken: refused, nothing changed.
    let other = dir.path().join("other.v64");
    fs::write(&other, stored(&be, ByteOrder::V64)).unwrap();
    fs::write(dir.path().join("other.z64"), b"precious").unwrap();
    let out = unchanged(dir.path(), || run(&["convert", "--to", "z64"], &[&other]));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("other.z64 already exists; nothing changed (pass --keep-name"), "{}", stderr(&out));

    // Already in the order: said so, nothing written.
    let out = unchanged(dir.path(), || run(&["convert", "--to", "z64"], &[dir.path().join("game.z64")]));
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("game.z64: already z64\n"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("converted z64 → z64"), "{}", stdout(&out));
    // Already in the order, to an output file: a copy, said so.
    let copy = dir.path().join("copy.z64");
    let out = run(&["convert", "--to", "z64", "-o"], &[&copy, &dir.path().join("game.z64")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("already z64; copied to {}", copy.display())), "{}", stdout(&out));
    assert_eq!(fs::read(&copy).unwrap(), be);
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
