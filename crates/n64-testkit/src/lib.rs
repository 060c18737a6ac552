//! What every test of n64-tools shares, so that no crate carries its own copy:
//!
//! - [`Rng`]: the one deterministic generator (SplitMix64);
//! - [`Order`]: the three byte orders, swapped by their definition, not by n64-core;
//! - [`Cic`] and [`oracle_check_code`]: check codes from the `ipl3checksum` crate;
//! - [`RomBuilder`]: the one ROM builder (boot code, header fields, body, check code);
//! - [`fuzz`]: the fuzzers' saved corpus replayed as a test;
//! - [`disk`]: 64DD disk images from the published layout;
//! - [`files`]: "no file changed" snapshots and directory listings;
//! - [`run`]: running the binaries in a cleared environment, killed if they hang;
//! - [`paths`]: the workspace's fixtures and assets;
//! - [`tools`]: external tools as oracles (Python, zip, 7-Zip), required under `CI=true`.
//!
//! The kit does not depend on n64-core: expected values never come from the code under test.

pub mod cic;
pub mod crc_force;
pub mod disk;
pub mod files;
pub mod fuzz;
pub mod order;
pub mod paths;
pub mod rng;
pub mod rom;
pub mod run;
pub mod system;
pub mod tools;

pub use cic::{Cic, oracle_check_code};
pub use order::Order;
pub use rng::Rng;
pub use rom::{Body, Boot, Homebrew, RomBuilder, Stored};
