//! Reading a whole ROM image in fixed-size chunks, in a chosen byte order, with flat memory.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use n64_core::{ByteOrder, Header, convert};

use crate::read::fill;
use crate::{Change, Error, ErrorKind, Operation, open_regular};

/// The chunk size: 1 MiB, a multiple of every byte order's unit.
pub const CHUNK_LEN: usize = 1 << 20;

/// A whole image, read chunk by chunk: the stored bytes, optionally with a new header over the
/// first 64 bytes and zero padding at the end, converted to another byte order. Memory stays at
/// one chunk whatever the image size.
///
/// The input must have exactly the size it was opened with (a file that grows or shrinks
/// meanwhile is an error, never a shorter image), and, when given, must start with the bytes
/// first read (a file replaced meanwhile is refused rather than rewritten with a header
/// computed for other content).
///
/// ```
/// use n64_core::ByteOrder;
/// use n64_io::ImageReader;
/// let stored = [0x37u8, 0x80, 0x40, 0x12, 0x02, 0x01]; // v64
/// let mut image = ImageReader::new("mem.v64", &stored[..], 6, ByteOrder::V64).convert_to(ByteOrder::Z64).pad_to(8);
/// let mut out = Vec::new();
/// while let Some(chunk) = image.next_chunk()? {
///     out.extend_from_slice(chunk);
/// }
/// assert_eq!(out, [0x80, 0x37, 0x12, 0x40, 0x01, 0x02, 0, 0]);
/// # Ok::<(), n64_io::Error>(())
/// ```
#[derive(Debug)]
pub struct ImageReader<R = File> {
    path: PathBuf,
    input: R,
    size: u64,
    from: ByteOrder,
    to: ByteOrder,
    out_len: u64,
    fill: u8,
    header: Option<Header>,
    expected_prefix: Vec<u8>,
    offset: u64,
    buffer: Vec<u8>,
}

impl ImageReader<File> {
    /// Opens `path`, which must still have `size` bytes, stored in `from` order.
    pub fn open(path: &Path, size: u64, from: ByteOrder) -> Result<ImageReader<File>, Error> {
        let open = open_regular(path)?;
        if open.size() != size {
            return Err(Error::new(path, ErrorKind::Changed(Change::Size { was: size, now: open.size() })));
        }
        Ok(ImageReader::new(path, open.file, size, from))
    }
}

impl<R: Read> ImageReader<R> {
    /// Reads `size` bytes stored in `from` order from `input`; `path` names it in errors.
    pub fn new(path: impl Into<PathBuf>, input: R, size: u64, from: ByteOrder) -> ImageReader<R> {
        ImageReader {
            path: path.into(),
            input,
            size,
            from,
            to: from,
            out_len: size,
            fill: 0,
            header: None,
            expected_prefix: Vec::new(),
            offset: 0,
            buffer: Vec::new(),
        }
    }

    /// Yields the image in `to` order.
    #[must_use]
    pub fn convert_to(mut self, to: ByteOrder) -> Self {
        self.to = to;
        self
    }

    /// Appends zero bytes up to `len` (nothing when `len` is not above the size).
    #[must_use]
    pub fn pad_to(mut self, len: u64) -> Self {
        self.out_len = self.size.max(len);
        self
    }

    /// Appends `fill` bytes up to `len` (nothing when `len` is not above the size). A fill byte
    /// is the same in every byte order, so the padding reads the same whatever the conversion.
    ///
    /// ```
    /// use n64_core::ByteOrder;
    /// use n64_io::ImageReader;
    /// let stored = [0x80u8, 0x37, 0x12, 0x40];
    /// let mut image = ImageReader::new("mem.z64", &stored[..], 4, ByteOrder::Z64).pad_with(8, 0xFF);
    /// assert_eq!(image.next_chunk()?, Some(&[0x80, 0x37, 0x12, 0x40, 0xFF, 0xFF, 0xFF, 0xFF][..]));
    /// # Ok::<(), n64_io::Error>(())
    /// ```
    #[must_use]
    pub fn pad_with(mut self, len: u64, fill: u8) -> Self {
        self.out_len = self.size.max(len);
        self.fill = fill;
        self
    }

