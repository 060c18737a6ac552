//! What one patch carries, whatever its format: read with the format's own `info`, then shown
//! as `key: value` lines and as the JSON record.

use n64_patch::{Format, aps, bps, ips, ups, vcdiff};
use serde::Serialize;

/// How many characters of BPS metadata the text output shows (JSON has all of it).
const METADATA_CHARS: usize = 60;

/// `30 bytes`; `16384 bytes (16.00 KiB)` from 1 KiB on, as `n64 info` shows sizes.
fn size_text(size: u64) -> String {
    if size < 1024 {
        n64_common::count(usize::try_from(size).unwrap_or(usize::MAX), "byte")
    } else {
        crate::info::size_text(size)
    }
}

/// What a patch carries; `None` where its format does not carry the field.
#[derive(Debug)]
pub(super) struct Described {
    pub(super) format: Format,
    pub(super) patch_size: u64,
    pub(super) source_size: Option<u64>,
    pub(super) target_size: Option<u64>,
    pub(super) source_crc32: Option<u32>,
    pub(super) target_crc32: Option<u32>,
    pub(super) patch_crc32: Option<u32>,
    pub(super) patch_crc32_ok: Option<bool>,
    /// Records (IPS, APS), hunks (UPS), actions (BPS) or windows (VCDIFF).
    pub(super) records: u64,
    /// BPS metadata, when not empty (invalid UTF-8 replaced).
    pub(super) metadata: Option<String>,
    pub(super) aps: Option<Aps>,
    pub(super) vcdiff: Option<Vcdiff>,
    pub(super) ips: Option<Ips>,
}

/// What an APS patch says of itself.
#[derive(Debug)]
pub(super) struct Aps {
    description: String,
    /// The N64 fields (type 1); `None` for a simple (type 0) patch.
    n64: Option<aps::N64Source>,
}

/// What a VCDIFF patch says of itself.
#[derive(Debug)]
pub(super) struct Vcdiff {
    windows: usize,
    source_span: u64,
    secondary: Option<vcdiff::Secondary>,
    /// xdelta3's application header: (target, source).
    file_names: Option<(String, String)>,
    /// Every window carries xdelta3's Adler-32 of its output.
    adler32: bool,
}

/// What an IPS or IPS32 patch says of itself.
#[derive(Debug)]
pub(super) struct Ips {
    highest_offset: Option<u64>,
    truncation: Option<u32>,
}

/// Reads what `patch` carries, checking it as its format's `info` does.
pub(super) fn describe(patch: &[u8]) -> Result<Described, n64_patch::Error> {
    let format = Format::detect(patch).ok_or(n64_patch::Error::UnknownFormat)?;
    let mut described = Described {
        format,
        patch_size: patch.len() as u64,
        source_size: None,
        target_size: None,
        source_crc32: None,
        target_crc32: None,
        patch_crc32: None,
        patch_crc32_ok: None,
        records: 0,
        metadata: None,
        aps: None,
        vcdiff: None,
        ips: None,
    };
    let d = &mut described;
    match format {
        Format::Ips | Format::Ips32 => {
            let info = ips::info(patch)?;
            d.records = info.records as u64;
            d.ips = Some(Ips { highest_offset: info.highest_offset, truncation: info.truncation });
        }
        Format::Ups => {
            let info = ups::info(patch)?;
            (d.source_size, d.target_size) = (Some(info.input_size), Some(info.output_size));
            (d.source_crc32, d.target_crc32) = (Some(info.input_crc32), Some(info.output_crc32));
            (d.patch_crc32, d.patch_crc32_ok) = (Some(info.patch_crc32), Some(info.patch_crc32_ok));
            d.records = info.hunks;
        }
        Format::Bps => {
            let info = bps::info(patch)?;
            (d.source_size, d.target_size) = (Some(info.source_size), Some(info.target_size));
            (d.source_crc32, d.target_crc32) = (Some(info.source_crc32), Some(info.target_crc32));
            (d.patch_crc32, d.patch_crc32_ok) = (Some(info.patch_crc32), Some(info.patch_crc32_ok));
            d.records = info.actions;
            d.metadata = (!info.metadata.is_empty()).then(|| info.metadata_text().into_owned());
        }
        Format::Aps => {
            let info = aps::info(patch)?;
            d.target_size = Some(u64::from(info.output_size));
            d.records = info.records as u64;
            d.aps = Some(Aps { description: info.description, n64: info.n64 });
        }
        Format::Vcdiff => {
            let info = vcdiff::info(patch)?;
            d.target_size = Some(info.target_size);
            d.records = info.windows.len() as u64;
            d.vcdiff = Some(Vcdiff {
                windows: info.windows.len(),
                source_span: info.source_span,
                secondary: info.secondary,
                file_names: info.file_names(),
                adler32: info.windows.iter().all(|w| w.adler32.is_some()),
            });
        }
    }
    Ok(described)
}

