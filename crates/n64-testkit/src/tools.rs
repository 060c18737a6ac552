//! External tools as test oracles (Python's hashlib and zlib, Info-ZIP's `zip`, 7-Zip), found on
//! `PATH`. A missing tool skips the test with a note, except under `CI=true`, where it fails the
//! test: CI must run every oracle.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether this is a CI run (`CI=true`), where a missing oracle is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The first of `names` found on `PATH`.
pub fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| names.iter().map(|n| dir.join(n)).find(|p| p.is_file()))
}

/// The first of `names` found on `PATH`; `None` (with a note on stderr) when there is none,
/// and a panic under `CI=true`. `package` names what to install.
#[allow(clippy::print_stderr, reason = "a skipped test says why")]
pub fn require(names: &[&str], package: &str) -> Option<PathBuf> {
    let found = find(names);
    if found.is_none() {
        assert!(!in_ci(), "CI=true but none of {names:?} is installed (install {package})");
        eprintln!("note: skipped: none of {names:?} is installed (install {package})");
    }
    found
}

/// The 7-Zip command: `7zz` (Debian's 7zip package), `7z` or `7za`.
pub fn seven_zip() -> Option<PathBuf> {
    require(&["7zz", "7z", "7za"], "Debian package 7zip")
}

/// Info-ZIP's `zip`.
pub fn zip() -> Option<PathBuf> {
    require(&["zip"], "Debian package zip")
}

/// Python 3.
pub fn python() -> Option<PathBuf> {
    require(&["python3"], "python3")
}

/// Runs a tool in `dir`, panicking with its output when it fails.
pub fn run_in(dir: &Path, tool: &Path, args: &[&str]) -> String {
    let output = Command::new(tool).args(args).current_dir(dir).output().expect("the tool starts");
    assert!(
        output.status.success(),
        "{} {args:?} failed: {}{}",
        tool.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// CRC32, MD5 and SHA-1 of a file as lower-case hex, computed by Python's zlib and hashlib.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyDigests {
    /// CRC32, 8 hex digits.
    pub crc32: String,
    /// MD5.
    pub md5: String,
    /// SHA-1.
    pub sha1: String,
}

/// The digests of `path` by Python (`None`, after a note, when there is no python3).
pub fn python_digests(path: &Path) -> Option<PyDigests> {
    let python = python()?;
    let script = "import hashlib, sys, zlib\n\
        data = open(sys.argv[1], 'rb').read()\n\
        print('%08x' % (zlib.crc32(data) & 0xffffffff), hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest())";
    let out = Command::new(python).arg("-c").arg(script).arg(path).output().expect("python3 starts");
    assert!(out.status.success(), "python3 failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace().map(str::to_owned);
    Some(PyDigests { crc32: words.next()?, md5: words.next()?, sha1: words.next()? })
}

/// The PyPI packages the tests use as oracles, installed by `cargo xtask oracles` (and by
/// `cargo xtask ci`) into a virtual environment: `python-bps-continued` (BPS), `ips-util` (IPS),
/// `n64img` and `pigment64` (RDP textures), `lz4` (the reference liblz4's raw blocks, for
/// libdragon's compressed assets).
pub const ORACLE_PACKAGES: [&str; 5] = ["python-bps-continued", "ips-util", "n64img", "pigment64", "lz4"];

/// The oracle virtual environment: `$N64_ORACLE_VENV`, else `target/oracle-venv` in the
/// workspace.
pub fn oracle_venv() -> PathBuf {
    std::env::var_os("N64_ORACLE_VENV")
        .map_or_else(|| crate::paths::workspace().join("target/oracle-venv"), PathBuf::from)
}

/// A program of the oracle virtual environment (`bps-apply`, `ips_util`, `python`): `None`, with
/// a note, when it is missing (a panic under `CI=true`: run `cargo xtask oracles`).
#[allow(clippy::print_stderr, reason = "a skipped test says why")]
pub fn oracle(program: &str) -> Option<PathBuf> {
    let path = oracle_venv().join("bin").join(program);
    if path.is_file() {
        return Some(path);
    }
    assert!(!in_ci(), "CI=true but {} is missing (run `cargo xtask oracles`)", path.display());
    eprintln!("note: skipped: {} is missing (run `cargo xtask oracles`)", path.display());
    None
}

/// Debian's `xdelta3`.
pub fn xdelta3() -> Option<PathBuf> {
    require(&["xdelta3"], "Debian package xdelta3")
}
