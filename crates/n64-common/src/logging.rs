//! Logging to stderr through `tracing`, filtered by `-v`/`-q` or the `N64_LOG` variable.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// How chatty the binary should be: the global `-v`/`-q` flags both binaries share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::Args)]
pub struct Verbosity {
    /// More log output on stderr (-v info, -vv debug). N64_LOG overrides, e.g. N64_LOG=debug.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, overrides_with = "quiet")]
    pub verbose: u8,
    /// Less output: only problems and changes, no progress bar.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, overrides_with = "verbose")]
    pub quiet: u8,
}

impl Verbosity {
    /// Whether `-q` was given.
    pub fn is_quiet(self) -> bool {
        self.quiet > 0
    }

    /// Whether a progress bar may be drawn (neither `-q`, nor `-v` whose log lines it would garble).
    pub fn allows_progress(self) -> bool {
        self.quiet == 0 && self.verbose == 0
    }

    /// The log level these flags select: `warn` by default, `info`/`debug`/`trace` with more
    /// `-v`, `error` with `-q`, nothing with `-qq`.
    pub fn level(self) -> &'static str {
        match (self.verbose, self.quiet) {
            (0, 0) => "warn",
            (1, _) => "info",
            (2, _) => "debug",
            (v, _) if v > 2 => "trace",
            (_, 1) => "error",
            _ => "off",
        }
    }
}

/// Installs the subscriber. `N64_LOG` (full `EnvFilter` syntax, e.g. `n64_core=debug`)
/// overrides the flags; an invalid value falls back to the flags with a warning.
pub fn init_logging(verbosity: Verbosity) {
    let level = verbosity.level();
    let default = || EnvFilter::new(level);
    let (filter, bad) = match std::env::var("N64_LOG") {
        Ok(spec) => match EnvFilter::try_new(&spec) {
            Ok(filter) => (filter, None),
            Err(e) => (default(), Some(format!("ignoring N64_LOG={spec:?}: {e}"))),
        },
        Err(_) => (default(), None),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .without_time()
        .try_init();
    if let Some(message) = bad {
        tracing::warn!("{message}");
    }
}
