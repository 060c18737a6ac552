//! Creating a BPS patch with a delta encoder: copies are found in the source (at the same offset,
//! `SourceRead`, or anywhere, `SourceCopy`) and in the target already written (`TargetCopy`,
//! including runs), through hash tables of 8-byte anchors; matches extend forward and backward
//! into pending literals, and the one that saves the most bytes wins.

use super::{FOOTER, MAGIC};
use crate::varint;

/// Bytes hashed to find a match.
const ANCHOR: usize = 8;
/// A table slot with no position.
const EMPTY: u32 = u32::MAX;

/// Makes a patch that turns `source` into `target`, carrying `metadata`.
///
/// ```
/// use n64_patch::bps;
/// let source: Vec<u8> = (0..4096_u32).map(|i| (i * 7 % 251) as u8).collect();
/// let mut target = source.clone();
/// target[100] ^= 0xff;
/// target.extend_from_slice(&source[..1000]);
/// let patch = bps::create(&source, &target, b"<patch/>");
/// assert!(patch.len() < 64);
/// assert_eq!(bps::apply(&source, &patch)?, target);
/// assert_eq!(bps::info(&patch)?.metadata, b"<patch/>");
/// # Ok::<(), bps::Error>(())
/// ```
#[must_use]
pub fn create(source: &[u8], target: &[u8], metadata: &[u8]) -> Vec<u8> {
    let mut encoder = Encoder::new(source, target);
    varint::encode(source.len() as u64, &mut encoder.out);
    varint::encode(target.len() as u64, &mut encoder.out);
    varint::encode(metadata.len() as u64, &mut encoder.out);
    encoder.out.extend_from_slice(metadata);
    encoder.run();
    let mut out = encoder.out;
    out.extend_from_slice(&crc32fast::hash(source).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(target).to_le_bytes());
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    debug_assert!(out.len() >= MAGIC.len() + 3 + FOOTER);
    out
}

/// Where a match copies from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum From {
    /// The source at the same offset.
    SourceRead,
    /// The source at this offset.
    Source(usize),
    /// The target at this offset.
    Target(usize),
}

/// A candidate: copy `len` bytes from `from`, starting `back` bytes before the current offset.
#[derive(Debug, Clone, Copy)]
struct Match {
    from: From,
    back: usize,
    len: usize,
    gain: i64,
}

struct Encoder<'a> {
    source: &'a [u8],
    target: &'a [u8],
    out: Vec<u8>,
    source_table: Vec<u32>,
    target_table: Vec<u32>,
    source_bits: u32,
    target_bits: u32,
    source_rel: usize,
    target_rel: usize,
}

