//! Atomic file writes: the new content goes to a temporary file in the destination's own
//! directory, gets the original's permissions, owner and group (where permitted) and sparseness,
//! is synced to disk, and is then renamed over the destination in one step.
//!
//! Whatever happens (an error, a full disk, a kill), the destination holds either its old or its
//! new content. On an error the temporary file is removed; after a kill it stays behind under a
//! name starting with [`TEMP_PREFIX`].
//!
//! A rewrite makes a new file (a new inode): other hard links to the old file keep the old
//! content, and a process holding the old file open keeps reading the old content.

use std::fs::{self, File, Metadata};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::{Error, ErrorKind, Operation};

/// The name prefix of every temporary file this crate creates.
pub const TEMP_PREFIX: &str = ".n64-tmp-";

/// A writer factory for tests: wraps the temporary file in a writer that may fail. Production
/// code passes none.
pub type Wrap<'w> = &'w mut dyn for<'a> FnMut(&'a mut File) -> Box<dyn Write + 'a>;

/// Replaces the file at `path` with what `produce` writes, atomically.
///
/// Symlinks are followed (the target is replaced, the link kept). The new file gets the old
/// one's permissions, its owner and group where the process may set them (as root, or a group
/// the user belongs to), and holes where the old file had them and the new content is zero. A
/// read-only file is refused before anything is written.
///
/// ```
/// use std::io::Write;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("a.bin");
/// std::fs::write(&path, b"old")?;
/// n64_io::atomic::replace(&path, |out| out.write_all(b"new").map_err(|e| n64_io::Error::io(&path, n64_io::Operation::Write, e)))?;
/// assert_eq!(std::fs::read(&path)?, b"new");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn replace(path: &Path, produce: impl FnOnce(&mut dyn Write) -> Result<(), Error>) -> Result<(), Error> {
    replace_inner(path, None, produce)
}

/// [`replace`] with the writer the content goes through injected (fault tests).
pub fn replace_with(
    path: &Path,
    wrap: Wrap<'_>,
    produce: impl FnOnce(&mut dyn Write) -> Result<(), Error>,
) -> Result<(), Error> {
    replace_inner(path, Some(wrap), produce)
}

fn replace_inner(
    path: &Path,
    wrap: Option<Wrap<'_>>,
    produce: impl FnOnce(&mut dyn Write) -> Result<(), Error>,
) -> Result<(), Error> {
    let target = fs::canonicalize(path).map_err(|e| crate::open::open_error(path, e))?;
    let meta = fs::metadata(&target).map_err(|e| Error::io(path, Operation::Read, e))?;
    if !meta.is_file() {
        return Err(Error::new(path, ErrorKind::NotRegular(crate::open::file_kind(&meta))));
    }
    if meta.permissions().readonly() {
        return Err(Error::new(path, ErrorKind::ReadOnly));
    }
    write_via(path, &target, true, Some(&meta), wrap, produce)
}

/// Creates `path`, which must not exist yet, with what `produce` writes, atomically: the file
/// appears complete or not at all. It gets the permissions, owner and group (where permitted)
/// and sparseness of `like` (the file it derives from), or those of a new temporary file (owner
/// read and write only) without one.
pub fn create_new(
    path: &Path,
    like: Option<&Metadata>,
    produce: impl FnOnce(&mut dyn Write) -> Result<(), Error>,
) -> Result<(), Error> {
    let target = resolve_parent(path)?;
    write_via(path, &target, false, like, None, produce)
}

/// [`create_new`] with the writer the content goes through injected (fault tests).
pub fn create_new_with(
    path: &Path,
    like: Option<&Metadata>,
    wrap: Wrap<'_>,
    produce: impl FnOnce(&mut dyn Write) -> Result<(), Error>,
) -> Result<(), Error> {
    let target = resolve_parent(path)?;
    write_via(path, &target, false, like, Some(wrap), produce)
}

/// The path with its directory canonicalised (the file itself need not exist).
fn resolve_parent(path: &Path) -> Result<PathBuf, Error> {
    let name = path.file_name().ok_or_else(|| Error::new(path, ErrorKind::IsDirectory))?;
    let dir = parent_dir(path);
    Ok(fs::canonicalize(dir).map_err(|e| Error::io(dir, Operation::Write, e))?.join(name))
}

