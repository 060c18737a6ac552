//! Nintendo 64 ROM images: byte orders, the 64-byte header, the CIC behind the boot code, the
//! IPL3 check code ("CRC1/CRC2") and the Advanced Homebrew header.
//!
//! The crate takes bytes and gives values back: it does no file I/O, prints nothing, logs
//! nothing, and never panics on any input. Errors are one type, [`Error`], whose variants carry
//! the numbers a caller can act on.
//!
//! - [`identify`] and [`inspect`] read the first bytes of an image: byte order, header, boot
//!   code, CIC and check code status.
//! - [`finalize`] plans finishing an image: header fields ([`HeaderEdit`]), padding, and the
//!   check code for the CIC the boot code is made for, as a build pipeline's last step.
//! - [`disk`] recognises 64DD disk images (`.ndd`, MAME, `.d64`) and reads their system area.
//! - [`convert`] changes the byte order in place; [`check_code::compute`] is the check code
//!   kernel.
//!
//! ```
//! use n64_core::{finalize, inspect, ByteOrder, CheckCodeFix, CicKind, FinalizeOptions, InspectOptions};
//!
//! // A byte-swapped (.v64) image with an unknown boot code and a zero check code.
//! let mut rom = vec![0u8; 0x10_1000];
//! rom[..4].copy_from_slice(&[0x37, 0x80, 0x40, 0x12]);
//! let options = InspectOptions::default().with_cic(Some(CicKind::Cic6102));
//! let info = inspect(&rom, rom.len() as u64, options)?;
//! assert_eq!(info.order, ByteOrder::V64);
//! assert_eq!(info.check.is_valid(), Some(false));
//!
//! // Fix it in the image's own byte order, then check again.
//! let mut fix = FinalizeOptions::default();
//! let mut check_code = CheckCodeFix::default();
//! check_code.cic = Some(CicKind::Cic6102);
//! fix.check_code = Some(check_code);
//! finalize(&rom, rom.len() as u64, &fix)?.apply(&mut rom)?;
//! assert_eq!(inspect(&rom, rom.len() as u64, options)?.check.is_valid(), Some(true));
//! # Ok::<(), n64_core::Error>(())
//! ```
#![deny(missing_docs)]

mod byte_order;
pub mod check_code;
mod cic;
pub mod disk;
mod error;
mod finalize;
mod game_code;
pub mod game_db;
mod header;
mod homebrew;
pub mod ipl2;
mod rom;
mod title;

pub use byte_order::{ByteOrder, KNOWN_MAGICS, convert};
pub use check_code::{CheckCode, Computed};
pub use cic::{BootCode, BootCodeFamily, CicKind, DetectedBy, LibdragonBuild};
pub use error::{Error, NameKind, Result, Structure};
pub use finalize::{CheckCodeAction, CheckCodeFix, FinalizeOptions, Finalized, HeaderEdit, Padding, finalize};
pub use game_code::{Category, Destination, GameCode, VideoStandard};
pub use header::{DEFAULT_CLOCK_RATE, HEADER_LEN, Header, LibultraVersion, PiConfig};
pub use homebrew::{Controller, HomebrewHeader, SaveType};
pub use rom::{
    CheckStatus, Identified, InspectOptions, OrderSource, RomInfo, detect_order, identify, inspect, required_len,
    write_check_code,
};
pub use title::{TITLE_LEN, Title};

/// ROM offset of the boot code (IPL3).
pub const BOOT_CODE_OFFSET: usize = 0x40;
/// Length of the boot code in bytes (ROM 0x40..0x1000).
pub const BOOT_CODE_LEN: usize = 0xFC0;
