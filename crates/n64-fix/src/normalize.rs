//! `n64-fix normalize`: one byte order, matching extensions and (optionally) header-built names
//! for whole collections, crash-safe and idempotent.
//!
//! A run has five steps:
//! 0. lock each root directory (see [`crate::lock`]; not with `--dry-run`, which writes
//!    nothing): a root another run is working on is refused, whole;
//! 1. finish moves a crash interrupted (see [`crate::journal`]) and remove stale temporary files;
//! 2. inspect every file (in parallel) and hash its final content as big-endian bytes;
//! 3. decide names in path order: the wanted name, or `NAME (1).ext`, `NAME (2).ext`… when a
//!    different file has it (a file keeps its own name when that is what it would get);
//! 4. apply the changes (in parallel): in place through an atomic replace, or to a new name
//!    through a new file and a move marker, the old file removed last.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};

use n64_common::{Exit, Failure, Walked, inspect_file, progress_bar, walk};
use n64_core::{ByteOrder, CheckCode, Header, InspectOptions, RomInfo};
use rayon::prelude::*;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use crate::atomic::{self, TEMP_PREFIX};
use crate::cli::NormalizeArgs;
use crate::journal::{self, Move, Recovery};
use crate::lock::{self, Locks};
use crate::template::{Template, safe_stem};
use crate::{crc, stream};
use n64_common::output::{self, Stop};

/// A ROM as found, with what its content will be.
struct Found {
    path: PathBuf,
    size: u64,
    prefix: Vec<u8>,
    from: ByteOrder,
    /// The header to write, when the check code is fixed.
    header: Option<Header>,
    /// The check code change, when fixed.
    code: Option<(CheckCode, CheckCode)>,
    /// Why the check code was left alone, with `--fix-crc`.
    crc_skipped: Option<String>,
    /// SHA-1 of the file as stored.
    stored_sha1: [u8; 20],
    /// SHA-1 of the final content as big-endian bytes.
    final_sha1: [u8; 20],
    /// The wanted file name stem.
    stem: OsString,
}

impl Found {
    fn transform(&self, to: ByteOrder) -> stream::Transform<'_> {
        stream::Transform {
            from: self.from,
            to,
            size: self.size,
            pad_to: 0,
            header: self.header,
            expect_prefix: &self.prefix,
        }
    }
}

/// What was decided for one ROM.
struct Action {
    found: Found,
    after: PathBuf,
    /// The wanted name was taken by another file.
    suffixed: Option<PathBuf>,
    duplicate_of: Option<PathBuf>,
    convert: bool,
}

impl Action {
    fn renamed(&self) -> bool {
        self.after != self.found.path
    }

    fn changes(&self, to: ByteOrder) -> Vec<String> {
        let mut changes = Vec::new();
        if self.convert {
            changes.push(format!("converted {} → {to}", self.found.from));
        }
        if let Some((old, new)) = self.found.code {
            changes.push(format!("fixed check code {old} → {new}"));
        }
        if self.renamed() {
            let name = self.after.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            changes.push(format!("renamed to {name:?}"));
        }
        if let Some(wanted) = &self.suffixed {
            changes.push(format!("{} is taken by another file", wanted.display()));
        }
        changes
    }

    fn changes_content(&self) -> bool {
        self.convert || self.found.code.is_some()
    }
}

/// A reader that hashes what passes through it.
struct Hashing<'a, R> {
    inner: R,
    hasher: &'a mut Sha1,
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

enum Inspected {
    Rom(Box<Found>),
    Other(String),
    Failed(Failure),
}

