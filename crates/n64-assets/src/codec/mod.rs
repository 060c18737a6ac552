//! Yaz0, Yay0 and MIO0: the block codecs of Nintendo's N64 games.
//!
//! All three are LZ77 variants with a 16-byte big-endian header: a magic, the decoded size, and
//! (Yay0 and MIO0 only) the offsets of the link table and of the chunk area. The bitstreams:
//!
//! - **Yaz0** (Zelda 64's files): from 0x10, a code byte whose bits, most significant first,
//!   each say what follows: 1 = one literal byte; 0 = a back-reference of two bytes `b1 b2`,
//!   distance `((b1 & 0x0F) << 8 | b2) + 1`, length `(b1 >> 4) + 2`, or, when `b1 >> 4` is 0,
//!   a third byte plus 0x12. The stream's end is not stored: it is where the output is full.
//! - **Yay0** (Paper Mario, the GameCube IPL's fonts): 32-bit mask words from 0x10 to the link
//!   table, most significant bit first: 1 = the next byte of the chunk area; 0 = the next u16
//!   of the link table, distance `(link & 0xFFF) + 1`, length `(link >> 12) + 2`, or, when
//!   `link >> 12` is 0, the next chunk byte plus 0x12.
//! - **MIO0** (Super Mario 64, Mario Kart 64): as Yay0, but every link's length is
//!   `(link >> 12) + 3` and no length byte is taken from the chunk area.
//!
//! [`decode`] checks the header and the declared size before it allocates anything, reads no
//! further than the block needs (its input may be the whole rest of a ROM) and returns an
//! [`Error`] for any malformed stream; it never panics.
//!
//! ```
//! use n64_assets::codec::{Codec, Error, Limits, decode};
//!
//! // "ab" then a back-reference: distance 2, length 4 ("abab"); the code byte is 0b1100_0000.
//! let mut block = b"Yaz0\0\0\0\x06\0\0\0\0\0\0\0\0".to_vec();
//! block.extend_from_slice(&[0xC0, b'a', b'b', 0x20, 0x01]);
//! block.extend_from_slice(b"rest of the ROM");
//! let decoded = decode(Codec::Yaz0, &block, &Limits::default())?;
//! assert_eq!(decoded.data, b"ababab");
//! assert_eq!(decoded.consumed, 0x15);
//!
//! // The same block cut short: an error that says where, not a panic.
//! let err = decode(Codec::Yaz0, &block[..0x13], &Limits::default()).unwrap_err();
//! assert!(matches!(err, Error::Truncated { offset: 0x13, produced: 2, .. }));
//! # Ok::<(), Error>(())
//! ```

use std::fmt;

mod mio0;
mod yay0;
mod yaz0;

/// The length of every header: magic, decoded size, and two offsets (Yay0, MIO0) or eight
/// reserved bytes (Yaz0).
pub const HEADER_LEN: usize = 0x10;

/// The default cap on a block's decoded size: 8 MiB, the N64's RDRAM with the Expansion Pak
/// (4 MiB without). No game can decompress a block larger than the memory it decompresses into,
/// so a larger declared size marks a false positive or a damaged block.
pub const DEFAULT_MAX_DECODED: usize = 8 << 20;

/// The longest back-reference of Yaz0 and Yay0 (the long form: a length byte plus 0x12).
const LONG_MAX: u64 = 0xFF + 0x12;

/// One of the three codecs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Codec {
    /// "Yaz0": code bytes interleaved with literals and references (Zelda 64).
    Yaz0,
    /// "Yay0": mask words, link table, chunk area (Paper Mario).
    Yay0,
    /// "MIO0": as Yay0 with shorter references (Super Mario 64, Mario Kart 64).
    Mio0,
}

impl Codec {
    /// Every codec, in a fixed order.
    pub const ALL: [Codec; 3] = [Codec::Yaz0, Codec::Yay0, Codec::Mio0];

    /// The four bytes a block of this codec starts with.
    pub const fn magic(self) -> [u8; 4] {
        match self {
            Codec::Yaz0 => *b"Yaz0",
            Codec::Yay0 => *b"Yay0",
            Codec::Mio0 => *b"MIO0",
        }
    }

