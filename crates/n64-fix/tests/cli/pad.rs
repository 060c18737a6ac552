//! `n64-fix pad`: sizes, fill bytes, byte orders, and check codes from ipl3checksum over the
//! padded bytes.

use n64_testkit::{Boot, Cic, Order, RomBuilder, Stored, oracle_check_code};

use crate::support::{code, run, stdout, unchanged};

/// A 6102 ROM of `len` bytes with a valid check code (for its zero-padded image when short).
fn rom_6102(len: usize) -> Vec<u8> {
    RomBuilder::new(len).boot(Boot::Synthetic(Cic::C6102)).seed(7).stored(Stored::Valid).build()
}

fn stored_code(be: &[u8]) -> u64 {
    u64::from_be_bytes(be[0x10..0x18].try_into().unwrap())
}

#[test]
fn a_short_rom_padded_with_ff_gets_the_check_code_of_its_new_bytes_in_every_order() {
    let be = rom_6102(0x8_0000);
    for order in [Order::Z64, Order::V64, Order::N64] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("short.rom");
        std::fs::write(&path, order.store(&be)).unwrap();
        let out = run(&["pad", "--size", "2M", "--fill", "0xFF"], &[&path]);
        assert_eq!(code(&out), 0, "{}", out.transcript());
        let after = order.load(&std::fs::read(&path).unwrap());
        assert_eq!(after.len(), 2 << 20);
        assert!(after[0x8_0000..].iter().all(|&b| b == 0xFF), "{order:?}: the fill");
        let mut expected = be.clone();
        expected.resize(2 << 20, 0xFF);
        let want = oracle_check_code(&expected, Cic::C6102);
        assert_eq!(stored_code(&after), want, "{order:?}: ipl3checksum over the padded bytes");
        expected[0x10..0x18].copy_from_slice(&want.to_be_bytes());
        assert_eq!(after, expected, "{order:?}: nothing else changed");
        assert!(stdout(&out).contains("check code"), "{}", stdout(&out));
    }
}

#[test]
fn zero_fill_beyond_the_checked_range_keeps_the_check_code() {
    let be = rom_6102(0x18_0000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("game.z64");
    std::fs::write(&path, &be).unwrap();
    let out = run(&["pad", "--size", "pow2", "--json"], &[&path]);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    let after = std::fs::read(&path).unwrap();
    assert_eq!(after.len(), 0x20_0000);
    assert_eq!(&after[..be.len()], &be[..]);
    assert!(after[be.len()..].iter().all(|&b| b == 0));
    let record = &out.json_lines()[0];
    assert_eq!(record["action"], "padded");
    assert_eq!((record["from"].as_u64(), record["to"].as_u64()), (Some(0x18_0000), Some(0x20_0000)));
    assert_eq!(record["old"], serde_json::Value::Null, "the check code is kept");
}

#[test]
fn multiple_of_never_shrinks_and_dry_run_writes_nothing() {
    let be = rom_6102(0x20_0000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("game.z64");
    std::fs::write(&path, &be).unwrap();
    let out = unchanged(dir.path(), || run(&["pad", "--size", "1M"], &[&path]));
    assert_eq!(code(&out), 0, "{}", out.transcript());
    assert!(stdout(&out).contains("ok: already 0x200000 bytes"), "{}", stdout(&out));
    let out = unchanged(dir.path(), || run(&["pad", "--size", "multiple:3M", "--dry-run"], &[&path]));
    assert_eq!(code(&out), 1, "a dry run that finds work: {}", out.transcript());
    assert!(stdout(&out).contains("would pad (0x200000 → 0x300000 bytes"), "{}", stdout(&out));
    let out = run(&["pad", "--size", "multiple:3M"], &[&path]);
    assert_eq!(code(&out), 0);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0x30_0000);
}

#[test]
fn a_size_the_byte_order_cannot_hold_and_bad_sizes_are_refused() {
    let be = rom_6102(0x10_2000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("game.v64");
    std::fs::write(&path, Order::V64.store(&be)).unwrap();
    let out = unchanged(dir.path(), || run(&["pad", "--size", "0x200001"], &[&path]));
    assert_eq!(code(&out), 2, "{}", out.transcript());
    assert!(out.stderr.contains("not a whole number of 2-byte words"), "{}", out.stderr);
    for bad in ["32Q", "multiple:0", "lots"] {
        let out = unchanged(dir.path(), || run(&["pad", "--size", bad], &[&path]));
        assert_eq!(code(&out), 2, "{bad}: {}", out.transcript());
    }
    let out = unchanged(dir.path(), || run(&["pad", "--size", "4M", "--fill", "256"], &[&path]));
    assert_eq!(code(&out), 2, "{}", out.transcript());
}

#[test]
fn libdragon_and_unknown_boot_code_are_padded_with_their_check_code_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let libdragon = dir.path().join("homebrew.z64");
    std::fs::write(&libdragon, RomBuilder::new(0x4_0000).boot(Boot::Libdragon).seed(3).build()).unwrap();
    let out = run(&["pad", "--size", "1M", "--fill", "0xFF"], &[&libdragon]);
    assert_eq!(code(&out), 0, "{}", out.transcript());
    assert!(stdout(&out).contains("verifies no check code"), "{}", stdout(&out));
    assert_eq!(std::fs::metadata(&libdragon).unwrap().len(), 1 << 20);

    let unknown = dir.path().join("unknown.z64");
    let before = RomBuilder::new(0x4_0000).boot(Boot::Random).seed(4).build();
    std::fs::write(&unknown, &before).unwrap();
    let out = run(&["pad", "--size", "1M", "--fill", "0xFF", "--fix-crc"], &[&unknown]);
    assert_eq!(code(&out), 1, "--fix-crc could not be honoured: {}", out.transcript());
    assert!(stdout(&out).contains("unknown boot code"), "{}", stdout(&out));
    let after = std::fs::read(&unknown).unwrap();
    assert_eq!(&after[..before.len()], &before[..], "padded, the check code left as it was");
}
