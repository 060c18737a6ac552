//! Streams the members of zip and 7z archives, safely, without extracting anything to disk.
//!
//! [`for_each_member`] hands a visitor each member's metadata ([`MemberInfo`]) and a reader of
//! its uncompressed bytes, in directory order; [`list`] reads only the directory. The reader
//! checks the data against the declared size and the stored CRC32, so a corrupt member fails
//! with [`io::ErrorKind::InvalidData`] instead of passing for good data.
//!
//! The kind of archive comes from the file's first bytes ([`ArchiveKind::sniff`]), never from
//! its name. Member names are reported as stored and are never used as paths here.
//!
//! Hostile input: the formats are parsed by the `zip` and `sevenz-rust2` crates. Every call into
//! them is guarded, so a panic inside them becomes [`ArchiveError::Corrupt`] (the panic hook
//! still prints its line on stderr; see `guard.rs`), and the inputs that would make them spend
//! memory or time the file cannot justify are refused first: 7z start headers that are empty or
//! point past the end of the file, PPMd models larger than their data needs, zip directories
//! with duplicate names (one of them would go unread). Decoding is single-threaded; callers
//! parallelise across archives.
//!
//! ```
//! use std::io::{Cursor, Read};
//! use n64_archive::{ArchiveKind, for_each_member_in};
//!
//! // A stored zip holding hi.txt = "hello", made by Python's zipfile.
//! const HI_ZIP: &[u8] = b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\xBC\x98!\x86\xA6\x106\x05\x00\x00\x00\
//!     \x05\x00\x00\x00\x06\x00\x00\x00hi.txthelloPK\x01\x02\x14\x03\x14\x00\x00\x00\x00\x00\x00\xBC\
//!     \x98!\x86\xA6\x106\x05\x00\x00\x00\x05\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\
//!     \x00\x00\x80\x01\x00\x00\x00\x00hi.txtPK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x004\x00\x00\
//!     \x00)\x00\x00\x00\x00\x00";
//!
//! let kind = ArchiveKind::sniff(HI_ZIP).unwrap();
//! let mut seen = Vec::new();
//! for_each_member_in(Cursor::new(HI_ZIP), kind, &mut |member, data| {
//!     let mut text = String::new();
//!     data.read_to_string(&mut text)?;
//!     seen.push((member.name.clone(), member.crc32, text));
//!     Ok(())
//! })?;
//! assert_eq!(seen, [("hi.txt".to_owned(), Some(0x3610_A686), "hello".to_owned())]);
//! # Ok::<(), n64_archive::ArchiveError>(())
//! ```

mod checked;
mod error;
mod guard;
mod kind;
mod member;
mod sevenz_format;
mod zip_format;

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

pub use error::ArchiveError;
pub use kind::ArchiveKind;
pub use member::MemberInfo;

/// What [`for_each_member`] calls for each member.
pub(crate) type Visitor<'a> = &'a mut dyn FnMut(&MemberInfo, &mut dyn Read) -> io::Result<()>;

/// The read buffer for archive files: the decoders read in small pieces.
const BUFFER_LEN: usize = 64 << 10;

/// Calls `visit` for every member of the archive at `path`, in directory order (directories
/// included, flagged), with a reader of the member's uncompressed bytes.
///
/// The kind comes from the first bytes ([`ArchiveKind::sniff`]); anything else is
/// [`ArchiveError::NotAnArchive`]. The file is opened with [`File::open`] (a FIFO would block:
/// callers pass regular files). See [`for_each_member_in`] for the contract.
///
/// # Errors
///
/// [`ArchiveError::Io`] when the file cannot be opened or read, and every error of
/// [`for_each_member_in`].
///
/// # Examples
///
/// ```
/// use std::io::Read;
/// use n64_archive::{ArchiveError, for_each_member};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("empty.zip");
/// // An empty zip is its end of central directory record alone.
/// std::fs::write(&path, b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0")?;
/// let mut count = 0;
/// for_each_member(&path, &mut |_, _| {
///     count += 1;
///     Ok(())
/// })?;
/// assert_eq!(count, 0);
///
/// std::fs::write(&path, b"\x80\x37\x12\x40 a ROM, not an archive")?;
/// let err = for_each_member(&path, &mut |_, _| Ok(())).unwrap_err();
/// assert!(matches!(err, ArchiveError::NotAnArchive));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn for_each_member(
    path: &Path,
    visit: &mut dyn FnMut(&MemberInfo, &mut dyn Read) -> io::Result<()>,
) -> Result<(), ArchiveError> {
    let (input, kind) = open(path)?;
    for_each_member_in(input, kind, visit)
}

