//! byuu's variable-length numbers, shared by BPS and UPS: seven bits a byte, least significant
//! first, the top bit marking the last byte, and one subtracted after each non-final byte so that
//! every number has exactly one encoding.

/// A number that cannot be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The patch ends inside the number.
    #[error("number at patch offset {offset} is truncated")]
    Truncated {
        /// Where the number starts.
        offset: usize,
    },
    /// The number does not fit in 64 bits (or is longer than any 64-bit number's encoding).
    #[error("number at patch offset {offset} overflows 64 bits")]
    Overflow {
        /// Where the number starts.
        offset: usize,
    },
}

/// Decodes the number at `bytes[*pos..end]`, advancing `pos` past it.
///
/// # Errors
/// [`Error::Truncated`] when `end` comes before the last byte, [`Error::Overflow`] when the value
/// exceeds `u64::MAX`.
pub fn decode(bytes: &[u8], pos: &mut usize, end: usize) -> Result<u64, Error> {
    let start = *pos;
    let end = end.min(bytes.len());
    let mut value: u64 = 0;
    let mut shift: u64 = 1;
    let mut at = start;
    loop {
        if at >= end {
            return Err(Error::Truncated { offset: start });
        }
        let byte = bytes[at];
        at += 1;
        let overflow = Error::Overflow { offset: start };
        let part = u64::from(byte & 0x7f).checked_mul(shift).ok_or(overflow)?;
        value = value.checked_add(part).ok_or(overflow)?;
        if byte & 0x80 != 0 {
            break;
        }
        shift = shift.checked_mul(0x80).ok_or(overflow)?;
        value = value.checked_add(shift).ok_or(overflow)?;
    }
    *pos = at;
    Ok(value)
}

/// Appends the encoding of `value` to `out`.
///
/// ```
/// use n64_patch::varint;
/// let mut out = Vec::new();
/// varint::encode(300, &mut out);
/// let mut pos = 0;
/// assert_eq!(varint::decode(&out, &mut pos, out.len()), Ok(300));
/// assert_eq!(pos, out.len());
/// ```
pub fn encode(mut value: u64, out: &mut Vec<u8>) {
    loop {
        // The mask keeps seven bits: the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(low | 0x80);
            return;
        }
        out.push(low);
        value -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_encodings() {
        for (value, bytes) in [
            (0_u64, &[0x80_u8][..]),
            (127, &[0xff]),
            (128, &[0x00, 0x80]),
            (255, &[0x7f, 0x80]),
            (16511, &[0x7f, 0xff]),
            (16512, &[0x00, 0x00, 0x80]),
        ] {
            let mut out = Vec::new();
            encode(value, &mut out);
            assert_eq!(out, bytes, "{value}");
            let mut pos = 0;
            assert_eq!(decode(bytes, &mut pos, bytes.len()), Ok(value));
        }
    }

    #[test]
    fn extremes_and_errors() {
        let mut out = Vec::new();
        encode(u64::MAX, &mut out);
        let mut pos = 0;
        assert_eq!(decode(&out, &mut pos, out.len()), Ok(u64::MAX));
        // One more than u64::MAX: bump the last byte.
        let mut bigger = out.clone();
        *bigger.last_mut().unwrap() += 1;
        let mut pos = 0;
        assert_eq!(decode(&bigger, &mut pos, bigger.len()), Err(Error::Overflow { offset: 0 }));
        let long = [0_u8; 11];
        let mut pos = 0;
        assert_eq!(decode(&long, &mut pos, long.len()), Err(Error::Overflow { offset: 0 }));
        let mut pos = 1;
        assert_eq!(decode(&[0, 0, 0], &mut pos, 3), Err(Error::Truncated { offset: 1 }));
        assert_eq!(pos, 1);
    }
}
