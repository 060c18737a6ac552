//! `n64-fix crc`.

use std::fs;

use n64_core::ByteOrder;

use crate::support::*;

const SIZE: usize = 0x10_2000;

#[test]
fn bad_check_codes_are_fixed_in_every_order_touching_only_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let be = rom_be(1, SIZE, "CRC TEST");
    for order in ByteOrder::ALL {
        let path = dir.path().join(format!("rom.{order}"));
        let before = stored(&be, order);
        fs::write(&path, &before).unwrap();
        let out = run(&["crc", "--cic", "6102"], &[&path]);
        assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).contains(": fixed (0000000000000000 → "), "{}", stdout(&out));
        let after = fs::read(&path).unwrap();
        assert_eq!(after.len(), before.len());
        for (i, (a, b)) in before.iter().zip(&after).enumerate() {
            if !(0x10..0x18).contains(&i) {
                assert_eq!(a, b, "{order}: byte {i:#x} changed");
            }
        }
        let fixed_be = to_be(&after, order);
        assert_eq!(fixed_be[0x10..0x18], oracle(&fixed_be), "{order}");
        assert_eq!(ByteOrder::from_magic(after[..4].try_into().unwrap()), Some(order));
    }
}

#[test]
fn valid_roms_are_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ok.v64");
    let content = stored(&with_valid_code(rom_be(2, SIZE, "VALID")), ByteOrder::V64);
    fs::write(&path, &content).unwrap();
    let when = age(&path);
    let out = run(&["crc", "--cic", "6102"], &[&path]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("ok (already valid)"), "{}", stdout(&out));
    assert_eq!(fs::read(&path).unwrap(), content);
    assert_eq!(mtime(&path), when);
}

#[test]
fn unknown_boot_code_is_skipped_without_cic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unknown.z64");
    let content = rom_be(3, SIZE, "UNKNOWN");
    fs::write(&path, &content).unwrap();
    let out = run(&["crc"], &[&path]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("skipped: unknown boot code"), "{}", stdout(&out));
    assert!(stdout(&out).contains("--cic"), "{}", stdout(&out));
    assert_eq!(fs::read(&path).unwrap(), content);
}

#[test]
fn dry_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.n64");
    let content = stored(&rom_be(4, SIZE, "DRY"), ByteOrder::N64);
    fs::write(&path, &content).unwrap();
    let when = age(&path);
    let out = run(&["crc", "--cic", "6102", "--dry-run"], &[&path]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("would fix"), "{}", stdout(&out));
    assert_eq!(fs::read(&path).unwrap(), content);
    assert_eq!(mtime(&path), when);
    assert_eq!(tree(dir.path()).len(), 1);
}

#[test]
fn backup_is_made_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bak.z64");
    let content = rom_be(5, SIZE, "BACKUP");
    fs::write(&path, &content).unwrap();
    let out = run(&["crc", "--cic", "6102", "--backup"], &[&path]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let backup = dir.path().join("bak.z64.bak");
    assert_eq!(fs::read(&backup).unwrap(), content);
    assert_ne!(fs::read(&path).unwrap(), content);

    // Break the code again: the existing backup must not be replaced, and nothing changes.
    let broken = content.clone();
    fs::write(&path, &broken).unwrap();
    fs::write(&backup, b"precious").unwrap();
    let out = run(&["crc", "--cic", "6102", "--backup"], &[&path]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(fs::read(&backup).unwrap(), b"precious");
    assert_eq!(fs::read(&path).unwrap(), broken);
}

#[cfg(unix)]
#[test]
fn permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("perm.z64");
    fs::write(&path, rom_be(6, SIZE, "PERM")).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let out = run(&["crc", "--cic", "6102"], &[&path]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
}

#[test]
fn directories_are_walked_and_other_files_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(dir.path().join("sub/a.z64"), rom_be(7, SIZE, "A")).unwrap();
    fs::write(dir.path().join("notes.txt"), b"not a rom").unwrap();
    let out = run(&["crc", "--cic", "6102"], &[dir.path()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stdout(&out).contains("notes.txt"), "{}", stdout(&out));
    assert_eq!(fs::read(dir.path().join("notes.txt")).unwrap(), b"not a rom");
    let be = fs::read(dir.path().join("sub/a.z64")).unwrap();
    assert_eq!(be[0x10..0x18], oracle(&be));

    // Named, a non-ROM is an error.
    let out = run(&["crc", "--cic", "6102"], &[dir.path().join("notes.txt")]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).starts_with("n64-fix: "), "{}", stderr(&out));
}

#[test]
fn short_roms_are_padded_with_pad() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.v64");
    let be = rom_be(8, 0x8000, "SHORT");
    fs::write(&path, stored(&be, ByteOrder::V64)).unwrap();
    let out = run(&["crc", "--cic", "6102", "--pad"], &[&path]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = to_be(&fs::read(&path).unwrap(), ByteOrder::V64);
    assert_eq!(after.len(), 0x10_1000);
    assert_eq!(after[0x10..0x18], oracle(&after));
    assert_eq!(after[0x18..0x8000], be[0x18..]);
    assert!(after[0x8000..].iter().all(|&b| b == 0));
}

#[test]
fn libdragon_boot_code_needs_force() {
    let boot = LIBDRAGON_IPL3;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dragon.z64");
    let mut rom = rom_be(9, SIZE, "");
    rom[..0x1000].copy_from_slice(boot);
    rom[0x10..0x18].fill(0);
    fs::write(&path, &rom).unwrap();
    let out = run(&["crc"], &[&path]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("verifies no check code"), "{}", stdout(&out));
    assert_eq!(fs::read(&path).unwrap(), rom);
    let out = run(&["crc", "--force"], &[&path]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let after = fs::read(&path).unwrap();
    assert_eq!(after[0x10..0x18], oracle(&after));
}
