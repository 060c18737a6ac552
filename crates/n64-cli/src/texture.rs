//! `n64 texture`: one texture of a ROM decoded to a PNG, or a contact sheet of the bytes at an
//! offset in every format (`n64_assets::texture`). The ROM is read whole and made big-endian;
//! the PNG is the one file written.

use std::fs;
use std::io;
use std::path::Path;

use n64_assets::texture::{self, SheetOptions};
use n64_common::output::{Format, Printer, Stop};
use n64_common::{Exit, Failure, FailureKind, Verbosity};
use n64_io::Operation;

use crate::cli::TextureArgs;
use crate::whole_rom::{self, MAX_ROM};

pub(crate) fn run(args: &TextureArgs, verbosity: Verbosity) -> Result<Exit, Stop> {
    let mut printer = Printer::new("n64", Format::Text);
    let exit = match texture(args) {
        Ok(line) => {
            if !verbosity.is_quiet() {
                printer.line(line)?;
            }
            Exit::Ok
        }
        Err(failure) => {
            printer.failure(&failure)?;
            Exit::Error
        }
    };
    printer.finish()?;
    Ok(exit)
}

/// Decodes and writes; the line saying what was written.
fn texture(args: &TextureArgs) -> Result<String, Failure> {
    let rom = whole_rom::load(&args.rom, MAX_ROM)?;
    let image = &rom.image;
    let path = &args.rom;
    let past_end = |what: String| {
        Failure::new(path, FailureKind::Rom, format!("{what} runs past the end of the ROM ({:#x} bytes)", image.len()))
    };
    let bytes = image.get(args.offset..).ok_or_else(|| past_end(format!("offset {:#x}", args.offset)))?;
    let palette_bytes = match args.palette {
        Some(at) => Some(image.get(at..).ok_or_else(|| past_end(format!("palette offset {at:#x}")))?),
        None => None,
    };
    let palette = palette_bytes.map(|p| (p, args.palette_format));
    let (picture, what) = if let Some(format) = args.format {
        let (width, height) = (args.width.unwrap_or(0), args.height.unwrap_or(0));
        let picture = texture::decode(bytes, format, width, height, palette).map_err(|e| match e {
            texture::Error::TooShort { expected, .. } => {
                past_end(format!("texture at {:#x} ({format} {width}x{height}, {expected:#x} bytes)", args.offset))
            }
            texture::Error::PaletteTooShort { palette, entries, expected, .. } => past_end(format!(
                "palette at {:#x} ({entries} {palette} entries, {expected:#x} bytes)",
                args.palette.unwrap_or(0)
            )),
            texture::Error::MissingPalette { .. } => {
                Failure::new(path, FailureKind::Refused, format!("{e} (--palette OFF)"))
            }
            other => Failure::new(path, FailureKind::Refused, other),
        })?;
        (picture, format!("{format} {width}x{height} at {:#x}", args.offset))
    } else {
        let mut options = SheetOptions::default();
        if let Some(width) = args.width {
            options.widths = vec![width];
        }
        if let Some(rows) = args.height {
            options.rows = rows;
        }
        options.palette = palette;
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        options.title = format!("{name} {:#x}", args.offset);
        let sheet = texture::contact_sheet(bytes, &options);
        (sheet, format!("contact sheet of {:#x}", args.offset))
    };
    let png = picture.to_png();
    write_png(&args.output, &png, &args.rom, args.force)?;
    Ok(format!("{}: {what} -> {} ({}x{})", path.display(), args.output.display(), picture.width(), picture.height()))
}

/// Writes the PNG atomically: a new file (with the ROM's permissions), or with `force` over an
/// existing regular file that is not the ROM.
fn write_png(out: &Path, png: &[u8], rom: &Path, force: bool) -> Result<(), Failure> {
    let produce = |w: &mut dyn io::Write| w.write_all(png).map_err(|e| n64_io::Error::io(out, Operation::Write, e));
    match fs::metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // With the ROM's permissions, as `n64 extract` gives its files.
            let like = fs::metadata(rom).ok();
            n64_io::atomic::create_new(out, like.as_ref(), produce).map_err(Failure::from)
        }
        Err(e) => Err(n64_io::Error::io(out, Operation::Write, e).into()),
        Ok(_) if same_file(out, rom) => Err(Failure::refused(out, "this is the ROM: it is never written")),
        Ok(meta) if !meta.is_file() => {
            Err(Failure::new(out, FailureKind::NotRegular, "exists and is not a regular file"))
        }
        Ok(_) if !force => Err(Failure::new(out, FailureKind::AlreadyExists, "exists (pass --force to replace it)")),
        Ok(_) => n64_io::atomic::replace(out, produce).map_err(Failure::from),
    }
}

/// Whether `a` and `b` name the same file (device and inode, so hard links too).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (fs::metadata(a), fs::metadata(b)) {
            return (a.dev(), a.ino()) == (b.dev(), b.ino());
        }
    }
    matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(a), Ok(b)) if a == b)
}