    /// The codec's usual name: "Yaz0", "Yay0" or "MIO0".
    pub const fn name(self) -> &'static str {
        match self {
            Codec::Yaz0 => "Yaz0",
            Codec::Yay0 => "Yay0",
            Codec::Mio0 => "MIO0",
        }
    }

    /// The codec whose magic `bytes` starts with, if any.
    ///
    /// ```
    /// use n64_assets::codec::Codec;
    /// assert_eq!(Codec::from_magic(b"MIO0\0\0\x10\0"), Some(Codec::Mio0));
    /// assert_eq!(Codec::from_magic(b"Yaz"), None);
    /// ```
    pub fn from_magic(bytes: &[u8]) -> Option<Codec> {
        let magic = bytes.get(..4)?;
        Codec::ALL.into_iter().find(|codec| codec.magic() == magic)
    }
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a decode may produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest decoded size accepted; a header declaring more is refused before anything is
    /// allocated. Default [`DEFAULT_MAX_DECODED`] (8 MiB).
    pub max_decoded: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_decoded: DEFAULT_MAX_DECODED }
    }
}

/// A decoded block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded bytes: exactly the size the header declares.
    pub data: Vec<u8>,
    /// How many bytes of the input the block used, header included. Yaz0: the end of the last
    /// code or data byte read. Yay0 and MIO0: the furthest end of the mask words, link entries
    /// and chunk bytes read. Bytes an encoder added after that (padding) are not counted.
    pub consumed: usize,
}

/// A block's header, checked but not decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The codec.
    pub codec: Codec,
    /// The decoded size the header declares (not zero, within the limit, and no more than the
    /// input could produce).
    pub decoded_size: usize,
    /// Yay0 and MIO0: where the link table and the chunk area start. `None` for Yaz0.
    pub tables: Option<Tables>,
}

/// Where the two areas after the mask words of a Yay0 or MIO0 block start, from the block's
/// start: `0x10 <= link <= chunk <= input length`, `link` a multiple of 4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tables {
    /// The link table (u16 back-references); the mask words end here.
    pub link: usize,
    /// The chunk area (literal bytes and, for Yay0, length bytes); the link table ends here.
    pub chunk: usize,
}

/// The part of a block a truncated stream ran out in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Area {
    /// Yaz0's code and data bytes (they end with the input).
    Stream,
    /// Yay0/MIO0 mask words (they end at the link table).
    Masks,
    /// Yay0/MIO0 link table (it ends at the chunk area).
    Links,
    /// Yay0/MIO0 chunk area (it ends with the input).
    Chunks,
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Area::Stream => "the code stream",
            Area::Masks => "the mask words",
            Area::Links => "the link table",
            Area::Chunks => "the chunk area",
        })
    }
}

