//! The IPL3 check code ("CRC1/CRC2", header 0x10..0x18): the 64-bit value Nintendo's boot code
//! computes over the first MiB after itself and compares before booting.
//!
//! The kernel reads the ROM in its stored byte order, so a `.v64` or `.n64` image is checked
//! without a converted copy. A ROM shorter than the checked range is treated as if padded
//! with zeros (the convention of chksum64 and flashcarts), and the result says so.

use std::fmt;
use std::str::FromStr;

use crate::{ByteOrder, CicKind, Error, Result};

/// Where the checked data starts (right after the boot code).
pub const DATA_OFFSET: usize = 0x1000;
/// How many bytes the boot code checks for every kind but 5101's long mode.
pub const DATA_LEN: usize = 0x10_0000;
/// How many bytes the 5101 boot code checks when the entry point is 0x80000400.
pub const DATA_LEN_5101_LONG: usize = 0x3F_E000;
/// How much of a ROM file a check of any non-5101 kind needs to read: header, boot code and 1 MiB.
pub const CHECK_PREFIX_LEN: usize = DATA_OFFSET + DATA_LEN;

/// ROM offset of the 64-word table the 6105 boot code mixes into its check code.
const X105_TABLE_OFFSET: usize = 0x750;

/// The 64-bit check code, as two big-endian words at header 0x10 and 0x14.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CheckCode {
    /// The word at 0x10 ("CRC1").
    pub crc1: u32,
    /// The word at 0x14 ("CRC2").
    pub crc2: u32,
}

impl CheckCode {
    /// The 64-bit value (CRC1 in the high half).
    pub const fn to_u64(self) -> u64 {
        ((self.crc1 as u64) << 32) | self.crc2 as u64
    }

    /// Splits a 64-bit value into its two words.
    #[allow(clippy::cast_possible_truncation)]
    pub const fn from_u64(value: u64) -> CheckCode {
        CheckCode { crc1: (value >> 32) as u32, crc2: value as u32 }
    }
}

impl fmt::Display for CheckCode {
    /// Sixteen upper-case hex digits, CRC1 first: `"B5AF61E1B7EF19E2"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08X}{:08X}", self.crc1, self.crc2)
    }
}

impl FromStr for CheckCode {
    type Err = Error;

    /// Parses 16 hex digits, optionally split by a space or colon after the first 8.
    fn from_str(s: &str) -> Result<Self> {
        let digits: String = s.chars().filter(|c| !matches!(c, ' ' | ':' | '_')).collect();
        let digits = digits.strip_prefix("0x").unwrap_or(&digits);
        if digits.len() != 16 {
            return Err(Error::CheckCodeSyntax { text: s.to_owned() });
        }
        u64::from_str_radix(digits, 16)
            .map(CheckCode::from_u64)
            .map_err(|_| Error::CheckCodeSyntax { text: s.to_owned() })
    }
}

/// A computed check code and how it was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Computed {
    /// The value the boot code would expect at 0x10..0x18.
    pub code: CheckCode,
    /// Whether the ROM was shorter than the checked range and counted as zero-padded.
    pub padded: bool,
    /// How many bytes after 0x1000 were checked (1 MiB, or 0x3FE000 for 5101's long mode).
    pub data_len: usize,
}

/// How many bytes after 0x1000 the boot code of `kind` checks, given the header boot address.
///
/// ```
/// use n64_core::{check_code, CicKind};
/// assert_eq!(check_code::data_len(CicKind::Cic6102, 0x8000_0400), 0x10_0000);
/// assert_eq!(check_code::data_len(CicKind::Cic5101, 0x8010_0400), 0x3F_E000);
/// ```
pub fn data_len(kind: CicKind, boot_address: u32) -> usize {
    if kind == CicKind::Cic5101 && kind.entry_point(boot_address) == 0x8000_0400 {
        DATA_LEN_5101_LONG
    } else {
        DATA_LEN
    }
}

