//! Reading the first bytes of ROM files: only what an operation needs, whatever the file size.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use n64_core::{BOOT_CODE_LEN, BOOT_CODE_OFFSET, Identified, InspectOptions, RomInfo, check_code, required_len};

use crate::{Change, Error, ErrorKind, Operation, open_regular};

/// How many bytes [`identify_file`] reads: the header and the boot code.
pub const IDENTIFY_LEN: usize = BOOT_CODE_OFFSET + BOOT_CODE_LEN;

/// A ROM file whose first bytes were read and inspected.
#[derive(Debug, Clone)]
#[non_exhaustive]
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

/// Opens, reads the needed prefix of, and inspects one ROM file.
///
/// Reads at most 0x101000 bytes (0x3FF000 for a 5101 ROM whose boot code checks 4 MiB),
/// whatever the file size. A 64DD disk image is [`ErrorKind::Disk`] (never a ROM), one with a
/// damaged system area [`ErrorKind::BadDisk`]. An empty file is [`ErrorKind::Empty`]; a file that turns out shorter
/// than its size said is [`ErrorKind::Changed`].
///
/// ```
/// use n64_io::{inspect_file, ErrorKind};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("a.z64");
/// let mut rom = vec![0u8; 0x2000];
/// rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
/// std::fs::write(&path, &rom)?;
/// let file = inspect_file(&path, Default::default())?;
/// assert_eq!((file.size, file.prefix.len()), (0x2000, 0x2000));
/// std::fs::write(&path, b"")?;
/// assert!(matches!(inspect_file(&path, Default::default()).unwrap_err().kind, ErrorKind::Empty));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn inspect_file(path: &Path, options: InspectOptions) -> Result<RomFile, Error> {
    let mut prefix = Vec::new();
    let (size, info) = inspect_file_into(path, options, &mut prefix)?;
    Ok(RomFile { path: path.to_path_buf(), size, prefix, info })
}

/// [`inspect_file`] reading into a caller's buffer, which is reused from file to file (a batch
/// then neither allocates nor faults in a fresh megabyte per ROM). On success `buffer` holds
/// the prefix that was read; returns the file size and what n64-core made of it.
pub fn inspect_file_into(path: &Path, options: InspectOptions, buffer: &mut Vec<u8>) -> Result<(u64, RomInfo), Error> {
    let mut open = open_regular(path)?;
    let size = open.size();
    inspect_open(path, &mut open.file, size, options, buffer).map(|info| (size, info))
}

/// Opens and identifies one ROM file (byte order, header, boot code) from its first 0x1000
/// bytes, without computing its check code. Returns the file size too.
pub fn identify_file(path: &Path, options: InspectOptions) -> Result<(u64, Identified), Error> {
    let mut open = open_regular(path)?;
    let size = open.size();
    if size == 0 {
        return Err(Error::new(path, ErrorKind::Empty));
    }
    let mut buffer = Vec::new();
    let want = IDENTIFY_LEN.max(crate::disk::needed(size));
    let len = read_into(&mut open.file, path, &mut buffer, 0, want, size)?;
    let identified = n64_core::identify(&buffer[..len], size, options);
    crate::disk::check(path, &buffer[..len], size, Some(identified.is_ok()))?;
    Ok((size, identified.map_err(|e| Error::rom(path, e))?))
}

/// The reading half of [`inspect_file`]: reads the needed prefix of an open file whose size,
/// taken from its metadata when it was opened, is `size`, and inspects it.
fn inspect_open(
    path: &Path,
    file: &mut File,
    size: u64,
    options: InspectOptions,
    buffer: &mut Vec<u8>,
) -> Result<RomInfo, Error> {
    if size == 0 {
        return Err(Error::new(path, ErrorKind::Empty));
    }
    // Every disk image is longer than the prefix, which holds its system area.
    let mut len = read_into(file, path, buffer, 0, check_code::CHECK_PREFIX_LEN, size)?;
    let inspected = n64_core::inspect(&buffer[..len], size, options);
    crate::disk::check(path, &buffer[..len], size, Some(inspected.is_ok()))?;
    let mut info = inspected.map_err(|e| Error::rom(path, e))?;
    if let Some(kind) = info.cic {
        let needed = required_len(kind, &info.header);
        if needed > len && size > len as u64 {
            len = read_into(file, path, buffer, len, needed - len, size)?;
            info = n64_core::inspect(&buffer[..len], size, options).map_err(|e| Error::rom(path, e))?;
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
) -> Result<usize, Error> {
    let expected = usize::try_from(size.saturating_sub(have as u64)).unwrap_or(usize::MAX).min(more);
    let end = have + expected;
    if buffer.len() < end {
        buffer.resize(end, 0);
    }
    let got = fill(file, &mut buffer[have..end]).map_err(|e| Error::io(path, Operation::Read, e))?;
    if got < expected {
        let change = Change::Shorter { expected: end as u64, found: (have + got) as u64 };
        return Err(Error::new(path, ErrorKind::Changed(change)));
    }
    Ok(end)
}

/// Reads until `buffer` is full or the input ends; returns how many bytes were read (fewer
/// than the buffer's length only at the end of the input). Interrupted reads are retried.
///
/// ```
/// let mut input: &[u8] = b"abcdef";
/// let mut buffer = [0u8; 4];
/// assert_eq!(n64_io::fill(&mut input, &mut buffer)?, 4);
/// assert_eq!(n64_io::fill(&mut input, &mut buffer)?, 2);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn fill(reader: &mut dyn Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file truncated through another handle between `open` (which took its size) and the
    /// read is reported as changed, not inspected as a shorter ROM.
    #[test]
    fn a_file_that_shrinks_while_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shrinks.z64");
        let mut rom = vec![0u8; 0x20_0000];
        rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
        std::fs::write(&path, &rom).unwrap();
        let mut open = open_regular(&path).unwrap();
        let mut buffer = Vec::new();
        inspect_open(&path, &mut open.file, open.meta.len(), InspectOptions::default(), &mut buffer).unwrap();
        assert_eq!(buffer.len(), check_code::CHECK_PREFIX_LEN);
        let mut open = open_regular(&path).unwrap();
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(0x8000).unwrap();
        let err =
            inspect_open(&path, &mut open.file, open.meta.len(), InspectOptions::default(), &mut buffer).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: file changed while being read: expected 0x101000 bytes, got 0x8000", path.display())
        );
    }

    #[test]
    fn identify_reads_the_boot_code_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.n64");
        let mut rom = vec![0u8; 0x30_0002];
        rom[..4].copy_from_slice(&[0x40, 0x12, 0x37, 0x80]);
        std::fs::write(&path, &rom).unwrap();
        let (size, found) = identify_file(&path, InspectOptions::default()).unwrap();
        assert_eq!((size, found.order, found.trailing_bytes), (0x30_0002, n64_core::ByteOrder::N64, 2));
        std::fs::write(&path, &rom[..0x800]).unwrap();
        assert!(matches!(
            identify_file(&path, InspectOptions::default()).unwrap_err().kind,
            ErrorKind::Rom(n64_core::Error::TooShort { .. })
        ));
    }
}
