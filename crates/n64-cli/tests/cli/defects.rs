//! Regression tests of the rough edges a new user hit (issue 9, part B), one per defect.

use crate::support::{n64, synthetic_rom, testdata, unchanged};

/// B2: a file named on the command line that is no ROM (or empty) is an error for `scan` (exit
/// 2, named on stderr), as for every other command; inside a directory an empty file is named
/// too, while other files are only counted.
#[test]
fn scan_names_bad_files() {
    let data = testdata();
    for name in ["not-a-rom.txt", "empty.bin"] {
        let path = data.join(name);
        let run = unchanged(&data, || n64(["scan".as_ref(), path.as_os_str()]));
        assert_eq!(run.code, 2, "{name}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(&format!("{}: ", path.display())), "{name}: {}", run.stderr);
    }
    let run = n64(["scan".as_ref(), data.as_os_str()]);
    assert!(run.stderr.contains(&format!("{}: empty file", data.join("empty.bin").display())), "{}", run.stderr);
    assert!(!run.stderr.contains("not-a-rom.txt"), "{}", run.stderr);
}

/// A ROM whose game code bytes are not printable: the homebrew marker "ED" between zero bytes.
fn zero_ed_zero_rom(dir: &std::path::Path) -> std::path::PathBuf {
    let mut rom = synthetic_rom(0x2000, "ZERO CODE", 9);
    rom[0x3B..0x3F].copy_from_slice(b"\0ED\0");
    let path = dir.join("zero-code.z64");
    std::fs::write(&path, rom).unwrap();
    path
}

/// B8: a game code that is not printable is `null` in JSON, `-` in the scan table and "none
/// (not printable: …)" in `info`, never `\x00` escapes.
#[test]
fn unprintable_game_codes_are_not_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let path = zero_ed_zero_rom(dir.path());
    let run = n64(["info".as_ref(), "--json".as_ref(), path.as_os_str()]);
    assert_eq!(run.json_lines()[0]["game_code"], serde_json::Value::Null, "{}", run.stdout);
    assert!(!run.stdout.contains("\\\\x00"), "{}", run.stdout);
    let run = n64(["info".as_ref(), path.as_os_str()]);
    assert!(run.stdout.contains("Game code     none (not printable: 00 45 44 00)"), "{}", run.stdout);
    assert!(!run.stdout.contains("\\x00"), "{}", run.stdout);
    let run = n64(["scan".as_ref(), dir.path().as_os_str()]);
    let row = run.stdout.lines().nth(1).unwrap();
    assert!(!row.contains("\\x00"), "{row}");
    let header = run.stdout.lines().next().unwrap();
    let column = header.find("GAME_CODE").unwrap();
    assert_eq!(&row[column..column + 2], "- ", "{row}");
}

/// B11: `-v` logs the files left alone and skipped, `-vv` (and `N64_LOG=debug`) how each ROM's
/// byte order and CIC were decided, for info, check and scan.
#[test]
fn verbose_says_what_was_decided() {
    let data = testdata();
    let rom = data.join("6105.v64");
    for command in ["info", "check", "scan"] {
        let run = n64(["-vv".as_ref(), command.as_ref(), rom.as_os_str()]);
        assert!(
            run.stderr.contains("v64 by its magic; CIC 6105/7105 by CRC32 of the boot code"),
            "{command} -vv: {}",
            run.stderr
        );
        let quiet = n64([command.as_ref(), rom.as_os_str()]);
        assert!(quiet.stderr.is_empty(), "{command}: {}", quiet.stderr);
    }
    let mut command = n64_testkit::run::command(crate::support::n64_binary());
    command.env("N64_LOG", "debug").args(["check".as_ref(), rom.as_os_str()]);
    let run = n64_testkit::run::finish(&mut command);
    assert!(run.stderr.contains("read 0x101000 of 0x101000 bytes"), "N64_LOG=debug: {}", run.stderr);
    let run = n64(["-v".as_ref(), "check".as_ref(), data.as_os_str()]);
    assert!(run.stderr.contains("not-a-rom.txt: left alone: not an N64 ROM"), "-v: {}", run.stderr);
    assert!(run.stderr.contains("unknown-boot.z64: skipped: unknown boot code"), "-v: {}", run.stderr);
}

/// B18: `--byte-order` takes exactly z64, v64 or n64 (listed in --help), and a check code
/// operation refuses a 64DD CIC, saying why.
#[test]
fn values_are_checked_and_listed() {
    let rom = testdata().join("6103.z64");
    let run = n64(["info".as_ref(), "--byte-order".as_ref(), "big".as_ref(), rom.as_os_str()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("[possible values: z64, v64, n64]"), "{}", run.stderr);
    let run = n64(["check".as_ref(), "--cic".as_ref(), "8303".as_ref(), rom.as_os_str()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("CIC 8303 is a 64DD kind: its check code is kept inside the boot code"),
        "{}",
        run.stderr
    );
    // info may be told a 64DD kind: it reports the check code as not applicable.
    let run = n64(["info".as_ref(), "--json".as_ref(), "--cic".as_ref(), "8303".as_ref(), rom.as_os_str()]);
    assert_eq!(run.json_lines()[0]["check_code"]["status"], "not_applicable");
}

/// B18: counts agree with their nouns ("1 error", "1 ROM", "1 byte").
#[test]
fn counts_agree_with_their_nouns() {
    let data = testdata();
    let run = n64(["scan".as_ref(), data.join("6103.z64").as_os_str(), data.join("truncated.z64").as_os_str()]);
    let last = run.stdout.lines().last().unwrap();
    assert!(last.starts_with("1 ROM (") && last.ends_with(", 0 other files, 1 error"), "{last}");
    let run = n64(["info".as_ref(), data.join("one-byte.bin").as_os_str()]);
    assert!(run.stderr.contains("not an N64 ROM: 1 byte, too short for a first word"), "{}", run.stderr);
}

/// B10: every page the main man page refers to (`n64-info(1)`, …) can be printed, and the NAME
/// line does not repeat the program's name.
#[test]
fn every_referenced_man_page_exists() {
    let main = n64(["man"]).stdout;
    assert!(main.contains(".TH n64 1"), "{main}");
    assert!(main.contains("n64 \\- Inspect Nintendo 64 ROM images"), "{main}");
    // roff escapes a hyphen: `n64\-patch\-info(1)` is the page of `patch-info`.
    let referenced: Vec<String> = main
        .match_indices("n64\\-")
        .filter_map(|(i, _)| main[i + 5..].split('(').next())
        .map(|name| name.replace("\\-", "-"))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect();
    for page in ["info", "check", "scan", "hash", "verify", "patch-info"] {
        assert!(referenced.iter().any(|r| r == page), "{page} in {referenced:?}");
    }
    for page in &referenced {
        let run = n64(["man", page]);
        assert_eq!(run.code, 0, "n64 man {page}: {}", run.stderr);
        assert!(run.stdout.contains(&format!(".TH n64-{page} 1")), "n64 man {page}");
    }
}

/// B3 (for `n64` too): bash completes a subcommand's options.
#[test]
fn bash_completes_subcommand_options() {
    let script = n64(["completions", "bash"]).stdout;
    let program = format!(
        "{script}\nCOMP_WORDS=(n64 check --)\nCOMP_CWORD=2\n_n64 n64 -- check\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
    );
    let out = std::process::Command::new("bash").arg("-c").arg(program).output().expect("bash runs");
    let words = String::from_utf8_lossy(&out.stdout);
    assert!(words.lines().any(|w| w == "--cic") && words.lines().any(|w| w == "--byte-order"), "{words}");
}
