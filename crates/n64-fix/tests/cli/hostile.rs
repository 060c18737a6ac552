//! Hostile inputs through every `n64-fix` command: a one-line error on stderr naming the file,
//! exit 2, and no change to any file; or, where the input is legal, the documented behaviour.
//! Also faults while writing: a full file system, a read-only one, concurrent runs.
//!
//! The catalogue, and which test proves which entry: `docs/ROBUSTNESS.md`.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use n64_core::ByteOrder;
use n64_testkit::paths::testdata;

use crate::support::*;

/// `be` with a valid 6102 check code, computed (by `ipl3checksum`) as if zero-padded.
fn valid_short(mut be: Vec<u8>) -> Vec<u8> {
    let mut padded = be.clone();
    padded.resize(0x10_1000, 0);
    be[0x10..0x18].copy_from_slice(&oracle(&padded));
    be
}

/// `n64-fix ARGS...`, killed (and the test failed) when it hangs.
fn fix(args: &[&OsStr]) -> Output {
    n64_testkit::run::run(n64_fix_binary(), args)
}

/// `n64-fix ARGS... PATH`.
fn fix_on(args: &[&str], path: &Path) -> Output {
    let mut all: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    all.push(path.as_os_str());
    fix(&all)
}

/// Asserts exit 2 and exactly one line on stderr, naming `path` and saying `needle`.
fn assert_one_line_error(out: &Output, path: &Path, needle: &str, what: &str) {
    let err = stderr(out);
    assert_eq!(code(out), 2, "{what}: {}{err}", stdout(out));
    let err = err.trim_end();
    assert_eq!(err.lines().count(), 1, "{what}: {err}");
    assert!(err.starts_with("n64-fix: "), "{what}: {err}");
    assert!(err.contains(&*path.display().to_string()), "{what}: {err}");
    assert!(err.contains(needle), "{what}: {err} should say {needle:?}");
}

/// Every command that can be given one file, with its options.
const COMMANDS: [&[&str]; 7] = [
    &["crc"],
    &["crc", "--dry-run"],
    &["convert", "--to", "v64"],
    &["convert", "--to", "z64", "--dry-run"],
    &["header", "--title", "HOSTILE"],
    &["normalize"],
    &["normalize", "--dry-run"],
];

fn through_every_command(path: &Path, needle: &str) {
    for command in COMMANDS {
        let out = fix_on(command, path);
        assert_one_line_error(&out, path, needle, &format!("{command:?} {}", path.display()));
    }
}

#[test]
fn bad_files_through_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut random = Rng(7).bytes(0x2000);
    random[0] = 0x42; // no magic in any order
    let text = b"hello, this is not a rom\n".repeat(400);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.z64", Vec::new(), "empty file"),
        ("one.z64", vec![0x80], "not an N64 ROM: 1 byte, too short for a first word"),
        ("header-only.z64", fs::read(testdata().join("header-only.z64")).unwrap(), "boot code"),
        ("truncated.z64", fs::read(testdata().join("truncated.z64")).unwrap(), "boot code"),
        ("random.z64", random, "not an N64 ROM"),
        ("text.z64", text, "not an N64 ROM"),
    ];
    assert_eq!(cases[2].1.len(), 64, "header only");
    assert!(cases[3].1.len() < 0x1000, "truncated boot code");
    for (name, bytes, _) in &cases {
        fs::write(root.join(name), bytes).unwrap();
    }
    unchanged(root, || {
        for (name, _, needle) in &cases {
            through_every_command(&root.join(name), needle);
        }
        through_every_command(&root.join("missing.z64"), "no such file or directory");
    });
}

