//! Yaz0: a code byte, then for each of its 8 bits (most significant first) a literal byte (1) or
//! a 2- or 3-byte back-reference (0). The stream ends when the output is full.

use super::{Area, Codec, Decoded, Error, HEADER_LEN, LONG_MAX, copy_back};

/// The longest group: a code byte and eight 3-byte references.
const GROUP_LEN: usize = 1 + 8 * 3;

/// The most a group can produce: eight of the longest references.
const GROUP_MAX_OUT: usize = 8 * 0x111;

/// The most `stream` bytes after the header can decode to. The densest token is the 3-byte
/// reference (273 bytes for 3 + 1/8 stream bytes), so full groups of eight of them are best; a
/// last, partial group fills its bytes with 3-byte references, then a 2-byte one (17 bytes) or a
/// literal with the 2 or 1 bytes left.
pub(super) fn max_decoded(stream: usize) -> u64 {
    let groups = super::to_u64(stream / GROUP_LEN);
    let mut max = groups * 8 * LONG_MAX;
    if let Some(tokens) = (stream % GROUP_LEN).checked_sub(1) {
        let long = super::to_u64(tokens / 3);
        max += long * LONG_MAX + [0, 1, 0xF + 2][tokens % 3];
    }
    max
}

/// Decodes a block whose header [`super::header`] accepted, declaring `size` bytes.
pub(super) fn decode(input: &[u8], size: usize) -> Result<Decoded, Error> {
    let truncated = |offset: usize, produced: usize| Error::Truncated {
        codec: Codec::Yaz0,
        area: Area::Stream,
        offset,
        produced,
        size,
    };
    let mut out = vec![0; size];
    let mut at = 0;
    let mut pos = HEADER_LEN;
    loop {
        // A whole group of the longest kind (25 bytes) is in the input, and the output has room
        // for the most it can produce: no end checks inside, and the output can be full only at
        // the group's end. (The bytes read past a shorter group are not used: `consumed` and
        // the result are those of the bytes the tokens take.)
        if size - at >= GROUP_MAX_OUT
            && let Some(group) = input.get(pos..pos + GROUP_LEN)
        {
            let group: &[u8; GROUP_LEN] = group.try_into().expect("GROUP_LEN bytes");
            let code = group[0];
            if code == 0xFF {
                // Eight literals.
                out[at..at + 8].copy_from_slice(&group[1..9]);
                at += 8;
                pos += 9;
                continue;
            }
            let mut next = 1;
            for bit in (0..8).rev() {
                if code >> bit & 1 != 0 {
                    out[at] = group[next];
                    next += 1;
                    at += 1;
                } else {
                    let reference = pos + next;
                    let (b1, b2) = (group[next], group[next + 1]);
                    let distance = (usize::from(b1 & 0x0F) << 8 | usize::from(b2)) + 1;
                    let length = if b1 >> 4 == 0 {
                        next += 3;
                        usize::from(group[next - 1]) + 0x12
                    } else {
                        next += 2;
                        usize::from(b1 >> 4) + 2
                    };
                    copy_back(&mut out, at, distance, length)
                        .map_err(|e| e.into_error(Codec::Yaz0, reference, distance, length, at, size))?;
                    at += length;
                }
            }
            pos += next;
            if at == size {
                return Ok(Decoded { data: out, consumed: pos });
            }
            continue;
        }
        let Some(&code) = input.get(pos) else { return Err(truncated(pos, at)) };
        pos += 1;
        // The code bits still to use, at the top of a 32-bit register; zeros shift in below.
        let mut bits = u32::from(code) << 24;
        let mut left = 8;
        while left > 0 {
            // A run of literals (1 bits) is one copy.
            let run = (bits.leading_ones() as usize).min(size - at);
            if run > 0 {
                if run <= 8 && pos + 8 <= input.len() && at + 8 <= size {
                    // A fixed-size copy is cheaper than a call to memcpy; the bytes past `run`
                    // are overwritten by what comes next and never reach the result.
                    out[at..at + 8].copy_from_slice(&input[pos..pos + 8]);
                } else if let Some(literals) = input.get(pos..pos + run) {
                    out[at..at + run].copy_from_slice(literals);
                } else {
                    let available = input.len() - pos;
                    return Err(truncated(input.len(), at + available));
                }
                at += run;
                pos += run;
                if at == size {
                    return Ok(Decoded { data: out, consumed: pos });
                }
                bits <<= run;
                left -= run;
                if left == 0 {
                    break;
                }
            }
            // A 0 bit: a back-reference.
            let reference = pos;
            let (Some(&b1), Some(&b2)) = (input.get(pos), input.get(pos + 1)) else {
                return Err(truncated(pos, at));
            };
            pos += 2;
            let distance = (usize::from(b1 & 0x0F) << 8 | usize::from(b2)) + 1;
            let length = if b1 >> 4 == 0 {
                let Some(&b3) = input.get(pos) else { return Err(truncated(pos, at)) };
                pos += 1;
                usize::from(b3) + 0x12
            } else {
                usize::from(b1 >> 4) + 2
            };
            copy_back(&mut out, at, distance, length)
                .map_err(|e| e.into_error(Codec::Yaz0, reference, distance, length, at, size))?;
            at += length;
            if at == size {
                return Ok(Decoded { data: out, consumed: pos });
            }
            bits <<= 1;
            left -= 1;
        }
    }
}
