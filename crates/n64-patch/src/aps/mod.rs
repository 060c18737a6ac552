//! APS patches for the N64 (`APS10`): apply and describe.
//!
//! The header: magic `APS10`, a type byte (0 = simple, 1 = N64), an encoding byte (0), a
//! 50-byte description; for the N64 type an image-format flag (0 = Doctor V64, byte-swapped;
//! 1 = everything else), the cart ID (2 bytes) and country byte, the source's 8-byte check code
//! (all three big-endian whatever the flag) and 5 pad bytes; then the output size (u32 LE).
//! Records: offset u32 LE, length u8 and that many bytes; length 0 is an RLE record: a fill
//! byte and a count (u8 each).
//!
//! Apply works on the bytes as given: the caller converts the ROM to the byte order the flag
//! says ([`N64Source::byte_swapped`]) before calling. The cart ID, country and check code are
//! read from the source interpreted in that order (for a byte-swapped source, each 16-bit pair
//! is swapped back to big-endian before comparing).

mod header;
mod records;

pub use crate::{Applied, Options, Warning};
pub use header::{Info, N64Source};

use thiserror::Error;

/// Why a patch cannot be read or applied.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    /// The patch does not start with `APS10`.
    #[error("not an n64 aps patch: it does not start with `APS10`")]
    BadMagic,
    /// The patch ends inside its header.
    #[error("truncated patch: the header needs {need} bytes, the patch has {len}")]
    TruncatedHeader {
        /// The patch's length.
        len: usize,
        /// The header's length.
        need: usize,
    },
    /// A type byte other than 0 (simple) or 1 (N64), at patch offset 5.
    #[error("unknown aps patch type {0} at patch offset 0x5 (0 = simple, 1 = n64)")]
    UnknownType(u8),
    /// An encoding byte other than 0, at patch offset 6.
    #[error("unknown aps encoding method {0} at patch offset 0x6 (only 0 exists)")]
    UnknownEncoding(u8),
    /// An image-format flag other than 0 or 1, at patch offset 0x39.
    #[error("unknown aps image format flag {0} at patch offset 0x39 (0 = v64, 1 = other)")]
    UnknownImageFormat(u8),
    /// The declared output size is larger than [`MAX_OUTPUT`](crate::MAX_OUTPUT).
    #[error("output too large: the header declares {size} bytes, the limit is 256 MiB")]
    OutputTooLarge {
        /// The declared size.
        size: u32,
    },
    /// The patch ends inside a record.
    #[error("truncated patch: it ends at patch offset {offset:#x} inside record {record}")]
    Truncated {
        /// The record being read (counted from 0).
        record: usize,
        /// Where the patch ends.
        offset: usize,
    },
    /// A record writes past the declared output size.
    #[error(
        "record {record} at patch offset {patch_offset:#x} writes up to output offset {end:#x}, past the output size {output_size:#x}"
    )]
    PastOutput {
        /// The record (counted from 0).
        record: usize,
        /// Where it starts in the patch.
        patch_offset: usize,
        /// One past the last byte it writes.
        end: u64,
        /// The declared output size.
        output_size: u32,
    },
    /// The source is too short to hold the cart ID and check code the patch checks.
    #[error("source too short: {len} bytes, the cart id and check code need 0x3f")]
    SourceTooShort {
        /// The source's length.
        len: usize,
    },
    /// The source's cart ID (0x3C..0x3E) is not the patch's.
    #[error("wrong source: cart id at source offset 0x3c is {found:02x?}, the patch expects {expected:02x?}")]
    CartIdMismatch {
        /// The patch's cart ID.
        expected: [u8; 2],
        /// The source's.
        found: [u8; 2],
    },
    /// The source's check code (0x10..0x18) is not the patch's.
    #[error("wrong source: check code at source offset 0x10 is {found:02x?}, the patch expects {expected:02x?}")]
    CheckCodeMismatch {
        /// The patch's check code.
        expected: [u8; 8],
        /// The source's.
        found: [u8; 8],
    },
}

