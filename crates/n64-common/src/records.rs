//! The JSON records both binaries print, one per line, each with a `type`. The keys are a
//! contract documented in the README: keys may be added, never renamed or given new meanings.

use std::path::Path;

use n64_core::{Controller, HomebrewHeader, RomInfo, SaveType};
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::{Failure, FailureKind};

/// A path as JSON shows it (non-UTF-8 bytes replaced by U+FFFD).
pub fn path_text(path: &Path) -> String {
    path.display().to_string()
}

fn hex32(value: u32) -> String {
    format!("0x{value:08X}")
}

/// `"type": "error"`: a file that could not be processed.
#[derive(Debug, Serialize)]
pub struct ErrorRecord<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    /// The file.
    pub path: String,
    /// What kind of failure.
    pub kind: FailureKind,
    /// The message, as on stderr.
    pub message: &'a str,
}

impl<'a> ErrorRecord<'a> {
    /// The record of `failure`.
    pub fn new(failure: &'a Failure) -> ErrorRecord<'a> {
        ErrorRecord { record: "error", path: path_text(&failure.path), kind: failure.kind, message: &failure.message }
    }
}

/// `"type": "other"`: a file met in a directory that is not a ROM (or is left alone), with why.
#[derive(Debug, Serialize)]
pub struct OtherRecord {
    #[serde(rename = "type")]
    record: &'static str,
    /// The file.
    pub path: String,
    /// Why it is not processed.
    pub reason: String,
}

impl OtherRecord {
    /// The record of a file left alone.
    pub fn new(path: &Path, reason: impl Into<String>) -> OtherRecord {
        OtherRecord { record: "other", path: path_text(path), reason: reason.into() }
    }
}

/// `"type": "summary"`: counts, in the order given (the last record of a run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRecord {
    /// The counts, in output order.
    pub counts: Vec<(&'static str, usize)>,
}

impl Serialize for SummaryRecord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.counts.len() + 1))?;
        map.serialize_entry("type", "summary")?;
        for (key, value) in &self.counts {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// The check code part of a ROM record.
#[derive(Debug, Serialize)]
pub struct CheckCodeRecord {
    /// The stored value, 16 hex digits.
    pub stored: String,
    /// The value the CIC's boot code expects, when a CIC is known.
    pub computed: Option<String>,
    /// `true`/`false`, `null` when not applicable.
    pub valid: Option<bool>,
    /// Whether the ROM was shorter than the checked range and counted as zero-padded.
    pub padded: bool,
    /// `valid`, `invalid`, `not_required`, `unknown_cic` or `not_applicable`.
    pub status: &'static str,
}

/// The PI configuration part of a ROM record.
#[derive(Debug, Serialize)]
pub struct PiConfigRecord {
    raw: String,
    latency: u8,
    pulse_width: u8,
    page_size: u8,
    release: u8,
}

/// The clock rate part of a ROM record.
#[derive(Debug, Serialize)]
pub struct ClockRateRecord {
    raw: String,
    effective_hz: u32,
}

/// The Advanced Homebrew header part of a ROM record.
#[derive(Debug, Serialize)]
pub struct HomebrewRecord {
    controllers: [String; 4],
    save_type: String,
    rtc: bool,
    region_free: bool,
}

impl HomebrewRecord {
    /// The record of a decoded header.
    pub fn new(hb: &HomebrewHeader) -> HomebrewRecord {
        let controller = |c: Controller| c.name().map_or_else(|| format!("0x{:02x}", c.to_byte()), str::to_owned);
        HomebrewRecord {
            controllers: hb.controllers.map(controller),
            save_type: save_type_name(hb.save_type),
            rtc: hb.rtc,
            region_free: hb.region_free,
        }
    }
}

/// A save type's name (`eeprom4k`), or `0x` and its code when no convention defines it.
pub fn save_type_name(save: SaveType) -> String {
    save.name().map_or_else(|| format!("0x{:x}", save.to_code()), str::to_owned)
}

/// `"type": "rom"` as `n64 info` and `n64 scan` print it: every decoded fact of one ROM.
#[derive(Debug, Serialize)]
pub struct RomRecord {
    #[serde(rename = "type")]
    record: &'static str,
    /// The path as given.
    pub path: String,
    format: &'static str,
    format_source: &'static str,
    size: u64,
    trailing_bytes: usize,
    title: String,
    title_escaped: String,
    title_raw: String,
    game_code: Option<String>,
    category: &'static str,
    region: &'static str,
    serial: Option<String>,
    rom_version: Option<u8>,
    cic: Option<&'static str>,
    cic_source: Option<&'static str>,
    boot_code: Option<&'static str>,
    boot_code_cic: Option<&'static str>,
    boot_code_crc32: String,
    check_code: CheckCodeRecord,
    boot_address: String,
    entry_point: Option<String>,
    pi_config: PiConfigRecord,
    clock_rate: ClockRateRecord,
    libultra_version: Option<String>,
    homebrew: Option<HomebrewRecord>,
    /// Save hardware: the Advanced Homebrew header's, else the game database's; `None` when
    /// unknown (not the same as `"none"`, no save hardware).
    save_type: Option<String>,
    /// `"homebrew_header"`, `"database"` or `None` (unknown).
    save_type_source: Option<&'static str>,
    /// Another save type a different source gives (database rows marked disputed).
    save_type_disputed: Option<&'static str>,
    /// Accessories and extras from the same source (`cpak`, `rpak`, `tpak`, `rtc`, …).
    accessories: Vec<&'static str>,
    /// Expansion Pak use where the database cites it: `required`, `recommended`, `enhanced`.
    expansion_pak: Option<&'static str>,
}

impl RomRecord {
    /// The record of a ROM at `path`.
    pub fn new(path: &Path, info: &RomInfo) -> RomRecord {
        let header = &info.header;
        let code = header.game_code();
        let title = header.title();
        let computed = info.check.computed();
        let pi = header.pi_config();
        let save = n64_core::game_db::resolve(header);
        RomRecord {
            record: "rom",
            path: path_text(path),
            format: info.order.name(),
            format_source: info.order_source.name(),
            size: info.size,
            trailing_bytes: info.trailing_bytes,
            title: title.text(),
            title_escaped: title.escaped(),
            title_raw: n64_io::hex(title.raw()),
            game_code: code.text().map(str::to_owned),
            category: code.category().description(),
            region: code.destination().description(),
            serial: code.serial(),
            rom_version: header.rom_version(),
            cic: info.cic.map(n64_core::CicKind::name),
            cic_source: info.cic_source.map(n64_core::DetectedBy::name),
            boot_code: info.family().map(n64_core::BootCodeFamily::name),
            boot_code_cic: info.boot_code.cic.map(n64_core::CicKind::name),
            boot_code_crc32: format!("{:08x}", info.boot_code.crc32),
            check_code: CheckCodeRecord {
                stored: header.check_code().to_string(),
                computed: computed.map(|c| c.code.to_string()),
                valid: info.check.is_valid(),
                padded: computed.is_some_and(|c| c.padded),
                status: info.check.name(),
            },
            boot_address: hex32(header.boot_address()),
            entry_point: info.entry_point().map(hex32),
            pi_config: PiConfigRecord {
                raw: hex32(pi.raw),
                latency: pi.latency(),
                pulse_width: pi.pulse_width(),
                page_size: pi.page_size(),
                release: pi.release(),
            },
            clock_rate: ClockRateRecord {
                raw: hex32(header.clock_rate()),
                effective_hz: header.effective_clock_rate(),
            },
            libultra_version: header.libultra_version().version(),
            homebrew: header.homebrew().as_ref().map(HomebrewRecord::new),
            save_type: save.map(|s| save_type_name(s.save_type)),
            save_type_source: save.map(|s| s.source.name()),
            save_type_disputed: save.and_then(|s| s.disputed).and_then(SaveType::name),
            accessories: save.map(|s| s.accessories.names().collect()).unwrap_or_default(),
            expansion_pak: save.and_then(|s| s.expansion_pak).map(n64_core::game_db::ExpansionPak::name),
        }
    }
}
