//! CIC kinds, and recognising which one a boot code (IPL3, ROM 0x40..0x1000) is made for.
//!
//! Detection runs the console's own IPL2 checksum ([`crate::ipl2`]) over the boot code for
//! every known seed: a match means the boot code is signed for that CIC, whoever wrote it.
//! A CRC32 table of known boot codes then names *which* boot code it is (Nintendo's, or a
//! libdragon build), and serves as a fallback detector for boot code that is not signed (for
//! example synthetic test images keyed to the table).

use std::fmt;
use std::str::FromStr;

use crate::{BOOT_CODE_LEN, BOOT_CODE_OFFSET, Error, Result, ipl2};

/// A CIC lockout chip variant (or a family of variants sharing one boot code protocol).
///
/// The NTSC and PAL chips of one family share their seed and check code, so `6102` also
/// stands for `7101`, `6103` for `7103`, and so on; [`CicKind::Cic7102`] is the exception and
/// has a boot code of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CicKind {
    /// CIC-NUS-6101 (Star Fox 64 NTSC).
    Cic6101,
    /// CIC-NUS-6102 / CIC-NUS-7101, the most common one.
    Cic6102,
    /// CIC-NUS-7102 (Lylat Wars PAL); its boot code ignores the header boot address.
    Cic7102,
    /// CIC-NUS-6103 / 7103.
    Cic6103,
    /// CIC-NUS-6105 / 7105.
    Cic6105,
    /// CIC-NUS-6106 / 7106.
    Cic6106,
    /// CIC-NUS-5101 (Aleck64 arcade boards).
    Cic5101,
    /// CIC-NUS-8303: the Japanese 64DD IPL.
    Cic8303,
    /// CIC-NUS-8401: the 64DD development tool IPL.
    Cic8401,
    /// CIC-NUS-5167: 64DD conversion cartridges.
    Cic5167,
    /// CIC-NUS-8501: the US 64DD IPL ("DDUS").
    Cic8501,
}

/// How a boot code's CIC was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DetectedBy {
    /// The IPL2 checksum matched: the boot code is signed for this CIC (what the console checks).
    Ipl2Checksum,
    /// Only the CRC32 of the boot code matched a known boot code (it is not correctly signed).
    Crc32,
    /// The kind was given by the caller.
    Given,
}

impl DetectedBy {
    /// `"ipl2"`, `"crc32"` or `"given"`.
    pub const fn name(self) -> &'static str {
        match self {
            DetectedBy::Ipl2Checksum => "ipl2",
            DetectedBy::Crc32 => "crc32",
            DetectedBy::Given => "given",
        }
    }
}

/// Which family a boot code belongs to, when it is a known one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BootCodeFamily {
    /// Nintendo's boot code for the CIC.
    Nintendo,
    /// libdragon's open-source IPL3 (signed for 6102). It checks no check code.
    Libdragon(LibdragonBuild),
}

/// A build of libdragon's IPL3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LibdragonBuild {
    /// `ipl3_prod` (release r8).
    Prod,
    /// `ipl3_dev` (release r8).
    Dev,
    /// `ipl3_compat` (release r8): loads a flat binary whose size is read from header 0x10.
    Compat,
    /// Recognised by its banner, but not one of the builds listed here.
    Other,
}

impl BootCodeFamily {
    /// `"nintendo"` or `"libdragon"`.
    pub const fn name(self) -> &'static str {
        match self {
            BootCodeFamily::Nintendo => "nintendo",
            BootCodeFamily::Libdragon(_) => "libdragon",
        }
    }

    /// Whether this boot code verifies the header check code before booting.
    pub const fn verifies_check_code(self) -> bool {
        matches!(self, BootCodeFamily::Nintendo)
    }
}

impl fmt::Display for BootCodeFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BootCodeFamily::Nintendo => f.write_str("Nintendo boot code"),
            BootCodeFamily::Libdragon(LibdragonBuild::Prod) => f.write_str("libdragon boot code (prod build)"),
            BootCodeFamily::Libdragon(LibdragonBuild::Dev) => f.write_str("libdragon boot code (dev build)"),
            BootCodeFamily::Libdragon(LibdragonBuild::Compat) => f.write_str("libdragon boot code (compat build)"),
            BootCodeFamily::Libdragon(LibdragonBuild::Other) => f.write_str("libdragon boot code"),
        }
    }
}

