//! The reporting step of `normalize`: one record per ROM, output, recovery and failure, in path
//! order, printed as text or JSON lines, the summary, and the `--report` file.

use std::fmt::Write as _;
use std::path::PathBuf;

use n64_common::batch::{ERRORS, OTHER_FILES, Tally};
use n64_common::output::{Format, Printer, Stop};
use n64_common::records::{SummaryRecord, path_text};
use n64_common::{Exit, Failure, FailureKind, count};
use n64_core::ByteOrder;
use serde::Serialize;

use super::apply::Applied;
use super::plan::{CrcNote, Left, Plan};

/// One record of a run, as `--json` prints it and the `--report` file lists it.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Record {
    /// A ROM, and what was (or would be) done to it.
    Rom {
        path: String,
        path_after: String,
        /// `changed`, `would_change`, `ok` or `not_done` (interrupted before it was started).
        action: &'static str,
        changes: Vec<String>,
        duplicate_of: Option<String>,
        check_code_note: Option<String>,
        /// With `--dat`: `match` or `bad_dump`.
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<&'static str>,
        /// With `--dat`: the DAT's name, the game and the rom the file provides.
        #[serde(skip_serializing_if = "Option::is_none")]
        dat: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        game: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        rom: Option<String>,
    },
    /// What the recovery of an interrupted run did.
    Recovered { path: String, message: String },
    /// A file that could not be processed; it is as it was.
    Error { path: String, kind: FailureKind, message: String },
    /// A file left alone (not a ROM, a backup, a special file; with `--dat`, a duplicate, an
    /// archive member, a mismatch, an unknown file, a refused name).
    Other {
        path: String,
        reason: String,
        /// With `--dat`: the engine's verdict on the file.
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<&'static str>,
        /// With `--dat`: whether it is a refusal (`refused`) or simply left alone (`left_alone`).
        #[serde(skip_serializing_if = "Option::is_none")]
        action: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        game: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        rom: Option<String>,
    },
    /// With `--out`: one file written (or not) in the output directory.
    Output {
        path: String,
        /// `written`, `would_write`, `already_there`, `refused` or `not_done`.
        action: &'static str,
        /// The game (of a zip; of the first rom of a file).
        game: String,
        /// What it holds, or would hold.
        roms: Vec<OutputRom>,
        /// Why it was refused.
        reason: Option<String>,
    },
}

/// One rom of an output record.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OutputRom {
    /// The DAT's rom name (the file name, or the zip entry name).
    pub(crate) name: String,
    pub(crate) game: String,
    /// The file or `ARCHIVE/MEMBER` it comes from.
    pub(crate) source: String,
    /// `v64 → z64` when converted.
    pub(crate) converted: Option<String>,
}

/// The `--report` file.
#[derive(Debug, Serialize)]
struct Document<'a> {
    version: u32,
    dry_run: bool,
    interrupted: bool,
    /// The order every ROM gets (`null` with `--dat`: each rom's own).
    to: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dats: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    out: Option<String>,
    records: Vec<&'a Record>,
    summary: SummaryRecord,
}

/// A record with its human line (`None`: nothing to say in text, or on stderr).
#[derive(Debug)]
pub(crate) struct Line {
    path: PathBuf,
    record: Record,
    text: Option<String>,
    failure: Option<Failure>,
    /// Whether the record is printed with `--json` (files merely left alone by the walk are
    /// only in the `--report`).
    listed: bool,
}

impl Line {
    /// A record printed with `--json`, with its human line.
    pub(crate) fn new(path: PathBuf, record: Record, text: Option<String>) -> Line {
        Line { path, record, text, failure: None, listed: true }
    }

    /// A failure: on stderr, and an error record.
    pub(crate) fn failure(failure: Failure) -> Line {
        let record =
            Record::Error { path: path_text(&failure.path), kind: failure.kind, message: failure.message.clone() };
        Line { path: failure.path.clone(), record, text: None, failure: Some(failure), listed: true }
    }

    /// A file the walk left alone: only in the `--report`.
    fn unlisted(path: PathBuf, reason: String) -> Line {
        let record =
            Record::Other { path: path_text(&path), reason, status: None, action: None, game: None, rom: None };
        Line { path, record, text: None, failure: None, listed: false }
    }

    /// A file a run by DAT left alone or refused, with its verdict (hidden in text by `-q` when
    /// nothing is wrong).
    pub(crate) fn left(left: Left, quiet: bool) -> Line {
        let refused = left.key == "refused";
        let text = if refused { left.reason.clone() } else { format!("left alone: {}", left.reason) };
        let text = (!quiet || left.exit > Exit::Ok).then_some(text);
        let record = Record::Other {
            path: path_text(&left.path),
            reason: left.reason,
            status: Some(left.status),
            action: Some(if refused { "refused" } else { "left_alone" }),
            game: left.game,
            rom: left.rom,
        };
        Line::new(left.path, record, text)
    }
}

