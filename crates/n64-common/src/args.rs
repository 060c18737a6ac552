//! Command-line values: parsers for clap that use n64-core's names and list the valid values.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use n64_core::{ByteOrder, CicKind};

/// Parses a value with n64-core's `FromStr` (whose errors list the valid values).
pub fn parse_arg<T: std::str::FromStr<Err = n64_core::Error>>(s: &str) -> Result<T, String> {
    s.parse().map_err(|e: n64_core::Error| e.to_string())
}

/// `--byte-order`/`--to`: exactly `z64`, `v64` or `n64` (listed in `--help`).
pub fn byte_order_parser() -> impl TypedValueParser<Value = ByteOrder> {
    PossibleValuesParser::new(ByteOrder::ALL.map(ByteOrder::name))
        .map(|name| ByteOrder::ALL.into_iter().find(|o| o.name() == name).unwrap_or(ByteOrder::Z64))
}

/// `--cic` where any kind is meaningful (inspection): the cartridge kinds and the 64DD ones.
pub fn parse_cic(s: &str) -> Result<CicKind, String> {
    parse_arg(s)
}

/// `--cic` for check code operations: the kinds whose check code is in the header. A 64DD kind
/// is refused with the reason.
pub fn parse_check_code_cic(s: &str) -> Result<CicKind, String> {
    let kind: CicKind = parse_arg(s)?;
    if kind.is_64dd() {
        return Err(format!(
            "CIC {kind} is a 64DD kind: its check code is kept inside the boot code, not in the header; valid: {}",
            CicKind::CHECK_CODE_NAMES.join(", ")
        ));
    }
    Ok(kind)
}

/// An offset or size: decimal, or hexadecimal after `0x` (`4096`, `0x1000`, `0X1_000`
/// with underscores between digits).
///
/// ```
/// use n64_common::args::parse_offset;
/// assert_eq!(parse_offset("0x1000"), Ok(4096));
/// assert_eq!(parse_offset("4_096"), Ok(4096));
/// assert!(parse_offset("0x").is_err());
/// assert!(parse_offset("-1").is_err());
/// ```
pub fn parse_offset(s: &str) -> Result<usize, String> {
    let digits = s.replace('_', "");
    let parsed = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        Some(hex) => usize::from_str_radix(hex, 16),
        None => digits.parse(),
    };
    parsed.map_err(|e| format!("{s:?} is not an offset (decimal, or hex after 0x): {e}"))
}