/// IPL2 checksums of signed boot codes: (seed, checksum, kind).
///
/// Sources: ares `mia/medium/nintendo-64.cpp` and N64FlashcartMenu `src/boot/cic.c` agree on
/// every entry but 8501, whose seed is 0xDE in N64FlashcartMenu and Project64; the 6102 value
/// is reproduced in tests from real ROMs (Nintendo's and libdragon's boot code).
const IPL2_TABLE: [(u8, u64, CicKind); 11] = [
    (0x3F, 0x45CC_73EE_317A, CicKind::Cic6101),
    (0x3F, 0x4416_0EC5_D9AF, CicKind::Cic7102),
    (0x3F, 0xA536_C0F1_D859, CicKind::Cic6102),
    (0x78, 0x586F_D470_9867, CicKind::Cic6103),
    (0x91, 0x8618_A45B_C2D3, CicKind::Cic6105),
    (0x85, 0x2BBA_D4E6_EB74, CicKind::Cic6106),
    (0xAC, 0x93E9_83A8_F152, CicKind::Cic5101),
    (0xDD, 0x32B2_94E2_AB90, CicKind::Cic8303),
    (0xDD, 0x6EE8_D9E8_4970, CicKind::Cic8401),
    (0xDD, 0x083C_6C77_E0B1, CicKind::Cic5167),
    (0xDE, 0x05BA_2EF0_A5F1, CicKind::Cic8501),
];

/// CRC32 (IEEE) of Nintendo's boot code, ROM 0x40..0x1000, per kind.
///
/// Sources: rom64 `rom/rom.go`, cen64 `si/cic.c`, uCON64 `n64.c`, splat `rominfo.py`.
/// 5101 is keyed on 0x40..0xC00 only, as cen64-derived code does (see [`crc32_5101`]).
const NINTENDO_CRC32: [(u32, CicKind); 7] = [
    (0x6170_A4A1, CicKind::Cic6101),
    (0x90BB_6CB5, CicKind::Cic6102),
    (0x009E_9EA3, CicKind::Cic7102),
    (0x0B05_0EE0, CicKind::Cic6103),
    (0x98BC_2C86, CicKind::Cic6105),
    (0xACC8_580A, CicKind::Cic6106),
    (0x0E01_8159, CicKind::Cic8303),
];

/// CRC32 of the Aleck64 (5101) boot code over ROM 0x40..0xC00.
const NINTENDO_5101_PARTIAL_CRC32: u32 = 0x587B_D543;

/// CRC32 of libdragon's IPL3 (release r8, DragonMinded/libdragon `boot/bin/*.z64`) over 0x40..0x1000.
const LIBDRAGON_CRC32: [(u32, LibdragonBuild); 3] =
    [(0x345E_1229, LibdragonBuild::Prod), (0x2E26_4BDF, LibdragonBuild::Dev), (0x9DDA_2D36, LibdragonBuild::Compat)];

/// The banner every libdragon IPL3 build carries.
const LIBDRAGON_BANNER: &[u8] = b" Libdragon IPL3  Coded by Rasky ";

impl CicKind {
    /// Every kind, retail cartridge kinds first.
    pub const ALL: [CicKind; 11] = [
        CicKind::Cic6101,
        CicKind::Cic6102,
        CicKind::Cic7102,
        CicKind::Cic6103,
        CicKind::Cic6105,
        CicKind::Cic6106,
        CicKind::Cic5101,
        CicKind::Cic8303,
        CicKind::Cic8401,
        CicKind::Cic5167,
        CicKind::Cic8501,
    ];

    /// The names [`CicKind::from_str`] accepts for kinds whose check code can be computed.
    pub const CHECK_CODE_NAMES: [&'static str; 11] =
        ["6101", "6102", "7101", "7102", "6103", "7103", "6105", "7105", "6106", "7106", "5101"];

    /// The canonical short name: `"6102"`, `"6103"`, …, `"8501"`.
    pub const fn name(self) -> &'static str {
        match self {
            CicKind::Cic6101 => "6101",
            CicKind::Cic6102 => "6102",
            CicKind::Cic7102 => "7102",
            CicKind::Cic6103 => "6103",
            CicKind::Cic6105 => "6105",
            CicKind::Cic6106 => "6106",
            CicKind::Cic5101 => "5101",
            CicKind::Cic8303 => "8303",
            CicKind::Cic8401 => "8401",
            CicKind::Cic5167 => "5167",
            CicKind::Cic8501 => "8501",
        }
    }

