//! The 64-byte ROM header: a typed view over the big-endian bytes, with validated setters.

use std::fmt;

use crate::{ByteOrder, CheckCode, Error, GameCode, HomebrewHeader, Result, Structure, Title, convert, homebrew};

/// Length of the header in bytes.
pub const HEADER_LEN: usize = 0x40;

/// The PI bus timing for ROM accesses (header 0x00), which IPL2 loads into the PI DOM1
/// registers before reading the rest of the ROM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PiConfig {
    /// The raw big-endian word (`0x80371240` on every retail cartridge).
    pub raw: u32,
}

impl PiConfig {
    /// Latency (bits 0..8): cycles before the first access.
    pub const fn latency(self) -> u8 {
        (self.raw & 0xFF) as u8
    }
    /// Pulse width (bits 8..16).
    pub const fn pulse_width(self) -> u8 {
        ((self.raw >> 8) & 0xFF) as u8
    }
    /// Page size (bits 16..20): pages of 2^(n+2) bytes.
    pub const fn page_size(self) -> u8 {
        ((self.raw >> 16) & 0x0F) as u8
    }
    /// Release duration (bits 20..22).
    pub const fn release(self) -> u8 {
        ((self.raw >> 20) & 0x03) as u8
    }
}

impl fmt::Display for PiConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:08X} (latency {:#04x}, pulse width {:#04x}, page size {}, release {})",
            self.raw,
            self.latency(),
            self.pulse_width(),
            self.page_size(),
            self.release()
        )
    }
}

/// The libultra version field (header 0x0C), e.g. `00 00 14 4C` = "2.0L".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LibultraVersion {
    /// The raw big-endian word.
    pub raw: u32,
}

impl LibultraVersion {
    /// `"2.0L"` when the field holds a version (decimal major·minor byte and a revision letter).
    ///
    /// ```
    /// use n64_core::LibultraVersion;
    /// assert_eq!(LibultraVersion { raw: 0x0000_144C }.version().as_deref(), Some("2.0L"));
    /// assert_eq!(LibultraVersion { raw: 0 }.version(), None);
    /// ```
    pub fn version(self) -> Option<String> {
        let [_, _, number, revision] = self.raw.to_be_bytes();
        if (10..100).contains(&number) && revision.is_ascii_alphabetic() {
            Some(format!("{}.{}{}", number / 10, number % 10, char::from(revision)))
        } else {
            None
        }
    }
}

/// The clock rate libultra 2.0I and earlier assume when the header sets none.
pub const DEFAULT_CLOCK_RATE: u32 = 62_500_000;

/// A copy of the 64 header bytes in big-endian order, with typed accessors and setters.
///
/// Every byte the accessors do not model survives a read-modify-write unchanged.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    bytes: [u8; HEADER_LEN],
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Header")
            .field("pi_config", &self.pi_config())
            .field("boot_address", &format_args!("{:#010x}", self.boot_address()))
            .field("check_code", &self.check_code())
            .field("title", &self.title().text())
            .field("game_code", &self.game_code().to_string())
            .finish_non_exhaustive()
    }
}

impl Header {
    /// Wraps 64 big-endian header bytes.
    pub const fn from_be_bytes(bytes: [u8; HEADER_LEN]) -> Header {
        Header { bytes }
    }

    /// Reads the header from the start of a ROM stored in `order`.
    ///
    /// ```
    /// use n64_core::{ByteOrder, Header};
    /// let mut rom = [0u8; 64];
    /// rom[..4].copy_from_slice(&[0x37, 0x80, 0x40, 0x12]);
    /// let header = Header::read(&rom, ByteOrder::V64)?;
    /// assert_eq!(header.pi_config().raw, 0x8037_1240);
    /// assert!(Header::read(&rom[..10], ByteOrder::Z64).is_err());
    /// # Ok::<(), n64_core::Error>(())
    /// ```
    pub fn read(rom: &[u8], order: ByteOrder) -> Result<Header> {
        let stored = rom.get(..HEADER_LEN).ok_or(Error::TooShort {
            what: Structure::Header,
            expected: HEADER_LEN,
            found: rom.len(),
        })?;
        let mut bytes: [u8; HEADER_LEN] = stored.try_into().expect("slice is HEADER_LEN bytes");
        convert(&mut bytes, order, ByteOrder::Z64)?;
        Ok(Header { bytes })
    }

