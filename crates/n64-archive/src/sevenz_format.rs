//! 7z archives, through `sevenz-rust2`: the header for the listing, block by block decoding for
//! the walk, with the members handed out in directory order.
//!
//! sevenz-rust2 visits the members of each block, then every member without data at the end;
//! this module interleaves the members without data where the directory puts them. In a solid
//! block a member's bytes are needed for the following ones, so a member the visitor does not
//! read to its end is drained (and checked) before the next; the last member of a block is
//! simply abandoned.

use std::any::Any;
use std::borrow::Cow;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};

use sevenz_rust2::{Archive, BlockDecoder, EncoderMethod, Error, Password};

use crate::checked::{CheckedReader, conclude};
use crate::guard::{guarded, lower_first};
use crate::{ArchiveError, ArchiveKind, MemberInfo, Visitor};

const KIND: ArchiveKind = ArchiveKind::SevenZip;

/// The signature header: signature, version, start header CRC, next header offset, size, CRC.
type SignatureHeader = [u8; 32];

/// Its length.
const SIGNATURE_HEADER_LEN: u64 = 32;

/// The most memory a decoder model may take. sevenz-rust2 grows LZMA dictionaries with the
/// decoded data, but allocates (and zero-fills) a PPMd model at its declared size up front.
/// 7-Zip's largest default PPMd model (`-mx=9`) is 192 MiB.
const MODEL_LIMIT: u64 = 256 << 20;

/// A PPMd model up to this size is accepted whatever the data size.
const MODEL_FLOOR: u64 = 16 << 20;

/// 7-Zip sizes a PPMd model for small data at no more than 16 times the data size (rounded to a
/// power of two); a model more than 32 times the data cannot be justified by it.
const MODEL_PER_BYTE: u64 = 32;

/// The memory limit for the header (its buffers are bounded by the file size; this bounds the
/// model of a compressed header).
const HEADER_LIMIT_KB: usize = (MODEL_LIMIT >> 10) as usize;

/// No limit from sevenz-rust2 for the blocks: [`check_block`] has checked the PPMd models, the
/// only decoder memory allocated up front.
const BLOCK_LIMIT_KB: usize = usize::MAX / 1024;

/// The methods this build decodes (sevenz-rust2 with bzip2, deflate and ppmd; LZMA, LZMA2, the
/// branch filters and delta are built in).
const SUPPORTED: [&[u8]; 16] = [
    EncoderMethod::ID_COPY,
    EncoderMethod::ID_LZMA,
    EncoderMethod::ID_LZMA2,
    EncoderMethod::ID_PPMD,
    EncoderMethod::ID_BZIP2,
    EncoderMethod::ID_DEFLATE,
    EncoderMethod::ID_DELTA,
    EncoderMethod::ID_BCJ_X86,
    EncoderMethod::ID_BCJ2,
    EncoderMethod::ID_BCJ_PPC,
    EncoderMethod::ID_BCJ_IA64,
    EncoderMethod::ID_BCJ_ARM,
    EncoderMethod::ID_BCJ_ARM64,
    EncoderMethod::ID_BCJ_ARM_THUMB,
    EncoderMethod::ID_BCJ_SPARC,
    EncoderMethod::ID_BCJ_RISCV,
];

/// The header's entries.
pub(crate) fn list<R: Read + Seek>(mut input: R) -> Result<Vec<MemberInfo>, ArchiveError> {
    Ok(open(&mut input)?.as_ref().map(infos).unwrap_or_default())
}

/// Visits every member in directory order.
pub(crate) fn walk<R: Read + Seek>(mut input: R, visit: Visitor<'_>) -> Result<(), ArchiveError> {
    let Some(archive) = open(&mut input)? else { return Ok(()) };
    let infos = infos(&archive);
    let mut next = 0;
    for block in 0..archive.blocks.len() {
        let first = archive.stream_map.block_first_file_index.get(block).copied().unwrap_or(next);
        visit_without_data(&archive, &infos, next..first, visit)?;
        next = next.max(first);
        next = next.max(decode_block(&mut input, &archive, &infos, block, visit)?);
    }
    visit_without_data(&archive, &infos, next..infos.len(), visit)
}

