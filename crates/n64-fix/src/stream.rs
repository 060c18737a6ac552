//! Rewriting a ROM as a stream: read the stored bytes in fixed-size chunks, optionally replace
//! the 64-byte header, pad with zeros, convert the byte order, and hash the big-endian result,
//! without ever holding more than one chunk in memory.

use std::io::{self, Read, Write};

use n64_core::{ByteOrder, HEADER_LEN, Header, convert};
use sha1::{Digest, Sha1};

/// The chunk size: 1 MiB, a multiple of every byte order's unit.
pub const BUF_LEN: usize = 1 << 20;

/// What to do to the stored bytes on their way through.
#[derive(Debug, Clone)]
pub struct Transform<'a> {
    /// The byte order of the input.
    pub from: ByteOrder,
    /// The byte order to write.
    pub to: ByteOrder,
    /// The exact number of bytes the input must have (a file that grew or shrank since it was
    /// inspected is refused).
    pub size: u64,
    /// Zero bytes are appended up to this size (no padding when it is not above `size`).
    pub pad_to: u64,
    /// A header (big-endian) to write over the first 64 bytes, in the output's order.
    pub header: Option<Header>,
    /// The input must start with these stored bytes (what was inspected): a file replaced in
    /// between is refused rather than rewritten with a header computed for other content.
    pub expect_prefix: &'a [u8],
}

impl Transform<'_> {
    /// The output size.
    pub fn out_len(&self) -> u64 {
        self.size.max(self.pad_to)
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Reads until `buf` is full or the input ends; returns how many bytes were read.
fn fill(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Runs `src` through `transform` into `dst`, feeding the big-endian output bytes to `hasher`
/// when given. Returns the number of bytes written.
pub fn run(
    src: &mut dyn Read,
    transform: &Transform<'_>,
    dst: &mut dyn Write,
    mut hasher: Option<&mut Sha1>,
) -> io::Result<u64> {
    let total = transform.out_len();
    let unit = transform.from.unit().max(transform.to.unit()) as u64;
    if !total.is_multiple_of(unit) {
        return Err(invalid(format!(
            "size {total:#x} is not a whole number of {unit}-byte words, as converting {} to {} needs",
            transform.from, transform.to
        )));
    }
    let mut buf = vec![0u8; BUF_LEN];
    let mut offset = 0u64;
    let mut input = Read::take(&mut *src, transform.size);
    while offset < total {
        let want = usize::try_from((total - offset).min(BUF_LEN as u64)).unwrap_or(BUF_LEN);
        let chunk = &mut buf[..want];
        let got = fill(&mut input, chunk)?;
        let stored_left = transform.size.saturating_sub(offset);
        if (got as u64) < stored_left.min(want as u64) {
            return Err(invalid("file changed while being read: it is shorter than before".to_owned()));
        }
        chunk[got..].fill(0);
        check_prefix(chunk, offset, transform.expect_prefix)?;
        if offset == 0
            && let Some(header) = &transform.header
        {
            header.write(chunk, transform.from).map_err(|e| invalid(e.to_string()))?;
        }
        match hasher.as_deref_mut() {
            Some(hasher) => {
                convert(chunk, transform.from, ByteOrder::Z64).map_err(|e| invalid(e.to_string()))?;
                hasher.update(&*chunk);
                convert(chunk, ByteOrder::Z64, transform.to).map_err(|e| invalid(e.to_string()))?;
            }
            None => convert(chunk, transform.from, transform.to).map_err(|e| invalid(e.to_string()))?,
        }
        dst.write_all(chunk)?;
        offset += want as u64;
    }
    // The input must end where its size said.
    let mut probe = [0u8; 1];
    if fill(src, &mut probe)? != 0 {
        return Err(invalid("file changed while being read: it is longer than before".to_owned()));
    }
    Ok(total)
}

fn check_prefix(chunk: &[u8], offset: u64, expected: &[u8]) -> io::Result<()> {
    let Ok(start) = usize::try_from(offset) else { return Ok(()) };
    if start >= expected.len() {
        return Ok(());
    }
    let end = expected.len().min(start + chunk.len());
    if chunk[..end - start] != expected[start..end] {
        return Err(invalid("file changed while being read: its content differs from what was inspected".to_owned()));
    }
    Ok(())
}

/// The SHA-1 of what [`run`] would write, as big-endian bytes, without writing anything.
pub fn hash(src: &mut dyn Read, transform: &Transform<'_>) -> io::Result<[u8; 20]> {
    let mut hasher = Sha1::new();
    run(src, transform, &mut io::sink(), Some(&mut hasher))?;
    Ok(hasher.finalize().into())
}

/// Whether `transform` would write exactly the input: same order, no padding, and a header
/// equal to the stored one.
pub fn is_identity(transform: &Transform<'_>, stored_header: &[u8]) -> bool {
    transform.from == transform.to
        && transform.pad_to <= transform.size
        && transform.header.is_none_or(|header| {
            let mut bytes = [0u8; HEADER_LEN];
            header.write(&mut bytes, transform.from).is_ok() && stored_header.get(..HEADER_LEN) == Some(&bytes[..])
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_pads_and_patches_across_chunks() {
        let size = BUF_LEN + 100;
        let be: Vec<u8> = (0..size).map(|i| u8::try_from(i % 253).unwrap()).collect();
        let mut stored = be.clone();
        convert(&mut stored, ByteOrder::Z64, ByteOrder::V64).unwrap();
        let mut header = Header::read(&be, ByteOrder::Z64).unwrap();
        header.set_title("PATCHED").unwrap();
        let transform = Transform {
            from: ByteOrder::V64,
            to: ByteOrder::N64,
            size: size as u64,
            pad_to: size as u64 + 4,
            header: Some(header),
            expect_prefix: &stored[..0x1000],
        };
        let mut out = Vec::new();
        run(&mut stored.as_slice(), &transform, &mut out, None).unwrap();
        let mut expected = be.clone();
        expected[0x20..0x34].copy_from_slice(b"PATCHED             ");
        expected.extend_from_slice(&[0; 4]);
        convert(&mut expected, ByteOrder::Z64, ByteOrder::N64).unwrap();
        assert_eq!(out, expected);
    }

    #[test]
    fn a_changed_input_is_refused() {
        let data = vec![1u8; 0x2000];
        let transform = Transform {
            from: ByteOrder::Z64,
            to: ByteOrder::Z64,
            size: 0x1000,
            pad_to: 0,
            header: None,
            expect_prefix: &[],
        };
        let err = run(&mut data.as_slice(), &transform, &mut io::sink(), None).unwrap_err();
        assert!(err.to_string().contains("longer"), "{err}");
        let transform = Transform { size: 0x3000, ..transform };
        let err = run(&mut data.as_slice(), &transform, &mut io::sink(), None).unwrap_err();
        assert!(err.to_string().contains("shorter"), "{err}");
        let transform = Transform { size: 0x2000, expect_prefix: &[1, 2], ..transform };
        let err = run(&mut data.as_slice(), &transform, &mut io::sink(), None).unwrap_err();
        assert!(err.to_string().contains("differs"), "{err}");
    }
}
