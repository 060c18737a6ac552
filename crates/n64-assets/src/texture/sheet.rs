//! The contact sheet: the same bytes decoded in every format at a few widths, each tile labelled,
//! so a person can tell by eye where textures are and which format and width fit them.

use super::{Format, Image, MAX_PIXELS, MAX_SIDE, PaletteFormat, expand, font, palette_table, texel_table};

/// The widths a sheet shows by default: 16, 32 and 64 texels.
const DEFAULT_WIDTHS: [u32; 3] = [16, 32, 64];
/// At most this many widths are shown; later ones are dropped.
const MAX_WIDTHS: usize = 8;
/// The widest tile, in texels; wider widths are cut to it.
const MAX_TILE_WIDTH: u32 = 512;
/// The tallest tile, in texels.
const MAX_ROWS: u32 = 256;
/// The largest magnification.
const MAX_SCALE: u32 = 8;
/// The longest title, in characters; the rest is dropped.
const MAX_TITLE: usize = 160;

/// Space around the sheet, between columns, between rows and under a label, in pixels.
const MARGIN: u32 = 4;
const GAP_X: u32 = 8;
const GAP_Y: u32 = 6;
const LABEL_GAP: u32 = 2;
/// A checkerboard square behind transparent texels, in pixels.
const CHECKER: u32 = 4;

const BACKGROUND: [u8; 4] = [0x50, 0x50, 0x50, 0xff];
const FRAME: [u8; 4] = [0x20, 0x20, 0x20, 0xff];
const TEXT: [u8; 4] = [0xf0, 0xf0, 0xf0, 0xff];
const CHECKER_LIGHT: u8 = 0xa8;
const CHECKER_DARK: u8 = 0x88;

/// What a [`contact_sheet`] shows. Out-of-range values are brought into range, never refused.
///
/// ```
/// use n64_assets::texture::{Format, SheetOptions};
/// let mut options = SheetOptions::default();
/// options.formats = vec![Format::Ci8, Format::I4];
/// options.widths = vec![8, 24];
/// options.title = "game.z64 0x12340".into();
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SheetOptions<'a> {
    /// The formats, one row of tiles each, top to bottom (default: [`Format::ALL`]; at most nine
    /// are shown).
    pub formats: Vec<Format>,
    /// The widths, one column of tiles each, left to right (default 16, 32, 64; at most eight
    /// are shown, each 1 to 512).
    pub widths: Vec<u32>,
    /// How many rows of texels each tile shows (default 64; 1 to 256).
    pub rows: u32,
    /// The magnification, in screen pixels per sheet pixel (default 2; 1 to 8, less when the
    /// sheet would exceed [`MAX_SIDE`] or [`MAX_PIXELS`]).
    pub scale: u32,
    /// The palette of the CI tiles. Without one, or for a CI format it is too short for, the
    /// tiles use a grey ramp: index `i` of CI4 is grey `i * 17`, index `i` of CI8 is grey `i`.
    pub palette: Option<(&'a [u8], PaletteFormat)>,
    /// A line drawn above the tiles, such as the file and offset (default none; at most 160
    /// characters). Characters the font lacks are drawn as `?`.
    pub title: String,
}

impl Default for SheetOptions<'_> {
    fn default() -> Self {
        SheetOptions {
            formats: Format::ALL.to_vec(),
            widths: DEFAULT_WIDTHS.to_vec(),
            rows: 64,
            scale: 2,
            palette: None,
            title: String::new(),
        }
    }
}

