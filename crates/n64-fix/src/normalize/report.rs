//! The reporting step of `normalize`: one record per ROM, recovery and failure, in path order,
//! printed as text or JSON lines, the summary, and the `--report` file.

use std::fmt::Write as _;
use std::path::PathBuf;

use n64_common::batch::{ERRORS, OTHER_FILES, Tally};
use n64_common::output::{Format, Printer, Stop};
use n64_common::records::{SummaryRecord, path_text};
use n64_common::{Exit, Failure, FailureKind, count};
use n64_core::ByteOrder;
use serde::Serialize;

use super::apply::Applied;
use super::plan::{CrcNote, Plan};

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
    },
    /// What the recovery of an interrupted run did.
    Recovered { path: String, message: String },
    /// A file that could not be processed; it is as it was.
    Error { path: String, kind: FailureKind, message: String },
    /// A file left alone (not a ROM, a backup, a special file).
    Other { path: String, reason: String },
}

/// The `--report` file.
#[derive(Debug, Serialize)]
struct Document<'a> {
    version: u32,
    dry_run: bool,
    interrupted: bool,
    to: &'static str,
    records: Vec<&'a Record>,
    summary: SummaryRecord,
}

/// A record with its human line (`None`: nothing to say in text, or on stderr).
struct Line {
    path: PathBuf,
    record: Record,
    text: Option<String>,
    failure: Option<Failure>,
}

/// Everything a run reports, in path order, and its tally.
pub(crate) struct Report {
    lines: Vec<Line>,
    pub(crate) tally: Tally,
    dry_run: bool,
    interrupted: bool,
    to: ByteOrder,
}

impl Report {
    /// Builds the report of a plan and what became of its actions.
    pub(crate) fn new(plan: Plan, applied: Vec<Applied>, to: ByteOrder, dry_run: bool, quiet: bool) -> Report {
        let verb = if dry_run { "would_change" } else { "changed" };
        let mut tally = Tally::new(&[verb, "ok", "not_done", "duplicates", "check_code_left_alone"]);
        let mut lines = Vec::new();
        let mut interrupted = plan.interrupted;
        for (action, applied) in plan.actions.iter().zip(applied) {
            let path = action.found.path.clone();
            let mut parts = action.changes(to);
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
                    lines.push(failure_line(failure));
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
            let record = Record::Rom {
                path: path_text(&path),
                path_after: path_text(&action.after),
                action: word,
                changes: action.changes(to),
                duplicate_of: action.duplicate_of.as_deref().map(path_text),
                check_code_note: note,
            };
            lines.push(Line { path, record, text, failure: None });
        }
        for (path, message) in plan.recovered {
            let record = Record::Recovered { path: path_text(&path), message: message.clone() };
            lines.push(Line { path, record, text: Some(message), failure: None });
        }
        for failure in plan.failures {
            tally.add(ERRORS, Exit::Error);
            lines.push(failure_line(failure));
        }
        for (path, reason) in plan.others {
            tracing::info!("{}: left alone: {reason}", path.display());
            tally.add(OTHER_FILES, Exit::Ok);
            lines.push(Line {
                record: Record::Other { path: path_text(&path), reason },
                path,
                text: None,
                failure: None,
            });
        }
        if interrupted {
            tally.raise(Exit::Interrupted);
        }
        lines.sort_by(|a, b| a.path.cmp(&b.path));
        Report { lines, tally, dry_run, interrupted, to }
    }

    /// The `--report` document as JSON text.
    pub(crate) fn to_json(&self) -> String {
        let document = Document {
            version: 1,
            dry_run: self.dry_run,
            interrupted: self.interrupted,
            to: self.to.name(),
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
            if !matches!(line.record, Record::Other { .. }) {
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
        let verb = if self.dry_run { "would_change" } else { "changed" };
        let roms = tally.sum(&[verb, "ok", "not_done", ERRORS]);
        let mut line = format!(
            "{}: {} {}, {} ok, {}, {}; {} left alone",
            count(roms, "ROM"),
            tally.get(verb),
            if self.dry_run { "would change" } else { "changed" },
            tally.get("ok"),
            count(tally.get("duplicates"), "duplicate"),
            count(tally.get(ERRORS), "error"),
            count(tally.get(OTHER_FILES), "other file"),
        );
        if self.interrupted {
            let _ =
                write!(line, "; interrupted: {} not made, run again to finish", count(tally.get("not_done"), "change"));
        }
        line
    }
}

fn failure_line(failure: Failure) -> Line {
    let record = Record::Error { path: path_text(&failure.path), kind: failure.kind, message: failure.message.clone() };
    Line { path: failure.path.clone(), record, text: None, failure: Some(failure) }
}