/// B17: a ROM with a partial word at its end (as tools that copy a trailing partial word leave
/// it) gets its check code and header fixed (the tail is kept), but is converted or normalised
/// only with --pad, which completes the word with zeros.
#[test]
fn trailing_bytes_need_pad_to_change_order() {
    let dir = tempfile::tempdir().unwrap();
    let builder = RomBuilder::new(0x4000).seed(73).title("TRAILING").order(Order::N64).trailing(&[0xAB, 0xCD]);
    let path = dir.path().join("tail.n64");
    let original = builder.build_stored();
    fs::write(&path, &original).unwrap();
    unchanged(dir.path(), || {
        for command in [
            &["convert", "--to", "z64"][..],
            &["convert", "--to", "v64", "--dry-run"],
            &["normalize"],
            &["normalize", "--dry-run"],
        ] {
            assert_one_line_error(
                &fix_on(command, &path),
                &path,
                "(pass --pad to pad with zeros)",
                &format!("{command:?}"),
            );
        }
    });
    // crc writes the code of the whole words (the tail is outside the check) and keeps the tail.
    let out = fix_on(&["crc", "--cic", "6102"], &path);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let after = fs::read(&path).unwrap();
    assert_eq!(after.len(), 0x4002);
    assert_eq!(after[0x4000..], [0xAB, 0xCD]);
    let be = Order::N64.load(&after[..0x4000]);
    assert_eq!(be[0x10..0x18], oracle(&be));
    // convert --pad completes the last word with zeros, then converts.
    let out = fix_on(&["convert", "--to", "z64", "--pad"], &path);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("converted n64 → z64, renamed to tail.z64, padded to 0x4004 bytes"),
        "{}",
        stdout(&out)
    );
    let converted = fs::read(dir.path().join("tail.z64")).unwrap();
    let mut expected = after.clone();
    expected.extend_from_slice(&[0, 0]);
    assert_eq!(converted, Order::N64.load(&expected));
}

#[test]
fn a_directory_is_walked_by_crc_and_normalize_and_refused_by_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("folder.z64");
    fs::create_dir(&folder).unwrap();
    unchanged(dir.path(), || {
        for command in [&["convert", "--to", "v64"][..], &["header", "--title", "X"]] {
            assert_one_line_error(&fix_on(command, &folder), &folder, "is a directory", &format!("{command:?}"));
        }
        for command in [&["crc"][..], &["crc", "--dry-run"], &["normalize", "--dry-run"], &["normalize"]] {
            let out = fix_on(command, &folder);
            assert_eq!(code(&out), 0, "{command:?}: {}", stderr(&out));
            assert!(stdout(&out).starts_with("0 ROMs:"), "{command:?}: {}", stdout(&out));
        }
    });
    // B12: a real normalize run leaves nothing behind (it locks the directory itself).
    assert_eq!(fs::read_dir(&folder).unwrap().count(), 0);
}

/// Not errors: a ROM under 0x101000 bytes has its check code computed as if zero-padded (and
/// keeps its size unless `--pad`); an odd-sized z64 ROM is legal.
#[test]
fn short_and_odd_sized_z64_roms_are_fixed_as_zero_padded() {
    let dir = tempfile::tempdir().unwrap();
    for size in [0x8000usize, 0x8001] {
        let path = dir.path().join(format!("short-{size:x}.z64"));
        let be = rom_be(60 + size as u64, size, "SHORT");
        fs::write(&path, &be).unwrap();
        let mut padded = be.clone();
        padded.resize(0x10_1000, 0);
        let code_bytes = oracle(&padded);
        assert_ne!(be[0x10..0x18], code_bytes, "the stored check code starts wrong");

        let out = fix_on(&["crc", "--cic", "6102"], &path);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(stdout(&out).contains(": fixed ("), "{}", stdout(&out));
        let data = fs::read(&path).unwrap();
        assert_eq!(data.len(), size, "no padding without --pad");
        assert_eq!(data[0x10..0x18], code_bytes);
        assert_eq!(data[..0x10], be[..0x10]);
        assert_eq!(data[0x18..], be[0x18..]);
        // Now valid: a second run does not rewrite it.
        let when = age(&path);
        let out = fix_on(&["crc", "--cic", "6102"], &path);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_eq!(mtime(&path), when);
    }
    // The odd one cannot become v64 without --pad: an error, nothing changed.
    let odd = dir.path().join("short-8001.z64");
    unchanged(dir.path(), || {
        assert_one_line_error(&fix_on(&["convert", "--to", "v64"], &odd), &odd, "pass --pad", "convert odd");
    });
}

/// The first word says z64, but the boot code is only recognised byte-swapped: the boot code
/// wins (n64-core infers v64) and every command works on the v64 reading.
#[test]
fn a_magic_that_disagrees_with_the_boot_code_loses() {
    let dir = tempfile::tempdir().unwrap();
    let asset = LIBDRAGON_IPL3;
    let mut be = asset.to_vec();
    be.resize(0x4000, 0);
    Rng(62).fill(&mut be[0x1000..]);
    let mut data = stored(&be, ByteOrder::V64);
    data[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]); // the z64 magic, over v64 content
    let path = dir.path().join("lying.z64");
    fs::write(&path, &data).unwrap();

    unchanged(dir.path(), || {
        // libdragon's boot code verifies no check code: skipped (exit 1), nothing written.
        let out = fix_on(&["crc"], &path);
        assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).contains("skipped: libdragon"), "{}", stdout(&out));
        let out = fix_on(&["convert", "--to", "z64", "--dry-run"], &path);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        assert!(stdout(&out).contains("would convert v64 → z64"), "{}", stdout(&out));
    });
    let out = fix_on(&["convert", "--to", "z64"], &path);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = fs::read(&path).unwrap();
    // Read as v64: libdragon's boot code comes out intact, and so does the body.
    assert_eq!(after[0x40..0x1000], asset[0x40..0x1000]);
    assert_eq!(after[4..], be[4..]);
}

