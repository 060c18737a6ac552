//! The RDP's texture formats decoded to RGBA8 pictures ([`decode`]), written as PNG files
//! ([`Image::to_png`]), and laid out on a labelled contact sheet for finding textures by eye
//! ([`contact_sheet`]).
//!
//! ```
//! use n64_assets::texture::{Format, PaletteFormat, decode};
//! // A 2x1 CI4 texture: the byte 0x01 is indices 0 and 1 of a 16-entry RGBA16 palette.
//! let mut palette = [0u8; 32];
//! palette[..4].copy_from_slice(&[0xf8, 0x01, 0x07, 0xc1]); // opaque red, opaque green
//! let image = decode(&[0x01], Format::Ci4, 2, 1, Some((&palette, PaletteFormat::Rgba16)))?;
//! assert_eq!(image.rgba(), [255, 0, 0, 255, 0, 255, 0, 255]);
//! assert!(image.to_png().starts_with(b"\x89PNG"));
//! # Ok::<(), n64_assets::texture::Error>(())
//! ```
//!
//! # Layout
//!
//! Texels are stored row-major, left to right, top to bottom; multi-byte texels are big-endian.
//! The texture is one continuous stream of texels: texel `n = y * width + x` of a 4-bit format is
//! the high nibble of byte `n / 2` when `n` is even and the low nibble when it is odd, so a row of
//! odd width ends in the middle of a byte and the next row starts in its low nibble. This is how
//! the RDP's LoadBlock reads a texture (one run of `ceil(width * height * bits / 8)` bytes, which
//! is what `gDPLoadTextureBlock_4b` asks for) and how ZAPD addresses 4-bit texels
//! (`(y * width + x) / 2`); n64img and pigment64 cut 4-bit rows at a byte boundary instead (n64img
//! truncates an odd row, pigment64 pads it), so odd-width 4-bit textures differ among tools. The
//! size is [`Format::byte_len`]; bytes after it are not read.
//!
//! # Expansion
//!
//! Fields narrower than 8 bits are widened by bit replication, as the RDP does, so the largest
//! value becomes 0xFF: a 5-bit `x` becomes `x << 3 | x >> 2`, a 4-bit `x` becomes `x << 4 | x`, a
//! 3-bit `x` becomes `x << 5 | x << 2 | x >> 1`, and a 1-bit alpha becomes 0 or 0xFF.
//!
//! | format | bits | texel | RGBA8 |
//! |---|---|---|---|
//! | RGBA16 | 16 | R bits 15–11, G 10–6, B 5–1, A bit 0 | replicated R, G, B; A 0 or 255 |
//! | RGBA32 | 32 | bytes R, G, B, A | as stored |
//! | IA16 | 16 | byte I, byte A | I, I, I, A |
//! | IA8 | 8 | I high nibble, A low nibble | replicated I, I, I, A |
//! | IA4 | 4 | I bits 3–1, A bit 0 | replicated I, I, I; A 0 or 255 |
//! | I8 | 8 | I | I, I, I, 255 |
//! | I4 | 4 | I | replicated I, I, I, 255 |
//! | CI8 | 8 | index into a 256-entry palette | the palette entry |
//! | CI4 | 4 | index into a 16-entry palette | the palette entry |
//!
//! I4 and I8 are shown opaque. The RDP hands the combiner the intensity as alpha too (texel
//! I, I, I, I); whether that alpha shows depends on the combiner and blender settings of the draw
//! call, which the bytes do not say. Decompilation tools (ZAPD, n64img, pigment64) store I
//! textures as opaque greyscale, so the PNGs made here match theirs; a caller who wants the RDP's
//! texel copies R into A.
//!
//! Palette entries are RGBA16 or IA16 (I in the high byte, A in the low byte), expanded as the
//! textures of those formats are. A CI4 texture uses the first 16 entries of its palette, a CI8
//! texture the first 256; a longer palette is fine, a shorter one is an error.

mod font;
mod png;
mod sheet;

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

pub use sheet::{SheetOptions, contact_sheet};

