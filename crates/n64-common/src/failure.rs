//! A failure tied to one file: the one-line error the binaries print, and its JSON record.

use std::fmt;
use std::path::{Path, PathBuf};

use n64_io::ErrorKind;
use serde::Serialize;

/// What kind of failure, as the JSON `kind` key says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// Nothing at the path.
    NotFound,
    /// A symbolic link to nothing.
    DanglingLink,
    /// A directory where a file was needed.
    IsDirectory,
    /// A FIFO, socket or device.
    NotRegular,
    /// A symbolic link loop.
    SymlinkLoop,
    /// Permission bits forbid it.
    PermissionDenied,
    /// A read-only file to rewrite.
    ReadOnly,
    /// A file to create exists.
    AlreadyExists,
    /// Another I/O error.
    Io,
    /// The file changed while it was read.
    Changed,
    /// An empty file.
    Empty,
    /// No N64 ROM at all.
    NotARom,
    /// A ROM cut short before its boot code.
    Truncated,
    /// A ROM whose size is not a whole number of its byte order's words.
    TrailingBytes,
    /// Another problem with the ROM's content.
    Rom,
    /// The operation is refused for this file (the message says why and how to force it).
    Refused,
    /// A DAT file that is malformed or not a DAT.
    Dat,
    /// A damaged, truncated or unsupported zip or 7z archive.
    Archive,
    /// A patch that is malformed, of no known format, not made for the ROM, or whose result
    /// does not match its checksum.
    Patch,
    /// A file larger than the operation accepts.
    TooLarge,
}

/// What went wrong with one path. Displays as `PATH: message`, on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The file or directory concerned.
    pub path: PathBuf,
    /// What is wrong, lower case, no trailing period.
    pub message: String,
    /// The kind, for JSON and for deciding whether a walked file is simply not a ROM.
    pub kind: FailureKind,
}

impl Failure {
    /// A failure of `kind` for `path`.
    pub fn new(path: &Path, kind: FailureKind, message: impl fmt::Display) -> Failure {
        Failure { path: path.to_path_buf(), message: one_line(&message.to_string()), kind }
    }

    /// A refusal: the operation would do something the user did not ask for.
    pub fn refused(path: &Path, message: impl fmt::Display) -> Failure {
        Failure::new(path, FailureKind::Refused, message)
    }

    /// Whether the file is simply not an N64 ROM (as opposed to a damaged ROM or an I/O
    /// problem).
    pub fn is_not_a_rom(&self) -> bool {
        self.kind == FailureKind::NotARom
    }
}

impl From<n64_io::Error> for Failure {
    fn from(error: n64_io::Error) -> Failure {
        let kind = match &error.kind {
            ErrorKind::NotFound => FailureKind::NotFound,
            ErrorKind::DanglingLink { .. } => FailureKind::DanglingLink,
            ErrorKind::IsDirectory => FailureKind::IsDirectory,
            ErrorKind::NotRegular(_) => FailureKind::NotRegular,
            ErrorKind::SymlinkLoop => FailureKind::SymlinkLoop,
            ErrorKind::PermissionDenied { .. } => FailureKind::PermissionDenied,
            ErrorKind::ReadOnly => FailureKind::ReadOnly,
            ErrorKind::AlreadyExists => FailureKind::AlreadyExists,
            ErrorKind::Changed(_) => FailureKind::Changed,
            ErrorKind::Empty => FailureKind::Empty,
            ErrorKind::Rom(rom) => rom_kind(rom),
            // A disk is not a cartridge ROM: the same exit code and "other file" treatment in
            // directories; `check`, `scan` and `info` list it before it gets here.
            ErrorKind::Disk(_) => FailureKind::NotARom,
            ErrorKind::BadDisk(_) => FailureKind::Rom,
            _ => FailureKind::Io,
        };
        let message = match &error.kind {
            // "not an N64 ROM: 1 byte, too short for a first word" rather than the core's
            // structure message.
            ErrorKind::Rom(n64_core::Error::TooShort { what: n64_core::Structure::FirstWord, found, .. }) => {
                format!("not an N64 ROM: {}, too short for a first word", count(*found, "byte"))
            }
            other => other.to_string(),
        };
        Failure::new(&error.path, kind, message)
    }
}

fn rom_kind(error: &n64_core::Error) -> FailureKind {
    match error {
        e if e.is_not_a_rom() => FailureKind::NotARom,
        n64_core::Error::TooShort { .. } => FailureKind::Truncated,
        n64_core::Error::UnalignedLength { .. } => FailureKind::TrailingBytes,
        _ => FailureKind::Rom,
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for Failure {}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// `"1 byte"`, `"2 bytes"`: a count with its noun, plural when it is not one.
///
/// ```
/// use n64_common::count;
/// assert_eq!(count(1, "error"), "1 error");
/// assert_eq!(count(0, "ROM"), "0 ROMs");
/// ```
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}
