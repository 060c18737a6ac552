//! `n64 scan`: list the ROMs (and 64DD disk images) under directories, recognised by content.

use std::path::Path;

use n64_common::batch::{self, Outcome, Settings, Tally};
use n64_common::output::{Format, Printer, Stop};
use n64_common::records::{OtherRecord, RomRecord};
use n64_common::{Exit, Failure, Verbosity, count, detection};
use n64_core::disk::DiskInfo;
use n64_core::{ByteOrder, InspectOptions, RomInfo};
use n64_io::ErrorKind;
use serde::Serialize;

use crate::cli::{ScanArgs, ScanFormat};
use crate::disk::DiskRecord;
use crate::everdrive;

/// The columns of the table and of the CSV header (a contract: add columns at the end only).
const COLUMNS: [&str; 13] = [
    "path",
    "format",
    "extension",
    "size",
    "title",
    "game_code",
    "region",
    "version",
    "cic",
    "check_code",
    "save_type",
    "trailing_bytes",
    "kind",
];

/// Whether the file extension names the byte order found inside: `None` when the extension is
/// not one of z64/v64/n64.
pub(crate) fn extension_matches(path: &Path, order: ByteOrder) -> Option<bool> {
    n64_io::order_of_extension(path).map(|named| named == order)
}

/// `"type": "rom"` of `n64 scan --json`: the `info` record and whether the extension fits.
#[derive(Debug, Serialize)]
struct ScanRecord {
    #[serde(flatten)]
    rom: RomRecord,
    extension_matches: Option<bool>,
}

/// One file found: a ROM, or a 64DD disk image.
enum Found {
    Rom(FoundRom),
    Disk(Box<DiskInfo>),
}

/// One ROM found.
struct FoundRom {
    info: RomInfo,
    read: usize,
    extension: Option<bool>,
}

impl Outcome for Found {
    fn tally(&self) -> (&'static str, Exit) {
        match self {
            Found::Rom(_) => ("roms", Exit::Ok),
            Found::Disk(_) => ("disks", Exit::Ok),
        }
    }

    fn counters(&self) -> Vec<&'static str> {
        match self {
            Found::Rom(rom) => rom.counters(),
            Found::Disk(_) => Vec::new(),
        }
    }

    fn log(&self, path: &Path) {
        match self {
            Found::Rom(rom) => tracing::debug!("{}: {}", path.display(), detection(&rom.info, rom.read)),
            Found::Disk(disk) => tracing::debug!("{}: {}", path.display(), crate::disk::summary(disk)),
        }
    }

    fn print(&self, path: &Path, printer: &mut Printer, _quiet: bool) -> Result<(), Stop> {
        match self {
            Found::Rom(rom) => {
                printer
                    .record(&ScanRecord { rom: RomRecord::new(path, &rom.info), extension_matches: rom.extension })?;
                printer.row(row(path, &rom.info, rom.extension))
            }
            Found::Disk(disk) => {
                printer.record(&DiskRecord::new(path, disk))?;
                printer.row(disk_row(path, disk))
            }
        }
    }

    fn print_other(path: &Path, reason: &str, printer: &mut Printer) -> Result<(), Stop> {
        printer.record(&OtherRecord::new(path, reason))?;
        match printer.format() {
            Format::Csv => {
                let mut cells = vec![String::new(); COLUMNS.len()];
                cells[0] = path.display().to_string();
                reason.clone_into(&mut cells[9]);
                printer.row(cells)
            }
            _ => printer.line(format_args!("{}: {reason}", path.display())),
        }
    }
}

impl FoundRom {
    fn counters(&self) -> Vec<&'static str> {
        let mut counters = Vec::new();
        if self.info.check.is_valid() == Some(false) {
            counters.push("invalid_check_codes");
        }
        if self.extension == Some(false) {
            counters.push("extension_mismatches");
        }
        if self.info.trailing_bytes > 0 {
            counters.push("trailing_bytes");
        }
        counters
    }
}

/// A disk's row: its format, size, game code, region and version from the disk ID; `-` for
/// what only cartridges have.
fn disk_row(path: &Path, disk: &DiskInfo) -> Vec<String> {
    let id = disk.disk_id.as_ref();
    vec![
        path.display().to_string(),
        disk.format.to_string(),
        "-".to_owned(),
        disk.size.to_string(),
        "-".to_owned(),
        crate::disk::game_code(disk).replace("none", "-"),
        disk.system.region.to_string(),
        id.map_or_else(|| "-".to_owned(), |id| id.version().to_string()),
        "-".to_owned(),
        "-".to_owned(),
        "-".to_owned(),
        "-".to_owned(),
        "disk".to_owned(),
    ]
}

