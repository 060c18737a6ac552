//! `n64-fix normalize`: one byte order, matching extensions and (optionally) header-built names
//! for whole collections, crash-safe and idempotent; or, with `--dat`, the names and byte
//! orders of DAT files, in place or as a clean set built elsewhere (`--out`, `--zip`).
//!
//! A run: load the DATs ([`scan::Dats`]; a bad one stops the run before anything is touched);
//! lock the roots ([`lock`]; with `--out`, the output directory; not with `--dry-run`); reserve
//! the `--report` file (so a report that cannot be written stops the run before any change);
//! plan ([`plan`]: walk, finish interrupted moves ([`journal`]), inspect and hash every file,
//! decide names ([`naming`]); with `--dat`, [`dat`] over the engine's verdicts ([`scan`]));
//! apply ([`mod@apply`]), or rebuild ([`rebuild`], [`zip_out`]); report ([`report`]).

mod apply;
mod dat;
mod journal;
mod lock;
mod naming;
mod plan;
mod rebuild;
mod report;
mod scan;
mod template;
mod zip_out;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use n64_common::output::{Format, Printer, Stop};
use n64_common::{Exit, Failure, Verbosity, batch};
use n64_io::atomic::Reserved;

use crate::cli::NormalizeArgs;
use crate::own_files::is_temporary;
use lock::Locks;
use report::{Line, Mode, Record, Report};
use scan::Dats;
use template::Template;

/// Runs `n64-fix normalize`.
pub(crate) fn run(args: &NormalizeArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    let template = match args.rename.as_deref().map(Template::parse).transpose() {
        Ok(template) => template,
        Err(message) => return Ok(batch::usage_error("n64-fix", message)),
    };
    let mut printer = Printer::new("n64-fix", if args.json { Format::Json } else { Format::Text });

    // The DATs first: an unreadable or malformed DAT stops the run before anything is touched.
    let dats = if args.dats.is_empty() {
        None
    } else {
        match Dats::load(&args.dats, args.dat_order) {
            Ok(dats) => Some(dats),
            Err(failure) => {
                printer.failure(&failure)?;
                printer.finish()?;
                return Ok(Exit::Error);
            }
        }
    };
    for warning in dats.iter().flat_map(Dats::warnings) {
        printer.warning(warning)?;
    }

    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(error) = signal_hook::flag::register(signal, Arc::clone(&interrupted)) {
            tracing::warn!("cannot catch signal {signal}: {error}");
        }
    }

    // Held until the run ends.
    let mut locks = Locks::default();
    let mut refused = Vec::new();
    let roots = match (&args.out, args.dry_run) {
        (_, true) => args.paths.clone(),
        (None, false) => locks.roots(&args.paths, &mut refused),
        (Some(out), false) => {
            // The input is only read: the output directory is the tree this run works on.
            let made = std::fs::create_dir_all(out).map_err(|e| n64_io::Error::io(out, n64_io::Operation::Write, e));
            if let Err(error) = made {
                return stop(printer, &Failure::from(error), "cannot make the output directory");
            }
            let _ = locks.roots(std::slice::from_ref(out), &mut refused);
            if let Some(failure) = refused.first() {
                // Another run works on it (the message says so, and that nothing changed).
                printer.failure(failure)?;
                printer.finish()?;
                return Ok(Exit::Error);
            }
            args.paths.clone()
        }
    };
    let reserved = match args.report.as_deref().map(Reserved::replace_or_create).transpose() {
        Ok(reserved) => reserved,
        Err(error) => return stop(printer, &Failure::from(error), "cannot write the report"),
    };
    let keep = reserved.as_ref().map(Reserved::temp_path);
    let context = Context {
        args,
        roots: &roots,
        keep,
        progress: verbosity.allows_progress(),
        quiet: verbosity.is_quiet(),
        interrupted: &interrupted,
    };
    let report = match (&dats, &args.out) {
        (None, _) => context.by_order(template.as_ref(), refused),
        (Some(dats), None) => context.by_dat(dats, refused),
        (Some(dats), Some(out)) => context.rebuild(dats, out),
    };
    report.print(&mut printer)?;
    let mut exit = report.tally.exit();
    if let Some(reserved) = reserved {
        let json = report.to_json();
        let path = args.report.clone().unwrap_or_default();
        let written = reserved.commit(None, |out| {
            out.write_all(json.as_bytes()).map_err(|e| n64_io::Error::io(&path, n64_io::Operation::Write, e))
        });
        if let Err(error) = written {
            printer.failure(&Failure::from(error))?;
            exit = exit.and(Exit::Error);
        }
    }
    printer.finish()?;
    Ok(exit)
}

