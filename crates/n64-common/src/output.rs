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

/// Turns a command's outcome into the process exit code: a closed pipe is a quiet success,
/// any other output error is reported once (prefixed with `program`) and is an error.
pub fn exit_code(program: &str, result: Result<crate::Exit, Stop>) -> std::process::ExitCode {
    match result {
        Ok(exit) => exit.into(),
        Err(Stop::BrokenPipe) => crate::Exit::Ok.into(),
        Err(Stop::Io(e)) => {
            error_line(&format!("{program}: cannot write output: {e}"));
            crate::Exit::Error.into()
        }
    }
}

/// The shells completion scripts can be printed for.
pub use clap_complete::Shell;

/// Prints a shell completion script for `command` (the binary's clap definition).
pub fn completions(mut command: clap::Command, shell: Shell) -> Result<crate::Exit, Stop> {
    let name = command.get_name().to_owned();
    with_stdout(|out| {
        clap_complete::generate(shell, &mut command, name, out);
        Ok(crate::Exit::Ok)
    })
}

/// Prints the man page (roff) of `command`.
pub fn man_page(command: clap::Command) -> Result<crate::Exit, Stop> {
    with_stdout(|out| clap_mangen::Man::new(command).render(out).map(|()| crate::Exit::Ok))
}
