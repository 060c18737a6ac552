//! `n64 check`: verify check codes of files and directory trees.

use std::path::PathBuf;

use n64_common::{Exit, Failure, inspect_file_reusing, progress_bar, walk};
use n64_core::{CheckStatus, InspectOptions};
use rayon::prelude::*;

use crate::cli::CheckArgs;
use n64_common::output::{self, Stop};

/// The verdict on one path.
enum Verdict {
    Ok,
    Bad(String),
    Skipped(String),
    Failed(Failure),
}

/// Inspects a file for `check`. Files met while walking a directory that are not N64 ROMs at
/// all are skipped rather than errors; named files must be ROMs.
fn classify(path: &std::path::Path, options: InspectOptions, walked: bool, buffer: &mut Vec<u8>) -> Verdict {
    match inspect_file_reusing(path, options, buffer) {
        Ok((_, info)) => match &info.check {
            CheckStatus::Valid(_) => Verdict::Ok,
            CheckStatus::Invalid(c) => Verdict::Bad(format!("stored {} computed {}", info.header.check_code(), c.code)),
            CheckStatus::NotRequired(_) => Verdict::Skipped(format!(
                "check code not required ({})",
                info.family().map_or_else(|| "boot code".to_owned(), |f| f.to_string())
            )),
            CheckStatus::UnknownCic => Verdict::Skipped("unknown boot code (pass --cic KIND)".to_owned()),
            CheckStatus::NotApplicable => Verdict::Skipped("64DD: check code kept inside the boot code".to_owned()),
        },
        Err(failure) if walked && failure.not_a_rom => Verdict::Skipped("not an N64 ROM".to_owned()),
        Err(failure) => Verdict::Failed(failure),
    }
}

pub(crate) fn run(args: &CheckArgs, quiet: bool) -> Result<Exit, Stop> {
    let options = args.overrides.options();
    let walked = walk(&args.paths);
    let named: std::collections::HashSet<&PathBuf> = args.paths.iter().collect();
    let bar = progress_bar(walked.files.len(), !quiet);
    let verdicts: Vec<(PathBuf, Verdict)> = walked
        .files
        .par_iter()
        .map_init(Vec::new, |buffer, path| {
            let verdict = classify(path, options, !named.contains(path), buffer);
            bar.inc(1);
            (path.clone(), verdict)
        })
        .collect();
    bar.finish_and_clear();

    let (mut ok, mut bad, mut skipped, mut errors) = (0usize, 0usize, 0usize, 0usize);
    let mut exit = Exit::Ok;
    output::with_stdout(|out| {
        for (path, verdict) in &verdicts {
            match verdict {
                Verdict::Ok => {
                    ok += 1;
                    if !quiet {
                        writeln!(out, "{}: ok", path.display())?;
                    }
                }
                Verdict::Bad(detail) => {
                    bad += 1;
                    exit = exit.and(Exit::Problems);
                    writeln!(out, "{}: BAD {detail}", path.display())?;
                }
                Verdict::Skipped(reason) => {
                    skipped += 1;
                    if !quiet {
                        writeln!(out, "{}: skipped: {reason}", path.display())?;
                    }
                }
                Verdict::Failed(failure) => {
                    errors += 1;
                    exit = exit.and(Exit::Error);
                    out.flush()?;
                    output::error_line(&format!("n64: {failure}"));
                }
            }
        }
        for failure in &walked.failures {
            errors += 1;
            exit = exit.and(Exit::Error);
            output::error_line(&format!("n64: {failure}"));
        }
        skipped += walked.skipped.len();
        if !quiet {
            for entry in &walked.skipped {
                writeln!(out, "{}: skipped: {}", entry.path.display(), entry.message)?;
            }
        }
        if !quiet || bad + errors > 0 {
            writeln!(
                out,
                "{} checked: {ok} ok, {bad} bad, {skipped} skipped, {errors} errors",
                ok + bad + skipped + errors
            )?;
        }
        Ok(())
    })?;
    Ok(exit)
}
