//! UPS (byuu's `UPS1`): apply and inspect.
//!
//! Layout: `UPS1`, numbers ([`crate::varint`]) input size and output size, then hunks until the
//! 12-byte footer: a number of bytes to skip (relative to the end of the previous hunk), then
//! bytes XORed into the output, ended by a `0x00` byte that takes a position of its own. The
//! footer holds the CRC32s of the input, the output and the patch before it, little-endian.
//! Output bytes not covered by a hunk are the input's (zero past its end).
//!
//! XOR is its own inverse: a source that matches the patch's *output* (size and CRC32) is
//! patched back into the input. [`apply`] does that by itself; [`apply_with`] without source
//! verification always patches forwards.

pub use crate::Options;
use crate::{MAX_OUTPUT, varint};

/// The magic at the start of every UPS patch.
pub const MAGIC: &[u8; 4] = b"UPS1";

const FOOTER: usize = 12;

/// What is wrong with a UPS patch, or with the source it is applied to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The patch is shorter than the magic, two numbers and the footer.
    #[error("patch is {len} bytes, shorter than the smallest ups patch (18 bytes)")]
    TooShort {
        /// The patch length.
        len: usize,
    },
    /// The patch does not start with `UPS1`.
    #[error("bad magic at patch offset 0: not a ups patch (expected \"UPS1\")")]
    BadMagic,
    /// A number in the patch cannot be decoded.
    #[error(transparent)]
    Number(#[from] varint::Error),
    /// The CRC32 of the patch does not match its footer.
    #[error("patch crc32 is {actual:08x}, its footer says {expected:08x} (patch corrupt or truncated)")]
    PatchCrc {
        /// The CRC32 in the footer.
        expected: u32,
        /// The CRC32 of the patch.
        actual: u32,
    },
    /// The declared output is larger than [`MAX_OUTPUT`].
    #[error("output size {size} is larger than the limit of {limit} bytes")]
    OutputTooLarge {
        /// The declared output size.
        size: u64,
        /// [`MAX_OUTPUT`].
        limit: u64,
    },
    /// The source is neither the patch's input nor its output (size or CRC32).
    #[error(
        "source is {size} bytes with crc32 {crc32:08x}; the patch expects {input_size} bytes with crc32 {input_crc32:08x} (or its output, {output_size} bytes with crc32 {output_crc32:08x})"
    )]
    WrongSource {
        /// The source size.
        size: u64,
        /// The source CRC32.
        crc32: u32,
        /// The input size in the patch.
        input_size: u64,
        /// The input CRC32 in the patch.
        input_crc32: u32,
        /// The output size in the patch.
        output_size: u64,
        /// The output CRC32 in the patch.
        output_crc32: u32,
    },
    /// A hunk has no `0x00` terminator before the footer.
    #[error("hunk {hunk} at patch offset {offset} has no 0x00 terminator before the footer")]
    Unterminated {
        /// The hunk number (from 0).
        hunk: u64,
        /// The patch offset of the hunk.
        offset: usize,
    },
    /// A hunk changes bytes past the end of both the input and the output.
    #[error(
        "hunk {hunk} at patch offset {offset} reaches file offset {end}, past the end of both files ({limit} bytes)"
    )]
    PastEnd {
        /// The hunk number (from 0).
        hunk: u64,
        /// The patch offset of the hunk.
        offset: usize,
        /// The file offset it reaches.
        end: u128,
        /// The larger of the input and output sizes.
        limit: u64,
    },
    /// The output's CRC32 is not the one in the patch.
    #[error("output crc32 is {actual:08x}, the patch expects {expected:08x}")]
    OutputCrc {
        /// The CRC32 in the patch.
        expected: u32,
        /// The output's CRC32.
        actual: u32,
    },
}

