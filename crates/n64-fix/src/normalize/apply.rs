//! The applying step of `normalize`: each decided action, in place through an atomic replace,
//! or to a new name through a new file and a move marker, the old file removed last. What is
//! written must hash to the SHA-1 planned for it (with `--dat`, the DAT's) before it takes the
//! place of anything. Ctrl-C stops it between actions: what is under way finishes, the rest is
//! not started.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use n64_common::{Failure, FailureKind, batch};
use n64_io::{Algorithms, ErrorKind, Hasher, ImageReader};

use super::journal::{self, Move};
use super::naming::Action;

/// What became of one action.
#[derive(Debug)]
pub(crate) enum Applied {
    /// Done (or, in a dry run, would be done).
    Done,
    /// Nothing to do.
    Unneeded,
    /// Not started: the run was interrupted.
    NotDone,
    /// Failed; the file is as it was.
    Failed(Failure),
}

/// Applies every action (in parallel), none in a dry run.
pub(crate) fn apply_all(actions: &[Action], dry_run: bool, progress: bool, interrupted: &AtomicBool) -> Vec<Applied> {
    batch::map(
        actions,
        progress,
        || (),
        |(), action| {
            if !action.needed() {
                return Applied::Unneeded;
            }
            if dry_run {
                return Applied::Done;
            }
            if interrupted.load(Ordering::Relaxed) {
                return Applied::NotDone;
            }
            match apply(action) {
                Ok(()) => Applied::Done,
                Err(failure) => Applied::Failed(failure),
            }
        },
    )
}

/// Applies one action.
fn apply(action: &Action) -> Result<(), Failure> {
    let found = &action.found;
    let path = &found.path;
    if !action.renamed() {
        let mut image = found.image()?;
        let mut mismatch = false;
        return n64_io::atomic::replace(path, |out| {
            write_checked(&mut image, out, path, &found.final_sha1, &mut mismatch)
        })
        .map_err(|e| checked_failure(e, mismatch, path));
    }
    let meta = std::fs::metadata(path).map_err(|e| n64_io::Error::io(path, n64_io::Operation::Read, e))?;
    if meta.permissions().readonly() {
        // Renaming would need no write permission on the file itself, but a read-only file is
        // one its owner wants left as it is: the same answer as for a change in place.
        return Err(n64_io::Error::new(path, ErrorKind::ReadOnly).into());
    }
    let dir = n64_io::atomic::parent_dir(path);
    let (Some(old), Some(new)) = (path.file_name(), action.after.file_name()) else {
        return Err(n64_io::Error::new(path, ErrorKind::IsDirectory).into());
    };
    let planned = Move {
        old: journal::name_bytes(old),
        new: journal::name_bytes(new),
        old_sha1: found.stored_sha1,
        new_sha1: found.final_sha1,
    };
    // A marker that cannot be written (a read-only directory) is this file's failure.
    let marker = planned.begin(dir).map_err(|e| n64_io::Error::new(path, e.kind))?;
    let moved = move_to(action, &meta);
    let _ = n64_io::atomic::remove_durably(&marker);
    moved
}

/// Writes the new file (checked to hold what was planned before it appears), then removes the
/// old one.
fn move_to(action: &Action, meta: &std::fs::Metadata) -> Result<(), Failure> {
    let found = &action.found;
    let after: &Path = &action.after;
    let mut image = found.image()?;
    let mut mismatch = false;
    n64_io::atomic::create_new(after, Some(meta), |out| {
        write_checked(&mut image, out, after, &found.final_sha1, &mut mismatch)
    })
    .map_err(|e| checked_failure(e, mismatch, &found.path))?;
    n64_io::atomic::remove_durably(&found.path)?;
    Ok(())
}

/// The message of a write whose content was not the planned one.
pub(crate) const NOT_AS_PLANNED: &str =
    "its content changed since it was hashed: what was read does not have the planned SHA-1; nothing changed";

/// Streams `image` into `out` (the temporary file of `out_path`) and fails, so that the
/// temporary file is dropped, unless what was written hashes to `sha1` (then `mismatch` is set).
pub(crate) fn write_checked<R: std::io::Read>(
    image: &mut ImageReader<R>,
    out: &mut dyn Write,
    out_path: &Path,
    sha1: &[u8; 20],
    mismatch: &mut bool,
) -> Result<(), n64_io::Error> {
    let mut written = Hasher::new(Algorithms::SHA1);
    while let Some(chunk) = image.next_chunk()? {
        out.write_all(chunk).map_err(|e| n64_io::Error::io(out_path, n64_io::Operation::Write, e))?;
        written.update(chunk);
    }
    if written.finish().sha1.as_ref() == Some(sha1) {
        Ok(())
    } else {
        *mismatch = true;
        Err(n64_io::Error::new(image.path(), ErrorKind::Changed(n64_io::Change::Content)))
    }
}

/// A failed checked write as a failure of `path` (the file read): a content that was not the
/// planned one says so.
pub(crate) fn checked_failure(error: n64_io::Error, mismatch: bool, path: &Path) -> Failure {
    if mismatch { Failure::new(path, FailureKind::Changed, NOT_AS_PLANNED) } else { Failure::from(error) }
}
