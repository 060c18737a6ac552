//! Move markers: how `normalize` finishes a rename that a crash interrupted.
//!
//! A rename to a new name is: write the marker, create the new file (temporary file, sync,
//! rename without overwriting), remove the old file, remove the marker. The marker (a file
//! named `.n64-tmp-move-…` in the same directory) records both names and the SHA-1 of each
//! file's content as stored. On the next run, when both files still exist and both hashes
//! match, the old file is removed: the new one holds its content. Anything else leaves both
//! files alone.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use n64_io::atomic::{TEMP_PREFIX, parent_dir, remove_durably, sync_dir};
use n64_io::{Algorithms, Error, ImageReader, Operation};

/// The prefix of marker names.
pub(crate) fn marker_prefix() -> String {
    format!("{TEMP_PREFIX}move-")
}

/// Whether `path` is a move marker.
pub(crate) fn is_marker(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&marker_prefix()))
}

const MAGIC: &str = "n64-fix move 2";

/// A planned or interrupted move inside one directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Move {
    /// The old file name (bytes).
    pub(crate) old: Vec<u8>,
    /// The new file name (bytes).
    pub(crate) new: Vec<u8>,
    /// SHA-1 of the old file as stored.
    pub(crate) old_sha1: [u8; 20],
    /// SHA-1 of the new file as stored.
    pub(crate) new_sha1: [u8; 20],
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// The bytes of a file name.
pub(crate) fn name_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    name.as_encoded_bytes().to_vec()
}

/// A file name from its bytes (as [`name_bytes`] gave them).
#[cfg(unix)]
#[allow(clippy::unnecessary_wraps)]
fn name_from_bytes(bytes: &[u8]) -> Option<std::ffi::OsString> {
    use std::os::unix::ffi::OsStrExt;
    Some(std::ffi::OsStr::from_bytes(bytes).to_owned())
}

/// A file name from its bytes (as [`name_bytes`] gave them).
#[cfg(not(unix))]
fn name_from_bytes(bytes: &[u8]) -> Option<std::ffi::OsString> {
    std::str::from_utf8(bytes).ok().map(std::ffi::OsString::from)
}

impl Move {
    fn encode(&self) -> String {
        use n64_io::hex;
        format!("{MAGIC}\n{}\n{}\n{}\n{}\n", hex(&self.old), hex(&self.new), hex(&self.old_sha1), hex(&self.new_sha1))
    }

    fn decode(text: &str) -> Option<Move> {
        let mut lines = text.lines();
        if lines.next()? != MAGIC {
            return None;
        }
        let old = unhex(lines.next()?)?;
        let new = unhex(lines.next()?)?;
        let old_sha1 = unhex(lines.next()?)?.try_into().ok()?;
        let new_sha1 = unhex(lines.next()?)?.try_into().ok()?;
        Some(Move { old, new, old_sha1, new_sha1 })
    }

    /// Writes the marker into `dir`, durably, and returns its path.
    pub(crate) fn begin(&self, dir: &Path) -> Result<PathBuf, Error> {
        let temp = tempfile::Builder::new()
            .prefix(&marker_prefix())
            .tempfile_in(dir)
            .map_err(|e| Error::io(dir, Operation::Write, e))?;
        let (mut file, path) = temp.keep().map_err(|e| Error::io(dir, Operation::Write, e.error))?;
        let written = file.write_all(self.encode().as_bytes()).and_then(|()| file.sync_all());
        if let Err(e) = written {
            let _ = fs::remove_file(&path);
            return Err(Error::io(&path, Operation::Write, e));
        }
        sync_dir(dir);
        Ok(path)
    }
}

/// What recovering one marker did.
#[derive(Debug)]
pub(crate) enum Recovery {
    /// The old file was removed: the new one holds its content.
    RemovedOld { old: PathBuf, new: PathBuf },
    /// Nothing was left to do (the move never reached the rename, or had finished).
    Nothing,
    /// Both files exist but do not match what the marker recorded: both were left alone.
    Mismatch { old: PathBuf, new: PathBuf },
}