/// What a UPS patch carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// The input (source) size.
    pub input_size: u64,
    /// The output (target) size.
    pub output_size: u64,
    /// The input's CRC32.
    pub input_crc32: u32,
    /// The output's CRC32.
    pub output_crc32: u32,
    /// The patch's CRC32 as stored in its footer.
    pub patch_crc32: u32,
    /// Whether [`Info::patch_crc32`] matches the patch.
    pub patch_crc32_ok: bool,
    /// The number of hunks.
    pub hunks: u64,
}

#[derive(Debug, Clone)]
struct Header {
    input_size: u64,
    output_size: u64,
    hunks: std::ops::Range<usize>,
    input_crc32: u32,
    output_crc32: u32,
    patch_crc32: u32,
}

impl Header {
    fn parse(patch: &[u8]) -> Result<Header, Error> {
        if patch.len() >= MAGIC.len() && &patch[..4] != MAGIC {
            return Err(Error::BadMagic);
        }
        if patch.len() < MAGIC.len() + 2 + FOOTER {
            return Err(Error::TooShort { len: patch.len() });
        }
        let end = patch.len() - FOOTER;
        let mut pos = MAGIC.len();
        let input_size = varint::decode(patch, &mut pos, end)?;
        let output_size = varint::decode(patch, &mut pos, end)?;
        let word = |at: usize| u32::from_le_bytes([patch[at], patch[at + 1], patch[at + 2], patch[at + 3]]);
        Ok(Header {
            input_size,
            output_size,
            hunks: pos..end,
            input_crc32: word(end),
            output_crc32: word(end + 4),
            patch_crc32: word(end + 8),
        })
    }

    /// Walks the hunks, calling `sink(file offset, xor bytes)` for each, and returns their count.
    fn walk(&self, patch: &[u8], mut sink: impl FnMut(u64, &[u8])) -> Result<u64, Error> {
        let limit = self.input_size.max(self.output_size);
        let mut pos = self.hunks.start;
        let mut at: u128 = 0;
        let mut hunk = 0;
        while pos < self.hunks.end {
            let offset = pos;
            at += u128::from(varint::decode(patch, &mut pos, self.hunks.end)?);
            let len =
                patch[pos..self.hunks.end].iter().position(|&b| b == 0).ok_or(Error::Unterminated { hunk, offset })?;
            // The XOR bytes must lie inside one of the files; the terminator changes nothing
            // and may sit just past both.
            let end = at + len as u128;
            if end > u128::from(limit) {
                return Err(Error::PastEnd { hunk, offset, end, limit });
            }
            #[allow(clippy::cast_possible_truncation, reason = "at <= limit, a u64")]
            sink(at as u64, &patch[pos..pos + len]);
            pos += len + 1;
            at = end + 1;
            hunk += 1;
        }
        Ok(hunk)
    }
}

/// Reads what a patch carries, checking its structure (but not its CRC32: see
/// [`Info::patch_crc32_ok`]).
///
/// # Errors
/// Any malformation of the patch: see [`Error`].
pub fn info(patch: &[u8]) -> Result<Info, Error> {
    let header = Header::parse(patch)?;
    let hunks = header.walk(patch, |_, _| {})?;
    Ok(Info {
        input_size: header.input_size,
        output_size: header.output_size,
        input_crc32: header.input_crc32,
        output_crc32: header.output_crc32,
        patch_crc32: header.patch_crc32,
        patch_crc32_ok: crc32fast::hash(&patch[..patch.len() - 4]) == header.patch_crc32,
        hunks,
    })
}

