//! `n64 check`: verify check codes of files and directory trees.

use std::fmt::Write as _;
use std::path::Path;

use n64_common::batch::{self, Outcome, Settings, Tally};
use n64_common::output::{Printer, Stop};
use n64_common::records::path_text;
use n64_common::{Exit, Failure, Verbosity, count, detection};
use n64_core::disk::DiskInfo;
use n64_core::{CheckStatus, InspectOptions, RomInfo};
use n64_io::ErrorKind;
use serde::Serialize;

use crate::cli::CheckArgs;
use crate::disk::DiskRecord;

/// The verdict on one ROM's check code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    /// The stored check code is right.
    Ok,
    /// It is wrong.
    Bad,
    /// The boot code verifies none (libdragon's): nothing to check, nothing wrong.
    NotRequired,
    /// It could not be verified (unknown boot code, 64DD, a contradicting --cic).
    Skipped,
}

/// `"type": "rom"` of `n64 check --json`.
#[derive(Debug, Serialize)]
struct CheckRecord<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    path: String,
    status: Status,
    cic: Option<&'static str>,
    stored: String,
    computed: Option<String>,
    padded: bool,
    trailing_bytes: usize,
    reason: Option<&'a str>,
}

/// What `check` found about one ROM.
struct Checked {
    info: RomInfo,
    read: usize,
    status: Status,
    reason: Option<String>,
}

impl Checked {
    fn new(info: RomInfo, read: usize) -> Checked {
        let (status, reason) = match (&info.check, info.cic_contradiction()) {
            (_, Some((given, detected))) => (
                Status::Skipped,
                Some(format!("--cic {} contradicts the boot code, which is made for CIC {detected}", given.name())),
            ),
            (CheckStatus::Valid(_), _) => (Status::Ok, None),
            (CheckStatus::Invalid(_), _) => (Status::Bad, None),
            (CheckStatus::NotRequired(_), _) => {
                (Status::NotRequired, Some(info.family().map_or_else(|| "the boot code".to_owned(), |f| f.to_string())))
            }
            (CheckStatus::UnknownCic, _) => (
                Status::Skipped,
                Some(format!("unknown boot code, CRC32 {:08x} (pass --cic KIND)", info.boot_code.crc32)),
            ),
            _ => (Status::Skipped, Some("64DD: the check code is kept inside the boot code".to_owned())),
        };
        Checked { info, read, status, reason }
    }
}

impl Outcome for Checked {
    fn tally(&self) -> (&'static str, Exit) {
        let trailing = if self.info.trailing_bytes > 0 { Exit::Problems } else { Exit::Ok };
        match self.status {
            Status::Ok => ("ok", trailing),
            Status::NotRequired => ("not_required", trailing),
            Status::Bad => ("bad", Exit::Problems),
            Status::Skipped => ("skipped", Exit::Problems),
        }
    }

    fn counters(&self) -> Vec<&'static str> {
        if self.info.trailing_bytes > 0 { vec!["trailing_bytes"] } else { Vec::new() }
    }

    fn log(&self, path: &Path) {
        tracing::debug!("{}: {}", path.display(), detection(&self.info, self.read));
        if self.status == Status::Skipped {
            tracing::info!("{}: skipped: {}", path.display(), self.reason.as_deref().unwrap_or_default());
        }
    }

    fn print(&self, path: &Path, printer: &mut Printer, quiet: bool) -> Result<(), Stop> {
        let info = &self.info;
        let computed = info.check.computed();
        printer.record(&CheckRecord {
            record: "rom",
            path: path_text(path),
            status: self.status,
            cic: info.cic.map(n64_core::CicKind::name),
            stored: info.header.check_code().to_string(),
            computed: computed.map(|c| c.code.to_string()),
            padded: computed.is_some_and(|c| c.padded),
            trailing_bytes: info.trailing_bytes,
            reason: self.reason.as_deref(),
        })?;
        let mut line = match self.status {
            Status::Ok => "ok".to_owned(),
            Status::Bad => format!(
                "BAD stored {} computed {}",
                info.header.check_code(),
                computed.map(|c| c.code.to_string()).unwrap_or_default()
            ),
            Status::NotRequired => {
                format!("ok (check code not required: {})", self.reason.as_deref().unwrap_or_default())
            }
            Status::Skipped => format!("skipped: {}", self.reason.as_deref().unwrap_or_default()),
        };
        if info.trailing_bytes > 0 {
            line.push_str("; PROBLEM: ");
            line.push_str(&crate::info::trailing_text(info));
        }
        let fine = matches!(self.status, Status::Ok | Status::NotRequired) && info.trailing_bytes == 0;
        if !(quiet && fine) {
            printer.line(format_args!("{}: {line}", path.display()))?;
        }
        Ok(())
    }
}

/// What `check` found in one file: a ROM's check code, or a 64DD disk image (which has none).
enum Found {
    Rom(Checked),
    Disk(Box<DiskInfo>),
}

impl Outcome for Found {
    fn tally(&self) -> (&'static str, Exit) {
        match self {
            Found::Rom(checked) => checked.tally(),
            Found::Disk(_) => ("disks", Exit::Ok),
        }
    }

    fn counters(&self) -> Vec<&'static str> {
        match self {
            Found::Rom(checked) => checked.counters(),
            Found::Disk(_) => Vec::new(),
        }
    }

    fn log(&self, path: &Path) {
        match self {
            Found::Rom(checked) => checked.log(path),
            Found::Disk(disk) => tracing::debug!("{}: {}", path.display(), crate::disk::summary(disk)),
        }
    }

    fn print(&self, path: &Path, printer: &mut Printer, quiet: bool) -> Result<(), Stop> {
        match self {
            Found::Rom(checked) => checked.print(path, printer, quiet),
            Found::Disk(disk) => {
                printer.record(&DiskRecord::new(path, disk))?;
                if !quiet {
                    printer.line(format_args!("{}: {}: no check code", path.display(), crate::disk::summary(disk)))?;
                }
                Ok(())
            }
        }
    }
}

pub(crate) fn run(args: &CheckArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    let options = InspectOptions::default().with_cic(args.cic).with_order(args.byte_order);
    let settings = Settings::lines(args.json, verbosity);
    let walked = n64_io::walk(&args.paths);
    batch::run(
        "n64",
        settings,
        walked,
        &["ok", "bad", "not_required", "skipped", "trailing_bytes", "disks"],
        |buffer, entry| match n64_io::inspect_file_into(&entry.path, options, buffer) {
            Ok((_, info)) => Ok(Found::Rom(Checked::new(info, buffer.len()))),
            Err(n64_io::Error { kind: ErrorKind::Disk(disk), .. }) => Ok(Found::Disk(disk)),
            Err(error) => Err(Failure::from(error)),
        },
        summary_line,
    )
}

fn summary_line(tally: &Tally) -> String {
    let roms = tally.sum(&["ok", "bad", "not_required", "skipped", batch::ERRORS]);
    let mut line = format!(
        "{} checked: {} ok, {} bad, {} not required, {} skipped, {}",
        count(roms, "file"),
        tally.get("ok"),
        tally.get("bad"),
        tally.get("not_required"),
        tally.get("skipped"),
        batch::errors_and_others(tally, "left alone")
    );
    if tally.get("disks") > 0 {
        let _ = write!(line, "; {} (no check code)", count(tally.get("disks"), "64DD disk image"));
    }
    if tally.get("trailing_bytes") > 0 {
        let _ = write!(line, "; {} with trailing bytes", count(tally.get("trailing_bytes"), "ROM"));
    }
    line
}
