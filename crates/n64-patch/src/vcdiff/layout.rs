//! The file header and the window headers: where everything is, nothing decoded yet.

use super::cursor::Cursor;
use super::{Error, Secondary, Segment};
use crate::MAX_OUTPUT;

/// `D6 C3 C4` ("VCD" with the high bits set) and version 0.
const MAGIC: [u8; 4] = [0xD6, 0xC3, 0xC4, 0x00];

/// Header indicator bits: a secondary compressor id follows (xdelta3's VCD_SECONDARY), a custom
/// code table follows, an application header follows.
const VCD_DECOMPRESS: u8 = 0x01;
const VCD_CODETABLE: u8 = 0x02;
const VCD_APPHEADER: u8 = 0x04;

/// Window indicator bits: the segment comes from the source, or from earlier target; xdelta3's
/// Adler-32 of the target window follows the section lengths.
const VCD_SOURCE: u8 = 0x01;
const VCD_TARGET: u8 = 0x02;
const VCD_ADLER32: u8 = 0x04;

/// Delta indicator bits: the data, instruction or address section is secondary-compressed.
const VCD_DATACOMP: u8 = 0x01;
const VCD_INSTCOMP: u8 = 0x02;
const VCD_ADDRCOMP: u8 = 0x04;

/// The file header.
pub(crate) struct Header<'a> {
    pub(crate) secondary: Option<Secondary>,
    pub(crate) application: Option<&'a [u8]>,
    /// Where the first window starts.
    pub(crate) end: usize,
}

/// One section of a window's delta encoding.
#[derive(Clone, Copy)]
pub(crate) struct Section<'a> {
    pub(crate) name: &'static str,
    pub(crate) bytes: &'a [u8],
    /// Its offset in the patch.
    pub(crate) offset: u64,
    /// Secondary-compressed: `bytes` starts with the decoded size (a varint).
    pub(crate) compressed: bool,
    /// The decoded size: `bytes.len()`, or the size a compressed section declares.
    pub(crate) decoded_len: u64,
}

/// One window, located.
pub(crate) struct Window<'a> {
    pub(crate) index: usize,
    pub(crate) offset: u64,
    pub(crate) segment: Option<Segment>,
    pub(crate) target_len: u64,
    pub(crate) adler32: Option<u32>,
    pub(crate) sections: [Section<'a>; 3],
}

/// The largest decoded instruction or address section a target window of `target_len` bytes
/// can need: each instruction adds at least one byte and takes at most 21 instruction bytes (a
/// code and two 10-byte sizes) and 10 address bytes. Zero-size instructions aside, nothing valid
/// is larger; this bounds what a compressed section may claim before it is decoded.
const fn section_limit(is_data: bool, target_len: u64) -> u64 {
    if is_data {
        // ADD bytes and RUN bytes, at most one per target byte.
        target_len
    } else {
        target_len.saturating_mul(24).saturating_add(64)
    }
}

pub(crate) fn header(patch: &[u8]) -> Result<Header<'_>, Error> {
    if patch.len() < 4 || patch[..3] != MAGIC[..3] {
        return Err(Error::BadMagic);
    }
    if patch[3] != MAGIC[3] {
        return Err(Error::BadVersion { version: patch[3] });
    }
    let mut cur = Cursor::new(patch, 0);
    cur.take(4, "magic")?;
    let indicator = cur.byte("header indicator")?;
    if indicator & !(VCD_DECOMPRESS | VCD_CODETABLE | VCD_APPHEADER) != 0 {
        return Err(Error::BadHeaderIndicator { indicator });
    }
    let secondary = if indicator & VCD_DECOMPRESS == 0 {
        None
    } else {
        let offset = cur.offset();
        let id = cur.byte("secondary compressor id")?;
        Some(Secondary::from_id(id).ok_or(Error::UnknownSecondary { id, offset })?)
    };
    if indicator & VCD_CODETABLE != 0 {
        return Err(Error::UnsupportedCodeTable { offset: cur.offset() });
    }
    let app_header = if indicator & VCD_APPHEADER == 0 {
        None
    } else {
        let len = cur.varint("application header length")?;
        Some(cur.take(len, "application header")?)
    };
    Ok(Header { secondary, application: app_header, end: cur.position() })
}

