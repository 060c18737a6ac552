//! BPS (byuu's "beat" patches, `BPS1`): apply, inspect and create.
//!
//! Layout: `BPS1`, then numbers ([`crate::varint`]) source size, target size, metadata size, the
//! metadata bytes, then actions until the 12-byte footer: source CRC32, target CRC32 and the CRC32
//! of the patch before it, each little-endian. An action is a number `(length - 1) << 2 | kind`:
//! `SourceRead` (0) copies the source at the current target offset, `TargetRead` (1) copies
//! `length` bytes from the patch, `SourceCopy` (2) and `TargetCopy` (3) carry a number
//! `abs(delta) << 1 | negative` that moves a relative offset into the source or the target written
//! so far before copying from it (a `TargetCopy` may overlap what it writes: a run).

mod apply;
mod create;
mod walk;

use std::borrow::Cow;

pub use crate::Options;
pub use apply::{apply, apply_with};
pub use create::create;

use crate::varint;

/// The magic at the start of every BPS patch.
pub const MAGIC: &[u8; 4] = b"BPS1";

/// The footer: three CRC32s.
const FOOTER: usize = 12;

/// What is wrong with a BPS patch, or with the source it is applied to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The patch is shorter than the magic, three numbers and the footer.
    #[error("patch is {len} bytes, shorter than the smallest bps patch (19 bytes)")]
    TooShort {
        /// The patch length.
        len: usize,
    },
    /// The patch does not start with `BPS1`.
    #[error("bad magic at patch offset 0: not a bps patch (expected \"BPS1\")")]
    BadMagic,
    /// A number in the patch cannot be decoded.
    #[error(transparent)]
    Number(#[from] varint::Error),
    /// The metadata runs into the footer.
    #[error("metadata of {size} bytes at patch offset {offset} runs past the actions into the footer")]
    MetadataTruncated {
        /// Where the metadata starts.
        offset: usize,
        /// Its declared size.
        size: u64,
    },
    /// The CRC32 of the patch does not match the one in its footer.
    #[error("patch crc32 is {actual:08x}, its footer says {expected:08x} (patch corrupt or truncated)")]
    PatchCrc {
        /// The CRC32 in the footer.
        expected: u32,
        /// The CRC32 of the patch.
        actual: u32,
    },
    /// The source is not the size the patch was made for.
    #[error("source is {actual} bytes, the patch expects {expected}")]
    SourceSize {
        /// The size in the patch.
        expected: u64,
        /// The source size.
        actual: u64,
    },
    /// The source's CRC32 is not the one the patch was made for.
    #[error("source crc32 is {actual:08x}, the patch expects {expected:08x} (wrong source ROM)")]
    SourceCrc {
        /// The CRC32 in the patch.
        expected: u32,
        /// The source's CRC32.
        actual: u32,
    },
    /// The declared target is larger than [`crate::MAX_OUTPUT`].
    #[error("target size {size} is larger than the limit of {limit} bytes")]
    TargetTooLarge {
        /// The declared target size.
        size: u64,
        /// [`crate::MAX_OUTPUT`].
        limit: u64,
    },
    /// A `TargetRead` runs into the footer.
    #[error("action {action} at patch offset {offset}: targetread of {len} bytes runs into the footer")]
    DataTruncated {
        /// The action number (from 0).
        action: u64,
        /// The patch offset of the action.
        offset: usize,
        /// The number of bytes it reads.
        len: u64,
    },
    /// An action writes past the declared target size.
    #[error(
        "action {action} at patch offset {offset}: writes {len} bytes at target offset {target_offset}, past the target size {target_size}"
    )]
    PastTarget {
        /// The action number (from 0).
        action: u64,
        /// The patch offset of the action.
        offset: usize,
        /// The target offset it writes at.
        target_offset: u64,
        /// The number of bytes it writes.
        len: u64,
        /// The declared target size.
        target_size: u64,
    },
    /// A `SourceRead` or `SourceCopy` reads before the start or past the end of the source.
    #[error(
        "action {action} at patch offset {offset}: reads {len} bytes at source offset {source_offset}, outside the source of {source_size} bytes"
    )]
    PastSource {
        /// The action number (from 0).
        action: u64,
        /// The patch offset of the action.
        offset: usize,
        /// The source offset read from (negative: before the start).
        source_offset: i128,
        /// The number of bytes it reads.
        len: u64,
        /// The source size.
        source_size: u64,
    },
    /// A `TargetCopy` reads before the start of the target or at or past what is written so far.
    #[error(
        "action {action} at patch offset {offset}: targetcopy from target offset {from}, outside the {written} bytes written so far"
    )]
    PastWritten {
        /// The action number (from 0).
        action: u64,
        /// The patch offset of the action.
        offset: usize,
        /// The target offset it copies from (negative: before the start).
        from: i128,
        /// The bytes of target written before it.
        written: u64,
    },
    /// The actions end before the target is complete.
    #[error("actions end at target offset {written}, short of the target size {target_size}")]
    TargetShort {
        /// The bytes written.
        written: u64,
        /// The declared target size.
        target_size: u64,
    },
    /// The target's CRC32 is not the one in the patch.
    #[error("target crc32 is {actual:08x}, the patch expects {expected:08x}")]
    TargetCrc {
        /// The CRC32 in the patch.
        expected: u32,
        /// The target's CRC32.
        actual: u32,
    },
}

