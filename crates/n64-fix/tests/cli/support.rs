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

/// Every file under `dir`, relative, sorted.
pub(crate) fn tree(dir: &Path) -> Vec<PathBuf> {
    fn visit(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(root, &path, out);
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
