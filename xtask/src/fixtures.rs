//! The synthetic ROM fixtures in `testdata/` and their manifest, `testdata/MANIFEST.json`.
//!
//! Everything here is deterministic: fixed seeds, no clock, no OS randomness, sorted maps. The
//! expected values in the manifest come from outside `n64-core`: check codes from the
//! `ipl3checksum` crate, everything else from the way the fixture was built.
//!
//! No fixture contains Nintendo code. The Nintendo CIC kinds get *synthetic* boot code: a
//! pseudo-random pattern whose last four bytes are solved (see [`crate::crc_force`]) so that
//! its CRC32 equals the value n64-core's table knows for Nintendo's boot code of that kind.
//! Such boot code is recognised by CRC32 only; it does not pass the console's IPL2 checksum
//! and would not boot. libdragon's open-source IPL3 (public domain) is used as is.

use crate::rng::SplitMix64;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail, ensure};
use serde::Serialize;

use crate::crc_force::force_crc32;

/// The manifest's file name inside the fixture directory.
pub const MANIFEST: &str = "MANIFEST.json";

/// Header and boot code of libdragon's IPL3, production build, release r8 (see `assets/README.md`).
const LIBDRAGON_IPL3: &[u8; 0x1000] = include_bytes!("../assets/libdragon-ipl3-prod-r8.bin");

/// Size of the range the check code covers, header and boot code included.
const CHECKED_LEN: usize = 0x10_1000;
/// Offset of the boot code.
const BOOT_OFFSET: usize = 0x40;
/// End of the boot code.
const BOOT_END: usize = 0x1000;
/// The usual first word.
const MAGIC: u32 = 0x8037_1240;
/// The boot address every synthetic fixture uses (keeps 5101 in its normal, 1 MiB mode).
const BOOT_ADDRESS: u32 = 0x8000_0400;

/// CRC32 values of known boot codes over ROM 0x40..0x1000: Nintendo's for 6101, 6102, 7102,
/// 6103, 6105, 6106 and 8303, then libdragon's prod, dev and compat builds. A synthetic boot
/// code must hit exactly its own entry, and the unknown one none of them.
const KNOWN_FULL_CRC32: [u32; 10] = [
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
const KNOWN_5101_PARTIAL_CRC32: u32 = 0x587B_D543;
/// End of the range the 5101 CRC32 is keyed on.
const PARTIAL_END_5101: usize = 0xC00;
/// The banner every libdragon IPL3 carries; synthetic boot code must not contain it.
const LIBDRAGON_BANNER: &[u8] = b" Libdragon IPL3  Coded by Rasky ";

/// A byte order, with its own swap (independent of n64-core's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Big-endian.
    Z64,
    /// Bytes of every 16-bit half swapped.
    V64,
    /// Bytes of every 32-bit word reversed.
    N64,
}

impl Order {
    /// `"z64"`, `"v64"` or `"n64"`.
    pub const fn name(self) -> &'static str {
        match self {
            Order::Z64 => "z64",
            Order::V64 => "v64",
            Order::N64 => "n64",
        }
    }

    /// Parses a name given by [`Order::name`].
    pub fn from_name(name: &str) -> Option<Order> {
        [Order::Z64, Order::V64, Order::N64].into_iter().find(|o| o.name() == name)
    }

    /// The size of the unit this order permutes.
    pub const fn unit(self) -> usize {
        match self {
            Order::Z64 => 1,
            Order::V64 => 2,
            Order::N64 => 4,
        }
    }

    /// Converts between big-endian and this order, in place (the swap is its own inverse).
    /// A trailing partial unit is left alone.
    pub fn swap(self, bytes: &mut [u8]) {
        match self {
            Order::Z64 => {}
            Order::V64 => bytes.chunks_exact_mut(2).for_each(<[u8]>::reverse),
            Order::N64 => bytes.chunks_exact_mut(4).for_each(<[u8]>::reverse),
        }
    }
}

