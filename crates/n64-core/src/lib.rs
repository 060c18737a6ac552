//! Nintendo 64 ROM images: byte orders, the 64-byte header, the CIC behind the boot code, the
//! IPL3 check code ("CRC1/CRC2") and the Advanced Homebrew header.
//!
//! The crate takes bytes and gives values back: it does no file I/O, prints nothing, and never
//! panics on any input. Errors are one type, [`Error`], with the numbers a user can act on.
//!
//! ```
//! use n64_core::{inspect, write_check_code, ByteOrder, CicKind, InspectOptions};
//!
//! // A byte-swapped (.v64) image with an unknown boot code and a zero check code.
//! let mut rom = vec![0u8; 0x10_1000];
//! rom[..4].copy_from_slice(&[0x37, 0x80, 0x40, 0x12]);
//! let options = InspectOptions { cic: Some(CicKind::Cic6102), ..Default::default() };
//! let info = inspect(&rom, rom.len() as u64, options)?;
//! assert_eq!(info.order, ByteOrder::V64);
//! assert_eq!(info.check.is_valid(), Some(false));
//!
//! // Fix it in the image's own byte order, then check again.
//! let code = info.fix_plan(false)?.expect("the stored code is wrong");
//! write_check_code(&mut rom, info.order, code)?;
//! assert_eq!(inspect(&rom, rom.len() as u64, options)?.check.is_valid(), Some(true));
//! # Ok::<(), n64_core::Error>(())
//! ```
#![deny(missing_docs)]

mod byte_order;
pub mod check_code;
mod cic;
mod error;
mod game_code;
mod header;
mod homebrew;
pub mod ipl2;
mod rom;
mod title;

pub use byte_order::{ByteOrder, KNOWN_MAGICS, convert};
pub use check_code::{CheckCode, Computed};
pub use cic::{BootCode, BootCodeFamily, CicKind, DetectedBy, LibdragonBuild};
pub use error::{Error, Result};
pub use game_code::{Category, Destination, GameCode, VideoStandard};
pub use header::{DEFAULT_CLOCK_RATE, HEADER_LEN, Header, LibultraVersion, PiConfig};
pub use homebrew::{Controller, HomebrewHeader, SaveType};
pub use rom::{
    CheckStatus, InspectOptions, OrderSource, RomInfo, detect_order, inspect, required_len, write_check_code,
};
pub use title::{TITLE_LEN, Title};

/// ROM offset of the boot code (IPL3).
pub const BOOT_CODE_OFFSET: usize = 0x40;
/// Length of the boot code in bytes (ROM 0x40..0x1000).
pub const BOOT_CODE_LEN: usize = 0xFC0;
