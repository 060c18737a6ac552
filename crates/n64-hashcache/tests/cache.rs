//! The cache against its promises: hits only for the same file, member and view; merging;
//! freshness; failures as errors, never as wrong digests; several threads and connections.
//!
//! Expected digests are those of "abc" from Python's hashlib and zlib:
//! `zlib.crc32(b"abc")`, `hashlib.md5(b"abc").hexdigest()`, `hashlib.sha1(b"abc").hexdigest()`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use n64_hashcache::{Cache, CacheError, Identity, Key, Options};
use n64_io::{Algorithms, Digests};
use rusqlite::Connection;

const ABC_CRC32: u32 = 0x3524_41c2;
const ABC_MD5: &str = "900150983cd24fb0d6963f7d28e17f72";
const ABC_SHA1: &str = "a9993e364706816aba3e25717850c26c9cd0d89d";

/// 2020-09-13T12:26:40Z, long settled.
const OLD: i64 = 1_600_000_000_000_000_000;

fn unhex<const N: usize>(hex: &str) -> [u8; N] {
    let mut out = [0; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

fn digests(crc32: Option<u32>, md5: Option<&str>, sha1: Option<&str>) -> Digests {
    let mut digests = Digests::default();
    digests.crc32 = crc32;
    digests.md5 = md5.map(unhex);
    digests.sha1 = sha1.map(unhex);
    digests
}

fn abc() -> Digests {
    digests(Some(ABC_CRC32), Some(ABC_MD5), Some(ABC_SHA1))
}

fn algorithms(crc32: bool, md5: bool, sha1: bool) -> Algorithms {
    let mut algorithms = Algorithms::default();
    algorithms.crc32 = crc32;
    algorithms.md5 = md5;
    algorithms.sha1 = sha1;
    algorithms
}

fn identity(inode: u64) -> Identity {
    Identity { device: 2049, inode, size: 8 * 1024 * 1024, mtime_ns: OLD }
}

fn key(identity: Identity) -> Key<'static> {
    Key { identity, member: "", view: "z64" }
}

fn fresh_cache() -> (tempfile::TempDir, Cache) {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(&dir.path().join("hashes.sqlite3")).unwrap();
    (dir, cache)
}

fn short(timeout_ms: u64) -> Options {
    Options::default().with_busy_timeout(Duration::from_millis(timeout_ms))
}

// ---- hits and misses ---------------------------------------------------------------------------

#[test]
fn round_trip() {
    let (_dir, cache) = fresh_cache();
    let key = key(identity(1));
    assert_eq!(cache.get(&key, Algorithms::ALL).unwrap(), None, "empty cache");
    assert!(cache.put(&key, &abc()).unwrap());
    assert_eq!(cache.get(&key, Algorithms::ALL).unwrap(), Some(abc()));
    assert_eq!(cache.get(&key, Algorithms::SHA1).unwrap(), Some(digests(None, None, Some(ABC_SHA1))));
    assert_eq!(
        cache.get(&key, algorithms(true, true, false)).unwrap(),
        Some(digests(Some(ABC_CRC32), Some(ABC_MD5), None))
    );
}

#[test]
fn round_trip_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep").join("er").join("hashes.sqlite3");
    let key = key(identity(1));
    {
        let cache = Cache::open(&path).unwrap();
        assert_eq!(cache.path(), path);
        assert!(cache.put(&key, &abc()).unwrap());
    }
    let cache = Cache::open(&path).unwrap();
    assert_eq!(cache.get(&key, Algorithms::ALL).unwrap(), Some(abc()));
}

#[test]
fn another_identity_is_a_miss() {
    let (_dir, cache) = fresh_cache();
    let stored = identity(1);
    assert!(cache.put(&key(stored), &abc()).unwrap());
    let changes = [
        Identity { size: stored.size + 1, ..stored },
        Identity { size: stored.size - 1, ..stored },
        Identity { mtime_ns: stored.mtime_ns + 1, ..stored },
        Identity { mtime_ns: stored.mtime_ns - 1_000_000_000, ..stored },
        Identity { inode: stored.inode + 1, ..stored },
        Identity { device: stored.device + 1, ..stored },
    ];
    for changed in changes {
        assert_eq!(cache.get(&key(changed), Algorithms::ALL).unwrap(), None, "{changed:?}");
        assert_eq!(cache.get(&key(changed), Algorithms::default()).unwrap(), None, "{changed:?}");
    }
    assert_eq!(cache.get(&key(stored), Algorithms::ALL).unwrap(), Some(abc()));
}

