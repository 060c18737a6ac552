//! 64DD disk images (built by the kit from the published layout, sparse, at their real sizes):
//! `info`, `check` and `scan` list them as disks; the commands that need a cartridge refuse
//! them with one line and exit 2, changing nothing.

use std::path::Path;

use n64_testkit::disk::{DEVELOPMENT, JAPAN, System, USA, d64_header, disk_id, write_disk, write_sparse};
use n64_testkit::run::Scene;

use crate::support::{n64, n64_binary, unchanged};

const DEC_1999: [u8; 8] = [0x00, 0x19, 0x99, 0x12, 0x01, 0x23, 0x59, 0x00];
const MAR_2000: [u8; 8] = [0x00, 0x20, 0x00, 0x03, 0x15, 0x09, 0x30, 0x45];

/// `disks/` with a Japanese .ndd, a USA MAME image and a development .d64 (one ROM block).
fn write_disks(root: &Path) {
    std::fs::create_dir_all(root).unwrap();
    write_disk(&root.join("japan.ndd"), "ndd", &System::new(JAPAN, 3), &disk_id(b"DMPJ", 0, DEC_1999, b"01"));
    write_disk(&root.join("usa.disk"), "mame", &System::new(USA, 0), &disk_id(b"EFZE", 1, MAR_2000, b"01"));
    let header = d64_header(0, 0, None, &disk_id(b"DEVJ", 2, MAR_2000, b"18"));
    write_sparse(&root.join("master.d64"), 0x4F08, &[(0, header)]);
}

fn scene() -> Scene {
    let scene = Scene::with_fixtures();
    write_disks(&scene.path().join("disks"));
    scene
}

fn transcript(scene: &Scene, args: &[&str]) -> String {
    unchanged(scene.path(), || scene.run(n64_binary(), args).transcript())
}

#[test]
fn snapshot_info_text() {
    let scene = scene();
    insta::assert_snapshot!(transcript(&scene, &["info", "disks/japan.ndd", "disks/usa.disk", "disks/master.d64"]));
}

#[test]
fn snapshot_info_json() {
    let scene = scene();
    insta::assert_snapshot!(transcript(
        &scene,
        &["info", "--json", "disks/japan.ndd", "disks/usa.disk", "disks/master.d64"]
    ));
}

#[test]
fn snapshot_check_text_and_json() {
    let scene = scene();
    std::fs::copy(scene.path().join("roms/6103.z64"), scene.path().join("disks/6103.z64")).unwrap();
    insta::assert_snapshot!(transcript(&scene, &["check", "disks"]));
    insta::assert_snapshot!(transcript(&scene, &["check", "--json", "disks"]));
}

#[test]
fn snapshot_scan_table_json_csv() {
    let scene = scene();
    std::fs::copy(scene.path().join("roms/6103.z64"), scene.path().join("disks/6103.z64")).unwrap();
    insta::assert_snapshot!(transcript(&scene, &["scan", "disks"]));
    insta::assert_snapshot!(transcript(&scene, &["scan", "--json", "disks"]));
    insta::assert_snapshot!(transcript(&scene, &["scan", "--csv", "disks"]));
}

