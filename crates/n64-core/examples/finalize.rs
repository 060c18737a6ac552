//! `finalize`: builds a finished big-endian (`.z64`) ROM from a header + boot code image and a
//! raw program image, using only n64-core's public API.
//!
//! ```text
//! cargo run -p n64-core --example finalize -- --boot BOOTFILE PROGRAM -o OUT [options]
//!
//!   --boot FILE           0x1000-byte header + boot code image, in any byte order
//!                         (e.g. xtask/assets/libdragon-ipl3-prod-r8.bin)
//!   -o, --output FILE     where to write the ROM (atomically: temporary file, sync, rename)
//!   --title TEXT          header title: ASCII or half-width katakana, at most 20 characters
//!   --game-code CODE      header game code, 4 ASCII letters or digits (e.g. NEDE)
//!   --savetype KIND       Advanced Homebrew header save type:
//!                         none eeprom4k eeprom16k sram256k sram768k flashram sram1m
//!   --rtc                 Advanced Homebrew header: the game uses the real-time clock
//!   --region-free         Advanced Homebrew header: the game is region-free
//!   --controller PORT=KIND
//!                         Advanced Homebrew header: controller on port 1..4, KIND one of
//!                         n64 rumble cpak tpak none mouse vru gamecube keyboard gamecube-keyboard
//!   --size BYTES|next     pad with zeros to BYTES (decimal, 0x hex, or with a K/M suffix), or with
//!                         `next` to the smallest multiple of 1 MiB (0x100000) that holds the image
//!                         and the whole checked range (>= 0x101000): at least 2 MiB. Without
//!                         --size the ROM is exactly header + boot code + program.
//!   --cic KIND            compute the check code for this CIC (6101, 6102/7101, 7102, 6103,
//!                         6105, 6106, 5101) instead of the one the boot code is recognised as
//! ```
//!
//! The ROM is laid out as the boot image (header and boot code, 0x0..0x1000) followed by the
//! program, in big-endian order whatever the boot image's order was. Any of `--savetype`,
//! `--rtc`, `--region-free`, `--controller` writes an Advanced Homebrew header (starting from
//! the one in the boot image, if any), which puts "ED" in the middle of the game code.
//!
//! The check code (header 0x10..0x18) is computed last, over the finished image (a ROM shorter
//! than 0x101000 bytes counts as zero-padded):
//!
//! - with `--cic KIND`, always, for that kind;
//! - otherwise for the CIC the boot code is recognised as, except when the boot code verifies
//!   no check code (libdragon's): then header 0x10..0x18 is left as the boot image has it, since
//!   libdragon's compat build reads that field as a load size;
//! - an unrecognised boot code without `--cic` is an error.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use n64_core::{
    BOOT_CODE_LEN, BOOT_CODE_OFFSET, BootCode, ByteOrder, CheckCode, CicKind, Controller, GameCode, Header, SaveType,
    check_code, convert, detect_order, write_check_code,
};

/// Length of the header + boot code image.
const BOOT_IMAGE_LEN: usize = BOOT_CODE_OFFSET + BOOT_CODE_LEN;
/// How many bytes the check code of every kind but 5101's long mode covers, header included.
const CHECKED_LEN: usize = check_code::CHECK_PREFIX_LEN;
/// `--size next` rounds up to a multiple of this.
const SIZE_STEP: usize = 0x10_0000;

/// How to size the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Size {
    /// Header + boot code + program, no padding.
    Exact,
    /// Pad to the smallest multiple of 1 MiB that is >= the image and >= 0x101000.
    Next,
    /// Pad to this many bytes.
    Bytes(usize),
}

/// The parsed command line.
#[derive(Debug)]
struct Options {
    boot: PathBuf,
    program: PathBuf,
    output: PathBuf,
    title: Option<String>,
    game_code: Option<GameCode>,
    save_type: Option<SaveType>,
    rtc: bool,
    region_free: bool,
    controllers: [Option<Controller>; 4],
    size: Size,
    cic: Option<CicKind>,
}

impl Options {
    fn wants_homebrew(&self) -> bool {
        self.save_type.is_some() || self.rtc || self.region_free || self.controllers.iter().any(Option::is_some)
    }
}

const USAGE: &str = "usage: finalize --boot BOOTFILE PROGRAM -o OUT [--title TEXT] [--game-code CODE] \
                     [--savetype KIND] [--rtc] [--region-free] [--controller PORT=KIND]... [--size BYTES|next] \
                     [--cic KIND]";

