//! Decoding and bounds-checking the actions of a patch, without touching any data: the apply
//! pass calls it twice, once to validate, once to write.

use super::{Error, Header};
use crate::varint;

/// One action, resolved to absolute positions that are known to be in bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// Copy `len` source bytes from `from` (a `SourceRead` has `from` = the target offset).
    Source { from: usize, len: usize },
    /// Copy `len` patch bytes from patch offset `from`.
    Patch { from: usize, len: usize },
    /// Copy `len` target bytes from `from`, which is before the current target offset (the copy
    /// may overlap what it writes).
    Target { from: usize, len: usize },
}

/// Walks every action of `patch` (header already parsed) against a source of `source_len` bytes,
/// calling `sink` with each, and returns the number of actions. Every bound is checked before
/// `sink` sees the step; the steps together write exactly `header.target_size` bytes.
pub(super) fn walk(patch: &[u8], header: &Header, source_len: u64, mut sink: impl FnMut(Step)) -> Result<u64, Error> {
    let end = header.actions.end;
    let target_size = header.target_size;
    let mut pos = header.actions.start;
    let mut out: u64 = 0;
    let mut source_rel: i128 = 0;
    let mut target_rel: i128 = 0;
    let mut action: u64 = 0;
    while pos < end {
        let offset = pos;
        let word = varint::decode(patch, &mut pos, end)?;
        let kind = word & 3;
        let len = (word >> 2) + 1;
        if len > target_size - out {
            return Err(Error::PastTarget { action, offset, target_offset: out, len, target_size });
        }
        // `out + len` <= target size, which fits in usize once the caller checked it against the
        // limit; info() walks unchecked sizes but never indexes with them.
        let ulen = usize::try_from(len).unwrap_or(usize::MAX);
        let past_source =
            |from: i128| Error::PastSource { action, offset, source_offset: from, len, source_size: source_len };
        let step = match kind {
            0 => {
                let from = i128::from(out);
                if i128::from(out) + i128::from(len) > i128::from(source_len) {
                    return Err(past_source(from));
                }
                Step::Source { from: to_usize(from), len: ulen }
            }
            1 => {
                let from = pos;
                if len > (end - pos) as u64 {
                    return Err(Error::DataTruncated { action, offset, len });
                }
                pos += ulen;
                Step::Patch { from, len: ulen }
            }
            2 => {
                source_rel += delta(varint::decode(patch, &mut pos, end)?);
                let from = source_rel;
                if from < 0 || from + i128::from(len) > i128::from(source_len) {
                    return Err(past_source(from));
                }
                source_rel += i128::from(len);
                Step::Source { from: to_usize(from), len: ulen }
            }
            _ => {
                target_rel += delta(varint::decode(patch, &mut pos, end)?);
                let from = target_rel;
                if from < 0 || from >= i128::from(out) {
                    return Err(Error::PastWritten { action, offset, from, written: out });
                }
                target_rel += i128::from(len);
                Step::Target { from: to_usize(from), len: ulen }
            }
        };
        sink(step);
        out += len;
        action += 1;
    }
    if out != target_size {
        return Err(Error::TargetShort { written: out, target_size });
    }
    Ok(action)
}

/// A relative offset: `abs << 1 | negative`.
fn delta(word: u64) -> i128 {
    let magnitude = i128::from(word >> 1);
    if word & 1 == 1 { -magnitude } else { magnitude }
}

/// A checked, non-negative position below a size that fits in memory.
fn to_usize(value: i128) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}
