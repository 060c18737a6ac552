//! The one ROM builder: big-endian images with a chosen boot code, header fields, body and
//! check code, stored in any order. Check codes come from `ipl3checksum`.

use crate::cic::{Cic, oracle_check_code};
use crate::crc_force::force_crc32;
use crate::{Order, Rng};

/// ROM offset of the boot code.
pub const BOOT_OFFSET: usize = 0x40;
/// End of the boot code.
pub const BOOT_END: usize = 0x1000;
/// The usual first word.
pub const MAGIC: u32 = 0x8037_1240;
/// The boot address the builder writes (keeps 5101 in its normal, 1 MiB mode).
pub const BOOT_ADDRESS: u32 = 0x8000_0400;

/// Header and boot code of libdragon's IPL3, production build, release r8 (public domain; see
/// `xtask/assets/README.md`).
pub const LIBDRAGON_IPL3: &[u8; 0x1000] = include_bytes!("../../../xtask/assets/libdragon-ipl3-prod-r8.bin");

/// CRC32 values of known boot codes over ROM 0x40..0x1000: Nintendo's for 6101, 6102, 7102,
/// 6103, 6105, 6106 and 8303 (from rom64, cen64, uCON64 and splat), then libdragon's prod, dev
/// and compat builds. A synthetic boot code must hit exactly its own entry, the unknown one none.
pub const KNOWN_FULL_CRC32: [u32; 10] = [
    0x6170_A4A1,
    0x90BB_6CB5,
    0x009E_9EA3,
    0x0B05_0EE0,
    0x98BC_2C86,
    0xACC8_580A,
    0x0E01_8159,
    0x345E_1229,
    0x2E26_4BDF,
    0x9DDA_2D36,
];
/// CRC32 of Nintendo's 5101 boot code over ROM 0x40..0xC00.
pub const KNOWN_5101_PARTIAL_CRC32: u32 = 0x587B_D543;
/// End of the range the 5101 CRC32 is keyed on.
const PARTIAL_END_5101: usize = 0xC00;
/// The banner every libdragon IPL3 carries; synthetic boot code must not contain it.
pub const LIBDRAGON_BANNER: &[u8] = b" Libdragon IPL3  Coded by Rasky ";

impl Cic {
    /// The ROM range end and CRC32 value boot code of this kind is recognised by.
    const fn boot_crc32(self) -> (usize, u32) {
        match self {
            Cic::C6101 => (BOOT_END, 0x6170_A4A1),
            Cic::C6102 => (BOOT_END, 0x90BB_6CB5),
            Cic::C7102 => (BOOT_END, 0x009E_9EA3),
            Cic::C6103 => (BOOT_END, 0x0B05_0EE0),
            Cic::C6105 => (BOOT_END, 0x98BC_2C86),
            Cic::C6106 => (BOOT_END, 0xACC8_580A),
            Cic::C5101 => (PARTIAL_END_5101, KNOWN_5101_PARTIAL_CRC32),
        }
    }
}

/// Which boot code (ROM 0x40..0x1000) an image carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boot {
    /// A pseudo-random pattern whose CRC32 is solved to equal that of Nintendo's boot code for
    /// the kind: recognised by CRC32 only (no Nintendo code; it would not boot). The header gets
    /// clock rate 0xF, the boot address and libultra 2.0L.
    Synthetic(Cic),
    /// libdragon's IPL3 (prod, r8), header included: signed for 6102, verifies no check code.
    Libdragon,
    /// One fixed word repeated, a boot code no table knows; the header gets the boot address.
    Unknown,
    /// Pseudo-random bytes from the builder's seed, unknown to every table; the header gets
    /// clock rate 0xF and the boot address.
    Random,
}

/// What fills the image after the boot code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Pseudo-random bytes from the builder's seed.
    Random,
    /// A pseudo-random 4 KiB block repeated, one word of each copy varied: every word still
    /// varies, but zlib compresses it to almost nothing (small fixtures in git).
    Blocks,
    /// Zeros.
    Zero,
}

/// What the header's check code field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// The value `ipl3checksum` computes for the image's CIC.
    Valid,
    /// The valid value with a few bits flipped in each half.
    Invalid,
    /// Zero.
    Zero,
    /// The value `ipl3checksum` computes for this kind (right only if a user says so).
    As(Cic),
    /// This value.
    Raw(u64),
}

/// Advanced Homebrew header bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Homebrew {
    /// Controller bytes for ports 1..4.
    pub controllers: [u8; 4],
    /// Save type code (high nibble of 0x3F).
    pub save_type: u8,
    /// RTC flag.
    pub rtc: bool,
    /// Region-free flag.
    pub region_free: bool,
}

