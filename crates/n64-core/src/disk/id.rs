//! The disk ID block: which game, which version, who made the disk and when.

use std::fmt;

use super::geometry::{SECTORS_PER_BLOCK, SYSTEM_SECTOR_LEN};

/// The length of the disk ID fields at the start of each sector.
pub const DISK_ID_LEN: usize = 32;

/// The disk ID (LBAs 14 and 15; at 0x100 in a `.d64`).
///
/// Byte layout: 0..4 initial code (the game code, e.g. `DMPJ`), 4 game version, 5 disk
/// number, 6 RAM use (1 when the RAM area holds an MFS file system), 7 disk use, 8..16 factory
/// line, 16..24 production time (BCD `00 YY YY MM DD hh mm ss`), 24..26 company code (`01` is
/// Nintendo), 26..32 free for the developer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiskId {
    /// The 32 bytes as stored.
    pub raw: [u8; DISK_ID_LEN],
}

impl DiskId {
    /// The fields of the first 32 bytes of `bytes`, if there are 32.
    ///
    /// ```
    /// use n64_core::disk::DiskId;
    /// let mut raw = [0u8; 32];
    /// raw[..4].copy_from_slice(b"DMPJ");
    /// raw[16..24].copy_from_slice(&[0x00, 0x19, 0x99, 0x12, 0x01, 0x23, 0x59, 0x00]);
    /// raw[24..26].copy_from_slice(b"01");
    /// let id = DiskId::new(&raw).unwrap();
    /// assert_eq!(id.game_code(), Some("DMPJ"));
    /// assert_eq!(id.company_code(), Some("01"));
    /// assert_eq!(id.production_time().unwrap().to_string(), "1999-12-01 23:59:00");
    /// ```
    pub fn new(bytes: &[u8]) -> Option<DiskId> {
        Some(DiskId { raw: bytes.get(..DISK_ID_LEN)?.try_into().ok()? })
    }

    /// The four-character game code ("initial code"), when it is printable ASCII.
    pub fn game_code(&self) -> Option<&str> {
        printable(&self.raw[..4])
    }

    /// Byte 4: the game's version.
    pub fn version(&self) -> u8 {
        self.raw[4]
    }

    /// Byte 5: the disk number of a game on several disks.
    pub fn disk_number(&self) -> u8 {
        self.raw[5]
    }

    /// Byte 6: 1 when the RAM area holds an MFS file system.
    pub fn ram_use(&self) -> u8 {
        self.raw[6]
    }

    /// Byte 7: the disk use (0 for a game disk).
    pub fn disk_use(&self) -> u8 {
        self.raw[7]
    }

    /// Bytes 8..16: the factory line, raw (BCD digits, or `PTN64` text on development disks).
    pub fn factory_line(&self) -> [u8; 8] {
        self.raw[8..16].try_into().unwrap_or_default()
    }

    /// Bytes 16..24, raw.
    pub fn production_time_raw(&self) -> [u8; 8] {
        self.raw[16..24].try_into().unwrap_or_default()
    }

    /// The production time, when bytes 16..24 are valid BCD of a real date and time.
    pub fn production_time(&self) -> Option<ProductionTime> {
        let raw = self.production_time_raw();
        let digits: Option<Vec<u16>> = raw.iter().map(|&b| bcd(b).map(u16::from)).collect();
        let d = digits?;
        let time = ProductionTime {
            year: d[1] * 100 + d[2],
            month: u8::try_from(d[3]).ok()?,
            day: u8::try_from(d[4]).ok()?,
            hour: u8::try_from(d[5]).ok()?,
            minute: u8::try_from(d[6]).ok()?,
            second: u8::try_from(d[7]).ok()?,
        };
        let valid = (1..=12).contains(&time.month)
            && (1..=31).contains(&time.day)
            && time.hour < 24
            && time.minute < 60
            && time.second < 60;
        valid.then_some(time)
    }

    /// The two-character company code, when printable ASCII (`01` is Nintendo).
    pub fn company_code(&self) -> Option<&str> {
        printable(&self.raw[24..26])
    }
}

/// A production date and time from the disk ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ProductionTime {
    /// The year (four digits).
    pub year: u16,
    /// 1 to 12.
    pub month: u8,
    /// 1 to 31.
    pub day: u8,
    /// 0 to 23.
    pub hour: u8,
    /// 0 to 59.
    pub minute: u8,
    /// 0 to 59.
    pub second: u8,
}

impl fmt::Display for ProductionTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// A two-digit BCD byte's value.
fn bcd(byte: u8) -> Option<u8> {
    let (high, low) = (byte >> 4, byte & 0x0F);
    (high < 10 && low < 10).then_some(high * 10 + low)
}

fn printable(bytes: &[u8]) -> Option<&str> {
    if bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ') { std::str::from_utf8(bytes).ok() } else { None }
}

/// Reads a disk ID copy from a whole zone-0 block: `None` unless its 85 sectors of 232 bytes
/// are identical.
pub(crate) fn read_copy(block: &[u8]) -> Option<DiskId> {
    let sectors = block.get(..SYSTEM_SECTOR_LEN * SECTORS_PER_BLOCK)?;
    let first = &sectors[..SYSTEM_SECTOR_LEN];
    if !sectors.chunks_exact(SYSTEM_SECTOR_LEN).all(|sector| sector == first) {
        return None;
    }
    DiskId::new(first)
}
