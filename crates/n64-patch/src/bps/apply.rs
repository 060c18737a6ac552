//! Applying a BPS patch.

use super::walk::{Step, walk};
use super::{Error, Header};
use crate::{MAX_OUTPUT, Options};

/// Applies `patch` to `source`, verifying the source: see [`apply_with`].
///
/// ```
/// use n64_patch::bps;
/// let source = b"hello, world".to_vec();
/// let target = b"hello, brave new world".to_vec();
/// let patch = bps::create(&source, &target, b"");
/// assert_eq!(bps::apply(&source, &patch)?, target);
/// assert!(bps::apply(b"another source", &patch).is_err());
/// # Ok::<(), bps::Error>(())
/// ```
///
/// # Errors
/// See [`apply_with`].
pub fn apply(source: &[u8], patch: &[u8]) -> Result<Vec<u8>, Error> {
    apply_with(source, patch, &Options::default())
}

/// Applies `patch` to `source`. In order: the patch CRC32, the target size against
/// [`MAX_OUTPUT`], the source size and CRC32 (when `options.verify_source`), every action's
/// bounds; only then is the target allocated and written, and its CRC32 checked.
///
/// ```
/// use n64_patch::bps::{self, Options};
/// let patch = bps::create(b"the quick brown fox", b"the quick brown cat", b"");
/// // Another source: refused, unless not verified (then the target CRC32 decides).
/// let other = b"THE QUICK brown fox!";
/// assert!(matches!(bps::apply(other, &patch), Err(bps::Error::SourceSize { .. })));
/// let lax = Options { verify_source: false };
/// assert!(matches!(bps::apply_with(other, &patch, &lax), Err(bps::Error::TargetCrc { .. })));
/// assert_eq!(bps::apply_with(b"the quick brown fox, too", &patch, &lax)?, b"the quick brown cat");
/// # Ok::<(), bps::Error>(())
/// ```
///
/// # Errors
/// Any malformation of the patch, a source that is not the patch's (when verified), a target CRC32
/// that does not match: see [`Error`]. Nothing is returned but the error.
pub fn apply_with(source: &[u8], patch: &[u8], options: &Options) -> Result<Vec<u8>, Error> {
    let header = Header::parse(patch)?;
    let actual = crc32fast::hash(&patch[..patch.len() - 4]);
    if actual != header.patch_crc32 {
        return Err(Error::PatchCrc { expected: header.patch_crc32, actual });
    }
    let target_size = usize::try_from(header.target_size)
        .ok()
        .filter(|&size| size as u64 <= MAX_OUTPUT)
        .ok_or(Error::TargetTooLarge { size: header.target_size, limit: MAX_OUTPUT })?;
    let source_len = source.len() as u64;
    if options.verify_source {
        if source_len != header.source_size {
            return Err(Error::SourceSize { expected: header.source_size, actual: source_len });
        }
        let actual = crc32fast::hash(source);
        if actual != header.source_crc32 {
            return Err(Error::SourceCrc { expected: header.source_crc32, actual });
        }
    }
    walk(patch, &header, source_len, |_| {})?;
    let mut target = Vec::with_capacity(target_size);
    walk(patch, &header, source_len, |step| match step {
        Step::Source { from, len } => target.extend_from_slice(&source[from..from + len]),
        Step::Patch { from, len } => target.extend_from_slice(&patch[from..from + len]),
        Step::Target { mut from, len } => {
            // Byte by byte, a copy that overlaps what it writes repeats it; copying in chunks no
            // longer than the distance to the end gives the same bytes.
            let mut left = len;
            while left > 0 {
                let chunk = left.min(target.len() - from);
                target.extend_from_within(from..from + chunk);
                from += chunk;
                left -= chunk;
            }
        }
    })?;
    let actual = crc32fast::hash(&target);
    if actual != header.target_crc32 {
        return Err(Error::TargetCrc { expected: header.target_crc32, actual });
    }
    Ok(target)
}