/// The widest and tallest texture [`decode`] accepts, in texels: 8192.
///
/// The RDP's tiles are at most 1024 texels on a side and TMEM holds 4 KiB, so real textures are
/// far smaller; the bound leaves room for framebuffer-sized pictures and for long strips.
pub const MAX_SIDE: u32 = 8192;

/// The most texels [`decode`] accepts: 16 Mi (4096 x 4096), 64 MiB of RGBA8.
pub const MAX_PIXELS: u64 = 1 << 24;

/// An RDP texture format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// 16 bits: 5 bits each of red, green and blue, 1 bit of alpha.
    Rgba16,
    /// 32 bits: 8 bits each of red, green, blue and alpha.
    Rgba32,
    /// 4 bits: 3 bits of intensity, 1 bit of alpha.
    Ia4,
    /// 8 bits: 4 bits of intensity, 4 bits of alpha.
    Ia8,
    /// 16 bits: 8 bits of intensity, 8 bits of alpha.
    Ia16,
    /// 4 bits of intensity.
    I4,
    /// 8 bits of intensity.
    I8,
    /// 4-bit index into a 16-entry palette.
    Ci4,
    /// 8-bit index into a 256-entry palette.
    Ci8,
}

impl Format {
    /// Every format, in the order the contact sheet shows them.
    pub const ALL: [Format; 9] = [
        Format::Rgba16,
        Format::Rgba32,
        Format::Ia4,
        Format::Ia8,
        Format::Ia16,
        Format::I4,
        Format::I8,
        Format::Ci4,
        Format::Ci8,
    ];

    /// The name the commands use: `rgba16`, `rgba32`, `ia4`, `ia8`, `ia16`, `i4`, `i8`, `ci4`,
    /// `ci8`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Format::Rgba16 => "rgba16",
            Format::Rgba32 => "rgba32",
            Format::Ia4 => "ia4",
            Format::Ia8 => "ia8",
            Format::Ia16 => "ia16",
            Format::I4 => "i4",
            Format::I8 => "i8",
            Format::Ci4 => "ci4",
            Format::Ci8 => "ci8",
        }
    }

    /// Bits per texel: 4, 8, 16 or 32.
    #[must_use]
    pub const fn bits_per_pixel(self) -> u32 {
        match self {
            Format::Ia4 | Format::I4 | Format::Ci4 => 4,
            Format::Ia8 | Format::I8 | Format::Ci8 => 8,
            Format::Rgba16 | Format::Ia16 => 16,
            Format::Rgba32 => 32,
        }
    }

    /// The bytes a `width` x `height` texture takes: `ceil(width * height * bits / 8)`, the
    /// texels packed continuously (see the [module docs](self#layout)). It saturates at
    /// `u64::MAX`, far beyond any input.
    ///
    /// ```
    /// use n64_assets::texture::Format;
    /// assert_eq!(Format::Rgba16.byte_len(32, 32), 2048);
    /// assert_eq!(Format::Ci4.byte_len(3, 3), 5);
    /// ```
    #[must_use]
    pub fn byte_len(self, width: u32, height: u32) -> u64 {
        let texels = u64::from(width) * u64::from(height);
        match self.bits_per_pixel() {
            4 => texels.div_ceil(2),
            8 => texels,
            16 => texels.saturating_mul(2),
            _ => texels.saturating_mul(4),
        }
    }

    /// How many palette entries the format indexes: 16 for CI4, 256 for CI8, none for the
    /// others.
    #[must_use]
    pub const fn palette_entries(self) -> Option<usize> {
        match self {
            Format::Ci4 => Some(16),
            Format::Ci8 => Some(256),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = ParseFormatError;

    /// Parses a [`Format::name`], in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(s)).ok_or_else(|| ParseFormatError {
            name: s.to_owned(),
            expected: "rgba16, rgba32, ia4, ia8, ia16, i4, i8, ci4 or ci8",
        })
    }
}

/// The format of a palette's (TLUT's) 16-bit entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PaletteFormat {
    /// RGBA 5551, as an RGBA16 texel (`G_TT_RGBA16`).
    Rgba16,
    /// Intensity in the high byte, alpha in the low byte, as an IA16 texel (`G_TT_IA16`).
    Ia16,
}