/// Checks the signature header, then reads the header; `None` for an archive without members
/// (7-Zip writes the signature header alone, pointing at an empty header).
fn open<R: Read + Seek>(input: &mut R) -> Result<Option<Archive>, ArchiveError> {
    if check_start_header(input)? == Header::Empty {
        return Ok(None);
    }
    guarded(KIND, || Archive::read_with_memory_limit(input, &Password::empty(), HEADER_LIMIT_KB))?
        .map(Some)
        .map_err(header_error)
}

/// What the start header points at.
#[derive(Debug, PartialEq, Eq)]
enum Header {
    /// An empty header: the archive has no members.
    Empty,
    /// A header within the file.
    Within,
}

/// Refuses, before sevenz-rust2 sees them, the start headers it would spend too long on: an
/// empty one (an unfinished archive, for which it searches the last MiB for a header, decoding
/// at every candidate byte) and one whose header lies past the end of the file.
fn check_start_header<R: Read + Seek>(input: &mut R) -> Result<Header, ArchiveError> {
    let len = input.seek(SeekFrom::End(0)).map_err(input_error)?;
    input.seek(SeekFrom::Start(0)).map_err(input_error)?;
    let mut head: SignatureHeader = [0; 32];
    if len < SIGNATURE_HEADER_LEN {
        return Err(ArchiveError::corrupt(format!(
            "the file ends at {len} bytes, inside the 32-byte signature header"
        )));
    }
    input.read_exact(&mut head).map_err(input_error)?;
    input.seek(SeekFrom::Start(0)).map_err(input_error)?;
    if ArchiveKind::sniff(&head) != Some(KIND) {
        return Err(ArchiveError::NotAnArchive);
    }
    if head[6] != 0 {
        let what = format!("7z format version {}.{}", head[6], head[7]);
        return Err(ArchiveError::Unsupported { name: String::new(), what });
    }
    if head[8..].iter().all(|&byte| byte == 0) {
        return Err(ArchiveError::corrupt("the start header is empty (an unfinished archive)"));
    }
    let offset = le_u64(&head, 12);
    let size = le_u64(&head, 20);
    let end = SIGNATURE_HEADER_LEN.checked_add(offset).and_then(|start| start.checked_add(size));
    if end.is_none_or(|end| end > len) {
        let start = SIGNATURE_HEADER_LEN.saturating_add(offset);
        let detail = format!("the header ({size} bytes at offset {start}) runs past the end of the file ({len} bytes)");
        return Err(ArchiveError::corrupt(detail));
    }
    if size == 0 {
        // sevenz-rust2 fails on an empty header; the start header's CRC is all there is to check.
        let stored = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
        if crc32fast::hash(&head[12..]) != stored {
            return Err(ArchiveError::corrupt("CRC32 mismatch in the start header"));
        }
        return Ok(Header::Empty);
    }
    Ok(Header::Within)
}

/// The little-endian `u64` at `at` in the signature header.
fn le_u64(head: &SignatureHeader, at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&head[at..at + 8]);
    u64::from_le_bytes(bytes)
}

fn infos(archive: &Archive) -> Vec<MemberInfo> {
    archive
        .files
        .iter()
        .enumerate()
        .map(|(index, entry)| MemberInfo {
            index,
            name: entry.name.clone(),
            size: entry.size,
            crc32: if entry.has_crc { u32::try_from(entry.crc).ok() } else { None },
            is_dir: entry.is_directory,
        })
        .collect()
}

/// Visits the members in `range`, which belong to no block: they have no data.
fn visit_without_data(
    archive: &Archive,
    infos: &[MemberInfo],
    range: Range<usize>,
    visit: Visitor<'_>,
) -> Result<(), ArchiveError> {
    for index in range {
        let (Some(info), Some(entry)) = (infos.get(index), archive.files.get(index)) else { break };
        if entry.has_stream {
            return Err(ArchiveError::corrupt(format!("member {:?} has data but belongs to no block", info.name)));
        }
        let mut empty: &[u8] = &[];
        let mut reader = CheckedReader::new(&mut empty, KIND, info);
        let visited = visit(info, &mut reader);
        conclude(KIND, info, visited, reader.into_failure())?;
    }
    Ok(())
}

/// Why the walk stopped inside a block.
enum Stop {
    Error(ArchiveError),
    VisitorPanic(Box<dyn Any + Send>),
}