#[test]
fn a_changed_file_replaces_its_row() {
    let (dir, cache) = fresh_cache();
    let old = identity(1);
    let new = Identity { size: old.size * 2, mtime_ns: old.mtime_ns + 5_000_000_000, ..old };
    let other = digests(Some(0xdead_beef), None, Some(&"11".repeat(20)));
    assert!(cache.put(&key(old), &abc()).unwrap());
    assert!(cache.put(&key(new), &other).unwrap());
    assert_eq!(cache.get(&key(old), Algorithms::default()).unwrap(), None);
    assert_eq!(cache.get(&key(new), algorithms(true, false, true)).unwrap(), Some(other));
    // Nothing of the old version was merged in.
    assert_eq!(cache.get(&key(new), algorithms(false, true, false)).unwrap(), None);
    let rows: i64 = Connection::open(dir.path().join("hashes.sqlite3"))
        .unwrap()
        .query_row("SELECT count(*) FROM digests", [], |row| row.get(0))
        .unwrap();
    assert_eq!(rows, 1);
}

#[test]
fn members_and_views_are_separate_entries() {
    let (_dir, cache) = fresh_cache();
    let id = identity(7);
    let entries = [
        (Key { identity: id, member: "", view: "z64" }, digests(Some(1), None, None)),
        (Key { identity: id, member: "", view: "v64" }, digests(Some(2), None, None)),
        (Key { identity: id, member: "", view: "raw" }, digests(Some(3), None, None)),
        (Key { identity: id, member: "Game (U).z64", view: "z64" }, digests(Some(4), None, None)),
        (Key { identity: id, member: "Game (E).z64", view: "z64" }, digests(Some(5), None, None)),
        (Key { identity: id, member: "Game (E).z64", view: "n64" }, digests(Some(6), None, None)),
    ];
    for (key, digests) in &entries {
        assert!(cache.put(key, digests).unwrap());
    }
    let crc = algorithms(true, false, false);
    for (key, digests) in &entries {
        assert_eq!(cache.get(key, crc).unwrap(), Some(*digests), "{key:?}");
    }
    let absent = Key { identity: id, member: "Game (J).z64", view: "z64" };
    assert_eq!(cache.get(&absent, crc).unwrap(), None);
}

#[test]
fn an_absent_algorithm_is_stored_as_absent() {
    let (_dir, cache) = fresh_cache();
    let key = key(identity(1));
    assert!(cache.put(&key, &digests(Some(ABC_CRC32), None, None)).unwrap());
    assert_eq!(cache.get(&key, Algorithms::ALL).unwrap(), None);
    assert_eq!(cache.get(&key, Algorithms::SHA1).unwrap(), None);
    assert_eq!(cache.get(&key, algorithms(true, false, false)).unwrap(), Some(digests(Some(ABC_CRC32), None, None)));
}

#[test]
fn digests_added_later_are_merged() {
    let (_dir, cache) = fresh_cache();
    let key = key(identity(1));
    assert!(cache.put(&key, &digests(Some(ABC_CRC32), None, Some(ABC_SHA1))).unwrap());
    assert!(cache.put(&key, &digests(Some(ABC_CRC32), Some(ABC_MD5), None)).unwrap());
    assert_eq!(cache.get(&key, Algorithms::ALL).unwrap(), Some(abc()));
    // An empty put takes nothing away.
    assert!(cache.put(&key, &Digests::default()).unwrap());
    assert_eq!(cache.get(&key, Algorithms::ALL).unwrap(), Some(abc()));
}

#[test]
fn disagreeing_digests_replace_rather_than_merge() {
    // Same identity, another CRC32: the content changed unseen, so the stored SHA-1 is stale.
    let (_dir, cache) = fresh_cache();
    let key = key(identity(1));
    assert!(cache.put(&key, &digests(Some(ABC_CRC32), None, Some(ABC_SHA1))).unwrap());
    assert!(cache.put(&key, &digests(Some(0x1234_5678), Some(ABC_MD5), None)).unwrap());
    assert_eq!(cache.get(&key, Algorithms::ALL).unwrap(), None);
    assert_eq!(cache.get(&key, Algorithms::SHA1).unwrap(), None);
    assert_eq!(
        cache.get(&key, algorithms(true, true, false)).unwrap(),
        Some(digests(Some(0x1234_5678), Some(ABC_MD5), None))
    );
}

