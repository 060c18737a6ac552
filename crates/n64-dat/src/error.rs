//! Why a DAT could not be read ([`ParseError`]) and what was odd about one that could
//! ([`Warning`]). Both carry a 1-based line and column: the column counts characters (not
//! bytes) from the start of the line, and a leading byte order mark is not counted.

use std::fmt;

use thiserror::Error;

/// A DAT that could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("line {line}, column {column}: {kind}")]
#[non_exhaustive]
pub struct ParseError {
    /// The 1-based line of the offending spot.
    pub line: u32,
    /// The 1-based column (in characters) of the offending spot.
    pub column: u32,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// What is wrong with a DAT that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The content is neither Logiqx XML nor clrmamepro text.
    #[error("not a DAT file (neither Logiqx XML nor clrmamepro)")]
    NotADat,
    /// The bytes at the position are not UTF-8.
    #[error("not UTF-8 text")]
    NotUtf8,
    /// The XML is not well formed (the message is the XML parser's).
    #[error("malformed XML: {message}")]
    Xml {
        /// What the XML parser found.
        message: String,
    },
    /// An element is opened and never closed.
    #[error("<{name}> is never closed")]
    UnclosedElement {
        /// The element's name.
        name: String,
    },
    /// The XML document's root element is not `<datafile>`.
    #[error("the root element is <{name}>, not <datafile>")]
    UnexpectedRoot {
        /// The root element's name.
        name: String,
    },
    /// The XML document has no root element.
    #[error("no <datafile> element")]
    NoRoot,
    /// Something other than comments or white space follows the root element.
    #[error("content after the end of <datafile>")]
    AfterRoot,
    /// An entity reference (`&name;`) that XML does not predefine.
    #[error("unknown entity &{name};")]
    UnknownEntity {
        /// The entity's name.
        name: String,
    },
    /// A character reference (`&#…;`) that names no character XML 1.0 allows.
    #[error("bad character reference &{reference};")]
    BadCharReference {
        /// The reference without `&` and `;`, such as `#x0`.
        reference: String,
    },
    /// A game or rom without a name.
    #[error("{element} without a name")]
    MissingName {
        /// `game` or `rom`.
        element: &'static str,
    },
    /// A hash that is not the right number of hexadecimal digits.
    #[error("{hash} {value:?} is not {} hexadecimal digits", hash.digits())]
    BadHash {
        /// Which hash.
        hash: HashKind,
        /// The value as written (cut to 64 characters).
        value: String,
    },
    /// A size that is not a decimal or `0x` hexadecimal number that fits 64 bits.
    #[error("size {value:?} is not a number")]
    BadSize {
        /// The value as written (cut to 64 characters).
        value: String,
    },
    /// clrmamepro: a `(` that is never closed.
    #[error("( is never closed")]
    UnclosedParen,
    /// clrmamepro: a `)` that closes nothing.
    #[error(") closes nothing")]
    UnexpectedClose,
    /// clrmamepro: a quoted string that does not end on its line.
    #[error("quoted string does not end on its line")]
    UnterminatedString,
    /// clrmamepro: a block keyword without its `( … )`.
    #[error("expected ( after {keyword}")]
    ExpectedBlock {
        /// The keyword.
        keyword: String,
    },
    /// clrmamepro: a key without its value, or with a block where a value belongs.
    #[error("expected a value after {key}")]
    ExpectedValue {
        /// The key.
        key: String,
    },
    /// clrmamepro: a token where a key or a block keyword belongs.
    #[error("unexpected {found}")]
    UnexpectedToken {
        /// The token (cut to 64 characters), quoted when it was a quoted string.
        found: String,
    },
    /// clrmamepro: blocks nested deeper than the parser follows.
    #[error("blocks nested deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

/// The hashes a DAT can give for a rom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashKind {
    /// CRC32, 8 hexadecimal digits.
    Crc32,
    /// MD5, 32 hexadecimal digits.
    Md5,
    /// SHA-1, 40 hexadecimal digits.
    Sha1,
    /// SHA-256, 64 hexadecimal digits.
    Sha256,
}

impl HashKind {
    /// The number of hexadecimal digits a value of this hash has.
    pub const fn digits(self) -> usize {
        match self {
            HashKind::Crc32 => 8,
            HashKind::Md5 => 32,
            HashKind::Sha1 => 40,
            HashKind::Sha256 => 64,
        }
    }

    /// The usual name: `crc`, `md5`, `sha1` or `sha256`.
    pub const fn name(self) -> &'static str {
        match self {
            HashKind::Crc32 => "crc",
            HashKind::Md5 => "md5",
            HashKind::Sha1 => "sha1",
            HashKind::Sha256 => "sha256",
        }
    }
}

impl fmt::Display for HashKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something a DAT holds that was ignored or taken in a particular way, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// The 1-based line.
    pub line: u32,
    /// The 1-based column, in characters.
    pub column: u32,
    /// What was found.
    pub kind: WarningKind,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.kind)
    }
}

/// What a [`Warning`] is about.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum WarningKind {
    /// An element, attribute or key this crate does not know; it was skipped.
    #[error("unknown {field:?} in {within} ignored")]
    UnknownField {
        /// The element, attribute or key.
        field: String,
        /// Where it was: `datafile`, `header`, `game`, `rom`, or `file` for the top level of a
        /// clrmamepro file.
        within: String,
    },
    /// A field given twice; the later value was kept.
    #[error("{field} given twice in {within}, the later value kept")]
    Repeated {
        /// The field.
        field: String,
        /// Where it was.
        within: String,
    },
    /// A status other than good, verified, baddump or nodump; the rom was taken as good.
    #[error("unknown status {value:?}, taken as good")]
    UnknownStatus {
        /// The value as written (cut to 64 characters).
        value: String,
    },
    /// A `mia` value other than yes or no; it was taken as no.
    #[error("mia {value:?} is neither yes nor no, taken as no")]
    UnknownMia {
        /// The value as written (cut to 64 characters).
        value: String,
    },
    /// Text where none belongs; it was ignored.
    #[error("text in {within} ignored")]
    StrayText {
        /// The element it was in.
        within: String,
    },
    /// More warnings than are kept; the position is the first one not kept.
    #[error("{count} more warnings not shown")]
    MoreWarnings {
        /// How many were not kept.
        count: u64,
    },
}
