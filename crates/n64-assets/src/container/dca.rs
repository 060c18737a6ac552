//! libdragon's compressed assets: a file that starts with `DCA` and a version, written by
//! `mkasset` and read by `asset_load` (libdragon `src/asset.c`, `src/asset_internal.h`,
//! `tools/common/assetcomp.c`). All fields big-endian.
//!
//! | offset | size | field |
//! | --- | --- | --- |
//! | 0x00 | 3 | magic `DCA` |
//! | 0x03 | 1 | version, ASCII: `'1'`, `'2'` or `'3'` |
//! | 0x04 | 2 | level (the compression algorithm) |
//! | 0x06 | 2 | flags: bits 0–2 window size, 0x0100 decompress in place |
//! | 0x08 | 4 | compressed size (the payload after the header) |
//! | 0x0C | 4 | original size |
//! | 0x10 | 4 | in-place margin (version 3 only) |
//!
//! Versions and what their levels meant, from libdragon's history:
//! - `DCA1` (Feb–Jul 2023; the magic was the four bytes): level 1 was LZH5 until 2023-07-14,
//!   then LZ4 for two days; level 2 was LZH5 in those two days. Read here as LZH5 for both.
//! - `DCA2` (Jul–Nov 2023, 16-byte header): level 1 LZ4, level 2 LZH5, and level 3 aPLib in the
//!   last snapshot before version 3.
//! - `DCA3` (since Nov 2023, 20-byte header): level 1 LZ4, level 2 aPLib, level 3 Shrinkler.
//!
//! LZ4 payloads are raw LZ4 blocks (LZ4HC output), decoded here; the other algorithms are
//! reported as [`Error::UnsupportedLevel`].
//!
//! ```
//! use n64_assets::container::dca::{self, Algorithm, Error};
//!
//! // "hello hello hello" as an LZ4 block: 6 literals and a 6-byte copy from 6 back, then the
//! // last 5 bytes as literals (the block format ends with literals).
//! let block = b"\x62hello \x06\x00\x50hello";
//! let mut asset = b"DCA3\x00\x01\x01\x00".to_vec();
//! for size in [block.len() as u32, 17, 8] {
//!     asset.extend_from_slice(&size.to_be_bytes());
//! }
//! asset.extend_from_slice(block);
//! let header = dca::parse(&asset)?;
//! assert_eq!((header.algorithm, header.original_size, header.in_place()), (Algorithm::Lz4, 17, true));
//! assert_eq!(dca::decompress(&asset)?, b"hello hello hello");
//!
//! asset[5] = 3; // Shrinkler
//! assert!(matches!(dca::decompress(&asset), Err(Error::UnsupportedLevel { level: 3, .. })));
//! # Ok::<(), dca::Error>(())
//! ```

use std::ops::Range;

use super::{be16, be32};

/// The magic before the version byte.
pub const MAGIC: [u8; 3] = *b"DCA";
/// The most bytes [`decompress`] produces: 8 MiB, the RDRAM of a console with Expansion Pak.
pub const MAX_OUTPUT: usize = 8 << 20;
/// Flag: the runtime decompresses in place.
pub const FLAG_INPLACE: u16 = 0x0100;
/// The most an LZ4 block can expand: each byte of a match-length extension adds at most 255.
const LZ4_MAX_RATIO: u64 = 255;

/// Why bytes are not a decodable compressed asset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Fewer bytes than the header (or the payload it declares) needs.
    #[error("compressed asset: {what} needs {expected:#x} bytes, input has {found:#x}")]
    TooShort {
        /// What was being read.
        what: &'static str,
        /// Bytes needed.
        expected: u64,
        /// Bytes there.
        found: usize,
    },
    /// No `DCA` magic at offset 0.
    #[error("no compressed asset magic at offset 0")]
    BadMagic,
    /// A version byte libdragon never wrote.
    #[error("compressed asset version {version:#04x} at offset 3 is not '1', '2' or '3'")]
    UnsupportedVersion {
        /// The byte at offset 3.
        version: u8,
    },
    /// An algorithm this crate does not decode (aPLib, Shrinkler, LZH5, or an unknown level).
    #[error("compressed asset level {level} ({algorithm}) is not supported")]
    UnsupportedLevel {
        /// The level field.
        level: u16,
        /// What it means in this version.
        algorithm: Algorithm,
    },
    /// The declared original size is above the cap or more than the payload could produce.
    #[error("compressed asset declares {declared:#x} bytes; at most {limit:#x} are possible or allowed")]
    TooLarge {
        /// Declared original size.
        declared: u32,
        /// The bound it broke (the cap, or 255 times the payload for LZ4).
        limit: u64,
    },
    /// The payload is not a valid LZ4 block of the declared size.
    #[error("compressed asset payload (at {offset:#x}) is corrupt: {detail}")]
    Corrupt {
        /// Offset of the payload in the asset.
        offset: usize,
        /// The decoder's message.
        detail: String,
    },
    /// The payload decoded to another size than the header declares.
    #[error("compressed asset decoded to {found:#x} bytes, the header declares {expected:#x}")]
    SizeMismatch {
        /// Declared original size.
        expected: u32,
        /// Bytes produced.
        found: usize,
    },
}

