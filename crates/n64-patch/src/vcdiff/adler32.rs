//! Adler-32 (RFC 1950), the checksum xdelta3 stores for each target window.

/// The Adler-32 of `data`.
pub(crate) fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    // 5552 bytes is the longest run that cannot overflow 32 bits before the reduction.
    let (mut a, mut b) = (1_u32, 0_u32);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_values() {
        // RFC 1950 / zlib reference values.
        assert_eq!(super::adler32(b""), 1);
        assert_eq!(super::adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(super::adler32(&vec![0xFF; 100_000]), 0x149A_302C);
    }
}