    /// Writes the header back over the first 64 bytes of a ROM stored in `order`.
    pub fn write(&self, rom: &mut [u8], order: ByteOrder) -> Result<()> {
        let found = rom.len();
        let target = rom.get_mut(..HEADER_LEN).ok_or(Error::TooShort {
            what: Structure::Header,
            expected: HEADER_LEN,
            found,
        })?;
        let mut bytes = self.bytes;
        convert(&mut bytes, ByteOrder::Z64, order)?;
        target.copy_from_slice(&bytes);
        Ok(())
    }

    /// The big-endian bytes.
    pub const fn as_be_bytes(&self) -> &[u8; HEADER_LEN] {
        &self.bytes
    }

    fn word(&self, offset: usize) -> u32 {
        u32::from_be_bytes([self.bytes[offset], self.bytes[offset + 1], self.bytes[offset + 2], self.bytes[offset + 3]])
    }

    fn set_word(&mut self, offset: usize, value: u32) {
        self.bytes[offset..offset + 4].copy_from_slice(&value.to_be_bytes());
    }

    /// PI DOM1 configuration (0x00).
    pub fn pi_config(&self) -> PiConfig {
        PiConfig { raw: self.word(0x00) }
    }

    /// Sets the PI DOM1 configuration word.
    pub fn set_pi_config(&mut self, config: PiConfig) {
        self.set_word(0x00, config.raw);
    }

    /// The raw clock rate word (0x04).
    pub fn clock_rate(&self) -> u32 {
        self.word(0x04)
    }

    /// Sets the raw clock rate word.
    pub fn set_clock_rate(&mut self, raw: u32) {
        self.set_word(0x04, raw);
    }

    /// The CPU count rate libultra (2.0I and earlier) derives from the clock rate: the low
    /// nibble masked off, 62.5 MHz when that leaves zero, times 3/4.
    ///
    /// ```
    /// use n64_core::Header;
    /// let mut header = Header::from_be_bytes([0; 64]);
    /// header.set_clock_rate(0x0000_000F);
    /// assert_eq!(header.effective_clock_rate(), 46_875_000);
    /// header.set_clock_rate(0x03A0_7F5F); // Doom 64
    /// assert_eq!(header.effective_clock_rate(), 0x02B8_5F7C);
    /// ```
    pub fn effective_clock_rate(&self) -> u32 {
        let masked = self.clock_rate() & !0xF;
        let base = if masked == 0 { DEFAULT_CLOCK_RATE } else { masked };
        u32::try_from(u64::from(base) * 3 / 4).expect("3/4 of a u32 fits a u32")
    }

    /// The boot address (0x08): where the boot code loads the program and, for most CICs, jumps.
    /// See [`crate::CicKind::entry_point`] for the real entry point.
    pub fn boot_address(&self) -> u32 {
        self.word(0x08)
    }

    /// Sets the boot address.
    pub fn set_boot_address(&mut self, address: u32) {
        self.set_word(0x08, address);
    }

    /// The libultra version field (0x0C).
    pub fn libultra_version(&self) -> LibultraVersion {
        LibultraVersion { raw: self.word(0x0C) }
    }

    /// The stored check code (0x10..0x18).
    pub fn check_code(&self) -> CheckCode {
        CheckCode { crc1: self.word(0x10), crc2: self.word(0x14) }
    }

