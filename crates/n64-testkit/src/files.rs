//! Snapshots of a directory tree: proving that a run changed no file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// What is kept of one file: its content and modification time.
pub type FileState = (Vec<u8>, SystemTime);

/// Content and modification time of every file under `root` (recursively, not following
/// links). Files that cannot be read (mode 000) are recorded with empty content.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, FileState> {
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
                let bytes = std::fs::read(&path).unwrap_or_default();
                map.insert(path, (bytes, meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
            }
        }
    }
    map
}

/// Runs `f` and asserts that no file under `root` changed, in content or modification time,
/// and that none appeared or vanished.
///
/// # Panics
///
/// When a file changed, appeared or vanished.
pub fn unchanged<T>(root: &Path, f: impl FnOnce() -> T) -> T {
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

/// Every file under `dir` (recursively), relative, sorted.
pub fn tree(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir).into_keys().map(|p| p.strip_prefix(dir).map(Path::to_path_buf).unwrap_or(p)).collect()
}

/// Sets a file's modification time to a fixed time in the past, so an unwanted rewrite shows.
///
/// # Panics
///
/// When the file cannot be opened for writing.
pub fn age(path: &Path) -> SystemTime {
    let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    std::fs::File::options().write(true).open(path).expect("file opens").set_modified(when).expect("mtime set");
    when
}

/// A file's modification time.
///
/// # Panics
///
/// When the file is missing.
pub fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).expect("file exists").modified().expect("mtime")
}

/// A 64-bit fingerprint of some bytes, to compare contents without keeping them.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}
