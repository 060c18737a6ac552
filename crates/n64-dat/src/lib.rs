//! ROM-manager DAT files for N64 collections: read Logiqx XML and clrmamepro text into one
//! model, work out which byte order each rom's hashes are over, index several DATs by hash,
//! game code and name, and write Logiqx fixdats.
//!
//! The crate takes bytes and gives values back: it does no I/O, prints nothing, and never panics
//! on any input. Memory use is linear in the input's size: nothing is reserved from counts the
//! input declares, and even a degenerate DAT made only of empty roms takes about 20 bytes per
//! input byte.
//!
//! - [`parse`] reads a DAT of either dialect, chosen by its content ([`Parsed`]), or says where
//!   it is malformed ([`ParseError`], with line and column). Unknown elements, attributes and
//!   keys are [`Warning`]s.
//! - [`rom_order`] tells which byte order a rom's hashes are over: No-Intro's "(BigEndian)" DAT
//!   hashes z64 bytes, its "(ByteSwapped)" DAT v64 bytes.
//! - [`Index`] finds the roms a file's digests match, by each rom's strongest hash.
//! - [`game_codes`] reduces serials (`NUS-NSME-USA`) to header game codes (`NSME`).
//! - [`to_logiqx`] writes a DAT (a fixdat) that [`parse`] reads back equal.
//!
//! ```
//! use n64_core::ByteOrder;
//! use n64_dat::{parse, Dialect, Index, MatchedBy};
//!
//! let text = br#"clrmamepro ( name "Nintendo - Nintendo 64 (ByteSwapped)" )
//! game ( name "Demo (USA)" serial "NUS-NDMO-USA"
//!     rom ( name "Demo (USA).v64" size 8 crc 0123abcd ) )"#;
//! let parsed = parse(text)?;
//! assert_eq!(parsed.dialect, Dialect::ClrMamePro);
//! assert_eq!(parsed.dat.declared_order(), Some(ByteOrder::V64));
//!
//! let index = Index::new(&[parsed.dat], None);
//! let found = index.lookup(Some(ByteOrder::V64), 8, 0x0123_ABCD, None, None);
//! assert_eq!(found[0].1, MatchedBy::Crc32Size);
//! assert_eq!(index.games_with_code(*b"NDMO"), [(0, 0)]);
//! # Ok::<(), n64_dat::ParseError>(())
//! ```
#![deny(missing_docs)]

mod clrmamepro;
mod error;
mod fields;
mod index;
mod logiqx;
mod model;
mod order;
mod position;
mod serial;
mod sniff;
mod writer;

pub use error::{HashKind, ParseError, ParseErrorKind, Warning, WarningKind};
pub use index::{Index, MatchedBy, Needs, RomRef};
pub use model::{Dat, DatHeader, Dialect, DumpStatus, Game, Rom};
pub use order::{order_of_rom_name, rom_order};
pub use serial::game_codes;
pub use writer::{LOGIQX_DOCTYPE, to_logiqx};

/// The README's example, run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// A DAT as read: the model, the dialect it was written in, and what was odd about it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Parsed {
    /// The DAT.
    pub dat: Dat,
    /// Which format the file was in.
    pub dialect: Dialect,
    /// Fields that were skipped or taken in a particular way, in file order (at most 1000, then
    /// one [`WarningKind::MoreWarnings`]).
    pub warnings: Vec<Warning>,
}

/// Reads a DAT file, Logiqx XML or clrmamepro text, telling them apart by content (never by file
/// name): after an optional UTF-8 byte order mark and white space, `<` starts XML and a
/// clrmamepro block keyword (`clrmamepro`, `emulator`, `game`, `machine`, `resource`, …) starts
/// clrmamepro text.
///
/// # Errors
///
/// A [`ParseError`] with the 1-based line and column of the offending spot: content that is
/// neither dialect, bytes that are not UTF-8, malformed XML or unbalanced clrmamepro blocks, a
/// game or rom without a name, a hash or size that does not parse.
///
/// ```
/// use n64_dat::{parse, DumpStatus, ParseErrorKind};
///
/// let parsed = parse(br#"<?xml version="1.0"?>
/// <datafile>
///   <game name="Demo"><rom name="Demo.z64" size="0x800000" status="baddump"/></game>
/// </datafile>"#)?;
/// assert_eq!(parsed.dat.games[0].roms[0].size, Some(8 << 20));
/// assert_eq!(parsed.dat.games[0].roms[0].status, DumpStatus::BadDump);
///
/// let e = parse(b"<datafile>\n  <game name=\"x\"><rom name=\"y\" crc=\"xyz\"/></game>\n</datafile>").unwrap_err();
/// assert_eq!((e.line, e.column), (2, 37));
/// assert!(matches!(e.kind, ParseErrorKind::BadHash { .. }));
/// assert_eq!(parse(b"PK\x03\x04").unwrap_err().kind, ParseErrorKind::NotADat);
/// # Ok::<(), n64_dat::ParseError>(())
/// ```
pub fn parse(bytes: &[u8]) -> Result<Parsed, ParseError> {
    let (dialect, text) = sniff::sniff(bytes)?;
    let (dat, warnings) = match dialect {
        Dialect::Logiqx => logiqx::read(text)?,
        Dialect::ClrMamePro => clrmamepro::read(text)?,
    };
    Ok(Parsed { dat, dialect, warnings })
}
