//! The generated data of `cargo xtask bench`: the ROMs, the stamp that says whether they are
//! current, warming the page cache, and removing them afterwards.

use std::fs::{self, File};
use std::io::Read;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use super::{BIG_MIB, Layout, Options};
use n64_testkit::{Boot, Cic, RomBuilder, Stored};

/// What the data directory's stamp file says; a different stamp means regenerate.
const STAMP_VERSION: &str = "n64-tools bench data v2";

/// A big-endian ROM of `size` bytes: z64 magic, a plausible header with a correct 6102 check
/// code (from `ipl3checksum`), synthetic boot code n64-core takes for 6102 by its CRC32 (not
/// Nintendo's code, so `ipl3checksum` is told the kind) and a pseudo-random body seeded by `index`.
fn make_rom(size: usize, index: u64) -> Vec<u8> {
    RomBuilder::new(size)
        .boot(Boot::Synthetic(Cic::C6102))
        .title(&format!("BENCH ROM {index:04}"))
        .game_code(b"NBNE")
        .seed(0x5EED_0000_0000 ^ index)
        .stored(Stored::Valid)
        .build()
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
    for (index, path) in (0u64..).zip(&layout.roms) {
        let rom = make_rom(options.size_mib << 20, index);
        fs::write(path, rom).with_context(|| format!("writing {}", path.display()))?;
    }
    let big = make_rom(BIG_MIB << 20, 1_000_000);
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
        let rom = make_rom(2 << 20, 7);
        assert_eq!(crc32fast::hash(&rom[0x40..0x1000]), 0x90BB_6CB5, "keyed to 6102's boot code");
        assert_eq!(&rom[..4], &[0x80, 0x37, 0x12, 0x40]);
        let stored = u64::from_be_bytes(rom[0x10..0x18].try_into().unwrap());
        assert_eq!(stored, n64_testkit::oracle_check_code(&rom, Cic::C6102));
        assert_eq!(make_rom(2 << 20, 7), rom);
    }
}
