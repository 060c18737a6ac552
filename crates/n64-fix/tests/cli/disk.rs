//! 64DD disk images (built by the kit from the published layout) are no cartridge ROMs: every
//! `n64-fix` command refuses one it is given with one line and exit 2, writing nothing, and
//! goes on with the other files of a batch; in a directory walk a disk is left alone.

use std::ffi::OsStr;
use std::fs;
use std::path::Path;

use n64_testkit::disk::{JAPAN, System, USA, d64_header, disk_id, write_disk, write_sparse};
use n64_testkit::paths::testdata;

use crate::support::*;

const DEC_1999: [u8; 8] = [0x00, 0x19, 0x99, 0x12, 0x01, 0x23, 0x59, 0x00];

fn write_disks(root: &Path) -> [(std::path::PathBuf, &'static str); 3] {
    write_disk(&root.join("japan.ndd"), "ndd", &System::new(JAPAN, 3), &disk_id(b"DMPJ", 0, DEC_1999, b"01"));
    write_disk(&root.join("usa.disk"), "mame", &System::new(USA, 0), &disk_id(b"EFZE", 1, DEC_1999, b"01"));
    write_sparse(
        &root.join("master.d64"),
        0x4F08,
        &[(0, d64_header(0, 0, None, &disk_id(b"DEVJ", 0, DEC_1999, b"01")))],
    );
    [(root.join("japan.ndd"), "ndd"), (root.join("usa.disk"), "mame"), (root.join("master.d64"), "d64")]
}

fn fix(args: &[&OsStr]) -> Output {
    n64_testkit::run::run(n64_fix_binary(), args)
}

#[test]
fn every_command_refuses_a_disk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let disks = write_disks(root);
    fs::write(root.join("x.ips"), b"PATCHEOF").unwrap();
    fs::copy(testdata().join("6103.z64"), root.join("rom.z64")).unwrap();
    let out = root.join("out.bin");
    let (patch, rom, made) = (root.join("x.ips"), root.join("rom.z64"), root.join("p.bps"));
    let (patch, rom, made) = (patch.as_os_str(), rom.as_os_str(), made.as_os_str());
    unchanged(root, || {
        for (disk, format) in &disks {
            let d = disk.as_os_str();
            let commands: Vec<Vec<&OsStr>> = vec![
                vec!["crc".as_ref(), d],
                vec!["crc".as_ref(), "--dry-run".as_ref(), d],
                vec!["convert".as_ref(), "--to".as_ref(), "v64".as_ref(), d],
                vec!["header".as_ref(), "--title".as_ref(), "X".as_ref(), d],
                vec!["pad".as_ref(), "--size".as_ref(), "128M".as_ref(), d],
                vec!["patch".as_ref(), d, patch, "-o".as_ref(), out.as_os_str()],
                vec!["make-patch".as_ref(), d, rom, "-o".as_ref(), made],
                vec!["make-patch".as_ref(), rom, d, "-o".as_ref(), made],
                vec!["normalize".as_ref(), "--dry-run".as_ref(), d],
            ];
            for args in commands {
                let run = fix(&args);
                let err = stderr(&run);
                assert_eq!(code(&run), 2, "{args:?}: {}{err}", stdout(&run));
                assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
                let expected = format!("{}: a 64DD disk image ({format}), not a cartridge ROM", disk.display());
                assert!(err.starts_with("n64-fix: ") && err.contains(&expected), "{args:?}: {err}");
            }
        }
    });
    assert!(!out.exists() && !root.join("p.bps").exists());
}

/// In a batch the ROM beside the disk is fixed; the disk, named, is an error (exit 2) and
/// keeps its bytes and time; walked in a directory, it is left alone (exit 0).
#[test]
fn a_batch_goes_on_past_a_disk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let [(ndd, _), _, (d64, _)] = write_disks(root);
    fs::copy(testdata().join("6102-bad.z64"), root.join("bad.z64")).unwrap();
    let before = (fs::read(&d64).unwrap(), mtime(&d64), mtime(&ndd));
    let run = fix(&["crc".as_ref(), d64.as_os_str(), root.join("bad.z64").as_os_str(), ndd.as_os_str()]);
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert_eq!(stderr(&run).lines().count(), 2, "{}", stderr(&run));
    assert!(stdout(&run).contains("bad.z64"), "{}", stdout(&run));
    assert_ne!(fs::read(root.join("bad.z64")).unwrap(), fs::read(testdata().join("6102-bad.z64")).unwrap());
    assert_eq!((fs::read(&d64).unwrap(), mtime(&d64), mtime(&ndd)), before);

    let run = unchanged(root, || fix(&["crc".as_ref(), "--dry-run".as_ref(), root.as_os_str()]));
    assert_eq!(code(&run), 0, "{}{}", stdout(&run), stderr(&run));
    assert!(stdout(&run).contains("3 other files"), "{}", stdout(&run));
}
