//! The game database against facts written by hand from the ares emulator's table
//! (mia/medium/nintendo-64.cpp at fc834543, read by a person) and the research notes, on
//! synthetic headers stored in all three byte orders.

use n64_core::game_db::{Accessories, ExpansionPak, SaveSource, lookup, resolve};
use n64_core::{Header, SaveType, detect_order};
use n64_testkit::{Homebrew, Order, RomBuilder};

const CPAK: Accessories = Accessories::CONTROLLER_PAK;
const RPAK: Accessories = Accessories::RUMBLE_PAK;
const TPAK: Accessories = Accessories::TRANSFER_PAK;
const RTC: Accessories = Accessories::RTC;

/// The header of a ROM built with this game code and revision, stored in `order` and read
/// back through byte-order detection.
fn header(code: [u8; 4], revision: u8, order: Order) -> Header {
    let stored = RomBuilder::new(0x1000).game_code(&code).rom_version(revision).order(order).build_stored();
    let (found, _) = detect_order(&stored).expect("the order is detected");
    Header::read(&stored, found).expect("the header reads")
}

/// Asserts the database answer for a game code in every byte order.
fn expect(code: [u8; 4], revision: u8, save: SaveType, accessories: Accessories) {
    for order in [Order::Z64, Order::V64, Order::N64] {
        let header = header(code, revision, order);
        let what = format!("{} rev {revision} ({order:?})", String::from_utf8_lossy(&code));
        let game = lookup(&header).unwrap_or_else(|| panic!("{what}: not in the database"));
        assert_eq!(game.save_type, save, "{what}");
        assert_eq!(game.accessories, accessories, "{what}");
        let info = resolve(&header).expect("resolved");
        assert_eq!(
            (info.save_type, info.accessories, info.source),
            (save, accessories, SaveSource::Database),
            "{what}"
        );
    }
}

#[test]
fn super_mario_64_has_eeprom_4k_and_the_shindou_edition_adds_rumble() {
    expect(*b"NSME", 0, SaveType::Eeprom4k, Accessories::NONE);
    expect(*b"NSMJ", 0, SaveType::Eeprom4k, Accessories::NONE);
    expect(*b"NSMJ", 3, SaveType::Eeprom4k, RPAK);
}

#[test]
fn kirby_64_early_japanese_revisions_have_sram_the_rest_eeprom_16k_disputed() {
    expect(*b"NK4J", 0, SaveType::Sram256k, RPAK);
    expect(*b"NK4J", 1, SaveType::Sram256k, RPAK);
    expect(*b"NK4J", 2, SaveType::Eeprom16k, RPAK);
    expect(*b"NK4E", 0, SaveType::Eeprom16k, RPAK);
    let game = lookup(&header(*b"NK4E", 0, Order::Z64)).unwrap();
    // Another table (N64FlashcartMenu) gives EEPROM 4 Kbit: the row records it.
    assert_eq!(game.disputed, Some(SaveType::Eeprom4k));
    assert!(game.note.contains("N64FlashcartMenu"));
    assert_eq!(lookup(&header(*b"NK4J", 0, Order::Z64)).unwrap().disputed, None);
}

#[test]
fn track_and_field_japan_has_sram_other_regions_a_controller_pak() {
    expect(*b"N3HJ", 0, SaveType::Sram256k, RPAK);
    expect(*b"N3HE", 0, SaveType::None, CPAK.union(RPAK));
    expect(*b"N3HP", 0, SaveType::None, CPAK.union(RPAK));
}

#[test]
fn single_rules_from_the_table() {
    expect(*b"CDZJ", 0, SaveType::Sram768k, RPAK);
    expect(*b"NAFJ", 0, SaveType::FlashRam, CPAK.union(RTC));
    expect(*b"NPDE", 0, SaveType::Eeprom16k, CPAK.union(RPAK).union(TPAK));
    expect(*b"NP3E", 0, SaveType::FlashRam, TPAK);
    expect(*b"NZLP", 0, SaveType::Sram256k, RPAK);
    expect(*b"NZSE", 0, SaveType::FlashRam, RPAK);
    expect(*b"NGEE", 0, SaveType::Eeprom4k, RPAK);
}

#[test]
fn expansion_pak_rows_carry_their_reference() {
    // Wikipedia's Expansion Pak article: Donkey Kong 64 and Majora's Mask require it.
    for code in [*b"NDOE", *b"NZSE"] {
        let game = lookup(&header(code, 0, Order::Z64)).unwrap();
        assert_eq!(game.expansion_pak, Some(ExpansionPak::Required));
        assert!(game.source.contains("https://en.wikipedia.org/wiki/Expansion_Pak"));
    }
    assert_eq!(lookup(&header(*b"NSME", 0, Order::Z64)).unwrap().expansion_pak, None);
}

#[test]
fn an_unknown_id_is_unknown_not_none() {
    for order in [Order::Z64, Order::V64, Order::N64] {
        let header = header(*b"NQQE", 0, order);
        assert_eq!(lookup(&header), None);
        assert_eq!(resolve(&header), None);
    }
    // A region rule alone does not cover other regions: Dark Rift is known only in Japan.
    assert!(lookup(&header(*b"NDKJ", 0, Order::Z64)).is_some());
    assert_eq!(lookup(&header(*b"NDKE", 0, Order::Z64)), None);
}

#[test]
fn a_homebrew_header_overrides_the_table() {
    // A homebrew ROM: 0x3F = 0x33 (SRAM 256K, RTC, region-free), a Controller Pak on port 1.
    let hb = Homebrew { controllers: [0x02, 0x00, 0x00, 0x00], save_type: 3, rtc: true, region_free: true };
    for order in [Order::Z64, Order::V64, Order::N64] {
        let stored = RomBuilder::new(0x1000).game_code(b"NEDE").homebrew(hb).order(order).build_stored();
        let (found, _) = detect_order(&stored).unwrap();
        let header = Header::read(&stored, found).unwrap();
        let info = resolve(&header).expect("the homebrew header declares a save type");
        assert_eq!(info.source, SaveSource::HomebrewHeader, "{order:?}");
        assert_eq!(info.save_type, SaveType::Sram256k, "{order:?}");
        assert_eq!(info.accessories, CPAK.union(RTC), "{order:?}");
        assert!(info.region_free);
    }
}

#[test]
fn a_homebrew_header_wins_over_a_table_row_for_the_same_bytes() {
    // Majora's Mask's header (table: FlashRAM) with "ED" written at 0x3C and 0x10 at 0x3F: the
    // header's own EEPROM 4K is used.
    let mut bytes = *header(*b"NZSE", 0, Order::Z64).as_be_bytes();
    assert_eq!(lookup(&Header::from_be_bytes(bytes)).unwrap().save_type, SaveType::FlashRam);
    bytes[0x3C..0x3E].copy_from_slice(b"ED");
    bytes[0x3F] = 0x10;
    let info = resolve(&Header::from_be_bytes(bytes)).unwrap();
    assert_eq!((info.save_type, info.source), (SaveType::Eeprom4k, SaveSource::HomebrewHeader));
}
