//! The files n64-fix itself leaves in a collection, which its walks leave alone, the one
//! way it rewrites a file in place, and how it tells that two paths are one file.

use std::path::Path;

use n64_common::Failure;
use n64_io::ImageReader;
use n64_io::atomic::TEMP_PREFIX;

/// The suffix `--backup` gives copies: `game.z64` → `game.z64.bak`.
pub(crate) const BACKUP_SUFFIX: &str = ".bak";

/// Temporary files of versions before n64-io's, still cleaned up by `normalize`.
pub(crate) const LEGACY_TEMP_PREFIX: &str = ".n64-fix-tmp-";

/// Why a file met while walking a directory is left alone, if it is one of n64-fix's own
/// backups (the walk already skips hidden files, temporary files among them).
pub(crate) fn left_alone(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_string_lossy();
    name.ends_with(BACKUP_SUFFIX).then_some("a backup (NAME.bak), left alone")
}

/// Whether `path` is a temporary file (or a move marker) of n64-fix.
pub(crate) fn is_temporary(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        let name = n.to_string_lossy();
        name.starts_with(TEMP_PREFIX) || name.starts_with(LEGACY_TEMP_PREFIX)
    })
}

/// Replaces `path` atomically with what `image` yields.
pub(crate) fn replace_with_image(path: &Path, mut image: ImageReader) -> Result<(), Failure> {
    n64_io::atomic::replace(path, |out| image.copy_to(out, path).map(drop)).map_err(Failure::from)
}

/// Whether `a` and `b` name the same file: the same device and inode (which also catches hard
/// links), or the same path after resolving symlinks. A missing file is no match.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(a), std::fs::metadata(b))
            && (a.dev(), a.ino()) == (b.dev(), b.ino())
        {
            return true;
        }
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
