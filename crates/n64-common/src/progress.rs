//! A progress bar on stderr, shown only where it helps.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar for `len` files, drawn on stderr only when stderr is a terminal and `show` is true
/// (callers pass false for `--quiet`, `--json`, `-v`).
pub fn progress_bar(len: usize, show: bool) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    if show && std::io::stderr().is_terminal() && len > 1 {
        bar.set_draw_target(ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg}")
        {
            bar.set_style(style);
        }
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}