/// Computes the check code of `rom` (stored in `order`, starting at ROM offset 0) for `kind`.
///
/// `rom` may be the whole image or just its first [`CHECK_PREFIX_LEN`] bytes; anything shorter
/// than the checked range counts as zero-padded. Errors: the 64DD kinds have no header check
/// code, and a length that is not a whole number of the order's units is refused.
///
/// ```
/// use n64_core::{check_code, ByteOrder, CicKind};
/// // A published vector (anchors §2.3): header, boot code and body all zero.
/// let rom = vec![0u8; 0x10_1000];
/// let computed = check_code::compute(&rom, ByteOrder::Z64, CicKind::Cic6102)?;
/// assert_eq!(computed.code.to_string(), "F8CA4DDC303A4DDC");
/// assert!(!computed.padded);
/// // A 4 KiB image is computed as if zero-padded to 0x101000 bytes.
/// let short = check_code::compute(&rom[..0x1000], ByteOrder::Z64, CicKind::Cic6102)?;
/// assert_eq!((short.code, short.padded), (computed.code, true));
/// # Ok::<(), n64_core::Error>(())
/// ```
pub fn compute(rom: &[u8], order: ByteOrder, kind: CicKind) -> Result<Computed> {
    order.check_len(rom.len())?;
    let (Some(seed), Some(magic)) = (kind.check_code_seed(), kind.check_code_magic()) else {
        return Err(Error::CheckCodeInBootCode { cic: kind });
    };
    let boot_address = word_at(rom, order, 0x08);
    let data_len = data_len(kind, boot_address);
    let start = DATA_OFFSET.min(rom.len());
    let end = (DATA_OFFSET + data_len).min(rom.len());
    let data = &rom[start..end];
    let padded = data.len() < data_len;

    let init = seed.wrapping_mul(magic).wrapping_add(1);
    let state = match (order, kind == CicKind::Cic6105) {
        (ByteOrder::Z64, false) => run(data, data_len, init, None, |b| ByteOrder::Z64.read_word(b)),
        (ByteOrder::V64, false) => run(data, data_len, init, None, |b| ByteOrder::V64.read_word(b)),
        (ByteOrder::N64, false) => run(data, data_len, init, None, |b| ByteOrder::N64.read_word(b)),
        (_, true) => {
            let mut table = [0u32; 64];
            for (i, entry) in table.iter_mut().enumerate() {
                *entry = word_at(rom, order, X105_TABLE_OFFSET + 4 * i);
            }
            match order {
                ByteOrder::Z64 => run(data, data_len, init, Some(&table), |b| ByteOrder::Z64.read_word(b)),
                ByteOrder::V64 => run(data, data_len, init, Some(&table), |b| ByteOrder::V64.read_word(b)),
                ByteOrder::N64 => run(data, data_len, init, Some(&table), |b| ByteOrder::N64.read_word(b)),
            }
        }
    };
    Ok(Computed { code: state.finish(kind), padded, data_len })
}

/// Reads the big-endian word at ROM `offset` (a multiple of 4) from stored bytes, counting
/// missing bytes as zero.
fn word_at(rom: &[u8], order: ByteOrder, offset: usize) -> u32 {
    let mut stored = [0u8; 4];
    if let Some(available) = rom.get(offset..) {
        let n = available.len().min(4);
        stored[..n].copy_from_slice(&available[..n]);
    }
    order.read_word(stored)
}

/// The accumulators of the boot code's loop (register names as in ipl3checksum).
///
/// `a3` and `t2` (the running sum and its count of 32-bit carries) are kept together as one
/// 64-bit sum, which is what they are; the rest are as the boot code keeps them.
#[derive(Clone, Copy)]
struct State {
    init: u32,
    sum: u64,
    t3: u32,
    s0: u32,
    a2: u32,
    t4: u32,
}

impl State {
    fn new(init: u32) -> State {
        State { init, sum: u64::from(init), t3: init, s0: init, a2: init, t4: init }
    }

    #[inline(always)]
    fn step(&mut self, d: u32, mix: Option<u32>) {
        self.sum += u64::from(d);
        #[allow(clippy::cast_possible_truncation)]
        let a1 = self.sum as u32;
        let a0 = d.rotate_left(d & 31);
        self.t3 ^= d;
        self.s0 = self.s0.wrapping_add(a0);
        // The comparison is data-dependent and random for real ROM data: a branch would be
        // mispredicted half the time, so ask for a conditional move. The loop-carried chain
        // through a2 (compare, select, xor) bounds the kernel's speed; see docs/PERFORMANCE.md.
        self.a2 ^= std::hint::select_unpredictable(self.a2 < d, a1 ^ d, a0);
        self.t4 = self.t4.wrapping_add(d ^ mix.unwrap_or(self.s0));
    }

