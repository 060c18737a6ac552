//! What the `n64` tests share: the binary, and thin names over `n64-testkit`.

use std::ffi::OsStr;
use std::path::Path;

pub(crate) use n64_testkit::files::unchanged;
pub(crate) use n64_testkit::paths::{fixtures, testdata};
pub(crate) use n64_testkit::run::Output as Run;

/// The `n64` binary.
pub(crate) fn n64_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_n64"))
}

/// Runs `n64` with `args` in a cleared environment, killed (and the test failed) if it hangs.
pub(crate) fn n64<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    n64_testkit::run::run(n64_binary(), args)
}

/// Converts big-endian bytes to a byte order (by the kit's definition, not n64-core's).
pub(crate) fn to_order(be: &[u8], order: &str) -> Vec<u8> {
    n64_testkit::Order::from_name(order).expect("z64, v64 or n64").store(be)
}

/// A big-endian ROM with the z64 magic, an unknown boot code and a random body.
pub(crate) fn synthetic_rom(len: usize, title: &str, seed: u8) -> Vec<u8> {
    n64_testkit::RomBuilder::new(len).seed(u64::from(seed)).title(title).game_code(b"NTSE").build()
}
