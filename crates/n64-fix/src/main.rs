//! `n64-fix`: repair and normalise Nintendo 64 ROM files, writing every change atomically.

use std::process::ExitCode;

fn main() -> ExitCode {
    n64_fix::main()
}
