//! Hostile inputs: each gives a one-line error naming the file and exit 2, and changes nothing.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use crate::support::{Run, n64, testdata, unchanged};

/// Bytes from the kit's generator, starting with no magic of any byte order.
fn random_bytes(len: usize) -> Vec<u8> {
    let mut out = n64_testkit::Rng(0x1234_5678).bytes(len);
    out[0] = 0x42;
    out
}

/// Runs `n64` (killed, and the test failed, after the kit's limit: a hang on a FIFO or
/// /dev/zero, or a whole read of a 4 GiB file, shows as a failure).
fn n64_within(args: &[&OsStr]) -> Run {
    n64(args)
}

fn assert_one_line_error(args: &[&std::ffi::OsStr], path: &Path, needle: &str) {
    let run = n64_within(args);
    assert_eq!(run.code, 2, "{:?}: {}{}", args, run.stdout, run.stderr);
    let stderr = run.stderr.trim_end();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&*path.display().to_string()), "{stderr}");
    assert!(stderr.contains(needle), "{stderr} should say {needle}");
}

#[test]
fn bad_files_through_info_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cases: Vec<(std::path::PathBuf, &str)> = {
        let mut v = Vec::new();
        let mut add = |name: &str, bytes: &[u8], needle: &'static str| {
            let p = root.join(name);
            std::fs::write(&p, bytes).unwrap();
            v.push((p, needle));
        };
        add("empty.z64", b"", "empty file");
        add("one.z64", b"\x80", "not an N64 ROM: 1 byte, too short for a first word");
        add("header-only.z64", &std::fs::read(testdata().join("header-only.z64")).unwrap(), "boot code");
        add("truncated.z64", &std::fs::read(testdata().join("truncated.z64")).unwrap(), "boot code");
        add("text.z64", &[b'x'; 0x2000], "not an N64 ROM");
        add("random.z64", &random_bytes(0x2000), "not an N64 ROM");
        v
    };
    unchanged(root, || {
        for (path, needle) in &cases {
            assert_one_line_error(&["info".as_ref(), path.as_os_str()], path, needle);
            assert_one_line_error(&["check".as_ref(), path.as_os_str()], path, needle);
        }
        assert_one_line_error(&["info".as_ref(), root.as_os_str()], root, "is a directory");
        let missing = root.join("missing.z64");
        assert_one_line_error(&["info".as_ref(), missing.as_os_str()], &missing, "no such file");
    });
}

#[cfg(unix)]
#[test]
fn fifo_device_and_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let fifo = root.join("pipe.z64");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    assert_one_line_error(&["info".as_ref(), fifo.as_os_str()], &fifo, "FIFO");
    assert_one_line_error(&["check".as_ref(), fifo.as_os_str()], &fifo, "FIFO");
    for device in [Path::new("/dev/null"), Path::new("/dev/zero")] {
        assert_one_line_error(&["info".as_ref(), device.as_os_str()], device, "not a regular file (a device)");
        assert_one_line_error(&["check".as_ref(), device.as_os_str()], device, "not a regular file (a device)");
    }
    let dangling = root.join("dangling.z64");
    std::os::unix::fs::symlink(root.join("nowhere"), &dangling).unwrap();
    let looped = root.join("loop.z64");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    unchanged(root, || {
        // B18: a dangling link says so, and where it points.
        let said = format!("dangling symbolic link to {}", root.join("nowhere").display());
        assert_one_line_error(&["info".as_ref(), dangling.as_os_str()], &dangling, &said);
        assert_one_line_error(&["check".as_ref(), dangling.as_os_str()], &dangling, &said);
        assert_one_line_error(&["info".as_ref(), looped.as_os_str()], &looped, "too many levels of symbolic links");
        assert_one_line_error(&["check".as_ref(), looped.as_os_str()], &looped, "too many levels of symbolic links");
    });
}

/// A huge sparse file is not read whole: info and check read the first 0x101000 bytes only.
#[test]
fn huge_sparse_file_is_not_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.z64");
    let mut rom = std::fs::read(testdata().join("6102-large.z64")).unwrap();
    rom.truncate(0x1000);
    std::fs::write(&path, &rom).unwrap();
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(4 << 30).unwrap(); // 4 GiB, sparse
    drop(file);
    // Not a timing assertion on speed: reading 4 GiB of zeros would take tens of seconds in a
    // debug build; reading 1 MiB takes milliseconds. The bound (LIMIT) is loose on purpose.
    let run = n64_within(&["check".as_ref(), "--cic".as_ref(), "6102".as_ref(), path.as_os_str()]);
    assert!(run.code == 1, "{}{}", run.stdout, run.stderr);
    let run = n64_within(&["info".as_ref(), "--json".as_ref(), path.as_os_str()]);
    assert_eq!(run.code, 1, "an invalid check code: {}", run.stderr);
    assert_eq!(run.json_lines()[0]["size"], 4u64 << 30);
    let run = n64_within(&["check".as_ref(), "--cic".as_ref(), "6102".as_ref(), dir.path().as_os_str()]);
    assert!(run.code == 1, "{}{}", run.stdout, run.stderr);
}

