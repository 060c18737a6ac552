//! Where hashed bytes come from: a plain file, or one member of a zip or 7z archive.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// A plain file, or a member of an archive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// A file on disk.
    File(PathBuf),
    /// A member of an archive.
    Member {
        /// The archive file.
        archive: PathBuf,
        /// The member's position in the archive's directory.
        index: usize,
        /// The member's name as stored (never used as a path to write).
        name: String,
    },
}

impl Source {
    /// How reports show it: the path, or `ARCHIVE/MEMBER`.
    ///
    /// ```
    /// use n64_collection::Source;
    /// let member = Source::Member { archive: "sets/a.zip".into(), index: 0, name: "A.z64".into() };
    /// assert_eq!(member.display(), "sets/a.zip/A.z64");
    /// ```
    pub fn display(&self) -> String {
        match self {
            Source::File(path) => path.to_string_lossy().into_owned(),
            Source::Member { archive, name, .. } => format!("{}/{name}", archive.to_string_lossy()),
        }
    }

    /// The file on disk: the file itself, or the archive holding the member.
    pub fn file(&self) -> &Path {
        match self {
            Source::File(path) | Source::Member { archive: path, .. } => path,
        }
    }

    /// The last component of the name: the file name, or the member name after its last `/`.
    pub fn file_name(&self) -> Cow<'_, str> {
        match self {
            Source::File(path) => path.file_name().map_or(Cow::Borrowed(""), |n| n.to_string_lossy()),
            Source::Member { name, .. } => Cow::Borrowed(name.rsplit(['/', '\\']).next().unwrap_or(name)),
        }
    }

    /// Whether it is an archive member.
    pub fn is_member(&self) -> bool {
        matches!(self, Source::Member { .. })
    }
}