    /// Runs `count` zero words, starting at word `index`, in closed form. A zero word leaves
    /// every accumulator but `t4` as it is (no carry, a zero rotation, and `a2 < 0` never holds,
    /// so `a2 ^= 0`), and adds `s0` (or the 6105 table entry) to `t4`.
    #[allow(clippy::cast_possible_truncation)]
    fn pad_with_zero_words(&mut self, count: usize, index: usize, table: Option<&[u32; 64]>) {
        match table {
            None => self.t4 = self.t4.wrapping_add(self.s0.wrapping_mul(count as u32)),
            Some(table) => {
                let cycle = table.iter().fold(0u32, |sum, &t| sum.wrapping_add(t));
                let partial = (0..count % 64).fold(0u32, |sum, k| sum.wrapping_add(table[(index + k) & 63]));
                self.t4 = self.t4.wrapping_add(cycle.wrapping_mul((count / 64) as u32)).wrapping_add(partial);
            }
        }
    }

    fn finish(self, kind: CicKind) -> CheckCode {
        #[allow(clippy::cast_possible_truncation)]
        let (a3, t2) = (self.sum as u32, self.init.wrapping_add((self.sum >> 32) as u32));
        let State { t3, s0, a2, t4, .. } = self;
        match kind {
            CicKind::Cic6103 | CicKind::Cic5101 => {
                CheckCode { crc1: (a3 ^ t2).wrapping_add(t3), crc2: (s0 ^ a2).wrapping_add(t4) }
            }
            CicKind::Cic6106 => {
                CheckCode { crc1: a3.wrapping_mul(t2).wrapping_add(t3), crc2: s0.wrapping_mul(a2).wrapping_add(t4) }
            }
            _ => CheckCode { crc1: a3 ^ t2 ^ t3, crc2: s0 ^ a2 ^ t4 },
        }
    }
}

/// Runs the loop over `data` (stored bytes, at most `data_len` of them), then accounts for the
/// zero words up to `data_len`. `table` is the 6105 mixing table; `None` mixes with `s0` as the other kinds do.
#[inline(always)]
fn run(data: &[u8], data_len: usize, init: u32, table: Option<&[u32; 64]>, read: impl Fn([u8; 4]) -> u32) -> State {
    let mut state = State::new(init);
    let mut chunks = data.chunks_exact(4);
    match table {
        None => {
            for chunk in &mut chunks {
                state.step(read([chunk[0], chunk[1], chunk[2], chunk[3]]), None);
            }
        }
        Some(table) => {
            for (index, chunk) in (&mut chunks).enumerate() {
                state.step(read([chunk[0], chunk[1], chunk[2], chunk[3]]), Some(table[index & 63]));
            }
        }
    }
    let mut index = data.len() / 4;
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut stored = [0u8; 4];
        stored[..tail.len()].copy_from_slice(tail);
        state.step(read(stored), table.map(|t| t[index & 63]));
        index += 1;
    }
    state.pad_with_zero_words((data_len / 4).saturating_sub(index), index, table);
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse_round_trip() {
        let code = CheckCode { crc1: 0xB5AF_61E1, crc2: 0xB7EF_19E2 };
        assert_eq!(code.to_string(), "B5AF61E1B7EF19E2");
        assert_eq!("b5af61e1 b7ef19e2".parse::<CheckCode>().unwrap(), code);
        assert!("b5af61e1".parse::<CheckCode>().is_err());
    }

    #[test]
    fn the_64dd_kinds_have_no_header_check_code() {
        let rom = [0u8; 0x1000];
        assert!(matches!(
            compute(&rom, ByteOrder::Z64, CicKind::Cic8303),
            Err(Error::CheckCodeInBootCode { cic: CicKind::Cic8303 })
        ));
    }

    #[test]
    fn an_odd_n64_length_is_an_error() {
        assert!(matches!(
            compute(&[0u8; 0x1002], ByteOrder::N64, CicKind::Cic6102),
            Err(Error::UnalignedLength { .. })
        ));
    }
}
