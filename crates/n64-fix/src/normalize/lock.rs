//! The locks `normalize` holds on the trees it works on, so that two runs never work on the same
//! files at once (a run removes the temporary files and move markers it finds, which would be
//! the live files of another run).
//!
//! A run locks each root directory itself (`flock` on the directory, exclusive) and every
//! directory above it (shared): a run on `a` and a run on `a/b` then exclude each other, while
//! runs on `a/x` and `a/y` do not. No file is created: nothing is left behind. The system
//! releases the locks when the process ends, however it ends.

use std::collections::HashMap;
use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};

use n64_common::{Failure, FailureKind};
use n64_io::atomic::parent_dir;

/// The locks one run holds, released when dropped.
#[derive(Debug, Default)]
pub(crate) struct Locks {
    /// Canonical directory → its open handle and whether this run holds it exclusively.
    held: HashMap<PathBuf, (File, bool)>,
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
        for path in paths {
            let dir = match fs::metadata(path) {
                Ok(meta) if meta.is_dir() => path.as_path(),
                Ok(meta) if meta.is_file() => parent_dir(path),
                // Missing, a FIFO, a device: refused later without a write, so nothing to lock.
                _ => {
                    kept.push(path.clone());
                    continue;
                }
            };
            let Ok(canonical) = fs::canonicalize(dir) else {
                kept.push(path.clone());
                continue;
            };
            match self.lock_tree(&canonical) {
                Ok(()) => kept.push(path.clone()),
                Err((holder, Refused::Busy)) => failures.push(busy(path, &canonical, &holder)),
                Err((holder, Refused::Io(e))) => failures.push(Failure::new(
                    path,
                    FailureKind::Io,
                    format!(
                        "cannot lock {}: {}",
                        holder.display(),
                        n64_io::Error::io(&holder, n64_io::Operation::Lock, e).kind
                    ),
                )),
            }
        }
        kept
    }

    /// Shared locks on the directories above `dir`, then an exclusive one on `dir`. On a
    /// refusal the locks this call took are kept (harmless: shared, or released at the end).
    fn lock_tree(&mut self, dir: &Path) -> Result<(), (PathBuf, Refused)> {
        for ancestor in dir.ancestors().skip(1) {
            match self.take(ancestor, false) {
                Ok(()) | Err(Refused::Io(_)) => {} // an unreadable ancestor cannot be worked on either
                Err(Refused::Busy) => return Err((ancestor.to_path_buf(), Refused::Busy)),
            }
        }
        self.take(dir, true).map_err(|refused| (dir.to_path_buf(), refused))
    }

    /// Locks the directory `dir` (canonical): exclusively or shared. A lock this run holds is
    /// reused (and a shared one made exclusive when asked: the same handle converts).
    fn take(&mut self, dir: &Path, exclusive: bool) -> Result<(), Refused> {
        if let Some((file, held_exclusive)) = self.held.get_mut(dir) {
            if *held_exclusive || !exclusive {
                return Ok(());
            }
            return match file.try_lock() {
                Ok(()) => {
                    *held_exclusive = true;
                    Ok(())
                }
                Err(TryLockError::WouldBlock) => Err(Refused::Busy),
                Err(TryLockError::Error(e)) => Err(Refused::Io(e)),
            };
        }
        let file = File::open(dir).map_err(Refused::Io)?;
        let locked = if exclusive { file.try_lock() } else { file.try_lock_shared() };
        match locked {
            Ok(()) => {
                self.held.insert(dir.to_path_buf(), (file, exclusive));
                Ok(())
            }
            Err(TryLockError::WouldBlock) => Err(Refused::Busy),
            Err(TryLockError::Error(e)) => Err(Refused::Io(e)),
        }
    }
}

/// The failure for a root whose tree another run is working on (`holder`: the directory whose
/// lock was refused, canonical: the root itself, or a directory around it).
fn busy(root: &Path, canonical: &Path, holder: &Path) -> Failure {
    let message = if holder == canonical {
        "another n64-fix normalize is working on this directory or inside it; nothing changed".to_owned()
    } else {
        format!("another n64-fix normalize is working on {}, around it; nothing changed", holder.display())
    };
    Failure::refused(root, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_and_nested_trees_exclude_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("a");
        let sub = root.join("b");
        let other = root.join("c");
        fs::create_dir_all(&sub).unwrap();
        fs::create_dir_all(&other).unwrap();
        let mut first = Locks::default();
        assert_eq!(first.roots(std::slice::from_ref(&root), &mut Vec::new()), vec![root.clone()]);
        assert_eq!(fs::read_dir(&root).unwrap().count(), 2, "nothing is created");

        // The same root, and a directory inside it: refused.
        for path in [&root, &sub] {
            let mut failures = Vec::new();
            assert!(Locks::default().roots(std::slice::from_ref(path), &mut failures).is_empty());
            assert!(failures[0].message.contains("another n64-fix normalize is working on"), "{failures:?}");
        }

        // Released when dropped: a subdirectory can be had, and then blocks a run around it,
        // but not one on a sibling.
        drop(first);
        let mut inner = Locks::default();
        assert_eq!(inner.roots(std::slice::from_ref(&sub), &mut Vec::new()), vec![sub.clone()]);
        let mut failures = Vec::new();
        assert!(Locks::default().roots(std::slice::from_ref(&root), &mut failures).is_empty());
        assert!(failures[0].message.contains("inside it"), "{failures:?}");
        assert_eq!(Locks::default().roots(std::slice::from_ref(&other), &mut Vec::new()), vec![other.clone()]);

        // One run with a directory and its parent as roots holds both, not blocked by itself.
        drop(inner);
        let mut both = Locks::default();
        let roots = [sub.clone(), root.clone()];
        assert_eq!(both.roots(&roots, &mut Vec::new()), roots.to_vec());
    }
}
