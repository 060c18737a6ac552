//! The 4-character game code at header 0x3B: category, unique code, destination.

use std::fmt;
use std::str::FromStr;

use crate::{Error, Result};

/// The media the game is on (header 0x3B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Category {
    /// `N`: Game Pak (cartridge).
    GamePak,
    /// `D`: 64DD disk.
    Disk,
    /// `C`: expandable game, Game Pak part.
    ExpandableGamePak,
    /// `E`: expandable game, 64DD disk part.
    ExpandableDisk,
    /// `Z`: Aleck64 Game Pak.
    Aleck64,
    /// Any other byte.
    Other(u8),
}

impl From<u8> for Category {
    fn from(b: u8) -> Self {
        match b {
            b'N' => Category::GamePak,
            b'D' => Category::Disk,
            b'C' => Category::ExpandableGamePak,
            b'E' => Category::ExpandableDisk,
            b'Z' => Category::Aleck64,
            other => Category::Other(other),
        }
    }
}

impl From<Category> for u8 {
    fn from(c: Category) -> u8 {
        match c {
            Category::GamePak => b'N',
            Category::Disk => b'D',
            Category::ExpandableGamePak => b'C',
            Category::ExpandableDisk => b'E',
            Category::Aleck64 => b'Z',
            Category::Other(b) => b,
        }
    }
}

impl Category {
    /// A human name: "Game Pak", "64DD disk", …, or "unknown".
    pub const fn description(self) -> &'static str {
        match self {
            Category::GamePak => "Game Pak",
            Category::Disk => "64DD disk",
            Category::ExpandableGamePak => "expandable game (Game Pak part)",
            Category::ExpandableDisk => "expandable game (64DD disk part)",
            Category::Aleck64 => "Aleck64 Game Pak",
            Category::Other(_) => "unknown",
        }
    }
}

/// The television standard a destination implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VideoStandard {
    /// NTSC (and PAL-M in Brazil, which runs at NTSC timing).
    Ntsc,
    /// PAL.
    Pal,
}

macro_rules! destinations {
    ($($variant:ident = $code:literal, $name:literal, $serial:expr, $video:expr;)*) => {
        /// The market a game was made for (header 0x3E).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Destination {
            $(#[doc = $name] $variant,)*
            /// Any other byte.
            Other(u8),
        }

        impl From<u8> for Destination {
            fn from(b: u8) -> Self {
                match b {
                    $($code => Destination::$variant,)*
                    other => Destination::Other(other),
                }
            }
        }

        impl From<Destination> for u8 {
            fn from(d: Destination) -> u8 {
                match d {
                    $(Destination::$variant => $code,)*
                    Destination::Other(b) => b,
                }
            }
        }

        impl Destination {
            /// Every named destination.
            pub const ALL: &'static [Destination] = &[$(Destination::$variant,)*];

            /// A human name: "North America", "Japan", …, or "unknown".
            pub const fn description(self) -> &'static str {
                match self {
                    $(Destination::$variant => $name,)*
                    Destination::Other(_) => "unknown",
                }
            }

            /// The region suffix of a cartridge serial (`NUS-NSME-USA`), when one is customary.
            pub const fn serial_suffix(self) -> Option<&'static str> {
                match self {
                    $(Destination::$variant => $serial,)*
                    Destination::Other(_) => None,
                }
            }

            /// The television standard of the market, when it implies one.
            pub const fn video(self) -> Option<VideoStandard> {
                match self {
                    $(Destination::$variant => $video,)*
                    Destination::Other(_) => None,
                }
            }
        }
    };
}

