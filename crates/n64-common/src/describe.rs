//! Human descriptions of what detection decided, for `-v` logs and human output.

use n64_core::{CheckStatus, DetectedBy, OrderSource, RomInfo};

/// How the byte order was decided: `"v64 by its magic"`, `"v64 inferred from the boot code
/// (first word claims z64)"`, `"n64 as given"`.
pub fn order_decision(info: &RomInfo) -> String {
    format!("{} {}", info.order, order_source_text(info))
}

/// How the byte order was decided, without the order: `"by its magic"`, `"as given"`,
/// `"inferred from the boot code (first word claims z64)"`.
pub fn order_source_text(info: &RomInfo) -> String {
    match info.order_source {
        OrderSource::Given => "as given".to_owned(),
        OrderSource::BootCode { magic: None } => {
            "inferred from the boot code (first word is no known magic)".to_owned()
        }
        OrderSource::BootCode { magic: Some(m) } => format!("inferred from the boot code (first word claims {m})"),
        _ => "by its magic".to_owned(),
    }
}

/// How the CIC was found: `"CIC 6102/7101 by IPL2 checksum (Nintendo boot code)"`, …
pub fn cic_decision(info: &RomInfo) -> String {
    let family = info.family().map_or_else(|| "unknown boot code".to_owned(), |f| f.to_string());
    match (info.cic, info.cic_source) {
        (Some(kind), Some(DetectedBy::Given)) => match info.boot_code.cic {
            Some(detected) if detected != kind => {
                format!("CIC {kind} as given; the boot code ({family}) is made for CIC {detected}")
            }
            _ => format!("CIC {kind} as given ({family})"),
        },
        (Some(kind), Some(DetectedBy::Crc32)) => {
            format!("CIC {kind} by CRC32 of the boot code ({family}; not signed for the CIC's IPL2 checksum)")
        }
        (Some(kind), _) => format!("CIC {kind} by IPL2 checksum ({family})"),
        (None, _) => format!("CIC unknown ({family}, CRC32 {:08x})", info.boot_code.crc32),
    }
}

/// One debug line about a ROM: order, CIC, check code, how much was read.
pub fn detection(info: &RomInfo, bytes_read: usize) -> String {
    let check = match &info.check {
        CheckStatus::Valid(c) | CheckStatus::Invalid(c) | CheckStatus::NotRequired(c) => format!(
            "check code {} ({}{})",
            c.code,
            info.check.name(),
            if c.padded { ", counted as zero-padded" } else { "" }
        ),
        other => format!("check code {}", other.name()),
    };
    format!("{}; {}; {check}; read {bytes_read:#x} of {:#x} bytes", order_decision(info), cic_decision(info), info.size)
}