impl Described {
    /// Whether the patch's own CRC32 says it is damaged.
    pub(super) fn damaged(&self) -> bool {
        self.patch_crc32_ok == Some(false)
    }

    /// The `key: value` lines of the text output, in order.
    pub(super) fn lines(&self) -> Vec<(&'static str, String)> {
        let mut lines = vec![("patch size", size_text(self.patch_size))];
        if let (Some(crc), Some(ok)) = (self.patch_crc32, self.patch_crc32_ok) {
            let verdict = if ok { "(correct)" } else { "WRONG (the patch is damaged or truncated)" };
            lines.push(("patch crc32", format!("{crc:08x} {verdict}")));
        }
        if let Some(aps) = &self.aps {
            lines.push(("description", format!("\"{}\"", one_line(&aps.description, usize::MAX))));
            match &aps.n64 {
                Some(n64) => {
                    lines.push(("type", "n64".to_owned()));
                    lines.push(("cart id", quoted(&n64.cart_id)));
                    lines.push(("country", country_text(n64.country)));
                    lines.push(("check code", check_code(n64.check_code)));
                    lines.push(("order", aps_order_text(n64)));
                }
                None => lines.push(("type", "simple (no source identity)".to_owned())),
            }
        }
        if let Some(size) = self.source_size {
            lines.push(("source size", size_text(size)));
        }
        if let Some(crc) = self.source_crc32 {
            lines.push(("source crc32", format!("{crc:08x}")));
        }
        if let Some(size) = self.target_size {
            lines.push(("target size", size_text(size)));
        }
        if let Some(crc) = self.target_crc32 {
            lines.push(("target crc32", format!("{crc:08x}")));
        }
        if let Some(ips) = &self.ips {
            lines.push((
                "highest offset",
                ips.highest_offset.map_or_else(|| "none (no record writes a byte)".to_owned(), |o| format!("{o:#x}")),
            ));
            if let Some(size) = ips.truncation {
                lines.push(("truncation", size_text(u64::from(size))));
            }
        }
        if let Some(v) = &self.vcdiff {
            let span = if v.source_span == 0 {
                "none (no window reads the source)".to_owned()
            } else {
                size_text(v.source_span)
            };
            lines.push(("source span", span));
            lines.push(("secondary", v.secondary.map_or("none", secondary_name).to_owned()));
            lines.push(("adler32", if v.adler32 { "in every window" } else { "not in every window" }.to_owned()));
            if let Some((target, source)) = &v.file_names {
                lines.push(("file names", format!("\"{}\" from \"{}\"", one_line(target, 200), one_line(source, 200))));
            }
        }
        lines.push((self.records_label(), self.records.to_string()));
        if let Some(metadata) = &self.metadata {
            let whole = one_line(metadata, usize::MAX);
            let text = if whole.chars().count() > METADATA_CHARS {
                format!("{} ({} bytes; --json shows all of it)", one_line(metadata, METADATA_CHARS), metadata.len())
            } else {
                whole
            };
            lines.push(("metadata", text));
        }
        lines
    }

    /// What the format calls its records.
    fn records_label(&self) -> &'static str {
        match self.format {
            Format::Ups => "hunks",
            Format::Bps => "actions",
            Format::Vcdiff => "windows",
            _ => "records",
        }
    }

    /// The JSON record's fields (without `type`, `path` and the ROM's).
    pub(super) fn record(&self) -> DescribedRecord<'_> {
        let hex = |crc: Option<u32>| crc.map(|c| format!("{c:08x}"));
        DescribedRecord {
            format: self.format.name(),
            patch_size: self.patch_size,
            source_size: self.source_size,
            target_size: self.target_size,
            source_crc32: hex(self.source_crc32),
            target_crc32: hex(self.target_crc32),
            patch_crc32: hex(self.patch_crc32),
            patch_crc32_ok: self.patch_crc32_ok,
            records: self.records,
            metadata: self.metadata.as_deref(),
            aps: self.aps.as_ref().map(|aps| ApsRecord {
                description: &aps.description,
                cart_id: aps.n64.map(|n| escaped(&n.cart_id)),
                country: aps.n64.map(|n| escaped(&[n.country])),
                check_code: aps.n64.map(|n| check_code(n.check_code)),
                order: aps.n64.map(|n| aps_order(&n).name()),
            }),
            vcdiff: self.vcdiff.as_ref().map(|v| VcdiffRecord {
                windows: v.windows,
                source_span: v.source_span,
                secondary: v.secondary.map(secondary_name),
                file_names: v.file_names.as_ref().map(|(target, source)| FileNames { target, source }),
                adler32: v.adler32,
            }),
            ips: self.ips.as_ref().map(|i| IpsRecord { highest_offset: i.highest_offset, truncation: i.truncation }),
        }
    }
}

