//! The cache: one connection behind a mutex, two prepared statements.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use n64_io::{Algorithms, Digests};
use rusqlite::{Connection, params};

use crate::path::{ENV_VAR, path_from};
use crate::row::{Stored, crc32_blob};
use crate::{CacheError, Key, schema};

/// How long a file must have been left alone before its digests are stored: a write in the
/// same timestamp tick (FAT counts in 2-second steps) could change it without changing its
/// identity.
pub const SETTLE_TIME: Duration = Duration::from_secs(2);

/// How the cache is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// How long a read or write waits for another process holding the lock before it gives up
    /// with [`CacheError::Busy`].
    pub busy_timeout: Duration,
}

impl Default for Options {
    /// A 5-second busy timeout.
    fn default() -> Options {
        Options { busy_timeout: Duration::from_secs(5) }
    }
}

impl Options {
    /// These options with another busy timeout.
    #[must_use]
    pub fn with_busy_timeout(mut self, busy_timeout: Duration) -> Options {
        self.busy_timeout = busy_timeout;
        self
    }
}

/// The lookup.
const SELECT: &str = "SELECT size, mtime_ns, crc32, md5, sha1 FROM digests
    WHERE device = ?1 AND inode = ?2 AND member = ?3 AND view = ?4";

/// The store, in one statement (so atomic without a transaction). The old digests are kept for
/// the algorithms the new row lacks only when the old row is of the same size and time and
/// agrees with every digest the new row has; otherwise the new row replaces it whole, so a
/// stale digest never survives next to a fresh one.
const UPSERT: &str = "INSERT INTO digests (device, inode, member, view, size, mtime_ns, crc32, md5, sha1)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
    ON CONFLICT (device, inode, member, view) DO UPDATE SET
        size = excluded.size,
        mtime_ns = excluded.mtime_ns,
        crc32 = CASE WHEN size = excluded.size AND mtime_ns = excluded.mtime_ns
                 AND (excluded.crc32 IS NULL OR crc32 IS NULL OR crc32 = excluded.crc32)
                 AND (excluded.md5 IS NULL OR md5 IS NULL OR md5 = excluded.md5)
                 AND (excluded.sha1 IS NULL OR sha1 IS NULL OR sha1 = excluded.sha1)
            THEN coalesce(excluded.crc32, crc32) ELSE excluded.crc32 END,
        md5 = CASE WHEN size = excluded.size AND mtime_ns = excluded.mtime_ns
                 AND (excluded.crc32 IS NULL OR crc32 IS NULL OR crc32 = excluded.crc32)
                 AND (excluded.md5 IS NULL OR md5 IS NULL OR md5 = excluded.md5)
                 AND (excluded.sha1 IS NULL OR sha1 IS NULL OR sha1 = excluded.sha1)
            THEN coalesce(excluded.md5, md5) ELSE excluded.md5 END,
        sha1 = CASE WHEN size = excluded.size AND mtime_ns = excluded.mtime_ns
                 AND (excluded.crc32 IS NULL OR crc32 IS NULL OR crc32 = excluded.crc32)
                 AND (excluded.md5 IS NULL OR md5 IS NULL OR md5 = excluded.md5)
                 AND (excluded.sha1 IS NULL OR sha1 IS NULL OR sha1 = excluded.sha1)
            THEN coalesce(excluded.sha1, sha1) ELSE excluded.sha1 END";

/// The note lookup.
const SELECT_NOTE: &str = "SELECT size, mtime_ns, note FROM notes WHERE device = ?1 AND inode = ?2 AND member = ?3";

/// The note store.
const UPSERT_NOTE: &str =
    "INSERT INTO notes (device, inode, member, size, mtime_ns, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
    ON CONFLICT (device, inode, member) DO UPDATE SET
        size = excluded.size, mtime_ns = excluded.mtime_ns, note = excluded.note";

/// Digests of files and archive members, keyed by file identity, member and byte order, in an
/// SQLite database.
///
/// `Send + Sync`: share one `&Cache` between threads (calls take turns on one connection), or
/// open several on the same file (they take turns on SQLite's lock, waiting up to the busy
/// timeout).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use n64_hashcache::{Cache, Identity, Key};
/// use n64_io::{Algorithms, Digests};
///
/// let dir = tempfile::tempdir()?;
/// let cache = Cache::open(&dir.path().join("hashes.sqlite3"))?;
/// let identity = Identity { device: 1, inode: 42, size: 8_388_608, mtime_ns: 1_600_000_000_000_000_000 };
/// let key = Key { identity, member: "", view: "z64" };
///
/// let mut digests = Digests::default();
/// digests.sha1 = Some([0x11; 20]);
/// assert!(cache.put(&key, &digests)?);
/// assert_eq!(cache.get(&key, Algorithms::SHA1)?, Some(digests));
/// // The CRC32 was never stored: asking for it is a miss.
/// assert_eq!(cache.get(&key, Algorithms::ALL)?, None);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    options: Options,
    connection: Mutex<Connection>,
}