fn inspect_one(path: &Path, args: &NormalizeArgs, template: Option<&Template>, walked: bool) -> Inspected {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Inspected::Other(format!("{}: symlink, left alone", path.display()));
        }
        Ok(_) => {}
        Err(e) => return Inspected::Failed(Failure::io(path, "cannot read", &e)),
    }
    let rom = match inspect_file(path, InspectOptions::default()) {
        Ok(rom) => rom,
        Err(failure) if walked && failure.not_a_rom => return Inspected::Other(failure.to_string()),
        Err(failure) => return Inspected::Failed(failure),
    };
    let info: &RomInfo = &rom.info;
    if let Err(e) = args.to.check_len(usize::try_from(rom.size).unwrap_or(usize::MAX)) {
        return Inspected::Failed(Failure::new(path, format!("{e} (n64-fix convert --pad can pad it)")));
    }
    let (mut header, mut code, mut crc_skipped) = (None, None, None);
    if args.fix_crc {
        match info.fix_plan(false) {
            Ok(Some(new)) => {
                let mut fixed = info.header;
                fixed.set_check_code(new);
                header = Some(fixed);
                code = Some((info.header.check_code(), new));
            }
            Ok(None) => {}
            Err(e) => crc_skipped = Some(crc::skip_reason(info).unwrap_or_else(|| e.to_string())),
        }
    }
    let stem = match template {
        Some(template) => OsString::from(template.render(info)),
        None => own_stem(path),
    };
    let mut found = Found {
        path: path.to_path_buf(),
        size: rom.size,
        // Keep header and boot code only (what the decisions rest on): a collection of
        // thousands of ROMs must not hold a megabyte of each. The SHA-1 of what is written is
        // checked before the old file goes, which covers the rest.
        prefix: {
            let mut prefix = rom.prefix;
            prefix.truncate(0x1000);
            prefix.shrink_to_fit();
            prefix
        },
        from: info.order,
        header,
        code,
        crc_skipped,
        stored_sha1: [0; 20],
        final_sha1: [0; 20],
        stem,
    };
    let hashed = (|| {
        let mut file = crate::read::reopen(&found.path, found.size)?;
        let mut stored = Sha1::new();
        let final_sha1 =
            stream::hash(&mut Hashing { inner: &mut file, hasher: &mut stored }, &found.transform(args.to))
                .map_err(|e| Failure::io(path, "cannot read", &e))?;
        Ok::<_, Failure>((stored.finalize().into(), final_sha1))
    })();
    match hashed {
        Ok((stored, final_sha1)) => {
            found.stored_sha1 = stored;
            found.final_sha1 = final_sha1;
            Inspected::Rom(Box::new(found))
        }
        Err(failure) => Inspected::Failed(failure),
    }
}

/// The stem a file keeps without `--rename`: its own, made safe. A name that is not UTF-8 is
/// kept byte for byte (a lossy version would lose its bytes; it is a valid name where it is).
fn own_stem(path: &Path) -> OsString {
    let stem = path.file_stem().unwrap_or_default();
    match stem.to_str() {
        Some(text) => OsString::from(safe_stem(text)),
        None => stem.to_owned(),
    }
}

/// `stem` + `suffix` + `.` + `ext`.
fn file_name(stem: &OsString, suffix: &str, ext: &str) -> OsString {
    let mut name = stem.clone();
    name.push(format!("{suffix}.{ext}"));
    name
}

/// Names in a directory, read once.
fn names_in<'a>(dir: &Path, cache: &'a mut HashMap<PathBuf, HashSet<OsString>>) -> &'a mut HashSet<OsString> {
    cache.entry(dir.to_path_buf()).or_insert_with(|| {
        std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default()
    })
}

