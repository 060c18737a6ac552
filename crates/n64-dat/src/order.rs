//! Which byte order a DAT's hashes are over.
//!
//! No-Intro publishes the N64 set twice: "Nintendo - Nintendo 64 (BigEndian)", whose hashes are
//! over the big-endian (z64) bytes, and "(ByteSwapped)", over the 16-bit-swapped (v64) bytes. A
//! DAT that says neither is judged by each rom's extension. `None` means "hash the file's bytes
//! as they are".

use n64_core::ByteOrder;

use crate::model::{Dat, Rom};

impl Dat {
    /// The byte order the header's name declares: `(BigEndian)` is z64, `(ByteSwapped)` is v64,
    /// in any ASCII case; `None` when it names neither (or both).
    ///
    /// ```
    /// use n64_core::ByteOrder;
    /// use n64_dat::Dat;
    ///
    /// let mut dat = Dat::default();
    /// dat.header.name = "Nintendo - Nintendo 64 (BigEndian)".into();
    /// assert_eq!(dat.declared_order(), Some(ByteOrder::Z64));
    /// dat.header.name = "Nintendo - Nintendo 64".into();
    /// assert_eq!(dat.declared_order(), None);
    /// ```
    pub fn declared_order(&self) -> Option<ByteOrder> {
        let name = self.header.name.to_ascii_lowercase();
        match (name.contains("(bigendian)"), name.contains("(byteswapped)")) {
            (true, false) => Some(ByteOrder::Z64),
            (false, true) => Some(ByteOrder::V64),
            _ => None,
        }
    }
}

/// The byte order a rom's file name implies by its extension: `.z64`, `.v64` or `.n64`, in any
/// ASCII case; `None` for any other name.
///
/// Old No-Intro sets named byte-swapped data `.n64`; a DAT that does so should declare its order
/// in its name or be read with a forced order.
///
/// ```
/// use n64_core::ByteOrder;
/// use n64_dat::order_of_rom_name;
///
/// assert_eq!(order_of_rom_name("Game (USA).V64"), Some(ByteOrder::V64));
/// assert_eq!(order_of_rom_name("Game (USA).bin"), None);
/// ```
pub fn order_of_rom_name(name: &str) -> Option<ByteOrder> {
    let (_, extension) = name.rsplit_once('.')?;
    ByteOrder::ALL.into_iter().find(|order| order.name().eq_ignore_ascii_case(extension))
}

/// The order a rom's hashes are over: `forced` (the user's choice) wins, then the DAT's
/// [declared order](Dat::declared_order), then the rom's [extension](order_of_rom_name); `None`
/// means the raw bytes.
///
/// ```
/// use n64_core::ByteOrder;
/// use n64_dat::{rom_order, Dat, Rom};
///
/// let dat = Dat::default();
/// let rom = Rom { name: "Game.v64".into(), ..Rom::default() };
/// assert_eq!(rom_order(&dat, &rom, None), Some(ByteOrder::V64));
/// assert_eq!(rom_order(&dat, &rom, Some(ByteOrder::Z64)), Some(ByteOrder::Z64));
/// ```
pub fn rom_order(dat: &Dat, rom: &Rom, forced: Option<ByteOrder>) -> Option<ByteOrder> {
    forced.or_else(|| dat.declared_order()).or_else(|| order_of_rom_name(&rom.name))
}
