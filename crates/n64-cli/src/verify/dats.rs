//! Loading the DAT files given with `--dat` (through the engine's [`n64_collection::load_dat`]),
//! with its errors as the one-line failures `n64` prints.

use std::path::Path;

pub(crate) use n64_collection::LoadedDat;
use n64_common::{Failure, FailureKind};

/// Reads and parses one DAT file.
pub(crate) fn load(path: &Path) -> Result<LoadedDat, Failure> {
    n64_collection::load_dat(path).map_err(|error| match error {
        n64_collection::Error::File(io) => Failure::from(io),
        n64_collection::Error::Dat { path, message } => Failure::new(&path, FailureKind::Dat, message),
        other => Failure::new(other.path(), FailureKind::Dat, other.to_string()),
    })
}
