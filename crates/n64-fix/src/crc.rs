//! `n64-fix crc`: write the right check code into ROMs whose stored one is wrong.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use n64_common::batch::{self, Outcome, Settings, Tally};
use n64_common::output::{Printer, Stop};
use n64_common::records::path_text;
use n64_common::{Exit, Failure, Verbosity, count};
use n64_core::{CheckCode, CheckCodeAction, CheckCodeFix, CicKind, FinalizeOptions, InspectOptions, Padding};
use n64_io::{ImageReader, RomFile};
use serde::Serialize;

use crate::cli::CrcArgs;
use crate::own_files::{BACKUP_SUFFIX, left_alone, replace_with_image};

/// What happens to one ROM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    /// The check code was written (and/or the file padded).
    Fixed,
    /// `--dry-run`: this would be written.
    WouldFix,
    /// Nothing to do.
    Ok,
    /// Left alone, with the reason.
    Skipped,
}

/// `"type": "rom"` of `n64-fix crc --json`.
#[derive(Debug, Serialize)]
struct CrcRecord<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    path: String,
    action: Action,
    cic: Option<&'static str>,
    old: Option<String>,
    new: Option<String>,
    padded_from: Option<u64>,
    padded_to: Option<u64>,
    reason: Option<&'a str>,
}

/// What was (or would be) done to one ROM.
struct Fixed {
    action: Action,
    cic: Option<CicKind>,
    code: Option<(CheckCode, CheckCode)>,
    padded: Option<(u64, u64)>,
    reason: Option<String>,
}

impl Fixed {
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some((old, new)) = self.code {
            parts.push(format!("{old} → {new}"));
        }
        if let Some((from, to)) = self.padded {
            parts.push(format!("padded {from:#x} → {to:#x} bytes"));
        }
        parts.join(", ")
    }
}

impl Outcome for Fixed {
    fn tally(&self) -> (&'static str, Exit) {
        match self.action {
            Action::Fixed => ("fixed", Exit::Ok),
            Action::WouldFix => ("would_fix", Exit::Problems),
            Action::Ok => ("ok", Exit::Ok),
            Action::Skipped => ("skipped", Exit::Problems),
        }
    }

    fn log(&self, path: &Path) {
        if let Some(reason) = &self.reason {
            tracing::info!("{}: skipped: {reason}", path.display());
        }
    }

    fn print(&self, path: &Path, printer: &mut Printer, quiet: bool) -> Result<(), Stop> {
        printer.record(&CrcRecord {
            record: "rom",
            path: path_text(path),
            action: self.action,
            cic: self.cic.map(CicKind::name),
            old: self.code.map(|(old, _)| old.to_string()),
            new: self.code.map(|(_, new)| new.to_string()),
            padded_from: self.padded.map(|(from, _)| from),
            padded_to: self.padded.map(|(_, to)| to),
            reason: self.reason.as_deref(),
        })?;
        let line = match self.action {
            Action::Fixed => format!("fixed ({})", self.describe()),
            Action::WouldFix => format!("would fix ({})", self.describe()),
            Action::Ok if quiet => return Ok(()),
            Action::Ok => "ok (already valid)".to_owned(),
            Action::Skipped => format!("skipped: {}", self.reason.as_deref().unwrap_or_default()),
        };
        printer.line(format_args!("{}: {line}", path.display()))
    }
}

