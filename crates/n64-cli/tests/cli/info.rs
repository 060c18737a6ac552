use crate::support::{fixtures, n64, testdata, unchanged};

/// `n64 info --json` on every fixture agrees with the manifest, whose expected values come from
/// outside n64-core (the generator uses the ipl3checksum crate).
#[test]
fn json_agrees_with_the_manifest() {
    let data = testdata();
    for (name, expected) in fixtures() {
        let path = data.join(&name);
        let run = unchanged(&data, || n64([std::ffi::OsStr::new("info"), "--json".as_ref(), path.as_os_str()]));
        if let Some(error) = expected.get("error") {
            assert_eq!(run.code, 2, "{name}: expected error {error}, got {}", run.stdout);
            let line = run.stderr.trim_end();
            assert_eq!(line.lines().count(), 1, "{name}: one line: {line}");
            assert!(line.contains(&*path.display().to_string()), "{name}: names the file: {line}");
            let records = run.json_lines();
            assert_eq!(records.len(), 1, "{name}: one error record");
            assert_eq!(records[0]["type"], "error", "{name}");
            assert_eq!(records[0]["path"], path.display().to_string(), "{name}");
            continue;
        }
        let lines = run.json_lines();
        assert_eq!(lines.len(), 1, "{name}");
        let got = &lines[0];
        assert_eq!(got["type"], "rom", "{name}");
        for key in ["format", "size", "trailing_bytes", "title", "game_code", "cic", "boot_code", "homebrew"] {
            assert_eq!(got[key], expected[key], "{name}: {key}");
        }
        if let Some(source) = expected.get("order_source") {
            assert_eq!(&got["format_source"], source, "{name}: format_source");
        }
        for key in ["stored", "computed", "valid", "padded"] {
            assert_eq!(got["check_code"][key], expected["check_code"][key], "{name}: check_code.{key}");
        }
        // B17: trailing bytes are a problem (exit 1), like an invalid check code.
        let want_exit = i32::from(expected["check_code"]["valid"] == false || expected["trailing_bytes"] != 0);
        assert_eq!(run.code, want_exit, "{name}: exit code");
    }
}

#[test]
fn human_output_names_codes_and_verdicts() {
    let data = testdata();
    let run = n64(["info".as_ref(), data.join("6102-large.z64").as_os_str(), data.join("6102-bad.z64").as_os_str()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("CIC           CIC 6102/7101 (Nintendo boot code"), "{}", run.stdout);
    assert!(run.stdout.contains(" valid"), "{}", run.stdout);
    assert!(run.stdout.contains("INVALID (expected "), "{}", run.stdout);
    assert!(run.stdout.contains("(North America)"), "{}", run.stdout);

    let run = n64(["info".as_ref(), data.join("libdragon.z64").as_os_str()]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("not required (libdragon boot code"), "{}", run.stdout);

    let run = n64(["info".as_ref(), data.join("homebrew.z64").as_os_str()]);
    assert!(run.stdout.contains("Save type     SRAM 256 Kbit (from the homebrew header)"), "{}", run.stdout);
    assert!(run.stdout.contains("real-time clock") && run.stdout.contains("Region-free   yes"), "{}", run.stdout);
    assert!(run.stdout.contains("Controller 1  N64 controller with Rumble Pak"), "{}", run.stdout);

    let run = n64(["info".as_ref(), data.join("jis-title.n64").as_os_str()]);
    assert!(run.stdout.contains("ﾊﾞｸｼｮｳｼﾞﾝｾｲ64"), "{}", run.stdout);
}

#[test]
fn order_inferred_from_boot_code_is_reported() {
    let data = testdata();
    let run = n64(["info".as_ref(), "--json".as_ref(), data.join("libdragon-no-magic.v64").as_os_str()]);
    let got = &run.json_lines()[0];
    assert_eq!(got["format"], "v64");
    assert_eq!(got["format_source"], "boot_code");
    let run = n64(["info".as_ref(), data.join("libdragon-no-magic.v64").as_os_str()]);
    assert!(run.stdout.contains("inferred from the boot code"), "{}", run.stdout);
}

#[test]
fn cic_and_byte_order_can_be_given() {
    let data = testdata();
    let path = data.join("unknown-boot.z64");
    let run = n64(["info".as_ref(), "--json".as_ref(), path.as_os_str()]);
    assert_eq!(run.json_lines()[0]["cic"], serde_json::Value::Null);
    assert_eq!(run.json_lines()[0]["check_code"]["valid"], serde_json::Value::Null);
    let run = n64(["info".as_ref(), "--json".as_ref(), "--cic".as_ref(), "7101".as_ref(), path.as_os_str()]);
    let got = &run.json_lines()[0];
    assert_eq!(got["cic"], "6102");
    assert_eq!(got["cic_source"], "given");
    assert!(got["check_code"]["computed"].is_string());
    // Forcing the wrong order on a z64 file is honoured, not second-guessed.
    let run = n64(["info".as_ref(), "--json".as_ref(), "--byte-order".as_ref(), "n64".as_ref(), path.as_os_str()]);
    assert_eq!(run.json_lines()[0]["format"], "n64");
    // Unknown names list the valid ones.
    let run = n64(["info".as_ref(), "--cic".as_ref(), "6104".as_ref(), path.as_os_str()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("6101, 6102, 7101"), "{}", run.stderr);
}

#[test]
fn completions_and_man_page() {
    let run = n64(["completions", "bash"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("_n64()"), "{}", &run.stdout[..200.min(run.stdout.len())]);
    let run = n64(["man"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains(".TH n64"), "{}", &run.stdout[..200.min(run.stdout.len())]);
}