destinations! {
    All = b'A', "all regions", None, None;
    Brazil = b'B', "Brazil", Some("BRA"), Some(VideoStandard::Ntsc);
    China = b'C', "China", Some("CHN"), Some(VideoStandard::Ntsc);
    Germany = b'D', "Germany", Some("NOE"), Some(VideoStandard::Pal);
    NorthAmerica = b'E', "North America", Some("USA"), Some(VideoStandard::Ntsc);
    France = b'F', "France", Some("FRA"), Some(VideoStandard::Pal);
    Gateway64Ntsc = b'G', "Gateway 64 (NTSC)", Some("USA"), Some(VideoStandard::Ntsc);
    Netherlands = b'H', "Netherlands", Some("HOL"), Some(VideoStandard::Pal);
    Italy = b'I', "Italy", Some("ITA"), Some(VideoStandard::Pal);
    Japan = b'J', "Japan", Some("JPN"), Some(VideoStandard::Ntsc);
    Korea = b'K', "Korea", Some("KOR"), Some(VideoStandard::Ntsc);
    Gateway64Pal = b'L', "Gateway 64 (PAL)", Some("EUR"), Some(VideoStandard::Pal);
    Canada = b'N', "Canada", Some("CAN"), Some(VideoStandard::Ntsc);
    Europe = b'P', "Europe", Some("EUR"), Some(VideoStandard::Pal);
    Spain = b'S', "Spain", Some("ESP"), Some(VideoStandard::Pal);
    Australia = b'U', "Australia", Some("AUS"), Some(VideoStandard::Pal);
    Scandinavia = b'W', "Scandinavia", Some("SCN"), Some(VideoStandard::Pal);
    EuropeX = b'X', "Europe (X)", Some("EUR"), Some(VideoStandard::Pal);
    EuropeY = b'Y', "Europe (Y)", Some("EUR"), Some(VideoStandard::Pal);
    EuropeZ = b'Z', "Europe (Z)", Some("EUR"), Some(VideoStandard::Pal);
}

impl fmt::Display for Destination {
    /// `"E (North America)"`; a byte that is not printable ASCII as hex: `"0x00 (unknown)"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let byte = u8::from(*self);
        if byte.is_ascii_graphic() {
            write!(f, "{} ({})", char::from(byte), self.description())
        } else {
            write!(f, "{byte:#04x} ({})", self.description())
        }
    }
}

impl FromStr for Destination {
    type Err = Error;

