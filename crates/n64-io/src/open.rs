//! Opening files for reading: regular files only, without ever blocking.

use std::fs::{File, Metadata};
use std::path::Path;

use crate::{Error, ErrorKind, FileKind, Operation};

/// A regular file opened for reading, with its metadata taken through the open handle.
#[derive(Debug)]
#[non_exhaustive]
pub struct OpenFile {
    /// The open file.
    pub file: File,
    /// Its metadata when it was opened.
    pub meta: Metadata,
}

impl OpenFile {
    /// The size in bytes when the file was opened.
    pub fn size(&self) -> u64 {
        self.meta.len()
    }
}

/// Opens `path` for reading if it is a regular file (after following symlinks).
///
/// Directories, FIFOs, sockets and devices are refused without blocking: the file is opened
/// non-blocking and checked through the open handle, so a path swapped for a FIFO after a check
/// cannot hang the caller. A dangling symbolic link is reported as such, with its target.
///
/// ```
/// use n64_io::{open_regular, ErrorKind};
/// let dir = std::env::temp_dir();
/// assert!(matches!(open_regular(&dir).unwrap_err().kind, ErrorKind::IsDirectory));
/// ```
pub fn open_regular(path: &Path) -> Result<OpenFile, Error> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| open_error(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, Operation::Read, e))?;
    if meta.is_dir() {
        return Err(Error::new(path, ErrorKind::IsDirectory));
    }
    if !meta.is_file() {
        return Err(Error::new(path, ErrorKind::NotRegular(file_kind(&meta))));
    }
    Ok(OpenFile { file, meta })
}

/// The error for a failed open: a missing target behind a symbolic link is a dangling link.
pub(crate) fn open_error(path: &Path, error: std::io::Error) -> Error {
    if error.kind() == std::io::ErrorKind::NotFound
        && let Ok(target) = std::fs::read_link(path)
    {
        return Error::new(path, ErrorKind::DanglingLink { target });
    }
    Error::io(path, Operation::Open, error)
}

/// What a file that is not a regular file or directory is.
pub(crate) fn file_kind(meta: &Metadata) -> FileKind {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return FileKind::Fifo;
        }
        if t.is_socket() {
            return FileKind::Socket;
        }
        if t.is_block_device() || t.is_char_device() {
            return FileKind::Device;
        }
    }
    let _ = meta;
    FileKind::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_files_and_dangling_links_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.z64");
        assert_eq!(
            open_regular(&missing).unwrap_err().to_string(),
            format!("{}: no such file or directory", missing.display())
        );
        #[cfg(unix)]
        {
            let link = dir.path().join("link.z64");
            std::os::unix::fs::symlink("gone.z64", &link).unwrap();
            let error = open_regular(&link).unwrap_err();
            assert_eq!(error.to_string(), format!("{}: dangling symbolic link to gone.z64", link.display()));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.z64");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let error = open_regular(&fifo).unwrap_err();
        assert!(matches!(error.kind, ErrorKind::NotRegular(FileKind::Fifo)), "{error}");
    }
}