/// The CIC kinds with a header check code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cic {
    /// CIC-NUS-6101.
    C6101,
    /// CIC-NUS-6102 / 7101.
    C6102,
    /// CIC-NUS-7102.
    C7102,
    /// CIC-NUS-6103 / 7103.
    C6103,
    /// CIC-NUS-6105 / 7105.
    C6105,
    /// CIC-NUS-6106 / 7106.
    C6106,
    /// CIC-NUS-5101 (Aleck64).
    C5101,
}

impl Cic {
    /// Every kind.
    pub const ALL: [Cic; 7] = [Cic::C6101, Cic::C6102, Cic::C7102, Cic::C6103, Cic::C6105, Cic::C6106, Cic::C5101];

    /// The short name, as the manifest writes it.
    pub const fn name(self) -> &'static str {
        match self {
            Cic::C6101 => "6101",
            Cic::C6102 => "6102",
            Cic::C7102 => "7102",
            Cic::C6103 => "6103",
            Cic::C6105 => "6105",
            Cic::C6106 => "6106",
            Cic::C5101 => "5101",
        }
    }

    /// Parses a name given by [`Cic::name`].
    pub fn from_name(name: &str) -> Option<Cic> {
        Cic::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The same kind as `ipl3checksum` names it.
    pub const fn oracle_kind(self) -> ipl3checksum::CICKind {
        match self {
            Cic::C6101 => ipl3checksum::CICKind::CIC_6101,
            Cic::C6102 => ipl3checksum::CICKind::CIC_6102_7101,
            Cic::C7102 => ipl3checksum::CICKind::CIC_7102,
            Cic::C6103 => ipl3checksum::CICKind::CIC_X103,
            Cic::C6105 => ipl3checksum::CICKind::CIC_X105,
            Cic::C6106 => ipl3checksum::CICKind::CIC_X106,
            Cic::C5101 => ipl3checksum::CICKind::CIC_5101,
        }
    }

    /// The ROM range end and CRC32 value n64-core keys this kind's boot code on.
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

/// Computes the check code a Nintendo boot code for `cic` expects, with `ipl3checksum`, from
/// big-endian bytes; a ROM shorter than 0x101000 bytes is zero-padded first.
pub fn oracle_check_code(rom_be: &[u8], cic: Cic) -> Result<u64> {
    let padded;
    let rom = if rom_be.len() < CHECKED_LEN {
        let mut copy = rom_be.to_vec();
        copy.resize(CHECKED_LEN, 0);
        padded = copy;
        &padded[..]
    } else {
        rom_be
    };
    let (crc1, crc2) = ipl3checksum::calculate_checksum(rom, cic.oracle_kind())
        .with_context(|| format!("ipl3checksum failed for CIC {}", cic.name()))?;
    Ok((u64::from(crc1) << 32) | u64::from(crc2))
}

/// Fills a ROM body with a pseudo-random 4 KiB block repeated, the block index XORed into one
/// word of each copy (at a position that moves from block to block), so that every word of the
/// body still varies but zlib compresses it to almost nothing.
fn fill_body(body: &mut [u8], seed: u64) {
    let mut block = [0u8; 0x1000];
    SplitMix64(seed).fill(&mut block);
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

/// Synthetic boot code (ROM 0x40..0x1000, big-endian) that n64-core's CRC32 table takes for
/// Nintendo's boot code of `cic`.
fn synthetic_boot_code(cic: Cic) -> Result<Vec<u8>> {
    let mut boot = vec![0u8; BOOT_END - BOOT_OFFSET];
    let index = Cic::ALL.iter().position(|&c| c == cic).unwrap_or(0) as u64;
    SplitMix64(0x4E36_3442_4F4F_5400 + index).fill(&mut boot);
    let (end, target) = cic.boot_crc32();
    let window = end - BOOT_OFFSET;
    force_crc32(&mut boot[..window], window - 4, target)?;

    let full = crc32fast::hash(&boot);
    let partial = crc32fast::hash(&boot[..PARTIAL_END_5101 - BOOT_OFFSET]);
    let full_hits: Vec<u32> = KNOWN_FULL_CRC32.iter().copied().filter(|&v| v == full).collect();
    if cic == Cic::C5101 {
        ensure!(full_hits.is_empty(), "5101 boot code: full-range CRC32 {full:08X} hits a known entry");
    } else {
        ensure!(full_hits == [target], "{} boot code: CRC32 {full:08X} is not the target", cic.name());
        ensure!(partial != KNOWN_5101_PARTIAL_CRC32, "{} boot code also hits the 5101 key", cic.name());
    }
    ensure!(!contains(&boot, LIBDRAGON_BANNER), "{} boot code contains the libdragon banner", cic.name());
    Ok(boot)
}

/// Boot code no table knows: one fixed word repeated.
fn unknown_boot_code() -> Result<Vec<u8>> {
    let boot: Vec<u8> =
        std::iter::repeat_n(0x0BAD_B007u32.to_be_bytes(), (BOOT_END - BOOT_OFFSET) / 4).flatten().collect();
    let full = crc32fast::hash(&boot);
    let partial = crc32fast::hash(&boot[..PARTIAL_END_5101 - BOOT_OFFSET]);
    ensure!(
        !KNOWN_FULL_CRC32.contains(&full) && partial != KNOWN_5101_PARTIAL_CRC32,
        "the unknown boot code hits a known CRC32"
    );
    Ok(boot)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Encodes a title as JIS X 0201 (ASCII and half-width katakana), space padded to 20 bytes.
fn encode_title(text: &str) -> Result<[u8; 20]> {
    let mut raw = [b' '; 20];
    for (len, c) in text.chars().enumerate() {
        let code = u32::from(c);
        let byte = match code {
            0x20..=0x7E => code,
            0xFF61..=0xFF9F => code - 0xFF61 + 0xA1,
            _ => bail!("{c:?} in title {text:?} is not JIS X 0201"),
        };
        ensure!(len < raw.len(), "title {text:?} is longer than 20 bytes");
        raw[len] = u8::try_from(byte)?;
    }
    Ok(raw)
}

/// Which boot code a fixture ROM carries.
#[derive(Debug, Clone, Copy)]
enum Boot {
    /// Synthetic boot code keyed to Nintendo's CRC32 for the kind.
    Synthetic(Cic),
    /// libdragon's IPL3 (prod, r8), header included.
    Libdragon,
    /// A pattern no table knows.
    Unknown,
}

/// What the header's check code field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stored {
    /// The value ipl3checksum computes for the fixture's CIC.
    Valid,
    /// A deliberately wrong value.
    Invalid,
    /// Zero (libdragon leaves it so).
    Zero,
    /// What a 6102 boot code would expect (for the unknown boot code: right if the user says 6102).
    As6102,
}

/// The Advanced Homebrew header fields of a fixture.
#[derive(Debug, Clone, Copy)]
struct Homebrew {
    controllers: [(u8, &'static str); 4],
    save_type: (u8, &'static str),
    rtc: bool,
    region_free: bool,
}

/// A fixture ROM to build.
#[derive(Debug, Clone)]
struct RomSpec {
    name: &'static str,
    description: &'static str,
    order: Order,
    /// The final file size (one that is not a whole number of the order's units makes an
    /// "unaligned" error fixture).
    size: usize,
    boot: Boot,
    stored: Stored,
    title: &'static str,
    game_code: &'static str,
    homebrew: Option<Homebrew>,
    /// The first word, when it is not the usual magic.
    first_word: Option<u32>,
    seed: u64,
}

impl RomSpec {
    fn new(name: &'static str, order: Order, size: usize, boot: Boot) -> RomSpec {
        RomSpec {
            name,
            description: "",
            order,
            size,
            boot,
            stored: Stored::Valid,
            title: "N64-TOOLS FIXTURE",
            game_code: "NXTE",
            homebrew: None,
            first_word: None,
            seed: 0,
        }
    }

    fn about(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    fn homebrew(mut self, homebrew: Homebrew) -> Self {
        self.homebrew = Some(homebrew);
        self
    }

    fn first_word(mut self, word: u32) -> Self {
        self.first_word = Some(word);
        self
    }

    fn stored(mut self, stored: Stored) -> Self {
        self.stored = stored;
        self
    }

    fn title(mut self, title: &'static str, game_code: &'static str) -> Self {
        self.title = title;
        self.game_code = game_code;
        self
    }

    fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The CIC whose check code applies (libdragon's IPL3 is signed for 6102).
    fn cic(&self) -> Option<Cic> {
        match self.boot {
            Boot::Synthetic(cic) => Some(cic),
            Boot::Libdragon => Some(Cic::C6102),
            Boot::Unknown => None,
        }
    }
}

/// The fixture ROMs. Sizes keep `testdata/` near 5 MiB: four ROMs cover the whole checked range
/// (one beyond it), the rest are short and count as zero-padded.
#[allow(clippy::too_many_lines, reason = "a table, one entry per fixture")]
fn rom_specs() -> Vec<RomSpec> {
    use Boot::{Libdragon, Synthetic, Unknown};
    use Order::{N64, V64, Z64};
    let short = 0x8000;
    let c6102 = Synthetic(Cic::C6102);
    vec![
        RomSpec::new("6102-large.z64", Z64, 0x14_0000, c6102)
            .about("CIC 6102, z64, 1.25 MiB: data past the checked range")
            .title("FIXTURE 6102 LARGE", "NX2E")
            .seed(1),
        RomSpec::new("6102-short.z64", Z64, short, c6102)
            .about("CIC 6102, z64, 32 KiB: check code over a zero-padded image")
            .title("FIXTURE 6102 SHORT", "NX2P")
            .seed(2),
        RomSpec::new("6102-short.v64", V64, short, c6102)
            .about("6102-short.z64 stored byte-swapped (v64)")
            .title("FIXTURE 6102 SHORT", "NX2P")
            .seed(2),
        RomSpec::new("6102-short.n64", N64, short, c6102)
            .about("6102-short.z64 stored little-endian (n64)")
            .title("FIXTURE 6102 SHORT", "NX2P")
            .seed(2),
        RomSpec::new("6102-boot-only.z64", Z64, BOOT_END, c6102)
            .about("CIC 6102, z64, header and boot code only: the whole checked range is padding")
            .title("FIXTURE BOOT ONLY", "NX0E"),
        RomSpec::new("6101.n64", N64, short, Synthetic(Cic::C6101))
            .about("CIC 6101, n64, 32 KiB")
            .title("FIXTURE 6101", "NX1J")
            .seed(3),
        RomSpec::new("7102.v64", V64, short, Synthetic(Cic::C7102))
            .about("CIC 7102, v64, 32 KiB")
            .title("FIXTURE 7102", "NX7P")
            .seed(4),
        RomSpec::new("6103.z64", Z64, short, Synthetic(Cic::C6103))
            .about("CIC 6103, z64, 32 KiB")
            .title("FIXTURE 6103", "NX3E")
            .seed(5),
        RomSpec::new("6105.v64", V64, CHECKED_LEN, Synthetic(Cic::C6105))
            .about("CIC 6105, v64, full checked range; the check code mixes in boot code words 0x750..0x850")
            .title("FIXTURE 6105", "NX5E")
            .seed(6),
        RomSpec::new("6106.n64", N64, CHECKED_LEN, Synthetic(Cic::C6106))
            .about("CIC 6106, n64, full checked range")
            .title("FIXTURE 6106", "NX6E")
            .seed(7),
        RomSpec::new("5101.z64", Z64, CHECKED_LEN, Synthetic(Cic::C5101))
            .about("CIC 5101, z64, full checked range, boot address 0x80000400 (normal 1 MiB mode)")
            .title("FIXTURE 5101", "NX5J")
            .seed(8),
        RomSpec::new("6106-unaligned.z64", Z64, short + 3, Synthetic(Cic::C6106))
            .about("CIC 6106, z64, size 0x8003 (legal for z64): the last partial word counts zero-padded")
            .title("FIXTURE UNALIGNED", "NXUE")
            .seed(9),
        RomSpec::new("6102-bad.z64", Z64, short, c6102)
            .about("CIC 6102, z64, wrong check code")
            .stored(Stored::Invalid)
            .title("FIXTURE BAD 6102", "NXBE")
            .seed(10),
        RomSpec::new("6103-bad.v64", V64, short, Synthetic(Cic::C6103))
            .about("CIC 6103, v64, wrong check code")
            .stored(Stored::Invalid)
            .title("FIXTURE BAD 6103", "NXBE")
            .seed(11),
        RomSpec::new("6105-bad.n64", N64, short, Synthetic(Cic::C6105))
            .about("CIC 6105, n64, wrong check code")
            .stored(Stored::Invalid)
            .title("FIXTURE BAD 6105", "NXBE")
            .seed(12),
        RomSpec::new("homebrew.z64", Z64, short, c6102)
            .about("CIC 6102, z64, Advanced Homebrew header: rumble/n64/none/mouse, SRAM 256K, RTC, region-free")
            .title("HOMEBREW HEADER", "NEDE")
            .homebrew(Homebrew {
                controllers: [(0x01, "rumble"), (0x00, "n64"), (0xFF, "none"), (0x80, "mouse")],
                save_type: (3, "sram256k"),
                rtc: true,
                region_free: true,
            })
            .seed(13),
        RomSpec::new("jis-title.n64", N64, short, Synthetic(Cic::C6103))
            .about("CIC 6103, n64, JIS X 0201 (half-width katakana) title, game code NBJJ")
            .title("ﾊﾞｸｼｮｳｼﾞﾝｾｲ64", "NBJJ")
            .seed(14),
        RomSpec::new("libdragon.z64", Z64, short, Libdragon)
            .about("libdragon IPL3 (prod, r8), z64: signed for 6102, verifies no check code (stored zero)")
            .stored(Stored::Zero)
            .title("LIBDRAGON FIXTURE", "NLDE")
            .seed(15),
        RomSpec::new("libdragon-no-magic.v64", V64, short, Libdragon)
            .about("libdragon IPL3, v64, first word 80371244 (no known magic): order inferred from the boot code")
            .stored(Stored::Zero)
            .title("LIBDRAGON NO MAGIC", "NLDE")
            .first_word(0x8037_1244)
            .seed(16),
        RomSpec::new("unknown-boot.z64", Z64, short, Unknown)
            .about("unknown boot code (one word repeated), z64; stored check code: what 6102 would expect")
            .stored(Stored::As6102)
            .title("FIXTURE UNKNOWN BOOT", "NXUE")
            .seed(17),
        RomSpec::new("odd-length.v64", V64, short + 1, c6102)
            .about("CIC 6102, v64, odd size 0x8001: not a whole number of 16-bit units")
            .title("FIXTURE ODD V64", "NXOE")
            .seed(18),
        RomSpec::new("unaligned.n64", N64, short + 2, c6102)
            .about("CIC 6102, n64, size 0x8002: not a whole number of 32-bit words")
            .title("FIXTURE UNALIGN N64", "NXOE")
            .seed(19),
    ]
}

/// The big-endian image of a fixture ROM (its size rounded down to the order's unit).
fn build_be(spec: &RomSpec) -> Result<Vec<u8>> {
    let len = spec.size - spec.size % spec.order.unit();
    ensure!(len >= BOOT_END, "{}: a ROM fixture needs at least the header and boot code", spec.name);
    let mut rom = vec![0u8; len];
    match spec.boot {
        Boot::Libdragon => rom[..BOOT_END].copy_from_slice(LIBDRAGON_IPL3),
        Boot::Synthetic(cic) => {
            rom[BOOT_OFFSET..BOOT_END].copy_from_slice(&synthetic_boot_code(cic)?);
            rom[0x04..0x08].copy_from_slice(&0x0000_000Fu32.to_be_bytes()); // clock rate
            rom[0x08..0x0C].copy_from_slice(&BOOT_ADDRESS.to_be_bytes());
            rom[0x0C..0x10].copy_from_slice(&0x0000_144Cu32.to_be_bytes()); // libultra 2.0L
        }
        Boot::Unknown => {
            rom[BOOT_OFFSET..BOOT_END].copy_from_slice(&unknown_boot_code()?);
            rom[0x08..0x0C].copy_from_slice(&BOOT_ADDRESS.to_be_bytes());
        }
    }
    rom[..4].copy_from_slice(&spec.first_word.unwrap_or(MAGIC).to_be_bytes());
    rom[0x20..0x34].copy_from_slice(&encode_title(spec.title)?);
    let game_code: [u8; 4] = spec
        .game_code
        .as_bytes()
        .try_into()
        .with_context(|| format!("{}: game code {:?} is not 4 bytes", spec.name, spec.game_code))?;
    rom[0x3B..0x3F].copy_from_slice(&game_code);
    if let Some(hb) = spec.homebrew {
        ensure!(game_code[1..3] == *b"ED", "{}: a homebrew header needs \"ED\" in the game code", spec.name);
        for (i, (byte, _)) in hb.controllers.iter().enumerate() {
            rom[0x34 + i] = *byte;
        }
        rom[0x3F] = (hb.save_type.0 << 4) | u8::from(hb.rtc) | (u8::from(hb.region_free) << 1);
    }
    fill_body(&mut rom[BOOT_END..], 0x626F_6479_0000_0000 | spec.seed);

    let code = match (spec.stored, spec.cic()) {
        (Stored::Zero, _) => 0,
        (Stored::As6102, _) => oracle_check_code(&rom, Cic::C6102)?,
        (Stored::Valid, Some(cic)) => oracle_check_code(&rom, cic)?,
        (Stored::Invalid, Some(cic)) => {
            let right = oracle_check_code(&rom, cic)?;
            // Flip a few bits of each half, so both words are wrong.
            right ^ 0x0000_1000_0100_0001
        }
        (_, None) => bail!("{}: a check code needs a CIC", spec.name),
    };
    rom[0x10..0x18].copy_from_slice(&code.to_be_bytes());
    Ok(rom)
}

/// One file's entry in the manifest.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Entry {
    Rom(Box<RomEntry>),
    Error(ErrorEntry),
}

/// A ROM `n64 info` reads: the values its JSON output should hold.
#[derive(Debug, Serialize)]
struct RomEntry {
    description: &'static str,
    format: &'static str,
    order_source: &'static str,
    size: usize,
    title: &'static str,
    game_code: &'static str,
    cic: Option<&'static str>,
    boot_code: Option<&'static str>,
    check_code: CheckCodeEntry,
    homebrew: Option<HomebrewEntry>,
}

#[derive(Debug, Serialize)]
struct CheckCodeEntry {
    stored: String,
    computed: Option<String>,
    valid: Option<bool>,
    padded: bool,
}

#[derive(Debug, Serialize)]
struct HomebrewEntry {
    controllers: [&'static str; 4],
    save_type: &'static str,
    rtc: bool,
    region_free: bool,
}

/// A file `n64 info` must refuse.
#[derive(Debug, Serialize)]
struct ErrorEntry {
    description: &'static str,
    /// The byte order the first word claims, when it is a magic.
    format: Option<&'static str>,
    size: usize,
    error: &'static str,
}

#[derive(Debug, Serialize)]
struct Manifest {
    about: &'static str,
    synthetic_boot_code: &'static str,
    not_covered: &'static str,
    files: BTreeMap<&'static str, Entry>,
}

fn hex64(value: u64) -> String {
    format!("{value:016X}")
}

/// Builds a fixture ROM's stored bytes and its manifest entry.
fn build_rom(spec: &RomSpec) -> Result<(Vec<u8>, Entry)> {
    let be = build_be(spec)?;
    let mut stored = be.clone();
    spec.order.swap(&mut stored);
    // An unaligned error fixture: append the bytes that break the unit.
    let tail = [0xA5u8, 0x5A, 0xA5];
    stored.extend_from_slice(&tail[..spec.size - be.len()]);
    ensure!(stored.len() == spec.size, "{}: built {:#x} bytes", spec.name, stored.len());

    if !spec.size.is_multiple_of(spec.order.unit()) {
        let entry = ErrorEntry {
            description: spec.description,
            format: Some(spec.order.name()),
            size: spec.size,
            error: "unaligned",
        };
        return Ok((stored, Entry::Error(entry)));
    }

    let cic = spec.cic();
    let computed = match cic {
        Some(cic) => Some(oracle_check_code(&be, cic)?),
        None => None,
    };
    let stored_code = u64::from_be_bytes(be[0x10..0x18].try_into()?);
    let (boot_code, valid) = match spec.boot {
        Boot::Synthetic(_) => (Some("nintendo"), computed.map(|c| c == stored_code)),
        Boot::Libdragon => (Some("libdragon"), None),
        Boot::Unknown => (None, None),
    };
    match spec.stored {
        Stored::Valid => ensure!(valid == Some(true), "{}: meant to be valid", spec.name),
        Stored::Invalid => ensure!(valid == Some(false), "{}: meant to be invalid", spec.name),
        Stored::Zero | Stored::As6102 => ensure!(valid.is_none(), "{}: validity should not apply", spec.name),
    }
    let entry = RomEntry {
        description: spec.description,
        format: spec.order.name(),
        order_source: if spec.first_word.is_some() { "boot_code" } else { "magic" },
        size: spec.size,
        title: spec.title,
        game_code: spec.game_code,
        cic: cic.map(Cic::name),
        boot_code,
        check_code: CheckCodeEntry {
            stored: hex64(stored_code),
            computed: computed.map(hex64),
            valid,
            padded: computed.is_some() && spec.size < CHECKED_LEN,
        },
        homebrew: spec.homebrew.map(|hb| HomebrewEntry {
            controllers: hb.controllers.map(|(_, name)| name),
            save_type: hb.save_type.1,
            rtc: hb.rtc,
            region_free: hb.region_free,
        }),
    };
    Ok((stored, Entry::Rom(Box::new(entry))))
}

/// A file that is not a ROM: name, description, format its magic claims, contents, error.
type NonRom = (&'static str, &'static str, Option<&'static str>, Vec<u8>, &'static str);

/// Builds every fixture: (file name, contents), the manifest last.
pub fn generate() -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    let mut manifest = Manifest {
        about: "Synthetic N64 ROM fixtures written by `cargo xtask fixtures` (xtask/src/fixtures.rs); do not edit by \
                hand. Each entry lists what `n64 info --json` should report for the file; check codes come from the \
                ipl3checksum crate, not from n64-core.",
        synthetic_boot_code: "The boot code of every fixture with boot_code \"nintendo\" is a pseudo-random \
                              pattern whose last four bytes are solved so that its CRC32 (ROM 0x40..0x1000; \
                              0x40..0xC00 for 5101) equals that of Nintendo's boot code for the CIC. It contains no \
                              Nintendo code, does not pass the console's IPL2 checksum and would not boot.",
        not_covered: "The 64DD CIC kinds 8303, 8401, 5167 and 8501 are recognised only by the IPL2 checksum of the \
                      boot code, a 48-bit value a synthetic boot code cannot be made to hit (a second preimage), and \
                      Nintendo's boot code cannot be shipped; no fixture covers them. Nor does any fixture cover \
                      5101's long (0x3FE000-byte) check mode.",
        files: BTreeMap::new(),
    };

    let specs = rom_specs();
    for spec in &specs {
        let (bytes, entry) = build_rom(spec)?;
        ensure!(manifest.files.insert(spec.name, entry).is_none(), "duplicate fixture {}", spec.name);
        files.push((spec.name.to_owned(), bytes));
    }

    // Files that are not ROMs, for the error paths. The short ones are cut from 6102-short.z64.
    let base = specs.iter().find(|s| s.name == "6102-short.z64").context("6102-short.z64 spec")?;
    let base = build_be(base)?;
    let text = b"This is a text file, not a Nintendo 64 ROM image.\n\
                 n64-tools must refuse it with a clear error instead of guessing a byte order.\n";
    let others: [NonRom; 5] = [
        ("empty.bin", "an empty file", None, Vec::new(), "empty"),
        ("one-byte.bin", "a single byte (0x80)", None, vec![0x80], "too_short"),
        ("not-a-rom.txt", "a short text file", None, text.to_vec(), "not_a_rom"),
        (
            "header-only.z64",
            "the 64-byte header of 6102-short.z64 and nothing else",
            Some("z64"),
            base[..0x40].to_vec(),
            "truncated",
        ),
        (
            "truncated.z64",
            "the first 0x800 bytes of 6102-short.z64: the boot code is cut short",
            Some("z64"),
            base[..0x800].to_vec(),
            "truncated",
        ),
    ];
    for (name, description, format, bytes, error) in others {
        let entry = ErrorEntry { description, format, size: bytes.len(), error };
        ensure!(manifest.files.insert(name, Entry::Error(entry)).is_none(), "duplicate fixture {name}");
        files.push((name.to_owned(), bytes));
    }

    let mut json = serde_json::to_vec_pretty(&manifest).context("serialising the manifest")?;
    json.push(b'\n');
    files.push((MANIFEST.to_owned(), json));
    Ok(files)
}

/// Writes every fixture into `dir` (created if missing), rewriting only files whose contents
/// changed, and removes files there that are no longer generated.
pub fn write(dir: &Path) -> Result<()> {
    let files = generate()?;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, bytes) in &files {
        let path = dir.join(name);
        if fs::read(&path).ok().as_deref() == Some(bytes.as_slice()) {
            continue;
        }
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    for name in list(dir)? {
        if !files.iter().any(|(n, _)| *n == name) {
            let path = dir.join(&name);
            ensure!(path.is_file(), "{} is not a generated fixture; remove it by hand", path.display());
            fs::remove_file(&path).with_context(|| format!("removing stale {}", path.display()))?;
            eprintln!("removed stale fixture {}", path.display());
        }
    }
    Ok(())
}

/// The names of the entries of `dir`, sorted.
fn list(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// Regenerates the fixtures into a temporary directory and compares them with `dir`: missing,
/// extra and differing files are all reported, and any of them is an error.
pub fn check(dir: &Path) -> Result<()> {
    let fresh = tempfile::tempdir().context("creating a temporary directory")?;
    write(fresh.path())?;
    let expected = list(fresh.path())?;
    let found = if dir.is_dir() { list(dir)? } else { Vec::new() };

    let mut problems = Vec::new();
    for name in &expected {
        if !found.contains(name) {
            problems.push(format!("{name}: missing"));
            continue;
        }
        let want = fs::read(fresh.path().join(name)).with_context(|| format!("reading generated {name}"))?;
        let have = fs::read(dir.join(name)).with_context(|| format!("reading {}", dir.join(name).display()))?;
        if want != have {
            problems.push(format!("{name}: differs from what the generator writes"));
        }
    }
    for name in &found {
        if !expected.contains(name) {
            problems.push(format!("{name}: not a generated fixture"));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    bail!(
        "the fixtures in {} are out of date:\n  {}\nrun `cargo xtask fixtures` to regenerate them",
        dir.display(),
        problems.join("\n  ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jis_title_has_the_expected_bytes() {
        let raw = encode_title("ﾊﾞｸｼｮｳｼﾞﾝｾｲ64").unwrap();
        let expected = [0xCA, 0xDE, 0xB8, 0xBC, 0xAE, 0xB3, 0xBC, 0xDE, 0xDD, 0xBE, 0xB2, 0x36, 0x34];
        assert_eq!(raw[..13], expected);
        assert_eq!(raw[13..], [b' '; 7]);
        assert!(encode_title("Pokémon").is_err());
        assert!(encode_title("a title that is far too long").is_err());
    }

    #[test]
    fn synthetic_boot_codes_hit_their_keys() {
        for cic in Cic::ALL {
            let boot = synthetic_boot_code(cic).unwrap();
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
    fn swaps_match_their_definition() {
        let mut bytes = [1, 2, 3, 4, 5, 6, 7, 8];
        Order::V64.swap(&mut bytes);
        assert_eq!(bytes, [2, 1, 4, 3, 6, 5, 8, 7]);
        let mut bytes = [1, 2, 3, 4, 5, 6, 7, 8];
        Order::N64.swap(&mut bytes);
        assert_eq!(bytes, [4, 3, 2, 1, 8, 7, 6, 5]);
    }

    #[test]
    fn each_block_differs_from_the_first_in_one_word() {
        let mut body = vec![0u8; 0x4000];
        fill_body(&mut body, 1);
        let (first, rest) = body.split_at(0x1000);
        for (i, block) in rest.chunks(0x1000).enumerate() {
            let differing = block.chunks(4).zip(first.chunks(4)).filter(|(a, b)| a != b).count();
            assert_eq!(differing, 1, "block {}", i + 1);
        }
    }
}