#[test]
fn malformed_rows_are_misses() {
    let (dir, cache) = fresh_cache();
    let id = identity(1);
    assert!(cache.put(&key(id), &abc()).unwrap());
    let connection = Connection::open(dir.path().join("hashes.sqlite3")).unwrap();
    let damage = [
        "UPDATE digests SET crc32 = x'3524'",
        "UPDATE digests SET crc32 = 891568578",
        "UPDATE digests SET md5 = x'00'",
        "UPDATE digests SET sha1 = 'a9993e364706816aba3e25717850c26c9cd0d89d'",
        "UPDATE digests SET sha1 = zeroblob(21)",
        "UPDATE digests SET size = 'big'",
        "UPDATE digests SET mtime_ns = 'yesterday'",
        "UPDATE digests SET mtime_ns = 1.5",
    ];
    for sql in damage {
        connection.execute_batch("UPDATE digests SET crc32 = x'352441c2', md5 = NULL, sha1 = NULL").unwrap();
        assert!(cache.put(&key(id), &abc()).unwrap());
        assert_eq!(cache.get(&key(id), Algorithms::ALL).unwrap(), Some(abc()));
        connection.execute_batch(sql).unwrap();
        assert_eq!(cache.get(&key(id), Algorithms::ALL).unwrap(), None, "{sql}");
    }
}

#[test]
fn extreme_identities_round_trip() {
    let (_dir, cache) = fresh_cache();
    let ids = [
        Identity { device: u64::MAX, inode: u64::MAX, size: u64::MAX, mtime_ns: i64::MIN },
        Identity { device: 0, inode: 0, size: 0, mtime_ns: -1 },
        Identity { device: 1 << 63, inode: 1 << 63, size: 1 << 63, mtime_ns: 0 },
    ];
    for (n, id) in ids.into_iter().enumerate() {
        let stored = digests(Some(u32::try_from(n).unwrap()), None, None);
        assert!(cache.put(&key(id), &stored).unwrap());
        assert_eq!(cache.get(&key(id), algorithms(true, false, false)).unwrap(), Some(stored), "{id:?}");
    }
    let weird = Key { identity: identity(1), member: "dir/ünïcødé \u{0}name.z64", view: "" };
    assert!(cache.put(&weird, &abc()).unwrap());
    assert_eq!(cache.get(&weird, Algorithms::ALL).unwrap(), Some(abc()));
}

/// device, inode, member, view, size, mtime_ns, crc32, md5, sha1
type FileRow = (i64, i64, String, String, i64, i64, Vec<u8>, Vec<u8>, Vec<u8>);

/// The file format, read with plain SQL: the documented table, the marks, WAL, the CRC32 as 4
/// big-endian bytes.
#[test]
fn the_file_format() {
    let (dir, cache) = fresh_cache();
    let id = Identity { device: 3, inode: 4, size: 5, mtime_ns: OLD };
    assert!(cache.put(&Key { identity: id, member: "a.z64", view: "v64" }, &abc()).unwrap());
    let connection = Connection::open(dir.path().join("hashes.sqlite3")).unwrap();
    let row: FileRow = connection
        .query_row("SELECT device, inode, member, view, size, mtime_ns, crc32, md5, sha1 FROM digests", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
        })
        .unwrap();
    assert_eq!(
        row,
        (
            3,
            4,
            "a.z64".to_owned(),
            "v64".to_owned(),
            5,
            OLD,
            vec![0x35, 0x24, 0x41, 0xc2],
            unhex::<16>(ABC_MD5).to_vec(),
            unhex::<20>(ABC_SHA1).to_vec()
        )
    );
    let pragma = |name: &str| -> String {
        connection.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, rusqlite::types::Value>(0)).map_or_else(
            |e| e.to_string(),
            |v| match v {
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => format!("{other:?}"),
            },
        )
    };
    assert_eq!(pragma("application_id"), 0x4E36_3448.to_string(), "\"N64H\"");
    assert_eq!(pragma("user_version"), "2");
    assert_eq!(pragma("journal_mode"), "wal");
}