/// What kind of run a report is of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mode {
    /// One byte order for every ROM (`--to`).
    Order(ByteOrder),
    /// In place by DAT.
    Dat { dats: Vec<String> },
    /// A clean set in a directory (`--out`, `--zip`).
    Out { dats: Vec<String>, out: String, zip: bool },
}

/// The tally keys of an in-place run by DAT after the verb.
pub(crate) const DAT_KEYS: [&str; 7] =
    ["ok", "not_done", "refused", "duplicates", "in_archives", "mismatch", "unknown"];

/// The tally keys of an `--out` run after the verb.
pub(crate) const OUT_KEYS: [&str; 6] = ["already_there", "refused", "not_done", "duplicates", "mismatch", "unknown"];

/// Everything a run reports, in path order, and its tally.
#[derive(Debug)]
pub(crate) struct Report {
    lines: Vec<Line>,
    pub(crate) tally: Tally,
    dry_run: bool,
    interrupted: bool,
    mode: Mode,
}

impl Report {
    /// Builds the report of a plan (by order, or in place by DAT) and what became of its
    /// actions.
    pub(crate) fn new(plan: Plan, applied: Vec<Applied>, mode: Mode, dry_run: bool, quiet: bool) -> Report {
        let verb = if dry_run { "would_change" } else { "changed" };
        let mut tally = match mode {
            Mode::Order(_) => Tally::new(&[verb, "ok", "not_done", "duplicates", "check_code_left_alone"]),
            _ => Tally::new(&[&[verb][..], &DAT_KEYS].concat()),
        };
        let mut lines = Vec::new();
        let mut interrupted = plan.interrupted;
        for (action, applied) in plan.actions.iter().zip(applied) {
            let path = action.found.path.clone();
            let mut parts = action.changes();
            let mut note = None;
            match &action.found.crc {
                Some(CrcNote::LeftAlone(reason)) => {
                    tally.add("check_code_left_alone", Exit::Problems);
                    parts.push(format!("check code left alone: {reason}"));
                    note = Some(reason.clone());
                }
                Some(CrcNote::NotRequired(reason)) => {
                    tracing::info!("{}: check code not required: {reason}", path.display());
                    note = Some(reason.clone());
                }
                None => {}
            }
            if let Some(first) = &action.duplicate_of {
                tally.add("duplicates", Exit::Ok);
                parts.push(format!("duplicate of {}", first.display()));
            }
            let (word, text) = match applied {
                Applied::Failed(failure) => {
                    tally.add(ERRORS, Exit::Error);
                    lines.push(Line::failure(failure));
                    continue;
                }
                Applied::NotDone => {
                    interrupted = true;
                    tally.add("not_done", Exit::Interrupted);
                    ("not_done", Some(format!("not done (interrupted): {}", parts.join(", "))))
                }
                Applied::Done => {
                    tally.add(verb, if dry_run { Exit::Problems } else { Exit::Ok });
                    let prefix = if dry_run { "would be " } else { "" };
                    (verb, Some(format!("{prefix}{}", parts.join(", "))))
                }
                Applied::Unneeded => {
                    tally.add("ok", Exit::Ok);
                    let text =
                        if parts.is_empty() { (!quiet).then(|| "ok".to_owned()) } else { Some(parts.join(", ")) };
                    ("ok", text)
                }
            };
            let dat = action.dat.clone();
            let record = Record::Rom {
                path: path_text(&path),
                path_after: path_text(&action.after),
                action: word,
                changes: action.changes(),
                duplicate_of: action.duplicate_of.as_deref().map(path_text),
                check_code_note: note,
                status: dat.as_ref().map(|d| d.status),
                dat: dat.as_ref().map(|d| d.dat.clone()),
                game: dat.as_ref().map(|d| d.game.clone()),
                rom: dat.map(|d| d.rom),
            };
            lines.push(Line::new(path, record, text));
        }
        for left in plan.left {
            tally.add(left.key, left.exit);
            lines.push(Line::left(left, quiet));
        }
        for (path, message) in plan.recovered {
            let record = Record::Recovered { path: path_text(&path), message: message.clone() };
            lines.push(Line::new(path, record, Some(message)));
        }
        for failure in plan.failures {
            tally.add(ERRORS, Exit::Error);
            lines.push(Line::failure(failure));
        }
        for (path, reason) in plan.others {
            tracing::info!("{}: left alone: {reason}", path.display());
            tally.add(OTHER_FILES, Exit::Ok);
            lines.push(Line::unlisted(path, reason));
        }
        if interrupted {
            tally.raise(Exit::Interrupted);
        }
        Report::assemble(lines, tally, mode, dry_run, interrupted)
    }

