//! Telling 64DD disk images apart from cartridge ROMs before a ROM is read from a file.

use std::path::Path;

use n64_core::disk::{self, DiskInfo};

use crate::{Error, ErrorKind};

/// Fails with [`ErrorKind::Disk`] when `prefix` (the first bytes of a file of `size` bytes, at
/// least [`disk::DiskLayout::prefix_len`] of them when the size is a disk's) is a 64DD disk
/// image, and with [`ErrorKind::BadDisk`] when it has a disk's size and layout but a damaged
/// system area and is no cartridge ROM either (`rom_error`: what reading it as a ROM said).
///
/// Commands that need a cartridge call it on an image they read whole:
///
/// ```
/// use n64_io::{refuse_disk, ErrorKind};
/// let rom = [0x80, 0x37, 0x12, 0x40].repeat(0x1400);
/// assert!(refuse_disk("game.z64", &rom).is_ok());
/// ```
pub fn refuse_disk(path: impl AsRef<Path>, image: &[u8]) -> Result<(), Error> {
    check(path.as_ref(), image, image.len() as u64, None)
}

/// The disk check of the file readers: `Err` for a disk or a damaged one, `Ok` for anything
/// else. `rom_ok` says whether the bytes read as a cartridge ROM, for the damaged case (a
/// disk-sized file that is a ROM stays a ROM); `None` when not known yet.
pub(crate) fn check(path: &Path, prefix: &[u8], size: u64, rom_ok: Option<bool>) -> Result<(), Error> {
    match disk::probe(prefix, size) {
        Ok(None) => Ok(()),
        Ok(Some(info)) => Err(Error::new(path, ErrorKind::Disk(Box::new(info)))),
        Err(error) => {
            let rom_ok =
                rom_ok.unwrap_or_else(|| n64_core::identify(prefix, size, n64_core::InspectOptions::default()).is_ok());
            if rom_ok { Ok(()) } else { Err(Error::new(path, ErrorKind::BadDisk(error))) }
        }
    }
}

/// How many bytes the disk check needs from a file of `size` bytes (0 when no disk has that
/// size).
pub(crate) fn needed(size: u64) -> usize {
    disk::DiskLayout::from_len(size).map_or(0, |layout| layout.prefix_len())
}

/// The words after a path when a disk is refused: "a 64DD disk image (ndd), not a cartridge
/// ROM".
pub(crate) fn refusal(info: &DiskInfo) -> String {
    format!("a 64DD disk image ({}), not a cartridge ROM", info.format)
}
