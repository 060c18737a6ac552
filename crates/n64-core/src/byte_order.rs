//! The three byte orders N64 ROM images are stored in, and conversion between them.
//!
//! | order | also called | stored bytes of the big-endian word `b0 b1 b2 b3` |
//! |-------|-------------|----------------------------------------------------|
//! | z64   | big-endian, native | `b0 b1 b2 b3` |
//! | v64   | byte-swapped, 2143 | `b1 b0 b3 b2` |
//! | n64   | little-endian, 4321 | `b3 b2 b1 b0` |
//!
//! Conversions run in place, in one pass, without allocating.

use std::fmt;
use std::str::FromStr;

use crate::{Error, NameKind, Result};

/// First words (as big-endian values) that mark the start of an N64 image.
///
/// `0x8037_1240` is what every retail cartridge uses, `0x8027_0740` is the 64DD IPL's,
/// and `0x8037_1241` appears in some public-domain ROMs (uCON64 accepts it).
pub const KNOWN_MAGICS: [u32; 3] = [0x8037_1240, 0x8027_0740, 0x8037_1241];

/// How the bytes of a ROM image are ordered in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ByteOrder {
    /// Big-endian, the console's own order (`.z64`).
    Z64,
    /// Every pair of bytes swapped (`.v64`).
    V64,
    /// Every four bytes reversed (`.n64`).
    N64,
}

impl ByteOrder {
    /// All orders, big-endian first.
    pub const ALL: [ByteOrder; 3] = [ByteOrder::Z64, ByteOrder::V64, ByteOrder::N64];

    /// The short name, also the usual file extension: `"z64"`, `"v64"` or `"n64"`.
    pub const fn name(self) -> &'static str {
        match self {
            ByteOrder::Z64 => "z64",
            ByteOrder::V64 => "v64",
            ByteOrder::N64 => "n64",
        }
    }

    /// The size in bytes of the unit this order permutes: a file in this order must be a whole
    /// number of them.
    pub const fn unit(self) -> usize {
        match self {
            ByteOrder::Z64 => 1,
            ByteOrder::V64 => 2,
            ByteOrder::N64 => 4,
        }
    }

    /// Recognises the order from the first four stored bytes, if they are one of
    /// [`KNOWN_MAGICS`] in some order.
    ///
    /// ```
    /// use n64_core::ByteOrder;
    /// assert_eq!(ByteOrder::from_magic([0x37, 0x80, 0x40, 0x12]), Some(ByteOrder::V64));
    /// assert_eq!(ByteOrder::from_magic([0x40, 0x12, 0x37, 0x80]), Some(ByteOrder::N64));
    /// assert_eq!(ByteOrder::from_magic(*b"PK\x03\x04"), None);
    /// ```
    pub fn from_magic(first: [u8; 4]) -> Option<ByteOrder> {
        ByteOrder::ALL.into_iter().find(|order| KNOWN_MAGICS.contains(&order.read_word(first)))
    }

    /// Decodes one stored 4-byte group (aligned on a multiple of 4) into its big-endian value.
    ///
    /// ```
    /// use n64_core::ByteOrder;
    /// assert_eq!(ByteOrder::V64.read_word([0x37, 0x80, 0x40, 0x12]), 0x8037_1240);
    /// ```
    #[inline(always)]
    pub const fn read_word(self, stored: [u8; 4]) -> u32 {
        match self {
            ByteOrder::Z64 => u32::from_be_bytes(stored),
            ByteOrder::V64 => u32::from_le_bytes(stored).rotate_left(16),
            ByteOrder::N64 => u32::from_le_bytes(stored),
        }
    }

    /// Encodes a big-endian value as the 4 bytes this order stores for it.
    ///
    /// ```
    /// use n64_core::ByteOrder;
    /// assert_eq!(ByteOrder::N64.write_word(0x8037_1240), [0x40, 0x12, 0x37, 0x80]);
    /// ```
    #[inline(always)]
    pub const fn write_word(self, value: u32) -> [u8; 4] {
        match self {
            ByteOrder::Z64 => value.to_be_bytes(),
            ByteOrder::V64 => value.rotate_left(16).to_le_bytes(),
            ByteOrder::N64 => value.to_le_bytes(),
        }
    }

    /// Checks that `len` bytes are a whole number of this order's units.
    pub fn check_len(self, len: usize) -> Result<()> {
        if len.is_multiple_of(self.unit()) {
            Ok(())
        } else {
            Err(Error::UnalignedLength { order: self, unit: self.unit(), len })
        }
    }
}

impl fmt::Display for ByteOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ByteOrder {
    type Err = Error;

    /// Accepts `z64`/`v64`/`n64` and the common aliases `big`, `byteswapped`, `little`.
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "z64" | "big" | "be" | "big-endian" => Ok(ByteOrder::Z64),
            "v64" | "byteswapped" | "byte-swapped" | "swapped" => Ok(ByteOrder::V64),
            "n64" | "little" | "le" | "little-endian" => Ok(ByteOrder::N64),
            _ => Err(Error::UnknownName {
                kind: NameKind::ByteOrder,
                found: s.to_owned(),
                valid: "z64, v64, n64".to_owned(),
            }),
        }
    }
}

/// The permutation that turns one byte order into another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Permutation {
    Identity,
    /// Swap the bytes of every 16-bit half (z64 <-> v64).
    Swap16,
    /// Reverse every 32-bit word (z64 <-> n64).
    Swap32,
    /// Swap the 16-bit halves of every 32-bit word (v64 <-> n64).
    SwapHalves,
}

