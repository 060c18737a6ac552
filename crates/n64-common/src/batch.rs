//! The one batch runner: walk the command-line paths, process the files in parallel with a
//! progress bar, then print the records sorted by path, tally them, and turn the worst outcome
//! into the exit code.

use std::path::{Path, PathBuf};

use n64_io::{Entry, SkipReason, Walked};
use rayon::prelude::*;

use crate::output::{Format, Printer, Stop};
use crate::records::{OtherRecord, SummaryRecord};
use crate::{Exit, Failure, count, progress_bar};

/// The tally key of files that are not ROMs (or are left alone).
pub const OTHER_FILES: &str = "other_files";
/// The tally key of files that could not be processed.
pub const ERRORS: &str = "errors";

/// Counts per outcome, in a fixed order, and the worst exit code seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    counts: Vec<(&'static str, usize)>,
    exit: Exit,
}

impl Tally {
    /// A tally with these keys (all at zero), then `errors` and `other_files`.
    pub fn new(keys: &[&'static str]) -> Tally {
        let mut counts: Vec<(&'static str, usize)> = keys.iter().map(|&k| (k, 0)).collect();
        for key in [ERRORS, OTHER_FILES] {
            if !keys.contains(&key) {
                counts.push((key, 0));
            }
        }
        Tally { counts, exit: Exit::Ok }
    }

    /// Counts one file under `key` and folds in its exit code.
    pub fn add(&mut self, key: &'static str, exit: Exit) {
        match self.counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => self.counts.push((key, 1)),
        }
        self.exit = self.exit.and(exit);
    }

    /// Folds in an exit code without counting a file.
    pub fn raise(&mut self, exit: Exit) {
        self.exit = self.exit.and(exit);
    }

    /// The count under `key`.
    pub fn get(&self, key: &str) -> usize {
        self.counts.iter().find(|(k, _)| *k == key).map_or(0, |(_, n)| *n)
    }

    /// The sum of the counts under `keys`.
    pub fn sum(&self, keys: &[&str]) -> usize {
        keys.iter().map(|k| self.get(k)).sum()
    }

    /// The worst exit code seen.
    pub fn exit(&self) -> Exit {
        self.exit
    }

    /// The summary record.
    pub fn summary(&self) -> SummaryRecord {
        SummaryRecord { counts: self.counts.clone() }
    }
}

/// Runs `f` over `items` in parallel, with a per-thread scratch value from `init` (a read
/// buffer reused from file to file), and a progress bar on stderr when `show_progress` and
/// stderr is a terminal. The results come back in the order of `items`.
pub fn map<I: Sync, S, T: Send>(
    items: &[I],
    show_progress: bool,
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, &I) -> T + Sync + Send,
) -> Vec<T> {
    let bar = progress_bar(items.len(), show_progress);
    let results = items
        .par_iter()
        .map_init(init, |scratch, item| {
            let result = f(scratch, item);
            bar.inc(1);
            result
        })
        .collect();
    bar.finish_and_clear();
    results
}

/// Whether a failed file is an error, or simply a file that is not a ROM.
///
/// A file named on the command line must be a ROM. A file met in a directory is "not a ROM"
/// (left alone, no error) when its content says so (no magic, no recognisable boot code, or too
/// short for a first word) and its extension does not claim a ROM (`.z64`, `.v64`, `.n64`).
/// Anything else that fails is an error: an empty file, a truncated or odd-sized ROM, a `.z64`
/// that holds a web page, an unreadable file.
pub fn is_other_file(entry: &Entry, failure: &Failure) -> bool {
    !entry.named && failure.is_not_a_rom() && n64_io::order_of_extension(&entry.path).is_none()
}

/// How a per-file outcome prints and counts.
pub trait Outcome: Send {
    /// The tally key and the exit code this outcome contributes.
    fn tally(&self) -> (&'static str, Exit);
    /// Prints the outcome: a JSON record and the human line(s); `quiet` hides what is fine.
    fn print(&self, path: &Path, printer: &mut Printer, quiet: bool) -> Result<(), Stop>;
    /// Further counters this outcome adds to (not files: `invalid_check_codes`, …).
    fn counters(&self) -> Vec<&'static str> {
        Vec::new()
    }
    /// Logs what was decided about the file (`-v`, `-vv`, `N64_LOG`), in path order.
    fn log(&self, path: &Path) {
        let _ = path;
    }
    /// Prints a file that is not a ROM, when others are listed.
    fn print_other(path: &Path, reason: &str, printer: &mut Printer) -> Result<(), Stop>
    where
        Self: Sized,
    {
        printer.record(&OtherRecord::new(path, reason))?;
        printer.line(format_args!("{}: {reason}", path.display()))
    }
}

/// How a run prints.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings {
    /// What stdout carries.
    pub format: Format,
    /// Print only problems (and a summary when there are some).
    pub quiet: bool,
    /// Draw a progress bar (when stderr is a terminal).
    pub progress: bool,
    /// List files that are not ROMs (a line each, `"type": "other"`).
    pub list_others: bool,
    /// The columns of a table (text) or CSV output; empty for line output.
    pub columns: &'static [&'static str],
}