/// Applies `patch` to `source`, verifying the source (and patching an output back into its
/// input): see [`apply_with`].
///
/// ```
/// use n64_patch::ups;
/// // By hand: input "abc" (crc32 352441c2), output "abd"; skip 2, xor 0x07, end.
/// let mut patch = b"UPS1\x83\x83\x82\x07\x00".to_vec();
/// patch.extend_from_slice(&crc32fast::hash(b"abc").to_le_bytes());
/// patch.extend_from_slice(&crc32fast::hash(b"abd").to_le_bytes());
/// let crc = crc32fast::hash(&patch);
/// patch.extend_from_slice(&crc.to_le_bytes());
/// assert_eq!(ups::apply(b"abc", &patch)?, b"abd");
/// assert_eq!(ups::apply(b"abd", &patch)?, b"abc");
/// assert!(ups::apply(b"xyz", &patch).is_err());
/// # Ok::<(), ups::Error>(())
/// ```
///
/// # Errors
/// See [`apply_with`].
pub fn apply(source: &[u8], patch: &[u8]) -> Result<Vec<u8>, Error> {
    apply_with(source, patch, &Options::default())
}

/// Applies `patch` to `source`. In order: the patch CRC32, the output size against
/// [`MAX_OUTPUT`], the source (input, or output for a reverse patch, when
/// `options.verify_source`), every hunk's bounds; then the output is written and its CRC32
/// checked.
///
/// ```
/// use n64_patch::ups::{self, Options};
/// // Input "abc", output "abd": skip 2, xor 0x07, end.
/// let mut patch = b"UPS1\x83\x83\x82\x07\x00".to_vec();
/// patch.extend_from_slice(&crc32fast::hash(b"abc").to_le_bytes());
/// patch.extend_from_slice(&crc32fast::hash(b"abd").to_le_bytes());
/// let crc = crc32fast::hash(&patch);
/// patch.extend_from_slice(&crc.to_le_bytes());
/// // Unverified, any source is patched forwards; the output CRC32 still decides.
/// let lax = Options { verify_source: false };
/// assert_eq!(ups::apply_with(b"abc", &patch, &lax)?, b"abd");
/// assert!(matches!(ups::apply_with(b"xyz", &patch, &lax), Err(ups::Error::OutputCrc { .. })));
/// # Ok::<(), ups::Error>(())
/// ```
///
/// # Errors
/// Any malformation of the patch, a source that is neither the patch's input nor its output (when
/// verified), an output CRC32 that does not match: see [`Error`].
pub fn apply_with(source: &[u8], patch: &[u8], options: &Options) -> Result<Vec<u8>, Error> {
    let header = Header::parse(patch)?;
    let actual = crc32fast::hash(&patch[..patch.len() - 4]);
    if actual != header.patch_crc32 {
        return Err(Error::PatchCrc { expected: header.patch_crc32, actual });
    }
    let mut reverse = false;
    if options.verify_source {
        let size = source.len() as u64;
        let crc32 = crc32fast::hash(source);
        if size == header.input_size && crc32 == header.input_crc32 {
            reverse = false;
        } else if size == header.output_size && crc32 == header.output_crc32 {
            reverse = true;
        } else {
            return Err(Error::WrongSource {
                size,
                crc32,
                input_size: header.input_size,
                input_crc32: header.input_crc32,
                output_size: header.output_size,
                output_crc32: header.output_crc32,
            });
        }
    }
    let (size, expected) =
        if reverse { (header.input_size, header.input_crc32) } else { (header.output_size, header.output_crc32) };
    let size = usize::try_from(size)
        .ok()
        .filter(|&s| s as u64 <= MAX_OUTPUT)
        .ok_or(Error::OutputTooLarge { size, limit: MAX_OUTPUT })?;
    header.walk(patch, |_, _| {})?;
    let mut output = vec![0; size];
    let kept = size.min(source.len());
    output[..kept].copy_from_slice(&source[..kept]);
    header.walk(patch, |at, xor| {
        // `at` <= the larger file size, which fits in memory once one file is in it; bytes past
        // the output change nothing.
        let at = usize::try_from(at).unwrap_or(usize::MAX);
        if at < size {
            let n = xor.len().min(size - at);
            for (byte, x) in output[at..at + n].iter_mut().zip(xor) {
                *byte ^= x;
            }
        }
    })?;
    let actual = crc32fast::hash(&output);
    if actual != expected {
        return Err(Error::OutputCrc { expected, actual });
    }
    Ok(output)
}