/// A 4 GiB sparse file: the commands that need only its first 0x101000 bytes finish quickly.
/// (`crc` without `--dry-run` on a file that needs a change copies it whole, by design: not
/// run here.)
#[test]
fn a_huge_sparse_file_is_not_read_whole() {
    const HUGE: u64 = 4 << 30;
    let dir = tempfile::tempdir().unwrap();
    let be = rom_be(63, 0x10_1000, "HUGE");
    let mut valid = be.clone();
    valid[0x10..0x18].copy_from_slice(&oracle(&be));
    let (bad_path, ok_path) = (dir.path().join("huge-bad.z64"), dir.path().join("huge-ok.z64"));
    for (path, bytes) in [(&bad_path, &be), (&ok_path, &valid)] {
        fs::write(path, bytes).unwrap();
        fs::OpenOptions::new().write(true).open(path).unwrap().set_len(HUGE).unwrap();
        age(path);
    }
    let cases: [(&[&str], &Path, i32, &str); 8] = [
        (&["crc", "--cic", "6102", "--dry-run"], &bad_path, 1, "would fix"),
        (&["crc", "--dry-run"], &bad_path, 1, "skipped: unknown boot code"),
        (&["crc", "--cic", "6102"], &ok_path, 0, "ok (already valid)"),
        (&["crc", "--cic", "6102", "--dry-run"], &ok_path, 0, "ok (already valid)"),
        (&["header", "--title", "HUGE"], &ok_path, 0, "no change"),
        (&["header", "--title", "OTHER", "--dry-run"], &ok_path, 1, "would change"),
        (&["convert", "--to", "z64"], &ok_path, 0, "already z64"),
        (&["convert", "--to", "v64", "--dry-run"], &ok_path, 1, "would convert z64 → v64"),
    ];
    let before: Vec<_> = [&bad_path, &ok_path].iter().map(|p| (mtime(p), fs::metadata(p).unwrap().len())).collect();
    for (args, path, expected, needle) in cases {
        // `fix` fails the test if a run takes longer than LIMIT: reading 4 GiB through the
        // debug build's streaming code takes far longer than that.
        let out = fix_on(args, path);
        assert_eq!(code(&out), expected, "{args:?}: {}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).contains(needle), "{args:?}: {}", stdout(&out));
    }
    let after: Vec<_> = [&bad_path, &ok_path].iter().map(|p| (mtime(p), fs::metadata(p).unwrap().len())).collect();
    assert_eq!(before, after, "a huge file was touched");
    let mut head = vec![0u8; 0x10_1000];
    std::io::Read::read_exact(&mut fs::File::open(&bad_path).unwrap(), &mut head).unwrap();
    assert_eq!(head, be);
}

#[cfg(unix)]
#[test]
fn fifos_devices_and_symlinks_never_hang_and_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let fifo = root.join("pipe.z64");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let looped = root.join("loop.z64");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let dangling = root.join("dangling.z64");
    std::os::unix::fs::symlink(root.join("nowhere"), &dangling).unwrap();
    unchanged(root, || {
        through_every_command(&fifo, "not a regular file (a FIFO)");
        through_every_command(Path::new("/dev/null"), "not a regular file (a device)");
        through_every_command(Path::new("/dev/zero"), "not a regular file (a device)");
        through_every_command(&looped, "too many levels of symbolic links");
        through_every_command(&dangling, &format!("dangling symbolic link to {}", root.join("nowhere").display()));
    });
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&fs::metadata(&fifo).unwrap().file_type()));

    // Inside a walked directory, a FIFO and a link to /dev/zero are left alone, without
    // blocking, and the ROM beside them is processed.
    let walked = root.join("walked");
    fs::create_dir(&walked).unwrap();
    assert!(Command::new("mkfifo").arg(walked.join("pipe.z64")).status().unwrap().success());
    std::os::unix::fs::symlink("/dev/zero", walked.join("zero.z64")).unwrap();
    let rom = walked.join("rom.z64");
    fs::write(&rom, valid_short(rom_be(64, 0x4000, "BESIDE"))).unwrap();
    unchanged(&walked, || {
        let out = fix_on(&["crc", "--cic", "6102"], &walked);
        assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).contains("1 ok") && stdout(&out).contains("2 other files left alone"), "{}", stdout(&out));
        let out = fix_on(&["normalize"], &walked);
        assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).contains("2 other files left alone"), "{}", stdout(&out));
    });
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    if !permissions_enforced() {
        eprintln!("note: skipped: permission bits do not stop this process from reading (running as root)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret.z64");
    fs::write(&path, rom_be(65, 0x4000, "SECRET")).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    // A snapshot cannot read it either: compare size and mtime.
    let before = (fs::metadata(&path).unwrap().len(), mtime(&path));
    through_every_command(&path, "permission denied");
    assert_eq!((fs::metadata(&path).unwrap().len(), mtime(&path)), before);
}

