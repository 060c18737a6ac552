//! `n64-fix normalize`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use n64_core::ByteOrder;

use crate::support::*;

const SIZE: usize = 0x6000;

/// A mixed tree: every order, lying extensions, nesting, a non-ROM file and a duplicate.
fn mixed_tree(root: &Path) -> BTreeMap<&'static str, Vec<u8>> {
    let a = rom_be(40, SIZE, "ALPHA");
    let b = rom_be(41, SIZE, "BETA");
    let c = rom_be(42, SIZE, "GAMMA");
    fs::create_dir_all(root.join("sub/deep")).unwrap();
    fs::write(root.join("a.z64"), &a).unwrap();
    fs::write(root.join("sub/b.z64"), stored(&b, ByteOrder::V64)).unwrap();
    fs::write(root.join("sub/deep/c.bin"), stored(&c, ByteOrder::N64)).unwrap();
    fs::write(root.join("sub/dup.V64"), stored(&a, ByteOrder::V64)).unwrap();
    fs::write(root.join("readme.txt"), b"hello").unwrap();
    BTreeMap::from([("a", a), ("b", b), ("c", c)])
}

fn mtimes(root: &Path) -> Vec<(PathBuf, std::time::SystemTime)> {
    tree(root).into_iter().map(|p| (p.clone(), mtime(&root.join(p)))).collect()
}

#[test]
fn a_mixed_tree_is_normalized_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("roms");
    let roms = mixed_tree(&root);
    let a_time = age(&root.join("a.z64"));
    let report = dir.path().join("report.json");
    let out = run(&["normalize", "--report", report.to_str().unwrap()], &[&root]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let expected: Vec<PathBuf> =
        ["a.z64", "readme.txt", "sub/b.z64", "sub/deep/c.z64", "sub/dup.z64"].iter().map(PathBuf::from).collect();
    assert_eq!(tree(&root), expected, "{}", stdout(&out));
    assert_eq!(fs::read(root.join("a.z64")).unwrap(), roms["a"]);
    assert_eq!(mtime(&root.join("a.z64")), a_time);
    assert_eq!(fs::read(root.join("sub/b.z64")).unwrap(), roms["b"]);
    assert_eq!(fs::read(root.join("sub/deep/c.z64")).unwrap(), roms["c"]);
    assert_eq!(fs::read(root.join("sub/dup.z64")).unwrap(), roms["a"]);
    assert_eq!(fs::read(root.join("readme.txt")).unwrap(), b"hello");

    let report: serde_json::Value = serde_json::from_slice(&fs::read(&report).unwrap()).unwrap();
    assert_eq!(report["dry_run"], false);
    let records = report["records"].as_array().unwrap();
    let rom = |name: &str| {
        records.iter().find(|r| r["type"] == "rom" && r["path"].as_str().unwrap().ends_with(name)).unwrap()
    };
    let dup = rom("dup.V64");
    assert!(dup["duplicate_of"].as_str().unwrap().ends_with("a.z64"), "{report}");
    assert!(dup["path_after"].as_str().unwrap().ends_with("sub/dup.z64"), "{report}");
    assert_eq!(dup["action"], "changed");
    assert!(rom("c.bin")["changes"].to_string().contains("converted n64 → z64"), "{report}");
    assert_eq!(rom("a.z64")["action"], "ok");
    assert!(records.iter().any(|r| r["type"] == "other" && r["path"].as_str().unwrap().ends_with("readme.txt")));
    assert_eq!(report["summary"]["changed"], 3, "{report}");
    assert_eq!(report["summary"]["duplicates"], 1, "{report}");

    // A second run changes nothing.
    let before = mtimes(&root);
    let out = run(&["normalize"], &[&root]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains(" 0 changed"), "{}", stdout(&out));
    assert_eq!(mtimes(&root), before);
}

#[test]
fn dry_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    mixed_tree(dir.path());
    let before: Vec<_> = tree(dir.path()).into_iter().map(|p| (fs::read(dir.path().join(&p)).unwrap(), p)).collect();
    let times = mtimes(dir.path());
    let out = run(&["normalize", "--dry-run", "--rename", "{title}"], &[dir.path()]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("would be"), "{}", stdout(&out));
    let after: Vec<_> = tree(dir.path()).into_iter().map(|p| (fs::read(dir.path().join(&p)).unwrap(), p)).collect();
    assert_eq!(after, before);
    assert_eq!(mtimes(dir.path()), times);
}

#[test]
fn rename_from_the_header_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let one = rom_be(50, SIZE, "SAME/TITLE");
    let two = rom_be(51, SIZE, "SAME/TITLE");
    fs::write(dir.path().join("one.n64"), stored(&one, ByteOrder::N64)).unwrap();
    fs::write(dir.path().join("two.v64"), stored(&two, ByteOrder::V64)).unwrap();
    let out = run(&["normalize", "--rename", "{title} [{game_code}]", "--to", "v64"], &[dir.path()]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        tree(dir.path()),
        vec![PathBuf::from("SAME_TITLE [NXXE] (1).v64"), PathBuf::from("SAME_TITLE [NXXE].v64")]
    );
    assert!(stdout(&out).contains("is taken by another file"), "{}", stdout(&out));
    assert_eq!(fs::read(dir.path().join("SAME_TITLE [NXXE].v64")).unwrap(), stored(&one, ByteOrder::V64));
    assert_eq!(fs::read(dir.path().join("SAME_TITLE [NXXE] (1).v64")).unwrap(), stored(&two, ByteOrder::V64));
    let before = mtimes(dir.path());
    let out = run(&["normalize", "--rename", "{title} [{game_code}]", "--to", "v64"], &[dir.path()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(mtimes(dir.path()), before);
    assert!(stdout(&out).contains(" 0 changed"), "{}", stdout(&out));
}

#[test]
fn fix_crc_fixes_known_and_skips_unknown() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("x.v64"), stored(&rom_be(52, SIZE, "X"), ByteOrder::V64)).unwrap();
    let out = run(&["normalize", "--fix-crc"], &[dir.path()]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("check code left alone: unknown boot code"), "{}", stdout(&out));
    assert!(dir.path().join("x.z64").exists());
}

#[test]
fn an_interrupted_move_is_finished_and_stale_temp_files_removed() {
    let dir = tempfile::tempdir().unwrap();
    let be = rom_be(53, SIZE, "MOVED");
    // As if killed after the rename: old and new both there, a marker, and a stale temp file.
    fs::write(dir.path().join("old.v64"), stored(&be, ByteOrder::V64)).unwrap();
    fs::write(dir.path().join("MOVED.z64"), &be).unwrap();
    fs::write(dir.path().join(".n64-fix-tmp-abc123"), &be[..100]).unwrap();
    let out = run(&["normalize", "--rename", "{title}"], &[dir.path()]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    // Without a marker the old file is a duplicate, kept under a free name.
    assert_eq!(tree(dir.path()), vec![PathBuf::from("MOVED (1).z64"), PathBuf::from("MOVED.z64")]);
    assert!(stdout(&out).contains("duplicate of"), "{}", stdout(&out));
}
