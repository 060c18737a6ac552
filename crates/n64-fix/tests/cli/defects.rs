//! Regression tests of the rough edges a new user hit (issue 9, part B), one per defect.

use std::fs;
use std::path::{Path, PathBuf};

use n64_core::ByteOrder;
use n64_testkit::Boot;

use crate::support::*;

/// A ROM whose boot code is made for `cic` (synthetic boot code keyed by CRC32), check code
/// zero.
fn rom_for(cic: Cic, seed: u64) -> Vec<u8> {
    RomBuilder::new(0x8000).boot(Boot::Synthetic(cic)).seed(seed).build()
}

/// B5: a --cic the boot code is not made for is refused (exit 2, nothing written) unless
/// --force; a --cic that agrees, or one for an unknown boot code, is used.
#[test]
fn a_contradicting_cic_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("made-for-6102.z64");
    let be = rom_for(Cic::C6102, 1);
    fs::write(&path, &be).unwrap();
    let out = unchanged(dir.path(), || run(&["crc", "--cic", "6105"], &[&path]));
    assert_eq!(code(&out), 2, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stderr(&out).contains("--cic 6105 contradicts the boot code, which is made for CIC 6102/7101"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains(": fixed"), "{}", stdout(&out));
    // The agreeing kind (7101 is 6102's PAL twin) fixes it.
    let out = run(&["crc", "--cic", "7101"], &[&path]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read(&path).unwrap()[0x10..0x18], oracle(&be));
    // Forced: written for 6105, as asked.
    let out = run(&["crc", "--cic", "6105", "--force"], &[&path]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = fs::read(&path).unwrap();
    assert_eq!(after[0x10..0x18], n64_testkit::cic::oracle_check_code_bytes(&after, Cic::C6105));
    // A 64DD kind is refused when the command line is parsed.
    let out = run(&["crc", "--cic", "8303"], &[&path]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("CIC 8303 is a 64DD kind"), "{}", stderr(&out));
}

/// B4: a --report that cannot be written stops the run before any change; --dry-run --report
/// writes the plan; the report lists failed files and a summary.
#[test]
fn the_report_is_checked_first_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let roms = dir.path().join("roms");
    fs::create_dir(&roms).unwrap();
    fs::write(roms.join("a.v64"), stored(&rom_be(2, 0x4000, "A"), ByteOrder::V64)).unwrap();
    fs::write(roms.join("broken.z64"), &rom_be(3, 0x4000, "B")[..0x800]).unwrap();
    let nowhere = dir.path().join("missing-dir/r.json");
    let out = unchanged(dir.path(), || run(&["normalize", "--report", nowhere.to_str().unwrap()], &[&roms]));
    assert_eq!(code(&out), 2, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot write the report"), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing changed"), "{}", stderr(&out));

    let plan = dir.path().join("plan.json");
    let out = run(&["normalize", "--dry-run", "--report", plan.to_str().unwrap()], &[&roms]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(tree(&roms), [PathBuf::from("a.v64"), PathBuf::from("broken.z64")], "a dry run changes nothing");
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&plan).unwrap()).unwrap();
    assert_eq!(report["dry_run"], true);
    let records = report["records"].as_array().unwrap();
    assert!(records.iter().any(|r| r["type"] == "rom" && r["action"] == "would_change"), "{report}");
    assert!(
        records.iter().any(|r| r["type"] == "error" && r["path"].as_str().unwrap().ends_with("broken.z64")),
        "{report}"
    );
    assert_eq!(report["summary"]["would_change"], 1, "{report}");
    assert_eq!(report["summary"]["errors"], 1, "{report}");
}

/// B4: a report inside the tree being normalised is written (its reserved temporary file is
/// not taken for a stale one), and is then left alone by later runs as another file.
#[test]
fn a_report_inside_the_tree_is_written() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.v64"), stored(&rom_be(12, 0x4000, "A"), ByteOrder::V64)).unwrap();
    let mut command = n64_testkit::run::command(n64_fix_binary());
    command.args(["normalize", "--report", "report.json", "."]).current_dir(dir.path());
    let out = n64_testkit::run::finish(&mut command);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(tree(dir.path()), [PathBuf::from("a.z64"), PathBuf::from("report.json")]);
    let report: serde_json::Value = serde_json::from_slice(&fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["summary"]["changed"], 1, "{report}");
    let out = n64_testkit::run::finish(&mut command);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("0 changed, 1 ok") && out.stdout.contains("1 other file left alone"), "{}", out.stdout);
}

