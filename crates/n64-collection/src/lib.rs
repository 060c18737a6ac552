//! Verifying N64 collections against DAT files, whatever the byte order of each file.
//!
//! The flow: [`load_dat`] reads each DAT; [`hash_path`] hashes a file (or every member of a
//! zip or 7z archive) in every view the DATs need, in one streaming pass, through an optional
//! [`RunCache`]; [`judge`] matches the hashed files against the DATs' [`n64_dat::Index`] and
//! decides each file's [`FileStatus`] and each game's [`GameStatus`]. Front ends (`n64 verify`,
//! `n64-fix normalize --dat`) walk the paths, run the hashing in parallel and print.

mod cached;
mod dats;
mod error;
mod hashing;
mod lanes;
mod matching;
mod source;

pub use cached::RunCache;
pub use dats::{LoadedDat, MAX_DAT_LEN, load_dat};
pub use error::Error;
pub use hashing::{Found, Hashed, Plan, Walked, hash_path};
pub use lanes::{Lanes, View, conversion, view_name};
pub use matching::{Candidate, FileStatus, FileVerdict, GameStatus, GameVerdict, Verdicts, judge, rom_of};
pub use source::Source;