/// What every kind of run shares once the roots are locked.
struct Context<'a> {
    args: &'a NormalizeArgs,
    roots: &'a [PathBuf],
    /// The reserved report's temporary file, which recovery must not remove.
    keep: Option<&'a Path>,
    progress: bool,
    quiet: bool,
    interrupted: &'a AtomicBool,
}

impl Context<'_> {
    /// A run without `--dat`: one byte order, names kept or built from the header.
    fn by_order(&self, template: Option<&Template>, refused: Vec<Failure>) -> Report {
        let args = self.args;
        let settings = plan::Settings {
            to: args.to,
            template,
            fix_crc: args.fix_crc,
            pad: args.pad,
            dry_run: args.dry_run,
            progress: self.progress,
            keep: self.keep,
            interrupted: self.interrupted,
        };
        let mut plan = plan::plan(self.roots, &settings);
        plan.failures.extend(refused);
        let applied = apply(&plan, args.dry_run, self.progress, self.interrupted);
        Report::new(plan, applied, Mode::Order(args.to), args.dry_run, self.quiet)
    }

    /// A run by DAT, in place.
    fn by_dat(&self, dats: &Dats, refused: Vec<Failure>) -> Report {
        let own = own_files(self.args);
        let settings = dat::Settings {
            dry_run: self.args.dry_run,
            progress: self.progress,
            keep: self.keep,
            own: &own,
            interrupted: self.interrupted,
        };
        let mut plan = dat::plan(self.roots, dats, &settings);
        plan.failures.extend(refused);
        let applied = apply(&plan, self.args.dry_run, self.progress, self.interrupted);
        Report::new(plan, applied, Mode::Dat { dats: dats.paths() }, self.args.dry_run, self.quiet)
    }

    /// A run by DAT into `out`.
    fn rebuild(&self, dats: &Dats, out: &Path) -> Report {
        let args = self.args;
        let own = own_files(args);
        let settings = rebuild::Settings {
            out,
            zip: args.zip,
            dry_run: args.dry_run,
            progress: self.progress,
            quiet: self.quiet,
            own: &own,
            interrupted: self.interrupted,
        };
        let mut lines = clean_stale(out, args.dry_run, self.keep);
        let (rebuilt, tally, stopped) = rebuild::run(self.roots, dats, &settings);
        lines.extend(rebuilt);
        let mode = Mode::Out { dats: dats.paths(), out: out.display().to_string(), zip: args.zip };
        Report::assemble(lines, tally, mode, args.dry_run, stopped)
    }
}

/// Applies a plan's actions, none when Ctrl-C came while planning.
fn apply(plan: &plan::Plan, dry_run: bool, progress: bool, interrupted: &AtomicBool) -> Vec<apply::Applied> {
    if plan.interrupted {
        plan.actions.iter().map(|_| apply::Applied::NotDone).collect()
    } else {
        apply::apply_all(&plan.actions, dry_run, progress, interrupted)
    }
}

/// Ends a run that cannot start: one failure, nothing changed.
fn stop(mut printer: Printer, failure: &Failure, what: &str) -> Result<Exit, Stop> {
    let message = format!("{what} ({}); nothing changed", failure.message);
    printer.failure(&Failure::new(&failure.path, failure.kind, message))?;
    printer.finish()?;
    Ok(Exit::Error)
}

/// The files of this run that its walks leave alone: the DATs and the report (canonical).
fn own_files(args: &NormalizeArgs) -> Vec<PathBuf> {
    args.dats.iter().chain(args.report.iter()).filter_map(|p| std::fs::canonicalize(p).ok()).collect()
}

/// Removes the temporary files a killed run left in the output directory (not move markers,
/// which belong to an in-place run there; not `keep`), or says it would.
fn clean_stale(out: &Path, dry_run: bool, keep: Option<&Path>) -> Vec<Line> {
    let keep = keep.and_then(|p| std::fs::canonicalize(p).ok());
    let Ok(entries) = std::fs::read_dir(out) else { return Vec::new() };
    let mut stale: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| is_temporary(p) && !journal::is_marker(p) && p.is_file())
        .filter(|p| keep.is_none() || std::fs::canonicalize(p).ok() != keep)
        .collect();
    stale.sort();
    let mut lines = Vec::new();
    for path in stale {
        let message = if dry_run {
            "would remove stale temporary file".to_owned()
        } else if let Err(error) = n64_io::atomic::remove_durably(&path) {
            lines.push(Line::failure(error.into()));
            continue;
        } else {
            "removed stale temporary file".to_owned()
        };
        let record = Record::Recovered { path: n64_common::records::path_text(&path), message: message.clone() };
        lines.push(Line::new(path, record, Some(message)));
    }
    lines
}
