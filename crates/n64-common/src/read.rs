//! Reading ROM files: only regular files, only the bytes an operation needs.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use n64_core::{InspectOptions, RomInfo, check_code, inspect, required_len};

use crate::Failure;
use crate::failure::describe_io;

/// A ROM file opened for inspection: its first bytes and what they say.
#[derive(Debug)]
pub struct RomFile {
    /// The path as given.
    pub path: PathBuf,
    /// The file size in bytes.
    pub size: u64,
    /// The first bytes as stored: `min(size, 0x101000)`, more for a 5101 ROM in long mode.
    pub prefix: Vec<u8>,
    /// What n64-core made of them.
    pub info: RomInfo,
}

/// Opens `path` for reading if it is a regular file (after following symlinks).
///
/// Directories, FIFOs, sockets and devices are refused without blocking: the file is opened
/// non-blocking and checked through the open handle, so a path swapped for a FIFO after a
/// check cannot hang the caller.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| Failure::io(path, "cannot open", &e))?;
    let meta = file.metadata().map_err(|e| Failure::io(path, "cannot read metadata", &e))?;
    if meta.is_dir() {
        return Err(Failure::new(path, "is a directory"));
    }
    if !meta.is_file() {
        return Err(Failure::new(path, format!("not a regular file ({})", kind_of(&meta))));
    }
    Ok((file, meta))
}

fn kind_of(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "not a file"
}

/// Reads up to `limit` bytes from the start of `reader`, however many reads it takes.
pub fn read_prefix(reader: impl Read, limit: usize, size_hint: u64) -> io::Result<Vec<u8>> {
    let capacity = usize::try_from(size_hint).unwrap_or(usize::MAX).min(limit);
    let mut buf = Vec::with_capacity(capacity);
    reader.take(limit as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Opens, reads the needed prefix of, and inspects one ROM file.
///
/// Reads at most 0x101000 bytes (0x3FF000 for a 5101 ROM whose boot code checks 4 MiB),
/// whatever the file size.
pub fn inspect_file(path: &Path, options: InspectOptions) -> Result<RomFile, Failure> {
    let mut prefix = Vec::new();
    let (size, info) = inspect_file_reusing(path, options, &mut prefix)?;
    Ok(RomFile { path: path.to_path_buf(), size, prefix, info })
}

/// [`inspect_file`] reading into a caller's buffer, which is reused from file to file (a batch
/// then neither allocates nor faults in a fresh megabyte per ROM). On success `buffer` holds
/// the prefix that was read; returns the file size and what n64-core made of it.
pub fn inspect_file_reusing(
    path: &Path,
    options: InspectOptions,
    buffer: &mut Vec<u8>,
) -> Result<(u64, RomInfo), Failure> {
    let (mut file, meta) = open_regular(path)?;
    inspect_open(path, &mut file, meta.len(), options, buffer).map(|info| (meta.len(), info))
}

/// The reading half of [`inspect_file`]: reads the needed prefix of an open file whose size,
/// taken from its metadata when it was opened, is `size`, and inspects it. A file that turns out
/// shorter than `size` (it shrank in between) is an error.
fn inspect_open(
    path: &Path,
    file: &mut File,
    size: u64,
    options: InspectOptions,
    buffer: &mut Vec<u8>,
) -> Result<RomInfo, Failure> {
    if size == 0 {
        return Err(Failure::not_a_rom(path, "empty file"));
    }
    let mut len = read_into(file, path, buffer, 0, check_code::CHECK_PREFIX_LEN, size)?;
    let mut info = inspect(&buffer[..len], size, options).map_err(|e| Failure::core(path, &e))?;
    if let Some(kind) = info.cic {
        let needed = required_len(kind, &info.header);
        if needed > len && size > len as u64 {
            len = read_into(file, path, buffer, len, needed - len, size)?;
            info = inspect(&buffer[..len], size, options).map_err(|e| Failure::core(path, &e))?;
        }
    }
    buffer.truncate(len);
    Ok(info)
}

/// Reads the next `min(more, size - have)` bytes of the file into `buffer[have..]` (growing it
/// when needed) and returns the new length, failing when the file turns out shorter than its
/// size said (it shrank while being read).
fn read_into(
    file: &mut File,
    path: &Path,
    buffer: &mut Vec<u8>,
    have: usize,
    more: usize,
    size: u64,
) -> Result<usize, Failure> {
    let expected = usize::try_from(size.saturating_sub(have as u64)).unwrap_or(usize::MAX).min(more);
    let end = have + expected;
    if buffer.len() < end {
        buffer.resize(end, 0);
    }
    let mut got = 0;
    while got < expected {
        match file.read(&mut buffer[have + got..end]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Failure::new(path, format!("cannot read: {}", describe_io(&e)))),
        }
    }
    if got < expected {
        return Err(Failure::new(
            path,
            format!("file changed while being read: expected {end:#x} bytes, got {:#x}", have + got),
        ));
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_and_missing_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = open_regular(dir.path()).unwrap_err();
        assert!(err.message.contains("is a directory"), "{err}");
        let err = open_regular(&dir.path().join("missing.z64")).unwrap_err();
        assert!(err.to_string().ends_with("cannot open: no such file or directory"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.z64");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let err = open_regular(&fifo).unwrap_err();
        assert!(err.message.contains("FIFO"), "{err}");
    }

    /// A file truncated through another handle between `open` (which took its size) and the
    /// read is reported as changed, not inspected as a shorter ROM.
    #[test]
    fn a_file_that_shrinks_while_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shrinks.z64");
        let mut rom = vec![0u8; 0x20_0000];
        rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
        std::fs::write(&path, &rom).unwrap();
        let (mut file, meta) = open_regular(&path).unwrap();
        assert_eq!(meta.len(), 0x20_0000);
        // Unchanged, the same steps inspect it.
        let mut buffer = Vec::new();
        inspect_open(&path, &mut file, meta.len(), InspectOptions::default(), &mut buffer).unwrap();
        assert_eq!(buffer.len(), check_code::CHECK_PREFIX_LEN);
        let (mut file, meta) = open_regular(&path).unwrap();
        // Shrink to below what inspection reads, through a second handle.
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(0x8000).unwrap();
        let err = inspect_open(&path, &mut file, meta.len(), InspectOptions::default(), &mut buffer).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: file changed while being read: expected 0x101000 bytes, got 0x8000", path.display())
        );
        assert!(!err.not_a_rom);
    }

    #[test]
    fn empty_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.z64");
        std::fs::write(&path, b"").unwrap();
        let err = inspect_file(&path, InspectOptions::default()).unwrap_err();
        assert_eq!(err.to_string(), format!("{}: empty file", path.display()));
    }
}
