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