/// A read-only file is never changed: every write is refused with a one-line error; dry runs
/// report what they would do.
#[cfg(unix)]
#[test]
fn a_read_only_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.v64");
    let be = rom_be(66, 0x4000, "LOCKED");
    fs::write(&path, stored(&be, ByteOrder::V64)).unwrap();
    // z64 content under a v64 name: `normalize --to v64` converts it in place.
    let in_place = dir.path().join("in-place.v64");
    fs::write(&in_place, &be).unwrap();
    for file in [&path, &in_place] {
        fs::set_permissions(file, fs::Permissions::from_mode(0o444)).unwrap();
    }
    unchanged(dir.path(), || {
        for command in [
            &["crc", "--cic", "6102"][..],
            &["convert", "--to", "z64"],
            &["header", "--title", "OTHER"],
            &["normalize"],
        ] {
            assert_one_line_error(&fix_on(command, &path), &path, "file is read-only", &format!("{command:?}"));
        }
        let out = fix_on(&["normalize", "--to", "v64"], &in_place);
        assert_one_line_error(&out, &in_place, "file is read-only", "normalize in place");
        let out = fix_on(&["crc", "--cic", "6102", "--dry-run"], &path);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
    });
    assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o444);
}

/// A read-only directory: a tmpfs remounted read-only where mounting is allowed; else
/// permission bits where they are enforced; else skipped.
#[cfg(unix)]
#[test]
fn a_read_only_directory_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("ro");
    let mounted = Tmpfs::mount(&ro, "4m");
    let (needle, mount) = match mounted {
        Ok(mount) => ("read-only file system", Some(mount)),
        Err(why) if permissions_enforced() => {
            eprintln!("note: {why}; using permission bits instead");
            fs::create_dir_all(&ro).unwrap();
            ("permission denied", None)
        }
        Err(why) => {
            eprintln!("note: skipped: {why}, and permission bits do not stop this process (root)");
            return;
        }
    };
    let rom = ro.join("rom.v64");
    fs::write(&rom, stored(&rom_be(67, 0x4000, "READ ONLY"), ByteOrder::V64)).unwrap();
    match &mount {
        Some(mount) => {
            if let Err(why) = mount.remount_read_only() {
                eprintln!("note: skipped: cannot remount read-only: {why}");
                return;
            }
        }
        None => fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap(),
    }
    unchanged(&ro, || {
        for command in [&["crc", "--cic", "6102"][..], &["convert", "--to", "z64"], &["header", "--title", "X"]] {
            assert_one_line_error(&fix_on(command, &rom), &rom, needle, &format!("{command:?}"));
        }
        // normalize locks without writing, then cannot write the converted file.
        assert_one_line_error(&fix_on(&["normalize"], &ro), &rom, needle, "normalize");
        // A dry run needs no lock and writes nothing.
        let out = fix_on(&["normalize", "--dry-run"], &ro);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
    });
    if mount.is_none() {
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names_are_kept() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let be = rom_be(68, 0x4000, "NON UTF8");
    let fixed = dir.path().join(OsStr::from_bytes(b"crc-\xff.z64"));
    fs::write(&fixed, &be).unwrap();
    let out = fix_on(&["crc", "--cic", "6102"], &fixed);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("crc-\u{FFFD}.z64: fixed"), "{}", stdout(&out));
    assert_eq!(fs::read(&fixed).unwrap()[0x10..0x18], valid_short(be.clone())[0x10..0x18]);

    // normalize changes the extension and keeps the stem byte for byte.
    let tree_dir = dir.path().join("tree");
    fs::create_dir(&tree_dir).unwrap();
    fs::write(tree_dir.join(OsStr::from_bytes(b"name-\xff\xfe.v64")), stored(&be, ByteOrder::V64)).unwrap();
    let out = fix_on(&["normalize"], &tree_dir);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(tree(&tree_dir), vec![PathBuf::from(OsStr::from_bytes(b"name-\xff\xfe.z64"))]);
    assert_eq!(fs::read(tree_dir.join(OsStr::from_bytes(b"name-\xff\xfe.z64"))).unwrap(), be);
}

