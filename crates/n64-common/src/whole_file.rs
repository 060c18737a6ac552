//! Reading a whole file into memory, for the operations that need all of it (patching).

use std::io::Read;
use std::path::Path;

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
