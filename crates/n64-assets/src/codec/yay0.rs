//! Yay0: 32-bit mask words from 0x10 (1 = a chunk byte, 0 = a link), u16 links from the link
//! table, literal and length bytes from the chunk area. Each area is read only up to the start
//! of the next (the chunk area up to the end of the input).

use super::{Area, Codec, Decoded, Error, HEADER_LEN, Tables, copy_back};

/// Decodes a block whose header [`super::header`] accepted, declaring `size` bytes.
pub(super) fn decode(input: &[u8], size: usize, tables: Tables) -> Result<Decoded, Error> {
    let Tables { link, chunk } = tables;
    let masks = &input[..link];
    let links = &input[..chunk];
    let truncated = |area: Area, offset: usize, produced: usize| Error::Truncated {
        codec: Codec::Yay0,
        area,
        offset,
        produced,
        size,
    };
    let mut out = vec![0; size];
    let mut at = 0;
    let (mut mask_pos, mut link_pos, mut chunk_pos) = (HEADER_LEN, link, chunk);
    loop {
        let Some(word) = masks.get(mask_pos..mask_pos + 4) else {
            return Err(truncated(Area::Masks, mask_pos, at));
        };
        // The mask bits still to use, at the top; zeros shift in below.
        let mut bits = u32::from_be_bytes(word.try_into().expect("4 bytes"));
        mask_pos += 4;
        let mut left = 32;
        while left > 0 {
            // A run of literals (1 bits) is one copy from the chunk area.
            let run = (bits.leading_ones() as usize).min(size - at);
            if run > 0 {
                if run <= 8 && chunk_pos + 8 <= input.len() && at + 8 <= size {
                    // A fixed-size copy is cheaper than a call to memcpy; the bytes past `run`
                    // are overwritten by what comes next and never reach the result.
                    out[at..at + 8].copy_from_slice(&input[chunk_pos..chunk_pos + 8]);
                } else if let Some(literals) = input.get(chunk_pos..chunk_pos + run) {
                    out[at..at + run].copy_from_slice(literals);
                } else {
                    let available = input.len() - chunk_pos;
                    return Err(truncated(Area::Chunks, input.len(), at + available));
                }
                at += run;
                chunk_pos += run;
                if at == size {
                    break;
                }
                // A whole word of literals (`run` 32) leaves no bits: the shift gives 0.
                bits = u32::try_from(run).ok().and_then(|run| bits.checked_shl(run)).unwrap_or(0);
                left -= run;
                if left == 0 {
                    continue;
                }
            }
            // A 0 bit: a link.
            let reference = link_pos;
            let (Some(&b1), Some(&b2)) = (links.get(link_pos), links.get(link_pos + 1)) else {
                return Err(truncated(Area::Links, link_pos, at));
            };
            link_pos += 2;
            let distance = (usize::from(b1 & 0x0F) << 8 | usize::from(b2)) + 1;
            let length = if b1 >> 4 == 0 {
                let Some(&byte) = input.get(chunk_pos) else {
                    return Err(truncated(Area::Chunks, chunk_pos, at));
                };
                chunk_pos += 1;
                usize::from(byte) + 0x12
            } else {
                usize::from(b1 >> 4) + 2
            };
            copy_back(&mut out, at, distance, length)
                .map_err(|e| e.into_error(Codec::Yay0, reference, distance, length, at, size))?;
            at += length;
            if at == size {
                break;
            }
            bits <<= 1;
            left -= 1;
        }
        if at == size {
            let consumed = mask_pos.max(link_pos).max(chunk_pos);
            return Ok(Decoded { data: out, consumed });
        }
    }
}