fn row(path: &Path, info: &RomInfo, extension: Option<bool>) -> Vec<String> {
    let header = &info.header;
    let code = header.game_code();
    vec![
        path.display().to_string(),
        info.order.to_string(),
        match extension {
            Some(true) => "ok".to_owned(),
            Some(false) => "MISMATCH".to_owned(),
            None => "-".to_owned(),
        },
        info.size.to_string(),
        header.title().text(),
        code.text().unwrap_or("-").to_owned(),
        code.destination().description().to_owned(),
        header.rom_version().map_or_else(|| "-".to_owned(), |v| v.to_string()),
        info.cic.map_or_else(|| "unknown".to_owned(), |k| k.name().to_owned()),
        info.check.name().to_owned(),
        n64_core::game_db::resolve(header)
            .map_or_else(|| "-".to_owned(), |save| save.save_type.name().unwrap_or("unknown").to_owned()),
        info.trailing_bytes.to_string(),
        "rom".to_owned(),
    ]
}

pub(crate) fn run(args: &ScanArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    if args.format == Some(ScanFormat::EverdriveSavedb) {
        return everdrive_savedb(args, verbosity);
    }
    let format = match (args.json, args.csv) {
        (true, _) => Format::Json,
        (_, true) => Format::Csv,
        _ => Format::Text,
    };
    let settings = Settings {
        format,
        quiet: false,
        progress: verbosity.allows_progress(),
        list_others: args.all,
        columns: &COLUMNS,
    };
    let walked = n64_io::walk(&args.paths);
    batch::run(
        "n64",
        settings,
        walked,
        &["roms", "invalid_check_codes", "extension_mismatches", "trailing_bytes", "disks"],
        |buffer, entry| match n64_io::inspect_file_into(&entry.path, InspectOptions::default(), buffer) {
            // Keep the decoded facts only: a collection of thousands of ROMs must not hold a
            // megabyte of each (the buffer is reused by the next file of this thread).
            Ok((_, info)) => Ok(Found::Rom(FoundRom {
                extension: extension_matches(&entry.path, info.order),
                info,
                read: buffer.len(),
            })),
            Err(n64_io::Error { kind: ErrorKind::Disk(disk), .. }) => Ok(Found::Disk(disk)),
            Err(error) => Err(Failure::from(error)),
        },
        summary_line,
    )
}

/// `--format everdrive-savedb`: only records on stdout; errors (exit 2) and CRC conflicts
/// (warnings) on stderr; files that are not ROMs are left alone as in the table.
fn everdrive_savedb(args: &ScanArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    let walked = n64_io::walk(&args.paths);
    let results = batch::map(&walked.files, verbosity.allows_progress(), Vec::new, |buffer, entry| {
        n64_io::inspect_file_into(&entry.path, InspectOptions::default(), buffer)
            .map(|(_, info)| info.header)
            .map_err(Failure::from)
    });
    let mut printer = Printer::new("n64", Format::Text);
    let mut exit = Exit::Ok;
    let mut roms = Vec::new();
    for (entry, result) in walked.files.iter().zip(results) {
        match result {
            Ok(header) => roms.push((entry.path.display().to_string(), everdrive::Rom::new(header))),
            Err(failure) if batch::is_other_file(entry, &failure) => {
                tracing::info!("{}: left alone: {}", entry.path.display(), failure.message);
            }
            Err(failure) => {
                exit = Exit::Error;
                printer.failure(&failure)?;
            }
        }
    }
    for failure in walked.failures {
        exit = Exit::Error;
        printer.failure(&failure.into())?;
    }
    let (lines, conflicts) = everdrive::lines(&roms);
    for conflict in conflicts {
        printer.warning(conflict)?;
    }
    for line in lines {
        printer.line(line)?;
    }
    printer.finish()?;
    Ok(exit)
}

fn summary_line(tally: &Tally) -> String {
    format!(
        "{} ({} with an invalid check code, {} with a misleading extension, {} with trailing bytes), {}{}, {}",
        count(tally.get("roms"), "ROM"),
        tally.get("invalid_check_codes"),
        tally.get("extension_mismatches"),
        tally.get("trailing_bytes"),
        match tally.get("disks") {
            0 => String::new(),
            n => format!("{}, ", count(n, "64DD disk image")),
        },
        count(tally.get(batch::OTHER_FILES), "other file"),
        count(tally.get(batch::ERRORS), "error")
    )
}
