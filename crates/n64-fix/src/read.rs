//! Opening a ROM a second time, to stream it, after it was inspected.

use std::fs::File;
use std::path::Path;

use n64_common::{Failure, open_regular};

/// Opens the inspected file again for reading, refusing it when its size changed since.
pub(crate) fn reopen(path: &Path, size: u64) -> Result<File, Failure> {
    let (file, meta) = open_regular(path)?;
    if meta.len() != size {
        return Err(Failure::new(
            path,
            format!("file changed since it was inspected: {:#x} bytes, was {size:#x}", meta.len()),
        ));
    }
    Ok(file)
}