    /// A longer name with the PAL twin: `"6102/7101"`.
    pub const fn long_name(self) -> &'static str {
        match self {
            CicKind::Cic6102 => "6102/7101",
            CicKind::Cic6103 => "6103/7103",
            CicKind::Cic6105 => "6105/7105",
            CicKind::Cic6106 => "6106/7106",
            other => other.name(),
        }
    }

    /// Whether this is a 64DD kind (their check code lives inside the boot code, not the header).
    pub const fn is_64dd(self) -> bool {
        matches!(self, CicKind::Cic8303 | CicKind::Cic8401 | CicKind::Cic5167 | CicKind::Cic8501)
    }

    /// The seed byte the CIC hands the boot code, from which the check code starts
    /// (`None` for the 64DD kinds, whose header holds no check code).
    pub const fn check_code_seed(self) -> Option<u32> {
        match self {
            CicKind::Cic6101 | CicKind::Cic6102 | CicKind::Cic7102 => Some(0x3F),
            CicKind::Cic6103 => Some(0x78),
            CicKind::Cic6105 => Some(0x91),
            CicKind::Cic6106 => Some(0x85),
            CicKind::Cic5101 => Some(0xAC),
            _ => None,
        }
    }

    /// The multiplier hard-coded in the boot code that turns the seed into the initial value.
    pub const fn check_code_magic(self) -> Option<u32> {
        match self {
            CicKind::Cic6101 | CicKind::Cic6102 | CicKind::Cic7102 | CicKind::Cic6105 => Some(0x5D58_8B65),
            CicKind::Cic6103 | CicKind::Cic6106 | CicKind::Cic5101 => Some(0x6C07_8965),
            _ => None,
        }
    }

    /// Where the boot code really jumps for a header boot address.
    ///
    /// ```
    /// use n64_core::CicKind;
    /// assert_eq!(CicKind::Cic6103.entry_point(0x8012_5C00), 0x8002_5C00);
    /// assert_eq!(CicKind::Cic6106.entry_point(0x8020_0400), 0x8000_0400);
    /// assert_eq!(CicKind::Cic7102.entry_point(0x8000_0400), 0x8000_0480);
    /// assert_eq!(CicKind::Cic6102.entry_point(0x8000_0400), 0x8000_0400);
    /// ```
    pub const fn entry_point(self, boot_address: u32) -> u32 {
        match self {
            CicKind::Cic7102 => 0x8000_0480,
            CicKind::Cic6103 | CicKind::Cic5101 => boot_address.wrapping_sub(0x10_0000),
            CicKind::Cic6106 => boot_address.wrapping_sub(0x20_0000),
            _ => boot_address,
        }
    }
}

impl fmt::Display for CicKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.long_name())
    }
}

impl FromStr for CicKind {
    type Err = Error;

    /// Accepts `6102`, `7101`, `CIC-6102`, `cic_6102_7101`, `X105`, and the 64DD kinds.
    ///
    /// ```
    /// use n64_core::CicKind;
    /// assert_eq!("7101".parse::<CicKind>()?, CicKind::Cic6102);
    /// assert_eq!("CIC-X105".parse::<CicKind>()?, CicKind::Cic6105);
    /// assert!("6104".parse::<CicKind>().is_err());
    /// # Ok::<(), n64_core::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        let lower = s.trim().to_ascii_lowercase();
        let bare = lower.strip_prefix("cic").map_or(lower.as_str(), |rest| rest.trim_start_matches(['-', '_', ' ']));
        let kind = match bare {
            "6101" => CicKind::Cic6101,
            "6102" | "7101" | "6102/7101" | "6102_7101" => CicKind::Cic6102,
            "7102" => CicKind::Cic7102,
            "6103" | "7103" | "x103" | "6103/7103" => CicKind::Cic6103,
            "6105" | "7105" | "x105" | "6105/7105" => CicKind::Cic6105,
            "6106" | "7106" | "x106" | "6106/7106" => CicKind::Cic6106,
            "5101" => CicKind::Cic5101,
            "8303" => CicKind::Cic8303,
            "8401" => CicKind::Cic8401,
            "5167" => CicKind::Cic5167,
            "8501" | "ddus" => CicKind::Cic8501,
            _ => {
                return Err(Error::UnknownName {
                    kind: crate::NameKind::CicKind,
                    found: s.to_owned(),
                    valid: CicKind::CHECK_CODE_NAMES.join(", "),
                });
            }
        };
        Ok(kind)
    }
}

/// What is known about a boot code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BootCode {
    /// The CIC it is signed for (or that its CRC32 names), `None` when unknown.
    pub cic: Option<CicKind>,
    /// How [`BootCode::cic`] was found, `None` when unknown.
    pub detected_by: Option<DetectedBy>,
    /// The known boot code it is, if any.
    pub family: Option<BootCodeFamily>,
    /// CRC32 (IEEE) of ROM 0x40..0x1000, the key most tools and databases use.
    pub crc32: u32,
}

