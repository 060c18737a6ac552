//! The tokens of clrmamepro text: `(`, `)`, bare words and quoted strings, separated by white
//! space (space, tab, CR, LF, VT, FF).
//!
//! A quoted string may hold spaces and parentheses and must end on its line; inside it a
//! backslash makes the next character literal (`\"` is a quote, `\\` a backslash), as ckmame
//! reads it. A bare word runs up to white space, a parenthesis or a quote.

use std::borrow::Cow;

use crate::error::{ParseError, ParseErrorKind};
use crate::position::error_at;
use crate::sniff::is_space;

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    Open,
    Close,
    Word(&'a str),
    Quoted(Cow<'a, str>),
    End,
}

/// A token and where it starts; for a quoted string, `value_at` is where its content starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spanned<'a> {
    pub(crate) at: usize,
    pub(crate) value_at: usize,
    pub(crate) token: Token<'a>,
}

#[derive(Debug, Clone)]
pub(crate) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Lexer { text, pos: 0 }
    }

    /// The text being read.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// The next token, without consuming it.
    pub(crate) fn peek(&self) -> Result<Spanned<'a>, ParseError> {
        self.clone().next_token()
    }

    /// The next token.
    pub(crate) fn next_token(&mut self) -> Result<Spanned<'a>, ParseError> {
        let bytes = self.text.as_bytes();
        while bytes.get(self.pos).is_some_and(|&b| is_space(b)) {
            self.pos += 1;
        }
        let at = self.pos;
        let spanned = |token| Spanned { at, value_at: at, token };
        let Some(&first) = bytes.get(at) else {
            return Ok(spanned(Token::End));
        };
        match first {
            b'(' => {
                self.pos += 1;
                Ok(spanned(Token::Open))
            }
            b')' => {
                self.pos += 1;
                Ok(spanned(Token::Close))
            }
            b'"' => {
                let value = self.quoted(at)?;
                Ok(Spanned { at, value_at: at + 1, token: Token::Quoted(value) })
            }
            _ => {
                let len = bytes[at..]
                    .iter()
                    .position(|&b| is_space(b) || matches!(b, b'(' | b')' | b'"'))
                    .unwrap_or(bytes.len() - at);
                self.pos = at + len;
                // The word ends at an ASCII byte or at the end, so it is a whole string.
                Ok(spanned(Token::Word(self.text.get(at..at + len).unwrap_or_default())))
            }
        }
    }

    /// The quoted string opening at `at`, unescaped.
    fn quoted(&mut self, at: usize) -> Result<Cow<'a, str>, ParseError> {
        let bytes = self.text.as_bytes();
        let start = at + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            match bytes.get(i) {
                None | Some(b'\n') => return Err(error_at(self.text, at, ParseErrorKind::UnterminatedString)),
                Some(b'\\') => {
                    escaped = true;
                    // Skip the escaped character, unless it is the line's end.
                    i += if bytes.get(i + 1).is_some_and(|&b| b != b'\n') { 2 } else { 1 };
                }
                Some(b'"') => break,
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        // Both ends are ASCII bytes (the quotes), so the content is a whole string; an escaped
        // byte may start a multi-byte character, whose continuation bytes are then plain.
        let raw = self.text.get(start..i).unwrap_or_default();
        if !escaped {
            return Ok(Cow::Borrowed(raw));
        }
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                out.push(chars.next().unwrap_or('\\'));
            } else {
                out.push(c);
            }
        }
        Ok(Cow::Owned(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Result<Vec<Token<'_>>, ParseError> {
        let mut lexer = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            let t = lexer.next_token()?.token;
            if t == Token::End {
                return Ok(out);
            }
            out.push(t);
        }
    }

    #[test]
    fn words_strings_and_parentheses() {
        let t = tokens("rom ( name \"A (B) C.z64\" size 0x10 )").unwrap();
        assert_eq!(
            t,
            [
                Token::Word("rom"),
                Token::Open,
                Token::Word("name"),
                Token::Quoted("A (B) C.z64".into()),
                Token::Word("size"),
                Token::Word("0x10"),
                Token::Close
            ]
        );
        assert_eq!(tokens("a(b)\"c\"d").unwrap().len(), 6);
        assert_eq!(tokens("\u{b}x\u{c}y").unwrap(), [Token::Word("x"), Token::Word("y")]);
    }

    #[test]
    fn backslash_escapes_the_next_character() {
        assert_eq!(tokens(r#""say \"hi\" \\ \é""#).unwrap(), [Token::Quoted(r#"say "hi" \ é"#.into())]);
    }

    #[test]
    fn a_string_must_end_on_its_line() {
        let e = tokens("x\n  \"abc\ndef\"").unwrap_err();
        assert_eq!((e.line, e.column, e.kind), (2, 3, ParseErrorKind::UnterminatedString));
        let e = tokens("\"abc\\\n\"").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(tokens("\"abc\\").is_err());
        assert!(tokens("\"").is_err());
    }
}
