//! Expanding command-line paths into files: files as given, directories recursively.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::Failure;

/// The result of walking the command-line paths.
#[derive(Debug, Default)]
pub struct Walked {
    /// Files to process, sorted by path, without duplicates.
    pub files: Vec<PathBuf>,
    /// Entries inside directories that are not regular files (FIFOs, sockets, devices),
    /// left alone; each with the reason.
    pub skipped: Vec<Failure>,
    /// Paths that could not be walked: missing, unreadable directories, symlink loops.
    pub failures: Vec<Failure>,
}

/// Expands `paths`. A path that is not a directory is kept as a file even if it is something
/// else (a FIFO given by name is then refused, with its path, by the operation). Directories
/// are walked recursively, following symlinks, with loops reported rather than followed.
pub fn walk(paths: &[PathBuf]) -> Walked {
    let mut walked = Walked::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk_dir(path, &mut walked),
            Ok(_) => walked.files.push(path.clone()),
            Err(e) => walked.failures.push(Failure::io(path, "cannot read", &e)),
        }
    }
    walked.files.sort();
    walked.files.dedup();
    walked.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    walked.failures.sort_by(|a, b| a.path.cmp(&b.path));
    walked
}

fn walk_dir(root: &Path, walked: &mut Walked) {
    for entry in WalkDir::new(root).follow_links(true).sort_by_file_name() {
        match entry {
            Ok(entry) => {
                let file_type = entry.file_type();
                if file_type.is_dir() {
                    continue;
                }
                if file_type.is_file() {
                    walked.files.push(entry.into_path());
                } else {
                    walked.skipped.push(Failure::new(entry.path(), "not a regular file"));
                }
            }
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                let message = if error.loop_ancestor().is_some() {
                    "symlink loop, not followed".to_owned()
                } else if let Some(io) = error.io_error() {
                    crate::failure::describe_io(io)
                } else {
                    error.to_string()
                };
                walked.failures.push(Failure::new(&path, message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_recursively_sorted_and_reports_loops() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
        std::fs::write(dir.path().join("b/c/z.z64"), b"x").unwrap();
        std::fs::write(dir.path().join("a.v64"), b"x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path(), dir.path().join("b/loop")).unwrap();
        let walked = walk(&[dir.path().to_path_buf(), dir.path().join("missing")]);
        assert_eq!(walked.files, vec![dir.path().join("a.v64"), dir.path().join("b/c/z.z64")]);
        assert!(walked.failures.iter().any(|f| f.path.ends_with("missing")));
        #[cfg(unix)]
        assert!(walked.failures.iter().any(|f| f.message.contains("symlink loop")), "{:?}", walked.failures);
    }
}
