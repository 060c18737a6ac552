//! Making an IPS patch from a source and a target.

use super::Error;

/// The first offset a 24-bit IPS offset cannot reach.
const IPS_LIMIT: usize = 0x100_0000;

/// The offset that reads as `EOF`: no record may start there.
const EOF_OFFSET: usize = 0x45_4F46;

/// The most bytes one record can write.
const MAX_RECORD: usize = 0xFFFF;

/// A record header: 3 offset bytes and 2 size bytes.
const HEADER: usize = 5;

/// An RLE record: header, 2 count bytes and the fill byte.
const RLE_RECORD: usize = HEADER + 3;

/// Makes an IPS patch that turns `source` into `target`: a record for each run of differing
/// bytes, RLE records for runs of one byte where they are shorter, never a record starting at
/// `0x454F46` (which reads as `EOF`), and a truncation size after `EOF` when the target is
/// shorter than the source. When the target is longer, its last byte is always written so the
/// output grows to the target's size.
///
/// Refused ([`Error::BeyondIpsRange`]) when any change, or a shorter target's size, lies at or
/// beyond 16 MiB: use BPS for those.
///
/// ```
/// let source = b"hello world";
/// let target = b"hello there, world";
/// let patch = n64_patch::ips::create(source, target)?;
/// assert_eq!(n64_patch::ips::apply(source, &patch)?, target);
/// # Ok::<(), n64_patch::ips::Error>(())
/// ```
pub fn create(source: &[u8], target: &[u8]) -> Result<Vec<u8>, Error> {
    let differs = |i: usize| match source.get(i) {
        Some(&s) => s != target[i],
        None => target[i] != 0 || i + 1 == target.len(),
    };
    let mut patch = b"PATCH".to_vec();
    let mut i = 0;
    while i < target.len() {
        if !differs(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < target.len() && differs(i) {
            i += 1;
        }
        if i > IPS_LIMIT {
            return Err(Error::BeyondIpsRange { offset: start.max(IPS_LIMIT) as u64 });
        }
        encode_run(&mut patch, target, start, i);
    }
    patch.extend_from_slice(b"EOF");
    if target.len() < source.len() {
        if target.len() >= IPS_LIMIT {
            return Err(Error::BeyondIpsRange { offset: target.len() as u64 });
        }
        patch.extend_from_slice(&u24(target.len()));
    }
    Ok(patch)
}

/// Encodes the run `target[start..end]` of differing bytes as literal and RLE records,
/// choosing RLE for a group of equal bytes when that makes the patch smaller.
fn encode_run(patch: &mut Vec<u8>, target: &[u8], start: usize, end: usize) {
    let mut literal: Option<usize> = None;
    let mut g = start;
    while g < end {
        let value = target[g];
        let n = target[g..end].iter().take_while(|&&b| b == value).count();
        let at_end = g + n == end;
        let as_literal = n + if literal.is_some() { 0 } else { HEADER };
        let as_rle = RLE_RECORD * n.div_ceil(MAX_RECORD) + if at_end { 0 } else { HEADER };
        if as_rle < as_literal {
            if let Some(from) = literal.take() {
                emit_literal(patch, target, from, g);
            }
            let mut at = g;
            while at < g + n {
                let count = (g + n - at).min(MAX_RECORD);
                emit_rle(patch, target, at, count, value);
                at += count;
            }
        } else if literal.is_none() {
            literal = Some(g);
        }
        g += n;
    }
    if let Some(from) = literal {
        emit_literal(patch, target, from, end);
    }
}

/// Writes `target[from..to]` as literal records of at most 0xFFFF bytes.
fn emit_literal(patch: &mut Vec<u8>, target: &[u8], from: usize, to: usize) {
    let mut at = from;
    while at < to {
        let len = (to - at).min(MAX_RECORD);
        if at == EOF_OFFSET {
            // Start one byte earlier: a 2-byte record, then the rest.
            record(patch, at - 1, &target[at - 1..=at]);
            if len > 1 {
                record(patch, at + 1, &target[at + 1..at + len]);
            }
        } else {
            record(patch, at, &target[at..at + len]);
        }
        at += len;
    }
}

/// Writes an RLE record of `count` (1..=0xFFFF) copies of `value` at `at`.
fn emit_rle(patch: &mut Vec<u8>, target: &[u8], at: usize, count: usize, value: u8) {
    if at == EOF_OFFSET {
        record(patch, at - 1, &target[at - 1..=at]);
        if count > 1 {
            rle(patch, at + 1, count - 1, value);
        }
    } else {
        rle(patch, at, count, value);
    }
}

fn record(patch: &mut Vec<u8>, offset: usize, bytes: &[u8]) {
    patch.extend_from_slice(&u24(offset));
    patch.extend_from_slice(&u16::try_from(bytes.len()).expect("at most 0xffff").to_be_bytes());
    patch.extend_from_slice(bytes);
}

fn rle(patch: &mut Vec<u8>, offset: usize, count: usize, value: u8) {
    patch.extend_from_slice(&u24(offset));
    patch.extend_from_slice(&[0, 0]);
    patch.extend_from_slice(&u16::try_from(count).expect("at most 0xffff").to_be_bytes());
    patch.push(value);
}

/// The low 24 bits of `value`, big-endian (callers keep it below 16 MiB).
fn u24(value: usize) -> [u8; 3] {
    debug_assert!(value < IPS_LIMIT);
    let [_, a, b, c] = u32::try_from(value).expect("below 16 MiB").to_be_bytes();
    [a, b, c]
}
