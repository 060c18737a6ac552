//! Shared helpers: running the binary, fixtures, snapshots of files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

/// The workspace's committed fixtures.
pub(crate) fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// The manifest describing the fixtures (expected values from outside n64-core).
pub(crate) fn manifest() -> serde_json::Value {
    let text = std::fs::read_to_string(testdata().join("MANIFEST.json")).expect("testdata/MANIFEST.json exists");
    serde_json::from_str(&text).expect("manifest is JSON")
}

/// The result of one run.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    /// The stdout lines parsed as JSON.
    pub(crate) fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
    }
}

/// Runs `n64` with `args` in a clean environment.
pub(crate) fn n64<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_n64")).args(args).env_remove("N64_LOG").output().expect("n64 runs").into()
}

/// Content and modification time of every file under `root` (recursively, not following links).
pub(crate) fn snapshot(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut map = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                map.insert(path, (bytes, meta.modified().unwrap()));
            }
        }
    }
    map
}

/// Runs `f` and asserts that no file under `root` changed, in content or modification time.
pub(crate) fn unchanged<T>(root: &Path, f: impl FnOnce() -> T) -> T {
    let before = snapshot(root);
    let value = f();
    let after = snapshot(root);
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "files appeared or vanished");
    for (path, (bytes, mtime)) in &before {
        let (bytes_after, mtime_after) = &after[path];
        assert!(bytes == bytes_after, "{} changed", path.display());
        assert_eq!(mtime, mtime_after, "{} was touched", path.display());
    }
    value
}

/// Converts big-endian bytes to a byte order (independent of n64-core).
pub(crate) fn to_order(be: &[u8], order: &str) -> Vec<u8> {
    let mut out = be.to_vec();
    match order {
        "z64" => {}
        "v64" => out.chunks_exact_mut(2).for_each(<[u8]>::reverse),
        "n64" => out.chunks_exact_mut(4).for_each(<[u8]>::reverse),
        other => panic!("unknown order {other}"),
    }
    out
}

/// A big-endian ROM with the z64 magic, an unknown boot code and a patterned body.
pub(crate) fn synthetic_rom(len: usize, title: &str, seed: u8) -> Vec<u8> {
    let mut rom: Vec<u8> = (0..len).map(|i| (i.to_le_bytes()[0]).wrapping_mul(31).wrapping_add(seed)).collect();
    rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
    rom[0x20..0x34].fill(b' ');
    rom[0x20..0x20 + title.len()].copy_from_slice(title.as_bytes());
    rom[0x3B..0x3F].copy_from_slice(b"NTSE");
    rom
}

/// The fixture files of the manifest, as (name, expectations).
pub(crate) fn fixtures() -> Vec<(String, serde_json::Value)> {
    manifest()["files"].as_object().expect("files map").iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}
