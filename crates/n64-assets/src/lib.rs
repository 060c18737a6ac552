//! What is inside an N64 ROM, pure: bytes in, values out. `codec` decodes the Yaz0, Yay0 and
//! MIO0 blocks of Nintendo's games; `container` reads the file tables that say where things
//! are (libdragon's rompak TOC and DragonFS, the Zelda 64 file table); `texture` turns the RDP's
//! texture formats into RGBA8 pictures and PNG files; `scan` finds all of the blocks and tables in
//! a whole ROM image at once.
//!
//! Nothing here panics or allocates more than its input can justify, whatever the input.

pub mod codec;
pub mod container;
pub mod scan;
pub mod texture;

/// The README's example, run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