/// The SHA-1 of a file's content as stored.
pub(crate) fn sha1_stored(path: &Path) -> Result<[u8; 20], Error> {
    let open = n64_io::open_regular(path)?;
    let size = open.size();
    let mut image = ImageReader::new(path, open.file, size, n64_core::ByteOrder::Z64);
    let digests = n64_io::hash_image(&mut image, Algorithms::SHA1)?;
    Ok(digests.sha1.unwrap_or_default())
}

/// Finishes or discards the move recorded by the marker at `marker`, then removes the marker.
/// With `dry_run`, only says what it would do.
pub(crate) fn recover(marker: &Path, dry_run: bool) -> Result<Recovery, Error> {
    let dir = parent_dir(marker);
    let text = fs::read_to_string(marker).unwrap_or_default();
    let Some(planned) = Move::decode(&text) else {
        if !dry_run {
            remove_durably(marker)?;
        }
        return Ok(Recovery::Nothing);
    };
    let (Some(old_name), Some(new_name)) = (name_from_bytes(&planned.old), name_from_bytes(&planned.new)) else {
        return Ok(Recovery::Nothing);
    };
    let (old, new) = (dir.join(old_name), dir.join(new_name));
    let outcome = if old.is_file() && new.is_file() {
        if sha1_stored(&old)? == planned.old_sha1 && sha1_stored(&new)? == planned.new_sha1 {
            if !dry_run {
                remove_durably(&old)?;
            }
            Recovery::RemovedOld { old, new }
        } else {
            Recovery::Mismatch { old, new }
        }
    } else {
        Recovery::Nothing
    };
    if !dry_run {
        remove_durably(marker)?;
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_round_trip() {
        let planned = Move { old: b"a b.v64".to_vec(), new: vec![0xFF, b'x'], old_sha1: [1; 20], new_sha1: [2; 20] };
        assert_eq!(Move::decode(&planned.encode()), Some(planned));
        assert_eq!(Move::decode("garbage"), None);
        assert_eq!(Move::decode("n64-fix move 1\n00\n00\n00\n00\n"), None, "an older marker is not taken for one");
    }

    proptest::proptest! {
        /// A marker file holds whatever a crash or a user left: decoding never panics.
        #[test]
        fn any_marker_text_decodes_or_is_refused(text in "\\PC{0,300}", lines in proptest::collection::vec("[0-9a-f]{0,50}", 0..6)) {
            let _ = Move::decode(&text);
            let _ = Move::decode(&format!("{MAGIC}\n{}", lines.join("\n")));
        }
    }

    #[test]
    fn an_interrupted_move_is_finished_only_when_both_hashes_match() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old.v64"), dir.path().join("new.z64"));
        fs::write(&old, b"old content").unwrap();
        fs::write(&new, b"new content").unwrap();
        let planned = Move {
            old: b"old.v64".to_vec(),
            new: b"new.z64".to_vec(),
            old_sha1: sha1_stored(&old).unwrap(),
            new_sha1: sha1_stored(&new).unwrap(),
        };
        // A mismatch (the new file is not what was recorded) leaves both alone.
        let wrong = Move { new_sha1: [0; 20], ..planned.clone() };
        let marker = wrong.begin(dir.path()).unwrap();
        assert!(matches!(recover(&marker, false).unwrap(), Recovery::Mismatch { .. }));
        assert!(old.exists() && new.exists() && !marker.exists());
        // Dry run: says so, changes nothing.
        let marker = planned.begin(dir.path()).unwrap();
        assert!(matches!(recover(&marker, true).unwrap(), Recovery::RemovedOld { .. }));
        assert!(old.exists() && marker.exists());
        // For real: the old file goes, the marker too.
        assert!(matches!(recover(&marker, false).unwrap(), Recovery::RemovedOld { .. }));
        assert!(!old.exists() && new.exists() && !marker.exists());
        // The move had not reached the rename: nothing to do.
        fs::remove_file(&new).unwrap();
        fs::write(&old, b"old content").unwrap();
        let marker = planned.begin(dir.path()).unwrap();
        assert!(matches!(recover(&marker, false).unwrap(), Recovery::Nothing));
        assert!(old.exists() && !marker.exists());
    }
}