/// Decides and (unless a dry run) writes the check code of one file.
fn process(path: &Path, args: &CrcArgs) -> Result<Fixed, Failure> {
    let rom = n64_io::inspect_file(path, InspectOptions::default().with_cic(args.cic))?;
    let mut options = FinalizeOptions::default();
    options.order = Some(rom.info.order);
    options.padding = if args.pad { Padding::CheckedRange } else { Padding::None };
    let mut fix = CheckCodeFix::default();
    fix.cic = args.cic;
    fix.when_not_verified = args.force;
    fix.allow_contradiction = args.force;
    options.check_code = Some(fix);
    let skipped = |reason: String| {
        Ok(Fixed { action: Action::Skipped, cic: None, code: None, padded: None, reason: Some(reason) })
    };
    let plan = match n64_core::finalize(&rom.prefix, rom.size, &options) {
        Ok(plan) => plan,
        Err(n64_core::Error::UnknownCic { crc32 }) => {
            return skipped(format!("unknown boot code, CRC32 {crc32:08x} (pass --cic KIND)"));
        }
        Err(n64_core::Error::CheckCodeInBootCode { .. }) => {
            return skipped("64DD: the check code is kept inside the boot code".to_owned());
        }
        Err(n64_core::Error::CicContradicted { given, detected }) => {
            return Err(Failure::refused(
                path,
                format!(
                    "--cic {} contradicts the boot code, which is made for CIC {detected}: the console would reject that check code; nothing changed (pass --force to write it anyway)",
                    given.name()
                ),
            ));
        }
        Err(error) => return Err(n64_io::Error::rom(path, error).into()),
    };
    let (cic, code) = match plan.check_code {
        CheckCodeAction::NotRequired { family } => {
            return skipped(format!("{family} verifies no check code (pass --force to write one anyway)"));
        }
        CheckCodeAction::Written { old, new, cic } => (Some(cic), Some((old, new))),
        CheckCodeAction::AlreadyValid { cic } => (Some(cic), None),
        _ => (None, None),
    };
    let padded = plan.pads().then_some((rom.size, plan.size));
    if !plan.changes() {
        return Ok(Fixed { action: Action::Ok, cic, code, padded, reason: None });
    }
    if args.dry_run {
        return Ok(Fixed { action: Action::WouldFix, cic, code, padded, reason: None });
    }
    if args.backup {
        backup(&rom)?;
    }
    let image = ImageReader::open(path, rom.size, rom.info.order)?
        .with_header(plan.header)
        .pad_to(plan.size)
        .expect_prefix(&rom.prefix[..rom.prefix.len().min(0x1000)]);
    replace_with_image(path, image)?;
    Ok(Fixed { action: Action::Fixed, cic, code, padded, reason: None })
}

/// The backup path: the file name with `.bak` appended, in the same directory.
fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map_or_else(OsString::new, OsString::from);
    name.push(BACKUP_SUFFIX);
    path.with_file_name(name)
}

/// Copies the ROM to `NAME.bak` atomically (same permissions); refused when that exists.
fn backup(rom: &RomFile) -> Result<(), Failure> {
    let target = backup_path(&rom.path);
    let meta = std::fs::metadata(&rom.path).ok();
    let mut image = ImageReader::open(&rom.path, rom.size, rom.info.order)?;
    n64_io::atomic::create_new(&target, meta.as_ref(), |out| image.copy_to(out, &target).map(drop)).map_err(|e| {
        if matches!(e.kind, n64_io::ErrorKind::AlreadyExists) {
            Failure::refused(&rom.path, format!("backup {} already exists; nothing changed", target.display()))
        } else {
            Failure::from(e)
        }
    })
}

/// Runs `n64-fix crc`.
pub(crate) fn run(args: &CrcArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    let settings = Settings::lines(args.json, verbosity);
    let walked = n64_io::walk_filtered(&args.paths, &left_alone);
    let verb = if args.dry_run { "would_fix" } else { "fixed" };
    batch::run(
        "n64-fix",
        settings,
        walked,
        &[verb, "ok", "skipped"],
        |_, entry| process(&entry.path, args),
        |tally: &Tally| {
            let roms = tally.sum(&["fixed", "would_fix", "ok", "skipped", batch::ERRORS]);
            let verb_text = if args.dry_run { "would fix" } else { "fixed" };
            format!(
                "{}: {} {verb_text}, {} ok, {} skipped, {}",
                count(roms, "ROM"),
                tally.get(verb),
                tally.get("ok"),
                tally.get("skipped"),
                batch::errors_and_others(tally, "left alone")
            )
        },
    )
}