impl Settings {
    /// Lines of text, or JSON lines with `json`; quiet and progress from the verbosity flags.
    pub fn lines(json: bool, verbosity: crate::Verbosity) -> Settings {
        Settings {
            format: if json { Format::Json } else { Format::Text },
            quiet: verbosity.is_quiet(),
            progress: verbosity.allows_progress(),
            list_others: false,
            columns: &[],
        }
    }
}

/// One event of a run, in path order.
enum Event<O> {
    Done(O),
    Failed(Failure),
    Other(String),
}

/// Runs a per-file command over `walked`: `per_file` in parallel (with a reused buffer), then
/// every outcome, failure and left-alone file printed in path order, the summary record, and the
/// human summary line `summary_line` makes of the tally. Returns the worst exit code.
pub fn run<O: Outcome>(
    program: &'static str,
    settings: Settings,
    walked: Walked,
    keys: &[&'static str],
    per_file: impl Fn(&mut Vec<u8>, &Entry) -> Result<O, Failure> + Sync + Send,
    summary_line: impl Fn(&Tally) -> String,
) -> Result<Exit, Stop> {
    let results = map(&walked.files, settings.progress, Vec::new, &per_file);
    let mut events: Vec<(PathBuf, Event<O>)> = Vec::with_capacity(results.len());
    for (entry, result) in walked.files.iter().zip(results) {
        let event = match result {
            Ok(outcome) => Event::Done(outcome),
            Err(failure) if is_other_file(entry, &failure) => Event::Other(failure.message),
            Err(failure) => Event::Failed(failure),
        };
        events.push((entry.path.clone(), event));
    }
    for skipped in walked.skipped {
        let reason = match skipped.reason {
            SkipReason::NotRegular(kind) => format!("not a regular file ({kind})"),
            other => other.to_string(),
        };
        events.push((skipped.path, Event::Other(reason)));
    }
    for failure in walked.failures {
        events.push((failure.path.clone(), Event::Failed(failure.into())));
    }
    events.sort_by(|a, b| a.0.cmp(&b.0));

    let mut tally = Tally::new(keys);
    let mut printer = Printer::new(program, settings.format);
    if !settings.columns.is_empty() {
        printer.columns(settings.columns)?;
    }
    for (path, event) in &events {
        match event {
            Event::Done(outcome) => {
                outcome.log(path);
                let (key, exit) = outcome.tally();
                tally.add(key, exit);
                for counter in outcome.counters() {
                    tally.add(counter, Exit::Ok);
                }
                outcome.print(path, &mut printer, settings.quiet)?;
            }
            Event::Failed(failure) => {
                tally.add(ERRORS, Exit::Error);
                printer.failure(failure)?;
            }
            Event::Other(reason) => {
                tracing::info!("{}: left alone: {reason}", path.display());
                tally.add(OTHER_FILES, Exit::Ok);
                if settings.list_others {
                    O::print_other(path, reason, &mut printer)?;
                }
            }
        }
    }
    printer.record(&tally.summary())?;
    if !settings.quiet || tally.exit() != Exit::Ok {
        printer.line(summary_line(&tally))?;
    }
    printer.finish()?;
    Ok(tally.exit())
}

/// `", 3 other files"`-style tail shared by summary lines: errors and other files.
pub fn errors_and_others(tally: &Tally, others_verb: &str) -> String {
    format!("{}; {} {others_verb}", count(tally.get(ERRORS), "error"), count(tally.get(OTHER_FILES), "other file"))
}

/// Reports a failure that is not about a file (bad usage), as `program: message`.
pub fn usage_error(program: &str, message: impl std::fmt::Display) -> Exit {
    crate::output::error_line(&format!("{program}: {message}"));
    Exit::Error
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FailureKind;

    #[test]
    fn tallies_keep_their_order_and_the_worst_exit() {
        let mut tally = Tally::new(&["ok", "bad"]);
        tally.add("bad", Exit::Problems);
        tally.add("ok", Exit::Ok);
        tally.add(ERRORS, Exit::Error);
        tally.add("late", Exit::Ok);
        let keys: Vec<&str> = tally.summary().counts.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["ok", "bad", ERRORS, OTHER_FILES, "late"]);
        assert_eq!((tally.get("bad"), tally.sum(&["ok", "bad"]), tally.exit()), (1, 2, Exit::Error));
    }

    #[test]
    fn only_walked_files_without_a_rom_extension_are_other_files() {
        let not_a_rom = Failure::new(Path::new("x"), FailureKind::NotARom, "not an N64 ROM");
        let empty = Failure::new(Path::new("x"), FailureKind::Empty, "empty file");
        let walked = |name: &str| {
            let mut entry = Entry::named(name);
            entry.named = false;
            entry
        };
        assert!(is_other_file(&walked("notes.txt"), &not_a_rom));
        assert!(!is_other_file(&Entry::named("notes.txt"), &not_a_rom), "named files must be ROMs");
        assert!(!is_other_file(&walked("page.Z64"), &not_a_rom), "the extension claims a ROM");
        assert!(!is_other_file(&walked("empty.bin"), &empty), "an empty file is an error");
    }
}
