//! Running the binaries under test: in a cleared environment, killed when they hang.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long one run may take before the test fails: a hang on a FIFO or a device, or a whole
/// read of a huge file, shows as a failure, not a stuck test run.
pub const LIMIT: Duration = Duration::from_mins(1);

/// The outcome of one run.
#[derive(Debug, Clone)]
pub struct Output {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

impl Output {
    /// The stdout lines parsed as JSON.
    ///
    /// # Panics
    ///
    /// On a line that is not JSON.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
    }
}

impl From<std::process::Output> for Output {
    fn from(out: std::process::Output) -> Output {
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// A command for `program` with a cleared environment (no `N64_LOG`, no terminal settings),
/// stdin from `/dev/null` and captured output.
pub fn command(program: &Path) -> Command {
    let mut command = Command::new(program);
    command.env_clear().stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

/// Runs `program` with `args` in a cleared environment; see [`finish`].
pub fn run<S: AsRef<OsStr>>(program: &Path, args: impl IntoIterator<Item = S>) -> Output {
    let mut command = command(program);
    command.args(args);
    finish(&mut command)
}

/// Runs a command to its end, killing it and failing the test after [`LIMIT`].
///
/// # Panics
///
/// When the command cannot start or runs too long.
pub fn finish(command: &mut Command) -> Output {
    let child = command.spawn().unwrap_or_else(|e| panic!("{command:?} does not start: {e}"));
    wait_within(child, LIMIT, &format!("{command:?}"))
}

/// Waits for `child`, killing it and failing the test after `limit`.
///
/// # Panics
///
/// When the child runs longer than `limit`.
pub fn wait_within(mut child: Child, limit: Duration, what: &str) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().ok().flatten().is_some() {
            return child.wait_with_output().expect("output is collected").into();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

impl Output {
    /// The whole outcome as one text, for snapshots: the exit code, then stdout and stderr.
    pub fn transcript(&self) -> String {
        format!("exit: {}\n--- stdout\n{}--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

/// A scratch directory holding a copy of the fixtures in `roms/`, where commands run with
/// relative paths, so that their output is the same on every machine.
#[derive(Debug)]
pub struct Scene {
    dir: tempfile::TempDir,
}

impl Scene {
    /// A fresh copy of the fixtures under `roms/`.
    ///
    /// # Panics
    ///
    /// When the copy fails.
    pub fn with_fixtures() -> Scene {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::create_dir(dir.path().join("roms")).expect("roms/ is created");
        crate::paths::copy_fixtures(&dir.path().join("roms"));
        Scene { dir }
    }

    /// The scene's directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `program` with `args` in the scene's directory, in a cleared environment.
    pub fn run<S: AsRef<OsStr>>(&self, program: &Path, args: impl IntoIterator<Item = S>) -> Output {
        let mut command = command(program);
        command.args(args).current_dir(self.dir.path());
        finish(&mut command)
    }
}