/// A bare file name given to normalize is renamed beside itself (`./NAME` is not a new name).
#[test]
fn normalize_takes_a_bare_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let be = rom_be(69, 0x4000, "BARE");
    fs::write(dir.path().join("bare.v64"), stored(&be, ByteOrder::V64)).unwrap();
    fs::write(dir.path().join("same.z64"), &be).unwrap();
    for name in ["bare.v64", "same.z64"] {
        let mut command = n64_testkit::run::command(n64_fix_binary());
        command.args(["normalize", name]).current_dir(dir.path());
        let out = n64_testkit::run::finish(&mut command);
        assert_eq!(code(&out), 0, "{name}: {}{}", stdout(&out), stderr(&out));
    }
    assert_eq!(tree(dir.path()), vec![PathBuf::from("bare.z64"), PathBuf::from("same.z64")]);
    assert_eq!(fs::read(dir.path().join("bare.z64")).unwrap(), be);
}

#[cfg(unix)]
#[test]
fn the_output_may_not_be_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.v64");
    fs::write(&input, stored(&rom_be(70, 0x4000, "SAME"), ByteOrder::V64)).unwrap();
    let hard = dir.path().join("hard.z64");
    fs::hard_link(&input, &hard).unwrap();
    let soft = dir.path().join("soft.z64");
    std::os::unix::fs::symlink("in.v64", &soft).unwrap();
    let spelled = dir.path().join(".").join("in.v64");
    unchanged(dir.path(), || {
        for out_path in [&input, &hard, &soft, &spelled] {
            let out = fix(&[
                "convert".as_ref(),
                "--to".as_ref(),
                "z64".as_ref(),
                "-o".as_ref(),
                out_path.as_os_str(),
                input.as_os_str(),
            ]);
            assert_one_line_error(
                &out,
                out_path,
                "output is the input file; omit -o to convert in place",
                "convert -o",
            );
            let out = fix(&[
                "convert".as_ref(),
                "--to".as_ref(),
                "z64".as_ref(),
                "--force".as_ref(),
                "-o".as_ref(),
                input.as_os_str(),
                out_path.as_os_str(),
            ]);
            assert_one_line_error(&out, &input, "output is the input file", "convert --force -o");
        }
    });
    assert!(fs::symlink_metadata(&soft).unwrap().file_type().is_symlink());
}

/// A really full file system (a 2 MiB tmpfs, where mounting is allowed): the write fails with
/// a one-line error, the original stays byte for byte, no temporary file is left.
#[test]
fn a_full_file_system_keeps_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small");
    let mount = match Tmpfs::mount(&small, "2m") {
        Ok(mount) => mount,
        Err(why) => {
            eprintln!("note: skipped: {why}");
            return;
        }
    };
    let rom = small.join("rom.z64");
    fs::write(&rom, rom_be(71, 0x18_0000, "FULL")).unwrap();
    // Fill the rest.
    let mut filler = fs::File::create(small.join("filler")).unwrap();
    let chunk = vec![0x55u8; 4096];
    while std::io::Write::write_all(&mut filler, &chunk).is_ok() {}
    drop(filler);
    unchanged(&small, || {
        let out = fix_on(&["crc", "--cic", "6102"], &rom);
        assert_one_line_error(&out, &rom, "cannot write: no space left on device", "crc on a full disk");
    });
    assert_eq!(tree(&small), vec![PathBuf::from("filler"), PathBuf::from("rom.z64")]);
    drop(mount);
}

