//! The Logiqx XML reader: `<datafile>` (or MAME's `<mame>`) with a `<header>` and `<game>` or
//! `<machine>` entries, No-Intro's extras included.
//!
//! Element text is taken with the XML white space at both ends removed (white space written as a
//! character reference, such as `&#32;`, stays); attribute values are taken as XML normalises
//! them (tabs and line breaks become spaces, references are resolved) and not trimmed.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};

use crate::error::{ParseError, ParseErrorKind, Warning, WarningKind};
use crate::fields::{FieldKind, GameDraft, HeaderDraft, Outcome, RomDraft};
use crate::model::{Dat, Game, Rom};
use crate::position::{Warnings, error_at, shorten};

/// XML's white space.
const XML_SPACE: [char; 4] = [' ', '\t', '\r', '\n'];

/// Reads a Logiqx document (already known to be UTF-8, without its byte order mark).
pub(crate) fn read(text: &str) -> Result<(Dat, Vec<Warning>), ParseError> {
    let mut reader = XmlReader { text, reader: Reader::from_str(text), warnings: Warnings::new(text) };
    let dat = reader.document()?;
    Ok((dat, reader.warnings.finish()))
}

/// One attribute: where its name and its value start, its name and its resolved value.
struct Attr<'a> {
    key_at: usize,
    at: usize,
    key: &'a str,
    value: Cow<'a, str>,
}

struct XmlReader<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    warnings: Warnings<'a>,
}

impl<'a> XmlReader<'a> {
    /// The next event and the offset it starts at.
    fn next(&mut self) -> Result<(usize, Event<'a>), ParseError> {
        let at = self.position();
        match self.reader.read_event() {
            Ok(event) => Ok((at, event)),
            Err(e) => {
                let at = usize::try_from(self.reader.error_position()).unwrap_or(usize::MAX);
                Err(self.error(at, ParseErrorKind::Xml { message: e.to_string() }))
            }
        }
    }

    fn position(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    fn error(&self, at: usize, kind: ParseErrorKind) -> ParseError {
        error_at(self.text, at, kind)
    }

    fn warn(&mut self, at: usize, kind: WarningKind) {
        self.warnings.push(at, kind);
    }

    /// Where `part`, a slice of the input, starts in it.
    fn offset_of(&self, part: &str) -> Option<usize> {
        let start = part.as_ptr().addr().checked_sub(self.text.as_ptr().addr())?;
        (start + part.len() <= self.text.len()).then_some(start)
    }

    /// `part` (a slice of the input) with the input's lifetime.
    fn in_text(&self, part: &str) -> Option<&'a str> {
        let start = self.offset_of(part)?;
        self.text.get(start..start + part.len())
    }

