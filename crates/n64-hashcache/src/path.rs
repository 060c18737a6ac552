//! Where the cache database lives by default.

use std::ffi::OsString;
use std::path::PathBuf;

/// The environment variable naming the cache directory.
pub(crate) const ENV_VAR: &str = "N64_CACHE";

/// The file name of the database inside the cache directory.
pub(crate) const FILE_NAME: &str = "hashes.sqlite3";

/// The database path from the value of `N64_CACHE` and the platform's cache directory: the
/// variable wins when set and not empty.
pub(crate) fn path_from(env_value: Option<OsString>, cache_dir: Option<PathBuf>) -> Option<PathBuf> {
    match env_value {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir).join(FILE_NAME)),
        _ => cache_dir.map(|dir| dir.join("n64-tools").join(FILE_NAME)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_wins() {
        assert_eq!(
            path_from(Some("/srv/cache".into()), Some("/home/u/.cache".into())),
            Some(PathBuf::from("/srv/cache/hashes.sqlite3"))
        );
    }

    #[test]
    fn the_platform_directory_otherwise() {
        assert_eq!(
            path_from(None, Some("/home/u/.cache".into())),
            Some(PathBuf::from("/home/u/.cache/n64-tools/hashes.sqlite3"))
        );
        assert_eq!(
            path_from(Some(OsString::new()), Some("/home/u/.cache".into())),
            Some(PathBuf::from("/home/u/.cache/n64-tools/hashes.sqlite3"))
        );
    }

    #[test]
    fn none_without_either() {
        assert_eq!(path_from(None, None), None);
        assert_eq!(path_from(Some(OsString::new()), None), None);
    }
}