impl PaletteFormat {
    /// Both palette formats.
    pub const ALL: [PaletteFormat; 2] = [PaletteFormat::Rgba16, PaletteFormat::Ia16];

    /// The name the commands use: `rgba16` or `ia16`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            PaletteFormat::Rgba16 => "rgba16",
            PaletteFormat::Ia16 => "ia16",
        }
    }

    /// The RGBA8 colour of one palette entry.
    fn expand(self, entry: [u8; 2]) -> [u8; 4] {
        match self {
            PaletteFormat::Rgba16 => rgba16(entry),
            PaletteFormat::Ia16 => [entry[0], entry[0], entry[0], entry[1]],
        }
    }
}

impl fmt::Display for PaletteFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PaletteFormat {
    type Err = ParseFormatError;

    /// Parses a [`PaletteFormat::name`], in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PaletteFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseFormatError { name: s.to_owned(), expected: "rgba16 or ia16" })
    }
}

/// A format name that is not one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown format {name:?}: expected {expected}")]
pub struct ParseFormatError {
    /// What was given.
    pub name: String,
    /// The names that would have been accepted.
    pub expected: &'static str,
}

/// Why a texture cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// A side is 0 or larger than [`MAX_SIDE`], or the texture has more than [`MAX_PIXELS`]
    /// texels.
    #[error(
        "texture size {width}x{height} is out of bounds: each side must be 1 to {MAX_SIDE} and the whole at most {MAX_PIXELS} texels"
    )]
    Dimensions {
        /// The width asked for.
        width: u32,
        /// The height asked for.
        height: u32,
    },
    /// The texture runs past the end of the input.
    #[error("{format} {width}x{height} needs {expected:#x} bytes, the input has {found:#x}")]
    TooShort {
        /// The format asked for.
        format: Format,
        /// The width asked for.
        width: u32,
        /// The height asked for.
        height: u32,
        /// [`Format::byte_len`].
        expected: u64,
        /// The input's length.
        found: usize,
    },
    /// A CI format was asked for without a palette.
    #[error("{format} needs a palette")]
    MissingPalette {
        /// The format asked for.
        format: Format,
    },
    /// The palette has fewer entries than the format indexes.
    #[error(
        "{format} needs a palette of {expected:#x} bytes ({entries} {palette} entries), the palette has {found:#x}"
    )]
    PaletteTooShort {
        /// The format asked for.
        format: Format,
        /// The palette's format.
        palette: PaletteFormat,
        /// The entries the format indexes.
        entries: usize,
        /// The bytes those entries take.
        expected: usize,
        /// The palette's length.
        found: usize,
    },
}

/// A decoded picture: RGBA8 pixels, row-major, 4 bytes each, `width * height * 4` bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

impl Image {
    /// Width in pixels (at least 1).
    #[must_use]
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels (at least 1).
    #[must_use]
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The pixels: R, G, B, A for each, row after row.
    #[must_use]
    pub fn rgba(&self) -> &[u8] {
        &self.rgba
    }

    /// The pixels, taken out of the image.
    #[must_use]
    pub fn into_rgba(self) -> Vec<u8> {
        self.rgba
    }

    /// The pixel at column `x` of row `y`, or `None` outside the picture.
    #[must_use]
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let at = (y as usize * self.width as usize + x as usize) * 4;
        self.rgba.get(at..at + 4)?.try_into().ok()
    }
}