/// Why a block does not decode. Offsets are from the block's start (the `input` passed in).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Fewer than 0x10 bytes (or fewer than the 4 of the magic).
    #[error("a {codec} header needs 0x10 bytes, input has {found:#x}")]
    HeaderTooShort { codec: Codec, found: usize },
    /// The first four bytes are not the codec's magic.
    #[error("not a {codec} block: it starts with {found:#010x}")]
    BadMagic { codec: Codec, found: u32 },
    /// Yaz0 bytes 0x08..0x10 are not zero. N64 games leave them zero; GameCube, Wii and Switch
    /// files put a buffer alignment at 0x08. Only zero is accepted: this is an N64 tool, and
    /// across a ROM the zero bytes are what tells a real block from the four letters by chance.
    #[error("Yaz0 bytes 0x08..0x10 are {found:#018x}, not zero as in N64 blocks")]
    Yaz0Reserved { found: u64 },
    /// The declared decoded size is zero: no encoder writes an empty block.
    #[error("{codec} header declares a decoded size of 0")]
    SizeZero { codec: Codec },
    /// The declared decoded size is over [`Limits::max_decoded`].
    #[error("{codec} header declares {size:#x} decoded bytes, over the limit of {limit:#x}")]
    SizeOverLimit { codec: Codec, size: usize, limit: usize },
    /// The declared decoded size is more than the input could produce with every reference at
    /// its longest (`available` bytes after the header; for Yay0 and MIO0, in the areas the
    /// offsets bound).
    #[error(
        "{codec} header declares {size:#x} decoded bytes, but the {available:#x} bytes after it can produce at most {max:#x}"
    )]
    SizeImpossible { codec: Codec, size: usize, available: usize, max: u64 },
    /// Yay0/MIO0: the link table offset is not a multiple of 4 (the mask words before it are
    /// 32-bit words from 0x10).
    #[error("{codec} link table offset {link:#x} is not a multiple of 4")]
    LinkMisaligned { codec: Codec, link: usize },
    /// Yay0/MIO0: not `0x10 <= link <= chunk`.
    #[error("{codec} offsets out of order: link table {link:#x}, chunk area {chunk:#x} (needs 0x10 <= link <= chunk)")]
    OffsetsOutOfOrder { codec: Codec, link: usize, chunk: usize },
    /// Yay0/MIO0: the chunk area starts past the end of the input.
    #[error("{codec} chunk area offset {chunk:#x} is past the end of the input ({len:#x} bytes)")]
    OffsetPastInput { codec: Codec, chunk: usize, len: usize },
    /// The stream ran out (at `offset`, the end of `area`) before the output was full.
    #[error("{codec} stream truncated: {area} ends at {offset:#x} with {produced:#x} of {size:#x} bytes produced")]
    Truncated { codec: Codec, area: Area, offset: usize, produced: usize, size: usize },
    /// A back-reference (read at `offset`) reaches before the start of the output.
    #[error(
        "{codec} back-reference at {offset:#x} reaches {distance:#x} bytes back, but only {produced:#x} bytes were produced"
    )]
    ReferenceBeforeStart { codec: Codec, offset: usize, distance: usize, produced: usize },
    /// A back-reference (read at `offset`) would write past the declared size.
    #[error(
        "{codec} back-reference at {offset:#x} copies {length:#x} bytes at output {produced:#x}, past the declared size {size:#x}"
    )]
    Overrun { codec: Codec, offset: usize, length: usize, produced: usize, size: usize },
}

/// Checks a block's header without decoding it: the magic, the Yaz0 reserved bytes, the declared
/// size (not zero, within `limits`, and no more than `input` could produce), and the Yay0/MIO0
/// offsets. [`decode`] makes the same checks first, so a header that fails here never decodes.
///
/// ```
/// use n64_assets::codec::{Codec, Error, Limits, header};
/// let block = b"MIO0\xFF\xFF\xFF\xFF\0\0\0\x10\0\0\0\x10";
/// let err = header(Codec::Mio0, block, &Limits::default()).unwrap_err();
/// assert!(matches!(err, Error::SizeOverLimit { size: 0xFFFF_FFFF, .. }));
/// ```
pub fn header(codec: Codec, input: &[u8], limits: &Limits) -> Result<Header, Error> {
    let too_short = Error::HeaderTooShort { codec, found: input.len() };
    let magic = input.get(..4).ok_or(too_short.clone())?;
    if magic != codec.magic() {
        return Err(Error::BadMagic { codec, found: be32(input, 0) });
    }
    let head: &[u8; HEADER_LEN] = input.get(..HEADER_LEN).and_then(|h| h.try_into().ok()).ok_or(too_short)?;
    let size = to_usize(be32(head, 4));
    if size == 0 {
        return Err(Error::SizeZero { codec });
    }
    if size > limits.max_decoded {
        return Err(Error::SizeOverLimit { codec, size, limit: limits.max_decoded });
    }
    let (tables, available, max) = match codec {
        Codec::Yaz0 => {
            let reserved = u64::from_be_bytes(head[8..].try_into().expect("8 bytes"));
            if reserved != 0 {
                return Err(Error::Yaz0Reserved { found: reserved });
            }
            let available = input.len() - HEADER_LEN;
            (None, available, yaz0::max_decoded(available))
        }
        Codec::Yay0 | Codec::Mio0 => {
            let link = to_usize(be32(head, 8));
            let chunk = to_usize(be32(head, 12));
            if link < HEADER_LEN || link > chunk {
                return Err(Error::OffsetsOutOfOrder { codec, link, chunk });
            }
            if !link.is_multiple_of(4) {
                return Err(Error::LinkMisaligned { codec, link });
            }
            if chunk > input.len() {
                return Err(Error::OffsetPastInput { codec, chunk, len: input.len() });
            }
            let areas = Areas { masks: link - HEADER_LEN, links: chunk - link, chunks: input.len() - chunk };
            let max = if codec == Codec::Yay0 { areas.max_decoded(true) } else { areas.max_decoded(false) };
            (Some(Tables { link, chunk }), input.len() - HEADER_LEN, max)
        }
    };
    if u64::try_from(size).unwrap_or(u64::MAX) > max {
        return Err(Error::SizeImpossible { codec, size, available, max });
    }
    Ok(Header { codec, decoded_size: size, tables })
}

