//! A cache of file digests for `n64 verify`, so that re-verifying an unchanged collection does
//! not read it again.
//!
//! Digests (CRC32, MD5, SHA-1) are stored in an SQLite database, keyed by
//! - the file's [`Identity`]: device, inode, size and modification time in nanoseconds;
//! - the archive member (`""` for a plain file);
//! - the view, the byte order the digests are over (`"z64"`, `"v64"`, `"n64"` or `"raw"`).
//!
//! A file that changes gets a new size or time, so its old row no longer matches and is replaced
//! by the next [`Cache::put`]. A file modified less than 2 seconds ago is not stored (see
//! [`Cache::put`]).
//!
//! Several threads may share one [`Cache`]; several processes may use one database at once
//! (WAL journal, `synchronous=NORMAL`, a busy timeout). Every failure is a [`CacheError`]
//! naming the database, and none of them can turn into a wrong digest: a caller can warn once
//! and carry on without the cache.
//!
//! The database is `$N64_CACHE/hashes.sqlite3`, else `hashes.sqlite3` in the platform's cache
//! directory under `n64-tools` ([`Cache::default_path`]).
//!
//! # The file
//!
//! One table, `digests`, keyed by `(device, inode, member, view)` and holding `size`,
//! `mtime_ns`, `crc32` (4 big-endian bytes), `md5` (16 bytes) and `sha1` (20 bytes); a digest
//! never computed is NULL. Rows are checked when read: another size or time, a NULL, a blob of
//! the wrong length or type is a miss, never an error or a panic.
//!
//! The file is marked with `PRAGMA application_id` 0x4E363448 ("N64H") and the schema version
//! in `PRAGMA user_version` (now 1). Opening a file of an older version empties it (it is only a
//! cache); a newer version is refused with [`CacheError::NewerSchema`] and left alone, as is
//! any other program's database ([`CacheError::Corrupt`]).
//!
//! # Limits
//!
//! - On platforms other than Unix, device and inode are 0: entries are keyed by size and time
//!   (and member and view) only.
//! - A same-size rewrite whose old modification time is then set back is not seen.
//! - Device numbers of removable drives and inode numbers on FAT (Linux `vfat` numbers inodes
//!   as it meets them) may change between mounts. Usually that is only a miss; but a file that
//!   takes over another's device and inode numbers *and* has exactly its size and modification
//!   time (files extracted with one shared timestamp onto FAT's 2-second clock) would be given
//!   the other's digests. The status change time (`ctime`) would close this hole on Unix; it is
//!   not part of [`Identity`] yet.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::{Duration, SystemTime};
//! use n64_hashcache::{Cache, Identity, Key};
//! use n64_io::{Algorithms, Hasher};
//!
//! let dir = tempfile::tempdir()?;
//! let rom = dir.path().join("game.z64");
//! std::fs::write(&rom, b"abc")?;
//! // Pretend it was copied a minute ago: fresher files are not cached.
//! let file = std::fs::File::options().write(true).open(&rom)?;
//! file.set_modified(SystemTime::now() - Duration::from_secs(60))?;
//!
//! let cache = Cache::open(&dir.path().join("cache").join("hashes.sqlite3"))?;
//! let key = Key { identity: Identity::of(&std::fs::metadata(&rom)?), member: "", view: "z64" };
//! let wanted = Algorithms::ALL;
//! let digests = match cache.get(&key, wanted)? {
//!     Some(digests) => digests,
//!     None => {
//!         let mut hasher = Hasher::new(wanted);
//!         hasher.update(&std::fs::read(&rom)?);
//!         let digests = hasher.finish();
//!         cache.put(&key, &digests)?;
//!         digests
//!     }
//! };
//! assert_eq!(digests.crc32_hex().as_deref(), Some("352441c2"));
//! // The second time, nothing is read.
//! assert_eq!(cache.get(&key, wanted)?, Some(digests));
//! # Ok(())
//! # }
//! ```

mod cache;
mod error;
mod identity;
mod path;
mod row;
mod schema;

pub use cache::{Cache, Options, SETTLE_TIME};
pub use error::CacheError;
pub use identity::{Identity, Key};