/// Decides the new names, in path order, and marks duplicates.
fn decide(found: Vec<Found>, to: ByteOrder) -> Vec<Action> {
    let mut names: HashMap<PathBuf, HashSet<OsString>> = HashMap::new();
    let mut first_of: HashMap<[u8; 20], PathBuf> = HashMap::new();
    let mut actions = Vec::with_capacity(found.len());
    for found in found {
        let dir = atomic::parent_dir(&found.path).to_path_buf();
        let own = found.path.file_name().map(OsString::from);
        let taken = names_in(&dir, &mut names);
        let ext = to.name();
        let wanted = file_name(&found.stem, "", ext);
        let mut chosen = wanted.clone();
        let mut k = 1;
        while Some(&chosen) != own.as_ref() && taken.contains(&chosen) {
            chosen = file_name(&found.stem, &format!(" ({k})"), ext);
            k += 1;
        }
        taken.insert(chosen.clone());
        // Beside the file, as its path was given (`dir` is `.` for a bare name, which must not
        // make `./NAME` look like a new name).
        let after = found.path.with_file_name(&chosen);
        let suffixed = (chosen != wanted).then(|| found.path.with_file_name(&wanted));
        let duplicate_of = first_of.get(&found.final_sha1).cloned();
        if duplicate_of.is_none() {
            first_of.insert(found.final_sha1, after.clone());
        }
        let convert = found.from != to;
        actions.push(Action { found, after, suffixed, duplicate_of, convert });
    }
    actions
}

/// Applies one action.
fn apply(action: &Action, to: ByteOrder) -> Result<(), Failure> {
    let found = &action.found;
    let path = &found.path;
    let transform = found.transform(to);
    let permissions = std::fs::metadata(path).map_err(|e| Failure::io(path, "cannot read metadata", &e))?.permissions();
    if permissions.readonly() {
        // Renaming would need no write permission on the file itself, but a read-only file is
        // one its owner wants left as it is: the same answer as for a change in place.
        return Err(Failure::new(path, "cannot write: file is read-only (make it writable to change it)"));
    }
    if !action.renamed() {
        let mut file = crate::read::reopen(&found.path, found.size)?;
        return atomic::replace(path, |out| stream::run(&mut file, &transform, out, None).map(drop))
            .map_err(|e| Failure::io(path, "cannot write", &e));
    }
    let dir = atomic::parent_dir(path);
    let names = (path.file_name(), action.after.file_name());
    let (Some(old), Some(new)) = names else { return Err(Failure::new(path, "no file name")) };
    let planned = Move {
        old: journal::name_bytes(old),
        new: journal::name_bytes(new),
        old_stored: found.stored_sha1,
        new_be: found.final_sha1,
    };
    let marker = planned.begin(dir).map_err(|e| Failure::io(path, "cannot write move marker", &e))?;
    let moved = (|| {
        let mut file = crate::read::reopen(&found.path, found.size)?;
        let mut written = Sha1::new();
        atomic::create_new(&action.after, Some(permissions), |out| {
            stream::run(&mut file, &transform, out, Some(&mut written)).map(drop)
        })
        .map_err(|e| Failure::io(&action.after, "cannot write", &e))?;
        // What was written must be what was hashed when the names were decided.
        if <[u8; 20]>::from(written.finalize()) != found.final_sha1 {
            let _ = atomic::remove_durably(&action.after);
            return Err(Failure::new(path, "file changed while being processed; left alone"));
        }
        atomic::remove_durably(path).map_err(|e| Failure::io(path, "cannot remove after renaming", &e))
    })();
    let _ = atomic::remove_durably(&marker);
    moved
}

/// Finishes interrupted moves and removes stale temporary files under the walked directories.
fn recover(files: &[PathBuf], dry_run: bool, lines: &mut Vec<(PathBuf, String)>, failures: &mut Vec<Failure>) {
    let marker_prefix = journal::marker_prefix();
    let is = |path: &Path, prefix: &str| path.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix));
    for marker in files.iter().filter(|p| is(p, &marker_prefix)) {
        match journal::recover(marker, dry_run) {
            Ok(Recovery::RemovedOld { old, new }) => {
                let verb = if dry_run { "would remove" } else { "removed" };
                lines.push((
                    old,
                    format!("{verb} leftover of an interrupted move: {} holds its content", new.display()),
                ));
            }
            Ok(Recovery::Mismatch { old, new }) => lines.push((
                old,
                format!(
                    "interrupted move to {} does not match what was recorded; both files left alone",
                    new.display()
                ),
            )),
            Ok(Recovery::Nothing) => {}
            Err(e) => failures.push(Failure::io(marker, "cannot recover interrupted move", &e)),
        }
    }
    for temp in files.iter().filter(|p| is(p, TEMP_PREFIX) && !is(p, &marker_prefix)) {
        if dry_run {
            lines.push((temp.clone(), "would remove stale temporary file".to_owned()));
        } else if let Err(e) = atomic::remove_durably(temp) {
            failures.push(Failure::io(temp, "cannot remove stale temporary file", &e));
        } else {
            lines.push((temp.clone(), "removed stale temporary file".to_owned()));
        }
    }
}