// ---- identity and freshness --------------------------------------------------------------------

#[test]
fn identity_of_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("game.z64");
    std::fs::write(&path, b"abcdefg").unwrap();
    let when = UNIX_EPOCH + Duration::new(1_600_000_000, 123_456_789);
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(when).unwrap();
    let identity = Identity::of(&std::fs::metadata(&path).unwrap());
    assert_eq!(identity.size, 7);
    assert_eq!(identity.mtime_ns, 1_600_000_000_123_456_789);
    if cfg!(unix) && n64_testkit::tools::require(&["stat"], "coreutils").is_some() {
        // GNU stat: device, inode, size, seconds and nanoseconds.
        let out = std::process::Command::new("stat").args(["-L", "--format=%d %i %s %Y"]).arg(&path).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let fields: Vec<u64> = text.split_whitespace().map(|f| f.parse().unwrap()).collect();
        assert_eq!(fields, [identity.device, identity.inode, 7, 1_600_000_000], "stat said {text:?}");
    }
    // A copy is another file.
    let copy = dir.path().join("copy.z64");
    std::fs::copy(&path, &copy).unwrap();
    std::fs::File::options().write(true).open(&copy).unwrap().set_modified(when).unwrap();
    let copied = Identity::of(&std::fs::metadata(&copy).unwrap());
    assert_eq!((copied.size, copied.mtime_ns), (identity.size, identity.mtime_ns));
    if cfg!(unix) {
        assert_ne!(copied, identity);
    }
}

#[test]
fn a_fresh_file_is_not_stored() {
    let (dir, cache) = fresh_cache();
    let path = dir.path().join("game.z64");
    std::fs::write(&path, b"abc").unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    let nothing = Algorithms::default();

    file.set_modified(SystemTime::now()).unwrap();
    let key = Key { identity: Identity::of(&file.metadata().unwrap()), member: "", view: "z64" };
    assert!(!cache.put(&key, &abc()).unwrap());
    assert_eq!(cache.get(&key, nothing).unwrap(), None, "nothing stored");

    file.set_modified(SystemTime::now() + Duration::from_hours(1)).unwrap();
    let key = Key { identity: Identity::of(&file.metadata().unwrap()), member: "", view: "z64" };
    assert!(!cache.put(&key, &abc()).unwrap(), "a time in the future is not trusted");
    assert_eq!(cache.get(&key, nothing).unwrap(), None);

    file.set_modified(SystemTime::now() - Duration::from_secs(10)).unwrap();
    let key = Key { identity: Identity::of(&file.metadata().unwrap()), member: "", view: "z64" };
    assert!(cache.put(&key, &abc()).unwrap());
    assert_eq!(cache.get(&key, Algorithms::ALL).unwrap(), Some(abc()));
}

// ---- a damaged or foreign database ---------------------------------------------------------------

/// Opens and reads `path` where every key of `expected` may be asked: an error from open or
/// get is fine, a miss is fine, a hit must be the stored value.
fn never_wrong(path: &Path, expected: &[(Identity, Digests)]) -> usize {
    let cache = match Cache::open(path) {
        Ok(cache) => cache,
        Err(error) => {
            assert!(error.to_string().contains(&path.display().to_string()), "{error}");
            return 0;
        }
    };
    let mut hits = 0;
    for (id, stored) in expected {
        // A miss or an error is fine.
        if let Ok(Some(found)) = cache.get(&key(*id), Algorithms::ALL) {
            assert_eq!(found, *stored, "a wrong hit for {id:?}");
            hits += 1;
        }
    }
    hits
}

#[test]
fn garbage_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hashes.sqlite3");
    for garbage in
        [b"this is no database, it is a shopping list".to_vec(), n64_testkit::Rng(1).bytes(8192), vec![0xff; 4096]]
    {
        std::fs::write(&path, &garbage).unwrap();
        let error = Cache::open(&path).unwrap_err();
        assert!(matches!(error, CacheError::Corrupt { .. }), "{error:?}");
        assert_eq!(error.to_string(), format!("hash cache {}: not a hash cache database or corrupt", path.display()));
        assert!(std::fs::read(&path).unwrap() == garbage, "the file changed");
    }
}