/// Renders `bytes` (from the offset to look at onwards) in each format of `options` at each
/// width: a grid of tiles, one row per format and one column per width, each labelled with the
/// format and width (`ci8 w32`) on a neutral grey background. Each tile shows the first
/// `width * rows` texels the bytes hold, over a checkerboard where they are transparent; bytes
/// that run out leave the rest of the tile empty (background grey inside its frame). The sheet
/// is opaque, and the same bytes and options always give the same pixels.
///
/// ```
/// use n64_assets::texture::{SheetOptions, contact_sheet};
/// let sheet = contact_sheet(&[0xff; 100], &SheetOptions::default());
/// assert!(sheet.width() > 3 * 64 && sheet.height() > 9 * 64);
/// let empty = contact_sheet(&[], &SheetOptions::default());
/// assert_eq!((empty.width(), empty.height()), (sheet.width(), sheet.height()));
/// ```
#[must_use]
pub fn contact_sheet(bytes: &[u8], options: &SheetOptions<'_>) -> Image {
    let layout = Layout::new(options);
    let mut canvas = Canvas::new(layout.width, layout.height);
    canvas.text(MARGIN, MARGIN, &layout.title);
    let mut y = MARGIN + layout.title_height;
    for &format in &layout.formats {
        let texels = decode_prefix(bytes, format, layout.max_width * layout.rows, options.palette);
        let mut x = MARGIN;
        for (&width, &column) in layout.widths.iter().zip(&layout.columns) {
            canvas.text(x, y, &label(format, width));
            let top = y + font::HEIGHT + LABEL_GAP;
            canvas.fill(x, top, width + 2, layout.rows + 2, FRAME);
            canvas.fill(x + 1, top + 1, width, layout.rows, BACKGROUND);
            for (n, texel) in (0..width * layout.rows).zip(texels.chunks_exact(4)) {
                let (tx, ty) = (n % width, n / width);
                canvas.put(x + 1 + tx, top + 1 + ty, over_checker(texel, tx, ty));
            }
            x += column + GAP_X;
        }
        y += layout.row_height + GAP_Y;
    }
    canvas.into_image(layout.scale)
}

/// A tile's label.
fn label(format: Format, width: u32) -> String {
    format!("{format} w{width}")
}

/// The first `count` texels of `bytes` in `format` (fewer when the bytes run out), as RGBA8.
fn decode_prefix(bytes: &[u8], format: Format, count: u32, palette: Option<(&[u8], PaletteFormat)>) -> Vec<u8> {
    let bits = format.bits_per_pixel() as usize;
    let held = bytes.len().saturating_mul(8) / bits;
    let count = held.min(count as usize);
    let table = format
        .palette_entries()
        .and_then(|entries| {
            palette.and_then(|(palette, palette_format)| palette_table(palette, palette_format, entries))
        })
        .unwrap_or_else(|| texel_table(format));
    let mut rgba = vec![0; count * 4];
    expand(format, bytes, &table, &mut rgba);
    rgba
}

/// A texel blended over the checkerboard behind its tile.
fn over_checker(texel: &[u8], x: u32, y: u32) -> [u8; 4] {
    let back = u32::from(if (x / CHECKER + y / CHECKER).is_multiple_of(2) { CHECKER_LIGHT } else { CHECKER_DARK });
    let alpha = u32::from(texel[3]);
    let blend = |c: u8| u8::try_from((u32::from(c) * alpha + back * (255 - alpha) + 127) / 255).unwrap_or(0xff);
    [blend(texel[0]), blend(texel[1]), blend(texel[2]), 0xff]
}

/// Where everything goes, from the options brought into range.
struct Layout {
    formats: Vec<Format>,
    widths: Vec<u32>,
    /// The width of each column: its tiles' frames or its widest label.
    columns: Vec<u32>,
    max_width: u32,
    rows: u32,
    title: String,
    title_height: u32,
    /// A label, the space under it and a framed tile.
    row_height: u32,
    width: u32,
    height: u32,
    scale: u32,
}

impl Layout {
    fn new(options: &SheetOptions<'_>) -> Layout {
        let formats: Vec<Format> = if options.formats.is_empty() {
            Format::ALL.to_vec()
        } else {
            options.formats.iter().copied().take(Format::ALL.len()).collect()
        };
        let widths: Vec<u32> = if options.widths.is_empty() {
            DEFAULT_WIDTHS.to_vec()
        } else {
            options.widths.iter().take(MAX_WIDTHS).map(|w| (*w).clamp(1, MAX_TILE_WIDTH)).collect()
        };
        let rows = options.rows.clamp(1, MAX_ROWS);
        let title: String = options.title.chars().take(MAX_TITLE).collect();
        let columns: Vec<u32> = widths
            .iter()
            .map(|&w| formats.iter().map(|&f| font::text_width(&label(f, w))).fold(w + 2, u32::max))
            .collect();
        let max_width = widths.iter().copied().max().unwrap_or(1);
        let title_height = if title.is_empty() { 0 } else { font::HEIGHT + GAP_Y };
        let row_height = font::HEIGHT + LABEL_GAP + rows + 2;
        let grid_width = columns.iter().map(|c| c + GAP_X).sum::<u32>() - GAP_X;
        let width = 2 * MARGIN + grid_width.max(font::text_width(&title));
        let grid_height = formats.iter().map(|_| row_height + GAP_Y).sum::<u32>() - GAP_Y;
        let height = 2 * MARGIN + title_height + grid_height;
        let fits = |s: u32| {
            width * s <= MAX_SIDE
                && height * s <= MAX_SIDE
                && u64::from(width * s) * u64::from(height * s) <= MAX_PIXELS
        };
        let scale = (1..=options.scale.clamp(1, MAX_SCALE)).rev().find(|&s| fits(s)).unwrap_or(1);
        Layout { formats, widths, columns, max_width, rows, title, title_height, row_height, width, height, scale }
    }
}

