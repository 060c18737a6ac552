//! `n64-fix crc`: write the right check code into ROMs whose stored one is wrong.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use n64_common::{Exit, Failure, RomFile, inspect_file, progress_bar, walk};
use n64_core::{CheckCode, CheckStatus, InspectOptions, RomInfo, check_code::CHECK_PREFIX_LEN};
use rayon::prelude::*;

use crate::cli::CrcArgs;
use crate::{atomic, read, stream};
use n64_common::output::{self, Stop};

/// What happened to one file.
enum Outcome {
    /// The check code was written (and/or the file padded).
    Fixed(Change),
    /// `--dry-run`: this would be written.
    WouldFix(Change),
    /// Nothing to do.
    Ok,
    /// Left alone, with the reason.
    Skipped(String),
    /// A file met while walking a directory that is not a ROM.
    NotRom,
    /// An error for this file; nothing was changed.
    Failed(Failure),
}

/// The change made (or planned) to one file.
struct Change {
    code: Option<(CheckCode, CheckCode)>,
    padded_from: Option<u64>,
}

impl Change {
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some((old, new)) = self.code {
            parts.push(format!("{old} → {new}"));
        }
        if let Some(size) = self.padded_from {
            parts.push(format!("padded {size:#x} → {CHECK_PREFIX_LEN:#x} bytes"));
        }
        parts.join(", ")
    }
}

/// Why a ROM's check code is left alone, from its status.
pub(crate) fn skip_reason(info: &RomInfo) -> Option<String> {
    match info.check {
        CheckStatus::Valid(_) | CheckStatus::Invalid(_) => None,
        CheckStatus::NotRequired(_) => Some(format!(
            "{} verifies no check code (pass --force to write one anyway)",
            info.family().map_or_else(|| "the boot code".to_owned(), |f| f.to_string())
        )),
        CheckStatus::UnknownCic => {
            Some(format!("unknown boot code, crc32 {:08x} (pass --cic KIND)", info.boot_code.crc32))
        }
        CheckStatus::NotApplicable => Some("64DD: the check code is kept inside the boot code".to_owned()),
    }
}

fn process(path: &Path, args: &CrcArgs, walked: bool) -> Outcome {
    let options = InspectOptions { cic: args.cic, order: None };
    let rom = match inspect_file(path, options) {
        Ok(rom) => rom,
        Err(failure) if walked && failure.not_a_rom => return Outcome::NotRom,
        Err(failure) => return Outcome::Failed(failure),
    };
    let info = &rom.info;
    let new_code = match info.fix_plan(args.force) {
        Ok(plan) => plan,
        Err(error) => return Outcome::Skipped(skip_reason(info).unwrap_or_else(|| error.to_string())),
    };
    let pad = args.pad && rom.size < CHECK_PREFIX_LEN as u64;
    if new_code.is_none() && !pad {
        return Outcome::Ok;
    }
    let change =
        Change { code: new_code.map(|code| (info.header.check_code(), code)), padded_from: pad.then_some(rom.size) };
    if args.dry_run {
        return Outcome::WouldFix(change);
    }
    match write(&rom, new_code, pad, args.backup) {
        Ok(()) => Outcome::Fixed(change),
        Err(failure) => Outcome::Failed(failure),
    }
}

/// The backup path: the file name with `.bak` appended, in the same directory.
fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map_or_else(OsString::new, OsString::from);
    name.push(".bak");
    path.with_file_name(name)
}

/// Copies `path` to `NAME.bak` atomically; refused when that exists.
fn backup(rom: &RomFile) -> Result<(), Failure> {
    let target = backup_path(&rom.path);
    let permissions = std::fs::metadata(&rom.path).ok().map(|m| m.permissions());
    let mut file = read::reopen(&rom.path, rom.size)?;
    atomic::create_new(&target, permissions, |out| std::io::copy(&mut file, out).map(drop)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::new(&rom.path, format!("backup {} already exists; nothing changed", target.display()))
        } else {
            Failure::io(&rom.path, "cannot write backup", &e)
        }
    })
}

fn write(rom: &RomFile, code: Option<CheckCode>, pad: bool, make_backup: bool) -> Result<(), Failure> {
    if make_backup {
        backup(rom)?;
    }
    let mut header = rom.info.header;
    if let Some(code) = code {
        header.set_check_code(code);
    }
    let transform = stream::Transform {
        from: rom.info.order,
        to: rom.info.order,
        size: rom.size,
        pad_to: if pad { CHECK_PREFIX_LEN as u64 } else { 0 },
        header: Some(header),
        expect_prefix: &rom.prefix,
    };
    let mut file = read::reopen(&rom.path, rom.size)?;
    atomic::replace(&rom.path, |out| stream::run(&mut file, &transform, out, None).map(drop))
        .map_err(|e| Failure::io(&rom.path, "cannot write", &e))
}

/// Runs `n64-fix crc`.
pub(crate) fn run(args: &CrcArgs, quiet: bool, show_bar: bool) -> Result<Exit, Stop> {
    let walked = walk(&args.paths);
    let named: HashSet<&PathBuf> = args.paths.iter().collect();
    let bar = progress_bar(walked.files.len(), show_bar);
    let outcomes: Vec<(PathBuf, Outcome)> = walked
        .files
        .par_iter()
        .map(|path| {
            let outcome = process(path, args, !named.contains(path));
            bar.inc(1);
            (path.clone(), outcome)
        })
        .collect();
    bar.finish_and_clear();

    let (mut fixed, mut ok, mut skipped, mut not_roms, mut errors) = (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut exit = Exit::Ok;
    output::with_stdout(|out| {
        for (path, outcome) in &outcomes {
            match outcome {
                Outcome::Fixed(change) => {
                    fixed += 1;
                    writeln!(out, "{}: fixed ({})", path.display(), change.describe())?;
                }
                Outcome::WouldFix(change) => {
                    fixed += 1;
                    exit = exit.and(Exit::Problems);
                    writeln!(out, "{}: would fix ({})", path.display(), change.describe())?;
                }
                Outcome::Ok => {
                    ok += 1;
                    if !quiet {
                        writeln!(out, "{}: ok (already valid)", path.display())?;
                    }
                }
                Outcome::Skipped(reason) => {
                    skipped += 1;
                    exit = exit.and(Exit::Problems);
                    writeln!(out, "{}: skipped: {reason}", path.display())?;
                }
                Outcome::NotRom => not_roms += 1,
                Outcome::Failed(failure) => {
                    errors += 1;
                    exit = exit.and(Exit::Error);
                    out.flush()?;
                    output::error_line(&format!("n64-fix: {failure}"));
                }
            }
        }
        for failure in &walked.failures {
            errors += 1;
            exit = exit.and(Exit::Error);
            output::error_line(&format!("n64-fix: {failure}"));
        }
        not_roms += walked.skipped.len();
        let verb = if args.dry_run { "would fix" } else { "fixed" };
        writeln!(
            out,
            "{} ROM(s): {fixed} {verb}, {ok} ok, {skipped} skipped, {errors} errors; {not_roms} other files left alone",
            fixed + ok + skipped + errors
        )?;
        Ok(())
    })?;
    Ok(exit)
}
