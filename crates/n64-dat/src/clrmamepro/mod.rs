//! The clrmamepro text reader: a header block (`clrmamepro`, `emulator` or `romvault`) and game
//! blocks (`game`, `machine` or `resource`), each `keyword ( key value … )`, with optional
//! `BEGIN`/`END` markers around them.
//!
//! A value is a bare word or a quoted string; a key may instead open a nested block (`rom ( … )`).
//! A key directly followed by `)` is a flag: `baddump`, `nodump`, `verified` or `good` there set
//! a rom's status. Blocks nest at most [`MAX_DEPTH`] levels.

mod lexer;

use std::borrow::Cow;

use crate::error::{ParseError, ParseErrorKind, Warning, WarningKind};
use crate::fields::{FieldKind, GameDraft, HeaderDraft, Outcome, RomDraft};
use crate::model::{Dat, DumpStatus, Game, Rom};
use crate::position::{Warnings, error_at, shorten};
use lexer::{Lexer, Spanned, Token};

/// How deep blocks may nest.
pub(crate) const MAX_DEPTH: usize = 32;

/// Reads a clrmamepro file (already known to be UTF-8, without its byte order mark).
pub(crate) fn read(text: &str) -> Result<(Dat, Vec<Warning>), ParseError> {
    let mut reader = CmpReader { lexer: Lexer::new(text), warnings: Warnings::new(text) };
    let dat = reader.file()?;
    Ok((dat, reader.warnings.finish()))
}

/// One entry of a block.
enum Entry<'a> {
    /// `key value`.
    Value { at: usize, key: &'a str, value_at: usize, value: Cow<'a, str> },
    /// `key ( … )`, its `(` consumed.
    Block { at: usize, key: &'a str, open_at: usize },
    /// `key` directly before the block's `)`.
    Flag { at: usize, key: &'a str },
}

struct CmpReader<'a> {
    lexer: Lexer<'a>,
    warnings: Warnings<'a>,
}

impl<'a> CmpReader<'a> {
    fn error(&self, at: usize, kind: ParseErrorKind) -> ParseError {
        error_at(self.lexer.text(), at, kind)
    }

