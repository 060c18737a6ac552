//! Writing results: data to stdout (quietly stopping on a closed pipe), messages to stderr.

use std::io::{self, Write};

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

/// Runs `f` with a buffered, locked stdout and flushes it.
pub fn with_stdout<T>(f: impl FnOnce(&mut dyn Write) -> io::Result<T>) -> Result<T, Stop> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let value = f(&mut out)?;
    out.flush()?;
    Ok(value)
}

/// Prints one line on stderr, ignoring failures (there is nowhere else to report them).
#[allow(clippy::print_stderr)]
pub fn error_line(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}
