//! What the `n64-fix` tests share: the binary, and thin names over `n64-testkit` for the ROMs
//! they build (byte orders and check codes from the kit, independent of n64-core).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use n64_core::ByteOrder;
pub(crate) use n64_testkit::files::{age, mtime, tree, unchanged};
pub(crate) use n64_testkit::run::Output;
pub(crate) use n64_testkit::system::{Tmpfs, permissions_enforced};
pub(crate) use n64_testkit::{Cic, Order, Rng, RomBuilder};

/// The `n64-fix` binary.
pub(crate) fn n64_fix_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_n64-fix"))
}

/// The `n64` binary beside `n64-fix`, built when missing (`cargo test -p n64-fix` alone does
/// not build it).
pub(crate) fn n64_binary() -> PathBuf {
    let dir = n64_fix_binary().parent().expect("target dir");
    let binary = dir.join(format!("n64{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let status = std::process::Command::new(cargo).args(["build", "-p", "n64-cli"]).status();
        assert!(status.is_ok_and(|s| s.success()), "the n64 binary could not be built");
    }
    binary
}

/// Runs `n64` with `args` in a cleared environment.
pub(crate) fn run_n64<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> Output {
    n64_testkit::run::run(&n64_binary(), args)
}

/// Runs `n64-fix` with arguments, then paths, in a cleared environment.
pub(crate) fn run<P: AsRef<OsStr>>(args: &[&str], paths: &[P]) -> Output {
    let all: Vec<&OsStr> = args.iter().map(OsStr::new).chain(paths.iter().map(AsRef::as_ref)).collect();
    n64_testkit::run::run(n64_fix_binary(), all)
}

pub(crate) fn stdout(output: &Output) -> String {
    output.stdout.clone()
}

pub(crate) fn stderr(output: &Output) -> String {
    output.stderr.clone()
}

pub(crate) fn code(output: &Output) -> i32 {
    output.code
}

/// The kit's order of the same name.
pub(crate) fn kit_order(order: ByteOrder) -> Order {
    Order::from_name(order.name()).expect("the three orders")
}

/// A big-endian ROM of `size` bytes: retail magic, boot address 0x80000400, the title, game
/// code NXXE, an unknown (random) boot code and a random body. Its check code is zero.
pub(crate) fn rom_be(seed: u64, size: usize, title: &str) -> Vec<u8> {
    RomBuilder::new(size).seed(seed).title(title).build()
}

/// The check code `ipl3checksum` computes for a big-endian ROM with CIC 6102 (zero-padded).
pub(crate) fn oracle(be: &[u8]) -> [u8; 8] {
    n64_testkit::cic::oracle_check_code_bytes(be, Cic::C6102)
}

/// `be` with a valid 6102 check code.
pub(crate) fn with_valid_code(mut be: Vec<u8>) -> Vec<u8> {
    let code = oracle(&be);
    be[0x10..0x18].copy_from_slice(&code);
    be
}

/// Big-endian bytes stored in `order` (by the kit's definition, not n64-core's).
pub(crate) fn stored(be: &[u8], order: ByteOrder) -> Vec<u8> {
    kit_order(order).store(be)
}

/// Stored bytes as big-endian.
pub(crate) fn to_be(data: &[u8], order: ByteOrder) -> Vec<u8> {
    kit_order(order).load(data)
}

/// A file's content as big-endian bytes (order from its magic), as a fingerprint.
pub(crate) fn be_content(path: &Path) -> u64 {
    let data = std::fs::read(path).unwrap();
    let order = Order::of_magic(&data).expect("a ROM magic");
    n64_testkit::files::fingerprint(&order.load(&data))
}

/// The libdragon IPL3 asset (header and boot code), public domain.
pub(crate) const LIBDRAGON_IPL3: &[u8; 0x1000] = n64_testkit::rom::LIBDRAGON_IPL3;
