//! `normalize --dat` in place: from the engine's verdicts, which file gets which DAT name and
//! byte order, and which files are left alone or refused, and why. The actions it decides are
//! applied by [`mod@super::apply`] like those of a run without `--dat` (marker, new file checked
//! against the DAT's SHA-1, old file removed).

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use n64_collection::{Candidate, FileStatus, Hashed, Source};
use n64_common::batch::OTHER_FILES;
use n64_common::{Exit, Failure};

use super::journal;
use super::naming::{Action, DatNote};
use super::plan::{self, Found, Left, Plan};
use super::scan::{self, Dats, Target, unsafe_name};
use crate::own_files::left_alone;

/// What the in-place run by DAT was asked to do.
#[derive(Debug)]
pub(crate) struct Settings<'a> {
    pub(crate) dry_run: bool,
    pub(crate) progress: bool,
    /// A temporary file of this run's own (the reserved report), not to be cleaned up.
    pub(crate) keep: Option<&'a Path>,
    /// Files of this run (the DATs, the report), canonical: not walked.
    pub(crate) own: &'a [PathBuf],
    pub(crate) interrupted: &'a AtomicBool,
}

/// The walk filter of a run by DAT: backups, and the run's own files.
pub(crate) fn filter(own: &[PathBuf]) -> impl Fn(&Path) -> Option<&'static str> + '_ {
    move |path: &Path| {
        left_alone(path).or_else(|| {
            let canonical = std::fs::canonicalize(path).ok()?;
            own.contains(&canonical).then_some("a DAT or report of this run, left alone")
        })
    }
}

/// Plans the run over `roots` (already locked, unless a dry run): recovery of interrupted
/// moves, hashing and judging, then one action per file that provides a rom.
pub(crate) fn plan(roots: &[PathBuf], dats: &Dats, settings: &Settings<'_>) -> Plan {
    let mut plan = Plan::default();
    let filter = filter(settings.own);
    let walked = n64_io::walk_filtered(roots, &filter);
    plan::recover(&walked, settings.dry_run, settings.keep, &mut plan);
    let walked =
        if settings.dry_run || plan.recovered.is_empty() { walked } else { n64_io::walk_filtered(roots, &filter) };
    let scan = scan::scan(dats, walked, true, settings.progress, settings.interrupted);
    plan.failures.extend(scan.failures.iter().cloned());
    plan.others.extend(scan.others.iter().cloned());
    if scan.interrupted {
        plan.interrupted = true;
        return plan;
    }
    plan.left.extend(scan.nested_left());
    let owners = scan.owners();
    let mut claimed = HashSet::new();
    for (i, (file, verdict)) in scan.files.iter().enumerate() {
        if let Some(left) = scan.left_alone(dats, &owners, i) {
            plan.left.push(left);
            continue;
        }
        let Some(best) = verdict.best else { continue };
        match decide(dats, file, verdict.status, &best, &mut claimed) {
            Decision::Act(action) => plan.actions.push(*action),
            Decision::Leave(left) => plan.left.push(left),
            Decision::Fail(failure) => plan.failures.push(failure),
        }
    }
    plan
}

/// What becomes of one file that provides a rom.
enum Decision {
    Act(Box<Action>),
    Leave(Left),
    Fail(Failure),
}

/// Decides the action for `file`, which provides `best` (its best rom): the DAT's name in its
/// own directory and the DAT's byte order, unless the name is not a safe file name or another
/// file has it.
fn decide(
    dats: &Dats,
    file: &Hashed,
    status: FileStatus,
    best: &Candidate,
    claimed: &mut HashSet<PathBuf>,
) -> Decision {
    let note = DatNote {
        status: status.name(),
        dat: dats.name(best.rom.dat),
        game: dats.game_name(best.rom),
        rom: dats.rom_name(best.rom),
    };
    let leave = |key: &'static str, exit: Exit, reason: String| {
        Decision::Leave(Left {
            path: PathBuf::from(file.source.display()),
            status: status.name(),
            key,
            exit,
            reason,
            game: Some(note.game.clone()),
            rom: Some(note.rom.clone()),
        })
    };
    let Source::File(path) = &file.source else {
        return leave(
            "in_archives",
            Exit::Ok,
            format!("in an archive: provides rom {:?} (--out DIR rebuilds from archives)", note.rom),
        );
    };
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return leave(OTHER_FILES, Exit::Ok, "a symbolic link, left alone".to_owned());
        }
        Ok(_) => {}
        Err(e) => return Decision::Fail(n64_io::Error::io(path, n64_io::Operation::Read, e).into()),
    }
    if let Some(why) = unsafe_name(&note.rom) {
        return leave(
            "refused",
            Exit::Problems,
            format!("refused: the DAT's rom name {:?} cannot be a file name ({why}); left alone", note.rom),
        );
    }
    let (Some(target), Some(stored_sha1)) = (Target::of(dats, file, best), file.digests_of(None).and_then(|d| d.sha1))
    else {
        return Decision::Fail(Failure::new(path, n64_common::FailureKind::Io, "no SHA-1 was computed"));
    };
    let after = path.with_file_name(&note.rom);
    if after != *path {
        if !claimed.insert(after.clone()) {
            return leave(
                "refused",
                Exit::Problems,
                format!("refused: another file of this run is to be named {}; left alone", after.display()),
            );
        }
        match std::fs::symlink_metadata(&after) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Decision::Fail(n64_io::Error::io(&after, n64_io::Operation::Read, e).into()),
            Ok(meta) if same_file(path, &meta) => {
                return leave(
                    "refused",
                    Exit::Problems,
                    format!(
                        "refused: {} is this file under another name (a case-insensitive file system?); rename it by hand",
                        after.display()
                    ),
                );
            }
            Ok(meta) => {
                return if meta.is_file() && journal::sha1_stored(&after).is_ok_and(|sha1| sha1 == target.sha1) {
                    leave(
                        "duplicates",
                        Exit::Ok,
                        format!("duplicate: {} already holds rom {:?}", after.display(), note.rom),
                    )
                } else {
                    leave(
                        "refused",
                        Exit::Problems,
                        format!("refused: {} exists and holds other content; left alone", after.display()),
                    )
                };
            }
        }
    }
    let (from, to) = target.orders(file.order);
    let found = Found {
        path: path.clone(),
        size: file.size,
        prefix: Vec::new(),
        from,
        to,
        header: None,
        code: None,
        crc: None,
        pad_to: None,
        stored_sha1,
        final_sha1: target.sha1,
        stem: OsString::new(),
    };
    Decision::Act(Box::new(Action { found, after, wanted_taken: None, duplicate_of: None, dat: Some(note) }))
}

/// Whether `meta` is the file at `path` (the same device and inode).
#[cfg(unix)]
fn same_file(path: &Path, meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path).is_ok_and(|own| own.dev() == meta.dev() && own.ino() == meta.ino())
}

/// Whether `meta` is the file at `path` (not known here: never).
#[cfg(not(unix))]
fn same_file(_path: &Path, _meta: &std::fs::Metadata) -> bool {
    false
}