fn report_json(actions: &[Action], to: ByteOrder, dry_run: bool) -> Value {
    let list: Vec<Value> = actions
        .iter()
        .filter(|a| a.renamed() || a.changes_content() || a.duplicate_of.is_some())
        .map(|a| {
            json!({
                "path_before": a.found.path.display().to_string(),
                "path_after": a.after.display().to_string(),
                "changes": a.changes(to),
                "duplicate_of": a.duplicate_of.as_ref().map(|p| p.display().to_string()),
            })
        })
        .collect();
    json!({ "dry_run": dry_run, "to": to.name(), "actions": list })
}

/// Inspects and hashes every file in parallel: the ROMs, and how many other files there are.
fn inspect_all(
    files: &[&PathBuf],
    named: &HashSet<&PathBuf>,
    args: &NormalizeArgs,
    template: Option<&Template>,
    tick: &(dyn Fn() + Sync),
    failures: &mut Vec<Failure>,
) -> (Vec<Found>, usize) {
    let inspected: Vec<Inspected> = files
        .par_iter()
        .map(|path| {
            let inspected = inspect_one(path, args, template, !named.contains(*path));
            tick();
            inspected
        })
        .collect();
    let mut roms = Vec::new();
    let mut others = 0;
    for item in inspected {
        match item {
            Inspected::Rom(found) => roms.push(*found),
            Inspected::Other(why) => {
                tracing::info!("left alone: {why}");
                others += 1;
            }
            Inspected::Failed(failure) => failures.push(failure),
        }
    }
    (roms, others)
}

/// Writes the JSON report (not with `--dry-run`, which creates no files).
fn write_report(report: &Path, applied: &[Action], args: &NormalizeArgs) -> Result<(), Failure> {
    if args.dry_run {
        output::error_line("n64-fix: --dry-run: report not written");
        return Ok(());
    }
    let text = serde_json::to_string_pretty(&report_json(applied, args.to, args.dry_run))
        .unwrap_or_else(|_| "null".to_owned());
    let written = if report.exists() {
        atomic::replace(report, |out| out.write_all(text.as_bytes()))
    } else {
        atomic::create_new(report, new_file_permissions(), |out| out.write_all(text.as_bytes()))
    };
    written.map_err(|e| Failure::io(report, "cannot write report", &e))
}

/// Locks the roots (not with `--dry-run`) and walks those this run has to itself: the roots
/// kept and what the walk found under them. A root another run is working on, or one below
/// which another run is working, gets a failure and is left alone.
fn lock_and_walk(args: &NormalizeArgs, locks: &mut Locks, failures: &mut Vec<Failure>) -> (Vec<PathBuf>, Walked) {
    if args.dry_run {
        return (args.paths.clone(), walk(&args.paths));
    }
    let mut paths = locks.roots(&args.paths, failures);
    loop {
        let walked = walk(&paths);
        let busy = locks.below(&walked.files);
        if busy.is_empty() {
            return (paths, walked);
        }
        let before = paths.len();
        paths.retain(|root| match busy.iter().find(|dir| dir.starts_with(root)) {
            Some(dir) => {
                failures.push(lock::busy(root, dir));
                false
            }
            None => true,
        });
        if paths.len() == before {
            // Not expected (every walked path is under a root), but never loop: stop here.
            failures.extend(busy.iter().map(|dir| lock::busy(dir, dir)));
            paths.clear();
        }
    }
}