/// Decodes the block at the start of `input`, which may go on past the block's end (the rest of
/// a ROM): nothing after the block is read, and [`Decoded::consumed`] says where it ended.
///
/// The work is bounded by the declared size, itself bounded by `limits` and by what the input
/// could produce; the output is allocated once, after those checks.
///
/// ```
/// use n64_assets::codec::{Codec, Error, Limits, decode};
/// // MIO0: one mask word (1, 1, 0: two literals then a link), the link table at 0x14 (one
/// // link: length 0 + 3, distance 1), the chunk area at 0x16.
/// let block = b"MIO0\0\0\0\x05\0\0\0\x14\0\0\0\x16\xC0\0\0\0\0\0xy";
/// let decoded = decode(Codec::Mio0, block, &Limits::default())?;
/// assert_eq!(decoded.data, b"xyyyy");
/// assert_eq!(decoded.consumed, block.len());
/// # Ok::<(), Error>(())
/// ```
pub fn decode(codec: Codec, input: &[u8], limits: &Limits) -> Result<Decoded, Error> {
    let head = header(codec, input, limits)?;
    match (codec, head.tables) {
        (Codec::Yay0, Some(tables)) => yay0::decode(input, head.decoded_size, tables),
        (Codec::Mio0, Some(tables)) => mio0::decode(input, head.decoded_size, tables),
        _ => yaz0::decode(input, head.decoded_size),
    }
}

/// The sizes of a Yay0/MIO0 block's three areas, as the header's offsets bound them.
struct Areas {
    masks: usize,
    links: usize,
    chunks: usize,
}

impl Areas {
    /// The most a stream within these areas can decode to: every mask bit that has a link entry
    /// is a reference (at its longest when a chunk byte is left for a Yay0 length byte), and
    /// the mask bits left over are literals while chunk bytes last.
    fn max_decoded(&self, yay0: bool) -> u64 {
        let bits = 8 * to_u64(self.masks / 4 * 4);
        let links = to_u64(self.links / 2);
        let chunks = to_u64(self.chunks);
        let references = bits.min(links);
        let (long, short_len) = if yay0 { (references.min(chunks), 0xF + 2) } else { (0, 0xF + 3) };
        let literals = (bits - references).min(chunks - long);
        long * LONG_MAX + (references - long) * short_len + literals
    }
}

/// The big-endian u32 at `at` (which must be in bounds).
fn be32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn to_usize(value: u32) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

fn to_u64(value: usize) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

/// Writes `length` bytes at `out[at..]` copied from `distance` bytes back, the LZ77 way (a
/// reference may overlap the bytes it produces), after checking both ends. `out` is the whole
/// output, allocated at the declared size; only `out[..at]` is decoded so far.
#[inline]
fn copy_back(out: &mut [u8], at: usize, distance: usize, length: usize) -> Result<(), CopyError> {
    /// A copy of this many bytes is a fixed-size move, cheaper than a call to memmove; copying
    /// more than `length` is harmless while the bytes past `at + length` are not decoded yet.
    const WIDE: usize = 32;
    if distance > at {
        return Err(CopyError::BeforeStart);
    }
    if length > out.len() - at {
        return Err(CopyError::Overrun);
    }
    let start = at - distance;
    if length <= distance {
        if length <= WIDE && out.len() - at >= WIDE {
            out.copy_within(start..start + WIDE, at);
        } else {
            out.copy_within(start..start + length, at);
        }
    } else if distance == 1 {
        let byte = out[start];
        out[at..at + length].fill(byte);
    } else {
        // The source overlaps the bytes being written: byte by byte, each from `distance` back.
        let span = &mut out[start..at + length];
        for i in distance..span.len() {
            span[i] = span[i - distance];
        }
    }
    Ok(())
}

