//! xdelta3's LZMA secondary compression. xdelta3 (`xdelta3-lzma.h`) opens one liblzma
//! `lzma_stream_encoder` (an .xz stream, LZMA2, no check) per section kind (data, instructions,
//! addresses) for the whole file, and ends each window's section with `LZMA_SYNC_FLUSH`: the
//! first compressed section of a kind starts with the .xz stream and block headers, and every
//! section continues the same LZMA2 stream (its dictionary included) and never finishes it.
//! Each compressed section starts with its decoded size (a varint), then the compressed bytes.

use std::io::Read;

use lzma_rust2::Lzma2Reader;

use super::cursor::Cursor;
use super::layout::Section;

/// The compressed bytes of the section being decoded, fed to the LZMA2 reader.
struct Feed<'a> {
    data: &'a [u8],
}

impl Read for Feed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// One section kind's LZMA stream, carried from window to window.
pub(crate) struct LzmaStream<'a> {
    reader: Option<Lzma2Reader<Feed<'a>>>,
    /// The most dictionary this stream can use: everything it will ever decode.
    dict_cap: u64,
}

impl<'a> LzmaStream<'a> {
    /// A stream that will decode `total` bytes over the whole file.
    pub(crate) const fn new(total: u64) -> Self {
        Self { reader: None, dict_cap: total }
    }

    /// Decodes one section (`section.compressed`), returning its `decoded_len` bytes.
    pub(crate) fn decode(&mut self, section: &Section<'a>) -> Result<Vec<u8>, String> {
        let mut cur = Cursor::new(section.bytes, section.offset);
        cur.varint("decoded section size").map_err(|e| e.to_string())?;
        let mut data = &section.bytes[cur.position()..];
        if let Some(reader) = self.reader.as_mut() {
            reader.inner_mut().data = data;
        } else {
            let (dict_size, header_len) = xz_headers(data)?;
            data = &data[header_len..];
            // The dictionary never needs to be larger than what the stream decodes in all.
            let dict = u64::from(dict_size).min(self.dict_cap.max(4096));
            #[allow(clippy::cast_possible_truncation, reason = "at most dict_size, a u32")]
            let dict = dict as u32;
            self.reader = Some(Lzma2Reader::new(Feed { data }, dict, None));
        }
        let reader = self.reader.as_mut().ok_or("no lzma stream")?;
        let len = usize::try_from(section.decoded_len).map_err(|_| "decoded size too large".to_owned())?;
        // The size was checked against the target window (layout::section_limit); the buffer
        // grows only as bytes are actually decoded.
        let mut out = Vec::new();
        let got = reader.by_ref().take(len as u64).read_to_end(&mut out).map_err(|e| format!("lzma: {e}"))?;
        if got != len {
            return Err(format!("lzma stream ended after {got} of {len} bytes"));
        }
        let unused = reader.inner().data.len();
        if unused != 0 {
            return Err(format!("{unused} compressed bytes left over"));
        }
        Ok(out)
    }
}

/// Checks the .xz stream header (no check) and the block header (one LZMA2 filter) at the start
/// of `data`; returns the dictionary size and how many bytes the headers take.
fn xz_headers(data: &[u8]) -> Result<(u32, usize), String> {
    const XZ_MAGIC: [u8; 6] = [0xFD, b'7', b'z', b'X', b'Z', 0x00];
    if data.len() < 12 || data[..6] != XZ_MAGIC {
        return Err("lzma section does not start with an xz stream header".to_owned());
    }
    if data[6] != 0 || data[7] & 0xF0 != 0 {
        return Err(format!("xz stream flags {:02x} {:02x} are not valid", data[6], data[7]));
    }
    if crc32fast::hash(&data[6..8]).to_le_bytes() != data[8..12] {
        return Err("xz stream header crc32 mismatch".to_owned());
    }
    let block = &data[12..];
    let size_byte = *block.first().ok_or("xz block header is missing")?;
    if size_byte == 0 {
        return Err("xz stream holds no block".to_owned());
    }
    let header_len = (usize::from(size_byte) + 1) * 4;
    let header = block.get(..header_len).ok_or("xz block header is truncated")?;
    let (body, crc) = header.split_at(header_len - 4);
    if crc32fast::hash(body).to_le_bytes() != crc {
        return Err("xz block header crc32 mismatch".to_owned());
    }
    let flags = body[1];
    if flags & 0x3C != 0 {
        return Err(format!("xz block flags {flags:#04x} are not valid"));
    }
    if flags & 0x03 != 0 {
        return Err("xz block has more than one filter (xdelta3 uses only lzma2)".to_owned());
    }
    let mut pos = 2;
    let mut multibyte = || -> Result<u64, String> {
        let mut value = 0_u64;
        for i in 0..9 {
            let byte = *body.get(pos).ok_or("xz block header is truncated")?;
            pos += 1;
            value |= u64::from(byte & 0x7F) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("bad integer in the xz block header".to_owned())
    };
    if flags & 0x40 != 0 {
        multibyte()?;
    }
    if flags & 0x80 != 0 {
        multibyte()?;
    }
    let filter = multibyte()?;
    let props_len = multibyte()?;
    if filter != 0x21 || props_len != 1 {
        return Err(format!("xz filter {filter:#x} is not lzma2"));
    }
    let props = *body.get(pos).ok_or("xz block header is truncated")?;
    pos += 1;
    if body[pos..].iter().any(|&b| b != 0) {
        return Err("xz block header padding is not zero".to_owned());
    }
    if props > 40 {
        return Err(format!("lzma2 dictionary size byte {props} is not valid"));
    }
    let dict = if props == 40 { u32::MAX } else { (2 | u32::from(props & 1)) << (props / 2 + 11) };
    Ok((dict, 12 + header_len))
}