/// B6: normalize leaves the backups `crc --backup` makes alone (they used to become
/// `game.z64.z64`); crc leaves them alone too when it walks the directory again.
#[test]
fn backups_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let game = dir.path().join("game.z64");
    let be = rom_be(4, 0x4000, "BACKED UP");
    fs::write(&game, &be).unwrap();
    let out = run(&["crc", "--cic", "6102", "--backup"], &[&game]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let backup = dir.path().join("game.z64.bak");
    assert_eq!(fs::read(&backup).unwrap(), be);
    let out = run(&["normalize", "--to", "v64"], &[dir.path()]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(tree(dir.path()), [PathBuf::from("game.v64"), PathBuf::from("game.z64.bak")]);
    assert_eq!(fs::read(&backup).unwrap(), be);
    let out = unchanged(&backup, || run(&["crc", "--cic", "6102"], &[dir.path()]));
    assert!(stdout(&out).contains("1 other file left alone"), "{}", stdout(&out));
}

/// B7: a rewrite keeps a sparse file sparse.
#[cfg(unix)]
#[test]
fn sparse_files_stay_sparse() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparse.z64");
    fs::write(&path, rom_be(5, 0x10_1000, "SPARSE")).unwrap();
    fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(64 << 20).unwrap();
    let before = fs::metadata(&path).unwrap();
    assert!(before.blocks() * 512 < 8 << 20, "the file system makes holes");
    let out = run(&["crc", "--cic", "6102"], &[&path]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = fs::metadata(&path).unwrap();
    assert_eq!(after.len(), 64 << 20);
    assert!(after.blocks() * 512 < 8 << 20, "{} KiB allocated after the rewrite", after.blocks() / 2);
}

/// B7: owner and group are kept (where the process may set them: as root).
#[cfg(unix)]
#[test]
fn owner_and_group_are_kept() {
    use std::os::unix::fs::MetadataExt;
    if !n64_testkit::system::may_change_owners() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("owned.v64");
    fs::write(&path, stored(&rom_be(6, 0x4000, "OWNED"), ByteOrder::V64)).unwrap();
    std::os::unix::fs::chown(&path, Some(1000), Some(1000)).unwrap();
    for args in
        [&["crc", "--cic", "6102"][..], &["header", "--title", "MINE"], &["convert", "--to", "n64", "--keep-name"]]
    {
        let out = run(args, &[&path]);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        let meta = fs::metadata(&path).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (1000, 1000), "{args:?}");
    }
    let out = run(&["normalize", "--to", "z64"], &[dir.path()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let meta = fs::metadata(dir.path().join("owned.z64")).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (1000, 1000), "normalize, renamed");
}

/// B8: names and messages show the title's characters, never Rust's `\u{…}` escapes; a game
/// code that is not printable is left out of names.
#[test]
fn no_escapes_in_names_and_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jis.z64");
    let mut be = rom_be(7, 0x4000, "");
    be[0x20..0x34].copy_from_slice(&n64_testkit::rom::encode_title("ﾊﾞｸﾀﾞﾝ"));
    be[0x3B..0x3F].copy_from_slice(b"\0ED\0");
    fs::write(&path, &be).unwrap();
    let out = run(&["header", "--title", "ｿﾞｰﾝ"], &[&path]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("title: \"ﾊﾞｸﾀﾞﾝ\" → \"ｿﾞｰﾝ\""), "{}", stdout(&out));
    assert!(!stdout(&out).contains("\\u{"), "{}", stdout(&out));
    let out = run(&["normalize", "--rename", "{title} {game_code}"], &[dir.path()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("renamed to \"ｿﾞｰﾝ.z64\""), "{}", stdout(&out));
    assert!(!stdout(&out).contains("\\u{") && !stdout(&out).contains("_x00"), "{}", stdout(&out));
    assert_eq!(tree(dir.path()), [PathBuf::from("ｿﾞｰﾝ.z64")]);
}

/// B9: a template that would give every file the same name is refused.
#[test]
fn constant_rename_templates_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.v64"), stored(&rom_be(8, 0x4000, "A"), ByteOrder::V64)).unwrap();
    for template in ["", "collection"] {
        let out = unchanged(dir.path(), || run(&["normalize", "--rename", template], &[dir.path()]));
        assert_eq!(code(&out), 2, "{template:?}");
        assert!(stderr(&out).contains("has no placeholder, so every file would get the same name"), "{}", stderr(&out));
    }
}

/// B14: a rerun of a --rename that had to number a name says nothing and changes nothing.
#[test]
fn a_rename_rerun_is_silent() {
    let dir = tempfile::tempdir().unwrap();
    for (i, order) in [ByteOrder::N64, ByteOrder::V64].into_iter().enumerate() {
        let be = rom_be(9 + i as u64, 0x4000, "SAME");
        fs::write(dir.path().join(format!("{i}.{order}")), stored(&be, order)).unwrap();
    }
    let out = run(&["normalize", "--rename", "{title}"], &[dir.path()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("is taken by another file"), "{}", stdout(&out));
    assert_eq!(tree(dir.path()), [PathBuf::from("SAME (1).z64"), PathBuf::from("SAME.z64")]);
    let out = run(&["normalize", "--rename", "{title}"], &[dir.path()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stdout(&out).contains("taken"), "{}", stdout(&out));
    assert!(stdout(&out).contains(" 0 changed, 2 ok"), "{}", stdout(&out));
}

/// B18: the rule that --savetype needs the game code to keep "ED" is in `header --help`.
#[test]
fn the_homebrew_rule_is_explained() {
    let out = run::<&str>(&["header", "--help"], &[]);
    assert!(stdout(&out).contains("must keep \"ED\""), "{}", stdout(&out));
    let out = run::<&str>(&["header", "-h"], &[]);
    assert!(stdout(&out).contains("?ED?"), "{}", stdout(&out));
}

/// B12: a normalize run leaves nothing behind in the directories it worked on.
#[test]
fn normalize_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(dir.path().join("sub/a.v64"), stored(&rom_be(11, 0x4000, "A"), ByteOrder::V64)).unwrap();
    let out = run(&["normalize"], &[dir.path()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut all: Vec<PathBuf> = Vec::new();
    for entry in walk(dir.path()) {
        all.push(entry);
    }
    assert_eq!(all, [dir.path().join("sub"), dir.path().join("sub/a.z64")]);
}

/// Every entry under `dir`, hidden ones included, sorted.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.push(path.clone());
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}
