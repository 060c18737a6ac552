//! A failure tied to one file: the one-line error the binaries print.

use std::fmt;
use std::path::{Path, PathBuf};

/// What went wrong with one path. Displays as `PATH: message`, on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The file or directory concerned.
    pub path: PathBuf,
    /// What is wrong, lower case, no trailing period.
    pub message: String,
    /// Whether the file is simply not an N64 ROM (empty, too short, no magic and no known boot
    /// code), as opposed to a ROM that is damaged or a file that cannot be read.
    pub not_a_rom: bool,
}

impl Failure {
    /// A failure for `path` with a message.
    pub fn new(path: &Path, message: impl fmt::Display) -> Failure {
        Failure { path: path.to_path_buf(), message: one_line(&message.to_string()), not_a_rom: false }
    }

    /// A failure saying the file is not an N64 ROM.
    pub fn not_a_rom(path: &Path, message: impl fmt::Display) -> Failure {
        Failure { not_a_rom: true, ..Failure::new(path, message) }
    }

    /// A failure from a core error: "not a ROM" errors are marked as such.
    pub fn core(path: &Path, error: &n64_core::Error) -> Failure {
        match error {
            n64_core::Error::UnknownByteOrder { .. } => Failure::not_a_rom(path, error),
            n64_core::Error::TooShort { what: "first word", found, .. } => {
                Failure::not_a_rom(path, format!("not an N64 ROM: only {found} bytes"))
            }
            _ => Failure::new(path, error),
        }
    }

    /// A failure from an I/O error, saying what was being done.
    pub fn io(path: &Path, doing: &str, error: &std::io::Error) -> Failure {
        Failure::new(path, format!("{doing}: {}", describe_io(error)))
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

/// A short, lower-case description of an I/O error.
pub(crate) fn describe_io(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file or directory".to_owned(),
        ErrorKind::PermissionDenied => "permission denied".to_owned(),
        ErrorKind::IsADirectory => "is a directory".to_owned(),
        ErrorKind::StorageFull => "no space left on device".to_owned(),
        ErrorKind::ReadOnlyFilesystem => "read-only file system".to_owned(),
        _ => {
            let text = error.to_string();
            // Drop std's " (os error N)" suffix for a cleaner line.
            let text = text.split(" (os error").next().unwrap_or(&text).to_owned();
            let mut chars = text.chars();
            chars.next().map_or(String::new(), |c| c.to_lowercase().chain(chars).collect())
        }
    }
}
