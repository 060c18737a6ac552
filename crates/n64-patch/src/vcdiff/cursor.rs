//! Bounds-checked reading of bytes and RFC 3284 varints, with patch offsets for errors.

use super::Error;

/// Reads a byte slice front to back; `base` is the offset of `data[0]` in the patch (or in a
/// decompressed section), so errors say where.
pub(crate) struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    base: u64,
}

impl<'a> Cursor<'a> {
    pub(crate) const fn new(data: &'a [u8], base: u64) -> Self {
        Self { data, pos: 0, base }
    }

    /// The offset of the next byte (in the patch, or the section).
    pub(crate) const fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    pub(crate) const fn position(&self) -> usize {
        self.pos
    }

    pub(crate) const fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    pub(crate) const fn is_empty(&self) -> bool {
        self.pos == self.data.len()
    }

    pub(crate) fn byte(&mut self, what: &'static str) -> Result<u8, Error> {
        let byte = *self.data.get(self.pos).ok_or(Error::Truncated { what, offset: self.offset() })?;
        self.pos += 1;
        Ok(byte)
    }

    pub(crate) fn take(&mut self, len: u64, what: &'static str) -> Result<&'a [u8], Error> {
        let truncated = Error::Truncated { what, offset: self.offset() };
        let len = usize::try_from(len).map_err(|_| truncated.clone())?;
        if len > self.remaining() {
            return Err(truncated);
        }
        let bytes = &self.data[self.pos..self.pos + len];
        self.pos += len;
        Ok(bytes)
    }

    /// An RFC 3284 integer: base 128, most significant group first, the high bit set on every
    /// byte but the last. At most 64 bits.
    pub(crate) fn varint(&mut self, what: &'static str) -> Result<u64, Error> {
        let offset = self.offset();
        let mut value: u64 = 0;
        for _ in 0..10 {
            let byte = self.byte(what)?;
            if value >> 57 != 0 {
                return Err(Error::BadVarint { what, offset });
            }
            value = (value << 7) | u64::from(byte & 0x7F);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Error::BadVarint { what, offset })
    }
}
