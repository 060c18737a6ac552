//! Hostile inputs: each gives a one-line error naming the file and exit 2, and changes nothing.

use std::path::Path;

use crate::support::{n64, testdata, unchanged};

fn assert_one_line_error(args: &[&std::ffi::OsStr], path: &Path, needle: &str) {
    let run = n64(args);
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
        add("one.z64", b"\x80", "only 1 bytes");
        add("header-only.z64", &std::fs::read(testdata().join("header-only.z64")).unwrap(), "boot code");
        add("truncated.z64", &std::fs::read(testdata().join("truncated.z64")).unwrap(), "boot code");
        add("text.z64", &[b'x'; 0x2000], "not an N64 ROM");
        add("odd.v64", &std::fs::read(testdata().join("odd-length.v64")).unwrap(), "not a whole number");
        add("odd.n64", &std::fs::read(testdata().join("unaligned.n64")).unwrap(), "not a whole number");
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
    let device = Path::new("/dev/null");
    assert_one_line_error(&["info".as_ref(), device.as_os_str()], device, "device");
    let dangling = root.join("dangling.z64");
    std::os::unix::fs::symlink(root.join("nowhere"), &dangling).unwrap();
    assert_one_line_error(&["info".as_ref(), dangling.as_os_str()], &dangling, "no such file");
    let looped = root.join("loop.z64");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let run = n64(["info".as_ref(), looped.as_os_str()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("loop.z64"), "{}", run.stderr);
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
    let start = std::time::Instant::now();
    let run = n64(["check".as_ref(), "--cic".as_ref(), "6102".as_ref(), path.as_os_str()]);
    assert!(run.code == 1, "{}{}", run.stdout, run.stderr);
    // Not a timing assertion on speed: reading 4 GiB of zeros would take tens of seconds in a
    // debug build; reading 1 MiB takes milliseconds. The bound is loose on purpose.
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
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
