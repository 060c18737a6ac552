//! The tables that say where files are: libdragon's rompak TOC and DragonFS, the Zelda 64 file table.
//!
//! Every function takes the whole ROM image, big-endian (z64 order), and reports offsets in it.
//! A table counts only when all of it validates: a magic or a string alone is not enough, because
//! such bytes also turn up in code and data.
//!
//! - [`rompak`]: libdragon's table of contents (`TOC0`), [`rompak::find_tocs`];
//! - [`dragonfs`]: libdragon's file system images, [`dragonfs::find_dragonfs`] and
//!   [`dragonfs::Dfs::walk`];
//! - [`dca`]: libdragon's compressed assets (`DCA`), found inside DragonFS files;
//! - [`dmadata`]: the Zelda 64 file table, [`dmadata::find_dmadata`].

pub mod dca;
pub mod dmadata;
pub mod dragonfs;
pub mod rompak;

/// The big-endian u32 at `offset`, if all four bytes are there.
fn be32(bytes: &[u8], offset: usize) -> Option<u32> {
    let end = offset.checked_add(4)?;
    let word = bytes.get(offset..end)?;
    Some(u32::from_be_bytes([word[0], word[1], word[2], word[3]]))
}

/// The big-endian u16 at `offset`, if both bytes are there.
fn be16(bytes: &[u8], offset: usize) -> Option<u16> {
    let end = offset.checked_add(2)?;
    let half = bytes.get(offset..end)?;
    Some(u16::from_be_bytes([half[0], half[1]]))
}

/// Every offset where `needle` starts in `haystack` (overlapping matches included), in order.
///
/// The search looks for one byte of the needle (its first byte other than 0x00 and 0xFF, the
/// bytes ROM padding is made of) and compares the rest around each hit.
fn find_all<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let anchor = needle.iter().position(|&b| b != 0 && b != 0xFF).unwrap_or(0);
    let mut from = anchor;
    std::iter::from_fn(move || {
        let &byte = needle.get(anchor)?;
        loop {
            let window = haystack.get(from..)?;
            let hit = from + window.iter().position(|&b| b == byte)?;
            from = hit + 1;
            let start = hit - anchor;
            if haystack.get(start..start + needle.len()) == Some(needle) {
                return Some(start);
            }
        }
    })
}

/// The bytes before the first NUL of `field`, or `None` when there is no NUL.
fn c_string(field: &[u8]) -> Option<&[u8]> {
    field.iter().position(|&b| b == 0).map(|end| &field[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_all_finds_overlapping_matches_and_the_last_one() {
        assert_eq!(find_all(b"aaaa", b"aa").collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(find_all(b"xxTOC0", b"TOC0").collect::<Vec<_>>(), [2]);
        assert_eq!(find_all(b"TOC", b"TOC0").count(), 0);
        assert_eq!(find_all(b"", b"a").count(), 0);
        assert_eq!(find_all(b"abc", b"").count(), 0);
        // The anchor is the first byte other than 0x00 and 0xFF.
        assert_eq!(find_all(b"\0\0\0\x10\0\0\x10", b"\0\0\x10").collect::<Vec<_>>(), [1, 4]);
        assert_eq!(find_all(b"\0\x10", b"\0\0\x10").count(), 0);
        assert_eq!(find_all(b"\xFF\xFF\xFFD", b"\xFF\xFFD").collect::<Vec<_>>(), [1]);
        assert_eq!(find_all(&[0; 5], &[0, 0]).count(), 4);
    }

    #[test]
    fn words_past_the_end_are_none() {
        assert_eq!(be32(&[1, 2, 3, 4], 0), Some(0x0102_0304));
        assert_eq!(be32(&[1, 2, 3, 4], 1), None);
        assert_eq!(be32(&[], usize::MAX), None);
        assert_eq!(be16(&[1, 2], 0), Some(0x0102));
        assert_eq!(be16(&[1, 2], 1), None);
    }
}
