//! Opening the database: connection settings, and the table created, recognised or upgraded.
//!
//! The file is marked as ours with `PRAGMA application_id` ("N64H") and versioned with
//! `PRAGMA user_version`. On open:
//! - ours, current version: used as is;
//! - ours, an older version (or the table missing): the table is dropped and created anew
//!   (it is only a cache);
//! - ours, a newer version: [`CacheError::NewerSchema`], the file is not touched;
//! - an empty database (a new file): the table is created;
//! - anything else (another program's database, garbage): [`CacheError::Corrupt`].

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};

use crate::{CacheError, Options};

/// `PRAGMA application_id`: "N64H" in ASCII.
pub(crate) const APPLICATION_ID: i64 = 0x4E36_3448;

/// `PRAGMA user_version` of the current schema.
pub(crate) const SCHEMA_VERSION: i64 = 2;

/// The tables. `digests`: one row per (file, member, view), so a changed file replaces its row.
/// `notes` (schema 2): one short text per (file, member) that the caller keeps beside the
/// digests (what a stream is, read from its first bytes).
const CREATE: &str = "
    CREATE TABLE digests (
        device   INTEGER NOT NULL,
        inode    INTEGER NOT NULL,
        member   TEXT    NOT NULL,
        view     TEXT    NOT NULL,
        size     INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        crc32    BLOB,
        md5      BLOB,
        sha1     BLOB,
        PRIMARY KEY (device, inode, member, view)
    ) WITHOUT ROWID;
    CREATE TABLE notes (
        device   INTEGER NOT NULL,
        inode    INTEGER NOT NULL,
        member   TEXT    NOT NULL,
        size     INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        note     TEXT    NOT NULL,
        PRIMARY KEY (device, inode, member)
    ) WITHOUT ROWID;
";

/// What the header and schema of an opened file say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Ours, current, with its table.
    Ready,
    /// No schema objects at all: a new file.
    Empty,
    /// Ours but an older version or without its table.
    Outdated,
    /// Ours, from a newer program.
    Newer(i64),
    /// Somebody else's.
    Foreign,
}

/// Opens the database at `path` and makes it ready for the statements of [`crate::Cache`].
/// The directory must exist.
pub(crate) fn open(path: &Path, options: Options) -> Result<Connection, CacheError> {
    let sqlite = |error| CacheError::from_sqlite(path.to_path_buf(), options.busy_timeout, error);
    // No URI interpretation: a file named `file:…` is a file.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags).map_err(sqlite)?;
    connection.busy_timeout(options.busy_timeout).map_err(sqlite)?;
    // SQLite falls back to read-only when the file's permissions forbid writing.
    if connection.is_readonly(rusqlite::MAIN_DB).map_err(sqlite)? {
        return Err(CacheError::ReadOnly { path: path.to_path_buf() });
    }
    // The first statement reads the header: garbage fails here with SQLITE_NOTADB. Someone
    // else's file is refused before anything is written to it.
    let found = consistent_state(&connection).map_err(sqlite)?;
    refuse(found, path)?;
    use_wal(&connection, options.busy_timeout).map_err(sqlite)?;
    connection.pragma_update(None, "synchronous", "NORMAL").map_err(sqlite)?;
    if found != State::Ready {
        initialize(&connection, path).map_err(|error| match error {
            Init::Sqlite(error) => sqlite(error),
            Init::Cache(error) => error,
        })?;
    }
    Ok(connection)
}

/// Switches the database to WAL, which lets readers and one writer work at once (a file system
/// without shared memory keeps its journal mode: slower, just as correct).
///
/// SQLite answers a switch that meets another connection's lock with SQLITE_BUSY at once,
/// without its busy handler (two programs opening a new file together), so the switch is
/// retried here until `timeout` has passed.
fn use_wal(connection: &Connection, timeout: Duration) -> rusqlite::Result<()> {
    let mode: String = connection.pragma_query_value(None, "journal_mode", |row| row.get(0))?;
    if mode.eq_ignore_ascii_case("wal") {
        return Ok(());
    }
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    loop {
        match connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0)) {
            Err(error) if is_busy(&error) && Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            result => return result.map(drop),
        }
    }
}

/// Whether SQLite said the database is locked.
fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(error.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

/// The state, read in one transaction so that another program initialising the file at the
/// same moment is seen either before or after, never half-way.
fn consistent_state(connection: &Connection) -> rusqlite::Result<State> {
    let transaction = Transaction::new_unchecked(connection, TransactionBehavior::Deferred)?;
    let found = state(&transaction)?;
    transaction.commit()?;
    Ok(found)
}

/// A failure while creating the schema.
enum Init {
    Sqlite(rusqlite::Error),
    Cache(CacheError),
}

impl From<rusqlite::Error> for Init {
    fn from(error: rusqlite::Error) -> Init {
        Init::Sqlite(error)
    }
}

/// Creates or recreates the table, in a write transaction so that two programs opening a new
/// file at once do it once.
fn initialize(connection: &Connection, path: &Path) -> Result<(), Init> {
    // Dropped without commit on any error: rolled back.
    let transaction = Transaction::new_unchecked(connection, TransactionBehavior::Immediate)?;
    let found = state(&transaction)?;
    match found {
        State::Ready => {}
        State::Empty => create(&transaction)?,
        State::Outdated => {
            transaction.execute_batch("DROP TABLE IF EXISTS digests; DROP TABLE IF EXISTS notes;")?;
            create(&transaction)?;
        }
        State::Newer(_) | State::Foreign => refuse(found, path).map_err(Init::Cache)?,
    }
    transaction.commit()?;
    Ok(())
}

/// The error for a file that is not ours to write.
fn refuse(state: State, path: &Path) -> Result<(), CacheError> {
    match state {
        State::Newer(version) => Err(CacheError::NewerSchema { path: path.to_path_buf(), version }),
        State::Foreign => Err(CacheError::Corrupt { path: path.to_path_buf(), source: None }),
        State::Ready | State::Empty | State::Outdated => Ok(()),
    }
}

/// Creates the table and marks the file.
fn create(connection: &Connection) -> rusqlite::Result<()> {
    connection.execute_batch(CREATE)?;
    connection.pragma_update(None, "application_id", APPLICATION_ID)?;
    connection.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(())
}

/// Reads the header marks and the schema.
fn state(connection: &Connection) -> rusqlite::Result<State> {
    let application_id: i64 = connection.pragma_query_value(None, "application_id", |row| row.get(0))?;
    let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let objects: i64 = connection.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))?;
    let table: i64 = connection.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('digests', 'notes')",
        [],
        |row| row.get(0),
    )?;
    Ok(if application_id == APPLICATION_ID {
        if version > SCHEMA_VERSION {
            State::Newer(version)
        } else if version < SCHEMA_VERSION || table < 2 {
            State::Outdated
        } else {
            State::Ready
        }
    } else if application_id == 0 && objects == 0 {
        State::Empty
    } else {
        State::Foreign
    })
}
