//! The generated data of `cargo xtask bench`: the ROMs, the stamp that says whether they are
//! current, warming the page cache, and removing them afterwards.

use std::fs::{self, File};
use std::io::Read;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use super::{BIG_MIB, Layout, Options};
use crate::crc_force::force_crc32;
use crate::fixtures::{Cic, oracle_check_code};
use crate::rng::SplitMix64;

/// CRC32 of Nintendo's 6102 boot code over ROM 0x40..0x1000, which n64-core recognises.
const BOOT_6102_CRC32: u32 = 0x90BB_6CB5;
/// What the data directory's stamp file says; a different stamp means regenerate.
const STAMP_VERSION: &str = "n64-tools bench data v1";

/// Boot code (ROM 0x40..0x1000) that n64-core takes for 6102 by its CRC32. It is not Nintendo's
/// code, so `ipl3checksum` cannot detect its kind and is told it (`--kind 6102`).
fn boot_code_6102() -> Result<Vec<u8>> {
    let mut boot = vec![0u8; 0x1000 - 0x40];
    SplitMix64(0xB007_C0DE).fill(&mut boot);
    let last = boot.len() - 4;
    force_crc32(&mut boot, last, BOOT_6102_CRC32)?;
    Ok(boot)
}

/// A big-endian ROM of `size` bytes: z64 magic, a plausible header with a correct 6102 check
/// code, the 6102-keyed boot code and a pseudo-random body seeded by `index`.
fn make_rom(size: usize, index: u64, boot: &[u8]) -> Result<Vec<u8>> {
    let mut rom = vec![0u8; size];
    rom[0x00..0x04].copy_from_slice(&[0x80, 0x37, 0x12, 0x40]);
    rom[0x04..0x08].copy_from_slice(&0x0000_000F_u32.to_be_bytes());
    rom[0x08..0x0C].copy_from_slice(&0x8000_0400_u32.to_be_bytes());
    rom[0x0C..0x10].copy_from_slice(&0x0000_144C_u32.to_be_bytes());
    let title = format!("{:<20}", format!("BENCH ROM {index:04}"));
    rom[0x20..0x34].copy_from_slice(&title.as_bytes()[..20]);
    rom[0x3B..0x40].copy_from_slice(b"NBNE\0");
    rom[0x40..0x1000].copy_from_slice(boot);
    SplitMix64(0x5EED_0000_0000 ^ index).fill(&mut rom[0x1000..]);
    let code = oracle_check_code(&rom, Cic::C6102)?;
    rom[0x10..0x18].copy_from_slice(&code.to_be_bytes());
    Ok(rom)
}

/// The text of the stamp file for these options.
fn stamp_text(options: &Options) -> String {
    format!("{STAMP_VERSION} roms={} size_mib={} big_mib={BIG_MIB}\n", options.roms, options.size_mib)
}

/// Whether the data directory holds what this run would generate.
fn data_is_current(layout: &Layout, options: &Options) -> bool {
    let size_of = |path: &Path| fs::metadata(path).map(|m| m.len()).ok();
    let rom_bytes = (options.size_mib as u64) << 20;
    fs::read_to_string(&layout.stamp).is_ok_and(|s| s == stamp_text(options))
        && layout.roms.iter().all(|p| size_of(p) == Some(rom_bytes))
        && fs::read_dir(&layout.roms_dir).is_ok_and(|d| d.count() == layout.roms.len())
        && size_of(&layout.big) == Some((BIG_MIB as u64) << 20)
}

/// Generates the ROMs, unless the directory already holds them.
pub(super) fn prepare_data(layout: &Layout, options: &Options) -> Result<()> {
    if data_is_current(layout, options) {
        eprintln!("bench: reusing the data in {}", layout.dir.display());
        return Ok(());
    }
    let started = Instant::now();
    eprintln!(
        "bench: generating {} ROMs of {} MiB and one of {BIG_MIB} MiB in {}",
        options.roms,
        options.size_mib,
        layout.dir.display()
    );
    let _ = fs::remove_file(&layout.stamp);
    if layout.roms_dir.exists() {
        fs::remove_dir_all(&layout.roms_dir).with_context(|| format!("removing {}", layout.roms_dir.display()))?;
    }
    fs::create_dir_all(&layout.roms_dir).with_context(|| format!("creating {}", layout.roms_dir.display()))?;
    let boot = boot_code_6102()?;
    for (index, path) in (0u64..).zip(&layout.roms) {
        let rom = make_rom(options.size_mib << 20, index, &boot)?;
        fs::write(path, rom).with_context(|| format!("writing {}", path.display()))?;
    }
    let big = make_rom(BIG_MIB << 20, 1_000_000, &boot)?;
    fs::write(&layout.big, big).with_context(|| format!("writing {}", layout.big.display()))?;
    fs::write(&layout.stamp, stamp_text(options)).with_context(|| format!("writing {}", layout.stamp.display()))?;
    eprintln!("bench: generated in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Reads every data file once, so that all rows run from the page cache.
pub(super) fn warm_page_cache(layout: &Layout) -> Result<()> {
    let mut buffer = vec![0u8; 1 << 20];
    for path in layout.roms.iter().chain([&layout.big]) {
        let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        while file.read(&mut buffer).with_context(|| format!("reading {}", path.display()))? > 0 {}
    }
    Ok(())
}

/// Deletes the generated data, and the data directory when nothing else is in it.
pub(super) fn remove_data(layout: &Layout) -> Result<()> {
    if layout.roms_dir.exists() {
        fs::remove_dir_all(&layout.roms_dir).with_context(|| format!("removing {}", layout.roms_dir.display()))?;
    }
    for path in [&layout.big, &layout.out, &layout.stamp, &layout.driver] {
        if path.exists() {
            fs::remove_file(path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    let _ = fs::remove_dir(&layout.dir); // only when empty
    eprintln!("bench: removed the data (pass --keep to keep it for the next run)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_rom_has_a_correct_6102_check_code() {
        let boot = boot_code_6102().unwrap();
        assert_eq!(crc32fast::hash(&boot), BOOT_6102_CRC32);
        let rom = make_rom(2 << 20, 7, &boot).unwrap();
        assert_eq!(&rom[..4], &[0x80, 0x37, 0x12, 0x40]);
        let stored = u64::from_be_bytes(rom[0x10..0x18].try_into().unwrap());
        assert_eq!(stored, oracle_check_code(&rom, Cic::C6102).unwrap());
        assert_eq!(make_rom(2 << 20, 7, &boot).unwrap(), rom);
    }
}
