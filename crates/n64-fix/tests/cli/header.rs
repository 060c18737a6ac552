//! `n64-fix header`.

use std::fs;

use n64_core::ByteOrder;

use crate::support::*;

const SIZE: usize = 0x2000;

#[test]
fn homebrew_header_bytes_in_every_order() {
    let dir = tempfile::tempdir().unwrap();
    let be = rom_be(20, SIZE, "HOMEBREW");
    for order in ByteOrder::ALL {
        let path = dir.path().join(format!("hb.{order}"));
        fs::write(&path, stored(&be, order)).unwrap();
        let out = run(
            &[
                "header",
                "--savetype",
                "sram256k",
                "--controller",
                "1=rumble",
                "--controller",
                "4=mouse",
                "--rtc",
                "--region-free",
                "--title",
                "NEW TITLE",
            ],
            &[&path],
        );
        assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).contains("  title: \"HOMEBREW\" → \"NEW TITLE\""), "{}", stdout(&out));
        assert!(stdout(&out).contains("  save type: - → SRAM 256 Kbit"), "{}", stdout(&out));
        let after = to_be(&fs::read(&path).unwrap(), order);
        assert_eq!(after[0x34..0x38], [0x01, 0x00, 0x00, 0x80]);
        assert_eq!(&after[0x3C..0x3E], b"ED");
        assert_eq!(after[0x3F], (3 << 4) | 1 | (1 << 1));
        assert_eq!(&after[0x20..0x34], b"NEW TITLE           ");
        assert_eq!(after[..0x20], be[..0x20]);
        assert_eq!(after[0x3E], be[0x3E]);
        assert_eq!(after[0x40..], be[0x40..]);

        let out = run_n64(["info".as_ref(), "--json".as_ref(), path.as_os_str()]);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let hb = &json["homebrew"];
        assert_eq!(hb["save_type"], "sram256k", "{json}");
        assert_eq!(hb["controllers"], serde_json::json!(["rumble", "n64", "n64", "mouse"]), "{json}");
        assert_eq!(hb["rtc"], true);
        assert_eq!(hb["region_free"], true);
        assert_eq!(json["title"], "NEW TITLE");
        assert_eq!(json["format"], order.name());
    }
}

#[test]
fn fields_change_and_no_change_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.v64");
    fs::write(&path, stored(&rom_be(21, SIZE, "FIELDS"), ByteOrder::V64)).unwrap();
    let out = run(&["header", "--game-code", "NABJ", "--rom-version", "2"], &[&path]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let be = to_be(&fs::read(&path).unwrap(), ByteOrder::V64);
    assert_eq!(&be[0x3B..0x40], b"NABJ\x02");
    let out = run(&["header", "--region", "P"], &[&path]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("  region: J (Japan) → P (Europe)"), "{}", stdout(&out));
    let when = age(&path);
    let out = run(&["header", "--title", "FIELDS", "--region", "P"], &[&path]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).ends_with(": no change\n"), "{}", stdout(&out));
    assert_eq!(mtime(&path), when);
}

#[test]
fn invalid_values_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.z64");
    let content = rom_be(22, SIZE, "BAD");
    fs::write(&path, &content).unwrap();
    for (args, expect) in [
        (&["--savetype", "floppy"][..], "sram256k"),
        (&["--controller", "1=floppy"][..], "gamecube-keyboard"),
        (&["--controller", "5=n64"][..], "port"),
        (&["--title", "A TITLE FAR TOO LONG FOR IT"][..], "--title"),
        (&["--title", "Pokémon"][..], "--title"),
        (&["--game-code", "TOOLONG"][..], "game code"),
        (&["--region", "mars"][..], "north"),
    ] {
        let mut all = vec!["header"];
        all.extend_from_slice(args);
        let out = run(&all, &[&path]);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).to_lowercase().contains(expect), "{args:?}: {}", stderr(&out));
        assert_eq!(fs::read(&path).unwrap(), content, "{args:?}");
    }
    assert_eq!(tree(dir.path()).len(), 1);
}

#[test]
fn dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dry.z64");
    let content = rom_be(23, SIZE, "DRY");
    fs::write(&path, &content).unwrap();
    let out = run(&["header", "--dry-run", "--savetype", "eeprom4k"], &[&path]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("would change"), "{}", stdout(&out));
    assert_eq!(fs::read(&path).unwrap(), content);
}
