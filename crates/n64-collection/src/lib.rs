//! Verifying N64 collections against DAT files, whatever the byte order of each file.
//!
//! The flow: [`hash_path`] hashes a file (or every member of a zip or 7z archive) in every
//! view the DATs need, in one streaming pass, through an optional [`RunCache`]; [`judge`]
//! matches the hashed files against the DATs' [`n64_dat::Index`] and decides each file's
//! [`FileStatus`] and each game's [`GameStatus`]. Front ends (`n64 verify`,
//! `n64-fix normalize --dat`) walk the paths, run the hashing in parallel and print.

mod cached;
mod error;
mod hashing;
mod lanes;
mod matching;
mod source;

pub use cached::RunCache;
pub use error::Error;
pub use hashing::{Found, Hashed, Plan, Walked, hash_path};
pub use lanes::{Lanes, View, view_name};
pub use matching::{Candidate, FileStatus, FileVerdict, GameStatus, GameVerdict, Verdicts, judge, rom_of};
pub use source::Source;