/// Decodes a `width` x `height` texture of `format` from the start of `bytes` (bytes after
/// [`Format::byte_len`] are not read). CI4 and CI8 need a `palette`: its bytes (at least 32 or
/// 512) and the format of its entries; the other formats ignore it.
///
/// See the [module docs](self) for the layout and the expansion to 8 bits.
///
/// # Errors
///
/// In this order: a side that is 0 or over [`MAX_SIDE`], or more than [`MAX_PIXELS`] texels
/// ([`Error::Dimensions`]); fewer bytes than the texture takes ([`Error::TooShort`]); a CI
/// format without a palette ([`Error::MissingPalette`]) or with a short one
/// ([`Error::PaletteTooShort`]). Nothing is allocated before these checks.
///
/// ```
/// use n64_assets::texture::{Error, Format, decode};
/// // IA8 0xF0: full intensity (0xF -> 0xFF, not 0xF0), no alpha.
/// assert_eq!(decode(&[0xf0], Format::Ia8, 1, 1, None)?.rgba(), [255, 255, 255, 0]);
/// assert!(matches!(decode(&[0; 7], Format::Rgba16, 2, 2, None), Err(Error::TooShort { expected: 8, .. })));
/// assert!(matches!(decode(&[0; 8], Format::Ci8, 2, 2, None), Err(Error::MissingPalette { .. })));
/// # Ok::<(), Error>(())
/// ```
pub fn decode(
    bytes: &[u8],
    format: Format,
    width: u32,
    height: u32,
    palette: Option<(&[u8], PaletteFormat)>,
) -> Result<Image, Error> {
    let texels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE || texels > MAX_PIXELS {
        return Err(Error::Dimensions { width, height });
    }
    let expected = format.byte_len(width, height);
    let data = usize::try_from(expected).ok().and_then(|len| bytes.get(..len)).ok_or(Error::TooShort {
        format,
        width,
        height,
        expected,
        found: bytes.len(),
    })?;
    let table = match format.palette_entries() {
        Some(entries) => {
            let (palette, palette_format) = palette.ok_or(Error::MissingPalette { format })?;
            palette_table(palette, palette_format, entries).ok_or(Error::PaletteTooShort {
                format,
                palette: palette_format,
                entries,
                expected: entries * 2,
                found: palette.len(),
            })?
        }
        None => texel_table(format),
    };
    // At most MAX_PIXELS texels, and never more than 2 per input byte.
    let mut rgba = vec![0; width as usize * height as usize * 4];
    expand(format, data, &table, &mut rgba);
    Ok(Image { width, height, rgba })
}

/// RGBA8 colours by texel value, for the formats of 4 and 8 bits (unused by the others).
type Table = [[u8; 4]; 256];

/// The colours of the first `entries` palette entries, `None` when the palette is shorter.
fn palette_table(palette: &[u8], format: PaletteFormat, entries: usize) -> Option<Table> {
    let palette = palette.get(..entries * 2)?;
    let mut table = [[0; 4]; 256];
    for (slot, entry) in table.iter_mut().zip(palette.chunks_exact(2)) {
        *slot = format.expand([entry[0], entry[1]]);
    }
    Some(table)
}

/// The colour of each texel value of a 4- or 8-bit format (a grey ramp for CI4 and CI8); all
/// zero for the others.
fn texel_table(format: Format) -> Table {
    let mut table = [[0; 4]; 256];
    for (value, slot) in (0..=255u8).zip(table.iter_mut()) {
        *slot = match format {
            // CI4 and CI8 get a grey ramp, for the contact sheet's CI tiles without a palette.
            Format::I4 | Format::Ci4 => {
                let i = widen4(value & 0xf);
                [i, i, i, 0xff]
            }
            Format::Ia4 => {
                let i = widen3((value >> 1) & 7);
                [i, i, i, alpha1(value)]
            }
            Format::I8 | Format::Ci8 => [value, value, value, 0xff],
            Format::Ia8 => {
                let i = widen4(value >> 4);
                [i, i, i, widen4(value & 0xf)]
            }
            Format::Rgba16 | Format::Rgba32 | Format::Ia16 => [0; 4],
        };
    }
    table
}

