//! The applying step of `normalize`: each decided action, in place through an atomic replace,
//! or to a new name through a new file and a move marker, the old file removed last. Ctrl-C
//! stops it between actions: what is under way finishes, the rest is not started.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use n64_common::{Failure, batch};
use n64_core::ByteOrder;
use n64_io::{Algorithms, ErrorKind, Hasher};

use super::journal::{self, Move};
use super::naming::Action;
use crate::own_files::replace_with_image;

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
pub(crate) fn apply_all(
    actions: &[Action],
    to: ByteOrder,
    dry_run: bool,
    progress: bool,
    interrupted: &AtomicBool,
) -> Vec<Applied> {
    batch::map(
        actions,
        progress,
        || (),
        |(), action| {
            if !action.needed(to) {
                return Applied::Unneeded;
            }
            if dry_run {
                return Applied::Done;
            }
            if interrupted.load(Ordering::Relaxed) {
                return Applied::NotDone;
            }
            match apply(action, to) {
                Ok(()) => Applied::Done,
                Err(failure) => Applied::Failed(failure),
            }
        },
    )
}

/// Applies one action.
fn apply(action: &Action, to: ByteOrder) -> Result<(), Failure> {
    let found = &action.found;
    let path = &found.path;
    if !action.renamed() {
        return replace_with_image(path, found.image(to)?);
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
    let moved = move_to(action, to, &meta);
    let _ = n64_io::atomic::remove_durably(&marker);
    moved
}

/// Writes the new file, checks it holds what was planned, then removes the old one.
fn move_to(action: &Action, to: ByteOrder, meta: &std::fs::Metadata) -> Result<(), Failure> {
    let found = &action.found;
    let after: &Path = &action.after;
    let mut image = found.image(to)?;
    let mut written = Hasher::new(Algorithms::SHA1);
    n64_io::atomic::create_new(after, Some(meta), |out| {
        while let Some(chunk) = image.next_chunk()? {
            out.write_all(chunk).map_err(|e| n64_io::Error::io(after, n64_io::Operation::Write, e))?;
            written.update(chunk);
        }
        Ok(())
    })?;
    // What was written must be what was hashed when the names were decided.
    if written.finish().sha1 != Some(found.final_sha1) {
        let _ = n64_io::atomic::remove_durably(after);
        return Err(n64_io::Error::new(&found.path, ErrorKind::Changed(n64_io::Change::Content)).into());
    }
    n64_io::atomic::remove_durably(&found.path)?;
    Ok(())
}
