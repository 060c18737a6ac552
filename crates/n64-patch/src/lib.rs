//! ROM patch formats, pure: bytes in, bytes out. Each format is a module of its own, with its
//! own `apply`, `info` and error type.

/// The largest output any patch may produce: 256 MiB, twice the largest N64 ROM. A patch that
/// declares or builds more is refused before anything that large is allocated.
pub const MAX_OUTPUT: u64 = 256 << 20;

pub mod aps;
pub mod bps;
pub mod ips;
pub mod ups;
pub mod varint;
pub mod vcdiff;