/// The values `info --json` gives, against the bytes the kit wrote (by hand, not by n64-core).
#[test]
fn info_json_values_are_the_written_ones() {
    let dir = tempfile::tempdir().unwrap();
    write_disks(dir.path());
    let dev = dir.path().join("dev.ndd");
    write_disk(&dev, "ndd", &System::new(DEVELOPMENT, 6), &disk_id(b"DEVJ", 0, DEC_1999, b"01"));
    let run = unchanged(dir.path(), || {
        n64([dir.path().join("japan.ndd"), dir.path().join("usa.disk"), dir.path().join("master.d64"), dev.clone()]
            .iter()
            .map(|p| p.as_os_str())
            .fold(vec![std::ffi::OsStr::new("info"), std::ffi::OsStr::new("--json")], |mut v, p| {
                v.push(p);
                v
            }))
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    let records = run.json_lines();
    let field = |i: usize, key: &str| records[i][key].clone();
    let expected = [
        ("ndd", 0x03DE_C800_u64, "japan", 3, "DMPJ", Some(0), 0x10),
        ("mame", 0x0435_B0C0, "usa", 0, "EFZE", Some(0), 0x10),
        ("d64", 0x4F08, "development", 0, "DEVJ", None, 0x00),
        ("ndd", 0x03DE_C800, "development", 6, "DEVJ", Some(2), 0x10),
    ];
    for (i, (format, size, region, disk_type, code, lba, format_type)) in expected.into_iter().enumerate() {
        assert_eq!(field(i, "type"), "disk");
        assert_eq!(field(i, "format"), format);
        assert_eq!(field(i, "size"), size);
        assert_eq!(field(i, "region"), region);
        assert_eq!(field(i, "disk_type"), disk_type);
        assert_eq!(field(i, "format_type"), format_type);
        assert_eq!(field(i, "load_address"), "0x80000400");
        assert_eq!(field(i, "system_lba"), serde_json::json!(lba));
        assert_eq!(records[i]["disk_id"]["game_code"], code);
    }
    assert_eq!(records[0]["disk_id"]["production_time"], "1999-12-01 23:59:00");
    assert_eq!(records[1]["disk_id"]["production_time"], "2000-03-15 09:30:45");
    assert_eq!(records[2]["disk_id"]["company_code"], "18");
    assert_eq!(records[0]["disk_id_lba"], 14);
}

/// A disk-sized file whose system area is all zero (no valid copy) is a one-line error, not a
/// ROM in any byte order; and a .ndd that is zero but for its system area is a disk.
#[test]
fn damaged_and_zero_filled_disks() {
    let dir = tempfile::tempdir().unwrap();
    let zero = dir.path().join("zero.ndd");
    write_sparse(&zero, 0x03DE_C800, &[]);
    let run = unchanged(dir.path(), || n64([std::ffi::OsStr::new("info"), zero.as_os_str()]));
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim_end(),
        format!(
            "n64: {}: damaged 64DD disk image: no valid system data in LBAs 0, 1, 8, 9 (retail) or 2, 3, 10, 11 \
             (development) of a ndd-sized image",
            zero.display()
        )
    );
    for args in [&["check"][..], &["scan"][..], &["hash"][..]] {
        let mut all: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
        all.push(zero.as_os_str());
        let run = n64(all);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains("damaged 64DD disk image"), "{args:?}: {}", run.stderr);
    }
}

/// Every `n64` command that needs a cartridge refuses a disk with one line and exit 2.
#[test]
fn cartridge_commands_refuse_disks() {
    let dir = tempfile::tempdir().unwrap();
    write_disks(dir.path());
    let out = dir.path().join("out");
    for (name, format) in [("japan.ndd", "ndd"), ("usa.disk", "mame"), ("master.d64", "d64")] {
        let disk = dir.path().join(name);
        let d = disk.to_str().unwrap();
        let o = out.to_str().unwrap();
        let patch = dir.path().join("x.ips");
        std::fs::write(&patch, b"PATCHEOF").unwrap();
        let p = patch.to_str().unwrap();
        let commands: [Vec<&str>; 5] = [
            vec!["hash", d],
            vec!["assets", d],
            vec!["extract", d, "-o", o],
            vec!["texture", d, "--offset", "0", "--format", "rgba16", "--width", "8", "--height", "8", "-o", o],
            vec!["patch-info", "--rom", d, p],
        ];
        for args in commands {
            let run = unchanged(dir.path(), || n64(&args));
            assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
            assert_eq!(
                run.stderr.trim_end(),
                format!("n64: {d}: a 64DD disk image ({format}), not a cartridge ROM"),
                "{args:?}"
            );
            assert!(!out.exists());
        }
    }
}
