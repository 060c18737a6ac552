//! The `ipl3checksum` baseline of `cargo xtask bench`: the Python venv it is installed in, the
//! one-process driver script, and helpers for the output of Python tools.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::Layout;

/// Does per file exactly what `python -m ipl3checksum check -k KIND ROM` does (the `check`
/// frontend's `processArguments`: read the whole file, then `doCheck`), in one process.
pub(super) const DRIVER: &str = r"import sys
from pathlib import Path

from ipl3checksum.frontends.check import doCheck

kind = sys.argv[1]
failed = 0
for path in sys.argv[2:]:
    if doCheck(Path(path).read_bytes(), kind) != 0:
        failed += 1
sys.exit(1 if failed else 0)
";

/// The venv's python with `ipl3checksum` importable, creating the venv when needed.
pub(super) fn prepare_venv(layout: &Layout) -> Result<PathBuf, String> {
    let python = layout.venv.join("bin").join("python");
    let importable = |python: &Path| {
        Command::new(python)
            .args(["-c", "import ipl3checksum.frontends.check"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if python.exists() && importable(&python) {
        return Ok(python);
    }
    if !python.exists() {
        eprintln!("bench: creating a venv in {}", layout.venv.display());
        let output = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&layout.venv)
            .output()
            .map_err(|e| format!("python3 -m venv: {e}"))?;
        if !output.status.success() {
            return Err(format!("python3 -m venv failed: {}", last_line(&output.stderr)));
        }
    }
    eprintln!("bench: pip install ipl3checksum");
    let output = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "ipl3checksum"])
        .output()
        .map_err(|e| format!("pip install ipl3checksum: {e}"))?;
    if !output.status.success() {
        return Err(format!("pip install ipl3checksum failed: {}", last_line(&output.stderr)));
    }
    if importable(&python) {
        Ok(python)
    } else {
        Err("ipl3checksum installed but `import ipl3checksum.frontends.check` fails".to_owned())
    }
}

/// The last non-blank line of a tool's output, trimmed (the gist of a Python traceback).
pub(super) fn last_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).lines().rfind(|l| !l.trim().is_empty()).unwrap_or("").trim().to_owned()
}
