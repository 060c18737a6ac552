//! The disk check of the file readers, on 64DD images the test kit writes from the published
//! layout (in the workspace only: the kit is not published).

use n64_testkit::disk::{JAPAN, System, disk_id, write_disk, write_sparse};

use n64_io::{ErrorKind, identify_file, inspect_file};

/// Both readers see a disk as a disk (reading only its system area), and a disk-sized file
/// of zeros as a damaged one, never as a ROM.
#[test]
fn readers_tell_disks_apart() {
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("japan.ndd");
    write_disk(&disk, "ndd", &System::new(JAPAN, 3), &disk_id(b"DMPJ", 0, [0; 8], b"01"));
    let zero = dir.path().join("zero.disk");
    write_sparse(&zero, 0x0435_B0C0, &[]);
    for path in [&disk, &zero] {
        let kinds = [
            identify_file(path, n64_core::InspectOptions::default()).unwrap_err().kind,
            inspect_file(path, n64_core::InspectOptions::default()).unwrap_err().kind,
        ];
        for kind in kinds {
            match kind {
                ErrorKind::Disk(info) => {
                    assert_eq!(path, &disk);
                    assert_eq!(info.disk_id.and_then(|id| id.game_code().map(str::to_owned)), Some("DMPJ".into()));
                }
                ErrorKind::BadDisk(_) => assert_eq!(path, &zero),
                other => panic!("{}: {other}", path.display()),
            }
        }
    }
    assert_eq!(
        identify_file(&disk, n64_core::InspectOptions::default()).unwrap_err().to_string(),
        format!("{}: a 64DD disk image (ndd), not a cartridge ROM", disk.display())
    );
}
