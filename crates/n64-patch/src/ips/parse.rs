//! Reading an IPS or IPS32 patch into its records, checking everything before any output exists.

use super::{Error, Format};
use crate::MAX_OUTPUT;

/// What one record writes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Data<'a> {
    /// These bytes, as they are.
    Literal(&'a [u8]),
    /// `count` copies of `byte`.
    Rle { count: u16, byte: u8 },
}

/// One record: where it writes and what.
#[derive(Debug, Clone, Copy)]
pub(super) struct Record<'a> {
    pub(super) offset: u64,
    pub(super) data: Data<'a>,
}

impl Record<'_> {
    /// How many bytes the record writes.
    pub(super) fn len(&self) -> u64 {
        match self.data {
            Data::Literal(bytes) => bytes.len() as u64,
            Data::Rle { count, .. } => u64::from(count),
        }
    }
}

/// A whole patch, read and checked.
#[derive(Debug)]
pub(super) struct Parsed<'a> {
    pub(super) format: Format,
    pub(super) records: Vec<Record<'a>>,
    /// The size after the terminator (IPS only), if present.
    pub(super) truncation: Option<u32>,
    /// One past the highest byte any record writes (0 when none writes anything).
    pub(super) end: u64,
}

/// A cursor over the patch that reports where a read fell short.
struct Reader<'a> {
    patch: &'a [u8],
    pos: usize,
    record: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.pos.checked_add(n).filter(|&end| end <= self.patch.len());
        let Some(end) = end else {
            return Err(Error::Truncated { record: self.record, offset: self.patch.len() });
        };
        let bytes = &self.patch[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    fn uint(&mut self, n: usize) -> Result<u64, Error> {
        Ok(self.take(n)?.iter().fold(0, |acc, &b| (acc << 8) | u64::from(b)))
    }
}

/// Reads and checks the whole patch: magic, every record, the terminator, the optional
/// truncation size and nothing after it, and the output size against [`MAX_OUTPUT`].
pub(super) fn parse(patch: &[u8]) -> Result<Parsed<'_>, Error> {
    // IPS32 first: "PATCH" is not a prefix of "IPS32", but check the longer magic explicitly.
    let (format, magic_len, offset_len, terminator): (Format, usize, usize, &[u8]) = if patch.starts_with(b"IPS32") {
        (Format::Ips32, 5, 4, b"EEOF")
    } else if patch.starts_with(b"PATCH") {
        (Format::Ips, 5, 3, b"EOF")
    } else {
        return Err(Error::BadMagic);
    };
    let mut reader = Reader { patch, pos: magic_len, record: 0 };
    let mut records = Vec::new();
    let mut end = 0u64;
    loop {
        let record_start = reader.pos;
        let offset_bytes = reader.take(offset_len)?;
        if offset_bytes == terminator {
            break;
        }
        let offset = offset_bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let size = reader.uint(2)?;
        let data = if size == 0 {
            let count = u16::try_from(reader.uint(2)?).expect("two bytes fit a u16");
            let byte = reader.take(1)?[0];
            Data::Rle { count, byte }
        } else {
            Data::Literal(reader.take(usize::try_from(size).expect("two bytes fit a usize"))?)
        };
        let record = Record { offset, data };
        let record_end = offset + record.len();
        if record_end > MAX_OUTPUT {
            return Err(Error::OutputTooLarge {
                size: record_end,
                at: format!("record {} (patch offset {record_start:#x})", reader.record),
            });
        }
        if record.len() > 0 {
            // An RLE record with count 0 writes nothing and does not grow the output.
            end = end.max(record_end);
        }
        records.push(record);
        reader.record += 1;
    }
    let rest = &patch[reader.pos..];
    let truncation = match (format, rest.len()) {
        (_, 0) => None,
        (Format::Ips, 3) => Some(u32::from(rest[0]) << 16 | u32::from(rest[1]) << 8 | u32::from(rest[2])),
        _ => return Err(Error::TrailingData { offset: reader.pos, len: rest.len() }),
    };
    Ok(Parsed { format, records, truncation, end })
}