impl Cache {
    /// The database file: `$N64_CACHE/hashes.sqlite3` when `N64_CACHE` is set and not empty (it
    /// names a directory), else `<cache dir>/n64-tools/hashes.sqlite3` with the platform's cache
    /// directory (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS,
    /// `%LOCALAPPDATA%` on Windows); `None` when there is no cache directory.
    #[must_use]
    pub fn default_path() -> Option<PathBuf> {
        path_from(std::env::var_os(ENV_VAR), dirs::cache_dir())
    }

    /// Opens the cache at `path` with the default [`Options`], creating its directory and the
    /// database if needed.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use n64_hashcache::{Cache, CacheError};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("hashes.sqlite3");
    /// std::fs::write(&path, b"this is no database, it is a shopping list")?;
    /// assert!(matches!(Cache::open(&path), Err(CacheError::Corrupt { .. })));
    /// # Ok(())
    /// # }
    /// ```
    pub fn open(path: &Path) -> Result<Cache, CacheError> {
        Cache::open_with(path, Options::default())
    }

    /// Opens the cache at `path`, creating its directory and the database if needed.
    ///
    /// A database whose file or directory cannot be written is refused
    /// ([`CacheError::ReadOnly`], [`CacheError::CannotOpen`]); one from a newer schema version
    /// too ([`CacheError::NewerSchema`]); one from an older version is emptied.
    pub fn open_with(path: &Path, options: Options) -> Result<Cache, CacheError> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| CacheError::CreateDir { path: path.to_path_buf(), source })?;
        }
        let connection = schema::open(path, options)?;
        let cache = Cache { path: path.to_path_buf(), options, connection: Mutex::new(connection) };
        // Prepared once here, reused by every call.
        {
            let connection = cache.lock();
            connection.prepare_cached(SELECT).map_err(|error| cache.error(error))?;
            connection.prepare_cached(UPSERT).map_err(|error| cache.error(error))?;
            connection.prepare_cached(SELECT_NOTE).map_err(|error| cache.error(error))?;
            connection.prepare_cached(UPSERT_NOTE).map_err(|error| cache.error(error))?;
        }
        Ok(cache)
    }

    /// The digests stored for `key`: `Some` when the row exists, its size and modification
    /// time equal the key's, and it holds every algorithm in `wanted` intact. The result holds
    /// exactly the `wanted` algorithms, as a fresh hash with them would. `None` otherwise (a
    /// miss: hash the file).
    pub fn get(&self, key: &Key<'_>, wanted: Algorithms) -> Result<Option<Digests>, CacheError> {
        let connection = self.lock();
        let mut statement = connection.prepare_cached(SELECT).map_err(|error| self.error(error))?;
        let identity = &key.identity;
        let mut rows = statement
            .query(params![identity.device.cast_signed(), identity.inode.cast_signed(), key.member, key.view])
            .map_err(|error| self.error(error))?;
        let Some(row) = rows.next().map_err(|error| self.error(error))? else {
            return Ok(None);
        };
        let column = |index| row.get_ref(index).map_err(|error| self.error(error));
        let stored =
            Stored { size: column(0)?, mtime_ns: column(1)?, crc32: column(2)?, md5: column(3)?, sha1: column(4)? };
        Ok(stored.hit(identity, wanted))
    }

    /// Stores `digests` for `key`; an algorithm that is `None` is stored as absent. When the
    /// row already holds digests of the same size and time that agree with these, the two are
    /// merged (an MD5 added later keeps the SHA-1); otherwise the new row replaces the old.
    ///
    /// Returns `Ok(false)` and stores nothing when the file is too fresh to trust: its
    /// modification time is less than [`SETTLE_TIME`] (2 seconds) before now, or in the
    /// future. A write in the same timestamp tick, such as FAT's 2-second clock on a
    /// flashcart's SD card, could change the file without changing its identity.
    ///
    /// The identity cannot see a same-size rewrite whose old modification time is then set
    /// back (`touch -r`, some sync tools): such a file keeps its old digests.
    pub fn put(&self, key: &Key<'_>, digests: &Digests) -> Result<bool, CacheError> {
        if is_fresh(key.identity.mtime_ns, SystemTime::now()) {
            return Ok(false);
        }
        let identity = &key.identity;
        let connection = self.lock();
        let mut statement = connection.prepare_cached(UPSERT).map_err(|error| self.error(error))?;
        statement
            .execute(params![
                identity.device.cast_signed(),
                identity.inode.cast_signed(),
                key.member,
                key.view,
                identity.size.cast_signed(),
                identity.mtime_ns,
                crc32_blob(digests.crc32),
                digests.md5,
                digests.sha1,
            ])
            .map_err(|error| self.error(error))?;
        Ok(true)
    }

    /// The note stored for a file or member (`key.view` is ignored): `Some` when its size and
    /// modification time equal the key's. A caller keeps here what it read from the stream
    /// besides its digests (verify: the byte order and game code of an archive member, so that
    /// an unchanged archive is not decompressed again).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use n64_hashcache::{Cache, Identity, Key};
    /// let dir = tempfile::tempdir()?;
    /// let cache = Cache::open(&dir.path().join("hashes.sqlite3"))?;
    /// let identity = Identity { device: 1, inode: 7, size: 64, mtime_ns: 1_000_000_000 };
    /// let key = Key { identity, member: "game.v64", view: "" };
    /// assert!(cache.put_note(&key, "v64 NSME")?);
    /// assert_eq!(cache.get_note(&key)?.as_deref(), Some("v64 NSME"));
    /// let changed = Key { identity: Identity { size: 65, ..identity }, ..key };
    /// assert_eq!(cache.get_note(&changed)?, None);
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_note(&self, key: &Key<'_>) -> Result<Option<String>, CacheError> {
        let connection = self.lock();
        let mut statement = connection.prepare_cached(SELECT_NOTE).map_err(|error| self.error(error))?;
        let identity = &key.identity;
        let mut rows = statement
            .query(params![identity.device.cast_signed(), identity.inode.cast_signed(), key.member])
            .map_err(|error| self.error(error))?;
        let Some(row) = rows.next().map_err(|error| self.error(error))? else {
            return Ok(None);
        };
        let size: Option<i64> = row.get(0).ok();
        let mtime_ns: Option<i64> = row.get(1).ok();
        let note: Option<String> = row.get(2).ok();
        let same = size.is_some_and(|s| s.cast_unsigned() == identity.size) && mtime_ns == Some(identity.mtime_ns);
        Ok(if same { note } else { None })
    }

    /// Stores a note for a file or member (`key.view` is ignored), under the same freshness
    /// rule as [`Cache::put`]: `Ok(false)` and nothing stored for a file modified in the last
    /// [`SETTLE_TIME`].
    pub fn put_note(&self, key: &Key<'_>, note: &str) -> Result<bool, CacheError> {
        if is_fresh(key.identity.mtime_ns, SystemTime::now()) {
            return Ok(false);
        }
        let identity = &key.identity;
        let connection = self.lock();
        let mut statement = connection.prepare_cached(UPSERT_NOTE).map_err(|error| self.error(error))?;
        statement
            .execute(params![
                identity.device.cast_signed(),
                identity.inode.cast_signed(),
                key.member,
                identity.size.cast_signed(),
                identity.mtime_ns,
                note,
            ])
            .map_err(|error| self.error(error))?;
        Ok(true)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection. A panic elsewhere while it was held leaves no half-done statement
    /// (each call is one statement), so a poisoned lock is taken over.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.connection.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An SQLite error of this cache, sorted.
    fn error(&self, error: rusqlite::Error) -> CacheError {
        CacheError::from_sqlite(self.path.clone(), self.options.busy_timeout, error)
    }
}

