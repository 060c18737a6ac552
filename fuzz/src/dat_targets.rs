//! Fuzz targets for n64-dat (replayed by `crates/n64-dat/tests/fuzz_corpus.rs`).

use n64_core::ByteOrder;
use n64_dat::{Dat, Index, MatchedBy, RomRef, game_codes, parse, rom_order, to_logiqx};

/// A fuzz target: takes arbitrary bytes, panics when an invariant fails.
pub type Target = fn(&[u8]);

/// The targets by name.
pub const TARGETS: [(&str, Target); 2] = [("dat_parse", dat_parse), ("dat_index", dat_index)];

/// Parsing never panics; a parsed DAT written as Logiqx reads back equal (unless a string held a
/// character XML cannot carry, written as U+FFFD), and writing is stable from then on.
pub fn dat_parse(data: &[u8]) {
    let Ok(parsed) = parse(data) else { return };
    for w in &parsed.warnings {
        let _ = w.to_string();
    }
    let xml = to_logiqx(&parsed.dat);
    let again = match parse(xml.as_bytes()) {
        Ok(again) => again,
        Err(e) => panic!("our own output does not parse: {e}\n{xml}"),
    };
    assert!(again.warnings.is_empty(), "our own output has warnings: {:?}", again.warnings);
    if strings(&parsed.dat).all(|s| s.chars().all(xml_can_carry)) {
        assert_eq!(again.dat, parsed.dat, "{xml}");
    }
    assert_eq!(to_logiqx(&again.dat), xml, "writing is stable");
}

/// Every rom the index holds is found by its own hashes, name and serials.
pub fn dat_index(data: &[u8]) {
    let Ok(parsed) = parse(data) else { return };
    let forced = match data.len() % 5 {
        0 => Some(ByteOrder::Z64),
        1 => Some(ByteOrder::V64),
        _ => None,
    };
    let dats = [parsed.dat.clone(), parsed.dat];
    let index = Index::new(&dats, forced);
    let _ = (index.views(), index.needs(), index.len());
    for (d, dat) in dats.iter().enumerate() {
        for (g, game) in dat.games.iter().enumerate().take(32) {
            let serials = game.serials.iter().chain(game.roms.iter().filter_map(|r| r.serial.as_ref()));
            for code in serials.flat_map(|s| game_codes(s)) {
                assert!(index.games_with_code(code).contains(&(d, g)), "game {g} by code {code:?}");
            }
            for (r, rom) in game.roms.iter().enumerate().take(8) {
                let at = RomRef { dat: d, game: g, rom: r };
                assert!(index.roms_named(&rom.name).contains(&at), "rom {at:?} by name");
                let found = index.lookup(
                    rom_order(dat, rom, forced),
                    rom.size.unwrap_or(0),
                    rom.crc32.unwrap_or(0),
                    rom.md5,
                    rom.sha1,
                );
                match rom.matched_by() {
                    Some(by) => assert!(found.contains(&(at, by)), "rom {at:?} by {by:?}"),
                    None => assert!(found.iter().all(|&(other, _)| other != at), "unindexed rom {at:?} found"),
                }
                if rom.matched_by() == Some(MatchedBy::Crc32Size) {
                    let bigger = rom.size.unwrap_or(0).wrapping_add(1);
                    let wrong = index.lookup(rom_order(dat, rom, forced), bigger, rom.crc32.unwrap_or(0), None, None);
                    assert!(!wrong.iter().any(|&(other, _)| other == at), "rom {at:?} with another size");
                }
            }
        }
    }
}

/// Every string a DAT holds.
fn strings(dat: &Dat) -> impl Iterator<Item = &str> {
    let h = &dat.header;
    let header = [&h.description, &h.version, &h.date, &h.author, &h.homepage, &h.url, &h.comment];
    std::iter::once(h.name.as_str()).chain(header.into_iter().flatten().map(String::as_str)).chain(
        dat.games.iter().flat_map(|g| {
            let own = [&g.description, &g.id, &g.cloneof, &g.cloneofid];
            std::iter::once(g.name.as_str())
                .chain(own.into_iter().flatten().map(String::as_str))
                .chain(g.serials.iter().map(String::as_str))
                .chain(g.roms.iter().flat_map(|r| {
                    std::iter::once(r.name.as_str())
                        .chain([&r.serial, &r.header].into_iter().flatten().map(String::as_str))
                }))
        }),
    )
}

/// XML 1.0's `Char` production.
fn xml_can_carry(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}