    /// Accepts the one-letter code (`E`) or a name (`north-america`, `japan`, `europe`, `usa`).
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        if let [b] = t.as_bytes() {
            let d = Destination::from(b.to_ascii_uppercase());
            if !matches!(d, Destination::Other(_)) {
                return Ok(d);
            }
        }
        let key: String = t.to_ascii_lowercase().chars().filter(char::is_ascii_alphanumeric).collect();
        let alias = match key.as_str() {
            "usa" | "us" | "ntsc" => Some(Destination::NorthAmerica),
            "jpn" | "jp" => Some(Destination::Japan),
            "eur" | "eu" | "pal" => Some(Destination::Europe),
            "world" | "free" => Some(Destination::All),
            _ => None,
        };
        alias
            .or_else(|| {
                Destination::ALL.iter().copied().find(|d| {
                    let name: String =
                        d.description().to_ascii_lowercase().chars().filter(char::is_ascii_alphanumeric).collect();
                    name == key
                })
            })
            .ok_or_else(|| Error::UnknownName {
                kind: crate::NameKind::Region,
                found: s.to_owned(),
                valid: Destination::ALL
                    .iter()
                    .map(|d| format!("{} ({})", char::from(u8::from(*d)), d.description()))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// The byte as a character when it is printable ASCII, else `\xNN` (lossless).
fn escaped(b: u8) -> String {
    if b.is_ascii_graphic() { char::from(b).to_string() } else { format!("\\x{b:02X}") }
}

/// The game code at header 0x3B..0x3F.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GameCode {
    raw: [u8; 4],
}

impl GameCode {
    /// Wraps the four raw bytes.
    pub const fn from_raw(raw: [u8; 4]) -> GameCode {
        GameCode { raw }
    }

    /// The four raw bytes.
    pub const fn raw(&self) -> [u8; 4] {
        self.raw
    }

    /// The media category (first byte).
    pub fn category(&self) -> Category {
        Category::from(self.raw[0])
    }

    /// The two-character unique code, as raw bytes.
    pub fn unique(&self) -> [u8; 2] {
        [self.raw[1], self.raw[2]]
    }

    /// The destination (last byte).
    pub fn destination(&self) -> Destination {
        Destination::from(self.raw[3])
    }

    /// Whether all four bytes are ASCII letters or digits (a real game code, not zeros).
    pub fn is_alphanumeric(&self) -> bool {
        self.raw.iter().all(u8::is_ascii_alphanumeric)
    }

    /// The four characters when every byte is printable ASCII (no space, no control byte),
    /// `None` otherwise: a code to show or to put in a file name, never an escaped one.
    ///
    /// ```
    /// use n64_core::GameCode;
    /// assert_eq!(GameCode::from_raw(*b"NSME").text(), Some("NSME"));
    /// assert_eq!(GameCode::from_raw(*b"\0ED\0").text(), None);
    /// ```
    pub fn text(&self) -> Option<&str> {
        if self.raw.iter().all(u8::is_ascii_graphic) { std::str::from_utf8(&self.raw).ok() } else { None }
    }

    /// Whether the four bytes are all zero (no game code at all).
    pub fn is_zero(&self) -> bool {
        self.raw == [0; 4]
    }

    /// The cartridge serial, `NUS-NSME-USA`, when the code is alphanumeric and the
    /// destination has a customary suffix.
    ///
    /// ```
    /// use n64_core::GameCode;
    /// assert_eq!("NSME".parse::<GameCode>()?.serial().as_deref(), Some("NUS-NSME-USA"));
    /// # Ok::<(), n64_core::Error>(())
    /// ```
    pub fn serial(&self) -> Option<String> {
        if !self.is_alphanumeric() {
            return None;
        }
        let suffix = self.destination().serial_suffix()?;
        Some(format!("NUS-{self}-{suffix}"))
    }
}

impl fmt::Display for GameCode {
    /// The four characters; bytes that are not printable ASCII as `\xNN`, so that no byte is
    /// lost (use [`GameCode::text`] for a code to show a user).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.raw.iter().try_for_each(|&b| f.write_str(&escaped(b)))
    }
}

impl FromStr for GameCode {
    type Err = Error;

    /// Four ASCII letters or digits, e.g. `NSME`.
    fn from_str(s: &str) -> Result<Self> {
        let bytes = s.as_bytes();
        match <[u8; 4]>::try_from(bytes) {
            Ok(raw) if raw.iter().all(u8::is_ascii_alphanumeric) => Ok(GameCode { raw }),
            _ => Err(Error::GameCodeSyntax { text: s.to_owned() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_destination_round_trips() {
        for &d in Destination::ALL {
            assert_eq!(Destination::from(u8::from(d)), d);
            assert_eq!(char::from(u8::from(d)).to_string().parse::<Destination>().unwrap(), d);
        }
        assert_eq!(Destination::from(b'Q'), Destination::Other(b'Q'));
    }

    #[test]
    fn names_parse() {
        assert_eq!("north-america".parse::<Destination>().unwrap(), Destination::NorthAmerica);
        assert_eq!("USA".parse::<Destination>().unwrap(), Destination::NorthAmerica);
        assert_eq!("Japan".parse::<Destination>().unwrap(), Destination::Japan);
        let err = "Mars".parse::<Destination>().unwrap_err().to_string();
        assert!(err.contains("E (North America)"), "{err}");
    }

    #[test]
    fn game_code_parts() {
        let code: GameCode = "NSMJ".parse().unwrap();
        assert_eq!(code.category(), Category::GamePak);
        assert_eq!(&code.unique(), b"SM");
        assert_eq!(code.destination(), Destination::Japan);
        assert_eq!(code.serial().unwrap(), "NUS-NSMJ-JPN");
        assert_eq!(GameCode::from_raw([0, 0, 0, 0]).to_string(), "\\x00\\x00\\x00\\x00");
        assert!("NSM".parse::<GameCode>().is_err());
        assert!("NS-E".parse::<GameCode>().is_err());
    }
}
