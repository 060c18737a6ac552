//! `n64-fix normalize`: one byte order, matching extensions and (optionally) header-built names
//! for whole collections, crash-safe and idempotent.
//!
//! A run: lock the roots ([`lock`]; not with `--dry-run`); reserve the `--report` file (so a
//! report that cannot be written stops the run before any change); plan ([`plan`]: walk, finish
//! interrupted moves ([`journal`]), inspect and hash every file, decide names ([`naming`]));
//! apply ([`apply`]); report ([`report`]).

mod apply;
mod journal;
mod lock;
mod naming;
mod plan;
mod report;
mod template;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use n64_common::output::{Format, Printer, Stop};
use n64_common::{Exit, Failure, Verbosity, batch};
use n64_io::atomic::Reserved;

use crate::cli::NormalizeArgs;
use lock::Locks;
use report::Report;
use template::Template;

/// Runs `n64-fix normalize`.
pub(crate) fn run(args: &NormalizeArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    let template = match args.rename.as_deref().map(Template::parse).transpose() {
        Ok(template) => template,
        Err(message) => return Ok(batch::usage_error("n64-fix", message)),
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(error) = signal_hook::flag::register(signal, Arc::clone(&interrupted)) {
            tracing::warn!("cannot catch signal {signal}: {error}");
        }
    }
    let mut printer = Printer::new("n64-fix", if args.json { Format::Json } else { Format::Text });

    // Held until the run ends.
    let mut locks = Locks::default();
    let mut refused = Vec::new();
    let roots = if args.dry_run { args.paths.clone() } else { locks.roots(&args.paths, &mut refused) };
    let reserved = match args.report.as_deref().map(Reserved::replace_or_create).transpose() {
        Ok(reserved) => reserved,
        Err(error) => {
            let failure = Failure::from(error);
            printer.failure(&Failure::new(
                &failure.path,
                failure.kind,
                format!("cannot write the report ({}); nothing changed", failure.message),
            ))?;
            printer.finish()?;
            return Ok(Exit::Error);
        }
    };

    let settings = plan::Settings {
        to: args.to,
        template: template.as_ref(),
        fix_crc: args.fix_crc,
        pad: args.pad,
        dry_run: args.dry_run,
        progress: verbosity.allows_progress(),
        keep: reserved.as_ref().map(Reserved::temp_path),
        interrupted: &interrupted,
    };
    let mut plan = plan::plan(&roots, &settings);
    plan.failures.extend(refused);
    let applied = if plan.interrupted {
        plan.actions.iter().map(|_| apply::Applied::NotDone).collect()
    } else {
        apply::apply_all(&plan.actions, args.to, args.dry_run, settings.progress, &interrupted)
    };
    let report = Report::new(plan, applied, args.to, args.dry_run, verbosity.is_quiet());
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
