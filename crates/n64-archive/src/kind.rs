//! Which archive format a file is, told from its first bytes.

/// The archive formats this crate reads.
///
/// ```
/// use n64_archive::ArchiveKind;
/// assert_eq!(ArchiveKind::sniff(b"PK\x03\x04rest"), Some(ArchiveKind::Zip));
/// assert_eq!(ArchiveKind::sniff(b"7z\xBC\xAF\x27\x1C\x00\x04"), Some(ArchiveKind::SevenZip));
/// assert_eq!(ArchiveKind::sniff(b"\x80\x37\x12\x40"), None);
/// assert_eq!(ArchiveKind::SevenZip.name(), "7z");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArchiveKind {
    /// A zip archive (stored, deflate, deflate64 and zstd members; zip64 included).
    Zip,
    /// A 7z archive (LZMA, LZMA2, bzip2, deflate, PPMd and copy; solid or not).
    SevenZip,
}

/// A zip local file header: the start of every zip with at least one member.
const ZIP_LOCAL: &[u8] = b"PK\x03\x04";
/// A zip end of central directory record: the start of an empty zip.
const ZIP_EMPTY: &[u8] = b"PK\x05\x06";
/// The 7z signature header.
const SEVEN_Z: &[u8] = b"7z\xBC\xAF\x27\x1C";

impl ArchiveKind {
    /// The number of leading bytes [`sniff`](Self::sniff) needs to recognise every kind.
    pub const SNIFF_LEN: usize = SEVEN_Z.len();

    /// The kind of archive whose first bytes are `prefix`: a zip local header (`PK\x03\x04`), an
    /// empty zip (`PK\x05\x06`) or the 7z signature (`7z\xBC\xAF\x27\x1C`); `None` for anything
    /// else, including a prefix too short to tell. Never decided from a file name.
    #[must_use]
    pub fn sniff(prefix: &[u8]) -> Option<ArchiveKind> {
        if prefix.starts_with(ZIP_LOCAL) || prefix.starts_with(ZIP_EMPTY) {
            Some(ArchiveKind::Zip)
        } else if prefix.starts_with(SEVEN_Z) {
            Some(ArchiveKind::SevenZip)
        } else {
            None
        }
    }

    /// The format's short name, as used in messages: `zip` or `7z`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            ArchiveKind::Zip => "zip",
            ArchiveKind::SevenZip => "7z",
        }
    }
}

impl std::fmt::Display for ArchiveKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::ArchiveKind;

    #[test]
    fn sniffs_only_complete_signatures() {
        assert_eq!(ArchiveKind::sniff(b"PK\x05\x06"), Some(ArchiveKind::Zip));
        assert_eq!(ArchiveKind::sniff(b"PK\x03"), None);
        assert_eq!(ArchiveKind::sniff(b"PK\x07\x08"), None);
        assert_eq!(ArchiveKind::sniff(b"7z\xBC\xAF\x27"), None);
        assert_eq!(ArchiveKind::sniff(b""), None);
        assert_eq!(ArchiveKind::sniff(b"Rar!\x1A\x07"), None);
        assert_eq!(ArchiveKind::Zip.to_string(), "zip");
    }
}
