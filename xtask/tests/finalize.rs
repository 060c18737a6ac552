//! Runs the `finalize` example of n64-io (`cargo run -p n64-io --example finalize`), what a build
//! pipeline does with n64-core's `finalize`, and checks the ROMs it writes with
//! `n64_core::inspect` and ipl3checksum.

use std::path::{Path, PathBuf};
use std::process::Command;

use n64_core::{BootCodeFamily, ByteOrder, CheckStatus, CicKind, Controller, InspectOptions, SaveType, inspect};

/// Runs the example with `args`; returns (success, stdout + stderr).
fn finalize(args: &[&str]) -> (bool, String) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "--package", "n64-io", "--example", "finalize", "--"])
        .args(args)
        .current_dir(xtask::workspace_root())
        .output()
        .expect("cargo runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// A program image: a recognisable, deterministic pattern.
fn program(dir: &Path, len: usize) -> PathBuf {
    let bytes: Vec<u8> = (0..len).map(|i| u8::try_from(i * 7 % 251).unwrap()).collect();
    let path = dir.join("program.bin");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn finalize_builds_roms_that_inspect_agrees_with() {
    let dir = tempfile::tempdir().unwrap();
    let program = program(dir.path(), 0x3001);
    let libdragon = xtask::workspace_root().join("xtask/assets/libdragon-ipl3-prod-r8.bin");

    // libdragon boot code, homebrew header, padded to the next MiB: check code left alone.
    let out = dir.path().join("hello.z64");
    let (ok, log) = finalize(&[
        "--boot",
        path_str(&libdragon),
        path_str(&program),
        "-o",
        path_str(&out),
        "--title",
        "HELLO FINALIZE",
        "--game-code",
        "NEDE",
        "--savetype",
        "eeprom16k",
        "--rtc",
        "--controller",
        "1=rumble",
        "--controller",
        "4=none",
        "--size",
        "next",
    ]);
    assert!(ok, "{log}");
    let rom = std::fs::read(&out).unwrap();
    assert_eq!(rom.len(), 0x20_0000);
    assert_eq!(&rom[0x1000..0x4001], &std::fs::read(&program).unwrap()[..]);
    assert!(rom[0x4001..].iter().all(|&b| b == 0));
    let info = inspect(&rom, rom.len() as u64, InspectOptions::default()).unwrap();
    assert_eq!(info.order, ByteOrder::Z64);
    assert_eq!(info.header.title().text(), "HELLO FINALIZE");
    assert_eq!(info.header.game_code().to_string(), "NEDE");
    assert!(matches!(info.family(), Some(BootCodeFamily::Libdragon(_))));
    assert!(matches!(info.check, CheckStatus::NotRequired(_)));
    assert_eq!(info.header.check_code().to_u64(), 0, "libdragon's check code field is left alone");
    let hb = info.header.homebrew().expect("homebrew header written");
    assert_eq!(hb.controllers, [Controller::Rumble, Controller::N64, Controller::N64, Controller::None]);
    assert_eq!((hb.save_type, hb.rtc, hb.region_free), (SaveType::Eeprom16k, true, false));

    // The same with --cic 6102: a check code is written, and ipl3checksum agrees with it.
    let (ok, log) =
        finalize(&["--boot", path_str(&libdragon), path_str(&program), "-o", path_str(&out), "--cic", "6102"]);
    assert!(ok, "{log}");
    let rom = std::fs::read(&out).unwrap();
    assert_eq!(rom.len(), 0x4001, "no --size: no padding");
    let info = inspect(&rom, rom.len() as u64, InspectOptions::default().with_cic(Some(CicKind::Cic6102))).unwrap();
    let CheckStatus::NotRequired(computed) = info.check else { panic!("libdragon: {:?}", info.check) };
    assert_eq!(computed.code, info.header.check_code());
    let expected = n64_testkit::oracle_check_code(&rom, n64_testkit::Cic::C6102);
    assert_eq!(info.header.check_code().to_u64(), expected);

    // A (synthetic) 6105 boot image stored byte-swapped: detected, converted, check code valid.
    let boot_6105 = dir.path().join("boot-6105.v64");
    let fixture = std::fs::read(xtask::testdata_dir().join("6105.v64")).unwrap();
    std::fs::write(&boot_6105, &fixture[..0x1000]).unwrap();
    let out = dir.path().join("x105.z64");
    let (ok, log) =
        finalize(&["--boot", path_str(&boot_6105), path_str(&program), "-o", path_str(&out), "--size", "0x101000"]);
    assert!(ok, "{log}");
    let rom = std::fs::read(&out).unwrap();
    let info = inspect(&rom, rom.len() as u64, InspectOptions::default()).unwrap();
    assert_eq!((info.order, info.cic, info.check.is_valid()), (ByteOrder::Z64, Some(CicKind::Cic6105), Some(true)));
    let expected = n64_testkit::oracle_check_code(&rom, n64_testkit::Cic::C6105);
    assert_eq!(info.header.check_code().to_u64(), expected);
}

#[test]
fn finalize_refuses_bad_input_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let program = program(dir.path(), 0x100);
    let out = dir.path().join("out.z64");
    let unknown = xtask::testdata_dir().join("unknown-boot.z64");
    let short_boot = dir.path().join("short.bin");
    std::fs::write(&short_boot, [0x80, 0x37, 0x12, 0x40]).unwrap();
    let boot_unknown = dir.path().join("unknown.bin");
    std::fs::write(&boot_unknown, &std::fs::read(unknown).unwrap()[..0x1000]).unwrap();

    let libdragon = xtask::workspace_root().join("xtask/assets/libdragon-ipl3-prod-r8.bin");
    let cases: [(&[&str], &str); 5] = [
        (
            &["--boot", path_str(&libdragon), path_str(&program), "-o", path_str(&out), "--cic", "6105"],
            "CIC 6105/7105 was given, but the boot code is made for CIC 6102/7101; pass --force",
        ),
        (&["--boot", path_str(&boot_unknown), path_str(&program), "-o", path_str(&out)], "--cic"),
        (&["--boot", path_str(&short_boot), path_str(&program), "-o", path_str(&out)], "0x1000"),
        (
            &[
                "--boot",
                path_str(&boot_unknown),
                path_str(&program),
                "-o",
                path_str(&out),
                "--cic",
                "6102",
                "--size",
                "1k",
            ],
            "cannot pad a 0x1100-byte image to 0x400 bytes",
        ),
        (&["--boot", path_str(&boot_unknown), path_str(&program), "-o", path_str(&out), "--title", "Pokémon"], "title"),
    ];
    for (args, needle) in cases {
        let (ok, log) = finalize(args);
        assert!(!ok, "{args:?} succeeded: {log}");
        assert!(log.contains(needle), "{args:?}: expected {needle:?} in {log}");
        assert!(!out.exists(), "{args:?} wrote a file");
    }
    // Nothing but the inputs is left in the directory (no temporary files).
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["program.bin", "short.bin", "unknown.bin"]);
}
