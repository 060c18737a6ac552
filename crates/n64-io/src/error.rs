//! The error type of the file layer: a path and what went wrong with it.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// What went wrong with one path. Displays as `PATH: what`, on one line.
///
/// ```
/// use n64_io::{Error, ErrorKind};
/// let error = Error::new("roms/empty.z64", ErrorKind::Empty);
/// assert_eq!(error.to_string(), "roms/empty.z64: empty file");
/// assert!(matches!(error.kind, ErrorKind::Empty));
/// ```
#[derive(Debug, thiserror::Error)]
#[error("{}: {kind}", path.display())]
#[non_exhaustive]
pub struct Error {
    /// The file or directory concerned.
    pub path: PathBuf,
    /// What is wrong with it.
    pub kind: ErrorKind,
}

impl Error {
    /// An error for `path`.
    pub fn new(path: impl AsRef<Path>, kind: ErrorKind) -> Error {
        Error { path: path.as_ref().to_path_buf(), kind }
    }

    /// An I/O error met while doing `operation` on `path`. The common kinds get their own
    /// variants (not found, permission denied, …).
    pub fn io(path: impl AsRef<Path>, operation: Operation, error: io::Error) -> Error {
        let kind = match error.kind() {
            io::ErrorKind::NotFound => ErrorKind::NotFound,
            io::ErrorKind::PermissionDenied => ErrorKind::PermissionDenied { operation },
            _ => ErrorKind::Io { operation, source: error },
        };
        Error::new(path, kind)
    }

    /// An error from n64-core about the file's content.
    pub fn rom(path: impl AsRef<Path>, error: n64_core::Error) -> Error {
        Error::new(path, ErrorKind::Rom(error))
    }

    /// Whether the content shows the file is no N64 ROM at all (too short for a first word, no
    /// magic and no recognisable boot code, or a 64DD disk image), as opposed to a damaged ROM
    /// or an I/O problem.
    pub fn is_not_a_rom(&self) -> bool {
        matches!(&self.kind, ErrorKind::Rom(error) if error.is_not_a_rom()) || matches!(self.kind, ErrorKind::Disk(_))
    }
}

/// What is wrong with a path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Nothing is there.
    #[error("no such file or directory")]
    NotFound,
    /// A symbolic link whose target does not exist.
    #[error("dangling symbolic link to {}", target.display())]
    DanglingLink {
        /// Where the link points.
        target: PathBuf,
    },
    /// A directory where a file was needed.
    #[error("is a directory")]
    IsDirectory,
    /// A FIFO, socket or device where a regular file was needed.
    #[error("not a regular file ({0})")]
    NotRegular(FileKind),
    /// A symbolic link loop met while walking a directory.
    #[error("symbolic link loop, not followed")]
    SymlinkLoop,
    /// The file is empty.
    #[error("empty file")]
    Empty,
    /// Permission bits forbid the operation.
    #[error("cannot {operation}: permission denied")]
    PermissionDenied {
        /// What was being done.
        operation: Operation,
    },
    /// A file that is read-only (by its mode bits) was to be rewritten.
    #[error("cannot write: file is read-only (make it writable to change it)")]
    ReadOnly,
    /// A file to be created exists already.
    #[error("already exists")]
    AlreadyExists,
    /// Any other I/O error.
    #[error("cannot {operation}: {}", describe_io(source))]
    Io {
        /// What was being done.
        operation: Operation,
        /// The error.
        source: io::Error,
    },
    /// The file changed between two reads, or while being read.
    #[error("file changed while being read: {0}")]
    Changed(Change),
    /// The content is not a usable ROM image.
    #[error("{0}")]
    Rom(n64_core::Error),
    /// The file is a 64DD disk image, not a cartridge ROM (what the system area says).
    #[error("{}", crate::disk::refusal(.0))]
    Disk(Box<n64_core::disk::DiskInfo>),
    /// The file has the size of a 64DD disk image but a damaged system area, and is no
    /// cartridge ROM either.
    #[error("damaged 64DD disk image: {0}")]
    BadDisk(n64_core::disk::DiskError),
}

/// What was being done when an I/O error happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// Opening the file.
    Open,
    /// Reading it (or its metadata, or a directory listing).
    Read,
    /// Writing it (or a temporary file beside it).
    Write,
    /// Removing it.
    Remove,
    /// Locking it.
    Lock,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::Open => "open",
            Operation::Read => "read",
            Operation::Write => "write",
            Operation::Remove => "remove",
            Operation::Lock => "lock",
        })
    }
}

/// How a file changed under the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// It ended before the size its metadata gave.
    Shorter {
        /// How many bytes were expected.
        expected: u64,
        /// How many there were.
        found: u64,
    },
    /// It went on after the size its metadata gave.
    Longer {
        /// How many bytes were expected.
        expected: u64,
    },
    /// Its size is not the one it had when it was first read.
    Size {
        /// The size when first read.
        was: u64,
        /// The size now.
        now: u64,
    },
    /// Its first bytes are not the ones first read.
    Content,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Shorter { expected, found } => write!(f, "expected {expected:#x} bytes, got {found:#x}"),
            Change::Longer { expected } => write!(f, "it is longer than its {expected:#x} bytes"),
            Change::Size { was, now } => write!(f, "its size is {now:#x} bytes, was {was:#x}"),
            Change::Content => f.write_str("its content differs from what was first read"),
        }
    }
}

/// The kind of a file that is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A named pipe.
    Fifo,
    /// A socket.
    Socket,
    /// A block or character device.
    Device,
    /// Anything else.
    Other,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Fifo => "a FIFO",
            FileKind::Socket => "a socket",
            FileKind::Device => "a device",
            FileKind::Other => "not a file",
        })
    }
}

/// A short, lower-case description of an I/O error, without std's `(os error N)` suffix.
pub(crate) fn describe_io(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        io::ErrorKind::StorageFull => "no space left on device".to_owned(),
        io::ErrorKind::ReadOnlyFilesystem => "read-only file system".to_owned(),
        _ => {
            let text = error.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            let mut chars = text.chars();
            chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_become_short_lines() {
        let error = Error::io("a.z64", Operation::Read, io::Error::from_raw_os_error(40));
        assert_eq!(error.to_string(), "a.z64: cannot read: too many levels of symbolic links");
        let error = Error::io("a.z64", Operation::Open, io::Error::from(io::ErrorKind::NotFound));
        assert!(matches!(error.kind, ErrorKind::NotFound));
        let error = Error::io("a.z64", Operation::Write, io::Error::from(io::ErrorKind::StorageFull));
        assert_eq!(error.to_string(), "a.z64: cannot write: no space left on device");
    }
}