    /// Writes `header` (big-endian) over the first 64 bytes.
    #[must_use]
    pub fn with_header(mut self, header: Header) -> Self {
        self.header = Some(header);
        self
    }

    /// Refuses the input unless it starts with `prefix` (the stored bytes read before).
    #[must_use]
    pub fn expect_prefix(mut self, prefix: &[u8]) -> Self {
        self.expected_prefix = prefix.to_vec();
        self
    }

    /// The number of bytes the reader yields in all.
    pub fn out_len(&self) -> u64 {
        self.out_len
    }

    /// The path the reader reads.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The next chunk, or `None` at the end.
    pub fn next_chunk(&mut self) -> Result<Option<&[u8]>, Error> {
        self.next_chunk_with(&mut |_| {})
    }

    /// The next chunk, or `None` at the end; `stored` first sees the bytes as read from the
    /// input (before the header, padding and conversion).
    pub fn next_chunk_with(&mut self, stored: &mut dyn FnMut(&[u8])) -> Result<Option<&[u8]>, Error> {
        if self.offset == 0 && self.from != self.to {
            self.check_alignment()?;
        }
        if self.offset >= self.out_len {
            if self.offset == self.out_len {
                self.check_end()?;
                self.offset += 1; // the end was checked once
            }
            return Ok(None);
        }
        let want = usize::try_from((self.out_len - self.offset).min(CHUNK_LEN as u64)).unwrap_or(CHUNK_LEN);
        self.buffer.resize(want, 0);
        let stored_left = self.size.saturating_sub(self.offset);
        let to_read = usize::try_from(stored_left.min(want as u64)).unwrap_or(want);
        let got = fill(&mut self.input, &mut self.buffer[..to_read]).map_err(|e| self.read_error(e))?;
        if got < to_read {
            let change = Change::Shorter { expected: self.size, found: self.offset + got as u64 };
            return Err(Error::new(&self.path, ErrorKind::Changed(change)));
        }
        stored(&self.buffer[..got]);
        self.buffer[got..].fill(self.fill);
        self.check_prefix()?;
        if self.offset == 0
            && let Some(header) = &self.header
        {
            header.write(&mut self.buffer, self.from).map_err(|e| Error::rom(&self.path, e))?;
        }
        if self.from != self.to {
            convert(&mut self.buffer, self.from, self.to).map_err(|e| Error::rom(&self.path, e))?;
        }
        self.offset += want as u64;
        Ok(Some(&self.buffer))
    }

    /// Writes the whole image to `dst` (whose path is `dst_path`, for errors); returns the
    /// number of bytes written.
    pub fn copy_to(&mut self, dst: &mut dyn Write, dst_path: &Path) -> Result<u64, Error> {
        let mut written = 0;
        while let Some(chunk) = self.next_chunk()? {
            dst.write_all(chunk).map_err(|e| Error::io(dst_path, Operation::Write, e))?;
            written += chunk.len() as u64;
        }
        Ok(written)
    }

    /// A conversion's output must be a whole number of units of both orders (an image kept in
    /// its own order is copied as it is, a trailing partial word included).
    fn check_alignment(&self) -> Result<(), Error> {
        let (order, unit) = [self.from, self.to]
            .into_iter()
            .map(|o| (o, o.unit()))
            .max_by_key(|&(_, unit)| unit)
            .unwrap_or((self.from, 1));
        if self.out_len.is_multiple_of(unit as u64) {
            Ok(())
        } else {
            let len = usize::try_from(self.out_len).unwrap_or(usize::MAX);
            Err(Error::rom(&self.path, n64_core::Error::UnalignedLength { order, unit, len }))
        }
    }