#[test]
fn non_utf8_file_names_are_shown() {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(std::ffi::OsStr::from_bytes(b"bad-\xff-name.z64"));
        std::fs::copy(testdata().join("6103.z64"), &path).unwrap();
        let run = n64(["info".as_ref(), "--json".as_ref(), path.as_os_str()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.json_lines()[0]["path"].as_str().unwrap().contains("bad-\u{FFFD}-name.z64"));
        let run = n64(["check".as_ref(), dir.path().as_os_str()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
}

/// Not errors: a ROM under 0x101000 bytes is checked as if zero-padded (and says so); an
/// odd-sized z64 ROM is legal (only v64 and n64 need whole words).
#[test]
fn short_and_odd_sized_z64_roms_are_legal() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["6102-short.z64", "6106-unaligned.z64"] {
        std::fs::copy(testdata().join(name), dir.path().join(name)).unwrap();
    }
    let short = dir.path().join("6102-short.z64");
    let odd = dir.path().join("6106-unaligned.z64");
    assert!(std::fs::metadata(&short).unwrap().len() < 0x10_1000);
    assert_eq!(std::fs::metadata(&odd).unwrap().len() % 2, 1);
    unchanged(dir.path(), || {
        let run = n64_within(&["info".as_ref(), "--json".as_ref(), short.as_os_str(), odd.as_os_str()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        for record in run.json_lines() {
            assert_eq!(record["check_code"]["status"], "valid", "{record}");
            assert_eq!(record["check_code"]["padded"], true, "{record}");
        }
        let run = n64_within(&["check".as_ref(), dir.path().as_os_str()]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("2 ok"), "{}", run.stdout);
    });
}

/// The first word says z64 but the boot code (libdragon's, public domain) is recognised only
/// byte-swapped: n64-core infers v64 from the boot code, and says so.
#[test]
fn a_magic_that_disagrees_with_the_boot_code_loses() {
    let dir = tempfile::tempdir().unwrap();
    let asset = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../xtask/assets/libdragon-ipl3-prod-r8.bin");
    let mut be = std::fs::read(asset).unwrap();
    be.resize(0x4000, 0);
    let mut stored = crate::support::to_order(&be, "v64");
    stored[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
    let path = dir.path().join("lying.z64");
    std::fs::write(&path, &stored).unwrap();
    unchanged(dir.path(), || {
        let run = n64_within(&["info".as_ref(), "--json".as_ref(), path.as_os_str()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let record = &run.json_lines()[0];
        assert_eq!(record["format"], "v64", "{record}");
        assert_eq!(record["format_source"], "boot_code", "{record}");
        assert_eq!(record["boot_code"], "libdragon", "{record}");
        let run = n64_within(&["check".as_ref(), path.as_os_str()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stdout.contains("ok (check code not required: libdragon"), "{}", run.stdout);
    });
}

/// A directory is walked by check and scan (empty: nothing to do, exit 0); a FIFO and a link
/// to /dev/zero inside it are left alone without blocking; hidden files (an old lock file,
/// macOS's `._` files) are left alone too.
#[cfg(unix)]
#[test]
fn directories_with_special_files_and_lock_files() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let full = dir.path().join("full");
    std::fs::create_dir(&full).unwrap();
    assert!(Command::new("mkfifo").arg(full.join("pipe.z64")).status().unwrap().success());
    std::os::unix::fs::symlink("/dev/zero", full.join("zero.z64")).unwrap();
    std::fs::write(full.join(".n64-fix.lock"), b"").unwrap();
    std::fs::write(full.join("._6103.z64"), [0, 5, 0x16, 7, 0, 2, 0, 0]).unwrap(); // AppleDouble
    std::fs::copy(testdata().join("6103.z64"), full.join("6103.z64")).unwrap();
    unchanged(dir.path(), || {
        let run = n64_within(&["check".as_ref(), empty.as_os_str()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stdout.starts_with("0 files checked"), "{}", run.stdout);
        let run = n64_within(&["check".as_ref(), full.as_os_str()]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        assert_eq!(run.stdout.lines().next(), Some(format!("{}: ok", full.join("6103.z64").display()).as_str()));
        assert!(run.stdout.contains("; 4 other files left alone"), "{}", run.stdout);
        let run = n64_within(&["scan".as_ref(), "--json".as_ref(), full.as_os_str()]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        let records = run.json_lines();
        assert_eq!(records.len(), 2, "one ROM and the summary: {}", run.stdout);
        assert!(records[0]["path"].as_str().unwrap().ends_with("6103.z64"));
        let lock = full.join(".n64-fix.lock");
        assert_one_line_error(&["check".as_ref(), lock.as_os_str()], &lock, "empty file");
    });
}

/// n64 only reads: a read-only file is inspected as any other. An unreadable one (mode 000)
/// is an error, where permission bits apply (not as root).
#[cfg(unix)]
#[test]
fn read_only_and_unreadable_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let read_only = dir.path().join("read-only.z64");
    std::fs::copy(testdata().join("6102-bad.z64"), &read_only).unwrap();
    std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o444)).unwrap();
    unchanged(dir.path(), || {
        let run = n64_within(&["check".as_ref(), read_only.as_os_str()]);
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("BAD"), "{}", run.stdout);
    });

    let secret = dir.path().join("secret.z64");
    std::fs::copy(testdata().join("6103.z64"), &secret).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&secret).is_ok() {
        eprintln!("note: skipped the unreadable case: permission bits do not stop this process (running as root)");
        return;
    }
    assert_one_line_error(&["info".as_ref(), secret.as_os_str()], &secret, "permission denied");
    assert_one_line_error(&["check".as_ref(), secret.as_os_str()], &secret, "permission denied");
}
