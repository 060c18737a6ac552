//! What can go wrong while verifying one file or archive, or loading a DAT.

use std::path::PathBuf;

use n64_archive::ArchiveError;

/// A file or archive that could not be verified. The rest of a run goes on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Opening or reading a file (its message names the path).
    #[error(transparent)]
    File(#[from] n64_io::Error),
    /// A damaged, truncated or unsupported archive, or one of its members.
    #[error("{}: {source}", path.display())]
    Archive {
        /// The archive file.
        path: PathBuf,
        /// What is wrong with it.
        source: ArchiveError,
    },
    /// A DAT file that is empty, too large, or malformed.
    #[error("{}: {message}", path.display())]
    Dat {
        /// The DAT file.
        path: PathBuf,
        /// What is wrong with it (the parser's message, with line and column).
        message: String,
    },
}

impl Error {
    /// The file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Error::File(error) => &error.path,
            Error::Archive { path, .. } | Error::Dat { path, .. } => path,
        }
    }
}
