//! Project automation for n64-tools, run as `cargo xtask <command>`:
//!
//! - `cargo xtask fixtures [--check]`: write (or verify) the synthetic ROM fixtures in
//!   `testdata/` and `testdata/MANIFEST.json`;
//! - `cargo xtask game-db [--check]`: write (or verify) `crates/n64-core/src/game_db/table.rs`
//!   from the game database `crates/n64-core/data/game-db.tsv`;
//! - `cargo xtask ci [--keep-going] [STEP...]`: run the CI steps locally;
//! - `cargo xtask bench [--roms N] [--size-mib M] [--runs K] [--dir DIR] [--keep] [--only GROUP]`:
//!   time the release binaries beside baselines on generated data (see `docs/PERFORMANCE.md`).

pub mod bench;
pub mod ci;
pub mod fixtures;
pub mod game_db;
pub mod oracles;
pub mod package;

use std::path::{Path, PathBuf};

/// The workspace root (the parent of the xtask crate).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// The fixture directory, `testdata/` under the workspace root.
pub fn testdata_dir() -> PathBuf {
    workspace_root().join("testdata")
}
