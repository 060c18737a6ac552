//! The JSON record of a ROM, shared by `n64 info --json`, `n64 scan --json` and reports.
//!
//! The keys are a contract (documented in the README); add keys, never rename them.

use std::path::Path;

use n64_core::{CheckStatus, Controller, HomebrewHeader, RomInfo};
use serde_json::{Value, json};

use crate::Failure;

fn hex32(value: u32) -> String {
    format!("0x{value:08X}")
}

/// The check code status as a word: `valid`, `invalid`, `not_required`, `unknown_cic`,
/// `not_applicable`.
pub fn status_word(status: &CheckStatus) -> &'static str {
    match status {
        CheckStatus::Valid(_) => "valid",
        CheckStatus::Invalid(_) => "invalid",
        CheckStatus::NotRequired(_) => "not_required",
        CheckStatus::UnknownCic => "unknown_cic",
        CheckStatus::NotApplicable => "not_applicable",
    }
}

/// The `homebrew` object, or null.
pub fn homebrew_json(homebrew: Option<HomebrewHeader>) -> Value {
    let Some(hb) = homebrew else { return Value::Null };
    let controller = |c: Controller| c.name().map_or_else(|| format!("0x{:02x}", c.to_byte()), str::to_owned);
    json!({
        "controllers": hb.controllers.map(controller),
        "save_type": hb.save_type.name().map_or_else(|| format!("0x{:x}", hb.save_type.to_code()), str::to_owned),
        "rtc": hb.rtc,
        "region_free": hb.region_free,
    })
}

/// The whole record of one ROM.
pub fn rom_json(path: &Path, info: &RomInfo) -> Value {
    let header = &info.header;
    let code = header.game_code();
    let title = header.title();
    let computed = info.check.computed();
    let pi = header.pi_config();
    json!({
        "path": path.display().to_string(),
        "format": info.order.name(),
        "format_source": info.order_source.name(),
        "size": info.size,
        "title": title.text(),
        "title_escaped": title.escaped(),
        "title_raw": hex_bytes(title.raw()),
        "game_code": code.to_string(),
        "category": code.category().description(),
        "region": code.destination().description(),
        "serial": code.serial(),
        "rom_version": header.rom_version(),
        "cic": info.cic.map(n64_core::CicKind::name),
        "cic_source": info.cic_source.map(n64_core::DetectedBy::name),
        "boot_code": info.family().map(n64_core::BootCodeFamily::name),
        "boot_code_crc32": format!("{:08x}", info.boot_code.crc32),
        "check_code": {
            "stored": header.check_code().to_string(),
            "computed": computed.map(|c| c.code.to_string()),
            "valid": info.check.is_valid(),
            "padded": computed.is_some_and(|c| c.padded),
            "status": status_word(&info.check),
        },
        "boot_address": hex32(header.boot_address()),
        "entry_point": info.entry_point().map(hex32),
        "pi_config": {
            "raw": hex32(pi.raw),
            "latency": pi.latency(),
            "pulse_width": pi.pulse_width(),
            "page_size": pi.page_size(),
            "release": pi.release(),
        },
        "clock_rate": { "raw": hex32(header.clock_rate()), "effective_hz": header.effective_clock_rate() },
        "libultra_version": header.libultra_version().version(),
        "homebrew": homebrew_json(header.homebrew()),
    })
}

/// The record of a file that could not be read as a ROM.
pub fn failure_json(failure: &Failure) -> Value {
    json!({ "path": failure.path.display().to_string(), "error": failure.message })
}

fn hex_bytes(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}
