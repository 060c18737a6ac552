//! RDP textures against two independent decoders from PyPI, run in the oracle venv (`cargo xtask
//! oracles`): n64img (splat's texture library, which widens by bit replication as the RDP does)
//! for every format, and pigment64 for the formats it does not shift (RGBA16, RGBA32, IA16, I8,
//! CI4, CI8: its I4, IA4 and IA8 give 0xF0 for 0xF). Then errors, the PNG (read back by pypng)
//! and the contact sheet.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use n64_assets::texture::{
    Error, Format, Image, MAX_PIXELS, MAX_SIDE, PaletteFormat, SheetOptions, contact_sheet, decode,
};
use n64_testkit::Rng;
use n64_testkit::tools::{oracle, run_in};
use proptest::prelude::*;

/// Decodes each case of `cases.txt` (`NAME FORMAT WIDTH HEIGHT PALETTE-FORMAT|-`; the texture in
/// NAME.data, the palette in NAME.pal) with n64img into NAME.n64img and, for the formats it does
/// not shift, with pigment64 into NAME.pigment64: RGBA8, row-major.
///
/// Both libraries cut 4-bit rows at a byte boundary, so an odd-width 4-bit texture, which is one
/// continuous run of nibbles, is read as a single row of (an even count of) texels and cut back.
/// n64img's palette helper rounds (ceil(255 x / 31)) where the RDP replicates, so its palettes
/// are decoded by its RGBA16 and IA16 texture classes, which replicate; pigment64's by its own
/// RGBA16 and IA16 decoders. pigment64's CI4 and CI8 go through its indexed-PNG path, not through
/// `decode`, whose CI8 table lookup overflows for indices of 64 and up.
const ORACLE: &str = r#"
import sys
import png
from n64img import image as n64img
import pigment64

def png_rgba(blob):
    _, _, rows, _ = png.Reader(bytes=blob).asRGBA8()
    return b"".join(bytes(row) for row in rows)

def from_ia(pairs):
    return b"".join(bytes((pairs[k], pairs[k], pairs[k], pairs[k + 1])) for k in range(0, len(pairs), 2))

def from_grey(values):
    return b"".join(bytes((v, v, v, 255)) for v in values)

def lookup(table, indices):
    return b"".join(table[4 * i:4 * i + 4] for i in indices)

FOUR_BIT = ("i4", "ia4", "ci4")
ENTRIES = {"ci4": 16, "ci8": 256}
CLASSES = {"rgba16": n64img.RGBA16, "rgba32": n64img.RGBA32, "ia4": n64img.IA4, "ia8": n64img.IA8,
           "ia16": n64img.IA16, "i4": n64img.I4, "i8": n64img.I8, "ci4": n64img.CI4, "ci8": n64img.CI8}

def shape(fmt, width, height):
    texels = width * height
    if fmt in FOUR_BIT and width % 2:
        return texels + texels % 2, 1
    return width, height

def by_n64img(data, fmt, width, height, pal, palfmt):
    w, h = shape(fmt, width, height)
    texels = CLASSES[fmt](data, w, h).parse()
    if fmt in ("rgba16", "rgba32"):
        out = texels
    elif fmt in ("ia4", "ia8", "ia16"):
        out = from_ia(texels)
    elif fmt in ("i4", "i8"):
        out = from_grey(texels)
    else:
        n = ENTRIES[fmt]
        if palfmt == "rgba16":
            table = n64img.RGBA16(pal[:2 * n], n, 1).parse()
        else:
            table = from_ia(n64img.IA16(pal[:2 * n], n, 1).parse())
        out = lookup(table, texels)
    return out[:4 * width * height]

def by_pigment64(data, fmt, width, height, pal, palfmt):
    if fmt in ("i4", "ia4", "ia8"):
        return None
    w, h = shape(fmt, width, height)
    tlut = None
    if fmt in ENTRIES:
        n = ENTRIES[fmt]
        tlut = png_rgba(pigment64.native_to_png(pal[:2 * n], palfmt, n, 1, None))
    return png_rgba(pigment64.native_to_png(data, fmt, w, h, tlut))[:4 * width * height]

for line in open("cases.txt"):
    name, fmt, width, height, palfmt = line.split()
    width, height = int(width), int(height)
    data = open(name + ".data", "rb").read()
    pal = open(name + ".pal", "rb").read() if palfmt != "-" else None
    open(name + ".n64img", "wb").write(by_n64img(data, fmt, width, height, pal, palfmt))
    out = by_pigment64(data, fmt, width, height, pal, palfmt)
    if out is not None:
        open(name + ".pigment64", "wb").write(out)
"#;

