//! Running one window's instructions into the output.

use std::borrow::Cow;

use super::Error;
use super::code_table::{AddressCache, AddressError, Half, Op};
use super::cursor::Cursor;
use super::layout::Window;

/// What a window's copies read before its own target bytes: a slice of the source, or a range
/// of the output decoded so far.
pub(crate) enum SegmentData<'s> {
    None,
    Source(&'s [u8]),
    /// `(start, len)` in the output.
    Target(usize, usize),
}

impl SegmentData<'_> {
    const fn len(&self) -> usize {
        match self {
            Self::None => 0,
            Self::Source(bytes) => bytes.len(),
            Self::Target(_, len) => *len,
        }
    }
}

/// Appends the target window to `out`. `sections` are the data, instruction and address
/// sections, decoded.
pub(crate) fn run(
    window: &Window<'_>,
    sections: &[Cow<'_, [u8]>; 3],
    segment: &SegmentData<'_>,
    table: &[[Half; 2]; 256],
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let [data, inst, addr] = sections;
    let section_base = |i: usize| if window.sections[i].compressed { 0 } else { window.sections[i].offset };
    let mut data = Cursor::new(data, section_base(0));
    let mut inst = Cursor::new(inst, section_base(1));
    let mut addr = Cursor::new(addr, section_base(2));
    let start = out.len();
    let target_len = usize::try_from(window.target_len)
        .map_err(|_| Error::TooLarge { window: window.index, size: window.target_len })?;
    let seg_len = segment.len();
    let mut cache = AddressCache::new();
    let mut index = 0_usize;
    while !inst.is_empty() {
        let code = inst.byte("instruction")?;
        for half in table[usize::from(code)] {
            if half.op == Op::Noop {
                continue;
            }
            let pos = out.len() - start;
            let bad =
                |what: String| Error::BadInstruction { window: window.index, index, target_offset: pos as u64, what };
            let size = if half.size == 0 { inst.varint("instruction size")? } else { u64::from(half.size) };
            let size = usize::try_from(size)
                .ok()
                .filter(|&s| s <= target_len - pos)
                .ok_or_else(|| bad(format!("size {size} runs past the target window ({target_len} bytes)")))?;
            match half.op {
                Op::Noop => {}
                Op::Add => out.extend_from_slice(data.take(size as u64, "add data")?),
                Op::Run => {
                    let byte = data.byte("run byte")?;
                    out.resize(out.len() + size, byte);
                }
                Op::Copy(mode) => {
                    let here = (seg_len + pos) as u64;
                    let address = cache.decode(mode, here, &mut addr).map_err(|e| match e {
                        AddressError::Section(e) => e,
                        AddressError::Invalid(a) => bad(format!("copy address {a} is not below {here} (mode {mode})")),
                    })?;
                    #[allow(clippy::cast_possible_truncation, reason = "below here, a usize")]
                    copy(out, start, segment, address as usize, size);
                }
            }
            index += 1;
        }
    }
    let pos = out.len() - start;
    let short = |what: &str| Error::BadWindow { window: window.index, offset: window.offset, what: what.to_owned() };
    if pos != target_len {
        return Err(short(&format!("instructions give {pos} bytes, the window declares {target_len}")));
    }
    for (cursor, name) in [(&data, "data"), (&addr, "address")] {
        if !cursor.is_empty() {
            return Err(short(&format!("{} unused bytes in the {name} section", cursor.remaining())));
        }
    }
    Ok(())
}

/// Copies `size` bytes from `address` in the string "segment, then target window" (the target
/// window starts at `start` in `out`); `address` is below the current position, so a copy
/// from the target window may overlap what it writes.
fn copy(out: &mut Vec<u8>, start: usize, segment: &SegmentData<'_>, mut address: usize, mut size: usize) {
    let seg_len = segment.len();
    if address < seg_len {
        let n = size.min(seg_len - address);
        match *segment {
            SegmentData::None => {}
            SegmentData::Source(bytes) => out.extend_from_slice(&bytes[address..address + n]),
            SegmentData::Target(from, _) => out.extend_from_within(from + address..from + address + n),
        }
        address += n;
        size -= n;
    }
    if size == 0 {
        return;
    }
    let from = start + address - seg_len;
    let available = out.len() - from;
    if size <= available {
        out.extend_from_within(from..from + size);
    } else {
        // Overlapping: the bytes repeat with period `available`.
        out.reserve(size);
        for i in 0..size {
            let byte = out[from + i];
            out.push(byte);
        }
    }
}
