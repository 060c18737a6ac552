//! The Advanced Homebrew ROM Header: controllers, save type, RTC and region-free flags kept in
//! otherwise unused header bytes, marked by `"ED"` at 0x3C.
//!
//! | offset | meaning |
//! |--------|---------|
//! | 0x34..0x38 | controller expected on ports 1..4 (an enumeration, not flags) |
//! | 0x3C..0x3E | `"ED"` |
//! | 0x3F | bits 4..7 save type, bit 0 RTC, bit 1 region-free |

use std::fmt;
use std::str::FromStr;

use crate::{Error, NameKind, Result};

/// The marker at 0x3C..0x3E.
pub(crate) const MARKER: [u8; 2] = *b"ED";

macro_rules! named_enum {
    (
        $(#[$meta:meta])* $name:ident, $what:expr, {
            $($(#[$vmeta:meta])* $variant:ident = $value:literal, $cli:literal, $desc:literal;)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value no convention defines.
            Other(u8),
        }

        impl $name {
            /// The names [`FromStr`] accepts, in order.
            pub const NAMES: &'static [&'static str] = &[$($cli,)*];

            /// The command-line name, or `None` for [`Self::Other`].
            pub const fn name(self) -> Option<&'static str> {
                match self {
                    $($name::$variant => Some($cli),)*
                    $name::Other(_) => None,
                }
            }

            /// A human description.
            pub const fn description(self) -> &'static str {
                match self {
                    $($name::$variant => $desc,)*
                    $name::Other(_) => "unknown",
                }
            }

            fn from_code(value: u8) -> Self {
                match value {
                    $($value => $name::$variant,)*
                    other => $name::Other(other),
                }
            }

            fn code(self) -> u8 {
                match self {
                    $($name::$variant => $value,)*
                    $name::Other(other) => other,
                }
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                let key = s.trim().to_ascii_lowercase().replace('_', "-");
                match key.as_str() {
                    $($cli => Ok($name::$variant),)*
                    _ => Err(Error::UnknownName { kind: $what, found: s.to_owned(), valid: Self::NAMES.join(", ") }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $name::Other(v) => write!(f, "unknown ({v:#04x})"),
                    known => f.write_str(known.description()),
                }
            }
        }
    };
}

named_enum! {
    /// What is expected on a controller port (header 0x34..0x38).
    Controller, NameKind::Controller, {
        /// 0x00: a standard N64 controller, or no information (emulators use their default).
        N64 = 0x00, "n64", "N64 controller";
        /// 0x01: N64 controller with Rumble Pak.
        Rumble = 0x01, "rumble", "N64 controller with Rumble Pak";
        /// 0x02: N64 controller with Controller Pak.
        ControllerPak = 0x02, "cpak", "N64 controller with Controller Pak";
        /// 0x03: N64 controller with Transfer Pak.
        TransferPak = 0x03, "tpak", "N64 controller with Transfer Pak";
        /// 0xFF: nothing attached.
        None = 0xFF, "none", "nothing attached";
        /// 0x80: N64 mouse.
        Mouse = 0x80, "mouse", "N64 mouse";
        /// 0x81: Voice Recognition Unit.
        Vru = 0x81, "vru", "VRU";
        /// 0x82: GameCube controller.
        GameCube = 0x82, "gamecube", "GameCube controller";
        /// 0x83: Randnet keyboard.
        Keyboard = 0x83, "keyboard", "Randnet keyboard";
        /// 0x84: GameCube keyboard.
        GameCubeKeyboard = 0x84, "gamecube-keyboard", "GameCube keyboard";
    }
}

named_enum! {
    /// The save hardware the game expects (high nibble of header 0x3F).
    SaveType, NameKind::SaveType, {
        /// 0: no save hardware.
        None = 0, "none", "none";
        /// 1: 4 Kbit EEPROM.
        Eeprom4k = 1, "eeprom4k", "EEPROM 4 Kbit";
        /// 2: 16 Kbit EEPROM.
        Eeprom16k = 2, "eeprom16k", "EEPROM 16 Kbit";
        /// 3: 256 Kbit SRAM.
        Sram256k = 3, "sram256k", "SRAM 256 Kbit";
        /// 4: 768 Kbit SRAM in three banks.
        Sram768k = 4, "sram768k", "SRAM 768 Kbit (banked)";
        /// 5: 1 Mbit FlashRAM.
        FlashRam = 5, "flashram", "FlashRAM 1 Mbit";
        /// 6: 1 Mbit SRAM.
        Sram1m = 6, "sram1m", "SRAM 1 Mbit";
    }
}