/// Runs `n64-fix normalize`.
pub(crate) fn run(args: &NormalizeArgs, quiet: bool, show_bar: bool) -> Result<Exit, Stop> {
    let template = match args.rename.as_deref().map(Template::parse).transpose() {
        Ok(template) => template,
        Err(message) => {
            output::error_line(&format!("n64-fix: {message}"));
            return Ok(Exit::Error);
        }
    };
    let mut exit = Exit::Ok;
    let mut notes: Vec<(PathBuf, String)> = Vec::new();
    let mut failures: Vec<Failure> = Vec::new();

    // Held until the run ends.
    let mut locks = Locks::default();
    let (paths, walked) = lock_and_walk(args, &mut locks, &mut failures);
    recover(&walked.files, args.dry_run, &mut notes, &mut failures);
    // Recovery may have removed files: walk again.
    let walked = if args.dry_run || notes.is_empty() { walked } else { walk(&paths) };
    failures.extend(walked.failures.iter().cloned());
    let named: HashSet<&PathBuf> = paths.iter().collect();
    let files: Vec<&PathBuf> = walked
        .files
        .iter()
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(TEMP_PREFIX)))
        .filter(|p| !lock::is_lock_file(p))
        .collect();

    let bar = progress_bar(files.len(), show_bar);
    let (roms, others) = inspect_all(&files, &named, args, template.as_ref(), &|| bar.inc(1), &mut failures);
    let others = others + walked.skipped.len();
    let actions = decide(roms, args.to);
    let results: Vec<Result<(), Failure>> = actions
        .par_iter()
        .map(|action| {
            let needed = action.renamed() || action.changes_content();
            if args.dry_run || !needed { Ok(()) } else { apply(action, args.to) }
        })
        .collect();
    bar.finish_and_clear();

    let (mut changed, mut ok, mut duplicates) = (0usize, 0usize, 0usize);
    let mut applied = Vec::new();
    let mut lines: Vec<(PathBuf, String)> = notes;
    for (action, result) in actions.into_iter().zip(results) {
        let path = action.found.path.clone();
        let mut parts = action.changes(args.to);
        let needed = !parts.is_empty() && (action.renamed() || action.changes_content());
        if let Err(failure) = result {
            failures.push(failure);
            continue;
        }
        if let Some(reason) = &action.found.crc_skipped {
            exit = exit.and(Exit::Problems);
            parts.push(format!("check code left alone: {reason}"));
        }
        if let Some(first) = &action.duplicate_of {
            duplicates += 1;
            parts.push(format!("duplicate of {}", first.display()));
        }
        if needed {
            changed += 1;
            if args.dry_run {
                exit = exit.and(Exit::Problems);
            }
        } else {
            ok += 1;
        }
        if parts.is_empty() {
            if !quiet {
                lines.push((path, "ok".to_owned()));
            }
        } else {
            let verb = if args.dry_run && needed { "would be " } else { "" };
            lines.push((path, format!("{verb}{}", parts.join(", "))));
        }
        applied.push(action);
    }
    lines.sort();
    if !failures.is_empty() {
        exit = exit.and(Exit::Error);
    }
    failures.sort_by(|a, b| a.path.cmp(&b.path));

    if let Some(report) = &args.report
        && let Err(failure) = write_report(report, &applied, args)
    {
        failures.push(failure);
        exit = exit.and(Exit::Error);
    }

    output::with_stdout(|out| {
        for (path, line) in &lines {
            writeln!(out, "{}: {line}", path.display())?;
        }
        out.flush()?;
        for failure in &failures {
            output::error_line(&format!("n64-fix: {failure}"));
        }
        let verb = if args.dry_run { "would change" } else { "changed" };
        writeln!(
            out,
            "{} ROM(s): {changed} {verb}, {ok} ok, {duplicates} duplicates, {} errors; {others} other files left alone",
            changed + ok + failures.len(),
            failures.len()
        )?;
        Ok(())
    })?;
    Ok(exit)
}

/// Permissions for a new report file: readable by all, like files most tools create.
#[allow(clippy::unnecessary_wraps)]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    None
}
