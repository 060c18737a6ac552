//! Reading a whole file into memory, for the operations that need all of it (patching,
//! assets).

use std::io::Read;
use std::path::Path;

use n64_core::{Identified, InspectOptions};

use crate::{Failure, FailureKind};

/// Reads all of `path`, a regular file of at most `limit` bytes (checked before anything is
/// allocated). An empty file, a directory, a FIFO, a file over the limit and a file that
/// changes size while read are each a one-line [`Failure`] naming the file.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("small.bin");
/// std::fs::write(&path, b"abc")?;
/// assert_eq!(n64_common::read_whole(&path, 16)?, b"abc");
/// assert_eq!(n64_common::read_whole(&path, 2).unwrap_err().kind, n64_common::FailureKind::TooLarge);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_whole(path: &Path, limit: u64) -> Result<Vec<u8>, Failure> {
    let mut open = n64_io::open_regular(path)?;
    let size = open.size();
    if size == 0 {
        return Err(n64_io::Error::new(path, n64_io::ErrorKind::Empty).into());
    }
    if size > limit {
        return Err(Failure::new(
            path,
            FailureKind::TooLarge,
            format!("{size} bytes, larger than the {} MiB this operation reads", limit >> 20),
        ));
    }
    let capacity = usize::try_from(size).unwrap_or(usize::MAX);
    let mut bytes = Vec::with_capacity(capacity);
    // One byte more than expected shows a file that grew while read.
    (&mut open.file)
        .take(size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| n64_io::Error::io(path, n64_io::Operation::Read, e))?;
    if bytes.len() as u64 != size {
        return Err(Failure::new(
            path,
            FailureKind::Changed,
            format!("file changed while being read: {size} bytes when opened, {} read", bytes.len()),
        ));
    }
    Ok(bytes)
}

/// Reads a cartridge ROM whole, as [`read_whole`] does, and refuses what is not one: a 64DD disk
/// image (`PATH: a 64DD disk image (ndd), not a cartridge ROM`) or bytes n64-core does not
/// identify. Returns the bytes as stored and what identified them (byte order, header, trailing
/// bytes).
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("not-a-rom.bin");
/// std::fs::write(&path, [0u8; 0x2000])?;
/// let failure = n64_common::read_whole_rom(&path, 1 << 20).unwrap_err();
/// assert!(failure.message.contains("not an N64 ROM"), "{}", failure.message);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_whole_rom(path: &Path, limit: u64) -> Result<(Vec<u8>, Identified), Failure> {
    let bytes = read_whole(path, limit)?;
    n64_io::refuse_disk(path, &bytes)?;
    let found = n64_core::identify(&bytes, bytes.len() as u64, InspectOptions::default())
        .map_err(|e| n64_io::Error::rom(path, e))?;
    Ok((bytes, found))
}
