//! Loading the DAT files given with `--dat`: read (bounded), parsed, warnings collected.

use std::io::Read;
use std::path::{Path, PathBuf};

use n64_common::{Failure, FailureKind};
use n64_dat::Dat;

/// The largest DAT accepted: far above any real one (No-Intro's N64 DAT is under 1 MiB; MAME's
/// whole listing is about 300 MiB), so that a wrong file cannot exhaust memory.
pub(crate) const MAX_DAT_LEN: u64 = 512 << 20;

/// One DAT as loaded.
pub(crate) struct LoadedDat {
    pub(crate) path: PathBuf,
    pub(crate) dat: Dat,
    /// `FILE: line L, column C: ...` warnings, to print on stderr.
    pub(crate) warnings: Vec<String>,
}

/// Reads and parses one DAT file.
pub(crate) fn load(path: &Path) -> Result<LoadedDat, Failure> {
    let open = n64_io::open_regular(path)?;
    if open.size() > MAX_DAT_LEN {
        return Err(Failure::new(
            path,
            FailureKind::Dat,
            format!("{} bytes is too large for a DAT file (at most {MAX_DAT_LEN})", open.size()),
        ));
    }
    let mut bytes = Vec::new();
    open.file
        .take(MAX_DAT_LEN + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::from(n64_io::Error::io(path, n64_io::Operation::Read, e)))?;
    if bytes.is_empty() {
        return Err(Failure::new(path, FailureKind::Dat, "empty file, not a DAT"));
    }
    let parsed = n64_dat::parse(&bytes).map_err(|e| Failure::new(path, FailureKind::Dat, e))?;
    let warnings = parsed.warnings.iter().map(|w| format!("{}: {w}", path.display())).collect();
    Ok(LoadedDat { path: path.to_path_buf(), dat: parsed.dat, warnings })
}