/// The decoded Advanced Homebrew header.
///
/// Build one from [`HomebrewHeader::default`] (or a decoded one) and set its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct HomebrewHeader {
    /// Expected controller per port 1..4.
    pub controllers: [Controller; 4],
    /// Expected save hardware.
    pub save_type: SaveType,
    /// Whether the game uses the Joybus real-time clock.
    pub rtc: bool,
    /// Whether the game is region-free.
    pub region_free: bool,
    /// Bits 2..3 of 0x3F, unused by every known convention, kept as found.
    pub unused_bits: u8,
}

impl Default for HomebrewHeader {
    fn default() -> Self {
        HomebrewHeader {
            controllers: [Controller::N64; 4],
            save_type: SaveType::None,
            rtc: false,
            region_free: false,
            unused_bits: 0,
        }
    }
}

impl HomebrewHeader {
    /// Decodes the fields from a big-endian header, or `None` when 0x3C..0x3E is not `"ED"`.
    ///
    /// ```
    /// use n64_core::{HomebrewHeader, SaveType, Controller};
    /// let mut header = [0u8; 64];
    /// header[0x34] = 0x01;
    /// header[0x3C..0x3E].copy_from_slice(b"ED");
    /// header[0x3F] = 0x32; // SRAM 256K, region-free
    /// let hb = HomebrewHeader::decode(&header).unwrap();
    /// assert_eq!(hb.save_type, SaveType::Sram256k);
    /// assert_eq!(hb.controllers[0], Controller::Rumble);
    /// assert!(hb.region_free && !hb.rtc);
    /// ```
    pub fn decode(header: &[u8; 64]) -> Option<HomebrewHeader> {
        if header[0x3C..0x3E] != MARKER {
            return None;
        }
        let flags = header[0x3F];
        Some(HomebrewHeader {
            controllers: [0x34, 0x35, 0x36, 0x37].map(|i| Controller::from_code(header[i])),
            save_type: SaveType::from_code(flags >> 4),
            rtc: flags & 1 != 0,
            region_free: flags & 2 != 0,
            unused_bits: flags & 0x0C,
        })
    }

    /// Writes the fields and the `"ED"` marker into a big-endian header.
    ///
    /// A save type of [`SaveType::Other`] above 15 cannot be written and is an error.
    pub fn encode(&self, header: &mut [u8; 64]) -> Result<()> {
        let save = self.save_type.code();
        if save > 0x0F {
            return Err(Error::SaveTypeOutOfRange { code: save });
        }
        for (i, controller) in self.controllers.iter().enumerate() {
            header[0x34 + i] = controller.code();
        }
        header[0x3C..0x3E].copy_from_slice(&MARKER);
        header[0x3F] = (save << 4) | (self.unused_bits & 0x0C) | u8::from(self.rtc) | (u8::from(self.region_free) << 1);
        Ok(())
    }
}

impl Controller {
    /// The byte stored in the header.
    pub fn to_byte(self) -> u8 {
        self.code()
    }

    /// Decodes a header byte.
    pub fn from_byte(byte: u8) -> Controller {
        Controller::from_code(byte)
    }
}

impl SaveType {
    /// The 4-bit code stored in the high nibble of 0x3F.
    pub fn to_code(self) -> u8 {
        self.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips() {
        for byte in 0..=u8::MAX {
            assert_eq!(Controller::from_byte(byte).to_byte(), byte);
            let mut header = [0u8; 64];
            header[0x3C..0x3E].copy_from_slice(b"ED");
            header[0x3F] = byte;
            header[0x34] = byte;
            let decoded = HomebrewHeader::decode(&header).unwrap();
            let mut again = [0u8; 64];
            decoded.encode(&mut again).unwrap();
            assert_eq!(again, header);
        }
    }

    #[test]
    fn controller_values_are_an_enumeration() {
        // 0x03 is the Transfer Pak, not Rumble|Controller Pak flags.
        assert_eq!(Controller::from_byte(0x03), Controller::TransferPak);
        assert_eq!(Controller::from_byte(0x04), Controller::Other(0x04));
    }

    #[test]
    fn names_parse_and_errors_list_them() {
        assert_eq!("gamecube-keyboard".parse::<Controller>().unwrap(), Controller::GameCubeKeyboard);
        assert_eq!("SRAM256K".parse::<SaveType>().unwrap(), SaveType::Sram256k);
        let err = "floppy".parse::<SaveType>().unwrap_err().to_string();
        assert!(err.contains("none, eeprom4k, eeprom16k, sram256k, sram768k, flashram, sram1m"), "{err}");
    }

    #[test]
    fn absent_without_marker() {
        assert_eq!(HomebrewHeader::decode(&[0u8; 64]), None);
    }
}