/// Calls `visit` for every member of the `kind` archive `input`, in directory order
/// (directories included, flagged), with a reader of the member's uncompressed bytes.
///
/// The visitor may read all, part or none of the data. When it reads to the end, the reader has
/// checked the data against the declared size and the stored CRC32: a mismatch, a truncated
/// stream or a decoder error is an [`io::Error`] of kind [`io::ErrorKind::InvalidData`] from
/// `read` (an operating-system error reading the archive keeps its own kind).
///
/// The walk stops at the first of:
/// - a member whose data failed: [`ArchiveError::Member`], whether or not the visitor passed
///   the reader's error on (a corrupt member never goes unnoticed). In a zip only the data a
///   visitor reads is decoded, so a member it skips is not checked. In a 7z a member the visitor
///   leaves unread is still decoded and checked when later members of its solid block need its
///   bytes.
/// - an error the visitor returns (its reader being fine): [`ArchiveError::Visitor`].
/// - a member this crate cannot read (encrypted, unknown method): [`ArchiveError::Unsupported`].
///
/// A panic in the visitor unwinds to the caller; a panic inside the format's reader becomes
/// [`ArchiveError::Corrupt`].
///
/// # Errors
///
/// [`ArchiveError::NotAnArchive`] when `input` does not start with the `kind` signature,
/// [`ArchiveError::Corrupt`] for a bad or truncated structure, [`ArchiveError::Io`] when reading
/// `input` fails, and the member, visitor and unsupported errors above.
///
/// # Examples
///
/// ```
/// use std::io::{self, Cursor, Read};
/// use n64_archive::{ArchiveError, ArchiveKind, for_each_member_in};
///
/// // A stored zip holding hi.txt = "hello" (made by Python's zipfile), with one data byte
/// // changed to "jello": the CRC32 check catches it.
/// let zip = b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\xBC\x98!\x86\xA6\x106\x05\x00\x00\x00\
///     \x05\x00\x00\x00\x06\x00\x00\x00hi.txtjelloPK\x01\x02\x14\x03\x14\x00\x00\x00\x00\x00\x00\xBC\
///     \x98!\x86\xA6\x106\x05\x00\x00\x00\x05\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\
///     \x00\x00\x80\x01\x00\x00\x00\x00hi.txtPK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x004\x00\x00\
///     \x00)\x00\x00\x00\x00\x00";
/// let err = for_each_member_in(Cursor::new(&zip[..]), ArchiveKind::Zip, &mut |_, data| {
///     let read = data.read_to_end(&mut Vec::new());
///     assert_eq!(read.unwrap_err().kind(), io::ErrorKind::InvalidData);
///     Ok(()) // even when the visitor swallows the error, the walk reports it
/// })
/// .unwrap_err();
/// assert!(matches!(err, ArchiveError::Member { ref name, .. } if name == "hi.txt"));
/// ```
pub fn for_each_member_in<R: Read + Seek>(
    mut input: R,
    kind: ArchiveKind,
    visit: &mut dyn FnMut(&MemberInfo, &mut dyn Read) -> io::Result<()>,
) -> Result<(), ArchiveError> {
    expect_kind(&mut input, kind)?;
    match kind {
        ArchiveKind::Zip => zip_format::walk(input, visit),
        ArchiveKind::SevenZip => sevenz_format::walk(input, visit),
    }
}

/// The directory of the archive at `path`, without decompressing any member (zip: the central
/// directory; 7z: the header, which may itself be compressed).
///
/// # Errors
///
/// As [`for_each_member`], less the member and visitor errors.
///
/// # Examples
///
/// ```
/// use n64_archive::list;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("empty.zip");
/// std::fs::write(&path, b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0")?;
/// assert!(list(&path)?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn list(path: &Path) -> Result<Vec<MemberInfo>, ArchiveError> {
    let (input, kind) = open(path)?;
    list_in(input, kind)
}

/// The directory of the `kind` archive `input`, without decompressing any member.
///
/// # Errors
///
/// As [`for_each_member_in`], less the member and visitor errors.
///
/// # Examples
///
/// ```
/// use std::io::Cursor;
/// use n64_archive::{ArchiveError, ArchiveKind, list_in};
///
/// let err = list_in(Cursor::new(b"7z\xBC\xAF\x27\x1C\x00\x04"), ArchiveKind::SevenZip).unwrap_err();
/// assert!(matches!(err, ArchiveError::Corrupt { .. }), "{err}");
/// ```
pub fn list_in<R: Read + Seek>(mut input: R, kind: ArchiveKind) -> Result<Vec<MemberInfo>, ArchiveError> {
    expect_kind(&mut input, kind)?;
    match kind {
        ArchiveKind::Zip => zip_format::list(input),
        ArchiveKind::SevenZip => sevenz_format::list(input),
    }
}

/// Opens `path` (buffered) and sniffs its kind.
fn open(path: &Path) -> Result<(BufReader<File>, ArchiveKind), ArchiveError> {
    let file = File::open(path).map_err(ArchiveError::Io)?;
    let mut input = BufReader::with_capacity(BUFFER_LEN, file);
    let kind = ArchiveKind::sniff(&prefix(&mut input)?).ok_or(ArchiveError::NotAnArchive)?;
    Ok((input, kind))
}

/// Refuses an input that does not start with the `kind` signature.
fn expect_kind<R: Read + Seek>(input: &mut R, kind: ArchiveKind) -> Result<(), ArchiveError> {
    if ArchiveKind::sniff(&prefix(input)?) == Some(kind) { Ok(()) } else { Err(ArchiveError::NotAnArchive) }
}

/// The first bytes of `input` (fewer if it is shorter), leaving it at its start.
fn prefix<R: Read + Seek>(input: &mut R) -> Result<Vec<u8>, ArchiveError> {
    input.seek(SeekFrom::Start(0)).map_err(ArchiveError::Io)?;
    let mut prefix = Vec::with_capacity(ArchiveKind::SNIFF_LEN);
    input.by_ref().take(ArchiveKind::SNIFF_LEN as u64).read_to_end(&mut prefix).map_err(ArchiveError::Io)?;
    input.seek(SeekFrom::Start(0)).map_err(ArchiveError::Io)?;
    Ok(prefix)
}