/// An RGBA8 drawing surface; drawing outside it does nothing.
struct Canvas {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

impl Canvas {
    fn new(width: u32, height: u32) -> Canvas {
        Canvas { width, height, rgba: BACKGROUND.repeat(width as usize * height as usize) }
    }

    fn put(&mut self, x: u32, y: u32, color: [u8; 4]) {
        if x < self.width && y < self.height {
            let at = (y as usize * self.width as usize + x as usize) * 4;
            if let Some(pixel) = self.rgba.get_mut(at..at + 4) {
                pixel.copy_from_slice(&color);
            }
        }
    }

    fn fill(&mut self, x: u32, y: u32, width: u32, height: u32, color: [u8; 4]) {
        for row in y..y.saturating_add(height) {
            for column in x..x.saturating_add(width) {
                self.put(column, row, color);
            }
        }
    }

    fn text(&mut self, x: u32, y: u32, text: &str) {
        for (n, c) in (0..).zip(text.chars()) {
            let left = x.saturating_add(n * font::ADVANCE);
            for (dy, bits) in (0..).zip(font::glyph(c)) {
                for dx in 0..font::WIDTH {
                    if bits >> (font::WIDTH - 1 - dx) & 1 == 1 {
                        self.put(left + dx, y + dy, TEXT);
                    }
                }
            }
        }
    }

    /// The canvas magnified `scale` times (each pixel a `scale` x `scale` square).
    fn into_image(self, scale: u32) -> Image {
        if scale == 1 {
            return Image { width: self.width, height: self.height, rgba: self.rgba };
        }
        let (width, height) = (self.width * scale, self.height * scale);
        let mut rgba = Vec::with_capacity(width as usize * height as usize * 4);
        for row in self.rgba.chunks_exact(self.width as usize * 4) {
            let start = rgba.len();
            for pixel in row.chunks_exact(4) {
                for _ in 0..scale {
                    rgba.extend_from_slice(pixel);
                }
            }
            let end = rgba.len();
            for _ in 1..scale {
                rgba.extend_from_within(start..end);
            }
        }
        Image { width, height, rgba }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_options_stay_within_the_image_bounds() {
        let options = SheetOptions {
            formats: [Format::ALL, Format::ALL].concat(),
            widths: vec![u32::MAX; 20],
            rows: u32::MAX,
            scale: u32::MAX,
            palette: None,
            title: "x".repeat(1000),
        };
        let layout = Layout::new(&options);
        assert_eq!((layout.formats.len(), layout.widths.len(), layout.rows), (9, 8, 256));
        assert!(layout.width <= MAX_SIDE && layout.height <= MAX_SIDE);
        assert!(u64::from(layout.width) * u64::from(layout.height) <= MAX_PIXELS);
        assert_eq!(layout.scale, 1, "{}x{}", layout.width, layout.height);
    }

    #[test]
    fn empty_lists_mean_the_defaults_and_zero_means_one() {
        let options = SheetOptions { formats: vec![], widths: vec![0], rows: 0, scale: 0, ..SheetOptions::default() };
        let layout = Layout::new(&options);
        assert_eq!((layout.formats.len(), layout.widths.as_slice(), layout.rows, layout.scale), (9, &[1][..], 1, 1));
        let sheet = contact_sheet(&[1, 2, 3], &options);
        assert_eq!(sheet.rgba().len(), sheet.width() as usize * sheet.height() as usize * 4);
    }

    #[test]
    fn magnifying_repeats_each_pixel() {
        let mut canvas = Canvas::new(2, 1);
        canvas.put(1, 0, TEXT);
        canvas.put(2, 0, FRAME); // outside: ignored
        let image = canvas.into_image(3);
        assert_eq!((image.width(), image.height()), (6, 3));
        assert_eq!(image.pixel(2, 2), Some(BACKGROUND));
        assert_eq!(image.pixel(3, 0), Some(TEXT));
        assert_eq!(image.pixel(5, 2), Some(TEXT));
    }
}
