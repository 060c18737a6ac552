//! Loading the DAT files a run is given: read (bounded), parsed, warnings collected. Both
//! front ends (`n64 verify`, `n64-fix normalize --dat`) load their DATs here.

use std::io::Read;
use std::path::{Path, PathBuf};

use n64_dat::Dat;

use crate::Error;

/// The largest DAT accepted: far above any N64 DAT (No-Intro's is under 1 MiB), and a bound on
/// what parsing may take (up to about 20 bytes of memory per byte of DAT for a DAT of empty
/// roms), so that a wrong or hostile file cannot exhaust memory.
pub const MAX_DAT_LEN: u64 = 64 << 20;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dat_over_the_limit_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.dat");
        // Sparse: the size alone must refuse it.
        std::fs::File::create(&path).unwrap().set_len(MAX_DAT_LEN + 1).unwrap();
        let error = load_dat(&path).unwrap_err();
        assert!(error.to_string().contains("too large for a DAT file"), "{error}");
        assert!(error.to_string().contains("huge.dat"), "{error}");
    }

    #[test]
    fn an_empty_file_is_not_a_dat() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.dat");
        std::fs::write(&path, b"").unwrap();
        assert!(load_dat(&path).unwrap_err().to_string().contains("empty"));
    }
}
