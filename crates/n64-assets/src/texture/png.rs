//! PNG output of decoded pictures.

use ::png::{BitDepth, ColorType, Compression, Encoder, Filter};

use super::Image;

impl Image {
    /// The picture as an 8-bit RGBA PNG file.
    ///
    /// The output depends only on the pixels (and on the `png` crate's version): no time stamp,
    /// no text chunks, fixed compression and filter settings.
    ///
    /// ```
    /// use n64_assets::texture::{Format, decode};
    /// let png = decode(&[0xff; 8], Format::Rgba16, 2, 2, None)?.to_png();
    /// assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    /// assert_eq!(&png[16..24], [0, 0, 0, 2, 0, 0, 0, 2]); // IHDR: width 2, height 2
    /// # Ok::<(), n64_assets::texture::Error>(())
    /// ```
    ///
    /// # Panics
    ///
    /// Never: an image's sides are at least 1 and its pixels fill it exactly (every `Image` is
    /// made in this crate), and writing into a `Vec` does not fail.
    #[must_use]
    pub fn to_png(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.rgba.len() / 2 + 64);
        let mut encoder = Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(ColorType::Rgba);
        encoder.set_depth(BitDepth::Eight);
        encoder.set_compression(Compression::Balanced);
        encoder.set_filter(Filter::Adaptive);
        let mut writer = encoder.write_header().expect("an image of at least 1x1 has a PNG header");
        writer.write_image_data(&self.rgba).expect("an image's pixels fill it exactly");
        writer.finish().expect("writing into a Vec does not fail");
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::texture::{Format, decode};

    #[test]
    fn the_png_decodes_to_the_same_pixels() {
        let bytes: Vec<u8> = (0..=255).collect();
        let image = decode(&bytes, Format::Rgba32, 8, 8, None).unwrap();
        let png = image.to_png();
        assert_eq!(png, image.to_png(), "deterministic");
        let mut reader = ::png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((info.width, info.height, info.color_type), (8, 8, ::png::ColorType::Rgba));
        assert_eq!(pixels, image.rgba());
    }
}