/// Builds a ROM image.
///
/// ```
/// use n64_testkit::{Boot, Cic, Order, RomBuilder, Stored, oracle_check_code};
/// let be = RomBuilder::new(0x8000).boot(Boot::Synthetic(Cic::C6103)).stored(Stored::Valid).title("HELLO").build();
/// assert_eq!(&be[0x20..0x25], b"HELLO");
/// assert_eq!(be[0x10..0x18], oracle_check_code(&be, Cic::C6103).to_be_bytes());
/// let v64 = RomBuilder::new(0x8000).order(Order::V64).build_stored();
/// assert_eq!(&v64[..4], &[0x37, 0x80, 0x40, 0x12]);
/// ```
#[derive(Debug, Clone)]
pub struct RomBuilder {
    len: usize,
    order: Order,
    trailing: Vec<u8>,
    boot: Boot,
    cic: Option<Cic>,
    first_word: u32,
    title: String,
    game_code: [u8; 4],
    rom_version: u8,
    homebrew: Option<Homebrew>,
    body: Body,
    seed: u64,
    stored: Stored,
}

impl RomBuilder {
    /// A `len`-byte image: z64 magic, random (unknown) boot code and body, title
    /// `N64-TOOLS TEST`, game code `NXXE`, check code zero.
    pub fn new(len: usize) -> RomBuilder {
        RomBuilder {
            len,
            order: Order::Z64,
            trailing: Vec::new(),
            boot: Boot::Random,
            cic: None,
            first_word: MAGIC,
            title: "N64-TOOLS TEST".to_owned(),
            game_code: *b"NXXE",
            rom_version: 0,
            homebrew: None,
            body: Body::Random,
            seed: 0,
            stored: Stored::Zero,
        }
    }

    /// The boot code.
    #[must_use]
    pub fn boot(mut self, boot: Boot) -> Self {
        self.boot = boot;
        self
    }

    /// The CIC a [`Stored::Valid`] or [`Stored::Invalid`] check code is computed for, when the
    /// boot code does not say (random or unknown boot code).
    #[must_use]
    pub fn cic(mut self, cic: Cic) -> Self {
        self.cic = Some(cic);
        self
    }

    /// The seed of the random boot code and body.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The first word (the magic), big-endian.
    #[must_use]
    pub fn first_word(mut self, word: u32) -> Self {
        self.first_word = word;
        self
    }

    /// The title: ASCII or half-width katakana (JIS X 0201), at most 20 characters.
    #[must_use]
    pub fn title(mut self, title: &str) -> Self {
        title.clone_into(&mut self.title);
        self
    }

    /// The four game code bytes.
    #[must_use]
    pub fn game_code(mut self, code: &[u8; 4]) -> Self {
        self.game_code = *code;
        self
    }

    /// The ROM version byte (0x3F); an Advanced Homebrew header writes its flags there instead.
    #[must_use]
    pub fn rom_version(mut self, version: u8) -> Self {
        self.rom_version = version;
        self
    }

    /// An Advanced Homebrew header (the game code's middle must be `"ED"` for it to count).
    #[must_use]
    pub fn homebrew(mut self, homebrew: Homebrew) -> Self {
        self.homebrew = Some(homebrew);
        self
    }

    /// The body after the boot code.
    #[must_use]
    pub fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// The check code field.
    #[must_use]
    pub fn stored(mut self, stored: Stored) -> Self {
        self.stored = stored;
        self
    }

    /// The byte order [`RomBuilder::build_stored`] stores in.
    #[must_use]
    pub fn order(mut self, order: Order) -> Self {
        self.order = order;
        self
    }

    /// Bytes appended after the stored image (a partial word some tools leave).
    #[must_use]
    pub fn trailing(mut self, bytes: &[u8]) -> Self {
        self.trailing = bytes.to_vec();
        self
    }

    /// The CIC the check code applies to: given, or the boot code's.
    pub fn check_code_cic(&self) -> Option<Cic> {
        self.cic.or(match self.boot {
            Boot::Synthetic(cic) => Some(cic),
            Boot::Libdragon => Some(Cic::C6102),
            Boot::Unknown | Boot::Random => None,
        })
    }

