//! `n64 scan --format everdrive-savedb`: EverDrive 64 `save_db.txt` lines for the scanned ROMs
//! whose save type is known.
//!
//! The file's syntax (krikzz/ED64, `docs/rom_config_database.md`): one record per line,
//! `KEY=SC`, then whitespace and free text. KEY is the 2-character ROM ID (header 0x3C..0x3D) or
//! `0x` and the 8 hex digits of CRC-HI (header word 0x10); S is the save type (0 off, 1 EEPROM
//! 4K, 2 EEPROM 16K, 3 SRAM, 4 SRAM 768K, 5 FlashRAM, 6 SRAM 128K); C adds 1 for the RTC and 2
//! for a region-free ROM. Upper records win over lower ones.

use std::collections::HashMap;

use n64_core::game_db::{Accessories, SaveInfo, resolve};
use n64_core::{Header, SaveType};

/// The save digit and the config digit of a record.
type Settings = (u8, u8);

/// One scanned ROM: its header and the settings it needs, if known.
pub(crate) struct Rom {
    header: Header,
    settings: Option<Settings>,
    homebrew: bool,
    /// Title, game code and save type, for the record's free text.
    label: String,
}

impl Rom {
    /// The settings of a header: the homebrew header's or the database's.
    pub(crate) fn new(header: Header) -> Rom {
        let save = resolve(&header);
        let code = header.game_code();
        let mut parts = vec![header.title().text().trim().to_owned()];
        if let Some(text) = code.text() {
            parts.push(format!("[{text}]"));
        }
        if let Some(save) = &save {
            parts.push(save.save_type.to_string());
            if save.accessories.contains(Accessories::RTC) {
                parts.push("+ RTC".to_owned());
            }
        }
        parts.retain(|p| !p.is_empty());
        let label = parts.join(" ");
        Rom { settings: save.and_then(settings), homebrew: header.homebrew().is_some(), header, label }
    }

    fn id(&self) -> Option<[u8; 2]> {
        let id = [self.header.as_be_bytes()[0x3C], self.header.as_be_bytes()[0x3D]];
        id.iter().all(u8::is_ascii_alphanumeric).then_some(id)
    }

    fn crc_hi(&self) -> u32 {
        let bytes = self.header.as_be_bytes();
        u32::from_be_bytes([bytes[0x10], bytes[0x11], bytes[0x12], bytes[0x13]])
    }
}

/// The save digit and config digit of a resolved save type; `None` for a save type the format
/// has no code for.
fn settings(save: SaveInfo) -> Option<Settings> {
    let digit = match save.save_type {
        SaveType::None => 0,
        SaveType::Eeprom4k => 1,
        SaveType::Eeprom16k => 2,
        SaveType::Sram256k => 3,
        SaveType::Sram768k => 4,
        SaveType::FlashRam => 5,
        SaveType::Sram1m => 6,
        _ => return None,
    };
    let config = u8::from(save.accessories.contains(Accessories::RTC)) + 2 * u8::from(save.region_free);
    Some((digit, config))
}

