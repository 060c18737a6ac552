//! What the machine allows: mounting a small file system, enforcing permission bits.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted on a directory for the length of a test, unmounted when dropped (also when
/// the test fails).
#[derive(Debug)]
pub struct Tmpfs {
    /// Where it is mounted.
    pub dir: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. "2m") on `dir`, or says why it cannot be done here.
    pub fn mount(dir: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0755"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if out.status.success() {
            Ok(Tmpfs { dir: dir.to_path_buf() })
        } else {
            Err(format!("mount -t tmpfs failed: {}", String::from_utf8_lossy(&out.stderr).trim()))
        }
    }

    /// Remounts it read-only.
    pub fn remount_read_only(&self) -> Result<(), String> {
        let out =
            Command::new("mount").args(["-o", "remount,ro"]).arg(&self.dir).output().map_err(|e| e.to_string())?;
        if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).trim().to_owned()) }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let unmounted = Command::new("umount").arg(&self.dir).status().is_ok_and(|s| s.success());
        if !unmounted {
            // Busy (a child still running): detach it so the temporary directory can go.
            let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        }
    }
}

/// Whether permission bits stop this process (they do not for root, as in CI containers):
/// tries to read a file with mode 000.
#[cfg(unix)]
pub fn permissions_enforced() -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Ok(dir) = tempfile::tempdir() else { return false };
    let path = dir.path().join("probe");
    if std::fs::write(&path, b"x").is_err() {
        return false;
    }
    let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000));
    std::fs::File::open(&path).is_err()
}

/// Whether this process may give files to another user (root); prints a note for the test's
/// output when it may not.
#[cfg(unix)]
pub fn may_change_owners() -> bool {
    let root = is_root();
    if !root {
        eprintln!("note: skipped: only root may give a file to another user");
    }
    root
}

/// Whether this process runs as root (and may change owners).
#[cfg(unix)]
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(dir) = tempfile::tempdir() else { return false };
    std::fs::metadata(dir.path()).is_ok_and(|m| m.uid() == 0)
}
