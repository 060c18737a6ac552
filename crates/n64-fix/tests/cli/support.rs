//! ROMs built in the test, and running the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use n64_core::{ByteOrder, convert};
use sha1::{Digest, Sha1};

/// A deterministic byte generator.
pub(crate) struct Lcg(pub u64);

impl Lcg {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    pub(crate) fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            *b = (self.next() & 0xFF) as u8;
        }
    }
}

/// A big-endian ROM of `size` bytes: retail magic, boot address 0x80000400, the title, game
/// code NXXE, an unknown (random) boot code and a random body. Its check code is zero.
pub(crate) fn rom_be(seed: u64, size: usize, title: &str) -> Vec<u8> {
    let mut rom = vec![0u8; size];
    Lcg(seed).fill(&mut rom[0x40..]);
    rom[..4].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
    rom[4..8].copy_from_slice(&[0, 0, 0, 0x0F]);
    rom[8..12].copy_from_slice(&[0x80, 0, 0x04, 0]);
    rom[0x10..0x18].fill(0);
    rom[0x20..0x34].fill(b' ');
    rom[0x20..0x20 + title.len()].copy_from_slice(title.as_bytes());
    rom[0x34..0x3B].fill(0);
    rom[0x3B..0x3F].copy_from_slice(b"NXXE");
    rom[0x3F] = 0;
    rom
}

/// The check code `ipl3checksum` computes for a big-endian ROM with CIC 6102.
pub(crate) fn oracle(be: &[u8]) -> [u8; 8] {
    let (crc1, crc2) = ipl3checksum::calculate_checksum(be, ipl3checksum::CICKind::CIC_6102_7101).unwrap();
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&crc1.to_be_bytes());
    out[4..].copy_from_slice(&crc2.to_be_bytes());
    out
}

/// `be` with a valid 6102 check code.
pub(crate) fn with_valid_code(mut be: Vec<u8>) -> Vec<u8> {
    let code = oracle(&be);
    be[0x10..0x18].copy_from_slice(&code);
    be
}

/// Converts big-endian bytes to `order`.
pub(crate) fn stored(be: &[u8], order: ByteOrder) -> Vec<u8> {
    let mut out = be.to_vec();
    convert(&mut out, ByteOrder::Z64, order).unwrap();
    out
}

/// Converts stored bytes to big-endian.
pub(crate) fn to_be(data: &[u8], order: ByteOrder) -> Vec<u8> {
    let mut out = data.to_vec();
    convert(&mut out, order, ByteOrder::Z64).unwrap();
    out
}

/// SHA-1 of a file's content as big-endian bytes (order from the first word).
pub(crate) fn be_sha1(path: &Path) -> [u8; 20] {
    let data = std::fs::read(path).unwrap();
    let order = ByteOrder::from_magic(data[..4].try_into().unwrap()).unwrap();
    Sha1::digest(to_be(&data, order)).into()
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub(crate) fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// Sets a file's mtime to a fixed time in the past, so an unwanted rewrite shows.
pub(crate) fn age(path: &Path) -> SystemTime {
    let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    std::fs::File::options().write(true).open(path).unwrap().set_modified(when).unwrap();
    when
}

pub(crate) fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

/// The lock file `normalize` leaves in each root directory (empty; tested in `hostile.rs`).
pub(crate) const LOCK_NAME: &str = ".n64-fix.lock";

/// Every file under `dir`, relative, sorted; not `normalize`'s lock files ([`LOCK_NAME`]).
pub(crate) fn tree(dir: &Path) -> Vec<PathBuf> {
    fn visit(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(root, &path, out);
            } else if path.file_name().is_some_and(|n| n == LOCK_NAME) {
                assert_eq!(std::fs::metadata(&path).unwrap().len(), 0, "the lock file stays empty");
            } else {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    visit(dir, dir, &mut out);
    out.sort();
    out
}

/// The `n64` binary next to `n64-fix`, built if missing; `None` when it cannot be had.
pub(crate) fn n64_binary() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_BIN_EXE_n64-fix")).parent()?.to_path_buf();
    let binary = dir.join(format!("n64{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let _ = Command::new(cargo).args(["build", "-p", "n64-cli"]).status();
    }
    binary.exists().then_some(binary)
}

/// Runs `n64-fix` with arguments, then paths.
pub(crate) fn run<P: AsRef<std::ffi::OsStr>>(args: &[&str], paths: &[P]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_n64-fix")).args(args).args(paths).output().unwrap()
}

/// Content and modification time of every file under `root` (recursively, not following
/// links), without `normalize`'s lock files, which must be empty.
pub(crate) fn snapshot(root: &Path) -> std::collections::BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut map = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            if meta.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == LOCK_NAME) {
                assert_eq!(meta.len(), 0, "the lock file stays empty");
            } else if meta.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                map.insert(path, (bytes, meta.modified().unwrap()));
            }
        }
    }
    map
}

/// Runs `f` and asserts that no file under `root` changed, in content or modification time,
/// and that none appeared or vanished (the lock file `normalize` leaves aside).
pub(crate) fn unchanged<T>(root: &Path, f: impl FnOnce() -> T) -> T {
    let before = snapshot(root);
    let value = f();
    let after = snapshot(root);
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "files appeared or vanished");
    for (path, (bytes, mtime)) in &before {
        let (bytes_after, mtime_after) = &after[path];
        assert!(bytes == bytes_after, "{} changed", path.display());
        assert_eq!(mtime, mtime_after, "{} was touched", path.display());
    }
    value
}

/// Runs `program` with `args`, killing it and failing the test when it runs longer than
/// `limit` (a hang on a FIFO or a device shows as a failure, not a stuck test run).
pub(crate) fn run_within(program: &Path, args: &[&std::ffi::OsStr], limit: Duration) -> Output {
    use std::process::Stdio;
    let mut child = Command::new(program)
        .args(args)
        .env_remove("N64_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} {args:?} still running after {limit:?}", program.display());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The `n64-fix` binary.
pub(crate) fn n64_fix_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_n64-fix"))
}

/// A tmpfs mounted on a directory for the length of a test, unmounted when dropped (also when
/// the test fails).
pub(crate) struct Tmpfs {
    pub(crate) dir: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. "2m") on `dir`, or says why it cannot be done here.
    pub(crate) fn mount(dir: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0755"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if out.status.success() {
            Ok(Tmpfs { dir: dir.to_path_buf() })
        } else {
            Err(format!("mount -t tmpfs failed: {}", stderr(&out).trim()))
        }
    }

    /// Remounts it read-only.
    pub(crate) fn remount_read_only(&self) -> Result<(), String> {
        let out =
            Command::new("mount").args(["-o", "remount,ro"]).arg(&self.dir).output().map_err(|e| e.to_string())?;
        if out.status.success() { Ok(()) } else { Err(stderr(&out).trim().to_owned()) }
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
pub(crate) fn permissions_enforced() -> bool {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("probe");
    std::fs::write(&path, b"x").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::File::open(&path).is_err()
}