    fn next(&mut self) -> Result<Spanned<'a>, ParseError> {
        self.lexer.next_token()
    }

    fn warn_unknown(&mut self, at: usize, field: &str, within: &str) {
        self.warnings.push(at, WarningKind::UnknownField { field: shorten(field), within: within.to_owned() });
    }

    /// Records an outcome's warning: about the value when the value is odd, else about the key.
    fn outcome(&mut self, key_at: usize, value_at: usize, outcome: Outcome) {
        if let Outcome::Warn(kind) = outcome {
            let at = match kind {
                WarningKind::UnknownStatus { .. } | WarningKind::UnknownMia { .. } => value_at,
                _ => key_at,
            };
            self.warnings.push(at, kind);
        }
    }

    fn file(&mut self) -> Result<Dat, ParseError> {
        let mut header = HeaderDraft::default();
        let mut header_seen = false;
        let mut games = Vec::new();
        loop {
            let Spanned { at, token, .. } = self.next()?;
            let keyword = match token {
                Token::End => break,
                Token::Word(w) if w.eq_ignore_ascii_case("BEGIN") || w.eq_ignore_ascii_case("END") => continue,
                Token::Word(w) => w,
                other => return Err(self.unexpected(at, &other)),
            };
            let open = self.next()?;
            if open.token != Token::Open {
                return Err(self.error(open.at, ParseErrorKind::ExpectedBlock { keyword: shorten(keyword) }));
            }
            let lower = keyword.to_ascii_lowercase();
            match lower.as_str() {
                "clrmamepro" | "emulator" | "romvault" => {
                    if header_seen {
                        self.warnings.push(at, WarningKind::Repeated { field: lower.clone(), within: "file".into() });
                    }
                    header_seen = true;
                    self.header(open.at, &mut header)?;
                }
                "game" | "machine" | "resource" => games.push(self.game(at, open.at)?),
                _ => {
                    self.warn_unknown(at, keyword, "file");
                    self.skip(open.at, 0)?;
                }
            }
        }
        Ok(Dat { header: header.header, games })
    }

    fn unexpected(&self, at: usize, token: &Token<'_>) -> ParseError {
        let kind = match token {
            Token::Close => ParseErrorKind::UnexpectedClose,
            Token::Open => ParseErrorKind::UnexpectedToken { found: "(".to_owned() },
            Token::Quoted(s) => ParseErrorKind::UnexpectedToken { found: format!("{:?}", shorten(s)) },
            Token::Word(w) => ParseErrorKind::UnexpectedToken { found: shorten(w) },
            Token::End => ParseErrorKind::UnexpectedToken { found: "end of file".to_owned() },
        };
        self.error(at, kind)
    }

    /// The next entry of the block opened at `open_at`, or `None` at its `)`.
    fn entry(&mut self, open_at: usize) -> Result<Option<Entry<'a>>, ParseError> {
        let Spanned { at, token, .. } = self.next()?;
        let key = match token {
            Token::Close => return Ok(None),
            Token::End => return Err(self.error(open_at, ParseErrorKind::UnclosedParen)),
            Token::Word(w) => w,
            other => return Err(self.unexpected(at, &other)),
        };
        let after = self.lexer.peek()?;
        let entry = match after.token {
            Token::Open => Entry::Block { at, key, open_at: after.at },
            Token::Close => return Ok(Some(Entry::Flag { at, key })),
            Token::Word(w) => Entry::Value { at, key, value_at: after.value_at, value: Cow::Borrowed(w) },
            Token::Quoted(value) => Entry::Value { at, key, value_at: after.value_at, value },
            Token::End => return Err(self.error(open_at, ParseErrorKind::UnclosedParen)),
        };
        self.next()?;
        Ok(Some(entry))
    }

    fn header(&mut self, open_at: usize, header: &mut HeaderDraft) -> Result<(), ParseError> {
        while let Some(entry) = self.entry(open_at)? {
            match entry {
                Entry::Value { at, key, value_at, value } => match HeaderDraft::kind(key) {
                    FieldKind::Read => {
                        let outcome = header.apply(key, &value);
                        self.outcome(at, value_at, outcome);
                    }
                    FieldKind::Ignored => {}
                    FieldKind::Unknown => self.warn_unknown(at, key, "header"),
                },
                Entry::Block { at, key, open_at } => {
                    self.valueless(at, key, HeaderDraft::kind(key), "header")?;
                    self.skip(open_at, 1)?;
                }
                Entry::Flag { at, key } => self.valueless(at, key, HeaderDraft::kind(key), "header")?,
            }
        }
        Ok(())
    }

    fn game(&mut self, start: usize, open_at: usize) -> Result<Game, ParseError> {
        let mut game = GameDraft::default();
        let mut roms = Vec::new();
        while let Some(entry) = self.entry(open_at)? {
            match entry {
                Entry::Value { at, key, .. } if key.eq_ignore_ascii_case("rom") => {
                    return Err(self.error(at, ParseErrorKind::ExpectedBlock { keyword: key.to_owned() }));
                }
                Entry::Value { at, key, value_at, value } => match GameDraft::kind(key) {
                    FieldKind::Read => {
                        let outcome = game.apply(key, &value);
                        self.outcome(at, value_at, outcome);
                    }
                    FieldKind::Ignored => {}
                    FieldKind::Unknown => self.warn_unknown(at, key, "game"),
                },
                Entry::Block { at, key, open_at } if key.eq_ignore_ascii_case("rom") => {
                    roms.push(self.rom(at, open_at)?);
                }
                Entry::Block { at, key, open_at } => {
                    self.valueless(at, key, GameDraft::kind(key), "game")?;
                    self.skip(open_at, 1)?;
                }
                Entry::Flag { at, key } => self.valueless(at, key, GameDraft::kind(key), "game")?,
            }
        }
        if !game.has_name() {
            return Err(self.error(start, ParseErrorKind::MissingName { element: "game" }));
        }
        game.game.roms = roms;
        Ok(game.game)
    }

    fn rom(&mut self, start: usize, open_at: usize) -> Result<Rom, ParseError> {
        let mut rom = RomDraft::default();
        while let Some(entry) = self.entry(open_at)? {
            match entry {
                Entry::Value { at, key, value_at, value } => match RomDraft::kind(key) {
                    FieldKind::Read => {
                        let outcome = rom.apply(key, &value).map_err(|kind| self.error(value_at, kind))?;
                        self.outcome(at, value_at, outcome);
                    }
                    FieldKind::Ignored => {}
                    FieldKind::Unknown => self.warn_unknown(at, key, "rom"),
                },
                Entry::Block { at, key, open_at } => {
                    self.valueless(at, key, RomDraft::kind(key), "rom")?;
                    self.skip(open_at, 2)?;
                }
                Entry::Flag { at, key } if DumpStatus::from_name(key).is_some() => {
                    let outcome = rom.apply("status", key).map_err(|kind| self.error(at, kind))?;
                    self.outcome(at, at, outcome);
                }
                Entry::Flag { at, key } => self.valueless(at, key, RomDraft::kind(key), "rom")?,
            }
        }
        if !rom.has_name() {
            return Err(self.error(start, ParseErrorKind::MissingName { element: "rom" }));
        }
        Ok(rom.rom)
    }

    /// A key without a value (a flag, or a key opening a nested block): an error when the key
    /// takes a value, a warning when it is unknown.
    fn valueless(&mut self, at: usize, key: &str, kind: FieldKind, within: &str) -> Result<(), ParseError> {
        match kind {
            FieldKind::Read => Err(self.error(at, ParseErrorKind::ExpectedValue { key: shorten(key) })),
            FieldKind::Ignored => Ok(()),
            FieldKind::Unknown => {
                self.warn_unknown(at, key, within);
                Ok(())
            }
        }
    }

    /// Skips the rest of the block opened at `open_at`, inside `depth` other blocks.
    fn skip(&mut self, open_at: usize, depth: usize) -> Result<(), ParseError> {
        let mut opened = vec![open_at];
        while let Some(&innermost) = opened.last() {
            let Spanned { at, token, .. } = self.next()?;
            match token {
                Token::Open => {
                    if depth + opened.len() + 1 > MAX_DEPTH {
                        return Err(self.error(at, ParseErrorKind::TooDeep { limit: MAX_DEPTH }));
                    }
                    opened.push(at);
                }
                Token::Close => {
                    opened.pop();
                }
                Token::End => return Err(self.error(innermost, ParseErrorKind::UnclosedParen)),
                Token::Word(_) | Token::Quoted(_) => {}
            }
        }
        Ok(())
    }
}
