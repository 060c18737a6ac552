use crate::support::{fixtures, n64, synthetic_rom, testdata, to_order, unchanged};

#[test]
fn verdict_per_fixture_and_exit_code() {
    let data = testdata();
    let run = unchanged(&data, || n64(["check".as_ref(), data.as_os_str()]));
    // Some fixtures are invalid on purpose, and some are broken ROMs: exit 2 wins.
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    for (name, expected) in fixtures() {
        let path = data.join(&name).display().to_string();
        if expected.get("error").is_some() {
            let in_stderr = run.stderr.lines().any(|l| l.contains(&path));
            let skipped = run.stdout.lines().any(|l| l.starts_with(&format!("{path}: skipped: not an N64 ROM")));
            assert!(in_stderr || skipped, "{name}: reported\n{}\n{}", run.stdout, run.stderr);
            continue;
        }
        let line =
            run.stdout.lines().find(|l| l.starts_with(&format!("{path}: "))).unwrap_or_else(|| panic!("{name} listed"));
        match expected["check_code"]["valid"].as_bool() {
            Some(true) => assert_eq!(line, format!("{path}: ok")),
            Some(false) => assert!(
                line.starts_with(&format!(
                    "{path}: BAD stored {} computed {}",
                    expected["check_code"]["stored"].as_str().unwrap(),
                    expected["check_code"]["computed"].as_str().unwrap()
                )),
                "{line}"
            ),
            None => assert!(line.starts_with(&format!("{path}: skipped: ")), "{line}"),
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
    assert!(error.stderr.contains("missing.z64: cannot read: no such file or directory"), "{}", error.stderr);
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
    ipl3checksum::calculate_checksum(be, ipl3checksum::CICKind::CIC_6102_7101).unwrap()
}