/// One texture to decode: exactly its bytes, and its palette (exactly the entries it indexes).
struct Case {
    what: String,
    format: Format,
    width: u32,
    height: u32,
    data: Vec<u8>,
    palette: Option<(Vec<u8>, PaletteFormat)>,
}

/// Odd and even sizes, from one texel to a few hundred.
const SIZES: [(u32, u32); 12] =
    [(1, 1), (2, 1), (1, 2), (3, 3), (4, 4), (5, 2), (8, 8), (16, 16), (17, 5), (31, 7), (32, 32), (64, 16)];

fn byte_len(format: Format, width: u32, height: u32) -> usize {
    usize::try_from(format.byte_len(width, height)).unwrap()
}

fn palettes(format: Format, rng: &mut Rng) -> Vec<Option<(Vec<u8>, PaletteFormat)>> {
    match format.palette_entries() {
        Some(entries) => PaletteFormat::ALL.iter().map(|&p| Some((rng.bytes(entries * 2), p))).collect(),
        None => vec![None],
    }
}

/// Random textures of every format at every size, with each palette format for CI.
fn random_cases() -> Vec<Case> {
    let mut rng = Rng(0x7e57_u64);
    let mut cases = Vec::new();
    for format in Format::ALL {
        for (width, height) in SIZES {
            for palette in palettes(format, &mut rng) {
                let data = rng.bytes(byte_len(format, width, height));
                cases.push(Case { what: "random".into(), format, width, height, data, palette });
            }
        }
    }
    cases
}

