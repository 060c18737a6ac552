//! Byte offsets to lines and columns, and the warning list both readers fill.

use crate::error::{ParseError, ParseErrorKind, Warning, WarningKind};

/// At most this many warnings are kept; the rest are counted in one last warning.
pub(crate) const MAX_WARNINGS: usize = 1000;

/// The 1-based line and column (in characters) of byte `offset` of `text`. An offset past the end
/// or inside a character is moved back to the nearest character boundary.
pub(crate) fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (saturate(line), saturate(column))
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A [`ParseError`] at byte `offset` of `text`.
pub(crate) fn error_at(text: &str, offset: usize, kind: ParseErrorKind) -> ParseError {
    let (line, column) = line_column(text, offset);
    ParseError { line, column, kind }
}

/// A value as error and warning messages quote it: at most 64 characters.
pub(crate) fn shorten(value: &str) -> String {
    match value.char_indices().nth(64) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

/// Lines and columns for offsets that mostly come in increasing order: each one scans only from
/// the previous one, so positioning many warnings in a large file stays linear.
#[derive(Debug)]
struct Cursor {
    /// A character boundary already positioned.
    offset: usize,
    /// Its 1-based line.
    line: usize,
    /// Its 1-based column.
    column: usize,
}

impl Cursor {
    const START: Cursor = Cursor { offset: 0, line: 1, column: 1 };

    fn line_column(&mut self, text: &str, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        if offset < self.offset {
            *self = Cursor::START;
        }
        let between = &text[self.offset..offset];
        match between.rfind('\n') {
            Some(last) => {
                self.line += between.bytes().filter(|&b| b == b'\n').count();
                self.column = between[last + 1..].chars().count() + 1;
            }
            None => self.column += between.chars().count(),
        }
        self.offset = offset;
        (saturate(self.line), saturate(self.column))
    }
}

/// The warnings of one parse, positioned in one text, at most [`MAX_WARNINGS`] of them.
#[derive(Debug)]
pub(crate) struct Warnings<'a> {
    text: &'a str,
    cursor: Cursor,
    kept: Vec<Warning>,
    dropped: u64,
    first_dropped: usize,
}

impl<'a> Warnings<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let cursor = Cursor::START;
        Warnings { text, cursor, kept: Vec::new(), dropped: 0, first_dropped: 0 }
    }

    /// Records a warning at byte `offset`.
    pub(crate) fn push(&mut self, offset: usize, kind: WarningKind) {
        if self.kept.len() < MAX_WARNINGS {
            let (line, column) = self.cursor.line_column(self.text, offset);
            self.kept.push(Warning { line, column, kind });
        } else {
            if self.dropped == 0 {
                self.first_dropped = offset;
            }
            self.dropped += 1;
        }
    }

    /// The warnings, with a last [`WarningKind::MoreWarnings`] when some were not kept.
    pub(crate) fn finish(mut self) -> Vec<Warning> {
        if self.dropped > 0 {
            let (line, column) = line_column(self.text, self.first_dropped);
            self.kept.push(Warning { line, column, kind: WarningKind::MoreWarnings { count: self.dropped } });
        }
        self.kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let text = "ab\nçd\r\nx";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 2), (1, 3));
        assert_eq!(line_column(text, 3), (2, 1));
        // 'ç' is two bytes, one column.
        assert_eq!(line_column(text, 5), (2, 2));
        assert_eq!(line_column(text, 4), (2, 1), "inside a character: the character's start");
        assert_eq!(line_column(text, 8), (3, 1));
        assert_eq!(line_column(text, 100), (3, 2));
        let mut cursor = Cursor::START;
        for offset in [0, 2, 3, 5, 8, 4, 100, 3] {
            assert_eq!(cursor.line_column(text, offset), line_column(text, offset), "offset {offset}");
        }
    }

    #[test]
    fn long_values_are_cut() {
        assert_eq!(shorten("abc"), "abc");
        let long = "x".repeat(100);
        assert_eq!(shorten(&long).chars().count(), 65);
    }

    #[test]
    fn warnings_beyond_the_cap_are_counted() {
        let mut w = Warnings::new("abc");
        for _ in 0..MAX_WARNINGS + 5 {
            w.push(1, WarningKind::StrayText { within: "game".into() });
        }
        let all = w.finish();
        assert_eq!(all.len(), MAX_WARNINGS + 1);
        assert_eq!(all.last().unwrap().kind, WarningKind::MoreWarnings { count: 5 });
    }
}
