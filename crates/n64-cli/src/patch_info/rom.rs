//! `--rom`: the ROM read whole and made big-endian, and whether it is a patch's source.

use std::path::Path;

use n64_common::Failure;
use n64_core::ByteOrder;
use n64_patch::rom::{self, RomOptions, SourceMatch, TargetCheck};
use n64_patch::{MAX_OUTPUT, bps, ups};
use serde::Serialize;

use crate::whole_rom::WholeRom;

/// The ROM given with `--rom`: read whole and made big-endian.
pub(super) type Rom = WholeRom;

/// Reads the ROM (at most n64-patch's largest output) and converts it to big-endian in memory.
pub(super) fn load(path: &Path) -> Result<Rom, Failure> {
    crate::whole_rom::load(path, MAX_OUTPUT)
}

/// Whether the ROM is a patch's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Verdict {
    /// It is, in `order` (`by`: what was compared); `reverse`: it is a UPS patch's output.
    Matches { order: ByteOrder, by: &'static str, reverse: bool },
    /// It is not: what the patch expects, what the ROM has.
    NoMatch { expected: String, found: String },
    /// The patch records no source; applied in `order`, it gave `applied`: the checksum that
    /// verified the result (if any), or why it does not apply.
    NotRecorded { order: ByteOrder, applied: Result<Option<&'static str>, String> },
    /// The patch's own CRC32 is wrong: it is damaged, so it says nothing about the ROM.
    Damaged { error: String },
}

impl Verdict {
    /// Whether this is a problem: the ROM is not the source, or the patch does not apply.
    pub(super) fn is_problem(&self) -> bool {
        matches!(self, Verdict::NoMatch { .. } | Verdict::NotRecorded { applied: Err(_), .. } | Verdict::Damaged { .. })
    }
}

/// Compares `patch` with the ROM; a patch that records no source is applied to it (in memory).
pub(super) fn verdict(patch: &[u8], rom: &Rom) -> Result<Verdict, n64_patch::Error> {
    let found = match rom::source_match(patch, &rom.image, None) {
        Err(
            error @ (n64_patch::Error::Bps(bps::Error::PatchCrc { .. })
            | n64_patch::Error::Ups(ups::Error::PatchCrc { .. })),
        ) => {
            return Ok(Verdict::Damaged { error: error.to_string() });
        }
        other => other?,
    };
    Ok(match found {
        SourceMatch::Matches { order, by, reverse, .. } => Verdict::Matches { order, by, reverse },
        SourceMatch::NoMatch { expected, found } => Verdict::NoMatch { expected, found },
        SourceMatch::NotCarried { order, .. } => {
            let applied = match rom::apply_to_rom(&rom.image, patch, &RomOptions::default()) {
                Ok((_, step)) => Ok(match step.target {
                    TargetCheck::Matched { by } => Some(by),
                    TargetCheck::NotCarried => None,
                }),
                Err(error) => Err(error.to_string()),
            };
            Verdict::NotRecorded { order, applied }
        }
    })
}

/// The ROM fields of a `"type": "patch"` record.
#[derive(Debug, Serialize)]
pub(super) struct VerdictRecord {
    rom: String,
    /// `matches`, `no_match`, `not_recorded`.
    source_match: &'static str,
    source_order: Option<&'static str>,
    reverse: bool,
    applies: Option<bool>,
    detail: Option<String>,
}

/// What the ROM lines of the text say: `source`, then `result` when the patch was applied.
pub(super) fn lines(rom: &Rom, verdict: &Verdict) -> Vec<(&'static str, String)> {
    let mut lines = vec![("rom", format!("{} ({})", rom.path.display(), rom.order))];
    match verdict {
        Verdict::Matches { order, by, reverse } => {
            let mut text = format!("matches in {order} order ({by})");
            if *reverse {
                text.push_str(", as the patch's output: applying the patch undoes it");
            }
            lines.push(("source", text));
        }
        Verdict::NoMatch { expected, found } => {
            lines.push(("source", format!("does not match (patch expects {expected}; rom has {found})")));
        }
        Verdict::NotRecorded { applied, .. } => {
            lines.push(("source", "not recorded by the patch".to_owned()));
            lines.push(("result", result_text(applied)));
        }
        Verdict::Damaged { error } => lines.push(("source", format!("not checked: the patch is damaged ({error})"))),
    }
    lines
}

/// `applies cleanly`, `applies, adler32 verified`, `does not apply: …`.
fn result_text(applied: &Result<Option<&'static str>, String>) -> String {
    match applied {
        Ok(None) => "applies cleanly".to_owned(),
        Ok(Some(by)) => format!("applies, {by} verified"),
        Err(error) => format!("does not apply: {error}"),
    }
}

/// The record of the verdict.
pub(super) fn record(rom: &Rom, verdict: &Verdict) -> VerdictRecord {
    let (source_match, source_order, reverse, applies, detail) = match verdict {
        Verdict::Matches { order, by, reverse } => {
            ("matches", Some(order.name()), *reverse, None, Some((*by).to_owned()))
        }
        Verdict::NoMatch { expected, found } => {
            ("no_match", None, false, None, Some(format!("patch expects {expected}; rom has {found}")))
        }
        Verdict::NotRecorded { order, applied } => {
            ("not_recorded", Some(order.name()), false, Some(applied.is_ok()), Some(result_text(applied)))
        }
        Verdict::Damaged { error } => ("damaged", None, false, Some(false), Some(error.clone())),
    };
    VerdictRecord {
        rom: n64_common::records::path_text(&rom.path),
        source_match,
        source_order,
        reverse,
        applies,
        detail,
    }
}
