//! The Logiqx writer, for fixdats: what [`parse`](crate::parse) reads back as the same [`Dat`].

use std::fmt::Write as _;

use crate::logiqx::is_xml_char;
use crate::model::{Dat, DumpStatus, Rom};

/// The Logiqx document type declaration.
pub const LOGIQX_DOCTYPE: &str = r#"<!DOCTYPE datafile PUBLIC "-//Logiqx//DTD ROM Management Datafile//EN" "http://www.logiqx.com/Dats/datafile.dtd">"#;

/// `dat` as a Logiqx XML document: the XML declaration, the Logiqx DOCTYPE, then
/// `<datafile>` with a `<header>` and one `<game>` per game, tab-indented, one element a line.
///
/// Every field is written so that [`parse`](crate::parse) gives back an equal [`Dat`]: `None`
/// fields and a `false` `mia` are left out, a [`DumpStatus::Good`] status too, hashes are
/// lower-case hexadecimal, sizes decimal, game serials are `<serial>` elements. Characters that
/// XML 1.0 cannot carry at all (control characters other than tab, line feed and carriage
/// return, and U+FFFE/U+FFFF) are written as U+FFFD, so such a string does not come back equal;
/// white space that a reader would trim or normalise is written as character references.
///
/// ```
/// use n64_dat::{parse, to_logiqx, Dat, Game, Rom};
///
/// let mut dat = Dat::default();
/// dat.header.name = "My set <fixdat>".into();
/// dat.games.push(Game {
///     name: "Tom & Jerry".into(),
///     roms: vec![Rom { name: "Tom & Jerry.z64".into(), size: Some(4), crc32: Some(0xB63C_FBCD), ..Rom::default() }],
///     ..Game::default()
/// });
/// let xml = to_logiqx(&dat);
/// assert!(xml.contains(r#"<rom name="Tom &amp; Jerry.z64" size="4" crc="b63cfbcd"/>"#));
/// assert_eq!(parse(xml.as_bytes())?.dat, dat);
/// # Ok::<(), n64_dat::ParseError>(())
/// ```
pub fn to_logiqx(dat: &Dat) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(LOGIQX_DOCTYPE);
    out.push_str("\n<datafile>\n\t<header>\n");
    let h = &dat.header;
    text_element(&mut out, 2, "name", &h.name);
    let optional = [
        ("description", &h.description),
        ("version", &h.version),
        ("date", &h.date),
        ("author", &h.author),
        ("homepage", &h.homepage),
        ("url", &h.url),
        ("comment", &h.comment),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            text_element(&mut out, 2, name, value);
        }
    }
    out.push_str("\t</header>\n");
    for game in &dat.games {
        out.push_str("\t<game");
        attribute(&mut out, "name", &game.name);
        for (name, value) in [("id", &game.id), ("cloneof", &game.cloneof), ("cloneofid", &game.cloneofid)] {
            if let Some(value) = value {
                attribute(&mut out, name, value);
            }
        }
        out.push_str(">\n");
        if let Some(description) = &game.description {
            text_element(&mut out, 2, "description", description);
        }
        for serial in &game.serials {
            text_element(&mut out, 2, "serial", serial);
        }
        for rom in &game.roms {
            write_rom(&mut out, rom);
        }
        out.push_str("\t</game>\n");
    }
    out.push_str("</datafile>\n");
    out
}

fn write_rom(out: &mut String, rom: &Rom) {
    out.push_str("\t\t<rom");
    attribute(out, "name", &rom.name);
    if let Some(size) = rom.size {
        let _ = write!(out, " size=\"{size}\"");
    }
    if let Some(crc) = rom.crc32 {
        let _ = write!(out, " crc=\"{crc:08x}\"");
    }
    if let Some(md5) = &rom.md5 {
        hex_attribute(out, "md5", md5);
    }
    if let Some(sha1) = &rom.sha1 {
        hex_attribute(out, "sha1", sha1);
    }
    if let Some(sha256) = &rom.sha256 {
        hex_attribute(out, "sha256", sha256);
    }
    if rom.status != DumpStatus::Good {
        attribute(out, "status", rom.status.name());
    }
    if let Some(serial) = &rom.serial {
        attribute(out, "serial", serial);
    }
    if let Some(header) = &rom.header {
        attribute(out, "header", header);
    }
    if rom.mia {
        out.push_str(" mia=\"yes\"");
    }
    out.push_str("/>\n");
}

fn hex_attribute(out: &mut String, name: &str, bytes: &[u8]) {
    let _ = write!(out, " {name}=\"");
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out.push('"');
}

/// ` name="value"`, escaped so that attribute-value normalisation gives `value` back.
fn attribute(out: &mut String, name: &str, value: &str) {
    let _ = write!(out, " {name}=\"");
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => push_char(out, c),
        }
    }
    out.push('"');
}

/// `<name>text</name>` on its own line, escaped so that the reader (which trims white space at
/// the ends and turns CR into LF) gives `text` back.
fn text_element(out: &mut String, indent: usize, name: &str, text: &str) {
    for _ in 0..indent {
        out.push('\t');
    }
    let _ = write!(out, "<{name}>");
    let inner = text.trim_matches([' ', '\t', '\n', '\r']);
    let lead = text.len() - text.trim_start_matches([' ', '\t', '\n', '\r']).len();
    let (head, tail) = if inner.is_empty() { (text, "") } else { (&text[..lead], &text[lead + inner.len()..]) };
    for c in head.chars() {
        let _ = write!(out, "&#{};", u32::from(c));
    }
    for c in inner.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => push_char(out, c),
        }
    }
    for c in tail.chars() {
        let _ = write!(out, "&#{};", u32::from(c));
    }
    let _ = writeln!(out, "</{name}>");
}

fn push_char(out: &mut String, c: char) {
    out.push(if is_xml_char(c) { c } else { char::REPLACEMENT_CHARACTER });
}
