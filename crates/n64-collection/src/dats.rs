//! Loading the DAT files a run is given: read (bounded), parsed, warnings collected. Both
//! front ends (`n64 verify`, `n64-fix normalize --dat`) load their DATs here.

use std::io::Read;
use std::path::{Path, PathBuf};

use n64_dat::Dat;

use crate::Error;

/// The largest DAT accepted: far above any real one (No-Intro's N64 DAT is under 1 MiB; MAME's
/// whole listing is about 300 MiB), so that a wrong file cannot exhaust memory.
pub const MAX_DAT_LEN: u64 = 512 << 20;

/// One DAT as loaded.
#[derive(Debug, Clone)]
pub struct LoadedDat {
    /// The file it was read from.
    pub path: PathBuf,
    /// The DAT.
    pub dat: Dat,
    /// `FILE: line L, column C: ...` warnings, to print on stderr.
    pub warnings: Vec<String>,
}

/// Reads and parses one DAT file.
///
/// # Errors
///
/// [`Error::File`] when it cannot be opened or read (a FIFO, a directory, a missing file);
/// [`Error::Dat`] when it is empty, larger than [`MAX_DAT_LEN`], or not a well-formed DAT.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("set.dat");
/// std::fs::write(&path, r#"<datafile><game name="G"><rom name="G.z64" size="4" crc="01234567"/></game></datafile>"#)?;
/// let loaded = n64_collection::load_dat(&path)?;
/// assert_eq!(loaded.dat.games[0].roms[0].name, "G.z64");
///
/// std::fs::write(&path, "")?;
/// let error = n64_collection::load_dat(&path).unwrap_err();
/// assert!(matches!(error, n64_collection::Error::Dat { ref message, .. } if message == "empty file, not a DAT"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_dat(path: &Path) -> Result<LoadedDat, Error> {
    let invalid = |message: String| Error::Dat { path: path.to_path_buf(), message };
    let open = n64_io::open_regular(path)?;
    if open.size() > MAX_DAT_LEN {
        return Err(invalid(format!("{} bytes is too large for a DAT file (at most {MAX_DAT_LEN})", open.size())));
    }
    let mut bytes = Vec::new();
    open.file
        .take(MAX_DAT_LEN + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| n64_io::Error::io(path, n64_io::Operation::Read, e))?;
    if bytes.is_empty() {
        return Err(invalid("empty file, not a DAT".to_owned()));
    }
    let parsed = n64_dat::parse(&bytes).map_err(|e| invalid(e.to_string()))?;
    let warnings = parsed.warnings.iter().map(|w| format!("{}: {w}", path.display())).collect();
    Ok(LoadedDat { path: path.to_path_buf(), dat: parsed.dat, warnings })
}
