//! Inputs for the codec tests and benchmark, from the workspace's one generator.

#![allow(dead_code)]

use n64_testkit::Rng;

/// A value below `bound` (not zero).
pub(crate) fn below(rng: &mut Rng, bound: usize) -> usize {
    let bound = u64::try_from(bound).expect("usize fits u64");
    usize::try_from(rng.below(bound)).expect("below a usize")
}

/// A pseudo-random byte.
pub(crate) fn byte(rng: &mut Rng) -> u8 {
    rng.next_u64().to_be_bytes()[0]
}

/// Bytes that look like a ROM's contents: MIPS-like words (a few opcodes, small immediates),
/// runs of zeros and of one byte, text from a small alphabet, stretches of random bytes, and
/// copies of earlier stretches (near and far, some overlapping their own start).
pub(crate) fn rom_like(len: usize, seed: u64) -> Vec<u8> {
    mixed(len, seed, 4, 1 << 20)
}

/// As [`rom_like`], but most stretches are copies of earlier ones: compressible enough for
/// crunch64's Yay0 and MIO0 encoders at 4 MiB (they hold at most 0x4000 mask words, 512 Ki
/// tokens, and panic past that).
pub(crate) fn repetitive(len: usize, seed: u64) -> Vec<u8> {
    mixed(len, seed, 30, 0x1000)
}

/// Stretches of the kinds [`rom_like`] lists, `copies` in `6 + copies` of them copies of earlier
/// bytes, half from at most 4 KiB back (the codecs' window), half from at most `far` back.
fn mixed(len: usize, seed: u64, copies: u64, far: usize) -> Vec<u8> {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(len + 0x1000);
    while out.len() < len {
        let run = 16 + below(&mut rng, 1024);
        match rng.below(6 + copies) {
            0 | 1 => {
                for _ in 0..run / 4 {
                    let op = [0x27BD_0000u32, 0x8FBF_0000, 0xAFBF_0000, 0x3C01_0000, 0x2401_0000, 0x0C00_0000]
                        [below(&mut rng, 6)];
                    let [hi, lo, ..] = rng.next_u64().to_be_bytes();
                    let word = op | u32::from(hi & 0x3F) << 2 | u32::from(lo & 3) << 16;
                    out.extend_from_slice(&word.to_be_bytes());
                }
            }
            2 => out.resize(out.len() + run, 0),
            3 => {
                let byte = byte(&mut rng);
                out.resize(out.len() + run / 4, byte);
            }
            4 => {
                const ALPHABET: &[u8] = b"etaoin shrdlu\0ETAOIN";
                for _ in 0..run {
                    out.push(ALPHABET[below(&mut rng, ALPHABET.len())]);
                }
            }
            5 => out.extend(rng.bytes(run / 8)),
            _ if out.len() > 64 => {
                let window = if rng.below(2) == 0 { 0x1000 } else { far };
                let back = 1 + below(&mut rng, out.len().min(window));
                let start = out.len() - back;
                for i in 0..run {
                    out.push(out[start + i]);
                }
            }
            _ => out.extend(rng.bytes(run)),
        }
    }
    out.truncate(len);
    out
}

/// crunch64's encoder for `codec`.
pub(crate) fn compress(codec: n64_assets::codec::Codec, data: &[u8]) -> Vec<u8> {
    use n64_assets::codec::Codec;
    let compressed = match codec {
        Codec::Yaz0 => crunch64::yaz0::compress(data),
        Codec::Yay0 => crunch64::yay0::compress(data),
        Codec::Mio0 => crunch64::mio0::compress(data),
        _ => unreachable!("a codec crunch64 does not have"),
    };
    compressed.expect("crunch64 compresses").into_vec()
}

/// crunch64's decoder for `codec` (it panics on bad input: valid blocks only).
pub(crate) fn crunch64_decompress(codec: n64_assets::codec::Codec, block: &[u8]) -> Vec<u8> {
    use n64_assets::codec::Codec;
    let decompressed = match codec {
        Codec::Yaz0 => crunch64::yaz0::decompress(block),
        Codec::Yay0 => crunch64::yay0::decompress(block),
        Codec::Mio0 => crunch64::mio0::decompress(block),
        _ => unreachable!("a codec crunch64 does not have"),
    };
    decompressed.expect("crunch64 decompresses").into_vec()
}