#[test]
fn a_damaged_header_or_body_never_gives_a_wrong_hit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hashes.sqlite3");
    let mut rng = n64_testkit::Rng(99);
    let expected: Vec<(Identity, Digests)> = (0..2000)
        .map(|n| {
            let mut sha1 = [0; 20];
            rng.fill(&mut sha1);
            let mut md5 = [0; 16];
            rng.fill(&mut md5);
            let mut digests = Digests::default();
            digests.crc32 = Some(u32::try_from(rng.next_u64() >> 32).unwrap());
            digests.md5 = Some(md5);
            digests.sha1 = Some(sha1);
            (identity(n), digests)
        })
        .collect();
    {
        let cache = Cache::open(&path).unwrap();
        for (id, digests) in &expected {
            assert!(cache.put(&key(*id), digests).unwrap());
        }
    }
    let pristine = std::fs::read(&path).unwrap();
    assert!(pristine.len() > 8 * 4096, "the rows span many pages: {}", pristine.len());
    assert_eq!(never_wrong(&path, &expected), expected.len(), "intact");

    let mut damaged = 0;
    for (offset, len, fill) in
        [(0, 16, 0x00), (16, 2, 0xff), (100, 4000, 0xa5), (4096, 4096, 0xff), (12288, 4096, 0x00)]
    {
        let mut bytes = pristine.clone();
        bytes[offset..offset + len].fill(fill);
        std::fs::write(&path, &bytes).unwrap();
        let hits = never_wrong(&path, &expected);
        damaged += usize::from(hits < expected.len());
    }
    for start in (0..pristine.len()).step_by(7919) {
        let mut bytes = pristine.clone();
        let end = (start + 512).min(bytes.len());
        rng.fill(&mut bytes[start..end]);
        std::fs::write(&path, &bytes).unwrap();
        never_wrong(&path, &expected);
    }
    // Truncated.
    std::fs::write(&path, &pristine[..pristine.len() / 2]).unwrap();
    never_wrong(&path, &expected);
    assert!(damaged > 0, "the damage was noticed somewhere");
}

#[test]
fn another_programs_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hashes.sqlite3");
    {
        let other = Connection::open(&path).unwrap();
        other.execute_batch("CREATE TABLE digests (name TEXT); INSERT INTO digests VALUES ('mine');").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let error = Cache::open(&path).unwrap_err();
    assert!(matches!(error, CacheError::Corrupt { .. }), "{error:?}");
    assert!(std::fs::read(&path).unwrap() == before, "the file changed");
}

#[test]
fn a_newer_schema_is_refused_and_an_older_one_emptied() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hashes.sqlite3");
    let key = key(identity(1));
    Cache::open(&path).unwrap().put(&key, &abc()).unwrap();

    Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 3").unwrap();
    let error = Cache::open(&path).unwrap_err();
    assert!(matches!(error, CacheError::NewerSchema { version: 3, .. }), "{error:?}");
    let rows: i64 =
        Connection::open(&path).unwrap().query_row("SELECT count(*) FROM digests", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 1, "left alone");

    Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 0").unwrap();
    let cache = Cache::open(&path).unwrap();
    assert_eq!(cache.get(&key, Algorithms::default()).unwrap(), None, "emptied");
    assert!(cache.put(&key, &abc()).unwrap());
    assert_eq!(cache.get(&key, Algorithms::ALL).unwrap(), Some(abc()));

    // Ours, but the table was dropped: recreated.
    drop(cache);
    Connection::open(&path).unwrap().execute_batch("DROP TABLE digests").unwrap();
    let cache = Cache::open(&path).unwrap();
    assert_eq!(cache.get(&key, Algorithms::default()).unwrap(), None);
}

// ---- locks and permissions ---------------------------------------------------------------------

#[test]
fn a_held_write_lock_gives_busy_after_the_timeout() {
    let (dir, _first) = fresh_cache();
    let path = dir.path().join("hashes.sqlite3");
    let timeout = Duration::from_millis(200);
    let cache = Cache::open_with(&path, short(200)).unwrap();
    let key = key(identity(1));
    assert!(cache.put(&key, &abc()).unwrap());

    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let started = Instant::now();
    let error = cache.put(&key, &digests(Some(1), None, None)).unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(error, CacheError::Busy { .. }), "{error:?}");
    assert!(error.to_string().starts_with(&format!("hash cache {}: locked", path.display())), "{error}");
    assert!(waited + Duration::from_millis(20) >= timeout, "gave up after {waited:?}");
    assert!(waited < timeout + Duration::from_secs(3), "waited {waited:?}");
    // In WAL mode, reading goes on beside a writer and sees the last committed state.
    assert_eq!(cache.get(&key, Algorithms::ALL).unwrap(), Some(abc()));

    holder.execute_batch("COMMIT").unwrap();
    assert!(cache.put(&key, &digests(Some(1), None, None)).unwrap());
    assert_eq!(cache.get(&key, algorithms(true, false, false)).unwrap(), Some(digests(Some(1), None, None)));
}

