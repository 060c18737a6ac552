//! 64DD disk images in `info`, `check` and `scan`: the `"type": "disk"` record and the human
//! lines.

use std::fmt::Write as _;
use std::path::Path;

use n64_common::records::path_text;
use n64_core::disk::{DiskFormat, DiskId, DiskInfo, geometry};
use serde::Serialize;

/// `"type": "disk"` of `info`, `check` and `scan`.
#[derive(Debug, Serialize)]
pub(crate) struct DiskRecord {
    #[serde(rename = "type")]
    record: &'static str,
    path: String,
    format: &'static str,
    size: u64,
    region: &'static str,
    disk_type: u8,
    format_type: u8,
    load_address: String,
    load_blocks: u16,
    system_lba: Option<u16>,
    disk_id: Option<DiskIdRecord>,
    disk_id_lba: Option<u16>,
}

/// The disk ID part of a disk record.
#[derive(Debug, Serialize)]
struct DiskIdRecord {
    game_code: Option<String>,
    game_code_raw: String,
    version: u8,
    disk_number: u8,
    ram_use: u8,
    disk_use: u8,
    factory_line: String,
    production_time: Option<String>,
    production_time_raw: String,
    company_code: Option<String>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02X}");
        out
    })
}

impl DiskRecord {
    pub(crate) fn new(path: &Path, info: &DiskInfo) -> DiskRecord {
        DiskRecord {
            record: "disk",
            path: path_text(path),
            format: info.format.name(),
            size: info.size,
            region: info.system.region.name(),
            disk_type: info.system.disk_type,
            format_type: info.system.format_type,
            load_address: format!("0x{:08X}", info.system.load_address),
            load_blocks: info.system.load_blocks,
            system_lba: info.system_lba,
            disk_id: info.disk_id.as_ref().map(|id| DiskIdRecord {
                game_code: id.game_code().map(str::to_owned),
                game_code_raw: hex(&id.raw[..4]),
                version: id.version(),
                disk_number: id.disk_number(),
                ram_use: id.ram_use(),
                disk_use: id.disk_use(),
                factory_line: hex(&id.factory_line()),
                production_time: id.production_time().map(|t| t.to_string()),
                production_time_raw: hex(&id.production_time_raw()),
                company_code: id.company_code().map(str::to_owned),
            }),
            disk_id_lba: info.disk_id_lba,
        }
    }
}

/// "ndd (64DD disk image, logical block order)".
pub(crate) fn format_text(format: DiskFormat) -> String {
    let order = match format {
        DiskFormat::Ndd => "logical block order",
        DiskFormat::Mame => "MAME/ares physical block order",
        _ => "SDK master image: header and used blocks",
    };
    format!("{format} (64DD disk image, {order})")
}

/// "DMPJ", or "none" when the disk has no ID or an unprintable code.
pub(crate) fn game_code(info: &DiskInfo) -> &str {
    info.disk_id.as_ref().and_then(DiskId::game_code).unwrap_or("none")
}

/// One line for `check` and `scan --all`: "64DD disk image (ndd, Japan, DMPJ)".
pub(crate) fn summary(info: &DiskInfo) -> String {
    format!("64DD disk image ({}, {}, {})", info.format, info.system.region, game_code(info))
}

fn disk_type_text(disk_type: u8) -> String {
    match geometry::ram_start(disk_type) {
        Some(ram) if ram < geometry::LBA_COUNT => format!(
            "{disk_type} (ROM area LBAs {}-{}, RAM area LBAs {ram}-{})",
            geometry::SYSTEM_AREA_LBAS,
            ram - 1,
            geometry::LBA_COUNT - 1
        ),
        Some(_) => format!(
            "{disk_type} (ROM area LBAs {}-{}, no RAM area)",
            geometry::SYSTEM_AREA_LBAS,
            geometry::LBA_COUNT - 1
        ),
        None => disk_type.to_string(),
    }
}

/// What `n64 info` prints about a disk.
pub(crate) fn describe(path: &Path, info: &DiskInfo) -> String {
    let from = |lba: Option<u16>, what: &str| {
        lba.map_or_else(|| format!("{what} in the .d64 header"), |l| format!("{what} in LBA {l}"))
    };
    let mut lines: Vec<(&str, String)> = vec![
        ("Format", format_text(info.format)),
        ("Size", crate::info::size_text(info.size)),
        (
            "Region",
            format!(
                "{} ({:08X}; {})",
                info.system.region,
                info.system.region.magic(),
                from(info.system_lba, "system data")
            ),
        ),
        ("Disk type", disk_type_text(info.system.disk_type)),
        (
            "Load address",
            format!("0x{:08X} ({} blocks loaded at boot)", info.system.load_address, info.system.load_blocks),
        ),
    ];
    match &info.disk_id {
        None => lines.push(("Disk ID", "none (no copy in LBAs 14, 15 whose sectors repeat)".to_owned())),
        Some(id) => {
            let code =
                id.game_code().map_or_else(|| format!("none (not printable: {})", hex(&id.raw[..4])), str::to_owned);
            lines.push(("Game code", format!("{code} ({})", from(info.disk_id_lba, "disk ID"))));
            lines.push(("Version", id.version().to_string()));
            lines.push(("Disk number", id.disk_number().to_string()));
            let company = match id.company_code() {
                Some("01") => "01 (Nintendo)".to_owned(),
                Some(code) => code.to_owned(),
                None => format!("none (not printable: {})", hex(&id.raw[24..26])),
            };
            lines.push(("Company", company));
            lines.push((
                "Produced",
                id.production_time()
                    .map_or_else(|| format!("unknown ({})", hex(&id.production_time_raw())), |t| t.to_string()),
            ));
            lines.push(("Factory line", hex(&id.factory_line())));
        }
    }
    let mut text = format!("{}\n", path.display());
    for (label, value) in lines {
        let _ = writeln!(text, "  {label:<14}{value}");
    }
    text
}
