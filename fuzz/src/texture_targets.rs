//! Fuzz targets for n64-assets' textures (replayed by
//! `crates/n64-assets/tests/fuzz_corpus_texture.rs`).

use n64_assets::texture::{
    Error, Format, Image, MAX_PIXELS, MAX_SIDE, PaletteFormat, SheetOptions, contact_sheet, decode,
};

/// A fuzz target: takes arbitrary bytes, panics when an invariant fails.
pub type Target = fn(&[u8]);

/// The targets by name.
pub const TARGETS: [(&str, Target); 1] = [("texture", texture)];

/// Decodes the rest of the input as a texture, then draws a small contact sheet of it (the one
/// format, two widths, up to 8 rows: the sheet's code is the same for every format and size,
/// and a small one keeps the executions fast).
///
/// The first 8 bytes choose: byte 0 the format (`% 9`) and the palette (`/ 9 % 3`: none, RGBA16,
/// IA16); bytes 1–2 the width and 3–4 the height (u16, big-endian); bytes 5–6 the palette's
/// length (`& 0x3ff`, cut to what is left), taken first from the rest; byte 7 the sheet's rows (`% 8 + 1`).
/// The texture is what follows the palette.
///
/// Invariants: no panic; `decode` fails exactly when a side is 0 or too large, the texels too
/// many, the data shorter than `byte_len`, or a CI format's palette missing or shorter than its
/// entries, with the error that names the first of these; an `Ok` image has the size asked for
/// and `4 * width * height` bytes, grey for the I and IA formats, alpha 0 or 255 where the
/// format has a 1-bit alpha and 255 where it has none; `contact_sheet` on the same bytes gives an
/// opaque image of the size it says.
pub fn texture(data: &[u8]) {
    let Some((head, rest)) = data.split_first_chunk::<8>() else { return };
    let format = Format::ALL[usize::from(head[0]) % Format::ALL.len()];
    let palette_format = match head[0] / 9 % 3 {
        0 => None,
        1 => Some(PaletteFormat::Rgba16),
        _ => Some(PaletteFormat::Ia16),
    };
    let width = u32::from(u16::from_be_bytes([head[1], head[2]]));
    let height = u32::from(u16::from_be_bytes([head[3], head[4]]));
    let palette_len = usize::from(u16::from_be_bytes([head[5], head[6]]) & 0x3ff).min(rest.len());
    let (palette_bytes, texture) = rest.split_at(palette_len);
    let palette = palette_format.map(|f| (palette_bytes, f));

    let texels = u64::from(width) * u64::from(height);
    let dimensions_ok = (1..=MAX_SIDE).contains(&width) && (1..=MAX_SIDE).contains(&height) && texels <= MAX_PIXELS;
    let byte_len = format.byte_len(width, height);
    let data_ok = texture.len() as u64 >= byte_len;
    let palette_ok = format.palette_entries().is_none_or(|n| palette.is_some_and(|(p, _)| p.len() >= 2 * n));
    match decode(texture, format, width, height, palette) {
        Ok(image) => {
            assert!(dimensions_ok && data_ok && palette_ok, "{format} {width}x{height} decoded");
            assert_eq!((image.width(), image.height()), (width, height));
            assert_eq!(image.rgba().len() as u64, 4 * texels);
            check_pixels(format, &image);
            let first = image.pixel(0, 0).expect("a decoded image has a pixel");
            match format {
                Format::I8 => assert_eq!(first, [texture[0], texture[0], texture[0], 0xff]),
                Format::Ia16 => assert_eq!(first, [texture[0], texture[0], texture[0], texture[1]]),
                Format::Rgba32 => assert_eq!(first, [texture[0], texture[1], texture[2], texture[3]]),
                _ => {}
            }
        }
        Err(Error::Dimensions { width: w, height: h }) => {
            assert!(!dimensions_ok && (w, h) == (width, height), "{format} {width}x{height}: dimensions");
        }
        Err(Error::TooShort { expected, found, .. }) => {
            assert!(dimensions_ok && !data_ok, "{format} {width}x{height}: too short");
            assert_eq!((expected, found), (byte_len, texture.len()));
        }
        Err(Error::MissingPalette { .. }) => {
            assert!(dimensions_ok && data_ok && format.palette_entries().is_some() && palette.is_none());
        }
        Err(Error::PaletteTooShort { found, .. }) => {
            assert!(dimensions_ok && data_ok && !palette_ok && found == palette_len);
        }
        Err(e) => panic!("unexpected error {e}"),
    }

    let mut options = SheetOptions::default();
    options.formats = vec![format];
    options.widths = vec![1 + width % 48, 1 + height % 48];
    options.rows = 1 + u32::from(head[7] % 8);
    options.scale = 1;
    options.palette = palette;
    options.title = String::from_utf8_lossy(&texture[..texture.len().min(12)]).into_owned();
    let sheet = contact_sheet(texture, &options);
    assert_eq!(sheet.rgba().len(), 4 * sheet.width() as usize * sheet.height() as usize);
    assert!(sheet.rgba().chunks_exact(4).all(|p| p[3] == 0xff), "the sheet is opaque");
}

/// What every pixel of a format must look like.
fn check_pixels(format: Format, image: &Image) {
    let grey = matches!(format, Format::I4 | Format::I8 | Format::Ia4 | Format::Ia8 | Format::Ia16);
    for p in image.rgba().chunks_exact(4) {
        if grey {
            assert!(p[0] == p[1] && p[1] == p[2], "{format}: {p:?} is not grey");
        }
        match format {
            Format::Rgba16 | Format::Ia4 => assert!(p[3] == 0 || p[3] == 0xff, "{format}: alpha {}", p[3]),
            Format::I4 | Format::I8 => assert_eq!(p[3], 0xff, "{format}: alpha"),
            _ => {}
        }
        if matches!(format, Format::I4 | Format::Ia8) {
            assert_eq!(p[0] >> 4, p[0] & 0xf, "{format}: {p:?} is not widened by replication");
        }
    }
}
