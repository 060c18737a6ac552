//! Real ROMs from `$N64_ROM_DIR` (files nobody on this project made): every file inspects
//! without error, agrees with `EXPECTED.json` where listed, converts through every order it can
//! and back to identical bytes, and a fix of a valid ROM changes nothing. Skipped when the
//! variable is not set; `.ci/run` points it at `../shared/data/roms`.

use std::path::{Path, PathBuf};

use crate::support::{code, mtime, run, run_n64, stderr, stdout};

fn rom_dir() -> Option<PathBuf> {
    n64_testkit::paths::real_rom_dir()
}

fn roms(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "md" | "txt")))
        .collect();
    files.sort();
    files
}

#[test]
fn every_real_rom_inspects_checks_converts_and_stays_valid() {
    let Some(dir) = rom_dir() else { return };
    let expected: serde_json::Value = std::fs::read_to_string(dir.join("EXPECTED.json"))
        .map_or(serde_json::Value::Null, |text| serde_json::from_str(&text).expect("EXPECTED.json is JSON"));
    let files = roms(&dir);
    assert!(!files.is_empty(), "no ROMs in {}", dir.display());
    let work = tempfile::tempdir().unwrap();
    for source in files {
        let name = source.file_name().unwrap().to_string_lossy().into_owned();
        let path = work.path().join(&name);
        std::fs::copy(&source, &path).unwrap();
        let mut permissions = std::fs::metadata(&path).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false); // the copies are ours; the originals may be read-only
        std::fs::set_permissions(&path, permissions).unwrap();
        let original = std::fs::read(&path).unwrap();

        // n64 info: no error, and what the independent tools reported.
        let info = run_n64(["info".as_ref(), "--json".as_ref(), path.as_os_str()]);
        assert!(code(&info) == 0, "{name}: {}", stderr(&info));
        let record: serde_json::Value = serde_json::from_str(stdout(&info).trim()).unwrap();
        if let Some(facts) = expected.get(&name) {
            assert_eq!(record["format"], facts["format"], "{name}");
            assert_eq!(record["size"], facts["size"], "{name}");
            assert_eq!(record["cic"], facts["cic"], "{name}");
            assert_eq!(record["boot_code"], facts["boot_code"], "{name}");
            assert_eq!(record["check_code"]["stored"], facts["stored_check_code"], "{name}");
            assert_eq!(record["check_code"]["valid"], facts["check_code_valid"], "{name}");
        }

        // n64 check: ok, or skipped for boot code that needs no check code; never an error.
        let check = run_n64(["check".as_ref(), path.as_os_str()]);
        assert_eq!(code(&check), 0, "{name}: {}{}", stdout(&check), stderr(&check));

        // Fixing a valid ROM changes nothing, not even the modification time.
        let before = mtime(&path);
        let fix = run(&["crc"], &[&path]);
        assert_eq!(code(&fix), i32::from(record["check_code"]["valid"] != true), "{name}: {}", stdout(&fix));
        assert_eq!(std::fs::read(&path).unwrap(), original, "{name}: crc changed the file");
        assert_eq!(mtime(&path), before, "{name}: crc touched the file");

        // Every order the size allows, and back: identical bytes.
        let orders: &[&str] = match original.len() % 4 {
            0 => &["v64", "n64", "z64"],
            2 => &["v64", "z64"],
            _ => &[],
        };
        for order in orders {
            let out = run(&["convert", "--to", order, "--keep-name"], &[&path]);
            assert_eq!(code(&out), 0, "{name} -> {order}: {}", stderr(&out));
        }
        assert_eq!(std::fs::read(&path).unwrap(), original, "{name}: round trip");
        if original.len() % 2 == 1 {
            let out = run(&["convert", "--to", "v64"], &[&path]);
            assert_eq!(code(&out), 2, "{name}: an odd size cannot be v64");
            assert_eq!(std::fs::read(&path).unwrap(), original);
        }
    }
}