    /// The big-endian image.
    ///
    /// # Panics
    ///
    /// When the image is shorter than header and boot code, a title does not encode, or a
    /// check code needs a CIC nobody gave: mistakes in the test, not in the code under test.
    pub fn build(&self) -> Vec<u8> {
        assert!(self.len >= BOOT_END, "a ROM needs at least the header and boot code");
        let mut rom = vec![0u8; self.len];
        match self.boot {
            Boot::Libdragon => rom[..BOOT_END].copy_from_slice(LIBDRAGON_IPL3),
            Boot::Synthetic(cic) => {
                rom[BOOT_OFFSET..BOOT_END].copy_from_slice(&synthetic_boot_code(cic));
                rom[0x04..0x08].copy_from_slice(&0x0000_000Fu32.to_be_bytes());
                rom[0x08..0x0C].copy_from_slice(&BOOT_ADDRESS.to_be_bytes());
                rom[0x0C..0x10].copy_from_slice(&0x0000_144Cu32.to_be_bytes());
            }
            Boot::Unknown => {
                rom[BOOT_OFFSET..BOOT_END].copy_from_slice(&unknown_boot_code());
                rom[0x08..0x0C].copy_from_slice(&BOOT_ADDRESS.to_be_bytes());
            }
            Boot::Random => {
                Rng(0x626F_6F74_0000_0000 ^ self.seed).fill(&mut rom[BOOT_OFFSET..BOOT_END]);
                rom[0x04..0x08].copy_from_slice(&0x0000_000Fu32.to_be_bytes());
                rom[0x08..0x0C].copy_from_slice(&BOOT_ADDRESS.to_be_bytes());
            }
        }
        rom[..4].copy_from_slice(&self.first_word.to_be_bytes());
        rom[0x20..0x34].copy_from_slice(&encode_title(&self.title));
        rom[0x3B..0x3F].copy_from_slice(&self.game_code);
        rom[0x3F] = self.rom_version;
        if let Some(hb) = self.homebrew {
            rom[0x34..0x38].copy_from_slice(&hb.controllers);
            rom[0x3F] = (hb.save_type << 4) | u8::from(hb.rtc) | (u8::from(hb.region_free) << 1);
        }
        match self.body {
            Body::Random => Rng(self.seed).fill(&mut rom[BOOT_END..]),
            Body::Blocks => fill_blocks(&mut rom[BOOT_END..], 0x626F_6479_0000_0000 | self.seed),
            Body::Zero => {}
        }
        let code = match self.stored {
            Stored::Zero => 0,
            Stored::Raw(code) => code,
            Stored::As(cic) => oracle_check_code(&rom, cic),
            Stored::Valid => oracle_check_code(&rom, self.needed_cic()),
            // Flip a few bits of each half, so both words are wrong.
            Stored::Invalid => oracle_check_code(&rom, self.needed_cic()) ^ 0x0000_1000_0100_0001,
        };
        rom[0x10..0x18].copy_from_slice(&code.to_be_bytes());
        rom
    }

    /// The image stored in the builder's order, with the trailing bytes.
    pub fn build_stored(&self) -> Vec<u8> {
        let mut stored = self.order.store(&self.build());
        stored.extend_from_slice(&self.trailing);
        stored
    }

    fn needed_cic(&self) -> Cic {
        self.check_code_cic().expect("a check code needs a CIC: call .cic(...) for random or unknown boot code")
    }
}

/// Encodes a title as JIS X 0201 (ASCII and half-width katakana), space padded to 20 bytes.
///
/// # Panics
///
/// On a character JIS X 0201 lacks or more than 20 characters.
pub fn encode_title(text: &str) -> [u8; 20] {
    let mut raw = [b' '; 20];
    for (len, c) in text.chars().enumerate() {
        let code = u32::from(c);
        let byte = match code {
            0x20..=0x7E => code,
            0xFF61..=0xFF9F => code - 0xFF61 + 0xA1,
            _ => panic!("{c:?} in title {text:?} is not JIS X 0201"),
        };
        assert!(len < raw.len(), "title {text:?} is longer than 20 bytes");
        raw[len] = u8::try_from(byte).expect("JIS X 0201 is one byte");
    }
    raw
}

/// Fills a body with a pseudo-random 4 KiB block repeated, the block index XORed into one word
/// of each copy (at a position that moves from block to block).
fn fill_blocks(body: &mut [u8], seed: u64) {
    let mut block = [0u8; 0x1000];
    Rng(seed).fill(&mut block);
    for (index, chunk) in body.chunks_mut(block.len()).enumerate() {
        chunk.copy_from_slice(&block[..chunk.len()]);
        let at = (index * 37 % 1024) * 4;
        if let Some(word) = chunk.get_mut(at..at + 4) {
            let mixed =
                u32::from_be_bytes([word[0], word[1], word[2], word[3]]) ^ u32::try_from(index).unwrap_or(u32::MAX);
            word.copy_from_slice(&mixed.to_be_bytes());
        }
    }
}

