//! The asset-scanning rows of `cargo xtask bench` (issue 12): their data, the in-process
//! baseline, and the untimed run that makes sure `n64 assets` finds exactly the blocks placed.
//!
//! `assets/rom.z64` is a 64 MiB ROM of pseudo-random bytes holding 200 blocks (Yaz0, Yay0 and
//! MIO0 in turn, compressed by the crunch64 crate) of 4 to 64 KiB of text- and code-like data,
//! at random offsets that do not overlap. `n64 assets ROM` is timed beside the baseline of
//! [`baseline`]: read the file (into a buffer kept from run to run), one pass over it for the
//! three magics (memchr for `Y` and `M`, then the four bytes compared), and each of those 200
//! blocks decoded once with n64-assets' decoders, the ones the command uses, so the ratio is
//! what the scan adds (the container searches, the candidates' bookkeeping, a fresh 64 MiB
//! allocation, process start and output).

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use n64_assets::codec::{Codec, Limits};
use n64_testkit::{Rng, RomBuilder};

use super::BIG_MIB;
use super::venv::last_line;

/// What the directory's stamp file says; a different stamp means regenerate.
const STAMP_VERSION: &str = "n64-tools bench assets data v1";
/// How many blocks the ROM holds.
pub(super) const BLOCKS: usize = 200;

/// The files of the asset rows.
#[derive(Debug)]
pub(super) struct Files {
    pub(super) dir: PathBuf,
    stamp: PathBuf,
    /// The 64 MiB ROM.
    pub(super) rom: PathBuf,
    /// The blocks placed: offset, codec name, stored and decoded sizes, one per line.
    blocks: PathBuf,
}

impl Files {
    /// The files in `dir`.
    pub(super) fn new(dir: PathBuf) -> Files {
        Files {
            stamp: dir.join("STAMP"),
            rom: dir.join(format!("blocks-{BIG_MIB}mib.z64")),
            blocks: dir.join("blocks.txt"),
            dir,
        }
    }
}

/// One block placed: offset, codec, stored size, decoded size.
type Placed = (usize, Codec, usize, usize);

/// Text- and code-like data of `len` bytes (compressible as game data is).
fn block_data(rng: &mut Rng, len: usize) -> Result<Vec<u8>> {
    const WORDS: [&str; 12] =
        ["the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ", "Link ", "Mario ", "\n", "!! "];
    let mut out = Vec::with_capacity(len + 64);
    while out.len() < len {
        if rng.below(3) == 0 {
            for _ in 0..16 {
                let op = [0x27BD_0000u32, 0x8FBF_0000, 0xAFBF_0000, 0x3C01_0000][usize::try_from(rng.below(4))?];
                out.extend_from_slice(&(op | u32::try_from(rng.below(64))? << 2).to_be_bytes());
            }
        } else {
            out.extend_from_slice(WORDS[usize::try_from(rng.below(12))?].as_bytes());
        }
    }
    out.truncate(len);
    Ok(out)
}

fn compress(codec: Codec, data: &[u8]) -> Result<Vec<u8>> {
    let block = match codec {
        Codec::Yaz0 => crunch64::yaz0::compress(data),
        Codec::Yay0 => crunch64::yay0::compress(data),
        _ => crunch64::mio0::compress(data),
    };
    Ok(block.map_err(|e| anyhow::anyhow!("crunch64 {codec}: {e:?}"))?.into_vec())
}

/// The ROM of `size` bytes and its `blocks` blocks.
fn make(size: usize, blocks: usize) -> Result<(Vec<u8>, Vec<Placed>)> {
    let mut rom = RomBuilder::new(size).title("BENCH ASSETS").game_code(b"NBAE").seed(0xA55E7).build();
    let mut rng = Rng(0xB10C);
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut placed = Vec::new();
    for i in 0..blocks {
        let codec = Codec::ALL[i % 3];
        let len = 4096 + usize::try_from(rng.below(60 * 1024))?;
        let data = block_data(&mut rng, len)?;
        let block = compress(codec, &data)?;
        let at = loop {
            let at = 0x1000 + usize::try_from(rng.below(u64::try_from(size - 0x1000 - block.len())?))?;
            if taken.iter().all(|&(s, e)| at + block.len() <= s || e <= at) {
                break at;
            }
        };
        rom[at..at + block.len()].copy_from_slice(&block);
        taken.push((at, at + block.len()));
        placed.push((at, codec, block.len(), data.len()));
    }
    placed.sort_unstable_by_key(|p| p.0);
    Ok((rom, placed))
}

fn blocks_text(placed: &[Placed]) -> String {
    placed.iter().fold(String::new(), |mut text, (at, codec, stored, decoded)| {
        let _ = writeln!(text, "{at} {codec} {stored} {decoded}");
        text
    })
}

