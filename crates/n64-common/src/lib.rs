//! What the `n64` and `n64-fix` binaries share: reading ROM files without surprises, walking
//! collections, the JSON record of a ROM, exit codes and logging.
//!
//! Errors here carry the path; `n64-core` never sees one.

mod exit;
mod failure;
pub mod json;
mod logging;
pub mod output;
mod progress;
mod read;
mod walk;

pub use exit::Exit;
pub use failure::Failure;
pub use logging::{Verbosity, init_logging};
pub use progress::progress_bar;
pub use read::{RomFile, inspect_file, inspect_file_reusing, open_regular, read_prefix};
pub use walk::{Walked, walk};

/// Parses a command-line value with n64-core's `FromStr` (whose errors list the valid values),
/// for clap's `value_parser`.
pub fn parse_arg<T: std::str::FromStr<Err = n64_core::Error>>(s: &str) -> Result<T, String> {
    s.parse().map_err(|e: n64_core::Error| e.to_string())
}
