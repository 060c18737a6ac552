//! The one error type: what is wrong with the cache database, and where it is.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// Why the cache could not be opened, read or written. Every variant names the database file.
///
/// A caller that only wants digests treats any of these as "no cache": warn once and hash the
/// files. None of them means a digest is wrong.
///
/// ```
/// use std::path::PathBuf;
/// use n64_hashcache::CacheError;
/// let error = CacheError::Corrupt { path: PathBuf::from("/tmp/hashes.sqlite3"), source: None };
/// assert_eq!(error.to_string(), "hash cache /tmp/hashes.sqlite3: not a hash cache database or corrupt");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// The directory that should hold the database cannot be created.
    #[error("hash cache {}: cannot create the directory: {source}", path.display())]
    CreateDir {
        /// The database file.
        path: PathBuf,
        /// Why `create_dir_all` failed.
        source: io::Error,
    },
    /// The database file cannot be opened at all (it is a directory, or the directory forbids
    /// creating it).
    #[error("hash cache {}: cannot open the database file", path.display())]
    CannotOpen {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The file is not an SQLite database, is damaged, or is some other program's database.
    #[error("hash cache {}: not a hash cache database or corrupt", path.display())]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What SQLite said, when it was SQLite that noticed.
        source: Option<rusqlite::Error>,
    },
    /// Another connection held the write lock for longer than the busy timeout.
    #[error("hash cache {}: locked by another process (waited {timeout:?})", path.display())]
    Busy {
        /// The database file.
        path: PathBuf,
        /// How long this connection waited.
        timeout: Duration,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The database (or its directory, which must take the `-wal` and `-shm` files) cannot be
    /// written.
    #[error("hash cache {}: read-only database or directory", path.display())]
    ReadOnly {
        /// The database file.
        path: PathBuf,
    },
    /// The database was written by a newer version of this crate with a schema this one does
    /// not know; it is left untouched.
    #[error("hash cache {}: schema version {version} is newer than this program's", path.display())]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The `user_version` found.
        version: i64,
    },
    /// Any other SQLite failure (disk full, I/O error, …).
    #[error("hash cache {}: sqlite error: {source}", path.display())]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
}

impl CacheError {
    /// Sorts an SQLite error into a variant. `timeout` is the busy timeout that ran out when
    /// the error is a lock.
    pub(crate) fn from_sqlite(path: PathBuf, timeout: Duration, source: rusqlite::Error) -> CacheError {
        use rusqlite::ErrorCode;
        match source.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => CacheError::Busy { path, timeout, source },
            Some(ErrorCode::ReadOnly) => CacheError::ReadOnly { path },
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                CacheError::Corrupt { path, source: Some(source) }
            }
            Some(ErrorCode::CannotOpen) => CacheError::CannotOpen { path, source },
            _ => CacheError::Sqlite { path, source },
        }
    }
}