    /// Sets the check code.
    pub fn set_check_code(&mut self, code: CheckCode) {
        self.set_word(0x10, code.crc1);
        self.set_word(0x14, code.crc2);
    }

    /// The reserved bytes at 0x18..0x20 (Rare's debug ROMs keep dongle data here).
    pub fn reserved_18(&self) -> [u8; 8] {
        self.bytes[0x18..0x20].try_into().expect("8 bytes")
    }

    /// The title (0x20..0x34).
    pub fn title(&self) -> Title {
        Title::from_raw(self.bytes[0x20..0x34].try_into().expect("20 bytes"))
    }

    /// Encodes and sets the title (ASCII or half-width katakana, at most 20 characters).
    ///
    /// ```
    /// use n64_core::Header;
    /// let mut header = Header::from_be_bytes([0; 64]);
    /// header.set_title("SUPER MARIO 64")?;
    /// assert_eq!(header.title().text(), "SUPER MARIO 64");
    /// assert!(header.set_title("a title far too long for the field").is_err());
    /// assert_eq!(header.title().text(), "SUPER MARIO 64"); // unchanged on error
    /// # Ok::<(), n64_core::Error>(())
    /// ```
    pub fn set_title(&mut self, text: &str) -> Result<()> {
        let title = Title::encode(text)?;
        self.bytes[0x20..0x34].copy_from_slice(title.raw());
        Ok(())
    }

    /// The reserved bytes at 0x34..0x3B (the homebrew header keeps its controllers in 0x34..0x38).
    pub fn reserved_34(&self) -> [u8; 7] {
        self.bytes[0x34..0x3B].try_into().expect("7 bytes")
    }

    /// The game code (0x3B..0x3F).
    pub fn game_code(&self) -> GameCode {
        GameCode::from_raw(self.bytes[0x3B..0x3F].try_into().expect("4 bytes"))
    }

    /// Sets the game code. On a ROM with an Advanced Homebrew header, a unique code other than
    /// `"ED"` is refused, since it would silently drop that header.
    pub fn set_game_code(&mut self, code: GameCode) -> Result<()> {
        if self.homebrew().is_some() && code.unique() != homebrew::MARKER {
            return Err(Error::HomebrewMarkerNeeded { code });
        }
        self.bytes[0x3B..0x3F].copy_from_slice(&code.raw());
        Ok(())
    }

    /// Sets only the destination byte (0x3E).
    pub fn set_destination(&mut self, destination: crate::Destination) {
        self.bytes[0x3E] = destination.into();
    }

    /// The ROM version (0x3F), or `None` when the Advanced Homebrew header uses that byte.
    pub fn rom_version(&self) -> Option<u8> {
        self.homebrew().is_none().then_some(self.bytes[0x3F])
    }

    /// Sets the ROM version; refused on a ROM with an Advanced Homebrew header, which keeps its
    /// save type there.
    pub fn set_rom_version(&mut self, version: u8) -> Result<()> {
        if self.homebrew().is_some() {
            return Err(Error::RomVersionInHomebrewHeader);
        }
        self.bytes[0x3F] = version;
        Ok(())
    }

    /// The Advanced Homebrew header, when 0x3C..0x3E is `"ED"`.
    pub fn homebrew(&self) -> Option<HomebrewHeader> {
        HomebrewHeader::decode(&self.bytes)
    }