/// The compression algorithm of an asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// Raw LZ4 block (level 1 from version 2 on).
    Lz4,
    /// LHA's `-lh5-` (level 2 of versions 1 and 2).
    Lzh5,
    /// aPLib (level 2 of version 3).
    Aplib,
    /// Shrinkler (level 3 of version 3).
    Shrinkler,
    /// A level this version never had.
    Unknown,
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Algorithm::Lz4 => "LZ4",
            Algorithm::Lzh5 => "LZH5",
            Algorithm::Aplib => "aPLib",
            Algorithm::Shrinkler => "Shrinkler",
            Algorithm::Unknown => "unknown",
        })
    }
}

/// A compressed asset's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The version: 1, 2 or 3.
    pub version: u8,
    /// The level field as stored.
    pub level: u16,
    /// What the level means in this version.
    pub algorithm: Algorithm,
    /// The flags field.
    pub flags: u16,
    /// Bytes of payload after the header.
    pub compressed_size: u32,
    /// Bytes after decompression.
    pub original_size: u32,
    /// The in-place margin (version 3 only).
    pub inplace_margin: Option<u32>,
}

impl Header {
    /// The header's length: 16 bytes up to version 2, 20 from version 3.
    pub fn len(&self) -> usize {
        if self.version >= 3 { 20 } else { 16 }
    }

    /// Always false: a header has at least 16 bytes (here for clippy's `len_without_is_empty`).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Where the payload lies in the asset.
    pub fn payload(&self) -> Range<usize> {
        self.len()..self.len() + self.compressed_size as usize
    }

    /// The decompressor's window size in bytes, from flags bits 0–2 (16 KiB for 0, halving to 2
    /// KiB at 3; 32 KiB at 4, doubling to 256 KiB at 7).
    pub fn window_size(&self) -> u32 {
        let code = u32::from(self.flags & 7);
        if code & 4 == 0 { (16 * 1024) >> code } else { (2 * 1024) << code }
    }

    /// Whether the runtime decompresses this asset in place.
    pub fn in_place(&self) -> bool {
        self.flags & FLAG_INPLACE != 0
    }
}

/// Reads the header at the start of `asset` and checks that the payload it declares is there.
pub fn parse(asset: &[u8]) -> Result<Header, Error> {
    let found = asset.len();
    if asset.get(..3).is_some_and(|m| m != MAGIC) {
        return Err(Error::BadMagic);
    }
    let version_byte = *asset.get(3).ok_or(Error::TooShort { what: "the header", expected: 16, found })?;
    let version = match version_byte {
        b'1'..=b'3' => version_byte - b'0',
        _ => return Err(Error::UnsupportedVersion { version: version_byte }),
    };
    let header_len = if version >= 3 { 20 } else { 16 };
    if found < header_len {
        return Err(Error::TooShort { what: "the header", expected: header_len as u64, found });
    }
    let word = |at| be32(asset, at).unwrap_or(0);
    let level = be16(asset, 4).unwrap_or(0);
    let algorithm = match (version, level) {
        (1, 1 | 2) | (2, 2) => Algorithm::Lzh5,
        (2 | 3, 1) => Algorithm::Lz4,
        (2, 3) | (3, 2) => Algorithm::Aplib,
        (3, 3) => Algorithm::Shrinkler,
        _ => Algorithm::Unknown,
    };
    let header = Header {
        version,
        level,
        algorithm,
        flags: be16(asset, 6).unwrap_or(0),
        compressed_size: word(8),
        original_size: word(12),
        inplace_margin: (version >= 3).then(|| word(16)),
    };
    let expected = header_len as u64 + u64::from(header.compressed_size);
    if (found as u64) < expected {
        return Err(Error::TooShort { what: "the payload", expected, found });
    }
    Ok(header)
}

