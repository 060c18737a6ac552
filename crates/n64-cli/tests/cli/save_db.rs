//! Save type and accessories in `n64 info` and `n64 scan`, and `n64 scan --format
//! everdrive-savedb` read back by an independent reader of the EverDrive 64 `save_db.txt`
//! syntax (krikzz/ED64 `docs/rom_config_database.md`). Expected values are written by hand from
//! the ares emulator's table and the homebrew header convention.

use std::path::Path;

use n64_testkit::{Homebrew, Order, RomBuilder, Stored};

use crate::support::{n64, unchanged};

/// A ROM to write: file name, game code, revision, byte order, CRC-HI, homebrew header.
struct Spec {
    name: &'static str,
    code: [u8; 4],
    revision: u8,
    order: Order,
    crc_hi: u32,
    homebrew: Option<Homebrew>,
    /// What an EverDrive must pick: save digit and config digit (1 RTC + 2 region-free), or
    /// `None` when the save type is unknown (no record may match).
    expected: Option<(u8, u8)>,
}

const fn spec(name: &'static str, code: [u8; 4], revision: u8, order: Order, crc_hi: u32) -> Spec {
    Spec { name, code, revision, order, crc_hi, homebrew: None, expected: None }
}

fn specs() -> Vec<Spec> {
    vec![
        // ares: NSM EEPROM 512 B -> code 1.
        Spec { expected: Some((1, 0)), ..spec("mario.z64", *b"NSME", 0, Order::Z64, 0x1000_0001) },
        // ares: NK4 J revision < 2 SRAM 32 KiB -> 3; otherwise EEPROM 2 KiB -> 2. Same ID "K4".
        Spec { expected: Some((3, 0)), ..spec("kirby-j.v64", *b"NK4J", 0, Order::V64, 0x1000_0002) },
        Spec { expected: Some((2, 0)), ..spec("kirby-e.n64", *b"NK4E", 0, Order::N64, 0x1000_0003) },
        // ares: NAF Flash 128 KiB + RTC -> 5, config 1.
        Spec { expected: Some((5, 1)), ..spec("mori.z64", *b"NAFJ", 0, Order::Z64, 0x1000_0004) },
        // ares: CDZ SRAM 96 KiB -> 4.
        Spec { expected: Some((4, 0)), ..spec("dezaemon.v64", *b"CDZJ", 0, Order::V64, 0x1000_0005) },
        // ares: NZL SRAM 32 KiB, two regions sharing one record.
        Spec { expected: Some((3, 0)), ..spec("zelda-e.z64", *b"NZLE", 0, Order::Z64, 0x1000_0006) },
        Spec { expected: Some((3, 0)), ..spec("zelda-p.n64", *b"NZLP", 0, Order::N64, 0x1000_0007) },
        // ares: NPD EEPROM 2 KiB -> 2.
        Spec { expected: Some((2, 0)), ..spec("perfect-dark.z64", *b"NPDE", 0, Order::Z64, 0x1000_0008) },
        // Homebrew header 0x3F = 0x13: EEPROM 4K, RTC, region-free -> "13".
        Spec {
            homebrew: Some(Homebrew { controllers: [0x01, 0, 0, 0], save_type: 1, rtc: true, region_free: true }),
            expected: Some((1, 3)),
            ..spec("homebrew.z64", *b"NEDE", 0, Order::Z64, 0xABA5_1D09)
        },
        // Not in the database: unknown, no record.
        spec("unknown.z64", *b"NQQE", 0, Order::Z64, 0x1000_0009),
    ]
}

fn write_roms(dir: &Path) {
    for s in specs() {
        let mut builder = RomBuilder::new(0x2000)
            .game_code(&s.code)
            .rom_version(s.revision)
            .stored(Stored::Raw(u64::from(s.crc_hi) << 32 | 0x55))
            .order(s.order);
        if let Some(hb) = s.homebrew {
            builder = builder.homebrew(hb);
        }
        std::fs::write(dir.join(s.name), builder.build_stored()).unwrap();
    }
}

/// The records of a `save_db.txt`, in order: key (upper-cased) and the two digits. Lines that
/// are not `KEY=DD` followed by whitespace or the end are ignored, as comments.
fn read_save_db(text: &str) -> Vec<(String, u8, u8)> {
    let mut records = Vec::new();
    for line in text.lines() {
        let record = line.split_whitespace().next().unwrap_or("");
        let Some((key, value)) = record.split_once('=') else { continue };
        let digits: Vec<u8> = value.bytes().collect();
        if digits.len() != 2 || !digits.iter().all(u8::is_ascii_digit) {
            continue;
        }
        records.push((key.to_ascii_uppercase(), digits[0] - b'0', digits[1] - b'0'));
    }
    records
}

/// What an EverDrive picks for a ROM: the first record keyed by its CRC-HI or its 2-character ID.
fn pick(records: &[(String, u8, u8)], code: [u8; 4], crc_hi: u32) -> Option<(u8, u8)> {
    let crc_key = format!("0X{crc_hi:08X}");
    let id_key = String::from_utf8(code[1..3].to_vec()).unwrap();
    records.iter().find(|(key, _, _)| *key == crc_key || *key == id_key).map(|(_, s, c)| (*s, *c))
}