/// Decodes `rgba.len() / 4` texels from `data`, which must hold them (texels it lacks are left
/// as they are). `table` gives the colours of 4- and 8-bit texels.
fn expand(format: Format, data: &[u8], table: &Table, rgba: &mut [u8]) {
    match format.bits_per_pixel() {
        4 => {
            let mut pairs = rgba.chunks_exact_mut(8);
            let mut bytes = data.iter();
            for (pair, &byte) in pairs.by_ref().zip(bytes.by_ref()) {
                pair[..4].copy_from_slice(&table[usize::from(byte >> 4)]);
                pair[4..].copy_from_slice(&table[usize::from(byte & 0xf)]);
            }
            let last = pairs.into_remainder();
            if let (Some(last), Some(&byte)) = (last.get_mut(..4), bytes.next()) {
                last.copy_from_slice(&table[usize::from(byte >> 4)]);
            }
        }
        8 => {
            for (pixel, &byte) in rgba.chunks_exact_mut(4).zip(data) {
                pixel.copy_from_slice(&table[usize::from(byte)]);
            }
        }
        16 => {
            for (pixel, texel) in rgba.chunks_exact_mut(4).zip(data.chunks_exact(2)) {
                let texel = [texel[0], texel[1]];
                pixel.copy_from_slice(&match format {
                    Format::Ia16 => [texel[0], texel[0], texel[0], texel[1]],
                    _ => rgba16(texel),
                });
            }
        }
        _ => {
            for (pixel, texel) in rgba.chunks_exact_mut(4).zip(data.chunks_exact(4)) {
                pixel.copy_from_slice(texel);
            }
        }
    }
}

/// An RGBA 5551 texel (big-endian) as RGBA8.
fn rgba16(texel: [u8; 2]) -> [u8; 4] {
    let value = u16::from_be_bytes(texel);
    let channel = |shift: u32| widen5(((value >> shift) & 0x1f) as u8);
    [channel(11), channel(6), channel(1), alpha1(texel[1])]
}

/// A 5-bit value widened by replication: 31 -> 255.
fn widen5(x: u8) -> u8 {
    (x << 3) | (x >> 2)
}

/// A 4-bit value widened by replication: 15 -> 255.
fn widen4(x: u8) -> u8 {
    (x << 4) | x
}

/// A 3-bit value widened by replication: 7 -> 255.
fn widen3(x: u8) -> u8 {
    (x << 5) | (x << 2) | (x >> 1)
}

/// Bit 0 as an alpha of 0 or 255.
fn alpha1(x: u8) -> u8 {
    if x & 1 == 0 { 0 } else { 0xff }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_reaches_full_scale() {
        assert_eq!((widen3(0), widen3(7), widen3(4)), (0, 255, 0x92));
        assert_eq!((widen4(0), widen4(15), widen4(8)), (0, 255, 0x88));
        assert_eq!((widen5(0), widen5(31), widen5(16)), (0, 255, 0x84));
    }

    #[test]
    fn names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.name().parse::<Format>(), Ok(format));
            assert_eq!(format.name().to_uppercase().parse::<Format>(), Ok(format));
        }
        for format in PaletteFormat::ALL {
            assert_eq!(format.to_string().parse::<PaletteFormat>(), Ok(format));
        }
        assert!("rgba5551".parse::<Format>().unwrap_err().to_string().contains("rgba16, rgba32"));
        assert!("ci4".parse::<PaletteFormat>().is_err());
    }

    #[test]
    fn byte_len_rounds_4_bit_textures_up() {
        assert_eq!(Format::I4.byte_len(1, 1), 1);
        assert_eq!(Format::Ia4.byte_len(5, 3), 8);
        assert_eq!(Format::Rgba32.byte_len(u32::MAX, u32::MAX), u64::MAX);
        assert_eq!(Format::Ci8.byte_len(0, 7), 0);
    }

    #[test]
    fn odd_rows_of_4_bit_textures_continue_in_the_same_byte() {
        // 3x2 I4: texels 0 1 2 / 3 4 5 are the nibbles 0x0, 0x1, … of 0x01 0x23 0x45.
        let image = decode(&[0x01, 0x23, 0x45], Format::I4, 3, 2, None).unwrap();
        let greys: Vec<u8> = image.rgba().chunks(4).map(|p| p[0]).collect();
        assert_eq!(greys, [0x00, 0x11, 0x22, 0x33, 0x44, 0x55]);
        assert_eq!(image.pixel(0, 1), Some([0x33, 0x33, 0x33, 0xff]));
        assert_eq!(image.pixel(3, 0), None);
    }
}