/// Decodes block `block`, visiting its members; returns the index after its last member.
fn decode_block<R: Read + Seek>(
    input: &mut R,
    archive: &Archive,
    infos: &[MemberInfo],
    block: usize,
    visit: Visitor<'_>,
) -> Result<usize, ArchiveError> {
    let password = Password::empty();
    let decoder = BlockDecoder::new_with_memory_limit(1, BLOCK_LIMIT_KB, block, archive, &password, input);
    let first = archive.stream_map.block_first_file_index.get(block).copied().unwrap_or(0);
    let count = guarded(KIND, || decoder.entry_count())?;
    if count == 0 {
        return Ok(first);
    }
    let end = first.saturating_add(count);
    let owner = infos.get(first).map_or("", |info| info.name.as_str());
    check_block(archive, block, owner)?;

    let mut next = first;
    let mut current: Option<&MemberInfo> = None;
    let mut stop: Option<Stop> = None;
    let outcome = guarded(KIND, || {
        decoder.for_each_entries(&mut |entry, reader| {
            let index = next;
            next += 1;
            let in_order = archive.files.get(index).is_some_and(|file| std::ptr::eq(file, entry));
            let Some(info) = infos.get(index).filter(|_| in_order) else {
                stop = Some(Stop::Error(ArchiveError::corrupt("the 7z reader handed out members out of order")));
                return Err(stopped());
            };
            current = Some(info);
            let mut checked = CheckedReader::new(reader, KIND, info);
            let visited = match panic::catch_unwind(AssertUnwindSafe(|| visit(info, &mut checked))) {
                Ok(visited) => visited,
                Err(payload) => {
                    stop = Some(Stop::VisitorPanic(payload));
                    return Err(stopped());
                }
            };
            let last = index + 1 >= end;
            let finished = checked.finished();
            if visited.is_ok() && !finished && !last && !checked.failed() {
                // The following members need this one's bytes decoded: read them, checked.
                checked.drain();
            }
            match conclude(KIND, info, visited, checked.into_failure()) {
                // Abandoning the block's last member skips decoding the rest of its data.
                Ok(()) => Ok(finished || !last),
                Err(error) => {
                    stop = Some(Stop::Error(error));
                    Err(stopped())
                }
            }
        })
    })?;
    match (outcome, stop) {
        (_, Some(Stop::VisitorPanic(payload))) => panic::resume_unwind(payload),
        (_, Some(Stop::Error(error))) => Err(error),
        (Ok(_), None) => Ok(end),
        (Err(error), None) => Err(block_error(&error, block, owner, current)),
    }
}

/// The error a callback returns to make sevenz-rust2 stop; the real reason is kept aside.
fn stopped() -> Error {
    Error::Other(Cow::Borrowed("stopped by n64-archive"))
}

/// Refuses a block this build cannot decode, or whose PPMd model is larger than its data can
/// justify, before anything is allocated for it.
fn check_block(archive: &Archive, block: usize, owner: &str) -> Result<(), ArchiveError> {
    let Some(block) = archive.blocks.get(block) else { return Ok(()) };
    let unsupported = |what: String| ArchiveError::Unsupported { name: owner.to_owned(), what };
    for coder in &block.coders {
        let id = coder.encoder_method_id();
        if id == EncoderMethod::ID_AES256_SHA256 {
            return Err(unsupported("encryption (AES-256)".to_owned()));
        }
        if !SUPPORTED.contains(&id) {
            let name = EncoderMethod::by_id(id).map_or_else(|| format!("{id:02X?}"), |method| method.name().to_owned());
            return Err(unsupported(format!("compression method {name}")));
        }
        if id == EncoderMethod::ID_PPMD
            && let Some(&[_, a, b, c, d]) = coder.properties().get(..5)
        {
            let model = u64::from(u32::from_le_bytes([a, b, c, d]));
            let data = block.get_unpack_size();
            let allowed = MODEL_LIMIT.min(MODEL_FLOOR.max(data.saturating_mul(MODEL_PER_BYTE)));
            if model > allowed {
                return Err(unsupported(format!(
                    "PPMd model of {model} bytes for {data} bytes of data (at most {allowed} accepted)"
                )));
            }
        }
    }
    Ok(())
}

