//! The APS header: magic, type, encoding, description and, for the N64 type, the source's
//! identity.

use super::Error;
use crate::MAX_OUTPUT;

/// The magic of the N64 APS format (the GBA one is `APS1` followed by other bytes).
pub(super) const MAGIC: &[u8; 5] = b"APS10";

/// Header sizes: the simple (type 0) header and the N64 (type 1) header.
pub(super) const SIMPLE_HEADER: usize = 61;
pub(super) const N64_HEADER: usize = 78;

/// The source identity an N64-type APS patch carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct N64Source {
    /// The image-format flag says Doctor V64 (flag 0): the patch applies to a byte-swapped image.
    /// `false` (flag 1) means big-endian (z64) order.
    pub byte_swapped: bool,
    /// The cart ID, ROM bytes 0x3C..0x3E in big-endian order (stored so whatever the flag).
    pub cart_id: [u8; 2],
    /// The country (destination) code, ROM byte 0x3E.
    pub country: u8,
    /// The source's check code (CRC1 and CRC2), ROM bytes 0x10..0x18 in big-endian order.
    pub check_code: [u8; 8],
}

/// What an APS patch carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// The description, with its padding (trailing spaces and NULs) trimmed.
    pub description: String,
    /// The N64 fields, for a type 1 patch; `None` for a simple (type 0) patch.
    pub n64: Option<N64Source>,
    /// The size the output is cut or zero-extended to.
    pub output_size: u32,
    /// How many records the patch has, RLE records included.
    pub records: usize,
}

/// The header, read and checked; `records_at` is where the records start.
#[derive(Debug)]
pub(super) struct Header {
    pub(super) description: String,
    pub(super) n64: Option<N64Source>,
    pub(super) output_size: u32,
    pub(super) records_at: usize,
}

/// Reads and checks the header.
pub(super) fn read(patch: &[u8]) -> Result<Header, Error> {
    if !patch.starts_with(MAGIC) {
        return Err(Error::BadMagic);
    }
    let need = |len: usize| {
        if patch.len() < len { Err(Error::TruncatedHeader { len: patch.len(), need: len }) } else { Ok(()) }
    };
    need(7)?;
    let kind = patch[5];
    let encoding = patch[6];
    let header_len = match kind {
        0 => SIMPLE_HEADER,
        1 => N64_HEADER,
        _ => return Err(Error::UnknownType(kind)),
    };
    if encoding != 0 {
        return Err(Error::UnknownEncoding(encoding));
    }
    need(header_len)?;
    let description = String::from_utf8_lossy(&patch[7..57]).trim_end_matches([' ', '\0']).to_owned();
    let n64 = if kind == 1 {
        let byte_swapped = match patch[57] {
            0 => true,
            1 => false,
            flag => return Err(Error::UnknownImageFormat(flag)),
        };
        Some(N64Source {
            byte_swapped,
            cart_id: [patch[58], patch[59]],
            country: patch[60],
            check_code: patch[61..69].try_into().expect("8 bytes"),
        })
    } else {
        None
    };
    let size_at = header_len - 4;
    let output_size = u32::from_le_bytes(patch[size_at..header_len].try_into().expect("4 bytes"));
    if u64::from(output_size) > MAX_OUTPUT {
        return Err(Error::OutputTooLarge { size: output_size });
    }
    Ok(Header { description, n64, output_size, records_at: header_len })
}
