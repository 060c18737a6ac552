//! What the `n64` and `n64-fix` binaries share: reading ROM files without surprises, walking
//! collections, the JSON record of a ROM, exit codes and logging.
//!
//! Errors here carry the path; `n64-core` never sees one.

mod exit;
mod failure;
pub mod json;
mod logging;
mod progress;
mod read;
mod walk;

pub use exit::Exit;
pub use failure::Failure;
pub use logging::{Verbosity, init_logging};
pub use progress::progress_bar;
pub use read::{RomFile, inspect_file, open_regular, read_prefix};
pub use walk::{Walked, walk};
