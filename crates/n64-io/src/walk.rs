//! Expanding command-line paths into files: named files as given, directories recursively.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::{Error, ErrorKind, FileKind, Operation};

/// A file to process.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Entry {
    /// Its path: as given, or under a directory that was given.
    pub path: PathBuf,
    /// Whether the path was named on the command line (not found by walking a directory).
    pub named: bool,
}

impl Entry {
    /// A path named on the command line.
    pub fn named(path: impl Into<PathBuf>) -> Entry {
        Entry { path: path.into(), named: true }
    }
}

/// An entry met while walking a directory and left alone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Skipped {
    /// Its path.
    pub path: PathBuf,
    /// Why it is left alone.
    pub reason: SkipReason,
}

/// Why a walked entry is left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// A FIFO, socket or device.
    NotRegular(FileKind),
    /// A hidden file (its name starts with a dot: `.DS_Store`, `._game.z64`); hidden
    /// directories are not entered at all.
    Hidden,
    /// The caller's filter excluded it; the text says why (e.g. "a backup").
    Ignored(&'static str),
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::NotRegular(kind) => write!(f, "not a regular file ({kind})"),
            SkipReason::Hidden => f.write_str("a hidden file"),
            SkipReason::Ignored(why) => f.write_str(why),
        }
    }
}

/// The result of walking the command-line paths.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Walked {
    /// Files to process, sorted by path, without duplicates.
    pub files: Vec<Entry>,
    /// Entries inside directories that are left alone, sorted by path.
    pub skipped: Vec<Skipped>,
    /// Paths inside directories that could not be walked (unreadable directories, symlink
    /// loops, dangling links), sorted by path.
    pub failures: Vec<Error>,
}

impl Walked {
    /// The paths as named files, none of them walked (for commands that take files only: a
    /// directory among them is then refused by the operation that opens it).
    pub fn named(paths: &[PathBuf]) -> Walked {
        let mut files: Vec<Entry> = paths.iter().map(Entry::named).collect();
        files.sort();
        files.dedup();
        Walked { files, ..Walked::default() }
    }
}

/// Expands `paths`; see [`walk_filtered`].
pub fn walk(paths: &[PathBuf]) -> Walked {
    walk_filtered(paths, &|_| None)
}

/// Expands `paths`. A path that is not a directory is kept as a named file whatever it is (a
/// missing file, a FIFO or a dangling link is then refused, with its path, by the operation that
/// opens it). Directories are walked recursively, following symlinks, with loops reported rather
/// than followed. Inside them, hidden files (a name starting with a dot, such as macOS's
/// `._game.z64` and `.DS_Store`) are skipped and hidden directories not entered, as most file
/// tools do; so are files for which `ignore` gives a reason. Named files are never skipped.
///
/// ```
/// use n64_io::walk;
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("b.z64"), b"x")?;
/// std::fs::write(dir.path().join("a.z64"), b"x")?;
/// let named = dir.path().join("b.z64");
/// let walked = walk(&[dir.path().to_path_buf(), named.clone()]);
/// let found: Vec<_> = walked.files.iter().map(|e| (e.path.file_name().unwrap().to_owned(), e.named)).collect();
/// assert_eq!(found, [("a.z64".into(), false), ("b.z64".into(), true)]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn walk_filtered(paths: &[PathBuf], ignore: &dyn Fn(&Path) -> Option<&'static str>) -> Walked {
    let mut walked = Walked::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk_dir(path, ignore, &mut walked),
            _ => walked.files.push(Entry::named(path.clone())),
        }
    }
    // Sorted by path; where a path is both named and found in a directory, named wins.
    walked.files.sort_by(|a, b| a.path.cmp(&b.path).then(b.named.cmp(&a.named)));
    walked.files.dedup_by(|later, first| later.path == first.path);
    walked.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    walked.skipped.dedup();
    walked.failures.sort_by(|a, b| a.path.cmp(&b.path));
    walked
}

fn walk_dir(root: &Path, ignore: &dyn Fn(&Path) -> Option<&'static str>, walked: &mut Walked) {
    let entries = WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter();
    for entry in entries.filter_entry(|e| e.depth() == 0 || !(e.file_type().is_dir() && is_hidden(e.file_name()))) {
        match entry {
            Ok(entry) => {
                let file_type = entry.file_type();
                if file_type.is_dir() {
                    continue;
                }
                let hidden = is_hidden(entry.file_name());
                let path = entry.into_path();
                if hidden {
                    walked.skipped.push(Skipped { path, reason: SkipReason::Hidden });
                } else if !file_type.is_file() {
                    let kind = std::fs::metadata(&path).map_or(FileKind::Other, |m| crate::open::file_kind(&m));
                    walked.skipped.push(Skipped { path, reason: SkipReason::NotRegular(kind) });
                } else if let Some(why) = ignore(&path) {
                    walked.skipped.push(Skipped { path, reason: SkipReason::Ignored(why) });
                } else {
                    walked.files.push(Entry { path, named: false });
                }
            }
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                let failure = if error.loop_ancestor().is_some() {
                    Error::new(&path, ErrorKind::SymlinkLoop)
                } else {
                    match error.into_io_error() {
                        Some(io) => crate::open::open_error(&path, io),
                        None => Error::new(&path, ErrorKind::SymlinkLoop),
                    }
                };
                let failure = match failure.kind {
                    ErrorKind::Io { operation: Operation::Open, source } => Error::io(&path, Operation::Read, source),
                    _ => failure,
                };
                walked.failures.push(failure);
            }
        }
    }
}

/// Whether a name is hidden (starts with a dot).
fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_recursively_sorted_and_reports_loops_and_dangling_links() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
        std::fs::write(dir.path().join("b/c/z.z64"), b"x").unwrap();
        std::fs::write(dir.path().join("a.v64"), b"x").unwrap();
        std::fs::write(dir.path().join("a.v64.bak"), b"x").unwrap();
        std::fs::write(dir.path().join("._a.v64"), b"x").unwrap();
        std::fs::create_dir_all(dir.path().join(".hidden")).unwrap();
        std::fs::write(dir.path().join(".hidden/h.z64"), b"x").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path(), dir.path().join("b/loop")).unwrap();
            std::os::unix::fs::symlink("nowhere.z64", dir.path().join("b/dangling.z64")).unwrap();
        }
        let ignore = |p: &Path| p.extension().is_some_and(|e| e == "bak").then_some("a backup");
        let walked = walk_filtered(&[dir.path().to_path_buf(), dir.path().join("missing")], &ignore);
        let files: Vec<_> = walked.files.iter().map(|e| (e.path.clone(), e.named)).collect();
        assert_eq!(
            files,
            [
                (dir.path().join("a.v64"), false),
                (dir.path().join("b/c/z.z64"), false),
                (dir.path().join("missing"), true)
            ]
        );
        assert_eq!(
            walked.skipped,
            [
                Skipped { path: dir.path().join("._a.v64"), reason: SkipReason::Hidden },
                Skipped { path: dir.path().join("a.v64.bak"), reason: SkipReason::Ignored("a backup") }
            ]
        );
        #[cfg(unix)]
        {
            let messages: Vec<String> = walked.failures.iter().map(|f| f.kind.to_string()).collect();
            assert!(messages.contains(&"symbolic link loop, not followed".to_owned()), "{messages:?}");
            assert!(messages.contains(&"dangling symbolic link to nowhere.z64".to_owned()), "{messages:?}");
        }
    }
}