/// Every window, checking the structure and the output size (the sum of the target windows,
/// at most [`MAX_OUTPUT`]).
pub(crate) fn windows<'a>(patch: &'a [u8], header: &Header<'a>) -> Result<Vec<Window<'a>>, Error> {
    let mut cur = Cursor::new(&patch[header.end..], header.end as u64);
    let mut windows = Vec::new();
    let mut total: u64 = 0;
    while !cur.is_empty() {
        let window = window(&mut cur, windows.len(), header.secondary.is_some())?;
        total = total.saturating_add(window.target_len);
        if total > MAX_OUTPUT {
            return Err(Error::TooLarge { window: window.index, size: total });
        }
        windows.push(window);
    }
    if windows.is_empty() {
        return Err(Error::NoWindows { offset: header.end as u64 });
    }
    Ok(windows)
}

fn window<'a>(cur: &mut Cursor<'a>, index: usize, has_secondary: bool) -> Result<Window<'a>, Error> {
    let offset = cur.offset();
    let bad = |what: String| Error::BadWindow { window: index, offset, what };
    let indicator = cur.byte("window indicator")?;
    if indicator & !(VCD_SOURCE | VCD_TARGET | VCD_ADLER32) != 0 {
        return Err(bad(format!("unknown window indicator bits {indicator:#04x}")));
    }
    let segment = match indicator & (VCD_SOURCE | VCD_TARGET) {
        0 => None,
        VCD_SOURCE | VCD_TARGET => {
            let from_target = indicator & VCD_TARGET != 0;
            let length = cur.varint("segment length")?;
            let position = cur.varint("segment position")?;
            if position.checked_add(length).is_none() {
                return Err(bad(format!("segment {position}+{length} overflows")));
            }
            Some(Segment { from_target, position, length })
        }
        _ => return Err(bad("both vcd_source and vcd_target are set".to_owned())),
    };
    let delta_len = cur.varint("delta encoding length")?;
    let delta_start = cur.offset();
    let target_len = cur.varint("target window length")?;
    if target_len > MAX_OUTPUT {
        return Err(Error::TooLarge { window: index, size: target_len });
    }
    let delta_indicator = cur.byte("delta indicator")?;
    if delta_indicator & !(VCD_DATACOMP | VCD_INSTCOMP | VCD_ADDRCOMP) != 0 {
        return Err(bad(format!("unknown delta indicator bits {delta_indicator:#04x}")));
    }
    if delta_indicator != 0 && !has_secondary {
        return Err(bad("compressed sections but no secondary compressor in the header".to_owned()));
    }
    let lens = [
        cur.varint("data section length")?,
        cur.varint("instruction section length")?,
        cur.varint("address section length")?,
    ];
    let adler32 = if indicator & VCD_ADLER32 == 0 {
        None
    } else {
        let bytes = cur.take(4, "adler-32")?;
        Some(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    };
    let names = ["data", "instruction", "address"];
    let bits = [VCD_DATACOMP, VCD_INSTCOMP, VCD_ADDRCOMP];
    let mut sections = [Section { name: "", bytes: &[], offset: 0, compressed: false, decoded_len: 0 }; 3];
    for i in 0..3 {
        let section_offset = cur.offset();
        let bytes = cur.take(lens[i], names[i])?;
        let compressed = delta_indicator & bits[i] != 0;
        let decoded_len = if compressed {
            let declared = Cursor::new(bytes, section_offset).varint("decoded section size")?;
            let limit = section_limit(i == 0, target_len);
            if declared == 0 || declared > limit {
                return Err(bad(format!(
                    "compressed {} section declares {declared} decoded bytes (1 to {limit} possible)",
                    names[i]
                )));
            }
            declared
        } else {
            lens[i]
        };
        sections[i] = Section { name: names[i], bytes, offset: section_offset, compressed, decoded_len };
    }
    let used = cur.offset() - delta_start;
    if used != delta_len {
        return Err(bad(format!("delta encoding length says {delta_len} bytes, its parts take {used}")));
    }
    Ok(Window { index, offset, segment, target_len, adler32, sections })
}
