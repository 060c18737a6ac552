//! `n64-fix header`: change header fields of one ROM, including the Advanced Homebrew header.
//!
//! The check code covers ROM 0x1000..0x101000 and not the header, so it stays valid.

use std::path::Path;

use n64_common::{Exit, Failure, open_regular};
use n64_core::{ByteOrder, Header, HomebrewHeader};

use crate::cli::HeaderArgs;
use crate::{atomic, stream};
use n64_common::output::{self, Stop};

/// The fields shown when they change, as (name, value) pairs.
fn fields(header: &Header) -> Vec<(String, String)> {
    let code = header.game_code();
    let mut out = vec![
        ("title".to_owned(), format!("{:?}", header.title().escaped())),
        ("game code".to_owned(), code.to_string()),
        ("region".to_owned(), code.destination().to_string()),
        ("rom version".to_owned(), header.rom_version().map_or_else(|| "-".to_owned(), |v| v.to_string())),
    ];
    let homebrew = header.homebrew();
    let show = |f: &dyn Fn(&HomebrewHeader) -> String| homebrew.as_ref().map_or_else(|| "-".to_owned(), f);
    out.push(("homebrew header".to_owned(), if homebrew.is_some() { "yes" } else { "no" }.to_owned()));
    out.push(("save type".to_owned(), show(&|hb| hb.save_type.to_string())));
    for port in 0..4 {
        out.push((format!("controller {}", port + 1), show(&|hb| hb.controllers[port].to_string())));
    }
    out.push(("rtc".to_owned(), show(&|hb| if hb.rtc { "yes" } else { "no" }.to_owned())));
    out.push(("region-free".to_owned(), show(&|hb| if hb.region_free { "yes" } else { "no" }.to_owned())));
    out
}

/// Applies the options to `header`; the error names the option.
fn apply(args: &HeaderArgs, header: &mut Header) -> Result<(), String> {
    if let Some(title) = &args.title {
        header.set_title(title).map_err(|e| format!("--title: {e}"))?;
    }
    // The homebrew header first: it writes "ED" into the game code, which a --game-code given
    // alongside must then keep.
    if args.homebrew() {
        let mut homebrew = header.homebrew().unwrap_or_default();
        if let Some(save_type) = args.savetype {
            homebrew.save_type = save_type;
        }
        for &(port, kind) in &args.controller {
            homebrew.controllers[port - 1] = kind;
        }
        if args.rtc || args.no_rtc {
            homebrew.rtc = args.rtc;
        }
        if args.region_free || args.no_region_free {
            homebrew.region_free = args.region_free;
        }
        header.set_homebrew(&homebrew).map_err(|e| format!("--savetype: {e}"))?;
    }
    if let Some(code) = args.game_code {
        header.set_game_code(code).map_err(|e| format!("--game-code: {e}"))?;
    }
    if let Some(region) = args.region {
        header.set_destination(region);
    }
    if let Some(version) = args.rom_version {
        header.set_rom_version(version).map_err(|e| format!("--rom-version: {e}"))?;
    }
    Ok(())
}

/// The header before and after the options, with what is needed to write it.
struct Plan {
    size: u64,
    prefix: Vec<u8>,
    order: ByteOrder,
    before: Header,
    after: Header,
}

fn plan(args: &HeaderArgs) -> Result<Plan, Failure> {
    let path: &Path = &args.path;
    let crate::convert::Source { order, size, prefix } = crate::convert::source(path)?;
    if !size.is_multiple_of(order.unit() as u64) {
        let len = usize::try_from(size).unwrap_or(usize::MAX);
        return Err(Failure::core(path, &n64_core::Error::UnalignedLength { order, unit: order.unit(), len }));
    }
    let before = Header::read(&prefix, order).map_err(|e| Failure::core(path, &e))?;
    let mut after = before;
    apply(args, &mut after).map_err(|message| Failure::new(path, message))?;
    Ok(Plan { size, prefix, order, before, after })
}

/// Rewrites the file with the new header over its first 64 bytes, streaming the rest.
fn write(path: &Path, plan: &Plan) -> Result<(), Failure> {
    let transform = stream::Transform {
        from: plan.order,
        to: plan.order,
        size: plan.size,
        pad_to: 0,
        header: Some(plan.after),
        expect_prefix: &plan.prefix,
    };
    let (mut file, meta) = open_regular(path)?;
    if meta.len() != plan.size {
        return Err(Failure::new(path, "file changed since it was inspected"));
    }
    atomic::replace(path, |out| stream::run(&mut file, &transform, out, None).map(drop))
        .map_err(|e| Failure::io(path, "cannot write", &e))
}

/// Runs `n64-fix header`.
pub(crate) fn run(args: &HeaderArgs) -> Result<Exit, Stop> {
    let path: &Path = &args.path;
    let plan = match plan(args) {
        Ok(plan) => plan,
        Err(failure) => {
            output::error_line(&format!("n64-fix: {failure}"));
            return Ok(Exit::Error);
        }
    };
    if plan.after == plan.before {
        output::with_stdout(|out| writeln!(out, "{}: no change", path.display()))?;
        return Ok(Exit::Ok);
    }
    let written = if args.dry_run { Ok(()) } else { write(path, &plan) };
    output::with_stdout(|out| {
        let verb = match (&written, args.dry_run) {
            (_, true) => "would change",
            (Ok(()), false) => "changed",
            (Err(_), false) => "not changed",
        };
        writeln!(out, "{}: {verb}", path.display())?;
        let mut shown = false;
        for ((name, old), (_, new)) in fields(&plan.before).into_iter().zip(fields(&plan.after)) {
            if old != new {
                shown = true;
                writeln!(out, "  {name}: {old} → {new}")?;
            }
        }
        if !shown {
            writeln!(out, "  header bytes: padding or unused bits")?;
        }
        Ok(())
    })?;
    match written {
        Ok(()) if args.dry_run => Ok(Exit::Problems),
        Ok(()) => Ok(Exit::Ok),
        Err(failure) => {
            output::error_line(&format!("n64-fix: {failure}"));
            Ok(Exit::Error)
        }
    }
}
