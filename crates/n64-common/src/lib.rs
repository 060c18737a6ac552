//! The command-line glue both binaries share, and nothing a library user would want: clap value
//! parsers, the batch runner, the JSON records, output and exit codes, progress, verbosity and
//! logging, completion scripts and man pages. Files are read and written through `n64-io`.

mod alloc;
pub mod args;
pub mod batch;
mod describe;
mod docs;
mod exit;
mod failure;
mod logging;
pub mod output;
mod progress;
pub mod records;
mod whole_file;

pub use alloc::HugePageHint;
pub use describe::{cic_decision, detection, order_decision, order_source_text};
pub use docs::{DocCommand, completion_script, man_page};
pub use exit::Exit;
pub use failure::{Failure, FailureKind, count};
pub use logging::{Verbosity, init_logging};
pub use progress::progress_bar;
pub use whole_file::{read_whole, read_whole_rom};

/// The shells completion scripts can be printed for.
pub use clap_complete::Shell;
