//! Where the workspace keeps what tests read.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// The committed fixtures, `testdata/`.
pub fn testdata() -> PathBuf {
    workspace().join("testdata")
}

/// The fixture manifest, `testdata/MANIFEST.json` (expected values from outside n64-core).
///
/// # Panics
///
/// When the manifest is missing or not JSON.
pub fn manifest() -> serde_json::Value {
    let text = std::fs::read_to_string(testdata().join("MANIFEST.json")).expect("testdata/MANIFEST.json exists");
    serde_json::from_str(&text).expect("the manifest is JSON")
}

/// The fixture files of the manifest, as (name, expectations), sorted by name.
///
/// # Panics
///
/// When the manifest has no files map.
pub fn fixtures() -> Vec<(String, serde_json::Value)> {
    manifest()["files"].as_object().expect("files map").iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Copies the fixtures (every file of `testdata/` but the manifest) into `dir`.
///
/// # Panics
///
/// When a copy fails.
pub fn copy_fixtures(dir: &Path) {
    for (name, _) in fixtures() {
        std::fs::copy(testdata().join(&name), dir.join(&name)).unwrap_or_else(|e| panic!("copying {name}: {e}"));
    }
}

/// Real ROMs from public repositories, when `N64_ROM_DIR` names a folder of them (`.ci/run`
/// points it at `../shared/data/roms` when that exists); says so on stderr when it does not.
pub fn real_rom_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("N64_ROM_DIR").map(PathBuf::from);
    if dir.is_none() {
        eprintln!("note: skipped: N64_ROM_DIR is not set");
    }
    dir
}
