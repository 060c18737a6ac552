//! Move markers: how `normalize` finishes a rename that a crash interrupted.
//!
//! A rename to a new name is: write the marker, create the new file (temporary file, sync,
//! rename without overwriting), remove the old file, remove the marker. The marker (a file
//! named `.n64-fix-tmp-move-…` in the same directory) records both names, the SHA-1 of the old
//! file as stored and the SHA-1 of the new content as big-endian bytes. On the next run, when
//! both files still exist and both hashes match, the old file is removed: the new one holds its
//! content. Anything else leaves both files alone.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

use crate::atomic::{self, TEMP_PREFIX};
use crate::stream;

/// The prefix of marker names.
pub(crate) fn marker_prefix() -> String {
    format!("{TEMP_PREFIX}move-")
}

const MAGIC: &str = "n64-fix move 1";

/// A planned or interrupted move inside one directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Move {
    /// The old file name (bytes).
    pub(crate) old: Vec<u8>,
    /// The new file name (bytes).
    pub(crate) new: Vec<u8>,
    /// SHA-1 of the old file as stored.
    pub(crate) old_stored: [u8; 20],
    /// SHA-1 of the new file's content as big-endian bytes.
    pub(crate) new_be: [u8; 20],
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
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
pub(crate) fn name_from_bytes(bytes: &[u8]) -> Option<std::ffi::OsString> {
    use std::os::unix::ffi::OsStrExt;
    Some(std::ffi::OsStr::from_bytes(bytes).to_owned())
}

/// A file name from its bytes (as [`name_bytes`] gave them).
#[cfg(not(unix))]
pub(crate) fn name_from_bytes(bytes: &[u8]) -> Option<std::ffi::OsString> {
    std::str::from_utf8(bytes).ok().map(std::ffi::OsString::from)
}

impl Move {
    fn encode(&self) -> String {
        format!("{MAGIC}\n{}\n{}\n{}\n{}\n", hex(&self.old), hex(&self.new), hex(&self.old_stored), hex(&self.new_be))
    }

    fn decode(text: &str) -> Option<Move> {
        let mut lines = text.lines();
        if lines.next()? != MAGIC {
            return None;
        }
        let old = unhex(lines.next()?)?;
        let new = unhex(lines.next()?)?;
        let old_stored = unhex(lines.next()?)?.try_into().ok()?;
        let new_be = unhex(lines.next()?)?.try_into().ok()?;
        Some(Move { old, new, old_stored, new_be })
    }

    /// Writes the marker into `dir`, durably, and returns its path.
    pub(crate) fn begin(&self, dir: &Path) -> io::Result<PathBuf> {
        let temp = tempfile::Builder::new().prefix(&marker_prefix()).tempfile_in(dir)?;
        let (mut file, path) = temp.keep().map_err(|e| e.error)?;
        let written = file.write_all(self.encode().as_bytes()).and_then(|()| file.sync_all());
        if let Err(e) = written {
            let _ = fs::remove_file(&path);
            return Err(e);
        }
        atomic::sync_dir(dir);
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

fn sha1_stored(path: &Path) -> io::Result<[u8; 20]> {
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha1::new();
    let mut buf = vec![0u8; stream::BUF_LEN];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().into())
}

fn sha1_be(path: &Path) -> io::Result<Option<[u8; 20]>> {
    let Ok((mut file, meta)) = n64_common::open_regular(path) else { return Ok(None) };
    let size = meta.len();
    let prefix = n64_common::read_prefix(&mut file, 4, size)?;
    let Ok((order, _)) = n64_core::detect_order(&prefix) else { return Ok(None) };
    let mut file = fs::File::open(path)?;
    let transform = stream::Transform { from: order, to: order, size, pad_to: 0, header: None, expect_prefix: &[] };
    stream::hash(&mut file, &transform).map(Some)
}

/// Finishes or discards the move recorded by the marker at `marker`, then removes the marker.
/// With `dry_run`, only says what it would do.
pub(crate) fn recover(marker: &Path, dry_run: bool) -> io::Result<Recovery> {
    let dir = atomic::parent_dir(marker);
    let text = fs::read_to_string(marker).unwrap_or_default();
    let Some(planned) = Move::decode(&text) else {
        if !dry_run {
            atomic::remove_durably(marker)?;
        }
        return Ok(Recovery::Nothing);
    };
    let (Some(old_name), Some(new_name)) = (name_from_bytes(&planned.old), name_from_bytes(&planned.new)) else {
        return Ok(Recovery::Nothing);
    };
    let (old, new) = (dir.join(old_name), dir.join(new_name));
    let outcome = if old.is_file() && new.is_file() {
        if sha1_stored(&old)? == planned.old_stored && sha1_be(&new)? == Some(planned.new_be) {
            if !dry_run {
                atomic::remove_durably(&old)?;
            }
            Recovery::RemovedOld { old, new }
        } else {
            Recovery::Mismatch { old, new }
        }
    } else {
        Recovery::Nothing
    };
    if !dry_run {
        atomic::remove_durably(marker)?;
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_round_trip() {
        let planned = Move { old: b"a b.v64".to_vec(), new: vec![0xFF, b'x'], old_stored: [1; 20], new_be: [2; 20] };
        assert_eq!(Move::decode(&planned.encode()), Some(planned));
        assert_eq!(Move::decode("garbage"), None);
    }

    fn rom(order: n64_core::ByteOrder) -> Vec<u8> {
        let mut be = vec![0u8; 0x2000];
        be[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
        be[0x100] = 7;
        n64_core::convert(&mut be, n64_core::ByteOrder::Z64, order).unwrap();
        be
    }

    #[test]
    fn an_interrupted_move_is_finished_only_when_both_hashes_match() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old.v64"), dir.path().join("new.z64"));
        fs::write(&old, rom(n64_core::ByteOrder::V64)).unwrap();
        fs::write(&new, rom(n64_core::ByteOrder::Z64)).unwrap();
        let planned = Move {
            old: b"old.v64".to_vec(),
            new: b"new.z64".to_vec(),
            old_stored: sha1_stored(&old).unwrap(),
            new_be: sha1_be(&new).unwrap().unwrap(),
        };
        // A mismatch (the new file is not what was recorded) leaves both alone.
        let wrong = Move { new_be: [0; 20], ..planned.clone() };
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
        fs::write(&old, rom(n64_core::ByteOrder::V64)).unwrap();
        let marker = planned.begin(dir.path()).unwrap();
        assert!(matches!(recover(&marker, false).unwrap(), Recovery::Nothing));
        assert!(old.exists() && !marker.exists());
    }
}
