//! What can go wrong while verifying one file or archive.

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
}

impl Error {
    /// The file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Error::File(error) => &error.path,
            Error::Archive { path, .. } => path,
        }
    }
}