/// The patch fields of a `"type": "patch"` record.
#[derive(Debug, Serialize)]
pub(super) struct DescribedRecord<'a> {
    format: &'static str,
    patch_size: u64,
    source_size: Option<u64>,
    target_size: Option<u64>,
    source_crc32: Option<String>,
    target_crc32: Option<String>,
    patch_crc32: Option<String>,
    patch_crc32_ok: Option<bool>,
    records: u64,
    metadata: Option<&'a str>,
    aps: Option<ApsRecord<'a>>,
    vcdiff: Option<VcdiffRecord<'a>>,
    ips: Option<IpsRecord>,
}

/// `aps`: the N64 fields are `null` for a simple APS patch.
#[derive(Debug, Serialize)]
struct ApsRecord<'a> {
    description: &'a str,
    cart_id: Option<String>,
    country: Option<String>,
    check_code: Option<String>,
    order: Option<&'static str>,
}

/// `vcdiff`.
#[derive(Debug, Serialize)]
struct VcdiffRecord<'a> {
    windows: usize,
    source_span: u64,
    secondary: Option<&'static str>,
    file_names: Option<FileNames<'a>>,
    adler32: bool,
}

/// xdelta3's file names.
#[derive(Debug, Serialize)]
struct FileNames<'a> {
    target: &'a str,
    source: &'a str,
}

/// `ips`.
#[derive(Debug, Serialize)]
struct IpsRecord {
    highest_offset: Option<u64>,
    truncation: Option<u32>,
}

/// The byte order an N64 APS patch applies in, by its image-format flag.
fn aps_order(n64: &aps::N64Source) -> n64_core::ByteOrder {
    if n64.byte_swapped { n64_core::ByteOrder::V64 } else { n64_core::ByteOrder::Z64 }
}

fn aps_order_text(n64: &aps::N64Source) -> String {
    if n64.byte_swapped {
        "v64 (image format flag 0: Doctor V64, byte-swapped)".to_owned()
    } else {
        "z64 (image format flag 1)".to_owned()
    }
}

/// xdelta3's name of a secondary compressor, as its `-S` option spells it.
fn secondary_name(secondary: vcdiff::Secondary) -> &'static str {
    match secondary {
        vcdiff::Secondary::Djw => "djw",
        vcdiff::Secondary::Lzma => "lzma",
        vcdiff::Secondary::Fgk => "fgk",
    }
}

/// 16 upper-case hex digits, as `n64 info` shows a ROM's check code.
fn check_code(bytes: [u8; 8]) -> String {
    format!("{:016X}", u64::from_be_bytes(bytes))
}

/// Printable ASCII as it is, other bytes as `\xNN`.
fn escaped(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| if (0x20..0x7F).contains(&b) { char::from(b).to_string() } else { format!("\\x{b:02x}") })
        .collect()
}

/// `"ZL"`; `"\x00\x01"` when not printable.
fn quoted(bytes: &[u8]) -> String {
    format!("\"{}\"", escaped(bytes))
}

/// `E (0x45)`; `0x00` when not printable.
fn country_text(code: u8) -> String {
    if code.is_ascii_graphic() { format!("{} ({code:#04x})", char::from(code)) } else { format!("{code:#04x}") }
}

/// `text` on one line: runs of white space become one space, other control characters are
/// escaped, and more than `max` characters are cut with an ellipsis.
fn one_line(text: &str, max: usize) -> String {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            if c.is_control() {
                line.extend(c.escape_default());
            } else {
                line.push(c);
            }
        }
    }
    if line.chars().count() > max {
        let mut cut: String = line.chars().take(max).collect();
        cut.truncate(cut.trim_end().len());
        cut.push('…');
        return cut;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_collapses_escapes_and_cuts() {
        assert_eq!(one_line("  a\n\tb  c ", 10), "a b c");
        assert_eq!(one_line("a\u{1b}[31mb", 20), "a\\u{1b}[31mb");
        assert_eq!(one_line("abcdef", 3), "abc…");
        assert_eq!(one_line("ab def", 3), "ab…");
    }

    #[test]
    fn bytes_are_shown_printable_or_escaped() {
        assert_eq!(quoted(b"ZL"), "\"ZL\"");
        assert_eq!(escaped(&[0, b'A']), "\\x00A");
        assert_eq!(country_text(b'E'), "E (0x45)");
        assert_eq!(country_text(0), "0x00");
        assert_eq!(check_code([0xAB, 0, 1, 2, 3, 4, 5, 0xFF]), "AB000102030405FF");
    }

    #[test]
    fn garbage_is_no_patch() {
        assert_eq!(describe(b"hello").unwrap_err(), n64_patch::Error::UnknownFormat);
        assert!(describe(b"BPS1").is_err());
    }
}
