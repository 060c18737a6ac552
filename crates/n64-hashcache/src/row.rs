//! Digests to and from the columns of a row, validated on the way back.

use n64_io::{Algorithms, Digests};
use rusqlite::types::ValueRef;

use crate::Identity;

/// The CRC32 as stored: 4 big-endian bytes.
pub(crate) fn crc32_blob(crc32: Option<u32>) -> Option<[u8; 4]> {
    crc32.map(u32::to_be_bytes)
}

/// The stored columns of one row, as SQLite returned them (any type, any length).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stored<'a> {
    pub(crate) size: ValueRef<'a>,
    pub(crate) mtime_ns: ValueRef<'a>,
    pub(crate) crc32: ValueRef<'a>,
    pub(crate) md5: ValueRef<'a>,
    pub(crate) sha1: ValueRef<'a>,
}

impl Stored<'_> {
    /// The `wanted` digests, when the row belongs to `identity` and holds all of them intact;
    /// `None` (a miss) otherwise. The result has exactly the `wanted` algorithms, like a fresh
    /// hash with them.
    pub(crate) fn hit(&self, identity: &Identity, wanted: Algorithms) -> Option<Digests> {
        let same_size = matches!(self.size, ValueRef::Integer(size) if size.cast_unsigned() == identity.size);
        let same_time = matches!(self.mtime_ns, ValueRef::Integer(mtime) if mtime == identity.mtime_ns);
        if !same_size || !same_time {
            return None;
        }
        let mut digests = Digests::default();
        if wanted.crc32 {
            digests.crc32 = Some(u32::from_be_bytes(blob(self.crc32)?));
        }
        if wanted.md5 {
            digests.md5 = Some(blob(self.md5)?);
        }
        if wanted.sha1 {
            digests.sha1 = Some(blob(self.sha1)?);
        }
        Some(digests)
    }
}

/// A blob of exactly `N` bytes; `None` for NULL, another type or another length.
fn blob<const N: usize>(value: ValueRef<'_>) -> Option<[u8; N]> {
    match value {
        ValueRef::Blob(bytes) => bytes.try_into().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDENTITY: Identity = Identity { device: 1, inode: 2, size: 8, mtime_ns: 1_000 };
    const CRC: [u8; 4] = [0x35, 0x24, 0x41, 0xc2];
    const MD5: [u8; 16] = [7; 16];
    const SHA1: [u8; 20] = [9; 20];

    fn stored<'a>(crc32: ValueRef<'a>, md5: ValueRef<'a>, sha1: ValueRef<'a>) -> Stored<'a> {
        Stored { size: ValueRef::Integer(8), mtime_ns: ValueRef::Integer(1_000), crc32, md5, sha1 }
    }

    fn algorithms(crc32: bool, md5: bool, sha1: bool) -> Algorithms {
        let mut algorithms = Algorithms::default();
        algorithms.crc32 = crc32;
        algorithms.md5 = md5;
        algorithms.sha1 = sha1;
        algorithms
    }

    #[test]
    fn a_complete_row_gives_what_is_wanted_only() {
        let row = stored(ValueRef::Blob(&CRC), ValueRef::Blob(&MD5), ValueRef::Blob(&SHA1));
        let digests = row.hit(&IDENTITY, algorithms(true, false, true)).unwrap();
        assert_eq!(digests.crc32, Some(0x3524_41c2));
        assert_eq!(digests.md5, None);
        assert_eq!(digests.sha1, Some(SHA1));
    }

    #[test]
    fn a_missing_or_malformed_digest_is_a_miss() {
        let wanted = algorithms(true, true, true);
        let cases = [
            stored(ValueRef::Null, ValueRef::Blob(&MD5), ValueRef::Blob(&SHA1)),
            stored(ValueRef::Blob(&CRC[..3]), ValueRef::Blob(&MD5), ValueRef::Blob(&SHA1)),
            stored(ValueRef::Integer(0x3524_41c2), ValueRef::Blob(&MD5), ValueRef::Blob(&SHA1)),
            stored(ValueRef::Blob(&CRC), ValueRef::Blob(&SHA1), ValueRef::Blob(&SHA1)),
            stored(ValueRef::Blob(&CRC), ValueRef::Blob(&MD5), ValueRef::Text(b"a9993e36")),
            stored(ValueRef::Blob(&CRC), ValueRef::Blob(&MD5), ValueRef::Blob(&[])),
        ];
        for row in cases {
            assert_eq!(row.hit(&IDENTITY, wanted), None, "{row:?}");
        }
    }

    #[test]
    fn another_size_or_time_is_a_miss() {
        let nothing = Algorithms::default();
        let mut row = stored(ValueRef::Null, ValueRef::Null, ValueRef::Null);
        assert!(row.hit(&IDENTITY, nothing).is_some());
        row.size = ValueRef::Integer(9);
        assert_eq!(row.hit(&IDENTITY, nothing), None);
        row.size = ValueRef::Text(b"8");
        assert_eq!(row.hit(&IDENTITY, nothing), None);
        row.size = ValueRef::Integer(8);
        row.mtime_ns = ValueRef::Integer(1_001);
        assert_eq!(row.hit(&IDENTITY, nothing), None);
        row.mtime_ns = ValueRef::Real(1_000.0);
        assert_eq!(row.hit(&IDENTITY, nothing), None);
    }

    #[test]
    fn the_crc_is_stored_big_endian() {
        assert_eq!(crc32_blob(Some(0x3524_41c2)), Some(CRC));
        assert_eq!(crc32_blob(None), None);
    }
}
