//! A ROM read whole into memory and made big-endian, for the commands that need all of it
//! (`patch-info --rom`, `assets`, `extract`, `texture`).

use std::path::{Path, PathBuf};

use n64_common::{Failure, FailureKind};
use n64_core::ByteOrder;

/// The largest ROM read whole: 256 MiB (the largest images are 64 MiB; the 64DD's and
/// flashcarts' a few times that).
pub(crate) const MAX_ROM: u64 = 256 << 20;

/// A ROM in memory.
#[derive(Debug)]
pub(crate) struct WholeRom {
    pub(crate) path: PathBuf,
    /// The order it is stored in.
    pub(crate) order: ByteOrder,
    /// The image, big-endian.
    pub(crate) image: Vec<u8>,
}

/// Reads the ROM (at most `limit` bytes), refuses a 64DD disk image, finds its byte order (n64-core, from its first bytes)
/// and converts it to big-endian in memory. A size that is not a whole number of the order's
/// words is refused.
pub(crate) fn load(path: &Path, limit: u64) -> Result<WholeRom, Failure> {
    let (mut image, found) = n64_common::read_whole_rom(path, limit)?;
    let size = image.len() as u64;
    let order = found.order;
    if found.trailing_bytes > 0 {
        return Err(Failure::new(
            path,
            FailureKind::TrailingBytes,
            format!(
                "size {size:#x} is not a whole number of {}-byte words, as the {order} byte order needs",
                order.unit()
            ),
        ));
    }
    n64_core::convert(&mut image, order, ByteOrder::Z64).map_err(|e| n64_io::Error::rom(path, e))?;
    Ok(WholeRom { path: path.to_path_buf(), order, image })
}
