//! VCDIFF (RFC 3284) as xdelta3 writes it: the default code table, source and target segments,
//! xdelta3's Adler-32 of each target window, its application header (the file names), and its
//! LZMA secondary compression. Custom code tables and the DJW and FGK secondary compressors are
//! refused with an "unsupported" error.

mod adler32;
mod code_table;
mod cursor;
mod decode;
mod layout;
mod secondary;

use std::borrow::Cow;

use crate::MAX_OUTPUT;
use decode::SegmentData;

/// Why a VCDIFF patch could not be read or applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The patch does not start with `D6 C3 C4`.
    #[error("not a vcdiff patch: no magic d6 c3 c4 at offset 0")]
    BadMagic,
    /// The version byte is not 0.
    #[error("unsupported vcdiff version {version} at offset 3")]
    BadVersion {
        /// The version byte.
        version: u8,
    },
    /// The patch ends inside something.
    #[error("truncated patch: {what} at offset {offset} runs past the end")]
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Where (in the patch, or in a decompressed section).
        offset: u64,
    },
    /// An integer longer than 64 bits.
    #[error("bad integer: {what} at offset {offset} is longer than 64 bits")]
    BadVarint {
        /// What was being read.
        what: &'static str,
        /// Where.
        offset: u64,
    },
    /// Unknown bits in the header indicator.
    #[error("unknown header indicator {indicator:#04x} at offset 4")]
    BadHeaderIndicator {
        /// The indicator byte.
        indicator: u8,
    },
    /// A secondary compressor id xdelta3 does not define.
    #[error("unknown secondary compressor id {id} at offset {offset}")]
    UnknownSecondary {
        /// The id.
        id: u8,
        /// Where.
        offset: u64,
    },
    /// A section compressed with a secondary compressor this decoder does not implement.
    #[error("unsupported secondary compressor {name}: re-make the patch with xdelta3 -S lzma or -S none")]
    UnsupportedSecondary {
        /// `DJW` or `FGK`.
        name: &'static str,
    },
    /// The patch carries its own code table.
    #[error("unsupported custom code table at offset {offset}: re-make the patch with xdelta3's default table")]
    UnsupportedCodeTable {
        /// Where the code table starts.
        offset: u64,
    },
    /// A window header that does not hold together.
    #[error("window {window} at offset {offset}: {what}")]
    BadWindow {
        /// The window number, from 0.
        window: usize,
        /// The window's offset in the patch.
        offset: u64,
        /// What is wrong.
        what: String,
    },
    /// The header is followed by no window (xdelta3 writes at least one, even for an empty
    /// target): the patch was cut after its header.
    #[error("truncated patch: no window after the header (which ends at offset {offset})")]
    NoWindows {
        /// Where the header ends.
        offset: u64,
    },
    /// The output would be larger than [`MAX_OUTPUT`].
    #[error("window {window}: the output would be {size} bytes, more than the {MAX_OUTPUT}-byte limit")]
    TooLarge {
        /// The window that crossed the limit.
        window: usize,
        /// The output size up to that window.
        size: u64,
    },
    /// A window's segment lies past the end of the source (or of the output so far).
    #[error("window {window}: {kind} segment {position}+{length} lies past the end of the {kind} ({available} bytes)")]
    SegmentOutOfRange {
        /// The window.
        window: usize,
        /// `source` or `target`.
        kind: &'static str,
        /// Segment position.
        position: u64,
        /// Segment length.
        length: u64,
        /// The bytes there are.
        available: u64,
    },
    /// A secondary-compressed section that does not decode.
    #[error("window {window}: {section} section at offset {offset}: {message}")]
    Secondary {
        /// The window.
        window: usize,
        /// `data`, `instruction` or `address`.
        section: &'static str,
        /// The section's offset in the patch.
        offset: u64,
        /// What went wrong.
        message: String,
    },
    /// An instruction that cannot be carried out.
    #[error("window {window} instruction {index} (target window offset {target_offset}): {what}")]
    BadInstruction {
        /// The window.
        window: usize,
        /// The instruction number in the window, from 0.
        index: usize,
        /// Where in the target window it writes.
        target_offset: u64,
        /// What is wrong.
        what: String,
    },
    /// The target window's Adler-32 does not match the one the patch stores.
    #[error(
        "window {window}: adler-32 mismatch: the patch says {expected:08x}, the target window gives {actual:08x} (wrong source rom, or a damaged patch)"
    )]
    Checksum {
        /// The window.
        window: usize,
        /// Stored in the patch.
        expected: u32,
        /// Computed from the output.
        actual: u32,
    },
}