/// The lines, CRC-keyed records first.
///
/// A ROM is keyed by its 2-character ID when every scanned ROM with that ID needs the same
/// settings; otherwise (different settings, a ROM of unknown save type among them, an ID that
/// is not two letters or digits, or a homebrew `ED` ROM, whose ID every homebrew ROM shares)
/// it is keyed by CRC-HI. Two ROMs with the same CRC-HI but different settings cannot both be
/// served: the first (by path) is printed and the others are returned as conflicts.
pub(crate) fn lines(roms: &[(String, Rom)]) -> (Vec<String>, Vec<String>) {
    // Per 2-character ID: the settings its first ROM needs, and whether all others agree.
    let mut uniform: HashMap<[u8; 2], (Option<Settings>, bool)> = HashMap::new();
    for (_, rom) in roms {
        if let Some(id) = rom.id() {
            let entry = uniform.entry(id).or_insert((rom.settings, true));
            entry.1 &= entry.0 == rom.settings;
        }
    }
    let mut by_crc: Vec<(u32, (u8, u8), &Rom)> = Vec::new();
    let mut by_id: Vec<([u8; 2], (u8, u8), &Rom)> = Vec::new();
    let mut crc_owner: Vec<(u32, &str)> = Vec::new();
    let mut conflicts = Vec::new();
    for (path, rom) in roms {
        let Some(wanted) = rom.settings else { continue };
        let shared = rom.id().filter(|id| !rom.homebrew && uniform.get(id).is_some_and(|(_, same)| *same));
        match shared {
            Some(id) => {
                if !by_id.iter().any(|(known, _, _)| *known == id) {
                    by_id.push((id, wanted, rom));
                }
            }
            None => match by_crc.iter().position(|(crc, _, _)| *crc == rom.crc_hi()) {
                Some(i) if by_crc[i].1 == wanted => {}
                Some(i) => conflicts.push(format!(
                    "{path}: CRC-HI 0x{:08X} is also that of {}, which needs other settings; only that one is written",
                    by_crc[i].0, crc_owner[i].1
                )),
                None => {
                    by_crc.push((rom.crc_hi(), wanted, rom));
                    crc_owner.push((rom.crc_hi(), path));
                }
            },
        }
    }
    by_crc.sort_by_key(|(crc, _, _)| *crc);
    by_id.sort_by_key(|(id, _, _)| *id);
    let mut out = Vec::new();
    for (crc, (save, config), rom) in by_crc {
        out.push(format!("0x{crc:08X}={save}{config}\t{}", comment(&rom.label)));
    }
    for (id, (save, config), rom) in by_id {
        out.push(format!("{}{}={save}{config}\t{}", char::from(id[0]), char::from(id[1]), comment(&rom.label)));
    }
    (out, conflicts)
}

/// Free text after a record: printable ASCII only, on one line.
fn comment(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rom(code: [u8; 4], crc_hi: u32, flags: u8) -> Rom {
        let mut bytes = [0u8; 64];
        bytes[0x10..0x14].copy_from_slice(&crc_hi.to_be_bytes());
        bytes[0x3B..0x3F].copy_from_slice(&code);
        bytes[0x3F] = flags;
        Rom::new(Header::from_be_bytes(bytes))
    }

    /// The records without their free text.
    fn records(roms: &[(String, Rom)]) -> Vec<String> {
        lines(roms).0.iter().map(|l| l.split('\t').next().unwrap().to_owned()).collect()
    }

    #[test]
    fn shared_ids_with_different_settings_are_keyed_by_crc() {
        // NK4 J revision 0: SRAM (3); NK4 E: EEPROM 16K (2); both ID "K4".
        let roms = vec![
            ("kirby-j".to_owned(), rom(*b"NK4J", 0x1111_1111, 0)),
            ("kirby-e".to_owned(), rom(*b"NK4E", 0x2222_2222, 0)),
            ("mario".to_owned(), rom(*b"NSME", 0x3333_3333, 0)),
        ];
        assert_eq!(records(&roms), ["0x11111111=30", "0x22222222=20", "SM=10"]);
        assert!(lines(&roms).1.is_empty());
        assert!(lines(&roms).0[2].ends_with("=10\t[NSME] EEPROM 4 Kbit"), "{:?}", lines(&roms).0);
    }

    #[test]
    fn homebrew_is_keyed_by_crc_and_unknown_games_are_left_out() {
        let roms = vec![("hb".to_owned(), rom(*b"NEDE", 0xABA5_1D09, 0x13)), ("x".to_owned(), rom(*b"NQQE", 1, 0))];
        assert_eq!(records(&roms), ["0xABA51D09=13"]);
    }

    #[test]
    fn an_unknown_rom_sharing_an_id_forces_crc_keys() {
        // "NSM" is known, "CSM" is not: an "SM" record would also apply to the unknown one.
        let roms = vec![("a".to_owned(), rom(*b"NSME", 5, 0)), ("b".to_owned(), rom(*b"CSME", 6, 0))];
        assert_eq!(records(&roms), ["0x00000005=10"]);
    }

    #[test]
    fn crc_collisions_with_other_settings_are_reported() {
        let roms = vec![("a".to_owned(), rom(*b"NK4J", 7, 0)), ("b".to_owned(), rom(*b"NK4E", 7, 0))];
        assert_eq!(records(&roms), ["0x00000007=30"]);
        let conflicts = lines(&roms).1;
        assert!(
            conflicts.len() == 1 && conflicts[0].starts_with("b: CRC-HI 0x00000007 is also that of a"),
            "{conflicts:?}"
        );
    }
}