/// The directory holding `path` (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn write_via(
    shown: &Path,
    target: &Path,
    overwrite: bool,
    like: Option<&Metadata>,
    wrap: Option<Wrap<'_>>,
    produce: impl FnOnce(&mut dyn Write) -> Result<(), Error>,
) -> Result<(), Error> {
    let reserved = Reserved::new(shown, target, overwrite)?;
    reserved.commit_with(like, wrap, produce)
}

/// A write made ready before anything else is changed: the temporary file beside the target
/// exists (so the directory is writable), the content comes later. Dropped without
/// [`Reserved::commit`], it leaves nothing behind.
///
/// ```
/// use std::io::Write;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("report.json");
/// let reserved = n64_io::atomic::Reserved::replace_or_create(&path)?;
/// // ... the work the report is about ...
/// reserved.commit(None, |out| out.write_all(b"{}").map_err(|e| n64_io::Error::io(&path, n64_io::Operation::Write, e)))?;
/// assert_eq!(std::fs::read(&path)?, b"{}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Reserved {
    shown: PathBuf,
    target: PathBuf,
    overwrite: bool,
    temp: tempfile::NamedTempFile,
}

impl Reserved {
    fn new(shown: &Path, target: &Path, overwrite: bool) -> Result<Reserved, Error> {
        let temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(parent_dir(target))
            .map_err(|e| Error::io(shown, Operation::Write, e))?;
        Ok(Reserved { shown: shown.to_path_buf(), target: target.to_path_buf(), overwrite, temp })
    }

    /// Reserves a write to `path`, which is replaced if it exists (keeping its permissions) and
    /// created otherwise (readable by all, like files most tools create).
    pub fn replace_or_create(path: &Path) -> Result<Reserved, Error> {
        let target = match fs::canonicalize(path) {
            Ok(target) => target,
            Err(_) => resolve_parent(path)?,
        };
        if let Ok(meta) = fs::metadata(&target) {
            if !meta.is_file() {
                return Err(Error::new(path, ErrorKind::NotRegular(crate::open::file_kind(&meta))));
            }
            if meta.permissions().readonly() {
                return Err(Error::new(path, ErrorKind::ReadOnly));
            }
        }
        Reserved::new(path, &target, true)
    }

    /// The temporary file's path (to keep it out of a cleanup of stale temporary files).
    pub fn temp_path(&self) -> &Path {
        self.temp.path()
    }

    /// Writes the content and renames it over the target. `like` gives permissions, owner and
    /// sparseness (`None`: the target's own when it exists, else readable by all).
    pub fn commit(
        self,
        like: Option<&Metadata>,
        produce: impl FnOnce(&mut dyn Write) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let existing = if like.is_none() { fs::metadata(&self.target).ok() } else { None };
        if let Some(like) = like.or(existing.as_ref()) {
            return self.commit_with(Some(like), None, produce);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = self.temp.as_file().set_permissions(fs::Permissions::from_mode(0o644));
        }
        self.commit_with(None, None, produce)
    }

    fn commit_with(
        mut self,
        like: Option<&Metadata>,
        wrap: Option<Wrap<'_>>,
        produce: impl FnOnce(&mut dyn Write) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let shown = self.shown.clone();
        let write_error = |e| Error::io(&shown, Operation::Write, e);
        let sparse = like.is_some_and(is_sparse);
        match wrap {
            Some(wrap) => {
                let mut writer = wrap(self.temp.as_file_mut());
                produce(&mut *writer)?;
                writer.flush().map_err(write_error)?;
            }
            None if sparse => {
                let mut writer = SparseWriter::new(self.temp.as_file_mut());
                produce(&mut writer)?;
                writer.finish().map_err(write_error)?;
            }
            None => produce(self.temp.as_file_mut())?,
        }
        if let Some(like) = like {
            copy_owner(self.temp.as_file(), like);
            self.temp.as_file().set_permissions(like.permissions()).map_err(write_error)?;
        }
        self.temp.as_file().sync_all().map_err(write_error)?;
        let persisted =
            if self.overwrite { self.temp.persist(&self.target) } else { self.temp.persist_noclobber(&self.target) };
        persisted.map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                Error::new(&shown, ErrorKind::AlreadyExists)
            } else {
                write_error(e.error)
            }
        })?;
        sync_dir(parent_dir(&self.target));
        Ok(())
    }
}