    /// The name of an element, from the input.
    fn name(&self, e: &BytesStart<'_>) -> &'a str {
        self.in_text(e.name().as_ref()).unwrap_or("")
    }

    fn document(&mut self) -> Result<Dat, ParseError> {
        let mut dat = None;
        loop {
            let (at, event) = self.next()?;
            match event {
                Event::Start(_) | Event::Empty(_) if dat.is_some() => {
                    return Err(self.error(at, ParseErrorKind::AfterRoot));
                }
                Event::Start(e) => {
                    self.root(&e, at)?;
                    dat = Some(self.datafile(at, self.name(&e))?);
                }
                Event::Empty(e) => {
                    self.root(&e, at)?;
                    dat = Some(Dat::default());
                }
                Event::Text(t) if is_blank(&t) => {}
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) | Event::End(_) => {
                    let at = at + leading_space(&event);
                    let kind = if dat.is_some() {
                        ParseErrorKind::AfterRoot
                    } else {
                        ParseErrorKind::Xml { message: "text before the root element".to_owned() }
                    };
                    return Err(self.error(at, kind));
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
                Event::Eof => break,
            }
        }
        dat.ok_or_else(|| self.error(self.text.len(), ParseErrorKind::NoRoot))
    }

    /// Checks the root element and its attributes.
    fn root(&mut self, e: &BytesStart<'a>, at: usize) -> Result<(), ParseError> {
        let name = self.name(e);
        if name != "datafile" && name != "mame" {
            return Err(self.error(at, ParseErrorKind::UnexpectedRoot { name: shorten(name) }));
        }
        for attr in self.attributes(e)? {
            let known = matches!(attr.key, "build" | "debug" | "xmlns" | "mameconfig")
                || attr.key.starts_with("xmlns:")
                || attr.key.starts_with("xsi:");
            if !known {
                self.warn(attr.key_at, WarningKind::UnknownField { field: shorten(attr.key), within: name.to_owned() });
            }
        }
        Ok(())
    }

    fn datafile(&mut self, start: usize, root: &'a str) -> Result<Dat, ParseError> {
        let mut header = HeaderDraft::default();
        let mut header_seen = false;
        let mut games = Vec::new();
        while let Some((at, e, empty)) = self.child(start, root)? {
            match self.name(&e) {
                "header" => {
                    if header_seen {
                        self.warn(at, WarningKind::Repeated { field: "header".to_owned(), within: root.to_owned() });
                    }
                    header_seen = true;
                    self.no_attributes(&e, "header")?;
                    if !empty {
                        self.header(at, &mut header)?;
                    }
                }
                "game" | "machine" => games.push(self.game(&e, at, empty)?),
                other => self.unknown(at, empty, other, root)?,
            }
        }
        Ok(Dat { header: header.header, games })
    }

    fn header(&mut self, start: usize, header: &mut HeaderDraft) -> Result<(), ParseError> {
        while let Some((at, e, empty)) = self.child(start, "header")? {
            let name = self.name(&e);
            match HeaderDraft::kind(name) {
                FieldKind::Read => {
                    self.no_attributes(&e, name)?;
                    let value = if empty { String::new() } else { self.text_of(name, at)? };
                    self.outcome(at, header.apply(name, &value));
                }
                FieldKind::Ignored => self.skip(at, empty, name)?,
                FieldKind::Unknown => self.unknown(at, empty, name, "header")?,
            }
        }
        Ok(())
    }

    fn game(&mut self, e: &BytesStart<'a>, start: usize, empty: bool) -> Result<Game, ParseError> {
        let mut game = GameDraft::default();
        for attr in self.attributes(e)? {
            match GameDraft::kind(attr.key) {
                FieldKind::Read => self.outcome(attr.at, game.apply(attr.key, &attr.value)),
                FieldKind::Ignored => {}
                FieldKind::Unknown => self.warn_unknown(attr.key_at, attr.key, "game"),
            }
        }
        let mut roms = Vec::new();
        if !empty {
            while let Some((at, child, child_empty)) = self.child(start, "game")? {
                let name = self.name(&child);
                if name == "rom" {
                    roms.push(self.rom(&child, at, child_empty)?);
                    continue;
                }
                match GameDraft::kind(name) {
                    FieldKind::Read => {
                        self.no_attributes(&child, name)?;
                        let value = if child_empty { String::new() } else { self.text_of(name, at)? };
                        self.outcome(at, game.apply(name, &value));
                    }
                    FieldKind::Ignored => self.skip(at, child_empty, name)?,
                    FieldKind::Unknown => self.unknown(at, child_empty, name, "game")?,
                }
            }
        }
        if !game.has_name() {
            return Err(self.error(start, ParseErrorKind::MissingName { element: "game" }));
        }
        game.game.roms = roms;
        Ok(game.game)
    }

    fn rom(&mut self, e: &BytesStart<'a>, start: usize, empty: bool) -> Result<Rom, ParseError> {
        let mut rom = RomDraft::default();
        for attr in self.attributes(e)? {
            match RomDraft::kind(attr.key) {
                FieldKind::Read => {
                    let outcome = rom.apply(attr.key, &attr.value).map_err(|kind| self.error(attr.at, kind))?;
                    self.outcome(attr.at, outcome);
                }
                FieldKind::Ignored => {}
                FieldKind::Unknown => self.warn_unknown(attr.key_at, attr.key, "rom"),
            }
        }
        if !rom.has_name() {
            return Err(self.error(start, ParseErrorKind::MissingName { element: "rom" }));
        }
        if !empty {
            while let Some((at, child, child_empty)) = self.child(start, "rom")? {
                let name = self.name(&child);
                self.unknown(at, child_empty, name, "rom")?;
            }
        }
        Ok(rom.rom)
    }

    /// The next child element of the element `within` opened at `start`, with its offset and
    /// whether it is empty (`<x/>`); `None` at the end tag. Text in between is a warning.
    fn child(&mut self, start: usize, within: &str) -> Result<Option<(usize, BytesStart<'a>, bool)>, ParseError> {
        loop {
            let (at, event) = self.next()?;
            match event {
                Event::Start(e) => return Ok(Some((at, e, false))),
                Event::Empty(e) => return Ok(Some((at, e, true))),
                Event::End(_) => return Ok(None),
                Event::Eof => {
                    return Err(self.error(start, ParseErrorKind::UnclosedElement { name: shorten(within) }));
                }
                other => self.stray(at, &other, within),
            }
        }
    }

    /// The text of the element `name` opened at `start` (its start tag already read), up to its
    /// end tag; child elements are skipped with a warning.
    fn text_of(&mut self, name: &'a str, start: usize) -> Result<String, ParseError> {
        let mut out = String::new();
        // The bytes of `out` from a reference or CDATA section are never trimmed.
        let mut kept_from: Option<usize> = None;
        let mut kept_to = 0;
        loop {
            let (at, event) = self.next()?;
            match event {
                Event::Text(t) => out.push_str(&t.xml10_content()),
                Event::CData(c) => {
                    kept_from.get_or_insert(out.len());
                    out.push_str(&c.xml10_content());
                    kept_to = out.len();
                }
                Event::GeneralRef(r) => {
                    kept_from.get_or_insert(out.len());
                    match resolve_reference(&r).map_err(|kind| self.error(at, kind))? {
                        Resolved::Str(s) => out.push_str(s),
                        Resolved::Char(c) => out.push(c),
                    }
                    kept_to = out.len();
                }
                Event::End(_) => break,
                Event::Eof => return Err(self.error(start, ParseErrorKind::UnclosedElement { name: name.to_owned() })),
                Event::Start(child) => {
                    let child_name = self.name(&child);
                    self.unknown(at, false, child_name, name)?;
                }
                Event::Empty(child) => {
                    let child_name = self.name(&child);
                    self.warn_unknown(at, child_name, name);
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
            }
        }
        let head_end = kept_from.unwrap_or(out.len());
        let begin = head_end - out[..head_end].trim_start_matches(XML_SPACE).len();
        let end = kept_to.max(begin) + out[kept_to.max(begin)..].trim_end_matches(XML_SPACE).len();
        out.truncate(end);
        out.drain(..begin);
        Ok(out)
    }

    /// The attributes of `e`, values resolved and normalised.
    fn attributes(&self, e: &BytesStart<'a>) -> Result<Vec<Attr<'a>>, ParseError> {
        let tag_start = self.offset_of(e).unwrap_or(0);
        let mut out = Vec::new();
        for attr in e.attributes() {
            let attr = attr.map_err(|err| self.error(tag_start + attr_error_offset(&err), attr_error_kind(&err)))?;
            let key = self.in_text(attr.key.as_ref()).unwrap_or("");
            let raw = self.in_text(&attr.value).unwrap_or("");
            let key_at = self.offset_of(key).unwrap_or(tag_start);
            let at = self.offset_of(raw).unwrap_or(tag_start);
            let value = normalize_attribute(raw).map_err(|(offset, kind)| self.error(at + offset, kind))?;
            out.push(Attr { key_at, at, key, value });
        }
        Ok(out)
    }

    /// Warns about each attribute of an element that takes none.
    fn no_attributes(&mut self, e: &BytesStart<'a>, within: &str) -> Result<(), ParseError> {
        for attr in self.attributes(e)? {
            self.warn_unknown(attr.key_at, attr.key, within);
        }
        Ok(())
    }

    fn warn_unknown(&mut self, at: usize, field: &str, within: &str) {
        self.warn(at, WarningKind::UnknownField { field: shorten(field), within: within.to_owned() });
    }

    /// An unknown element: warn, then skip it.
    fn unknown(&mut self, at: usize, empty: bool, name: &str, within: &str) -> Result<(), ParseError> {
        self.warn_unknown(at, name, within);
        self.skip(at, empty, name)
    }

    /// Skips the element opened at `start` (unless `empty`), whatever it holds.
    fn skip(&mut self, start: usize, empty: bool, name: &str) -> Result<(), ParseError> {
        let mut depth = usize::from(!empty);
        while depth > 0 {
            match self.next()?.1 {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                Event::Eof => return Err(self.error(start, ParseErrorKind::UnclosedElement { name: shorten(name) })),
                _ => {}
            }
        }
        Ok(())
    }

    /// Text (or a reference or CDATA) inside an element that holds only elements: white space
    /// is fine, anything else is a warning. A reference is still checked.
    fn stray(&mut self, at: usize, event: &Event<'a>, within: &str) {
        let blank = match event {
            Event::Text(t) => is_blank(t),
            Event::CData(_) | Event::GeneralRef(_) => false,
            _ => true,
        };
        if !blank {
            self.warn(at + leading_space(event), WarningKind::StrayText { within: within.to_owned() });
        }
    }

    fn outcome(&mut self, at: usize, outcome: Outcome) {
        if let Outcome::Warn(kind) = outcome {
            self.warn(at, kind);
        }
    }
}

/// The length of the white space a text event starts with (0 for other events).
fn leading_space(event: &Event<'_>) -> usize {
    match event {
        Event::Text(t) => t.len() - t.trim_start_matches(XML_SPACE).len(),
        _ => 0,
    }
}

fn is_blank(text: &str) -> bool {
    text.chars().all(|c| XML_SPACE.contains(&c))
}

fn attr_error_offset(e: &AttrError) -> usize {
    match *e {
        AttrError::ExpectedEq(at)
        | AttrError::ExpectedValue(at)
        | AttrError::UnquotedValue(at)
        | AttrError::ExpectedQuote(at, _)
        | AttrError::Duplicated(at, _) => at,
    }
}

fn attr_error_kind(e: &AttrError) -> ParseErrorKind {
    ParseErrorKind::Xml { message: e.to_string() }
}

/// What a reference stands for.
enum Resolved {
    Str(&'static str),
    Char(char),
}

/// Resolves a reference (`lt`, `#65`, `#x41`; without `&` and `;`).
fn resolve_reference(reference: &str) -> Result<Resolved, ParseErrorKind> {
    let predefined = match reference {
        "lt" => Some("<"),
        "gt" => Some(">"),
        "amp" => Some("&"),
        "apos" => Some("'"),
        "quot" => Some("\""),
        _ => None,
    };
    if let Some(s) = predefined {
        return Ok(Resolved::Str(s));
    }
    let Some(number) = reference.strip_prefix('#') else {
        return Err(ParseErrorKind::UnknownEntity { name: shorten(reference) });
    };
    let code = match number.strip_prefix('x') {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => u32::from_str_radix(hex, 16).ok(),
        None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => number.parse().ok(),
        _ => None,
    };
    code.and_then(char::from_u32)
        .filter(|&c| is_xml_char(c))
        .map(Resolved::Char)
        .ok_or_else(|| ParseErrorKind::BadCharReference { reference: shorten(reference) })
}

/// Whether XML 1.0 can carry `c` (its `Char` production).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// An attribute value as XML normalises it: each tab, line break (CR LF counts as one) becomes a
/// space, then references are resolved. An error carries its offset inside `raw`.
fn normalize_attribute(raw: &str) -> Result<Cow<'_, str>, (usize, ParseErrorKind)> {
    if !raw.contains(['&', '\t', '\r', '\n']) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(['&', '\t', '\r', '\n']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix('&') {
            let at = raw.len() - tail.len();
            let end = after.find(';').ok_or((at, ParseErrorKind::Xml { message: "& without ;".to_owned() }))?;
            match resolve_reference(&after[..end]).map_err(|kind| (at, kind))? {
                Resolved::Str(s) => out.push_str(s),
                Resolved::Char(c) => out.push(c),
            }
            rest = &after[end + 1..];
        } else {
            out.push(' ');
            rest = tail.strip_prefix("\r\n").unwrap_or(&tail[1..]);
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}
