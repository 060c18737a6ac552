//! `n64 info`: every decoded header field of each ROM, and what a 64DD disk image's system
//! area says.

use std::fmt::Write as _;
use std::path::Path;

use n64_common::batch::{self, Tally};
use n64_common::output::{Format, Printer, Stop};
use n64_common::records::RomRecord;
use n64_common::{Exit, Failure, count, detection, order_source_text};
use n64_core::disk::DiskInfo;
use n64_core::game_db::SaveSource;
use n64_core::{CheckStatus, DetectedBy, GameCode, InspectOptions, RomInfo};
use n64_io::{Entry, ErrorKind};

use crate::cli::InfoArgs;
use crate::disk::DiskRecord;

pub(crate) fn run(args: &InfoArgs) -> Result<Exit, Stop> {
    let options = InspectOptions::default().with_cic(args.cic).with_order(args.byte_order);
    let entries: Vec<Entry> = args.paths.iter().map(Entry::named).collect();
    let results = batch::map(&entries, false, Vec::new, |buffer, entry| {
        match n64_io::inspect_file_into(&entry.path, options, buffer) {
            Ok((_, info)) => Ok(Read::Rom(info, buffer.len())),
            Err(n64_io::Error { kind: ErrorKind::Disk(disk), .. }) => Ok(Read::Disk(disk)),
            Err(error) => Err(Failure::from(error)),
        }
    });
    let mut printer = Printer::new("n64", if args.json { Format::Json } else { Format::Text });
    let mut tally = Tally::new(&["roms"]);
    let mut first = true;
    for (entry, result) in entries.iter().zip(&results) {
        match result {
            Ok(Read::Disk(disk)) => {
                tally.add("disks", Exit::Ok);
                printer.record(&DiskRecord::new(&entry.path, disk))?;
                if !first {
                    printer.line("")?;
                }
                printer.text(&crate::disk::describe(&entry.path, disk))?;
                first = false;
            }
            Ok(Read::Rom(info, read)) => {
                tracing::debug!("{}: {}", entry.path.display(), detection(info, *read));
                let problem = info.check.is_valid() == Some(false) || info.trailing_bytes > 0;
                tally.add("roms", if problem { Exit::Problems } else { Exit::Ok });
                printer.record(&RomRecord::new(&entry.path, info))?;
                if !first {
                    printer.line("")?;
                }
                printer.text(&describe(&entry.path, info))?;
                first = false;
            }
            Err(failure) => {
                tally.add(batch::ERRORS, Exit::Error);
                printer.failure(failure)?;
            }
        }
    }
    printer.finish()?;
    Ok(tally.exit())
}

/// What `info` read from one file: a cartridge ROM (and how many bytes were read) or a disk.
enum Read {
    Rom(RomInfo, usize),
    Disk(Box<DiskInfo>),
}

pub(crate) fn size_text(size: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let (value, unit) =
        if size >= 1 << 20 { (size as f64 / f64::from(1u32 << 20), "MiB") } else { (size as f64 / 1024.0, "KiB") };
    format!("{} ({value:.2} {unit})", count(usize::try_from(size).unwrap_or(usize::MAX), "byte"))
}

/// "NSME: Game Pak (N), E (North America), serial NUS-NSME-USA"; "none (all zero)"; "none (not
/// printable: 00 45 44 00)".
pub(crate) fn game_code_text(code: GameCode) -> String {
    if code.is_zero() {
        return "none (all zero)".to_owned();
    }
    let Some(text) = code.text() else {
        return format!("none (not printable: {})", code.raw().map(|b| format!("{b:02X}")).join(" "));
    };
    let category = u8::from(code.category());
    let mut line =
        format!("{text}: {} ({}), {}", code.category().description(), char::from(category), code.destination());
    if let Some(serial) = code.serial() {
        let _ = write!(line, ", serial {serial}");
    }
    line
}