/// Gives `file` the owner and group of `like` where the process may (root may set both; a user
/// may set a group they belong to); silently keeps what it can otherwise.
#[cfg(unix)]
fn copy_owner(file: &File, like: &Metadata) {
    use std::os::unix::fs::MetadataExt;
    let Ok(current) = file.metadata() else { return };
    if (current.uid(), current.gid()) == (like.uid(), like.gid()) {
        return;
    }
    if std::os::unix::fs::fchown(file, Some(like.uid()), Some(like.gid())).is_err() {
        let _ = std::os::unix::fs::fchown(file, None, Some(like.gid()));
    }
}

#[cfg(not(unix))]
fn copy_owner(_file: &File, _like: &Metadata) {}

/// Whether a file has holes: fewer blocks allocated than its size needs.
#[cfg(unix)]
fn is_sparse(meta: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.blocks().saturating_mul(512) < meta.len()
}

#[cfg(not(unix))]
fn is_sparse(_meta: &Metadata) -> bool {
    false
}

/// A writer that leaves holes for whole blocks of zeros instead of writing them.
struct SparseWriter<'a> {
    file: &'a mut File,
    /// Bytes written or skipped so far.
    len: u64,
    /// Zero bytes skipped since the last write.
    hole: u64,
}

impl<'a> SparseWriter<'a> {
    const BLOCK: usize = 4096;

    fn new(file: &'a mut File) -> SparseWriter<'a> {
        SparseWriter { file, len: 0, hole: 0 }
    }

    /// Gives the file its full length when it ends in a hole.
    fn finish(self) -> io::Result<()> {
        if self.hole > 0 {
            self.file.set_len(self.len)?;
        }
        Ok(())
    }
}

impl Write for SparseWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while !rest.is_empty() {
            // Up to the next block boundary, so that a skipped block is a whole aligned block.
            let into_block = usize::try_from(self.len % Self::BLOCK as u64).unwrap_or(0);
            let to_boundary = Self::BLOCK - into_block;
            let (piece, after) = rest.split_at(to_boundary.min(rest.len()));
            if piece.len() == Self::BLOCK && piece.iter().all(|&b| b == 0) {
                self.hole += piece.len() as u64;
            } else {
                if self.hole > 0 {
                    self.file.seek(SeekFrom::Current(i64::try_from(self.hole).map_err(io::Error::other)?))?;
                    self.hole = 0;
                }
                self.file.write_all(piece)?;
            }
            self.len += piece.len() as u64;
            rest = after;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Removes a file and syncs its directory, so the removal is durable before the caller goes on.
pub fn remove_durably(path: &Path) -> Result<(), Error> {
    fs::remove_file(path).map_err(|e| Error::io(path, Operation::Remove, e))?;
    sync_dir(parent_dir(path));
    Ok(())
}

/// Syncs a directory so renames and removals in it survive a crash. Best effort: some file
/// systems refuse to sync directories, and the rename itself has happened either way.
pub fn sync_dir(dir: &Path) {
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_all(path: &Path, bytes: &[u8]) -> impl FnOnce(&mut dyn Write) -> Result<(), Error> {
        let path = path.to_path_buf();
        let bytes = bytes.to_vec();
        move |out| out.write_all(&bytes).map_err(|e| Error::io(&path, Operation::Write, e))
    }

    #[test]
    fn replace_keeps_permissions_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        fs::write(&path, b"old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        }
        replace(&path, write_all(&path, b"new content")).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new content");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn create_new_refuses_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        fs::write(&path, b"old").unwrap();
        let err = create_new(&path, None, write_all(&path, b"new")).unwrap_err();
        assert!(matches!(err.kind, ErrorKind::AlreadyExists), "{err}");
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_sparse_file_stays_sparse() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sparse.z64");
        let file = File::create(&path).unwrap();
        file.set_len(64 << 20).unwrap();
        drop(file);
        let before = fs::metadata(&path).unwrap();
        assert!(is_sparse(&before), "the file system makes holes");
        replace(&path, |out| {
            out.write_all(b"head").map_err(|e| Error::io(&path, Operation::Write, e))?;
            let zeros = vec![0u8; 1 << 20];
            for _ in 0..64 {
                out.write_all(&zeros).map_err(|e| Error::io(&path, Operation::Write, e))?;
            }
            Ok(())
        })
        .unwrap();
        let after = fs::metadata(&path).unwrap();
        assert_eq!(after.len(), (64 << 20) + 4);
        assert!(after.blocks() * 512 < 1 << 20, "{} blocks allocated", after.blocks());
        let data = fs::read(&path).unwrap();
        assert_eq!(&data[..4], b"head");
        assert!(data[4..].iter().all(|&b| b == 0));
    }
}