/// Decompresses the asset at the start of `asset` (bytes after its payload are ignored).
///
/// Only LZ4 is decoded; the declared size is checked against [`MAX_OUTPUT`] and against what
/// the payload could produce before anything is allocated, and the output must have exactly the
/// declared size.
pub fn decompress(asset: &[u8]) -> Result<Vec<u8>, Error> {
    let header = parse(asset)?;
    if header.algorithm != Algorithm::Lz4 {
        return Err(Error::UnsupportedLevel { level: header.level, algorithm: header.algorithm });
    }
    let declared = header.original_size;
    let possible = u64::from(header.compressed_size) * LZ4_MAX_RATIO;
    let limit = possible.min(MAX_OUTPUT as u64);
    if u64::from(declared) > limit {
        return Err(Error::TooLarge { declared, limit });
    }
    let range = header.payload();
    let offset = range.start;
    let payload = &asset[range];
    let out = lz4_flex::block::decompress(payload, declared as usize)
        .map_err(|e| Error::Corrupt { offset, detail: e.to_string() })?;
    if out.len() != declared as usize {
        return Err(Error::SizeMismatch { expected: declared, found: out.len() });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(version: u8, level: u16, flags: u16, payload: &[u8], original: u32) -> Vec<u8> {
        let mut a = vec![b'D', b'C', b'A', version];
        a.extend_from_slice(&level.to_be_bytes());
        a.extend_from_slice(&flags.to_be_bytes());
        a.extend_from_slice(&u32::try_from(payload.len()).unwrap().to_be_bytes());
        a.extend_from_slice(&original.to_be_bytes());
        if version >= b'3' {
            a.extend_from_slice(&8u32.to_be_bytes());
        }
        a.extend_from_slice(payload);
        a
    }

    #[test]
    fn versions_and_levels() {
        let h = |v, l| parse(&asset(v, l, 0, b"", 0)).unwrap();
        assert_eq!((h(b'1', 1).algorithm, h(b'1', 1).len()), (Algorithm::Lzh5, 16));
        assert_eq!((h(b'2', 1).algorithm, h(b'2', 2).algorithm), (Algorithm::Lz4, Algorithm::Lzh5));
        assert_eq!(h(b'2', 3).algorithm, Algorithm::Aplib);
        assert_eq!((h(b'3', 1).algorithm, h(b'3', 1).len()), (Algorithm::Lz4, 20));
        assert_eq!((h(b'3', 2).algorithm, h(b'3', 3).algorithm), (Algorithm::Aplib, Algorithm::Shrinkler));
        assert_eq!((h(b'3', 0).algorithm, h(b'3', 4).algorithm), (Algorithm::Unknown, Algorithm::Unknown));
        assert_eq!(h(b'3', 1).inplace_margin, Some(8));
        assert_eq!(h(b'2', 1).inplace_margin, None);
        assert_eq!(parse(&asset(b'4', 1, 0, b"", 0)), Err(Error::UnsupportedVersion { version: b'4' }));
        assert_eq!(parse(&asset(3, 1, 0, b"", 0)), Err(Error::UnsupportedVersion { version: 3 }));
    }

    #[test]
    fn window_sizes_follow_the_flag_table() {
        let sizes: Vec<u32> = (0..8).map(|code| parse(&asset(b'3', 1, code, b"", 0)).unwrap().window_size()).collect();
        let k = 1024;
        assert_eq!(sizes, [16 * k, 8 * k, 4 * k, 2 * k, 32 * k, 64 * k, 128 * k, 256 * k]);
    }

    #[test]
    fn short_and_foreign_input() {
        assert_eq!(parse(b""), Err(Error::TooShort { what: "the header", expected: 16, found: 0 }));
        assert_eq!(parse(b"DC"), Err(Error::TooShort { what: "the header", expected: 16, found: 2 }));
        assert_eq!(parse(b"DCB3"), Err(Error::BadMagic));
        assert_eq!(parse(b"DCA3\0\x01"), Err(Error::TooShort { what: "the header", expected: 20, found: 6 }));
        let mut a = asset(b'3', 1, 0, b"\x10x", 1);
        a.pop();
        assert_eq!(parse(&a), Err(Error::TooShort { what: "the payload", expected: 22, found: 21 }));
    }

    #[test]
    fn sizes_are_checked_before_decoding() {
        // One literal "x": a 2-byte block may declare at most 510 bytes.
        let too_big = asset(b'3', 1, 0, b"\x10x", 511);
        assert_eq!(decompress(&too_big), Err(Error::TooLarge { declared: 511, limit: 510 }));
        let over_cap = asset(b'3', 1, 0, &vec![0; 40_000], 9 << 20);
        assert_eq!(decompress(&over_cap), Err(Error::TooLarge { declared: 9 << 20, limit: 8 << 20 }));
        let short = asset(b'3', 1, 0, b"\x10x", 2);
        assert_eq!(decompress(&short), Err(Error::SizeMismatch { expected: 2, found: 1 }));
        let long = asset(b'3', 1, 0, b"\x20xy", 1);
        assert!(matches!(decompress(&long), Err(Error::Corrupt { offset: 20, .. })));
        assert_eq!(decompress(&asset(b'2', 1, 0, b"\x10x", 1)).unwrap(), b"x");
    }
}