    fn check_prefix(&self) -> Result<(), Error> {
        let Ok(start) = usize::try_from(self.offset) else { return Ok(()) };
        if start >= self.expected_prefix.len() {
            return Ok(());
        }
        let end = self.expected_prefix.len().min(start + self.buffer.len());
        if self.buffer[..end - start] != self.expected_prefix[start..end] {
            return Err(Error::new(&self.path, ErrorKind::Changed(Change::Content)));
        }
        Ok(())
    }

    /// The input must end where its size said.
    fn check_end(&mut self) -> Result<(), Error> {
        let mut probe = [0u8; 1];
        if fill(&mut self.input, &mut probe).map_err(|e| self.read_error(e))? != 0 {
            return Err(Error::new(&self.path, ErrorKind::Changed(Change::Longer { expected: self.size })));
        }
        Ok(())
    }

    fn read_error(&self, error: std::io::Error) -> Error {
        Error::io(&self.path, Operation::Read, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect<R: Read>(mut image: ImageReader<R>) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        image.copy_to(&mut out, Path::new("out"))?;
        Ok(out)
    }

    #[test]
    fn converts_pads_and_patches_across_chunks() {
        let size = CHUNK_LEN + 100;
        let be: Vec<u8> = (0..size).map(|i| (i % 253).to_le_bytes()[0]).collect();
        let mut stored = be.clone();
        convert(&mut stored, ByteOrder::Z64, ByteOrder::V64).unwrap();
        let mut header = Header::read(&be, ByteOrder::Z64).unwrap();
        header.set_title("PATCHED").unwrap();
        let image = ImageReader::new("in", stored.as_slice(), size as u64, ByteOrder::V64)
            .convert_to(ByteOrder::N64)
            .pad_to(size as u64 + 4)
            .with_header(header)
            .expect_prefix(&stored[..0x1000]);
        let mut expected = be.clone();
        expected[0x20..0x34].copy_from_slice(b"PATCHED             ");
        expected.extend_from_slice(&[0; 4]);
        convert(&mut expected, ByteOrder::Z64, ByteOrder::N64).unwrap();
        assert_eq!(collect(image).unwrap(), expected);
    }

    #[test]
    fn a_changed_input_is_refused() {
        let data = vec![1u8; 0x2000];
        let reader = |size: u64| ImageReader::new("in", data.as_slice(), size, ByteOrder::Z64);
        let err = collect(reader(0x1000)).unwrap_err();
        assert!(err.to_string().contains("longer"), "{err}");
        let err = collect(reader(0x3000)).unwrap_err();
        assert_eq!(err.to_string(), "in: file changed while being read: expected 0x3000 bytes, got 0x2000");
        let err = collect(reader(0x2000).expect_prefix(&[1, 2])).unwrap_err();
        assert!(err.to_string().contains("differs"), "{err}");
    }

    #[test]
    fn unaligned_sizes_are_refused_before_any_output() {
        let data = vec![0u8; 0x1002];
        let image = ImageReader::new("odd.v64", data.as_slice(), 0x1002, ByteOrder::Z64).convert_to(ByteOrder::N64);
        let err = collect(image).unwrap_err();
        assert!(matches!(err.kind, ErrorKind::Rom(n64_core::Error::UnalignedLength { unit: 4, .. })), "{err}");
        let padded = ImageReader::new("odd.v64", data.as_slice(), 0x1002, ByteOrder::Z64).convert_to(ByteOrder::N64);
        assert_eq!(collect(padded.pad_to(0x1004)).unwrap().len(), 0x1004);
    }

    #[test]
    fn the_stored_bytes_are_seen_before_conversion() {
        let stored = [0x37u8, 0x80, 0x40, 0x12];
        let mut image = ImageReader::new("in", &stored[..], 4, ByteOrder::V64).convert_to(ByteOrder::Z64).pad_to(8);
        let mut seen = Vec::new();
        while image.next_chunk_with(&mut |bytes| seen.extend_from_slice(bytes)).unwrap().is_some() {}
        assert_eq!(seen, stored);
    }
}
