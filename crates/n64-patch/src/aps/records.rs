//! APS records: offset u32 LE, length u8, that many bytes; length 0 is RLE (fill byte, count).

use super::Error;

/// What one record writes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Data<'a> {
    Literal(&'a [u8]),
    Rle { byte: u8, count: u8 },
}

/// One record.
#[derive(Debug, Clone, Copy)]
pub(super) struct Record<'a> {
    pub(super) offset: u32,
    pub(super) data: Data<'a>,
}

impl Record<'_> {
    pub(super) fn len(&self) -> usize {
        match self.data {
            Data::Literal(bytes) => bytes.len(),
            Data::Rle { count, .. } => usize::from(count),
        }
    }
}

/// Reads every record from `at` to the end of the patch, checking each fits in `output_size`.
pub(super) fn read(patch: &[u8], mut at: usize, output_size: u32) -> Result<Vec<Record<'_>>, Error> {
    let mut records = Vec::new();
    while at < patch.len() {
        let record = records.len();
        let start = at;
        let truncated = || Error::Truncated { record, offset: patch.len() };
        let head = patch.get(at..at + 5).ok_or_else(truncated)?;
        let offset = u32::from_le_bytes(head[..4].try_into().expect("4 bytes"));
        let length = head[4];
        at += 5;
        let data = if length == 0 {
            let rle = patch.get(at..at + 2).ok_or_else(truncated)?;
            at += 2;
            Data::Rle { byte: rle[0], count: rle[1] }
        } else {
            let bytes = patch.get(at..at + usize::from(length)).ok_or_else(truncated)?;
            at += usize::from(length);
            Data::Literal(bytes)
        };
        let found = Record { offset, data };
        let end = u64::from(offset) + found.len() as u64;
        if end > u64::from(output_size) {
            return Err(Error::PastOutput { record, patch_offset: start, end, output_size });
        }
        records.push(found);
    }
    Ok(records)
}
