//! What the directory of an archive says about one member.

/// One entry of an archive's directory, as the archive declares it.
///
/// Nothing here has been checked against the member's data: [`size`](Self::size) and
/// [`crc32`](Self::crc32) are what the data must turn out to be, and the reader a visitor gets
/// from [`for_each_member`](crate::for_each_member) fails if it does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInfo {
    /// Position in the archive's directory, from 0.
    pub index: usize,
    /// The name as stored, with `/` separators (invalid UTF-8 replaced, losslessly where the
    /// format says how: zip names that are not UTF-8 are code page 437). It may be absolute,
    /// contain `..`, or repeat another member's name: never use it as a path.
    pub name: String,
    /// The uncompressed size the archive declares.
    pub size: u64,
    /// The CRC32 of the uncompressed data the archive stores, when it stores one (always in zip;
    /// in 7z for every member with data, unless the writer left it out).
    pub crc32: Option<u32>,
    /// Whether the entry is a directory (it has no data).
    pub is_dir: bool,
}
