//! The lock `normalize` holds on every tree it works on, so that two runs never work on the same
//! files at once: a run removes the temporary files and move markers it finds, which would be
//! the live files of another run.
//!
//! Each root directory gets a lock file, [`LOCK_NAME`], created when missing and left in place
//! (an empty file: `n64` sees it as "not an N64 ROM", `normalize` never lists or touches it).
//! A run holds an exclusive lock on the lock file of each of its roots, and a shared lock on
//! every other lock file above or below them (left there by runs on a parent or a
//! subdirectory), so a run on `a` and a run on `a/b` exclude each other too. The locks are
//! `flock` locks: the system releases them when the process ends, however it ends.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use n64_common::Failure;

use crate::atomic;

/// The name of the lock file in each root directory.
pub(crate) const LOCK_NAME: &str = ".n64-fix.lock";

/// Whether `path` is a lock file.
pub(crate) fn is_lock_file(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == LOCK_NAME)
}

/// The locks one run holds, released when dropped.
#[derive(Debug, Default)]
pub(crate) struct Locks {
    /// Canonical paths of the lock files this run holds exclusively (its roots).
    own: HashSet<PathBuf>,
    /// Canonical paths of every lock file this run holds, exclusively or shared.
    held: HashSet<PathBuf>,
    files: Vec<File>,
}

/// Why a lock could not be had.
enum Refused {
    Busy,
    Io(std::io::Error),
}

impl Locks {
    /// Locks the tree of each path (a directory, or the directory holding a file) and returns
    /// the paths whose tree this run now has to itself. The others get a failure each.
    pub(crate) fn roots(&mut self, paths: &[PathBuf], failures: &mut Vec<Failure>) -> Vec<PathBuf> {
        let mut kept = Vec::new();
        let mut locked = Vec::new();
        for path in paths {
            let dir = match fs::metadata(path) {
                Ok(meta) if meta.is_dir() => path.as_path(),
                Ok(meta) if meta.is_file() => atomic::parent_dir(path),
                // Missing, a FIFO, a device: refused later without a write, so nothing to lock
                // (and no lock file to create in, say, /dev).
                _ => {
                    kept.push(path.clone());
                    continue;
                }
            };
            let Ok(canonical) = fs::canonicalize(dir) else {
                kept.push(path.clone());
                continue;
            };
            let lock = canonical.join(LOCK_NAME);
            if self.own.contains(&lock) {
                kept.push(path.clone());
                continue;
            }
            match self.take(&lock, true) {
                Ok(()) => {
                    self.own.insert(lock);
                    locked.push((path.clone(), canonical));
                }
                Err(Refused::Busy) => failures.push(busy(path, dir)),
                Err(Refused::Io(e)) => failures.push(Failure::io(dir, &format!("cannot lock {LOCK_NAME}"), &e)),
            }
        }
        // Then the lock files above each root: a run on a parent directory may be under way.
        for (path, canonical) in locked {
            let above = canonical.ancestors().skip(1).find_map(|dir| {
                let lock = dir.join(LOCK_NAME);
                let existing = fs::symlink_metadata(&lock).is_ok_and(|m| m.is_file());
                (existing && matches!(self.take(&lock, false), Err(Refused::Busy))).then(|| dir.to_path_buf())
            });
            match above {
                Some(dir) => failures.push(busy(&path, &dir)),
                None => kept.push(path),
            }
        }
        kept
    }

    /// Takes a shared lock on every lock file among `files` (found below the roots) that this
    /// run does not hold yet. Returns the directories of those another run holds.
    pub(crate) fn below(&mut self, files: &[PathBuf]) -> Vec<PathBuf> {
        let mut busy = Vec::new();
        for path in files.iter().filter(|p| is_lock_file(p)) {
            let Ok(canonical) = fs::canonicalize(path) else { continue };
            if matches!(self.take(&canonical, false), Err(Refused::Busy)) {
                busy.push(atomic::parent_dir(path).to_path_buf());
            }
        }
        busy
    }