/// Synthetic boot code (ROM 0x40..0x1000, big-endian) whose CRC32 is that of Nintendo's boot
/// code for `cic`, and no other known one.
///
/// # Panics
///
/// When the solved pattern hits another known CRC32 (it does not, for the fixed seeds here).
pub fn synthetic_boot_code(cic: Cic) -> Vec<u8> {
    let mut boot = vec![0u8; BOOT_END - BOOT_OFFSET];
    let index = Cic::ALL.iter().position(|&c| c == cic).unwrap_or(0) as u64;
    Rng(0x4E36_3442_4F4F_5400 + index).fill(&mut boot);
    let (end, target) = cic.boot_crc32();
    let window = end - BOOT_OFFSET;
    force_crc32(&mut boot[..window], window - 4, target).expect("the window fits");
    let full = crc32fast::hash(&boot);
    let partial = crc32fast::hash(&boot[..PARTIAL_END_5101 - BOOT_OFFSET]);
    let full_hits: Vec<u32> = KNOWN_FULL_CRC32.iter().copied().filter(|&v| v == full).collect();
    if cic == Cic::C5101 {
        assert!(full_hits.is_empty(), "5101 boot code: full-range CRC32 {full:08X} hits a known entry");
    } else {
        assert_eq!(full_hits, [target], "{} boot code: CRC32 {full:08X} is not the target", cic.name());
        assert_ne!(partial, KNOWN_5101_PARTIAL_CRC32, "{} boot code also hits the 5101 key", cic.name());
    }
    assert!(!contains(&boot, LIBDRAGON_BANNER), "{} boot code contains the libdragon banner", cic.name());
    boot
}

/// Boot code no table knows: one fixed word repeated.
pub fn unknown_boot_code() -> Vec<u8> {
    let boot: Vec<u8> =
        std::iter::repeat_n(0x0BAD_B007u32.to_be_bytes(), (BOOT_END - BOOT_OFFSET) / 4).flatten().collect();
    let full = crc32fast::hash(&boot);
    let partial = crc32fast::hash(&boot[..PARTIAL_END_5101 - BOOT_OFFSET]);
    assert!(
        !KNOWN_FULL_CRC32.contains(&full) && partial != KNOWN_5101_PARTIAL_CRC32,
        "the unknown boot code hits a known CRC32"
    );
    boot
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jis_title_has_the_expected_bytes() {
        let raw = encode_title("ﾊﾞｸｼｮｳｼﾞﾝｾｲ64");
        let expected = [0xCA, 0xDE, 0xB8, 0xBC, 0xAE, 0xB3, 0xBC, 0xDE, 0xDD, 0xBE, 0xB2, 0x36, 0x34];
        assert_eq!(raw[..13], expected);
        assert_eq!(raw[13..], [b' '; 7]);
    }

    #[test]
    fn synthetic_boot_codes_hit_their_keys() {
        for cic in Cic::ALL {
            let boot = synthetic_boot_code(cic);
            let (end, target) = cic.boot_crc32();
            assert_eq!(crc32fast::hash(&boot[..end - BOOT_OFFSET]), target, "{}", cic.name());
        }
    }

    #[test]
    fn the_libdragon_asset_is_the_prod_build() {
        assert_eq!(crc32fast::hash(&LIBDRAGON_IPL3[BOOT_OFFSET..]), 0x345E_1229);
        assert!(contains(LIBDRAGON_IPL3, LIBDRAGON_BANNER));
    }

    #[test]
    fn each_block_differs_from_the_first_in_one_word() {
        let mut body = vec![0u8; 0x4000];
        fill_blocks(&mut body, 1);
        let (first, rest) = body.split_at(0x1000);
        for (i, block) in rest.chunks(0x1000).enumerate() {
            let differing = block.chunks(4).zip(first.chunks(4)).filter(|(a, b)| a != b).count();
            assert_eq!(differing, 1, "block {}", i + 1);
        }
    }

    #[test]
    fn stored_orders_and_trailing_bytes() {
        let builder = RomBuilder::new(0x2000).seed(3);
        let be = builder.build();
        let n64 = builder.clone().order(Order::N64).trailing(&[0xAA, 0xBB]).build_stored();
        assert_eq!(n64.len(), 0x2002);
        assert_eq!(Order::N64.load(&n64[..0x2000]), be);
        assert_eq!(Order::of_magic(&n64), Some(Order::N64));
    }
}
