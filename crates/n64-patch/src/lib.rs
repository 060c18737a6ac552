//! ROM patch formats, pure: bytes in, bytes out. Each format is a module of its own, with its
//! own `apply`, `info` and error type; [`Format`] and [`apply`] choose among them by content, and
//! [`rom`] applies a patch to an N64 ROM in whatever byte order the patch was made against.
//!
//! ```
//! use n64_patch::{Format, Options};
//! let patch = n64_patch::bps::create(b"source bytes", b"target bytes", b"");
//! assert_eq!(Format::detect(&patch), Some(Format::Bps));
//! let applied = n64_patch::apply(Format::Bps, b"source bytes", &patch, &Options::default())?;
//! assert_eq!(applied.output, b"target bytes");
//! # Ok::<(), n64_patch::Error>(())
//! ```

mod format;
pub mod rom;

pub use format::{Applied, Error, Format, Options, Warning, apply};

/// The README's example, run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The largest output any patch may produce: 256 MiB, twice the largest N64 ROM. A patch that
/// declares or builds more is refused before anything that large is allocated.
pub const MAX_OUTPUT: u64 = 256 << 20;

/// The largest patch file the commands read: 512 MiB. No patch needs to be much larger than the
/// output it makes (a patch of literal bytes is the output plus a little).
pub const MAX_PATCH: u64 = 2 * MAX_OUTPUT;

pub mod aps;
pub mod bps;
pub mod ips;
pub mod ups;
pub mod varint;
pub mod vcdiff;
