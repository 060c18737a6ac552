//! Writing results: data to stdout (JSON lines or text, quietly stopping on a closed pipe),
//! messages to stderr, completion scripts and man pages.

use std::io::{self, Write};

use serde::Serialize;

use crate::records::ErrorRecord;
use crate::{Exit, Failure};

/// Why output stopped.
#[derive(Debug)]
pub enum Stop {
    /// The reader went away (`n64 scan DIR | head`): stop quietly.
    BrokenPipe,
    /// Any other write error.
    Io(io::Error),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Stop {
        if e.kind() == io::ErrorKind::BrokenPipe { Stop::BrokenPipe } else { Stop::Io(e) }
    }
}

impl From<serde_json::Error> for Stop {
    fn from(e: serde_json::Error) -> Stop {
        Stop::from(io::Error::from(e))
    }
}

/// What stdout carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Human text: lines, and tables aligned when complete.
    #[default]
    Text,
    /// JSON lines, one record each.
    Json,
    /// Comma-separated values: a header row, then one row per record.
    Csv,
}

/// The output of one run: records as JSON lines, text or CSV on stdout, one-line errors on
/// stderr.
#[derive(Debug)]
pub struct Printer {
    program: &'static str,
    format: Format,
    out: io::BufWriter<io::StdoutLock<'static>>,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Text lines that come after a table (it is printed whole, aligned, at the end).
    after_table: Vec<String>,
}

impl Printer {
    /// A printer for `program` (the prefix of error lines).
    pub fn new(program: &'static str, format: Format) -> Printer {
        Printer {
            program,
            format,
            out: io::BufWriter::new(io::stdout().lock()),
            columns: Vec::new(),
            rows: Vec::new(),
            after_table: Vec::new(),
        }
    }

    /// What stdout carries.
    pub fn format(&self) -> Format {
        self.format
    }

    /// One JSON record on a line (JSON only; nothing otherwise).
    pub fn record(&mut self, record: &impl Serialize) -> Result<(), Stop> {
        if self.format == Format::Json {
            serde_json::to_writer(&mut self.out, record)?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Human text (text only; after the table, when there is one).
    pub fn text(&mut self, text: &str) -> Result<(), Stop> {
        if self.format == Format::Text {
            if self.columns.is_empty() {
                self.out.write_all(text.as_bytes())?;
            } else {
                self.after_table.push(text.to_owned());
            }
        }
        Ok(())
    }

    /// One line of human text (text only; after the table, when there is one).
    pub fn line(&mut self, line: impl std::fmt::Display) -> Result<(), Stop> {
        self.text(&format!("{line}\n"))
    }

    /// The columns of the table (text: upper-case header, printed with the rows; CSV: the
    /// header row, printed now).
    pub fn columns(&mut self, names: &[&str]) -> Result<(), Stop> {
        self.columns = names.iter().map(|n| (*n).to_owned()).collect();
        if self.format == Format::Csv {
            writeln!(self.out, "{}", names.join(","))?;
        }
        Ok(())
    }

    /// One table row (text: kept until the table is complete, then aligned; CSV: now).
    pub fn row(&mut self, cells: Vec<String>) -> Result<(), Stop> {
        match self.format {
            Format::Csv => {
                let fields: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
                writeln!(self.out, "{}", fields.join(","))?;
            }
            Format::Text => self.rows.push(cells),
            Format::Json => {}
        }
        Ok(())
    }

    /// A failure: one line on stderr always, and an error record in JSON.
    pub fn failure(&mut self, failure: &Failure) -> Result<(), Stop> {
        self.record(&ErrorRecord::new(failure))?;
        self.out.flush()?;
        error_line(&format!("{}: {failure}", self.program));
        Ok(())
    }

    /// A warning on stderr (not an error: the exit code is the caller's).
    pub fn warning(&mut self, text: impl std::fmt::Display) -> Result<(), Stop> {
        self.out.flush()?;
        error_line(&format!("{}: warning: {text}", self.program));
        Ok(())
    }

    /// Prints what is pending (the table, then the lines that follow it) and flushes stdout.
    pub fn finish(mut self) -> Result<(), Stop> {
        self.flush_table()?;
        for text in std::mem::take(&mut self.after_table) {
            self.out.write_all(text.as_bytes())?;
        }
        self.out.flush()?;
        Ok(())
    }

    /// Prints the kept rows as an aligned table under the column header.
    fn flush_table(&mut self) -> Result<(), Stop> {
        if self.format != Format::Text || self.columns.is_empty() {
            return Ok(());
        }
        let header: Vec<String> = std::mem::take(&mut self.columns).iter().map(|c| c.to_uppercase()).collect();
        let mut rows = std::mem::take(&mut self.rows);
        rows.insert(0, header);
        for line in align(&rows) {
            writeln!(self.out, "{line}")?;
        }
        Ok(())
    }
}

/// The rows of a table as lines, each column padded to its widest cell and two spaces between
/// columns, without trailing spaces.
///
/// ```
/// let rows = [vec!["A".to_owned(), "B".to_owned()], vec!["long".to_owned(), "x".to_owned()]];
/// assert_eq!(n64_common::output::align(&rows), ["A     B", "long  x"]);
/// ```
pub fn align(rows: &[Vec<String>]) -> Vec<String> {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let width = cell.chars().count();
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(width),
                None => widths.push(width),
            }
        }
    }
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, &w)| format!("{cell:<w$}")).collect();
            cells.join("  ").trim_end().to_owned()
        })
        .collect()
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// Prints one line on stderr, ignoring failures (there is nowhere else to report them).
#[allow(clippy::print_stderr)]
pub fn error_line(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Turns a command's outcome into the process exit code: a closed pipe is a quiet success,
/// any other output error is reported once (prefixed with `program`) and is an error.
pub fn exit_code(program: &str, result: Result<Exit, Stop>) -> std::process::ExitCode {
    match result {
        Ok(exit) => exit.into(),
        Err(Stop::BrokenPipe) => Exit::Ok.into(),
        Err(Stop::Io(e)) => {
            error_line(&format!("{program}: cannot write output: {e}"));
            Exit::Error.into()
        }
    }
}

/// Runs `f` with a buffered, locked stdout and flushes it.
pub fn with_stdout<T>(f: impl FnOnce(&mut dyn Write) -> io::Result<T>) -> Result<T, Stop> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let value = f(&mut out)?;
    out.flush()?;
    Ok(value)
}