/// Parses a size: decimal, `0x` hex, optionally followed by `K` (KiB) or `M` (MiB).
fn parse_size(text: &str) -> Result<usize, String> {
    let lower = text.trim().to_ascii_lowercase();
    let (number, scale) = match lower.strip_suffix('k').or_else(|| lower.strip_suffix("kib")) {
        Some(n) => (n, 1024),
        None => match lower.strip_suffix('m').or_else(|| lower.strip_suffix("mib")) {
            Some(n) => (n, 1024 * 1024),
            None => (lower.as_str(), 1),
        },
    };
    let value = match number.strip_prefix("0x") {
        Some(hex) => usize::from_str_radix(hex, 16),
        None => number.parse::<usize>(),
    }
    .map_err(|_| format!("--size: {text:?} is not a size (e.g. 0x200000, 4M or next)"))?;
    value.checked_mul(scale).ok_or_else(|| format!("--size: {text:?} is too large"))
}

/// The size `--size next` pads `len` bytes to.
fn next_size(len: usize) -> usize {
    len.max(CHECKED_LEN).div_ceil(SIZE_STEP) * SIZE_STEP
}

fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Options, String> {
    let mut boot = None;
    let mut program = None;
    let mut output = None;
    let mut options = Options {
        boot: PathBuf::new(),
        program: PathBuf::new(),
        output: PathBuf::new(),
        title: None,
        game_code: None,
        save_type: None,
        rtc: false,
        region_free: false,
        controllers: [None; 4],
        size: Size::Exact,
        cic: None,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let Some(flag) = arg.to_str() else {
            if program.replace(PathBuf::from(arg)).is_some() {
                return Err(format!("more than one program image given\n{USAGE}"));
            }
            continue;
        };
        let mut value = |name: &str| {
            let value = args.next().ok_or_else(|| format!("{name} needs a value\n{USAGE}"))?;
            value.into_string().map_err(|v| format!("{name}: {} is not UTF-8", v.to_string_lossy()))
        };
        match flag {
            "--boot" => boot = Some(PathBuf::from(value("--boot")?)),
            "-o" | "--output" => output = Some(PathBuf::from(value("--output")?)),
            "--title" => options.title = Some(value("--title")?),
            "--game-code" => {
                options.game_code = Some(value("--game-code")?.parse().map_err(|e| format!("--game-code: {e}"))?);
            }
            "--savetype" | "--save-type" => {
                options.save_type = Some(value("--savetype")?.parse().map_err(|e| format!("--savetype: {e}"))?);
            }
            "--rtc" => options.rtc = true,
            "--region-free" => options.region_free = true,
            "--controller" => {
                let spec = value("--controller")?;
                let (port, kind) =
                    spec.split_once('=').ok_or_else(|| format!("--controller: {spec:?} is not PORT=KIND"))?;
                let port: usize = port
                    .trim()
                    .parse()
                    .ok()
                    .filter(|p| (1..=4).contains(p))
                    .ok_or_else(|| format!("--controller: port {port:?} is not 1, 2, 3 or 4"))?;
                options.controllers[port - 1] = Some(kind.parse().map_err(|e| format!("--controller: {e}"))?);
            }
            "--size" => {
                let text = value("--size")?;
                options.size =
                    if text.eq_ignore_ascii_case("next") { Size::Next } else { Size::Bytes(parse_size(&text)?) };
            }
            "--cic" => options.cic = Some(value("--cic")?.parse().map_err(|e| format!("--cic: {e}"))?),
            other if other.starts_with('-') && other.len() > 1 => {
                return Err(format!("unknown option {other:?}\n{USAGE}"));
            }
            _ => {
                if program.replace(PathBuf::from(arg)).is_some() {
                    return Err(format!("more than one program image given\n{USAGE}"));
                }
            }
        }
    }
    options.boot = boot.ok_or_else(|| format!("--boot is required\n{USAGE}"))?;
    options.program = program.ok_or_else(|| format!("a program image is required\n{USAGE}"))?;
    options.output = output.ok_or_else(|| format!("-o OUT is required\n{USAGE}"))?;
    Ok(options)
}

/// What [`build`] did, for the report.
#[derive(Debug)]
struct Built {
    rom: Vec<u8>,
    boot_code: BootCode,
    /// The CIC and check code written, or `None` when the check code was left alone.
    check: Option<(CicKind, CheckCode)>,
}