#[test]
fn everdrive_savedb_gives_every_rom_its_save_type_and_rtc() {
    let dir = tempfile::tempdir().unwrap();
    write_roms(dir.path());
    std::fs::write(dir.path().join("notes.txt"), "not a rom\n").unwrap();
    let run = unchanged(dir.path(), || {
        n64(["scan".as_ref(), "--format".as_ref(), "everdrive-savedb".as_ref(), dir.path().as_os_str()])
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    let records = read_save_db(&run.stdout);
    assert_eq!(records.len(), run.stdout.lines().count(), "only records on stdout:\n{}", run.stdout);
    for s in specs() {
        assert_eq!(pick(&records, s.code, s.crc_hi), s.expected, "{}:\n{}", s.name, run.stdout);
    }
    // The two Kirby ROMs share "K4" with different settings: keyed by CRC-HI; the two Zelda ROMs
    // share "ZL" with the same settings: one ID record.
    let keys: Vec<&str> = records.iter().map(|(k, _, _)| k.as_str()).collect();
    assert!(keys.contains(&"0X10000002") && keys.contains(&"0X10000003") && !keys.contains(&"K4"), "{keys:?}");
    assert_eq!(keys.iter().filter(|k| **k == "ZL").count(), 1, "{keys:?}");
    assert!(!keys.contains(&"ED"), "homebrew ROMs are keyed by CRC-HI: {keys:?}");
}

#[test]
fn everdrive_savedb_refuses_json_and_reports_errors() {
    let dir = tempfile::tempdir().unwrap();
    let run = n64([
        "scan".as_ref(),
        "--json".as_ref(),
        "--format".as_ref(),
        "everdrive-savedb".as_ref(),
        dir.path().as_os_str(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    std::fs::write(dir.path().join("broken.z64"), [0x80, 0x37, 0x12, 0x40, 0, 0]).unwrap();
    let run = n64(["scan".as_ref(), "--format".as_ref(), "everdrive-savedb".as_ref(), dir.path().as_os_str()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty() && run.stderr.contains("broken.z64"), "{}", run.stderr);
}

#[test]
fn info_shows_save_type_accessories_and_their_source() {
    let dir = tempfile::tempdir().unwrap();
    write_roms(dir.path());
    let path = |name: &str| dir.path().join(name);
    let run = n64([
        "info".as_ref(),
        path("kirby-e.n64").as_os_str(),
        path("homebrew.z64").as_os_str(),
        path("unknown.z64").as_os_str(),
    ]);
    assert_eq!(run.code, 0, "an unknown boot code leaves the check code unjudged: {}", run.stderr);
    let text = &run.stdout;
    assert!(
        text.contains("  Save type     EEPROM 16 Kbit (game database; disputed: another source gives EEPROM 4 Kbit)\n"),
        "{text}"
    );
    assert!(text.contains("  Accessories   Rumble Pak (game database)\n"), "{text}");
    assert!(text.contains("  Save type     EEPROM 4 Kbit (from the homebrew header)\n"), "{text}");
    assert!(text.contains("  Accessories   Rumble Pak, real-time clock (from the homebrew header)\n"), "{text}");
    assert!(text.contains("  Save type     unknown\n  Accessories   unknown\n"), "{text}");

    let run = n64([
        "info".as_ref(),
        "--json".as_ref(),
        path("perfect-dark.z64").as_os_str(),
        path("unknown.z64").as_os_str(),
    ]);
    let lines = run.json_lines();
    assert_eq!(lines[0]["save_type"], "eeprom16k");
    assert_eq!(lines[0]["save_type_source"], "database");
    assert_eq!(lines[0]["accessories"], serde_json::json!(["cpak", "rpak", "tpak"]));
    assert_eq!(lines[0]["expansion_pak"], "recommended");
    assert_eq!(lines[1]["save_type"], serde_json::Value::Null);
    assert_eq!(lines[1]["save_type_source"], serde_json::Value::Null);
    assert_eq!(lines[1]["accessories"], serde_json::json!([]));
}

#[test]
fn scan_save_type_column_uses_the_homebrew_header_then_the_database() {
    let dir = tempfile::tempdir().unwrap();
    write_roms(dir.path());
    let run = n64(["scan".as_ref(), "--json".as_ref(), dir.path().as_os_str()]);
    let lines = run.json_lines();
    let by_name = |name: &str| lines.iter().find(|r| r["path"].as_str().is_some_and(|p| p.ends_with(name))).unwrap();
    assert_eq!(by_name("mori.z64")["save_type"], "flashram");
    assert_eq!(by_name("mori.z64")["accessories"], serde_json::json!(["cpak", "rtc"]));
    assert_eq!(by_name("homebrew.z64")["save_type_source"], "homebrew_header");
    assert_eq!(by_name("dezaemon.v64")["save_type"], "sram768k");
    let run = n64(["scan".as_ref(), "--csv".as_ref(), dir.path().as_os_str()]);
    let row = run.stdout.lines().find(|l| l.contains("kirby-j.v64")).unwrap();
    assert_eq!(row.split(',').nth(10), Some("sram256k"), "{row}");
    let row = run.stdout.lines().find(|l| l.contains("unknown.z64")).unwrap();
    assert_eq!(row.split(',').nth(10), Some("-"), "{row}");
}