impl Permutation {
    fn between(from: ByteOrder, to: ByteOrder) -> Permutation {
        use ByteOrder::{N64, V64, Z64};
        match (from, to) {
            (Z64, Z64) | (V64, V64) | (N64, N64) => Permutation::Identity,
            (Z64, V64) | (V64, Z64) => Permutation::Swap16,
            (Z64, N64) | (N64, Z64) => Permutation::Swap32,
            (V64, N64) | (N64, V64) => Permutation::SwapHalves,
        }
    }

    fn unit(self) -> usize {
        match self {
            Permutation::Identity => 1,
            Permutation::Swap16 => 2,
            Permutation::Swap32 | Permutation::SwapHalves => 4,
        }
    }

    #[inline(always)]
    fn apply_u64(self, x: u64) -> u64 {
        match self {
            Permutation::Identity => x,
            Permutation::Swap16 => ((x & 0x00FF_00FF_00FF_00FF) << 8) | ((x >> 8) & 0x00FF_00FF_00FF_00FF),
            Permutation::Swap32 => {
                // Reverse the bytes of each 32-bit lane: swap bytes within halves, then halves.
                let x = ((x & 0x00FF_00FF_00FF_00FF) << 8) | ((x >> 8) & 0x00FF_00FF_00FF_00FF);
                ((x & 0x0000_FFFF_0000_FFFF) << 16) | ((x >> 16) & 0x0000_FFFF_0000_FFFF)
            }
            Permutation::SwapHalves => ((x & 0x0000_FFFF_0000_FFFF) << 16) | ((x >> 16) & 0x0000_FFFF_0000_FFFF),
        }
    }

    fn apply(self, buf: &mut [u8]) {
        if self == Permutation::Identity {
            return;
        }
        let mut chunks = buf.chunks_exact_mut(8);
        for chunk in &mut chunks {
            let bytes: &mut [u8; 8] = chunk.try_into().expect("chunks_exact_mut yields 8 bytes");
            *bytes = self.apply_u64(u64::from_ne_bytes(*bytes)).to_ne_bytes();
        }
        // The tail is shorter than 8 bytes but a whole number of units: pad, permute, copy back.
        let tail = chunks.into_remainder();
        if !tail.is_empty() {
            let mut padded = [0u8; 8];
            padded[..tail.len()].copy_from_slice(tail);
            let permuted = self.apply_u64(u64::from_ne_bytes(padded)).to_ne_bytes();
            tail.copy_from_slice(&permuted[..tail.len()]);
        }
    }
}

/// Converts `buf` in place from one byte order to another.
///
/// `buf` must start at a multiple of 4 bytes into the image (so that words line up) and its
/// length must be a whole number of units of both orders; otherwise nothing is changed and
/// [`Error::UnalignedLength`] is returned.
///
/// ```
/// use n64_core::{convert, ByteOrder};
/// let mut rom = [0x40, 0x12, 0x37, 0x80, 0x0F, 0x00, 0x00, 0x00];
/// convert(&mut rom, ByteOrder::N64, ByteOrder::V64)?;
/// assert_eq!(rom, [0x37, 0x80, 0x40, 0x12, 0x00, 0x00, 0x0F, 0x00]);
///
/// let mut odd = [0u8; 6];
/// assert!(convert(&mut odd, ByteOrder::Z64, ByteOrder::N64).is_err());
/// # Ok::<(), n64_core::Error>(())
/// ```
pub fn convert(buf: &mut [u8], from: ByteOrder, to: ByteOrder) -> Result<()> {
    from.check_len(buf.len())?;
    to.check_len(buf.len())?;
    let permutation = Permutation::between(from, to);
    debug_assert_eq!(buf.len() % permutation.unit(), 0);
    permutation.apply(buf);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(bytes: &[u8], order: ByteOrder) -> Vec<u8> {
        // Straightforward definition from the table in the module docs.
        let mut out = bytes.to_vec();
        match order {
            ByteOrder::Z64 => {}
            ByteOrder::V64 => out.chunks_exact_mut(2).for_each(<[u8]>::reverse),
            ByteOrder::N64 => out.chunks_exact_mut(4).for_each(<[u8]>::reverse),
        }
        out
    }

    #[test]
    fn every_pair_matches_the_definition() {
        for len in [0usize, 4, 8, 12, 20, 64, 68] {
            let be: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
            for from in ByteOrder::ALL {
                for to in ByteOrder::ALL {
                    let mut buf = reference(&be, from);
                    convert(&mut buf, from, to).unwrap();
                    assert_eq!(buf, reference(&be, to), "{from} -> {to}, len {len}");
                }
            }
        }
    }

    #[test]
    fn v64_z64_accepts_half_words() {
        let mut buf = [1, 2, 3, 4, 5, 6];
        convert(&mut buf, ByteOrder::V64, ByteOrder::Z64).unwrap();
        assert_eq!(buf, [2, 1, 4, 3, 6, 5]);
    }

    #[test]
    fn unaligned_lengths_are_refused_untouched() {
        let mut buf = [1, 2, 3];
        assert!(matches!(
            convert(&mut buf, ByteOrder::Z64, ByteOrder::V64),
            Err(Error::UnalignedLength { order: ByteOrder::V64, unit: 2, len: 3 })
        ));
        assert_eq!(buf, [1, 2, 3]);
    }

    #[test]
    fn words_round_trip() {
        for order in ByteOrder::ALL {
            for value in [0u32, 0x8037_1240, 0xDEAD_BEEF] {
                assert_eq!(order.read_word(order.write_word(value)), value);
            }
            let stored: Vec<u8> = reference(&0x0102_0304u32.to_be_bytes(), order);
            assert_eq!(order.read_word(stored.try_into().unwrap()), 0x0102_0304);
        }
    }
}