/// The extremes: all-zero and all-one texels and nibbles, 5-bit channels at 31 (0xFFFF,
/// 0xF801, 0x07C1, 0x003F), alternating 0x0F/0xF0, and CI8 indices 0, 63, 64, 127, 128, 200 and
/// 255 with palettes whose entries are extreme too.
fn extreme_cases() -> Vec<Case> {
    let mut rng = Rng(31);
    let mut cases = Vec::new();
    let mut extreme_palette = Vec::new();
    for entry in [0xffff_u16, 0xf801, 0x07c1, 0x003f, 0x0000, 0x0001, 0xfffe, 0x8421] {
        extreme_palette.extend_from_slice(&entry.to_be_bytes());
    }
    let extreme_palette = extreme_palette.repeat(32);
    for format in Format::ALL {
        let (width, height) = (6, 3);
        let len = byte_len(format, width, height);
        let mut patterns: Vec<(&str, Vec<u8>)> = vec![
            ("0x00", vec![0; len]),
            ("0xff", vec![0xff; len]),
            ("0x0f 0xf0", [0x0f, 0xf0].repeat(len)[..len].to_vec()),
        ];
        if format.bits_per_pixel() == 16 {
            let texels: Vec<u8> = [0xf8_u8, 0x01, 0x07, 0xc1, 0x00, 0x3f].repeat(len);
            patterns.push(("5-bit 31s", texels[..len].to_vec()));
        }
        let mut palettes = palettes(format, &mut rng);
        if let Some(entries) = format.palette_entries() {
            for palette_format in PaletteFormat::ALL {
                palettes.push(Some((extreme_palette[..entries * 2].to_vec(), palette_format)));
            }
        }
        for (what, data) in patterns {
            for palette in &palettes {
                cases.push(Case {
                    what: what.into(),
                    format,
                    width,
                    height,
                    data: data.clone(),
                    palette: palette.clone(),
                });
            }
        }
    }
    let indices = [0_u8, 63, 64, 127, 128, 200, 255, 1, 65, 199, 201, 254];
    for palette in palettes(Format::Ci8, &mut rng) {
        cases.push(Case {
            what: "ci8 indices 0 to 255".into(),
            format: Format::Ci8,
            width: 4,
            height: 3,
            data: indices.to_vec(),
            palette,
        });
    }
    cases
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// Ours, with extra bytes after the texture and the palette (which must not be read).
fn ours(case: &Case) -> Vec<u8> {
    let mut data = case.data.clone();
    data.extend_from_slice(&[0xa5, 0x5a, 0xc3]);
    let palette = case.palette.as_ref().map(|(bytes, format)| ([bytes.as_slice(), &[0x77; 6]].concat(), *format));
    let image = decode(&data, case.format, case.width, case.height, palette.as_ref().map(|(b, f)| (b.as_slice(), *f)))
        .unwrap_or_else(|e| panic!("{} {} {}x{}: {e}", case.what, case.format, case.width, case.height));
    assert_eq!((image.width(), image.height()), (case.width, case.height));
    image.into_rgba()
}

/// The first pixel where two decodings differ, for a readable failure.
fn first_difference(a: &[u8], b: &[u8], width: u32) -> String {
    if a.len() != b.len() {
        return format!("lengths {} and {}", a.len(), b.len());
    }
    let n = a.chunks(4).zip(b.chunks(4)).position(|(p, q)| p != q).unwrap_or(0);
    let width = width as usize;
    format!("pixel ({}, {}): {:02x?} vs {:02x?}", n % width, n / width, &a[n * 4..n * 4 + 4], &b[n * 4..n * 4 + 4])
}

#[test]
fn every_format_agrees_with_n64img_and_pigment64() {
    let Some(python) = oracle("python") else { return };
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<Case> = random_cases().into_iter().chain(extreme_cases()).collect();
    let mut manifest = String::new();
    for (n, case) in cases.iter().enumerate() {
        write(dir.path(), &format!("{n}.data"), &case.data);
        let palette_format = match &case.palette {
            Some((bytes, format)) => {
                write(dir.path(), &format!("{n}.pal"), bytes);
                format.name()
            }
            None => "-",
        };
        writeln!(manifest, "{n} {} {} {} {palette_format}", case.format, case.width, case.height).unwrap();
    }
    write(dir.path(), "cases.txt", manifest.as_bytes());
    run_in(dir.path(), &python, &["-c", ORACLE]);

    let mut compared = std::collections::HashMap::<(&str, Format), usize>::new();
    for (n, case) in cases.iter().enumerate() {
        let ours = ours(case);
        for tool in ["n64img", "pigment64"] {
            let Ok(theirs) = std::fs::read(dir.path().join(format!("{n}.{tool}"))) else { continue };
            assert!(
                ours == theirs,
                "{} {} {}x{} (palette {:?}) differs from {tool} at {}",
                case.what,
                case.format,
                case.width,
                case.height,
                case.palette.as_ref().map(|p| p.1),
                first_difference(&ours, &theirs, case.width)
            );
            *compared.entry((tool, case.format)).or_default() += 1;
        }
    }
    for format in Format::ALL {
        assert!(compared.get(&("n64img", format)).copied().unwrap_or(0) >= SIZES.len(), "n64img {format}");
        let pigment64 = compared.get(&("pigment64", format)).copied().unwrap_or(0);
        match format {
            Format::I4 | Format::Ia4 | Format::Ia8 => assert_eq!(pigment64, 0),
            _ => assert!(pigment64 >= SIZES.len(), "pigment64 {format}"),
        }
    }
}

/// Values from the RDP's published layouts, widened by replication.
#[test]
fn extremes_widen_to_full_scale() {
    let px = |bytes: &[u8], format| decode(bytes, format, 1, 1, None).unwrap().rgba().to_vec();
    assert_eq!(px(&[0xf0], Format::I4), [255, 255, 255, 255]);
    assert_eq!(px(&[0x10], Format::I4), [0x11, 0x11, 0x11, 255]);
    assert_eq!(px(&[0xf0], Format::Ia4), [255, 255, 255, 255]);
    assert_eq!(px(&[0xe0], Format::Ia4), [255, 255, 255, 0]);
    assert_eq!(px(&[0x30], Format::Ia4), [0x24, 0x24, 0x24, 255]);
    assert_eq!(px(&[0xf0], Format::Ia8), [255, 255, 255, 0]);
    assert_eq!(px(&[0x0f], Format::Ia8), [0, 0, 0, 255]);
    assert_eq!(px(&[0x80], Format::I8), [0x80, 0x80, 0x80, 255]);
    assert_eq!(px(&[0x12, 0x34], Format::Ia16), [0x12, 0x12, 0x12, 0x34]);
    assert_eq!(px(&[0xf8, 0x00], Format::Rgba16), [255, 0, 0, 0]);
    assert_eq!(px(&[0x07, 0xc1], Format::Rgba16), [0, 255, 0, 255]);
    assert_eq!(px(&[0x00, 0x3e], Format::Rgba16), [0, 0, 255, 0]);
    assert_eq!(px(&[0x08, 0x42], Format::Rgba16), [8, 8, 8, 0]);
    assert_eq!(px(&[1, 2, 3, 4], Format::Rgba32), [1, 2, 3, 4]);
    let ia16_palette = [[0x00, 0x00], [0xc8, 0x7f]].concat().repeat(128);
    let image = decode(&[200, 1], Format::Ci8, 2, 1, Some((&ia16_palette, PaletteFormat::Ia16))).unwrap();
    assert_eq!(image.rgba(), [0, 0, 0, 0, 0xc8, 0xc8, 0xc8, 0x7f]);
}

#[test]
fn short_data_is_an_error_in_every_format() {
    for format in Format::ALL {
        for (width, height) in SIZES {
            let len = byte_len(format, width, height);
            let palette = vec![0; 512];
            let palette = Some((palette.as_slice(), PaletteFormat::Rgba16));
            let err = decode(&vec![0; len - 1], format, width, height, palette).unwrap_err();
            assert_eq!(
                err,
                Error::TooShort { format, width, height, expected: len as u64, found: len - 1 },
                "{format} {width}x{height}"
            );
            assert!(decode(&vec![0; len], format, width, height, palette).is_ok());
        }
    }
    let message = decode(&[0; 5], Format::Rgba16, 2, 2, None).unwrap_err().to_string();
    assert_eq!(message, "rgba16 2x2 needs 0x8 bytes, the input has 0x5");
}

#[test]
fn short_or_missing_palettes_are_errors() {
    for (format, entries) in [(Format::Ci4, 16), (Format::Ci8, 256)] {
        assert_eq!(decode(&[0; 4], format, 2, 2, None).unwrap_err(), Error::MissingPalette { format });
        for palette_format in PaletteFormat::ALL {
            let short = vec![0; entries * 2 - 1];
            assert_eq!(
                decode(&[0; 4], format, 2, 2, Some((&short, palette_format))).unwrap_err(),
                Error::PaletteTooShort {
                    format,
                    palette: palette_format,
                    entries,
                    expected: entries * 2,
                    found: entries * 2 - 1
                }
            );
            assert!(decode(&[0; 4], format, 2, 2, Some((&short[..0], palette_format))).is_err());
        }
    }
    // A short texture is reported before a missing palette; other formats ignore a palette.
    assert!(matches!(decode(&[], Format::Ci8, 1, 1, None), Err(Error::TooShort { .. })));
    assert!(decode(&[0], Format::I8, 1, 1, Some((&[], PaletteFormat::Ia16))).is_ok());
}

#[test]
fn zero_and_huge_sizes_are_errors_found_before_any_work() {
    let data = vec![0; 64];
    for (width, height) in
        [(0, 1), (1, 0), (0, 0), (MAX_SIDE + 1, 1), (1, MAX_SIDE + 1), (u32::MAX, u32::MAX), (8192, 4097)]
    {
        for format in Format::ALL {
            assert_eq!(decode(&data, format, width, height, None).unwrap_err(), Error::Dimensions { width, height });
        }
    }
    assert!(u64::from(MAX_SIDE) * u64::from(MAX_SIDE) > MAX_PIXELS, "the texel bound is not implied by the side bound");
    // The largest texture that is allowed is still refused fast when the bytes are not there.
    let start = Instant::now();
    for format in Format::ALL {
        assert!(matches!(decode(&data, format, 4096, 4096, None), Err(Error::TooShort { .. })));
        assert!(matches!(decode(&data, format, MAX_SIDE, 2048, None), Err(Error::TooShort { .. })));
    }
    assert!(start.elapsed() < Duration::from_millis(50), "{:?}", start.elapsed());
    let message = decode(&data, Format::I4, 0, 5, None).unwrap_err().to_string();
    assert!(message.starts_with("texture size 0x5 is out of bounds"), "{message}");
}

#[test]
fn the_png_reads_back_with_pypng() {
    let Some(python) = oracle("python") else { return };
    let dir = tempfile::tempdir().unwrap();
    let palette = Rng(5).bytes(32);
    let cases = [
        decode(&Rng(1).bytes(2 * 37 * 11), Format::Rgba16, 37, 11, None).unwrap(),
        decode(&Rng(2).bytes(9), Format::Ci4, 3, 6, Some((&palette, PaletteFormat::Rgba16))).unwrap(),
        contact_sheet(&Rng(3).bytes(3000), &SheetOptions::default()),
    ];
    let script = "import png, sys\n\
        for name in sys.argv[1:]:\n\
        \x20   _, _, rows, _ = png.Reader(filename=name + '.png').asRGBA8()\n\
        \x20   open(name + '.rgba', 'wb').write(b''.join(bytes(r) for r in rows))";
    for (n, image) in cases.iter().enumerate() {
        write(dir.path(), &format!("{n}.png"), &image.to_png());
    }
    run_in(dir.path(), &python, &["-c", script, "0", "1", "2"]);
    for (n, image) in cases.iter().enumerate() {
        let theirs = std::fs::read(dir.path().join(format!("{n}.rgba"))).unwrap();
        assert!(theirs == image.rgba(), "image {n}: {}", first_difference(image.rgba(), &theirs, image.width()));
    }
}

/// FNV-1a, 64 bits: pins the sheet's pixels (a stability snapshot, not a correctness check).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// A one-format, one-width sheet at scale 1, laid out as documented: a 4-pixel margin, the
/// label (9 pixels), 2 pixels, then the tile in a 1-pixel frame, so texel (x, y) is at
/// (5 + x, 16 + y).
fn small_sheet(bytes: &[u8], format: Format, width: u32, rows: u32, palette: Option<(&[u8], PaletteFormat)>) -> Image {
    let mut options = SheetOptions::default();
    options.formats = vec![format];
    options.widths = vec![width];
    options.rows = rows;
    options.scale = 1;
    options.palette = palette;
    contact_sheet(bytes, &options)
}

#[test]
fn sheet_tiles_show_the_texels_and_run_out_into_background() {
    // 0xff is white and opaque in every format (CI: the grey ramp's last entry).
    for format in Format::ALL {
        let sheet = small_sheet(&[0xff; 64], format, 4, 3, None);
        let background = sheet.pixel(0, 0).unwrap();
        let frame = sheet.pixel(4, 15).unwrap();
        assert_ne!(background, frame);
        for n in 0..12 {
            assert_eq!(sheet.pixel(5 + n % 4, 16 + n / 4), Some([255; 4]), "{format} texel {n}");
        }
        assert_eq!(sheet.pixel(9, 19), Some(frame), "{format}: frame corner");
        // Five bytes hold 10, 5, 2 or 1 texel(s): the rest of the 4x3 tile is background.
        let sheet = small_sheet(&[0xff; 5], format, 4, 3, None);
        let held = 40 / format.bits_per_pixel();
        for n in 0..12 {
            let expected = if n < held { [255; 4] } else { background };
            assert_eq!(sheet.pixel(5 + n % 4, 16 + n / 4), Some(expected), "{format} texel {n}");
        }
    }
    // Transparent texels show a checkerboard of 4-pixel squares.
    let sheet = small_sheet(&[0x00; 64], Format::Ia8, 8, 8, None);
    let (light, dark) = (sheet.pixel(5, 16).unwrap(), sheet.pixel(5 + 4, 16).unwrap());
    assert_ne!(light, dark);
    assert_eq!(sheet.pixel(5 + 4, 16 + 4), Some(light));
    assert_eq!(sheet.pixel(5, 16 + 4), Some(dark));
    // A CI palette that is given is used; one too short for the format is not.
    let red = [0xf8, 0x01].repeat(16);
    let sheet = small_sheet(&[0x12; 8], Format::Ci4, 4, 3, Some((&red, PaletteFormat::Rgba16)));
    assert_eq!(sheet.pixel(5, 16), Some([255, 0, 0, 255]));
    let sheet = small_sheet(&[0xff; 8], Format::Ci8, 4, 3, Some((&red, PaletteFormat::Rgba16)));
    assert_eq!(sheet.pixel(5, 16), Some([255; 4]));
}

#[test]
fn sheets_never_fail_and_are_deterministic() {
    let bytes = Rng(0x5ee7).bytes(4096);
    let full = contact_sheet(&bytes, &SheetOptions::default());
    for len in [0, 1, 2, 3, 7, 100, 1000, 4096] {
        let sheet = contact_sheet(&bytes[..len], &SheetOptions::default());
        assert_eq!((sheet.width(), sheet.height()), (full.width(), full.height()));
        assert!(sheet.rgba().chunks(4).all(|p| p[3] == 255), "opaque");
    }
    assert_eq!(contact_sheet(&bytes, &SheetOptions::default()), full);
    assert_eq!(full.to_png(), full.to_png());
    assert_eq!((full.width(), full.height()), (416, 1498));
    assert_eq!(fnv1a(full.rgba()), 0x9574_fb53_da0b_6e2d, "the default sheet changed");
}

proptest! {
    #[test]
    fn decode_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        format in 0..9usize,
        width in 0..70u32,
        height in 0..70u32,
        palette_len in 0..600usize,
    ) {
        let format = Format::ALL[format];
        let palette = vec![0x5a; palette_len];
        match decode(&bytes, format, width, height, Some((&palette, PaletteFormat::Ia16))) {
            Ok(image) => prop_assert_eq!(image.rgba().len(), 4 * width as usize * height as usize),
            Err(Error::Dimensions { .. }) => prop_assert!(width == 0 || height == 0),
            Err(Error::TooShort { expected, .. }) => prop_assert!((bytes.len() as u64) < expected),
            Err(Error::PaletteTooShort { expected, .. }) => prop_assert!(palette_len < expected),
            Err(e) => prop_assert!(false, "{e}"),
        }
    }
}
