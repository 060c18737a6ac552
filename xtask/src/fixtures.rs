//! The synthetic ROM fixtures in `testdata/` and their manifest, `testdata/MANIFEST.json`.
//!
//! Everything here is deterministic: fixed seeds, no clock, no OS randomness, sorted maps. The
//! expected values in the manifest come from outside `n64-core`: check codes from the
//! `ipl3checksum` crate, everything else from the way the fixture was built.
//!
//! No fixture contains Nintendo code. The Nintendo CIC kinds get *synthetic* boot code: a
//! pseudo-random pattern whose last four bytes are solved (see [`n64_testkit::crc_force`]) so that
//! its CRC32 equals the value n64-core's table knows for Nintendo's boot code of that kind.
//! Such boot code is recognised by CRC32 only; it does not pass the console's IPL2 checksum
//! and would not boot. libdragon's open-source IPL3 (public domain) is used as is.

mod assets;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail, ensure};
use n64_testkit::rom::{BOOT_END, Homebrew as HomebrewBytes};
use n64_testkit::{Body, Cic, Order, RomBuilder, Stored as StoredCode, oracle_check_code};
use serde::Serialize;

/// The manifest's file name inside the fixture directory.
pub const MANIFEST: &str = "MANIFEST.json";

/// Size of the range the check code covers, header and boot code included.
const CHECKED_LEN: usize = n64_testkit::cic::CHECKED_LEN;

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
    let game_code: [u8; 4] = spec
        .game_code
        .as_bytes()
        .try_into()
        .with_context(|| format!("{}: game code {:?} is not 4 bytes", spec.name, spec.game_code))?;
    let boot = match spec.boot {
        Boot::Synthetic(cic) => n64_testkit::Boot::Synthetic(cic),
        Boot::Libdragon => n64_testkit::Boot::Libdragon,
        Boot::Unknown => n64_testkit::Boot::Unknown,
    };
    let stored = match spec.stored {
        Stored::Valid => StoredCode::Valid,
        Stored::Invalid => StoredCode::Invalid,
        Stored::Zero => StoredCode::Zero,
        Stored::As6102 => StoredCode::As(Cic::C6102),
    };
    let mut builder = RomBuilder::new(len)
        .boot(boot)
        .first_word(spec.first_word.unwrap_or(n64_testkit::rom::MAGIC))
        .title(spec.title)
        .game_code(&game_code)
        .body(Body::Blocks)
        .seed(spec.seed)
        .stored(stored);
    if let Some(hb) = spec.homebrew {
        ensure!(game_code[1..3] == *b"ED", "{}: a homebrew header needs \"ED\" in the game code", spec.name);
        builder = builder.homebrew(HomebrewBytes {
            controllers: hb.controllers.map(|(byte, _)| byte),
            save_type: hb.save_type.0,
            rtc: hb.rtc,
            region_free: hb.region_free,
        });
    }
    if spec.cic().is_none() && matches!(spec.stored, Stored::Valid | Stored::Invalid) {
        bail!("{}: a check code needs a CIC", spec.name);
    }
    Ok(builder.build())
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
    /// Bytes after the last whole unit of the order (reported as a problem, left out of the check code).
    trailing_bytes: usize,
    title: &'static str,
    game_code: &'static str,
    cic: Option<&'static str>,
    boot_code: Option<&'static str>,
    check_code: CheckCodeEntry,
    homebrew: Option<HomebrewEntry>,
    /// What `n64 assets` finds (`assets.z64` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    assets: Option<assets::Assets>,
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

    let cic = spec.cic();
    let computed = cic.map(|cic| oracle_check_code(&be, cic));
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
        trailing_bytes: spec.size - be.len(),
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
        assets: None,
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

    // The asset fixture: blocks, containers and textures at documented offsets.
    let (rom, found) = assets::build().context("building assets.z64")?;
    let description = "libdragon IPL3, z64, 128 KiB: a rompak TOC, a DragonFS image (nested directories, an LZ4 \
                       compressed asset, a Yaz0 file), a Zelda-like file table (two Yaz0 files), loose Yaz0, Yay0 and \
                       MIO0 blocks (crunch64), three textures (RGBA16 gradient, I4 checkerboard, CI4 icon)";
    let stored_code = u64::from_be_bytes(rom[0x10..0x18].try_into()?);
    let entry = RomEntry {
        description,
        format: "z64",
        order_source: "magic",
        size: rom.len(),
        trailing_bytes: 0,
        title: "ASSETS FIXTURE",
        game_code: "NAFE",
        cic: Some(Cic::C6102.name()),
        boot_code: Some("libdragon"),
        check_code: CheckCodeEntry {
            stored: hex64(stored_code),
            computed: Some(hex64(oracle_check_code(&rom, Cic::C6102))),
            valid: None,
            padded: rom.len() < CHECKED_LEN,
        },
        homebrew: None,
        assets: Some(found),
    };
    ensure!(manifest.files.insert("assets.z64", Entry::Rom(Box::new(entry))).is_none(), "duplicate assets.z64");
    files.push(("assets.z64".to_owned(), rom));

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