/// Generates the ROM, unless the directory already holds it.
pub(super) fn prepare_data(files: &Files) -> Result<()> {
    let stamp = format!("{STAMP_VERSION} blocks={BLOCKS} mib={BIG_MIB}\n");
    if fs::read_to_string(&files.stamp).is_ok_and(|s| s == stamp)
        && fs::metadata(&files.rom).is_ok_and(|m| m.len() == (BIG_MIB as u64) << 20)
        && files.blocks.is_file()
    {
        eprintln!("bench: reusing the asset data in {}", files.dir.display());
        return Ok(());
    }
    let started = Instant::now();
    eprintln!("bench: generating a {BIG_MIB} MiB ROM with {BLOCKS} blocks in {}", files.dir.display());
    super::data::remove_dir(&files.dir)?;
    fs::create_dir_all(&files.dir).with_context(|| format!("creating {}", files.dir.display()))?;
    let (rom, placed) = make(BIG_MIB << 20, BLOCKS)?;
    fs::write(&files.rom, &rom).with_context(|| format!("writing {}", files.rom.display()))?;
    fs::write(&files.blocks, blocks_text(&placed)).with_context(|| format!("writing {}", files.blocks.display()))?;
    fs::write(&files.stamp, stamp).with_context(|| format!("writing {}", files.stamp.display()))?;
    eprintln!("bench: generated in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Before timing: `n64 assets --json` lists exactly the blocks placed (offsets, codecs, sizes),
/// and the baseline finds and decodes them too. Also reads the ROM into the page cache.
pub(super) fn prepare(files: &Files, release: &Path) -> Result<()> {
    let expected = fs::read_to_string(&files.blocks).with_context(|| format!("reading {}", files.blocks.display()))?;
    let decoded = baseline(&files.rom)?;
    ensure!(decoded.len() == BLOCKS, "the baseline decoded {} blocks, expected {BLOCKS}", decoded.len());
    let n64 = release.join("n64");
    if !n64.is_file() {
        return Ok(());
    }
    let output = Command::new(&n64)
        .args([OsStr::new("assets"), OsStr::new("--json"), files.rom.as_os_str()])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context("running n64 assets")?;
    ensure!(output.status.success(), "n64 assets exited with {}: {}", output.status, last_line(&output.stderr));
    let mut found = String::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let record: serde_json::Value = serde_json::from_str(line).context("n64 assets --json output")?;
        if record["type"] != "asset" {
            continue;
        }
        let kind = record["kind"].as_str().unwrap_or_default();
        let codec = Codec::ALL.into_iter().find(|c| c.name().eq_ignore_ascii_case(kind));
        let Some(codec) = codec else { bail!("n64 assets listed a {kind}: {line}") };
        let _ = writeln!(found, "{} {codec} {} {}", record["offset"], record["size"], record["decompressed_size"]);
    }
    ensure!(
        found == expected,
        "n64 assets does not list exactly the {BLOCKS} blocks placed in {}",
        files.rom.display()
    );
    eprintln!("bench: n64 assets lists exactly the {BLOCKS} blocks placed");
    Ok(())
}

/// The baseline: reads the ROM into a buffer kept from run to run (as the read baseline of the
/// check rows does: the allocation and its page faults are paid once, in the warm-up run), finds
/// every `Yaz0`, `Yay0` and `MIO0` in one pass (memchr for the first letters `Y` and `M`, then the
/// four bytes), decodes the block at each; returns the blocks that decoded (offset and decoded
/// size).
pub(super) fn baseline(rom: &Path) -> Result<Vec<(usize, usize)>> {
    thread_local! {
        static IMAGE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    IMAGE.with_borrow_mut(|image| {
        let mut file = fs::File::open(rom).with_context(|| format!("opening {}", rom.display()))?;
        let len = usize::try_from(file.metadata()?.len())?;
        image.resize(len, 0);
        file.read_exact(image).with_context(|| format!("reading {}", rom.display()))?;
        let limits = Limits::default();
        let mut decoded = Vec::new();
        for at in memchr::memchr2_iter(b'Y', b'M', image) {
            let Some(codec) = Codec::from_magic(&image[at..]) else { continue };
            if let Ok(block) = n64_assets::codec::decode(codec, &image[at..], &limits) {
                decoded.push((at, block.data.len()));
            }
        }
        std::hint::black_box(&decoded);
        Ok(decoded)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_placed_apart_and_decode() {
        let (rom, placed) = make(4 << 20, 20).unwrap();
        assert_eq!(placed.len(), 20);
        for pair in placed.windows(2) {
            assert!(pair[0].0 + pair[0].2 <= pair[1].0, "{pair:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rom.z64");
        fs::write(&path, &rom).unwrap();
        let decoded = baseline(&path).unwrap();
        let expected: Vec<(usize, usize)> = placed.iter().map(|p| (p.0, p.3)).collect();
        assert_eq!(decoded, expected);
    }
}