impl<'a> Encoder<'a> {
    fn new(source: &'a [u8], target: &'a [u8]) -> Encoder<'a> {
        let source_bits = table_bits(source.len());
        let target_bits = table_bits(target.len());
        let mut source_table = vec![EMPTY; 1 << source_bits];
        if source.len() >= ANCHOR {
            let last = (source.len() - ANCHOR).min(EMPTY as usize - 1);
            for pos in 0..=last {
                source_table[hash(source, pos, source_bits)] = to_u32(pos);
            }
        }
        Encoder {
            source,
            target,
            out: MAGIC.to_vec(),
            source_table,
            target_table: vec![EMPTY; 1 << target_bits],
            source_bits,
            target_bits,
            source_rel: 0,
            target_rel: 0,
        }
    }

    fn run(&mut self) {
        let target = self.target;
        let mut pos = 0;
        let mut pending = 0;
        while pos < target.len() {
            if let Some(best) = self.best_match(pos, pending) {
                let start = pos - best.back;
                self.literals(pending, start);
                self.copy(best, start);
                pos = start + best.len;
                pending = pos;
                continue;
            }
            if pos + ANCHOR <= target.len() && pos < EMPTY as usize {
                self.target_table[hash(target, pos, self.target_bits)] = to_u32(pos);
            }
            pos += 1;
        }
        self.literals(pending, target.len());
    }

    /// The best match at target offset `pos`, extending back no further than `floor`.
    fn best_match(&self, pos: usize, floor: usize) -> Option<Match> {
        let (source, target) = (self.source, self.target);
        let mut best: Option<Match> = None;
        let mut consider = |from: From, back: usize, len: usize, gain: i64| {
            if gain > 0 && best.is_none_or(|b| gain > b.gain) {
                best = Some(Match { from, back, len: back + len, gain });
            }
        };
        if pos < source.len() {
            let len = common(&source[pos..], &target[pos..]);
            if len > 0 {
                let back = common_back(source, pos, target, pos, floor);
                let total = back + len;
                consider(From::SourceRead, back, len, gain(total, header_len(total)));
            }
        }
        if pos + ANCHOR <= target.len() {
            let slot = self.source_table[hash(target, pos, self.source_bits)];
            if slot != EMPTY {
                let at = slot as usize;
                let len = common(&source[at..], &target[pos..]);
                if len >= ANCHOR {
                    let back = common_back(source, at, target, pos, floor);
                    let total = back + len;
                    let cost = header_len(total) + offset_len(self.source_rel, at - back);
                    consider(From::Source(at - back), back, len, gain(total, cost));
                }
            }
            let slot = self.target_table[hash(target, pos, self.target_bits)];
            if slot != EMPTY {
                let at = slot as usize;
                let len = common(&target[at..], &target[pos..]);
                if len >= ANCHOR {
                    let back = common_back(target, at, target, pos, floor);
                    let total = back + len;
                    let cost = header_len(total) + offset_len(self.target_rel, at - back);
                    consider(From::Target(at - back), back, len, gain(total, cost));
                }
            }
        }
        if pos > 0 {
            // A run: copy from one byte back.
            let len = common(&target[pos - 1..], &target[pos..]);
            if len >= 4 {
                let cost = header_len(len) + offset_len(self.target_rel, pos - 1);
                consider(From::Target(pos - 1), 0, len, gain(len, cost));
            }
        }
        best
    }

    /// Emits `target[from..to]` as one `TargetRead`.
    fn literals(&mut self, from: usize, to: usize) {
        if to > from {
            self.command(1, to - from);
            self.out.extend_from_slice(&self.target[from..to]);
        }
    }

    /// Emits a copy to target offset `start`.
    fn copy(&mut self, found: Match, start: usize) {
        match found.from {
            From::SourceRead => self.command(0, found.len),
            From::Source(at) => {
                self.command(2, found.len);
                encode_offset(&mut self.out, self.source_rel, at);
                self.source_rel = at + found.len;
            }
            From::Target(at) => {
                debug_assert!(at < start);
                self.command(3, found.len);
                encode_offset(&mut self.out, self.target_rel, at);
                self.target_rel = at + found.len;
            }
        }
    }

    fn command(&mut self, kind: u64, len: usize) {
        varint::encode(((len as u64 - 1) << 2) | kind, &mut self.out);
    }
}

/// What a copy of `total` bytes saves over literals, given its encoded `cost`.
fn gain(total: usize, cost: usize) -> i64 {
    i64::try_from(total).unwrap_or(i64::MAX) - i64::try_from(cost + 1).unwrap_or(i64::MAX)
}

/// The encoded length of an action header for `len` bytes.
fn header_len(len: usize) -> usize {
    varint_len((len as u64 - 1) << 2)
}

/// The encoded length of the relative offset from `rel` to `to`.
fn offset_len(rel: usize, to: usize) -> usize {
    varint_len((rel.abs_diff(to) as u64) << 1)
}

fn encode_offset(out: &mut Vec<u8>, rel: usize, to: usize) {
    let negative = u64::from(to < rel);
    varint::encode(((rel.abs_diff(to) as u64) << 1) | negative, out);
}

fn varint_len(mut value: u64) -> usize {
    let mut len = 1;
    while value >= 0x80 {
        value = (value >> 7) - 1;
        len += 1;
    }
    len
}

fn table_bits(len: usize) -> u32 {
    len.max(1).next_power_of_two().trailing_zeros().clamp(8, 24)
}

fn to_u32(pos: usize) -> u32 {
    u32::try_from(pos).unwrap_or(EMPTY)
}

/// The table slot of the anchor at `bytes[pos..pos + ANCHOR]`.
fn hash(bytes: &[u8], pos: usize, bits: u32) -> usize {
    let mut word = [0; ANCHOR];
    word.copy_from_slice(&bytes[pos..pos + ANCHOR]);
    let mixed = u64::from_le_bytes(word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    usize::try_from(mixed >> (64 - bits)).unwrap_or(0)
}

/// The length of the common prefix of `a` and `b`.
fn common(a: &[u8], b: &[u8]) -> usize {
    let mut len = 0;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let mut wx = [0; 8];
        let mut wy = [0; 8];
        wx.copy_from_slice(x);
        wy.copy_from_slice(y);
        let diff = u64::from_le_bytes(wx) ^ u64::from_le_bytes(wy);
        if diff != 0 {
            return len + (diff.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    len + a[len..].iter().zip(&b[len..]).take_while(|(x, y)| x == y).count()
}

/// How many bytes before `a[at]` and `b[pos]` match, with `pos - n` staying at or after `floor`.
fn common_back(a: &[u8], at: usize, b: &[u8], pos: usize, floor: usize) -> usize {
    let limit = at.min(pos - floor);
    (1..=limit).take_while(|&k| a[at - k] == b[pos - k]).count()
}
