//! Exit codes, shared by both binaries and documented in the README.

use std::process::ExitCode;

/// The outcome of a whole run. The worst outcome of any file wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Exit {
    /// 0: everything asked for is as it should be.
    #[default]
    Ok,
    /// 1: a problem was found (an invalid check code, trailing bytes, a file skipped, a change a
    /// dry run would make).
    Problems,
    /// 2: an error occurred (unreadable or non-ROM input, a failed write, bad usage).
    Error,
    /// 130: interrupted (Ctrl-C); what was done is reported.
    Interrupted,
}

impl Exit {
    /// Combines two outcomes, keeping the worse.
    #[must_use]
    pub fn and(self, other: Exit) -> Exit {
        self.max(other)
    }

    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Problems => 1,
            Exit::Error => 2,
            Exit::Interrupted => 130,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}
