//! IPS and IPS32 patches: apply, describe and (IPS only) create.
//!
//! IPS: the magic `PATCH`, records (a 24-bit big-endian offset, a 16-bit big-endian size and
//! that many bytes; size 0 is an RLE record: a 16-bit count and one fill byte), the terminator
//! `EOF` and, optionally, a 24-bit size the output is cut to or zero-extended to (as
//! RomPatcher.js does). IPS32 is the same with the magic `IPS32`, 32-bit offsets and the
//! terminator `EEOF`; it has no size after its terminator.
//!
//! Records may write past the end of the source: the output grows (with zeros in any gap) up to
//! [`MAX_OUTPUT`].

mod create;
mod parse;

pub use create::create;

use thiserror::Error;

use crate::MAX_OUTPUT;

/// Which of the two formats a patch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `PATCH` … `EOF`, 24-bit offsets.
    Ips,
    /// `IPS32` … `EEOF`, 32-bit offsets.
    Ips32,
}

/// What an IPS or IPS32 patch carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// IPS or IPS32.
    pub format: Format,
    /// How many records it has, RLE records included.
    pub records: usize,
    /// The highest output offset any record writes, or `None` when no record writes a byte.
    pub highest_offset: Option<u64>,
    /// The size after `EOF` the output is cut or zero-extended to, if the patch has one.
    pub truncation: Option<u32>,
}

/// Why a patch cannot be read, applied or created.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    /// The patch starts with neither `PATCH` nor `IPS32`.
    #[error("not an ips patch: it starts with neither `PATCH` nor `IPS32`")]
    BadMagic,
    /// The patch ends inside a record, or before its terminator.
    #[error("truncated patch: it ends at patch offset {offset:#x} inside record {record} or before the terminator")]
    Truncated {
        /// The record being read (counted from 0).
        record: usize,
        /// Where the patch ends.
        offset: usize,
    },
    /// Bytes after the terminator that are not a 3-byte IPS truncation size.
    #[error("trailing data: {len} bytes after the terminator at patch offset {offset:#x}")]
    TrailingData {
        /// Where the extra bytes start.
        offset: usize,
        /// How many there are.
        len: usize,
    },
    /// The output would be larger than [`MAX_OUTPUT`].
    #[error("output too large: {size} bytes (from {at}), the limit is 256 MiB")]
    OutputTooLarge {
        /// The size the output would reach.
        size: u64,
        /// What made it that large: a record and its patch offset, or the source.
        at: String,
    },
    /// `create`: a change lies where 24-bit IPS offsets cannot reach.
    #[error("target offset {offset:#x} is at or beyond 16 MiB, which ips cannot reach: make a bps patch instead")]
    BeyondIpsRange {
        /// The first target offset IPS cannot express.
        offset: u64,
    },
}

/// Reads what a patch carries, checking all of it (the same checks as [`apply`] makes of the
/// patch).
pub fn info(patch: &[u8]) -> Result<Info, Error> {
    let parsed = parse::parse(patch)?;
    Ok(Info {
        format: parsed.format,
        records: parsed.records.len(),
        highest_offset: parsed.end.checked_sub(1),
        truncation: parsed.truncation,
    })
}

/// Applies an IPS or IPS32 patch to `source` and returns the output. Nothing is allocated for
/// the output until the whole patch has been read and checked.
///
/// ```
/// // One record: 2 bytes at offset 1; then an RLE record: 3 bytes of 0xEE at offset 4.
/// let patch = b"PATCH\x00\x00\x01\x00\x02AB\x00\x00\x04\x00\x00\x00\x03\xEEEOF";
/// let output = n64_patch::ips::apply(b"0123", patch)?;
/// assert_eq!(output, b"0AB3\xEE\xEE\xEE");
/// # Ok::<(), n64_patch::ips::Error>(())
/// ```
pub fn apply(source: &[u8], patch: &[u8]) -> Result<Vec<u8>, Error> {
    let parsed = parse::parse(patch)?;
    let grown = parsed.end.max(source.len() as u64);
    if grown > MAX_OUTPUT {
        return Err(Error::OutputTooLarge { size: grown, at: "the source".to_owned() });
    }
    let grown = usize::try_from(grown).expect("at most MAX_OUTPUT");
    let mut output = vec![0u8; grown];
    output[..source.len()].copy_from_slice(source);
    // Empty (count 0 RLE) records write nothing and may lie past the output: skip them.
    for record in parsed.records.iter().filter(|record| record.len() > 0) {
        let start = usize::try_from(record.offset).expect("checked against MAX_OUTPUT");
        let end = start + usize::try_from(record.len()).expect("at most 0xffff");
        match record.data {
            parse::Data::Literal(bytes) => output[start..end].copy_from_slice(bytes),
            parse::Data::Rle { byte, .. } => output[start..end].fill(byte),
        }
    }
    if let Some(size) = parsed.truncation {
        output.resize(size as usize, 0);
    }
    Ok(output)
}