/// Reads what a patch carries, checking all of it (header and every record).
pub fn info(patch: &[u8]) -> Result<Info, Error> {
    let header = header::read(patch)?;
    let records = records::read(patch, header.records_at, header.output_size)?;
    Ok(Info {
        description: header.description,
        n64: header.n64,
        output_size: header.output_size,
        records: records.len(),
    })
}

/// Applies a patch with the source verified ([`Options::default`]), dropping warnings; see
/// [`apply_with`].
///
/// ```
/// // A simple (type 0) patch: output size 4, one record writing "XY" at offset 1.
/// let mut patch = b"APS10\x00\x00".to_vec();
/// patch.extend_from_slice(&[b' '; 50]);
/// patch.extend_from_slice(&4u32.to_le_bytes());
/// patch.extend_from_slice(&1u32.to_le_bytes());
/// patch.extend_from_slice(b"\x02XY");
/// assert_eq!(n64_patch::aps::apply(b"abcdef", &patch)?, b"aXYd");
/// # Ok::<(), n64_patch::aps::Error>(())
/// ```
pub fn apply(source: &[u8], patch: &[u8]) -> Result<Vec<u8>, Error> {
    apply_with(source, patch, &Options::default()).map(|applied| applied.output)
}

/// Applies a patch to `source` (in the byte order the patch's flag says): checks the source's
/// cart ID and check code (a mismatch is an error unless `verify_source` is false; a different
/// country is a warning), resizes the source to the output size (cut, or extended with zeros)
/// and writes the records.
///
/// ```
/// use n64_patch::aps::{apply_with, Options};
/// let mut source = vec![0u8; 0x40];
/// source[0x3C..0x3F].copy_from_slice(b"ZLE");
/// let mut patch = b"APS10\x01\x00".to_vec();
/// patch.extend_from_slice(&[b' '; 50]);
/// patch.push(1); // big-endian image
/// patch.extend_from_slice(b"ZLJ"); // cart ID "ZL", country 'J'
/// patch.extend_from_slice(&[0; 8 + 5]); // check code, pad
/// patch.extend_from_slice(&0x40u32.to_le_bytes());
/// let applied = apply_with(&source, &patch, &Options { verify_source: true })?;
/// assert_eq!(applied.output, source);
/// assert_eq!(applied.warnings.len(), 1); // 'E' is not 'J'
/// # Ok::<(), n64_patch::aps::Error>(())
/// ```
pub fn apply_with(source: &[u8], patch: &[u8], options: &Options) -> Result<Applied, Error> {
    let header = header::read(patch)?;
    let records = records::read(patch, header.records_at, header.output_size)?;
    let mut warnings = Vec::new();
    if let (Some(n64), true) = (header.n64, options.verify_source) {
        verify(source, &n64, &mut warnings)?;
    }
    let size = header.output_size as usize;
    let mut output = vec![0u8; size];
    let kept = size.min(source.len());
    output[..kept].copy_from_slice(&source[..kept]);
    for record in &records {
        let start = record.offset as usize;
        let end = start + record.len();
        match record.data {
            records::Data::Literal(bytes) => output[start..end].copy_from_slice(bytes),
            records::Data::Rle { byte, .. } => output[start..end].fill(byte),
        }
    }
    Ok(Applied { output, warnings })
}

/// Compares the source's identity (read in the patch's byte order) with the patch's.
fn verify(source: &[u8], n64: &N64Source, warnings: &mut Vec<Warning>) -> Result<(), Error> {
    if source.len() < 0x40 {
        return Err(Error::SourceTooShort { len: source.len() });
    }
    // Big-endian byte `i` of a byte-swapped image is at `i ^ 1`.
    let at = |i: usize| source[if n64.byte_swapped { i ^ 1 } else { i }];
    let cart_id = [at(0x3C), at(0x3D)];
    if cart_id != n64.cart_id {
        return Err(Error::CartIdMismatch { expected: n64.cart_id, found: cart_id });
    }
    let check_code: [u8; 8] = std::array::from_fn(|i| at(0x10 + i));
    if check_code != n64.check_code {
        return Err(Error::CheckCodeMismatch { expected: n64.check_code, found: check_code });
    }
    let country = at(0x3E);
    if country != n64.country {
        warnings.push(Warning::CountryMismatch { expected: n64.country, found: country });
    }
    Ok(())
}