#[test]
fn opening_a_locked_new_database_gives_busy() {
    // Another process created the file and holds it exclusively (rollback journal): opening
    // cannot set up WAL or the table.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hashes.sqlite3");
    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("PRAGMA journal_mode = DELETE; BEGIN EXCLUSIVE; CREATE TABLE t (x);").unwrap();
    let started = Instant::now();
    let error = Cache::open_with(&path, short(150)).unwrap_err();
    assert!(matches!(error, CacheError::Busy { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    Cache::open_with(&path, short(150)).unwrap();
}

#[test]
fn a_path_that_cannot_be_made_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a file");
    std::fs::write(&file, b"x").unwrap();
    let path = file.join("hashes.sqlite3");
    let error = Cache::open(&path).unwrap_err();
    assert!(matches!(error, CacheError::CreateDir { .. }), "{error:?}");
    assert!(error.to_string().starts_with(&format!("hash cache {}: cannot create the directory: ", path.display())));

    let error = Cache::open(dir.path()).unwrap_err();
    assert!(matches!(error, CacheError::CannotOpen { .. }), "{error:?}");
}

#[cfg(unix)]
#[test]
fn read_only_by_permissions() {
    use std::os::unix::fs::PermissionsExt;
    if !n64_testkit::system::permissions_enforced() {
        eprintln!("note: skipped: permissions are not enforced for this user (root)");
        return;
    }
    let set = |path: &Path, mode| std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hashes.sqlite3");
    let key = key(identity(1));
    Cache::open(&path).unwrap().put(&key, &abc()).unwrap();

    // A database file without write permission.
    set(&path, 0o444);
    let error = Cache::open(&path).unwrap_err();
    assert!(matches!(error, CacheError::ReadOnly { .. }), "{error:?}");
    set(&path, 0o644);

    // A directory without write permission: no new database, no -wal beside an old one.
    set(dir.path(), 0o555);
    let error = Cache::open(&dir.path().join("new.sqlite3")).unwrap_err();
    assert!(matches!(error, CacheError::CannotOpen { .. }), "{error:?}");
    let error = Cache::open(&path).unwrap_err();
    assert!(matches!(error, CacheError::ReadOnly { .. }), "{error:?}");
    set(dir.path(), 0o755);
}

/// A read-only file system: a tmpfs remounted read-only (needs root; skipped otherwise).
#[cfg(target_os = "linux")]
#[test]
fn read_only_file_system() {
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("mnt");
    let tmpfs = match n64_testkit::system::Tmpfs::mount(&mount, "4m") {
        Ok(tmpfs) => tmpfs,
        Err(why) => {
            eprintln!("note: skipped: {why}");
            return;
        }
    };
    let path = mount.join("hashes.sqlite3");
    let key = key(identity(1));
    Cache::open(&path).unwrap().put(&key, &abc()).unwrap();
    tmpfs.remount_read_only().unwrap();

    let error = Cache::open(&path).unwrap_err();
    assert!(matches!(error, CacheError::ReadOnly { .. }), "{error:?}");
    let error = Cache::open(&mount.join("sub").join("new.sqlite3")).unwrap_err();
    assert!(matches!(error, CacheError::CreateDir { .. }), "{error:?}");
    drop(tmpfs);
}

// ---- threads and processes ---------------------------------------------------------------------

#[test]
fn two_connections_written_from_several_threads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hashes.sqlite3");
    let caches = [Cache::open(&path).unwrap(), Cache::open(&path).unwrap()];
    let stored = |thread: u64, n: u64| {
        let mut d = Digests::default();
        d.crc32 = Some(u32::try_from(thread * 1000 + n).unwrap());
        d.sha1 = Some([u8::try_from(thread).unwrap(); 20]);
        d
    };
    std::thread::scope(|scope| {
        for thread in 0..4_u64 {
            let cache = &caches[usize::try_from(thread % 2).unwrap()];
            scope.spawn(move || {
                for n in 0..500 {
                    let key = key(identity(thread * 1000 + n));
                    assert!(cache.put(&key, &stored(thread, n)).unwrap());
                    // Every other put also overwrites a shared entry, so writers meet.
                    if n % 2 == 0 {
                        let shared = Key { identity: identity(999_999), member: "", view: "z64" };
                        assert!(cache.put(&shared, &stored(thread, n)).unwrap());
                    }
                }
            });
        }
    });
    drop(caches);
    let cache = Cache::open(&path).unwrap();
    let wanted = algorithms(true, false, true);
    for thread in 0..4 {
        for n in 0..500 {
            assert_eq!(cache.get(&key(identity(thread * 1000 + n)), wanted).unwrap(), Some(stored(thread, n)));
        }
    }
    let shared = cache.get(&key(identity(999_999)), wanted).unwrap().expect("the shared entry");
    assert!((0..4).any(|t| (0..500).any(|n| shared == stored(t, n))), "one writer's whole row: {shared:?}");
}

/// `default_path` reads the real environment: checked in a child process (this test binary,
/// filtered to this test) so no test mutates the environment of the others.
#[test]
fn default_path_follows_n64_cache() {
    const CHILD: &str = "N64_HASHCACHE_TEST_CHILD";
    if let Some(mode) = std::env::var_os(CHILD) {
        let expected = if mode == "set" {
            Some(PathBuf::from("/srv/n64 cache/hashes.sqlite3"))
        } else {
            // On Linux `dirs` takes an absolute XDG_CACHE_HOME.
            Some(PathBuf::from("/xdg/cache/n64-tools/hashes.sqlite3"))
        };
        if cfg!(target_os = "linux") || mode == "set" {
            assert_eq!(Cache::default_path(), expected);
        }
        return;
    }
    for (mode, value) in [("set", Some("/srv/n64 cache")), ("empty", Some("")), ("unset", None)] {
        let mut command = std::process::Command::new(std::env::current_exe().unwrap());
        command.args(["--exact", "default_path_follows_n64_cache", "--test-threads=1"]);
        command.env(CHILD, mode).env("XDG_CACHE_HOME", "/xdg/cache");
        match value {
            Some(value) => command.env("N64_CACHE", value),
            None => command.env_remove("N64_CACHE"),
        };
        let out = command.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{mode}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("1 passed"), "{mode}: the child ran the test: {stdout}");
    }
}