/// xdelta3's secondary compressors (the id after the header indicator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secondary {
    /// Id 1: static Huffman (`-S djw`).
    Djw,
    /// Id 2: LZMA (`-S lzma`, xdelta3's default).
    Lzma,
    /// Id 16: adaptive Huffman (`-S fgk`).
    Fgk,
}

impl Secondary {
    const fn from_id(id: u8) -> Option<Self> {
        match id {
            1 => Some(Self::Djw),
            2 => Some(Self::Lzma),
            16 => Some(Self::Fgk),
            _ => None,
        }
    }

    /// The id in the header.
    #[must_use]
    pub const fn id(self) -> u8 {
        match self {
            Self::Djw => 1,
            Self::Lzma => 2,
            Self::Fgk => 16,
        }
    }

    /// Its name: `DJW`, `LZMA` or `FGK`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Djw => "DJW",
            Self::Lzma => "LZMA",
            Self::Fgk => "FGK",
        }
    }
}

/// Where a window's copies read before its own target bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// From the output decoded so far (`VCD_TARGET`) rather than the source (`VCD_SOURCE`).
    pub from_target: bool,
    /// Its offset in the source (or output).
    pub position: u64,
    /// Its length.
    pub length: u64,
}

/// One window of a patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowInfo {
    /// Its offset in the patch.
    pub offset: u64,
    /// Its source (or target) segment.
    pub segment: Option<Segment>,
    /// The bytes it produces.
    pub target_len: u64,
    /// xdelta3's Adler-32 of those bytes, when stored.
    pub adler32: Option<u32>,
    /// Its data, instruction and address sections.
    pub sections: [SectionInfo; 3],
}

/// One section of a window, as stored in the patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionInfo {
    /// Its offset in the patch.
    pub offset: u64,
    /// Its length in the patch.
    pub len: u64,
    /// Secondary-compressed (then it starts with its decoded size).
    pub compressed: bool,
    /// Its decoded length.
    pub decoded_len: u64,
}

/// What a VCDIFF patch carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// The secondary compressor named in the header.
    pub secondary: Option<Secondary>,
    /// The application header (xdelta3: `target/compression/source/compression`).
    pub app_header: Option<Vec<u8>>,
    /// The windows, in order.
    pub windows: Vec<WindowInfo>,
    /// The output size: the sum of the target windows.
    pub target_size: u64,
    /// How far into the source the windows' source segments reach.
    pub source_span: u64,
}

impl Info {
    /// The target and source file names of xdelta3's application header, when it has that form.
    #[must_use]
    pub fn file_names(&self) -> Option<(String, String)> {
        let text = std::str::from_utf8(self.app_header.as_deref()?).ok()?;
        let parts: Vec<&str> = text.split('/').collect();
        (parts.len() == 4).then(|| (parts[0].to_owned(), parts[2].to_owned()))
    }
}

/// Reads what `patch` carries without applying it.
///
/// # Errors
///
/// Any structural error in the header or a window header (see [`Error`]).
pub fn info(patch: &[u8]) -> Result<Info, Error> {
    let header = layout::header(patch)?;
    let windows = layout::windows(patch, &header)?;
    let source_span = windows
        .iter()
        .filter_map(|w| w.segment.filter(|s| !s.from_target).map(|s| s.position + s.length))
        .max()
        .unwrap_or(0);
    Ok(Info {
        secondary: header.secondary,
        app_header: header.application.map(<[u8]>::to_vec),
        target_size: windows.iter().map(|w| w.target_len).sum(),
        source_span,
        windows: windows
            .iter()
            .map(|w| WindowInfo {
                offset: w.offset,
                segment: w.segment,
                target_len: w.target_len,
                adler32: w.adler32,
                sections: w.sections.map(|s| SectionInfo {
                    offset: s.offset,
                    len: s.bytes.len() as u64,
                    compressed: s.compressed,
                    decoded_len: s.decoded_len,
                }),
            })
            .collect(),
    })
}