/// An error seeking or reading the input before sevenz-rust2 gets it.
fn input_error(error: io::Error) -> ArchiveError {
    if error.kind() == io::ErrorKind::UnexpectedEof {
        ArchiveError::corrupt("the file ends inside the signature header")
    } else {
        ArchiveError::Io(error)
    }
}

/// An error reading the header.
fn header_error(error: Error) -> ArchiveError {
    let archive_wide = |what: String| ArchiveError::Unsupported { name: String::new(), what };
    match error {
        Error::BadSignature(_) => ArchiveError::NotAnArchive,
        Error::Io(error, _) | Error::FileOpen(error, _) if error.raw_os_error().is_some() => ArchiveError::Io(error),
        Error::UnsupportedCompressionMethod(method) if method.contains("AES") => {
            archive_wide("an encrypted header".to_owned())
        }
        Error::PasswordRequired | Error::MaybeBadPassword(_) => archive_wide("an encrypted header".to_owned()),
        Error::UnsupportedVersion { .. }
        | Error::UnsupportedCompressionMethod(_)
        | Error::MaxMemLimited { .. }
        | Error::ExternalUnsupported
        | Error::Unsupported(_) => archive_wide(format!("{} in the header", describe(&error))),
        other => ArchiveError::corrupt(format!("the header: {}", describe(&other))),
    }
}

/// An error sevenz-rust2 reported while decoding block `block`, whose first member is `owner`;
/// `current` is the member last handed to the visitor, if any.
fn block_error(error: &Error, block: usize, owner: &str, current: Option<&MemberInfo>) -> ArchiveError {
    let unsupported = |what: String| ArchiveError::Unsupported { name: owner.to_owned(), what };
    match (error, current) {
        (Error::Io(error, _), _) if error.raw_os_error().is_some() => {
            ArchiveError::Io(io::Error::from_raw_os_error(error.raw_os_error().unwrap_or_default()))
        }
        (_, Some(info)) => ArchiveError::Member {
            name: info.name.clone(),
            source: io::Error::new(io::ErrorKind::InvalidData, describe(error)),
        },
        (Error::PasswordRequired | Error::MaybeBadPassword(_), None) => unsupported("encryption".to_owned()),
        (Error::UnsupportedCompressionMethod(_) | Error::MaxMemLimited { .. } | Error::Unsupported(_), None) => {
            unsupported(describe(error))
        }
        (_, None) => ArchiveError::corrupt(format!("block {block}: {}", describe(error))),
    }
}

/// sevenz-rust2's error in words (its `Display` is its `Debug`).
pub(crate) fn describe(error: &Error) -> String {
    match error {
        Error::BadSignature(_) => "no 7z signature".to_owned(),
        Error::UnsupportedVersion { major, minor } => format!("7z format version {major}.{minor}"),
        Error::ChecksumVerificationFailed => "CRC32 mismatch".to_owned(),
        Error::NextHeaderCrcMismatch => "CRC32 mismatch in the header".to_owned(),
        Error::Io(error, context) if context.is_empty() => error.to_string(),
        Error::Io(error, context) => format!("{context}: {error}"),
        Error::FileOpen(error, _) | Error::MaybeBadPassword(error) => error.to_string(),
        Error::Other(text) | Error::Unsupported(text) => lower_first(text),
        Error::BadTerminatedStreamsInfo(id) => format!("bad end of the streams info (property {id:#04x})"),
        Error::BadTerminatedUnpackInfo => "bad end of the unpack info".to_owned(),
        Error::BadTerminatedPackInfo(id) => format!("bad end of the pack info (property {id:#04x})"),
        Error::BadTerminatedSubStreamsInfo => "bad end of the substreams info".to_owned(),
        Error::BadTerminatedHeader(id) => format!("bad end of the header (property {id:#04x})"),
        Error::ExternalUnsupported => "header data in an additional stream".to_owned(),
        Error::UnsupportedCompressionMethod(method) => format!("compression method {method}"),
        Error::MaxMemLimited { max_kb, actaul_kb } => {
            format!("a decoder needing {actaul_kb} KiB (at most {max_kb} KiB accepted)")
        }
        Error::PasswordRequired => "a password is required".to_owned(),
        Error::FileNotFound => "a member is missing".to_owned(),
    }
}
