//! `finalize`: builds a finished big-endian (`.z64`) ROM from a header + boot code image and a
//! raw program image, the way a homebrew Makefile or another project's xtask would: with
//! n64-core's `finalize` (header fields, padding, the check code) and n64-io's atomic writer.
//!
//! ```text
//! cargo run -p n64-io --example finalize -- --boot BOOTFILE PROGRAM -o OUT [options]
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
//!                         6105, 6106, 5101) instead of the one the boot code is made for
//!   --force               with --cic, accept a CIC the boot code is not made for
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
//! - with `--cic KIND`, always, for that kind (refused, unless `--force`, when the boot code is
//!   made for another CIC: the console would reject it);
//! - otherwise for the CIC the boot code is made for, except when the boot code verifies no
//!   check code (libdragon's): then header 0x10..0x18 is left as the boot image has it, since
//!   libdragon's compat build reads that field as a load size;
//! - an unrecognised boot code without `--cic` is an error.

use std::ffi::OsString;
use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use n64_core::{
    BOOT_CODE_LEN, BOOT_CODE_OFFSET, ByteOrder, CheckCodeAction, CheckCodeFix, CicKind, Controller, FinalizeOptions,
    Finalized, GameCode, HeaderEdit, Padding, SaveType, convert, detect_order,
};
use n64_io::atomic::Reserved;
use n64_io::{Error, Operation};

/// Length of the header + boot code image.
const BOOT_IMAGE_LEN: usize = BOOT_CODE_OFFSET + BOOT_CODE_LEN;

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
    padding: Padding,
    cic: Option<CicKind>,
    force: bool,
}

impl Options {
    /// The header fields to change.
    fn edit(&self) -> HeaderEdit {
        let mut edit = HeaderEdit::default();
        edit.title.clone_from(&self.title);
        edit.game_code = self.game_code;
        edit.save_type = self.save_type;
        edit.rtc = self.rtc.then_some(true);
        edit.region_free = self.region_free.then_some(true);
        edit.controllers = self.controllers;
        edit
    }
}

const USAGE: &str = "usage: finalize --boot BOOTFILE PROGRAM -o OUT [--title TEXT] [--game-code CODE] \
                     [--savetype KIND] [--rtc] [--region-free] [--controller PORT=KIND]... [--size BYTES|next] \
                     [--cic KIND [--force]]";

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
        padding: Padding::None,
        cic: None,
        force: false,
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
                options.padding = if text.eq_ignore_ascii_case("next") {
                    Padding::NextMebibyte
                } else {
                    Padding::To(parse_size(&text)? as u64)
                };
            }
            "--cic" => options.cic = Some(value("--cic")?.parse().map_err(|e| format!("--cic: {e}"))?),
            "--force" => options.force = true,
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

/// Assembles the ROM: boot image (converted to big-endian) and program, then n64-core's
/// `finalize` (header fields, padding, and last the check code) applied to it.
fn build(options: &Options, boot_image: &[u8], program: &[u8]) -> Result<(Vec<u8>, Finalized), String> {
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

    let mut finalize = FinalizeOptions::default();
    finalize.order = Some(ByteOrder::Z64);
    finalize.edit = options.edit();
    finalize.padding = options.padding;
    let mut check_code = CheckCodeFix::default();
    check_code.cic = options.cic;
    check_code.when_not_verified = options.cic.is_some();
    check_code.allow_contradiction = options.force;
    finalize.check_code = Some(check_code);
    let plan = n64_core::finalize(&rom, rom.len() as u64, &finalize).map_err(|e| match e {
        n64_core::Error::UnknownCic { .. } => format!("{e}; pass --cic KIND to choose the check code"),
        n64_core::Error::CicContradicted { .. } => format!("{e}; pass --force to write its check code anyway"),
        n64_core::Error::BadPadding { .. } => format!("--size: {e}"),
        other => other.to_string(),
    })?;
    plan.apply(&mut rom).map_err(|e| e.to_string())?;
    Ok((rom, plan))
}

fn run(args: Vec<OsString>) -> Result<String, String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Ok(USAGE.to_owned());
    }
    let options = parse_args(args)?;
    let boot_image = fs::read(&options.boot).map_err(|e| format!("reading {}: {e}", options.boot.display()))?;
    let program = fs::read(&options.program).map_err(|e| format!("reading {}: {e}", options.program.display()))?;
    let (rom, plan) =
        build(&options, &boot_image, &program).map_err(|e| format!("{}: {e}", options.output.display()))?;
    let output = &options.output;
    Reserved::replace_or_create(output)
        .and_then(|reserved| {
            reserved.commit(None, |out| out.write_all(&rom).map_err(|e| Error::io(output, Operation::Write, e)))
        })
        .map_err(|e| e.to_string())?;

    let boot_code = plan.before.boot_code;
    let boot = match (boot_code.family, boot_code.cic) {
        (Some(family), _) => family.to_string(),
        (None, Some(kind)) => format!("boot code for CIC {kind}"),
        (None, None) => "unknown boot code".to_owned(),
    };
    let check = match plan.check_code {
        CheckCodeAction::Written { new: code, cic, .. } => format!("check code {code} (CIC {cic})"),
        CheckCodeAction::AlreadyValid { cic } => format!("check code {} (CIC {cic})", plan.header.check_code()),
        _ => "check code left as is (the boot code verifies none; --cic writes one)".to_owned(),
    };
    Ok(format!("wrote {} ({:#x} bytes, {boot}, {check})", output.display(), rom.len()))
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
        assert_eq!(Padding::NextMebibyte.target(0x1000), 0x20_0000);
        assert_eq!(Padding::NextMebibyte.target(0x20_0000), 0x20_0000);
        assert_eq!(Padding::NextMebibyte.target(0x20_0001), 0x30_0000);
    }

    #[test]
    fn missing_arguments_are_errors() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert!(parse_args(args(&["prog.bin", "-o", "out.z64"])).unwrap_err().contains("--boot"));
        assert!(parse_args(args(&["--boot", "b", "-o", "out.z64"])).unwrap_err().contains("program"));
        assert!(parse_args(args(&["--boot", "b", "p", "--controller", "5=n64"])).unwrap_err().contains("port"));
    }
}