/// Applies the VCDIFF `patch` to `source`, checking every window's Adler-32 when stored.
///
/// ```
/// // A patch of one window, no source: ADD "hi" (code 3: ADD of size 2).
/// let patch = [0xD6, 0xC3, 0xC4, 0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x02, 0x01, 0x00, b'h', b'i', 0x03];
/// assert_eq!(n64_patch::vcdiff::apply(&[], &patch)?, b"hi");
/// # Ok::<(), n64_patch::vcdiff::Error>(())
/// ```
///
/// # Errors
///
/// Any malformed patch, a segment past the end of the source, a bad checksum, an output over
/// [`MAX_OUTPUT`], or an unsupported feature (see [`Error`]). Nothing is returned on error.
pub fn apply(source: &[u8], patch: &[u8]) -> Result<Vec<u8>, Error> {
    let header = layout::header(patch)?;
    let windows = layout::windows(patch, &header)?;
    let total: u64 = windows.iter().map(|w| w.target_len).sum();
    // Checked against MAX_OUTPUT by layout::windows.
    let mut out = Vec::with_capacity(usize::try_from(total).map_err(|_| Error::TooLarge { window: 0, size: total })?);
    let table = code_table::default_table();
    let stream_total =
        |i: usize| windows.iter().filter(|w| w.sections[i].compressed).map(|w| w.sections[i].decoded_len).sum();
    let mut streams = [0, 1, 2].map(|i| secondary::LzmaStream::new(stream_total(i)));
    for window in &windows {
        let segment = segment_data(window, source, out.len())?;
        let mut sections: [Cow<'_, [u8]>; 3] = [Cow::Borrowed(&[]), Cow::Borrowed(&[]), Cow::Borrowed(&[])];
        for (i, section) in window.sections.iter().enumerate() {
            sections[i] = if section.compressed {
                match header.secondary {
                    Some(Secondary::Lzma) => {
                        Cow::Owned(streams[i].decode(section).map_err(|message| Error::Secondary {
                            window: window.index,
                            section: section.name,
                            offset: section.offset,
                            message,
                        })?)
                    }
                    Some(other) => return Err(Error::UnsupportedSecondary { name: other.name() }),
                    // layout::windows refuses compressed sections without a compressor.
                    None => return Err(Error::UnsupportedSecondary { name: "none" }),
                }
            } else {
                Cow::Borrowed(section.bytes)
            };
        }
        let start = out.len();
        decode::run(window, &sections, &segment, &table, &mut out)?;
        if let Some(expected) = window.adler32 {
            let actual = adler32::adler32(&out[start..]);
            if actual != expected {
                return Err(Error::Checksum { window: window.index, expected, actual });
            }
        }
    }
    Ok(out)
}

/// The window's segment, checked against the source (or the output so far).
fn segment_data<'s>(window: &layout::Window<'_>, source: &'s [u8], decoded: usize) -> Result<SegmentData<'s>, Error> {
    let Some(segment) = window.segment else { return Ok(SegmentData::None) };
    let (kind, available) = if segment.from_target { ("target", decoded) } else { ("source", source.len()) };
    let out_of_range = || Error::SegmentOutOfRange {
        window: window.index,
        kind,
        position: segment.position,
        length: segment.length,
        available: available as u64,
    };
    let end = segment.position.checked_add(segment.length).ok_or_else(out_of_range)?;
    if end > available as u64 {
        return Err(out_of_range());
    }
    #[allow(clippy::cast_possible_truncation, reason = "below available, a usize")]
    let (position, length) = (segment.position as usize, segment.length as usize);
    Ok(if segment.from_target {
        SegmentData::Target(position, length)
    } else {
        SegmentData::Source(&source[position..position + length])
    })
}