/// What a BPS patch carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// The size of the source it applies to.
    pub source_size: u64,
    /// The size of the target it makes.
    pub target_size: u64,
    /// The metadata (by convention XML, UTF-8; anything goes).
    pub metadata: Vec<u8>,
    /// The source's CRC32.
    pub source_crc32: u32,
    /// The target's CRC32.
    pub target_crc32: u32,
    /// The patch's CRC32 as stored in its footer.
    pub patch_crc32: u32,
    /// Whether [`Info::patch_crc32`] matches the patch.
    pub patch_crc32_ok: bool,
    /// The number of actions.
    pub actions: u64,
}

impl Info {
    /// The metadata as text (invalid UTF-8 replaced).
    #[must_use]
    pub fn metadata_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.metadata)
    }
}

/// Reads what a patch carries, checking every action against the sizes it declares (but not
/// the patch CRC32: see [`Info::patch_crc32_ok`]).
///
/// # Errors
/// Any malformation of the patch: see [`Error`].
pub fn info(patch: &[u8]) -> Result<Info, Error> {
    let header = Header::parse(patch)?;
    let actions = walk::walk(patch, &header, header.source_size, |_| {})?;
    Ok(Info {
        source_size: header.source_size,
        target_size: header.target_size,
        metadata: patch[header.metadata.clone()].to_vec(),
        source_crc32: header.source_crc32,
        target_crc32: header.target_crc32,
        patch_crc32: header.patch_crc32,
        patch_crc32_ok: crc32fast::hash(&patch[..patch.len() - 4]) == header.patch_crc32,
        actions,
    })
}

/// The parsed header and footer of a patch.
#[derive(Debug, Clone)]
struct Header {
    source_size: u64,
    target_size: u64,
    metadata: std::ops::Range<usize>,
    /// Where the actions start and end (the footer).
    actions: std::ops::Range<usize>,
    source_crc32: u32,
    target_crc32: u32,
    patch_crc32: u32,
}

impl Header {
    fn parse(patch: &[u8]) -> Result<Header, Error> {
        if patch.len() < MAGIC.len() + 3 + FOOTER {
            if patch.len() >= MAGIC.len() && &patch[..4] != MAGIC {
                return Err(Error::BadMagic);
            }
            return Err(Error::TooShort { len: patch.len() });
        }
        if &patch[..4] != MAGIC {
            return Err(Error::BadMagic);
        }
        let end = patch.len() - FOOTER;
        let mut pos = MAGIC.len();
        let source_size = varint::decode(patch, &mut pos, end)?;
        let target_size = varint::decode(patch, &mut pos, end)?;
        let metadata_size = varint::decode(patch, &mut pos, end)?;
        let truncated = Error::MetadataTruncated { offset: pos, size: metadata_size };
        let metadata_len = usize::try_from(metadata_size).map_err(|_| truncated.clone())?;
        let metadata_end = pos.checked_add(metadata_len).filter(|&e| e <= end).ok_or(truncated)?;
        let word = |at: usize| u32::from_le_bytes([patch[at], patch[at + 1], patch[at + 2], patch[at + 3]]);
        Ok(Header {
            source_size,
            target_size,
            metadata: pos..metadata_end,
            actions: metadata_end..end,
            source_crc32: word(end),
            target_crc32: word(end + 4),
            patch_crc32: word(end + 8),
        })
    }
}