    /// A report of lines already made (sorted here by path) and their tally.
    pub(crate) fn assemble(mut lines: Vec<Line>, tally: Tally, mode: Mode, dry_run: bool, interrupted: bool) -> Report {
        lines.sort_by(|a, b| a.path.cmp(&b.path));
        Report { lines, tally, dry_run, interrupted, mode }
    }

    /// Lines for the files the walk left alone (only in the `--report`), counted as other files.
    pub(crate) fn unlisted(others: Vec<(PathBuf, String)>, tally: &mut Tally) -> Vec<Line> {
        others
            .into_iter()
            .map(|(path, reason)| {
                tally.add(OTHER_FILES, Exit::Ok);
                Line::unlisted(path, reason)
            })
            .collect()
    }

    /// The `--report` document as JSON text.
    pub(crate) fn to_json(&self) -> String {
        let (to, dats, out) = match &self.mode {
            Mode::Order(to) => (Some(to.name()), Vec::new(), None),
            Mode::Dat { dats } => (None, dats.clone(), None),
            Mode::Out { dats, out, .. } => (None, dats.clone(), Some(out.clone())),
        };
        let document = Document {
            version: 1,
            dry_run: self.dry_run,
            interrupted: self.interrupted,
            to,
            dats,
            out,
            records: self.lines.iter().map(|l| &l.record).collect(),
            summary: self.tally.summary(),
        };
        serde_json::to_string_pretty(&document).unwrap_or_else(|_| "null".to_owned())
    }

    /// Prints the records (text or JSON lines), the failures on stderr, then the summary.
    pub(crate) fn print(&self, printer: &mut Printer) -> Result<(), Stop> {
        for line in &self.lines {
            if let Some(failure) = &line.failure {
                printer.failure(failure)?;
                continue;
            }
            if line.listed {
                printer.record(&line.record)?;
            }
            if let Some(text) = &line.text {
                printer.line(format_args!("{}: {text}", line.path.display()))?;
            }
        }
        printer.record(&self.tally.summary())?;
        if printer.format() == Format::Text {
            printer.line(self.summary_line())?;
        }
        Ok(())
    }

    fn summary_line(&self) -> String {
        let tally = &self.tally;
        let mut line = match &self.mode {
            Mode::Order(_) => {
                let verb = if self.dry_run { "would_change" } else { "changed" };
                let roms = tally.sum(&[verb, "ok", "not_done", ERRORS]);
                format!(
                    "{}: {} {}, {} ok, {}, {}; {} left alone",
                    count(roms, "ROM"),
                    tally.get(verb),
                    if self.dry_run { "would change" } else { "changed" },
                    tally.get("ok"),
                    count(tally.get("duplicates"), "duplicate"),
                    count(tally.get(ERRORS), "error"),
                    count(tally.get(OTHER_FILES), "other file"),
                )
            }
            Mode::Dat { .. } => {
                let verb = if self.dry_run { "would_change" } else { "changed" };
                let matched = tally.sum(&[verb, "ok", "not_done", "refused"]);
                format!(
                    "{}: {} {}, {} ok, {} refused; left alone: {}, {} in archives, {} mismatched, {} unknown, {}; {}",
                    count(matched, "matched file"),
                    tally.get(verb),
                    if self.dry_run { "would change" } else { "changed" },
                    tally.get("ok"),
                    tally.get("refused"),
                    count(tally.get("duplicates"), "duplicate"),
                    tally.get("in_archives"),
                    tally.get("mismatch"),
                    tally.get("unknown"),
                    count(tally.get(OTHER_FILES), "other file"),
                    count(tally.get(ERRORS), "error"),
                )
            }
            Mode::Out { zip, .. } => {
                let verb = if self.dry_run { "would_write" } else { "written" };
                let outputs = tally.sum(&[verb, "already_there", "refused", "not_done"]);
                format!(
                    "{}: {} {}, {} already there, {} refused; left alone: {}, {} mismatched, {} unknown, {}; {}",
                    count(outputs, if *zip { "zip" } else { "output file" }),
                    tally.get(verb),
                    if self.dry_run { "would be written" } else { "written" },
                    tally.get("already_there"),
                    tally.get("refused"),
                    count(tally.get("duplicates"), "duplicate"),
                    tally.get("mismatch"),
                    tally.get("unknown"),
                    count(tally.get(OTHER_FILES), "other file"),
                    count(tally.get(ERRORS), "error"),
                )
            }
        };
        if self.interrupted {
            let _ =
                write!(line, "; interrupted: {} not made, run again to finish", count(tally.get("not_done"), "change"));
        }
        line
    }
}