impl BootCode {
    /// Identifies big-endian boot code bytes (ROM 0x40..0x1000).
    ///
    /// ```
    /// use n64_core::BootCode;
    /// let unknown = BootCode::identify(&[0; 0xFC0]);
    /// assert_eq!(unknown.cic, None);
    /// assert_eq!(unknown.family, None);
    /// ```
    pub fn identify(boot: &[u8; BOOT_CODE_LEN]) -> BootCode {
        let words = boot_words(boot);
        let crc32 = crc32fast::hash(boot);
        let family = family_of(boot, crc32);
        // A boot code the CRC32 table knows is confirmed with the one IPL2 seed of its kind;
        // only unknown boot code pays for trying every seed.
        let known = crc32_lookup(boot, crc32)
            .or_else(|| matches!(family, Some(BootCodeFamily::Libdragon(_))).then_some(CicKind::Cic6102));
        let signed = match known {
            Some(kind) => ipl2_lookup(&words, |entry| entry == kind),
            None => ipl2_lookup(&words, |_| true),
        };
        match (signed, known) {
            (Some(kind), _) => BootCode { cic: Some(kind), detected_by: Some(DetectedBy::Ipl2Checksum), family, crc32 },
            (None, Some(kind)) if family == Some(BootCodeFamily::Nintendo) => {
                BootCode { cic: Some(kind), detected_by: Some(DetectedBy::Crc32), family, crc32 }
            }
            (None, Some(_)) => match ipl2_lookup(&words, |_| true) {
                // A libdragon banner on boot code signed for something else (or nothing).
                Some(kind) => BootCode { cic: Some(kind), detected_by: Some(DetectedBy::Ipl2Checksum), family, crc32 },
                None => BootCode { cic: None, detected_by: None, family, crc32 },
            },
            (None, None) => BootCode { cic: None, detected_by: None, family, crc32 },
        }
    }

    /// Whether the boot code is recognised at all (a CIC or a known family).
    pub fn is_recognised(&self) -> bool {
        self.cic.is_some() || self.family.is_some()
    }
}

fn boot_words(boot: &[u8; BOOT_CODE_LEN]) -> [u32; BOOT_CODE_LEN / 4] {
    let mut words = [0u32; BOOT_CODE_LEN / 4];
    for (word, bytes) in words.iter_mut().zip(boot.chunks_exact(4)) {
        *word = u32::from_be_bytes(bytes.try_into().expect("chunks of 4"));
    }
    words
}

/// The first kind in the IPL2 table, among those `wanted` accepts, whose checksum matches.
fn ipl2_lookup(words: &[u32; BOOT_CODE_LEN / 4], wanted: impl Fn(CicKind) -> bool) -> Option<CicKind> {
    let mut last_seed = None;
    let mut value = 0;
    for &(seed, expected, kind) in IPL2_TABLE.iter().filter(|entry| wanted(entry.2)) {
        if last_seed != Some(seed) {
            value = ipl2::checksum(words, seed);
            last_seed = Some(seed);
        }
        if value == expected {
            return Some(kind);
        }
    }
    None
}

/// CRC32 of the part of the boot code the 5101 table entry is keyed on (ROM 0x40..0xC00).
fn crc32_5101(boot: &[u8; BOOT_CODE_LEN]) -> u32 {
    crc32fast::hash(&boot[..0xC00 - BOOT_CODE_OFFSET])
}

fn crc32_lookup(boot: &[u8; BOOT_CODE_LEN], crc32: u32) -> Option<CicKind> {
    NINTENDO_CRC32
        .iter()
        .find(|(value, _)| *value == crc32)
        .map(|&(_, kind)| kind)
        .or_else(|| (crc32_5101(boot) == NINTENDO_5101_PARTIAL_CRC32).then_some(CicKind::Cic5101))
}

fn family_of(boot: &[u8; BOOT_CODE_LEN], crc32: u32) -> Option<BootCodeFamily> {
    if let Some(&(_, build)) = LIBDRAGON_CRC32.iter().find(|(value, _)| *value == crc32) {
        return Some(BootCodeFamily::Libdragon(build));
    }
    if boot.windows(LIBDRAGON_BANNER.len()).any(|w| w == LIBDRAGON_BANNER) {
        return Some(BootCodeFamily::Libdragon(LibdragonBuild::Other));
    }
    if NINTENDO_CRC32.iter().any(|(value, _)| *value == crc32) || crc32_5101(boot) == NINTENDO_5101_PARTIAL_CRC32 {
        return Some(BootCodeFamily::Nintendo);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in CicKind::ALL {
            assert_eq!(kind.name().parse::<CicKind>().unwrap(), kind);
        }
        for name in CicKind::CHECK_CODE_NAMES {
            assert!(name.parse::<CicKind>().unwrap().check_code_seed().is_some());
        }
    }

    #[test]
    fn unknown_name_lists_valid_ones() {
        let err = "6104".parse::<CicKind>().unwrap_err();
        assert!(err.to_string().contains("6101, 6102, 7101"), "{err}");
    }
}