    /// Writes the Advanced Homebrew header (and its `"ED"` marker).
    pub fn set_homebrew(&mut self, homebrew: &HomebrewHeader) -> Result<()> {
        homebrew.encode(&mut self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, Controller, Destination, SaveType};

    /// A hand-made header: every field set to a value read back below.
    fn sample() -> [u8; 64] {
        let mut h = [0u8; 64];
        h[0x00..0x04].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
        h[0x04..0x08].copy_from_slice(&[0x00, 0x00, 0x00, 0x0F]);
        h[0x08..0x0C].copy_from_slice(&[0x80, 0x12, 0x5C, 0x00]);
        h[0x0C..0x10].copy_from_slice(&[0x00, 0x00, 0x14, 0x4C]);
        h[0x10..0x18].copy_from_slice(&[0x63, 0x5A, 0x2B, 0xFF, 0x8B, 0x02, 0x23, 0x26]);
        h[0x18..0x20].copy_from_slice(&[0x6F, 0x23, 0x01, 0x3A, 0x2F, 0xC9, 0xCB, 0x36]);
        h[0x20..0x34].copy_from_slice(b"SUPER MARIO 64      ");
        h[0x3B..0x3F].copy_from_slice(b"NSME");
        h[0x3F] = 0x01;
        h
    }

    #[test]
    fn every_field_decodes() {
        let header = Header::from_be_bytes(sample());
        let pi = header.pi_config();
        assert_eq!((pi.latency(), pi.pulse_width(), pi.page_size(), pi.release()), (0x40, 0x12, 0x7, 0x3));
        assert_eq!(header.clock_rate(), 0xF);
        assert_eq!(header.effective_clock_rate(), 46_875_000);
        assert_eq!(header.boot_address(), 0x8012_5C00);
        assert_eq!(header.libultra_version().version().as_deref(), Some("2.0L"));
        assert_eq!(header.check_code().to_string(), "635A2BFF8B022326");
        assert_eq!(header.reserved_18(), [0x6F, 0x23, 0x01, 0x3A, 0x2F, 0xC9, 0xCB, 0x36]);
        assert_eq!(header.title().text(), "SUPER MARIO 64");
        assert_eq!(header.reserved_34(), [0; 7]);
        let code = header.game_code();
        assert_eq!(code.category(), Category::GamePak);
        assert_eq!(code.destination(), Destination::NorthAmerica);
        assert_eq!(code.serial().as_deref(), Some("NUS-NSME-USA"));
        assert_eq!(header.rom_version(), Some(1));
        assert_eq!(header.homebrew(), None);
    }

    #[test]
    fn setters_touch_only_their_bytes() {
        let original = sample();
        let mut header = Header::from_be_bytes(original);
        header.set_title("ZELDA").unwrap();
        let after = header.as_be_bytes();
        for i in 0..64 {
            if !(0x20..0x34).contains(&i) {
                assert_eq!(after[i], original[i], "byte {i:#x}");
            }
        }
        assert_eq!(&after[0x20..0x34], b"ZELDA               ");
    }

    #[test]
    fn homebrew_header_guards_its_bytes() {
        let mut header = Header::from_be_bytes(sample());
        let hb = HomebrewHeader {
            controllers: [Controller::Rumble, Controller::N64, Controller::None, Controller::Mouse],
            save_type: SaveType::FlashRam,
            rtc: true,
            region_free: true,
            unused_bits: 0,
        };
        header.set_homebrew(&hb).unwrap();
        assert_eq!(&header.as_be_bytes()[0x34..0x40], &[0x01, 0x00, 0xFF, 0x80, 0, 0, 0, b'N', b'E', b'D', b'E', 0x53]);
        assert_eq!(header.homebrew(), Some(hb));
        assert_eq!(header.rom_version(), None);
        assert!(header.set_rom_version(2).is_err());
        assert!(header.set_game_code("NSME".parse().unwrap()).is_err());
        assert!(header.set_game_code("NEDJ".parse().unwrap()).is_ok());
    }

    #[test]
    fn read_and_write_in_every_order() {
        for order in ByteOrder::ALL {
            let mut stored = sample();
            convert(&mut stored, ByteOrder::Z64, order).unwrap();
            let header = Header::read(&stored, order).unwrap();
            assert_eq!(header.as_be_bytes(), &sample());
            let mut out = [0u8; 64];
            header.write(&mut out, order).unwrap();
            assert_eq!(out, stored);
        }
    }
}
