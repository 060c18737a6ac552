//! `n64 info`: every decoded header field of each ROM.

use std::fmt::Write as _;

use n64_common::{Exit, RomFile, inspect_file, json};
use n64_core::{CheckStatus, DetectedBy, OrderSource, RomInfo};
use rayon::prelude::*;

use crate::cli::InfoArgs;
use n64_common::output::{self, Stop};

pub(crate) fn run(args: &InfoArgs) -> Result<Exit, Stop> {
    let options = args.overrides.options();
    let results: Vec<_> = args
        .paths
        .par_iter()
        .map(|path| {
            inspect_file(path, options).map(|mut rom| {
                rom.prefix = Vec::new(); // keep the facts, not a megabyte per ROM
                rom
            })
        })
        .collect();
    let mut exit = Exit::Ok;
    let mut printed = false;
    output::with_stdout(|out| {
        for result in &results {
            match result {
                Ok(rom) => {
                    if rom.info.check.is_valid() == Some(false) {
                        exit = exit.and(Exit::Problems);
                    }
                    if args.json {
                        writeln!(out, "{}", json::rom_json(&rom.path, &rom.info))?;
                    } else {
                        if printed {
                            writeln!(out)?;
                        }
                        out.write_all(describe(rom).as_bytes())?;
                        printed = true;
                    }
                }
                Err(failure) => {
                    exit = exit.and(Exit::Error);
                    output::error_line(&format!("n64: {failure}"));
                }
            }
        }
        Ok(())
    })?;
    Ok(exit)
}

fn order_text(info: &RomInfo) -> String {
    let name = match info.order {
        n64_core::ByteOrder::Z64 => "big-endian",
        n64_core::ByteOrder::V64 => "byte-swapped",
        n64_core::ByteOrder::N64 => "little-endian",
    };
    let how = match info.order_source {
        OrderSource::Magic => String::new(),
        OrderSource::Given => ", as given".to_owned(),
        OrderSource::BootCode { magic: None } => {
            ", inferred from the boot code (first word is no known magic)".to_owned()
        }
        OrderSource::BootCode { magic: Some(m) } => {
            format!(", inferred from the boot code (first word claims {m})")
        }
    };
    format!("{} ({name}{how})", info.order)
}

fn size_text(size: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let (value, unit) =
        if size >= 1 << 20 { (size as f64 / f64::from(1u32 << 20), "MiB") } else { (size as f64 / 1024.0, "KiB") };
    format!("{size} bytes ({value:.2} {unit})")
}

/// "NSME: Game Pak (N), E (North America), serial NUS-NSME-USA", or "none" for zero bytes.
fn game_code_text(code: n64_core::GameCode) -> String {
    if code.raw() == [0; 4] {
        return "none (all zero)".to_owned();
    }
    let category = u8::from(code.category());
    let mut text = format!(
        "{code}: {} ({}), {}",
        code.category().description(),
        if category.is_ascii_graphic() { char::from(category).to_string() } else { format!("0x{category:02x}") },
        code.destination()
    );
    if let Some(serial) = code.serial() {
        let _ = write!(text, ", serial {serial}");
    }
    text
}

/// "CIC 6102/7101 (Nintendo boot code)" and friends.
pub(crate) fn cic_text(info: &RomInfo) -> String {
    let family = info.family().map_or_else(|| "unknown boot code".to_owned(), |f| f.to_string());
    match (info.cic, info.cic_source) {
        (Some(kind), Some(DetectedBy::Given)) => format!("CIC {kind} (given; {family})"),
        (Some(kind), Some(DetectedBy::Crc32)) => {
            format!("CIC {kind} ({family}, by CRC32; not signed for the CIC's IPL2 checksum)")
        }
        (Some(kind), _) => format!("CIC {kind} ({family})"),
        (None, _) => format!("unknown ({family}, CRC32 {:08x})", info.boot_code.crc32),
    }
}

/// "valid", "INVALID (expected …)", "not required (libdragon boot code)", …
pub(crate) fn check_text(info: &RomInfo) -> String {
    let stored = info.header.check_code();
    let padded = |c: &n64_core::Computed| if c.padded { ", ROM shorter than checked range: zero-padded" } else { "" };
    match &info.check {
        CheckStatus::Valid(c) => format!("{stored} valid{}", padded(c)),
        CheckStatus::Invalid(c) => format!("{stored} INVALID (expected {}{})", c.code, padded(c)),
        CheckStatus::NotRequired(c) => format!(
            "{stored} not required ({}; a Nintendo boot code would expect {})",
            info.family().map_or_else(String::new, |f| f.to_string()),
            c.code
        ),
        CheckStatus::UnknownCic => format!("{stored} unknown (CIC unknown; pass --cic KIND)"),
        CheckStatus::NotApplicable => format!("{stored} not applicable (64DD: kept inside the boot code)"),
    }
}

fn describe(rom: &RomFile) -> String {
    let info = &rom.info;
    let header = &info.header;
    let code = header.game_code();
    let mut lines: Vec<(&str, String)> = vec![
        ("Format", order_text(info)),
        ("Size", size_text(rom.size)),
        ("Title", {
            let title = header.title();
            if title.is_clean() {
                format!("\"{}\"", title.text())
            } else {
                format!("\"{}\" (undecodable bytes escaped)", title.escaped())
            }
        }),
        ("Game code", game_code_text(code)),
    ];
    if let Some(version) = header.rom_version() {
        lines.push(("ROM version", format!("{version} (1.{version})")));
    }
    lines.push(("CIC", cic_text(info)));
    lines.push(("Check code", check_text(info)));
    let boot = header.boot_address();
    lines.push((
        "Boot address",
        match info.entry_point() {
            Some(entry) if entry != boot => format!("0x{boot:08X} (entry point 0x{entry:08X})"),
            _ => format!("0x{boot:08X}"),
        },
    ));
    lines.push(("PI config", header.pi_config().to_string()));
    lines.push((
        "Clock rate",
        format!("0x{:08X} ({} Hz count rate)", header.clock_rate(), header.effective_clock_rate()),
    ));
    lines.push((
        "libultra",
        header.libultra_version().version().unwrap_or_else(|| format!("0x{:08X}", header.libultra_version().raw)),
    ));
    if let Some(hb) = header.homebrew() {
        lines.push(("Save type", format!("{} ({})", hb.save_type, if hb.rtc { "RTC" } else { "no RTC" })));
        lines.push(("Region-free", if hb.region_free { "yes" } else { "no" }.to_owned()));
        for (port, controller) in hb.controllers.iter().enumerate() {
            lines
                .push((["Controller 1", "Controller 2", "Controller 3", "Controller 4"][port], controller.to_string()));
        }
    }
    let mut text = format!("{}\n", rom.path.display());
    for (label, value) in lines {
        let _ = writeln!(text, "  {label:<14}{value}");
    }
    text
}