/// Assembles the ROM: boot image (converted to big-endian), program, header fields, padding,
/// and last the check code.
fn build(options: &Options, boot_image: &[u8], program: &[u8]) -> Result<Built, String> {
    if boot_image.len() != BOOT_IMAGE_LEN {
        return Err(format!(
            "the boot image is {:#x} bytes; it must be exactly {BOOT_IMAGE_LEN:#x} (header + boot code)",
            boot_image.len()
        ));
    }
    let (order, _) = detect_order(boot_image).map_err(|e| format!("boot image: {e}"))?;
    let mut rom = boot_image.to_vec();
    convert(&mut rom, order, ByteOrder::Z64).map_err(|e| format!("boot image: {e}"))?;
    rom.extend_from_slice(program);

    let mut header = Header::read(&rom, ByteOrder::Z64).map_err(|e| e.to_string())?;
    if let Some(title) = &options.title {
        header.set_title(title).map_err(|e| format!("--title: {e}"))?;
    }
    if options.wants_homebrew() {
        let mut homebrew = header.homebrew().unwrap_or_default();
        if let Some(save_type) = options.save_type {
            homebrew.save_type = save_type;
        }
        homebrew.rtc |= options.rtc;
        homebrew.region_free |= options.region_free;
        for (slot, given) in homebrew.controllers.iter_mut().zip(options.controllers) {
            if let Some(controller) = given {
                *slot = controller;
            }
        }
        header.set_homebrew(&homebrew).map_err(|e| format!("homebrew header: {e}"))?;
    }
    if let Some(code) = options.game_code {
        header.set_game_code(code).map_err(|e| format!("--game-code: {e}"))?;
    }
    header.write(&mut rom, ByteOrder::Z64).map_err(|e| e.to_string())?;

    let target = match options.size {
        Size::Exact => rom.len(),
        Size::Next => next_size(rom.len()),
        Size::Bytes(size) if size >= rom.len() => size,
        Size::Bytes(size) => {
            return Err(format!("--size {size:#x} is smaller than header + boot code + program ({:#x})", rom.len()));
        }
    };
    rom.resize(target, 0);

    let boot: &[u8; BOOT_CODE_LEN] =
        rom[BOOT_CODE_OFFSET..BOOT_IMAGE_LEN].try_into().map_err(|_| "boot code slice".to_owned())?;
    let boot_code = BootCode::identify(boot);
    let kind = if options.cic.is_some() {
        options.cic
    } else if boot_code.family.is_some_and(|f| !f.verifies_check_code()) {
        None
    } else {
        let kind = boot_code.cic.ok_or_else(|| {
            format!("unknown boot code (CRC32 {:08x}); pass --cic KIND to choose the check code", boot_code.crc32)
        })?;
        Some(kind)
    };
    let check = match kind {
        Some(kind) => {
            let computed = check_code::compute(&rom, ByteOrder::Z64, kind).map_err(|e| e.to_string())?;
            write_check_code(&mut rom, ByteOrder::Z64, computed.code).map_err(|e| e.to_string())?;
            Some((kind, computed.code))
        }
        None => None,
    };
    Ok(Built { rom, boot_code, check })
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed and
/// synced, then renamed over `path`. The temporary file is removed on failure.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map_or_else(|| "rom".into(), |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = File::options().write(true).create_new(true).open(&temp)?;
        file.write_all(bytes)?;
        file.flush()?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn run(args: Vec<OsString>) -> Result<String, String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Ok(USAGE.to_owned());
    }
    let options = parse_args(args)?;
    let boot_image = fs::read(&options.boot).map_err(|e| format!("reading {}: {e}", options.boot.display()))?;
    let program = fs::read(&options.program).map_err(|e| format!("reading {}: {e}", options.program.display()))?;
    let built = build(&options, &boot_image, &program).map_err(|e| format!("{}: {e}", options.output.display()))?;
    write_atomically(&options.output, &built.rom).map_err(|e| format!("writing {}: {e}", options.output.display()))?;

    let boot = match (built.boot_code.family, built.boot_code.cic) {
        (Some(family), _) => family.to_string(),
        (None, Some(kind)) => format!("boot code for CIC {kind}"),
        (None, None) => "unknown boot code".to_owned(),
    };
    let check = match built.check {
        Some((kind, code)) => format!("check code {code} (CIC {kind})"),
        None => "check code left as is (the boot code verifies none; --cic writes one)".to_owned(),
    };
    Ok(format!("wrote {} ({:#x} bytes, {boot}, {check})", options.output.display(), built.rom.len()))
}

fn main() -> ExitCode {
    match run(std::env::args_os().skip(1).collect()) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("finalize: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("1048576"), Ok(0x10_0000));
        assert_eq!(parse_size("0x200000"), Ok(0x20_0000));
        assert_eq!(parse_size("4M"), Ok(0x40_0000));
        assert_eq!(parse_size("64k"), Ok(0x1_0000));
        assert!(parse_size("lots").is_err());
    }

    #[test]
    fn next_size_covers_the_checked_range() {
        assert_eq!(next_size(0x1000), 0x20_0000);
        assert_eq!(next_size(0x20_0000), 0x20_0000);
        assert_eq!(next_size(0x20_0001), 0x30_0000);
    }

    #[test]
    fn missing_arguments_are_errors() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert!(parse_args(args(&["prog.bin", "-o", "out.z64"])).unwrap_err().contains("--boot"));
        assert!(parse_args(args(&["--boot", "b", "-o", "out.z64"])).unwrap_err().contains("program"));
        assert!(parse_args(args(&["--boot", "b", "p", "--controller", "5=n64"])).unwrap_err().contains("port"));
    }
}
