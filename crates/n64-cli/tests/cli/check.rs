use crate::support::{fixtures, n64, synthetic_rom, testdata, to_order, unchanged};

#[test]
fn verdict_per_fixture_and_exit_code() {
    let data = testdata();
    let run = unchanged(&data, || n64(["check".as_ref(), data.as_os_str()]));
    // Some fixtures are invalid on purpose, and some are broken ROMs: exit 2 wins.
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    for (name, expected) in fixtures() {
        let path = data.join(&name).display().to_string();
        let in_stderr = run.stderr.lines().any(|l| l.contains(&path));
        let listed = run.stdout.lines().find(|l| l.starts_with(&format!("{path}: ")));
        match expected.get("error").and_then(serde_json::Value::as_str) {
            // Broken ROMs and empty files are errors, named on stderr.
            Some("empty" | "truncated") => {
                assert!(in_stderr && listed.is_none(), "{name}: an error\n{}\n{}", run.stdout, run.stderr);
                continue;
            }
            // Files that are not ROMs (no ROM extension) are left alone, counted only.
            Some(_) => {
                assert!(!in_stderr && listed.is_none(), "{name}: left alone\n{}\n{}", run.stdout, run.stderr);
                continue;
            }
            None => {}
        }
        let line = listed.unwrap_or_else(|| panic!("{name} listed"));
        match expected["check_code"]["valid"].as_bool() {
            Some(true) if expected["trailing_bytes"] == 0 => assert_eq!(line, format!("{path}: ok")),
            Some(true) => {
                assert!(
                    line.starts_with(&format!("{path}: ok; PROBLEM: ")) && line.contains("trailing byte"),
                    "{line}"
                );
            }
            Some(false) => assert!(
                line.starts_with(&format!(
                    "{path}: BAD stored {} computed {}",
                    expected["check_code"]["stored"].as_str().unwrap(),
                    expected["check_code"]["computed"].as_str().unwrap()
                )),
                "{line}"
            ),
            // B1: libdragon's boot code needs no check code: fine. Unknown boot code: skipped.
            None if expected["boot_code"] == "libdragon" => {
                assert!(line.starts_with(&format!("{path}: ok (check code not required: libdragon")), "{line}");
            }
            None => assert!(line.starts_with(&format!("{path}: skipped: unknown boot code")), "{line}"),
        }
    }
    let summary = run.stdout.lines().last().unwrap();
    assert!(summary.contains(" checked: ") && summary.contains(" bad, "), "{summary}");
}

#[test]
fn exit_codes_zero_one_two() {
    let data = testdata();
    let ok = n64(["check".as_ref(), data.join("6102-large.z64").as_os_str(), data.join("6105.v64").as_os_str()]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    let bad = n64(["check".as_ref(), data.join("6102-large.z64").as_os_str(), data.join("6102-bad.z64").as_os_str()]);
    assert_eq!(bad.code, 1, "{}", bad.stdout);
    let error = n64(["check".as_ref(), data.join("6102-bad.z64").as_os_str(), data.join("missing.z64").as_os_str()]);
    assert_eq!(error.code, 2);
    assert!(error.stdout.contains("BAD"), "one bad file does not stop the others");
    assert!(error.stderr.contains("missing.z64: no such file or directory"), "{}", error.stderr);
}

#[test]
fn quiet_prints_only_problems() {
    let data = testdata();
    let run = n64([
        "check".as_ref(),
        "--quiet".as_ref(),
        data.join("6102-large.z64").as_os_str(),
        data.join("6102-bad.z64").as_os_str(),
    ]);
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains(": ok"), "{}", run.stdout);
    assert!(run.stdout.contains("6102-bad.z64: BAD"), "{}", run.stdout);
    let clean = n64(["check".as_ref(), "-q".as_ref(), data.join("6102-large.z64").as_os_str()]);
    assert_eq!((clean.code, clean.stdout.as_str()), (0, ""));
}

#[test]
fn every_byte_order_checks_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let be = synthetic_rom(0x10_1000, "ORDERS", 3);
    let (crc1, crc2) = oracle_6102(&be);
    for order in ["z64", "v64", "n64"] {
        let mut rom = be.clone();
        rom[0x10..0x14].copy_from_slice(&crc1.to_be_bytes());
        rom[0x14..0x18].copy_from_slice(&crc2.to_be_bytes());
        std::fs::write(dir.path().join(format!("rom.{order}")), to_order(&rom, order)).unwrap();
    }
    let run =
        unchanged(dir.path(), || n64(["check".as_ref(), "--cic".as_ref(), "6102".as_ref(), dir.path().as_os_str()]));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout.matches(": ok").count(), 3, "{}", run.stdout);
}

/// The 6102 check code of a big-endian ROM, from the ipl3checksum crate (an independent oracle).
fn oracle_6102(be: &[u8]) -> (u32, u32) {
    let [c0, c1, c2, c3, c4, c5, c6, c7] = n64_testkit::oracle_check_code(be, n64_testkit::Cic::C6102).to_be_bytes();
    (u32::from_be_bytes([c0, c1, c2, c3]), u32::from_be_bytes([c4, c5, c6, c7]))
}

/// B1: a file skipped because its boot code is unknown makes the exit code 1, as the README
/// says and `n64-fix crc` does; libdragon's boot code (which needs no check code) does not.
#[test]
fn a_skipped_file_exits_one() {
    let data = testdata();
    let run = n64(["check".as_ref(), data.join("unknown-boot.z64").as_os_str()]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("unknown-boot.z64: skipped: unknown boot code"), "{}", run.stdout);
    let run = n64(["check".as_ref(), data.join("libdragon.z64").as_os_str()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // With --cic the unknown boot code is checked; a --cic the boot code contradicts skips.
    let run = n64(["check".as_ref(), "--cic".as_ref(), "6102".as_ref(), data.join("unknown-boot.z64").as_os_str()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = n64(["check".as_ref(), "--cic".as_ref(), "6105".as_ref(), data.join("6102-short.z64").as_os_str()]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("skipped: --cic 6105 contradicts the boot code, which is made for CIC 6102/7101"),
        "{}",
        run.stdout
    );
}

/// B17: a ROM with a partial word at its end is read, shown, and reported as a problem.
#[test]
fn trailing_bytes_are_a_problem_not_an_error() {
    let data = testdata();
    for (name, bytes) in [("odd-length.v64", "1 trailing byte"), ("unaligned.n64", "2 trailing bytes")] {
        let path = data.join(name);
        let run = n64(["check".as_ref(), path.as_os_str()]);
        assert_eq!(run.code, 1, "{name}: {}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains(&format!("ok; PROBLEM: {bytes} after the last whole")), "{}", run.stdout);
        let run = n64(["info".as_ref(), path.as_os_str()]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(run.stdout.contains(&format!("Problem       {bytes} after the last whole")), "{}", run.stdout);
    }
}
