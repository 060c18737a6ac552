//! `n64 patch-info`: what each patch file carries (format, sizes, CRC32s, the APS source
//! identity, BPS metadata, counts) and, with `--rom`, whether that ROM is the patch's source.
//! Patches and ROM are read whole, into memory; nothing is written.

mod describe;
mod rom;

use std::fmt::Write as _;
use std::path::Path;

use n64_common::batch::{self, Outcome, Settings, Tally};
use n64_common::output::{Printer, Stop};
use n64_common::records::path_text;
use n64_common::{Exit, Failure, FailureKind, Verbosity, count, read_whole};
use n64_io::Walked;
use n64_patch::MAX_PATCH;
use serde::Serialize;

use self::describe::{Described, DescribedRecord};
use self::rom::{Rom, Verdict, VerdictRecord};
use crate::cli::PatchInfoArgs;

/// The summary keys: every patch read, those whose own CRC32 is wrong.
const KEYS: &[&str] = &["patches", "bad_patch_crc32"];
/// With `--rom`, also: how each patch fits the ROM.
const ROM_KEYS: &[&str] = &[
    "patches",
    "bad_patch_crc32",
    "source_matches",
    "source_no_match",
    "source_not_recorded",
    "applies",
    "does_not_apply",
];

/// `"type": "patch"`.
#[derive(Debug, Serialize)]
struct PatchRecord<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    path: String,
    #[serde(flatten)]
    patch: DescribedRecord<'a>,
    #[serde(flatten)]
    rom: Option<VerdictRecord>,
}

/// One patch read, and with `--rom` how it fits the ROM.
struct Inspected<'r> {
    described: Described,
    against: Option<(&'r Rom, Verdict)>,
}

impl Outcome for Inspected<'_> {
    fn tally(&self) -> (&'static str, Exit) {
        let problem = self.described.damaged() || self.against.as_ref().is_some_and(|(_, v)| v.is_problem());
        ("patches", if problem { Exit::Problems } else { Exit::Ok })
    }

    fn counters(&self) -> Vec<&'static str> {
        let mut counters = Vec::new();
        if self.described.damaged() {
            counters.push("bad_patch_crc32");
        }
        match &self.against {
            Some((_, Verdict::Matches { .. })) => counters.push("source_matches"),
            Some((_, Verdict::NoMatch { .. })) => counters.push("source_no_match"),
            Some((_, Verdict::NotRecorded { applied, .. })) => {
                counters.push("source_not_recorded");
                counters.push(if applied.is_ok() { "applies" } else { "does_not_apply" });
            }
            // Counted as a bad patch CRC32 above.
            Some((_, Verdict::Damaged { .. })) | None => {}
        }
        counters
    }

    fn log(&self, path: &Path) {
        let d = &self.described;
        tracing::debug!("{}: {} patch of {} bytes, {} records", path.display(), d.format, d.patch_size, d.records);
    }

    fn print(&self, path: &Path, printer: &mut Printer, quiet: bool) -> Result<(), Stop> {
        if quiet && self.tally().1 == Exit::Ok {
            return Ok(());
        }
        let mut lines = self.described.lines();
        if let Some((rom, verdict)) = &self.against {
            lines.extend(rom::lines(rom, verdict));
        }
        let mut text = format!("{}: {}\n", path.display(), self.described.format);
        for (key, value) in lines {
            let _ = writeln!(text, "  {:<16}{value}", format!("{key}:"));
        }
        text.push('\n');
        printer.text(&text)?;
        printer.record(&PatchRecord {
            record: "patch",
            path: path_text(path),
            patch: self.described.record(),
            rom: self.against.as_ref().map(|(rom, verdict)| rom::record(rom, verdict)),
        })
    }
}

/// Reads and describes one patch file, and compares it with the ROM.
fn read_patch<'r>(path: &Path, rom: Option<&'r Rom>) -> Result<Inspected<'r>, Failure> {
    let bytes = read_whole(path, MAX_PATCH)?;
    let invalid = |error: n64_patch::Error| Failure::new(path, FailureKind::Patch, error);
    let described = describe::describe(&bytes).map_err(invalid)?;
    let against = match rom {
        Some(rom) => Some((rom, rom::verdict(&bytes, rom).map_err(invalid)?)),
        None => None,
    };
    Ok(Inspected { described, against })
}

pub(crate) fn run(args: &PatchInfoArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    let settings = Settings::lines(args.json, verbosity);
    let rom = match args.rom.as_deref().map(rom::load).transpose() {
        Ok(rom) => rom,
        Err(failure) => {
            let mut printer = Printer::new("n64", settings.format);
            printer.failure(&failure)?;
            printer.finish()?;
            return Ok(Exit::Error);
        }
    };
    if let Some(rom) = &rom {
        tracing::info!("{}: {} rom of {} bytes", rom.path.display(), rom.order, rom.image.len());
    }
    let keys = if rom.is_some() { ROM_KEYS } else { KEYS };
    let summary = |tally: &Tally| summary_line(tally, rom.is_some());
    batch::run(
        "n64",
        settings,
        Walked::named(&args.paths),
        keys,
        |_, entry| read_patch(&entry.path, rom.as_ref()),
        summary,
    )
}

/// `2 patches read (1 with a wrong patch crc32); rom: 1 matched, 0 did not match, 1 applied
/// without a source record, 0 did not apply; 1 error`.
fn summary_line(tally: &Tally, with_rom: bool) -> String {
    let patches = tally.get("patches");
    let mut line = if patches == 1 { "1 patch read".to_owned() } else { format!("{patches} patches read") };
    let damaged = tally.get("bad_patch_crc32");
    if damaged > 0 {
        let _ = write!(line, " ({damaged} with a wrong patch crc32)");
    }
    if with_rom {
        let _ = write!(
            line,
            "; rom: {} matched, {} did not match, {} applied without a source record, {} did not apply",
            tally.get("source_matches"),
            tally.get("source_no_match"),
            tally.get("applies"),
            tally.get("does_not_apply"),
        );
    }
    let _ = write!(line, "; {}", count(tally.get(batch::ERRORS), "error"));
    line
}
