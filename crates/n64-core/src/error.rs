//! The one error type of `n64-core`.

use std::fmt;

use crate::{BootCodeFamily, ByteOrder, CicKind};

/// Everything that can go wrong when reading, decoding or rewriting a ROM image.
///
/// Every variant carries the values a caller can act on, and callers match on the variant, never
/// on the message. Core errors never mention file paths (the caller adds the path) and never
/// give command-line advice (the caller knows its own options).
///
/// ```
/// use n64_core::{Error, Header};
/// let mut header = Header::from_be_bytes([0; 64]);
/// match header.set_title("a title far too long for the field") {
///     Err(Error::TitleTooLong { chars, max }) => assert_eq!((chars, max), (34, 20)),
///     other => panic!("unexpected {other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ends before a structure that was needed.
    #[error("{what} needs {expected:#x} bytes, input has {found:#x}")]
    TooShort {
        /// What was being read.
        what: Structure,
        /// How many bytes were needed.
        expected: usize,
        /// How many bytes there were.
        found: usize,
    },
    /// A buffer to convert is not a whole number of the byte order's units.
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
    /// A title longer than the 20-byte field.
    #[error("the title is {chars} characters, the field holds {max}")]
    TitleTooLong {
        /// How many characters were given.
        chars: usize,
        /// How many fit.
        max: usize,
    },
    /// A title character JIS X 0201 cannot encode.
    #[error("{character:?} cannot be encoded in a title (ASCII or half-width katakana only)")]
    TitleCharacter {
        /// The first character that cannot be encoded.
        character: char,
    },
    /// A game code that is not four ASCII letters or digits.
    #[error("game code {text:?} is not 4 ASCII letters or digits (e.g. NSME)")]
    GameCodeSyntax {
        /// The text that was given.
        text: String,
    },
    /// A game code whose unique part is not `"ED"` on a ROM with an Advanced Homebrew header,
    /// which that header's marker would lose.
    #[error(
        "game code {code}: its middle two characters must stay \"ED\" while the ROM has an Advanced Homebrew header"
    )]
    HomebrewMarkerNeeded {
        /// The game code that was given.
        code: crate::GameCode,
    },
    /// A ROM version on a ROM with an Advanced Homebrew header, which keeps its save type in that
    /// byte.
    #[error("the ROM version byte (0x3F) holds the Advanced Homebrew header's save type and flags")]
    RomVersionInHomebrewHeader,
    /// A save type code that does not fit the header's 4 bits.
    #[error("save type code {code} does not fit in 4 bits")]
    SaveTypeOutOfRange {
        /// The code.
        code: u8,
    },
    /// A check code given as text that is not 16 hex digits.
    #[error("check code {text:?} is not 16 hex digits")]
    CheckCodeSyntax {
        /// The text that was given.
        text: String,
    },
    /// A name given as text that names nothing known.
    #[error("unknown {kind} {found:?}; valid: {valid}")]
    UnknownName {
        /// What kind of name.
        kind: NameKind,
        /// The text that was given.
        found: String,
        /// The accepted names, comma-separated.
        valid: String,
    },
    /// The boot code verifies no check code (libdragon's): writing one was not forced.
    #[error("{family} verifies no check code")]
    CheckCodeNotVerified {
        /// The boot code.
        family: BootCodeFamily,
    },
    /// A 64DD kind: its check code is kept inside the boot code, not in the header.
    #[error("CIC {cic} (64DD) keeps its check code inside the boot code, not in the header")]
    CheckCodeInBootCode {
        /// The 64DD kind.
        cic: CicKind,
    },
    /// The boot code is not recognised, so the CIC whose check code it expects is unknown.
    #[error("unknown boot code (CRC32 {crc32:08x}): its CIC is not known")]
    UnknownCic {
        /// CRC32 of bytes 0x40..0x1000, to look the boot code up elsewhere.
        crc32: u32,
    },
    /// The CIC given for the check code is not the one the boot code is made for: the console
    /// and every checker would reject the result.
    #[error("CIC {given} was given, but the boot code is made for CIC {detected}")]
    CicContradicted {
        /// The kind that was given.
        given: CicKind,
        /// The kind the boot code is recognised as.
        detected: CicKind,
    },
    /// Padding to a size smaller than the image, or to one that is not a whole number of the
    /// image's byte order units.
    #[error("cannot pad a {size:#x}-byte image to {target:#x} bytes")]
    BadPadding {
        /// The image size.
        size: u64,
        /// The size asked for.
        target: u64,
    },
    /// A plan applied to an image other than the one it was made for (another size).
    #[error("the plan is for a {planned:#x}-byte image, this one has {found:#x} bytes")]
    NotThePlannedImage {
        /// The size the plan was made for.
        planned: u64,
        /// The size of the image given.
        found: u64,
    },
}

/// A structure of the ROM image that [`Error::TooShort`] found cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Structure {
    /// The first word (the PI configuration, which also tells the byte order).
    FirstWord,
    /// The 64-byte header.
    Header,
    /// The boot code at 0x40..0x1000.
    BootCode,
}

impl fmt::Display for Structure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Structure::FirstWord => "first word",
            Structure::Header => "header",
            Structure::BootCode => "boot code (0x40..0x1000)",
        })
    }
}

/// What kind of name [`Error::UnknownName`] did not recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameKind {
    /// A byte order (`z64`, `v64`, `n64`).
    ByteOrder,
    /// A CIC kind (`6102`, …).
    CicKind,
    /// A destination (region).
    Region,
    /// An Advanced Homebrew header save type.
    SaveType,
    /// An Advanced Homebrew header controller kind.
    Controller,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameKind::ByteOrder => "byte order",
            NameKind::CicKind => "CIC kind",
            NameKind::Region => "region",
            NameKind::SaveType => "save type",
            NameKind::Controller => "controller kind",
        })
    }
}

impl Error {
    /// Whether the error says the input is no N64 ROM at all (too short for a first word, or
    /// no magic and no recognisable boot code), as opposed to a ROM that is damaged.
    pub fn is_not_a_rom(&self) -> bool {
        matches!(self, Error::UnknownByteOrder { .. } | Error::TooShort { what: Structure::FirstWord, .. })
    }
}

/// Shorthand for results with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