/// Whether a file modified at `mtime_ns` is too fresh to cache at `now`: modified less than
/// [`SETTLE_TIME`] before, or after.
fn is_fresh(mtime_ns: i64, now: SystemTime) -> bool {
    let now_ns = match now.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_nanos()).map_or(i64::MIN, |ns| -ns),
    };
    let settle_ns = i64::try_from(SETTLE_TIME.as_nanos()).unwrap_or(i64::MAX);
    mtime_ns > now_ns.saturating_sub(settle_ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn freshness_is_two_seconds() {
        let s = 1_000_000_000_i64;
        assert!(!is_fresh(98 * s, at(100)), "exactly two seconds old is settled");
        assert!(is_fresh(98 * s + 1, at(100)));
        assert!(is_fresh(100 * s, at(100)));
        assert!(is_fresh(105 * s, at(100)), "a time in the future is not trusted");
        assert!(!is_fresh(i64::MIN, at(100)));
        assert!(is_fresh(i64::MAX, at(100)));
    }

    #[test]
    fn freshness_before_the_epoch() {
        let before = UNIX_EPOCH - Duration::from_secs(10);
        assert!(!is_fresh(-12_000_000_000, before));
        assert!(is_fresh(-11_000_000_000, before));
    }

    #[test]
    fn cache_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Cache>();
    }
}
