//! The file layer of n64-tools: reading and writing ROM files safely, with no command line in
//! sight.
//!
//! - [`open_regular`]: regular files only, never blocking on a FIFO or a device.
//! - [`inspect_file`], [`identify_file`]: read only the first bytes an operation needs.
//! - [`refuse_disk`]: 64DD disk images are told apart from cartridge ROMs (the readers above
//!   fail with [`ErrorKind::Disk`] for them).
//! - [`ImageReader`]: the whole image in fixed-size chunks, in a chosen byte order, with a new
//!   header and padding when asked, memory flat whatever the ROM size.
//! - [`Hasher`], [`hash_image`]: CRC32, MD5 and SHA-1 in one pass.
//! - [`atomic`]: every write goes to a temporary file beside the target and is renamed over it.
//! - [`walk`]: command-line paths to files, directories recursively, sorted.
//!
//! Every error is an [`Error`]: the path and an [`ErrorKind`] a caller can match on.
//!
//! ```
//! use n64_core::ByteOrder;
//! use n64_io::{hash_image, identify_file, Algorithms, ImageReader};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("game.v64");
//! let mut rom = vec![0u8; 0x2000];
//! rom[..4].copy_from_slice(&[0x37, 0x80, 0x40, 0x12]);
//! std::fs::write(&path, &rom)?;
//!
//! // Hash the ROM as big-endian bytes, whatever order it is stored in.
//! let (size, found) = identify_file(&path, Default::default())?;
//! assert_eq!(found.order, ByteOrder::V64);
//! let mut image = ImageReader::open(&path, size, found.order)?.convert_to(ByteOrder::Z64);
//! let digests = hash_image(&mut image, Algorithms::ALL)?;
//! assert_eq!(digests.crc32_hex().map(|h| h.len()), Some(8));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod atomic;
mod disk;
mod error;
mod hash;
mod image;
mod names;
mod open;
mod read;
mod walk;

pub use disk::refuse_disk;
pub use error::{Change, Error, ErrorKind, FileKind, Operation};
pub use hash::{Algorithms, Digests, Hasher, hash_image, hex};
pub use image::{CHUNK_LEN, ImageReader};
pub use names::order_of_extension;
pub use open::{OpenFile, open_regular};
pub use read::{IDENTIFY_LEN, RomFile, fill, identify_file, inspect_file, inspect_file_into};
pub use walk::{Entry, SkipReason, Skipped, Walked, walk, walk_filtered};