/// Four processes (this test binary, filtered to this test) creating and writing one database
/// at once.
#[test]
fn two_processes_at_once() {
    const CHILD: &str = "N64_HASHCACHE_TEST_WRITER";
    const WRITERS: u64 = 4;
    let stored = |writer: u64, n: u64| digests(Some(u32::try_from(writer * 10_000 + n).unwrap()), None, None);
    if let Some(spec) = std::env::var_os(CHILD) {
        let spec = spec.into_string().unwrap();
        let (writer, path) = spec.split_once(':').unwrap();
        let writer: u64 = writer.parse().unwrap();
        let mut cache = Cache::open(Path::new(path)).unwrap();
        for n in 0..500 {
            if n % 100 == 99 {
                // Closing and opening meet the others' checkpoints and WAL resets.
                drop(cache);
                cache = Cache::open(Path::new(path)).unwrap();
            }
            assert!(cache.put(&key(identity(writer * 10_000 + n)), &stored(writer, n)).unwrap());
            assert!(cache.put(&key(identity(1)), &stored(writer, n)).unwrap());
            assert!(cache.get(&key(identity(1)), algorithms(true, false, false)).unwrap().is_some());
        }
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hashes.sqlite3");
    let children: Vec<_> = (1..=WRITERS)
        .map(|writer| {
            std::process::Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "two_processes_at_once", "--test-threads=1"])
                .env(CHILD, format!("{writer}:{}", path.display()))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("1 passed"), "the child ran the test: {stdout}");
    }
    let cache = Cache::open(&path).unwrap();
    for writer in 1..=WRITERS {
        for n in 0..500 {
            let found = cache.get(&key(identity(writer * 10_000 + n)), algorithms(true, false, false)).unwrap();
            assert_eq!(found, Some(stored(writer, n)));
        }
    }
}
