//! The one error type of `n64-core`.

use crate::ByteOrder;

/// Everything that can go wrong when reading, decoding or rewriting a ROM image.
///
/// Core errors never mention file paths: the binaries add the path at the edge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ends before a structure that was needed.
    #[error("{what} needs {expected:#x} bytes, input has {found:#x}")]
    TooShort {
        /// What was being read (e.g. "header", "boot code").
        what: &'static str,
        /// How many bytes were needed.
        expected: usize,
        /// How many bytes there were.
        found: usize,
    },
    /// The length is not a whole number of the byte order's words.
    #[error("size {len:#x} is not a whole number of {unit}-byte words, as the {order} byte order needs")]
    UnalignedLength {
        /// The byte order whose word size is violated.
        order: ByteOrder,
        /// The word size of that order in bytes.
        unit: usize,
        /// The offending length.
        len: usize,
    },
    /// Neither the first word nor the boot code tells the byte order: probably not an N64 ROM.
    #[error(
        "not an N64 ROM: first word {found:#010x} is no known magic and no byte order makes the boot code recognisable"
    )]
    UnknownByteOrder {
        /// The first four bytes as a big-endian word.
        found: u32,
    },
    /// A header field value cannot be encoded.
    #[error("invalid {field}: {reason}")]
    InvalidField {
        /// The field name (e.g. "title").
        field: &'static str,
        /// What is wrong with the value.
        reason: String,
    },
    /// A value given as text does not name anything known.
    #[error("unknown {what} {found:?}; valid: {valid}")]
    UnknownName {
        /// What kind of name (e.g. "CIC kind").
        what: &'static str,
        /// The text that was given.
        found: String,
        /// The accepted names, comma-separated.
        valid: String,
    },
    /// The check code cannot be computed or written for this boot code.
    #[error("check code not applicable: {reason}")]
    CheckCodeNotApplicable {
        /// Why not.
        reason: String,
    },
    /// The boot code is not recognised, so the CIC must be given explicitly.
    #[error("unknown boot code (CRC32 {crc32:08x}); pass the CIC kind explicitly")]
    UnknownCic {
        /// CRC32 of bytes 0x40..0x1000, to look the boot code up elsewhere.
        crc32: u32,
    },
}

/// Shorthand for results with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
