//! The one error type of the crate.

use std::io;

/// Everything that can go wrong while listing or reading an archive.
///
/// Messages never name the archive's path: the caller adds it. Callers match on the variant.
///
/// ```
/// use std::io::Cursor;
/// use n64_archive::{ArchiveError, ArchiveKind, list_in};
/// let err = list_in(Cursor::new(b"not an archive"), ArchiveKind::Zip).unwrap_err();
/// assert!(matches!(err, ArchiveError::NotAnArchive));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// Opening, seeking or reading the archive file itself failed (an operating-system error).
    #[error("cannot read the archive: {0}")]
    Io(#[source] io::Error),
    /// The file does not start with the signature of the expected archive kind (or, when the
    /// kind is sniffed, of any kind).
    #[error("not a zip or 7z archive: the file does not start with the expected signature")]
    NotAnArchive,
    /// The archive's structure is bad or truncated, or the format's reader failed on it.
    #[error("corrupt archive: {detail}")]
    Corrupt {
        /// What is wrong, in words.
        detail: String,
    },
    /// A member's data failed: CRC32 or size mismatch, truncated stream, decoder error.
    #[error("member {name:?}: {source}")]
    Member {
        /// The member's name as stored.
        name: String,
        /// What failed (kind `InvalidData` for bad data).
        #[source]
        source: io::Error,
    },
    /// Something this crate does not read: an encrypted member, an unknown compression method,
    /// an oversized decoder model.
    #[error("{}", unsupported(name, what))]
    Unsupported {
        /// The member it concerns; empty when it concerns the archive as a whole.
        name: String,
        /// What is not supported.
        what: String,
    },
    /// The visitor returned this error; the walk stopped there.
    #[error("{0}")]
    Visitor(#[source] io::Error),
}

fn unsupported(name: &str, what: &str) -> String {
    if name.is_empty() { format!("unsupported: {what}") } else { format!("member {name:?}: unsupported {what}") }
}

impl ArchiveError {
    /// A `Corrupt` error with this detail.
    pub(crate) fn corrupt(detail: impl Into<String>) -> Self {
        ArchiveError::Corrupt { detail: detail.into() }
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::ArchiveError;

    #[test]
    fn messages_are_one_lowercase_line() {
        let errors = [
            ArchiveError::Io(io::Error::from_raw_os_error(5)),
            ArchiveError::NotAnArchive,
            ArchiveError::corrupt("the header runs past the end of the file"),
            ArchiveError::Member { name: "a.z64".into(), source: io::Error::new(io::ErrorKind::InvalidData, "crc") },
            ArchiveError::Unsupported { name: "a.z64".into(), what: "encryption".into() },
            ArchiveError::Unsupported { name: String::new(), what: "an encrypted header".into() },
            ArchiveError::Visitor(io::Error::other("stop")),
        ];
        for error in errors {
            let text = error.to_string();
            assert!(!text.contains('\n') && !text.ends_with('.'), "{text}");
            assert!(text.starts_with(|c: char| !c.is_uppercase()), "{text}");
        }
    }
}