    /// Locks the lock file at `lock` (a canonical path): exclusively, creating it when missing,
    /// or shared, only when it exists. A lock file this run already holds is not locked again.
    fn take(&mut self, lock: &Path, exclusive: bool) -> Result<(), Refused> {
        if self.held.contains(lock) {
            return Ok(());
        }
        let file = if exclusive {
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(lock)
        } else {
            File::open(lock)
        }
        .map_err(Refused::Io)?;
        let locked = if exclusive { file.try_lock() } else { file.try_lock_shared() };
        match locked {
            Ok(()) => {
                self.held.insert(lock.to_path_buf());
                self.files.push(file);
                Ok(())
            }
            Err(TryLockError::WouldBlock) => Err(Refused::Busy),
            Err(TryLockError::Error(e)) => Err(Refused::Io(e)),
        }
    }
}

/// The failure for a root whose tree another run is working on (`dir`: where its lock is).
pub(crate) fn busy(root: &Path, dir: &Path) -> Failure {
    let message = if root == dir {
        "another n64-fix normalize is working on this directory; nothing changed".to_owned()
    } else {
        format!("another n64-fix normalize is working on {}; nothing changed", dir.display())
    };
    Failure::new(root, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_and_nested_trees_exclude_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("a");
        fs::create_dir_all(root.join("b")).unwrap();
        let mut first = Locks::default();
        assert_eq!(first.roots(std::slice::from_ref(&root), &mut Vec::new()), vec![root.clone()]);
        assert!(root.join(LOCK_NAME).is_file());

        // The same root: refused.
        let mut failures = Vec::new();
        assert!(Locks::default().roots(std::slice::from_ref(&root), &mut failures).is_empty());
        assert_eq!(failures.len(), 1);
        assert!(failures[0].message.contains("another n64-fix normalize is working on this directory"));

        // A subdirectory: refused through the lock file above it.
        let sub = root.join("b");
        let mut failures = Vec::new();
        assert!(Locks::default().roots(std::slice::from_ref(&sub), &mut failures).is_empty());
        assert!(failures[0].message.contains(&root.canonicalize().unwrap().display().to_string()), "{failures:?}");

        // Released when dropped: the subdirectory can be had, and holds the lock file above it
        // (shared), which blocks a run on the parent.
        drop(first);
        let mut inner = Locks::default();
        assert_eq!(inner.roots(std::slice::from_ref(&sub), &mut Vec::new()), vec![sub.clone()]);
        let mut failures = Vec::new();
        assert!(Locks::default().roots(std::slice::from_ref(&root), &mut failures).is_empty());
        assert!(failures[0].message.contains("this directory"), "{failures:?}");
        // Without a lock file above when the subdirectory's run started, the parent's run gets
        // its own lock, then finds the subdirectory's below.
        drop(inner);
        fs::remove_file(root.join(LOCK_NAME)).unwrap();
        let mut inner = Locks::default();
        assert_eq!(inner.roots(std::slice::from_ref(&sub), &mut Vec::new()), vec![sub.clone()]);
        let mut outer = Locks::default();
        assert_eq!(outer.roots(std::slice::from_ref(&root), &mut Vec::new()), vec![root.clone()]);
        let busy_dirs = outer.below(&[root.join(LOCK_NAME), sub.join(LOCK_NAME)]);
        assert_eq!(busy_dirs, vec![sub.clone()]);
        // One run with both as roots holds both and is not blocked by itself.
        drop((inner, outer));
        let mut both = Locks::default();
        let roots = [root.clone(), sub.clone()];
        assert_eq!(both.roots(&roots, &mut Vec::new()), roots.to_vec());
        assert!(both.below(&[root.join(LOCK_NAME), sub.join(LOCK_NAME)]).is_empty());
    }
}
