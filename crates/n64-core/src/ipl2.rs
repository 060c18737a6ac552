//! The checksum the console's boot ROM (IPL2, in the PIF) computes over the boot code before
//! running it.
//!
//! The CIC chip in the cartridge holds the expected value for its seed byte; a boot code whose
//! checksum matches is *signed for* that CIC. Computing it therefore identifies the CIC behind any
//! correctly signed boot code, Nintendo's or anyone else's (libdragon's open-source IPL3 is
//! signed for 6102), without a table of boot code hashes.

use crate::BOOT_CODE_LEN;

const MAGIC: u32 = 0x6C07_8965;
const WORDS: usize = BOOT_CODE_LEN / 4;

/// `a × b` folded to 32 bits as IPL2 does: high word minus low word, or `a` when that is zero;
/// a zero `b` is replaced by `k`.
#[inline]
fn mix(a: u32, b: u32, k: u32) -> u32 {
    let b = if b == 0 { k } else { b };
    let product = u64::from(a) * u64::from(b);
    #[allow(clippy::cast_possible_truncation)]
    let (hi, lo) = ((product >> 32) as u32, product as u32);
    let d = hi.wrapping_sub(lo);
    if d == 0 { a } else { d }
}

/// Computes the 48-bit IPL2 checksum of boot code `words` (the 1008 big-endian words at ROM
/// 0x40..0x1000) for a CIC `seed` byte.
///
/// ```
/// // An all-zero boot code is signed for nothing known, but the function is total.
/// let value = n64_core::ipl2::checksum(&[0; 1008], 0x3F);
/// assert!(value < 1 << 48);
/// ```
#[must_use]
#[allow(clippy::many_single_char_names)]
pub fn checksum(words: &[u32; WORDS], seed: u8) -> u64 {
    let w = |i: usize| words[i];
    let init = MAGIC.wrapping_mul(u32::from(seed)).wrapping_add(1) ^ w(0);
    let mut s = [init; 16];

    let mut data = w(0);
    let mut next = w(0);
    let mut looped: u32 = 0;
    let mut i = 1;
    loop {
        looped += 1;
        let last = data;
        data = next;

        s[0] = s[0].wrapping_add(mix(1007u32.wrapping_sub(looped), data, looped));
        s[1] = mix(s[1], data, looped);
        s[2] ^= data;
        s[3] = s[3].wrapping_add(mix(data.wrapping_add(5), MAGIC, looped));
        s[9] = if last < data { mix(s[9], data, looped) } else { s[9].wrapping_add(data) };
        s[4] = s[4].wrapping_add(data.rotate_right(last & 31));
        s[7] = mix(s[7], data.rotate_left(last & 31), looped);
        s[6] = if data < s[6] {
            s[3].wrapping_add(s[6]) ^ data.wrapping_add(looped)
        } else {
            s[4].wrapping_add(data) ^ s[6]
        };
        s[5] = s[5].wrapping_add(data.rotate_left(last >> 27));
        s[8] = mix(s[8], data.rotate_right(last >> 27), looped);

        if looped as usize == WORDS {
            break;
        }
        next = w(i);
        i += 1;

        s[15] = mix(mix(s[15], data.rotate_left(last >> 27), looped), next.rotate_left(data >> 27), looped);
        s[14] = mix(mix(s[14], data.rotate_right(last & 31), looped), next.rotate_right(data & 31), looped);
        s[13] = s[13].wrapping_add(data.rotate_right(data & 31).wrapping_add(next.rotate_right(next & 31)));
        s[10] = mix(s[10].wrapping_add(data), next, looped);
        s[11] = mix(s[11] ^ data, next, looped);
        s[12] = s[12].wrapping_add(s[8] ^ data);
    }

    let mut b = [s[0]; 4];
    for (k, &x) in (0u32..).zip(s.iter()) {
        b[0] = b[0].wrapping_add(x.rotate_right(x & 31));
        b[1] = if x < b[0] { b[1].wrapping_add(x) } else { mix(b[1], x, k) };
        b[2] = if (x >> 1) & 1 == x & 1 { b[2].wrapping_add(x) } else { mix(b[2], x, k) };
        b[3] = if x & 1 == 1 { b[3] ^ x } else { mix(b[3], x, k) };
    }
    (u64::from(mix(b[0], b[1], 16) & 0xFFFF) << 32) | u64::from(b[3] ^ b[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix_follows_its_definition() {
        // 3 × 5 = 15: hi 0, lo 15, 0 − 15 wraps.
        assert_eq!(mix(3, 5, 9), 0u32.wrapping_sub(15));
        // b = 0 takes k instead.
        assert_eq!(mix(3, 0, 5), mix(3, 5, 0));
        // A zero difference returns a.
        assert_eq!(mix(0, 7, 1), 0);
    }
}
