//! Atomic file writes: the new content goes to a temporary file in the destination's own
//! directory, is synced to disk, gets the original's permissions, and is then renamed over the
//! destination in one step.
//!
//! Whatever happens (an error, a full disk, a kill), the destination holds either its old or its
//! new content. On an error the temporary file is removed; after a kill it stays behind under a
//! name starting with [`TEMP_PREFIX`], which `n64-fix normalize` cleans up on its next run.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The name prefix of every temporary file n64-fix creates.
pub const TEMP_PREFIX: &str = ".n64-fix-tmp-";

/// A writer factory: wraps the temporary file in whatever writer the content goes through.
/// The default passes the file itself; tests inject writers that fail.
pub type Wrap<'w> = &'w mut dyn for<'a> FnMut(&'a mut File) -> Box<dyn Write + 'a>;

fn plain(file: &mut File) -> Box<dyn Write + '_> {
    Box::new(file)
}

/// Replaces the file at `path` with what `produce` writes, atomically.
///
/// Symlinks are followed (the target is replaced, the link kept). The temporary file gets the
/// original's permissions. A read-only file is refused.
pub fn replace(path: &Path, produce: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    replace_with(path, &mut plain, produce)
}

/// [`replace`] with the writer the content goes through made injectable.
pub fn replace_with(
    path: &Path,
    wrap: Wrap<'_>,
    produce: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    let meta = fs::metadata(&target)?;
    if !meta.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"));
    }
    if meta.permissions().readonly() {
        // Not `PermissionDenied`: the message, not the kind, is what the user sees.
        return Err(io::Error::other("file is read-only (make it writable to change it)"));
    }
    write_via(&target, true, Some(meta.permissions()), wrap, produce)
}

/// Creates `path`, which must not exist yet, with what `produce` writes, atomically: the file
/// appears complete or not at all. `permissions` default to those of a new temporary file
/// (owner read/write only) when `None`.
pub fn create_new(
    path: &Path,
    permissions: Option<Permissions>,
    produce: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    create_new_with(path, permissions, &mut plain, produce)
}

/// [`create_new`] with the writer the content goes through made injectable.
pub fn create_new_with(
    path: &Path,
    permissions: Option<Permissions>,
    wrap: Wrap<'_>,
    produce: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let target = resolve_parent(path)?;
    write_via(&target, false, permissions, wrap, produce)
}

/// The path with its directory canonicalised (the file itself need not exist).
fn resolve_parent(path: &Path) -> io::Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let dir = parent_dir(path);
    Ok(fs::canonicalize(dir)?.join(name))
}

/// The directory holding `path` (`.` for a bare file name).
pub(crate) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn write_via(
    target: &Path,
    overwrite: bool,
    permissions: Option<Permissions>,
    wrap: Wrap<'_>,
    produce: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = parent_dir(target);
    // Dropping `temp` on any early return removes the temporary file.
    let mut temp = tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(dir)?;
    {
        let mut writer = wrap(temp.as_file_mut());
        produce(&mut *writer)?;
        writer.flush()?;
    }
    if let Some(permissions) = permissions {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.as_file().sync_all()?;
    if overwrite {
        temp.persist(target).map_err(|e| e.error)?;
    } else {
        temp.persist_noclobber(target).map_err(|e| e.error)?;
    }
    sync_dir(dir);
    Ok(())
}

/// Removes a file and syncs its directory, so the removal is durable before the caller goes on.
pub fn remove_durably(path: &Path) -> io::Result<()> {
    fs::remove_file(path)?;
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

    #[test]
    fn replace_keeps_permissions_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        fs::write(&path, b"old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, Permissions::from_mode(0o640)).unwrap();
        }
        replace(&path, |out| out.write_all(b"new content")).unwrap();
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
        let err = create_new(&path, None, |out| out.write_all(b"new")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