/// Runs `n64-fix normalize` while the test holds the lock of the tree (as another run does: on
/// the directory): refused, nothing changed; a dry run takes no lock.
#[test]
fn normalize_refuses_a_tree_another_run_holds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    fs::create_dir_all(root.join("sub")).unwrap();
    fs::write(root.join("sub/a.v64"), stored(&rom_be(72, 0x4000, "LOCKED"), ByteOrder::V64)).unwrap();
    // What another run holds: a lock on the directory itself.
    let lock = fs::File::open(&root).unwrap();
    lock.lock().unwrap();
    unchanged(&root, || {
        assert_one_line_error(
            &fix_on(&["normalize"], &root),
            &root,
            "another n64-fix normalize is working on this directory",
            "same root",
        );
        // A subdirectory of a tree another run works on is refused too.
        let sub = root.join("sub");
        assert_one_line_error(&fix_on(&["normalize"], &sub), &sub, "another n64-fix normalize is working on", "sub");
        let out = fix_on(&["normalize", "--dry-run"], &root);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
    });
    drop(lock);
    let out = fix_on(&["normalize"], &root);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(tree(&root), vec![PathBuf::from("sub/a.z64")]);
}

const RACE_ROMS: usize = 10;
const RACE_SIZE: usize = 2 << 20;

/// A tree of ten 2 MiB ROMs in mixed orders, two of them the same content; the fingerprint of
/// each file's big-endian content.
fn race_tree(root: &Path) -> Vec<u64> {
    fs::create_dir_all(root.join("nested")).unwrap();
    let mut contents = Vec::new();
    for i in 0..RACE_ROMS {
        // ROM 9 is ROM 0 again, stored in another order: a duplicate.
        let seed = if i == RACE_ROMS - 1 { 200 } else { 200 + i as u64 };
        let title = if i == RACE_ROMS - 1 { "RACE 00".to_owned() } else { format!("RACE {i:02}") };
        let be = rom_be(seed, RACE_SIZE, &title);
        let order = ByteOrder::ALL[i % 3];
        let sub = if i % 2 == 0 { root.to_path_buf() } else { root.join("nested") };
        fs::write(sub.join(format!("rom{i:02}.{}", ByteOrder::ALL[(i + 2) % 3])), stored(&be, order)).unwrap();
        contents.push(n64_testkit::files::fingerprint(&be));
    }
    contents.sort_unstable();
    contents
}

/// Names and big-endian SHA-1 of every file, with no temporary file allowed.
fn final_state(root: &Path) -> BTreeMap<PathBuf, u64> {
    tree(root)
        .into_iter()
        .inspect(|p| assert!(!p.to_string_lossy().contains(".n64-tmp-"), "temporary file left: {}", p.display()))
        .map(|p| {
            let sha = be_content(&root.join(&p));
            (p, sha)
        })
        .collect()
}

const RACE_ARGS: [&str; 6] = ["-q", "normalize", "--rename", "{title}", "--to", "z64"];

/// Two `normalize` runs started together on one tree: one works, the other is refused for the
/// tree (or finds the work done); nothing is lost, corrupted or left behind.
#[test]
fn concurrent_normalize_runs_corrupt_nothing() {
    let reference_dir = tempfile::tempdir().unwrap();
    let reference = reference_dir.path().join("tree");
    race_tree(&reference);
    let out = fix_on(&RACE_ARGS, &reference);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let expected = final_state(&reference);

    let mut refused = 0;
    for iteration in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        let originals = race_tree(&root);
        let spawn = || {
            n64_testkit::run::command(n64_fix_binary())
                .args(RACE_ARGS)
                .arg(&root)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (first, second) = (spawn(), spawn());
        for child in [first, second].map(|child| -> Output { child.wait_with_output().unwrap().into() }) {
            let err = stderr(&child);
            match code(&child) {
                0 => assert!(err.is_empty(), "iteration {iteration}: {err}"),
                2 => {
                    refused += 1;
                    assert_eq!(err.lines().count(), 1, "iteration {iteration}: {err}");
                    assert!(err.contains("another n64-fix normalize is working on this directory"), "{err}");
                }
                other => panic!("iteration {iteration}: exit {other}: {err}"),
            }
        }
        // Every file holds one of the original contents, complete, and none is missing.
        let mut found: Vec<u64> = final_state(&root).into_values().collect();
        found.sort_unstable();
        assert_eq!(found, originals, "iteration {iteration}: content lost or corrupted");
        // A final clean run finds the work done and leaves what a single run leaves.
        let out = fix_on(&RACE_ARGS, &root);
        assert_eq!(code(&out), 0, "iteration {iteration}: {}", stderr(&out));
        assert_eq!(final_state(&root), expected, "iteration {iteration}");
    }
    eprintln!("note: {refused} of 3 races ended with one run refused by the lock (the rest did not overlap)");
}