/// Why [`copy_back`] refused; the decoder adds the offsets.
#[derive(Clone, Copy)]
enum CopyError {
    BeforeStart,
    Overrun,
}

impl CopyError {
    fn into_error(
        self,
        codec: Codec,
        offset: usize,
        distance: usize,
        length: usize,
        produced: usize,
        size: usize,
    ) -> Error {
        match self {
            CopyError::BeforeStart => Error::ReferenceBeforeStart { codec, offset, distance, produced },
            CopyError::Overrun => Error::Overrun { codec, offset, length, produced, size },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Most output from `n` stream bytes by brute force over every token sequence (dynamic
    /// programming over the bytes left): an independent check of `yaz0::max_decoded`.
    fn yaz0_max_brute(n: usize) -> u64 {
        // best[k] = most output from at most k bytes, starting at a code byte.
        // A group: one code byte, then up to 8 tokens (literal 1 byte -> 1, short reference
        // 2 bytes -> 17, long reference 3 bytes -> 273); only a full group may be followed by
        // another.
        let tokens = [(1usize, 1u64), (2, 17), (3, LONG_MAX)];
        let mut best = vec![0u64; n + 1];
        for k in 1..=n {
            // within[t][b]: most output from t tokens using exactly b bytes (after the code byte).
            let mut within = vec![vec![None::<u64>; k]; 9];
            within[0][0] = Some(0);
            for t in 0..8 {
                for b in 0..k {
                    if let Some(v) = within[t][b] {
                        for (cost, out) in tokens {
                            if b + cost < k {
                                let slot = &mut within[t + 1][b + cost];
                                *slot = Some(slot.map_or(v + out, |s| s.max(v + out)));
                            }
                        }
                    }
                }
            }
            let mut most = 0;
            for (t, row) in within.iter().enumerate() {
                for (b, v) in row.iter().enumerate() {
                    if let Some(v) = v {
                        let rest = if t == 8 { best[k - 1 - b] } else { 0 };
                        most = most.max(v + rest);
                    }
                }
            }
            best[k] = most;
        }
        best[n]
    }

    #[test]
    fn yaz0_bound_is_the_exact_maximum() {
        for n in 0..120 {
            assert_eq!(yaz0::max_decoded(n), yaz0_max_brute(n), "{n} stream bytes");
        }
        // 25 bytes (a code byte and eight 3-byte references) give 8 * 273.
        assert_eq!(yaz0::max_decoded(25), 2184);
    }

    #[test]
    fn table_bound_is_the_exact_maximum() {
        // Every split of the tokens into long references, short references and literals that the
        // areas allow; the bound must be the best of them.
        for masks in [0usize, 4, 8] {
            for links in 0..12 {
                for chunks in 0..12 {
                    let areas = Areas { masks, links, chunks };
                    let bits = 8 * masks;
                    for yay0 in [true, false] {
                        let mut best = 0u64;
                        for long in 0..=bits {
                            for short in 0..=bits - long {
                                let literals_max = bits - long - short;
                                if long + short > links / 2 || (!yay0 && long > 0) || long > chunks {
                                    continue;
                                }
                                let literals = literals_max.min(chunks - long);
                                let short_len = if yay0 { 17 } else { 18 };
                                let out = long as u64 * LONG_MAX + short as u64 * short_len + literals as u64;
                                best = best.max(out);
                            }
                        }
                        assert_eq!(areas.max_decoded(yay0), best, "{masks} {links} {chunks} yay0={yay0}");
                    }
                }
            }
        }
    }

    #[test]
    fn magic_and_names() {
        for codec in Codec::ALL {
            assert_eq!(Codec::from_magic(&codec.magic()), Some(codec));
            assert_eq!(codec.name().as_bytes(), codec.magic());
        }
    }
}