/// "CIC 6102/7101 (Nintendo boot code)" and friends.
fn cic_text(info: &RomInfo) -> String {
    let family = info.family().map_or_else(|| "unknown boot code".to_owned(), |f| f.to_string());
    match (info.cic, info.cic_source) {
        (Some(kind), Some(DetectedBy::Given)) => match info.cic_contradiction() {
            Some((_, detected)) => format!("CIC {kind} (given; the boot code, {family}, is made for CIC {detected})"),
            None => format!("CIC {kind} (given; {family})"),
        },
        (Some(kind), Some(DetectedBy::Crc32)) => {
            format!("CIC {kind} ({family}, by CRC32; not signed for the CIC's IPL2 checksum)")
        }
        (Some(kind), _) => format!("CIC {kind} ({family})"),
        (None, _) => format!("unknown ({family}, CRC32 {:08x})", info.boot_code.crc32),
    }
}

/// "valid", "INVALID (expected …)", "not required (libdragon boot code)", …
fn check_text(info: &RomInfo) -> String {
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
        _ => format!("{stored} not applicable (64DD: kept inside the boot code)"),
    }
}

fn describe(path: &Path, info: &RomInfo) -> String {
    let header = &info.header;
    let order_name = match info.order {
        n64_core::ByteOrder::Z64 => "big-endian",
        n64_core::ByteOrder::V64 => "byte-swapped",
        _ => "little-endian",
    };
    let title = header.title();
    let mut lines: Vec<(&str, String)> = vec![
        ("Format", format!("{} ({order_name}, {})", info.order, order_source_text(info))),
        ("Size", size_text(info.size)),
        (
            "Title",
            if title.is_clean() {
                format!("\"{}\"", title.text())
            } else {
                format!("\"{}\" (undecodable bytes escaped)", title.escaped())
            },
        ),
        ("Game code", game_code_text(header.game_code())),
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
    lines.extend(save_lines(header));
    if let Some(hb) = header.homebrew() {
        lines.push(("Region-free", if hb.region_free { "yes" } else { "no" }.to_owned()));
        for (port, controller) in hb.controllers.iter().enumerate() {
            lines
                .push((["Controller 1", "Controller 2", "Controller 3", "Controller 4"][port], controller.to_string()));
        }
    }
    if info.trailing_bytes > 0 {
        lines.push(("Problem", trailing_text(info)));
    }
    let mut text = format!("{}\n", path.display());
    for (label, value) in lines {
        let _ = writeln!(text, "  {label:<14}{value}");
    }
    text
}

/// "Save type", "Accessories" and, where the database cites it, "Expansion Pak", each with where
/// it comes from; "unknown" when neither the homebrew header nor the database knows the game.
fn save_lines(header: &n64_core::Header) -> Vec<(&'static str, String)> {
    let Some(save) = n64_core::game_db::resolve(header) else {
        return vec![("Save type", "unknown".to_owned()), ("Accessories", "unknown".to_owned())];
    };
    let from = match save.source {
        SaveSource::HomebrewHeader => "from the homebrew header",
        _ => "game database",
    };
    let chip = match save.save_type {
        n64_core::SaveType::None => "none, no save chip".to_owned(),
        other => other.to_string(),
    };
    let save_type = match save.disputed {
        Some(other) => format!("{chip} ({from}; disputed: another source gives {other})"),
        None => format!("{chip} ({from})"),
    };
    let mut lines = vec![("Save type", save_type), ("Accessories", format!("{} ({from})", save.accessories))];
    if let Some(expansion) = save.expansion_pak {
        lines.push(("Expansion Pak", format!("{} ({from})", expansion.name())));
    }
    lines
}

/// "2 trailing bytes after the last whole 4-byte word of the n64 order".
pub(crate) fn trailing_text(info: &RomInfo) -> String {
    format!(
        "{} after the last whole {}-byte word of the {} order",
        count(info.trailing_bytes, "trailing byte"),
        info.order.unit(),
        info.order
    )
}
