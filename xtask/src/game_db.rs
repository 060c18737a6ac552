//! `cargo xtask game-db [--check]`: turn `crates/n64-core/data/game-db.tsv` into the sorted
//! static table `crates/n64-core/src/game_db/table.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The data file, relative to the workspace root.
pub const DATA: &str = "crates/n64-core/data/game-db.tsv";
/// The generated table, relative to the workspace root.
pub const TABLE: &str = "crates/n64-core/src/game_db/table.rs";

/// Save type names of the data file and the `SaveType` variants they become.
const SAVE_TYPES: [(&str, &str); 7] = [
    ("none", "None"),
    ("eeprom4k", "Eeprom4k"),
    ("eeprom16k", "Eeprom16k"),
    ("sram256k", "Sram256k"),
    ("sram768k", "Sram768k"),
    ("sram1m", "Sram1m"),
    ("flashram", "FlashRam"),
];

/// Accessory names and the `Accessories` constants they become.
const ACCESSORIES: [(&str, &str); 7] = [
    ("cpak", "CONTROLLER_PAK"),
    ("rpak", "RUMBLE_PAK"),
    ("tpak", "TRANSFER_PAK"),
    ("rtc", "RTC"),
    ("vru", "VRU"),
    ("mouse", "MOUSE"),
    ("keyboard", "KEYBOARD"),
];

/// Expansion Pak names and the `ExpansionPak` variants they become.
const EXPANSION: [(&str, &str); 3] =
    [("required", "Required"), ("recommended", "Recommended"), ("enhanced", "Enhanced")];

/// Number of tab-separated columns of a rule.
const COLUMNS: usize = 8;

/// One parsed rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Line number in the data file (1-based).
    pub line: usize,
    /// `NSM`, `NSM-J`, `NSM-J-3` or `0x` + 16 upper-case hex digits.
    pub key: String,
    /// `SaveType` variant name.
    pub save: &'static str,
    /// `Accessories` constant names, in the order of `ACCESSORIES`.
    pub accessories: Vec<&'static str>,
    /// `ExpansionPak` variant name.
    pub expansion: Option<&'static str>,
    /// `SaveType` variant name of the alternative.
    pub disputed: Option<&'static str>,
    /// Sources.
    pub source: String,
    /// Game name.
    pub title: String,
    /// Remark (empty for `-`).
    pub note: String,
}

/// Parses the data file; every error names the line.
pub fn parse(text: &str) -> Result<Vec<Row>> {
    let mut rows: Vec<Row> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let row = parse_row(line, raw).with_context(|| format!("{DATA}:{line}"))?;
        if let Some(previous) = rows.last()
            && previous.key.as_bytes() >= row.key.as_bytes()
        {
            let what = if previous.key == row.key { "duplicate key" } else { "key out of order" };
            bail!("{DATA}:{line}: {what} {:?} (after {:?} on line {})", row.key, previous.key, previous.line);
        }
        rows.push(row);
    }
    Ok(rows)
}

fn parse_row(line: usize, raw: &str) -> Result<Row> {
    let cells: Vec<&str> = raw.split('\t').collect();
    if cells.len() != COLUMNS {
        bail!("{} tab-separated columns, expected {COLUMNS}", cells.len());
    }
    let key = cells[0];
    check_key(key)?;
    let save = lookup(&SAVE_TYPES, cells[1]).with_context(|| format!("unknown save type {:?}", cells[1]))?;
    let mut accessories = Vec::new();
    if cells[2] != "-" {
        for name in cells[2].split(',') {
            let constant = lookup(&ACCESSORIES, name).with_context(|| format!("unknown accessory {name:?}"))?;
            if accessories.contains(&constant) {
                bail!("accessory {name:?} listed twice");
            }
            accessories.push(constant);
        }
        accessories.sort_by_key(|c| ACCESSORIES.iter().position(|(_, k)| k == c));
    }
    let optional = |table: &[(&str, &'static str)], cell: &str, what: &str| -> Result<Option<&'static str>> {
        if cell == "-" {
            return Ok(None);
        }
        lookup(table, cell).map(Some).with_context(|| format!("unknown {what} {cell:?}"))
    };
    let expansion = optional(&EXPANSION, cells[3], "Expansion Pak use")?;
    let disputed = optional(&SAVE_TYPES, cells[4], "disputed save type")?;
    if disputed == Some(save) {
        bail!("the disputed save type is the row's own");
    }
    let source = cells[5];
    if source.is_empty() || source == "-" {
        bail!("no source");
    }
    if expansion.is_some() && !source.split(' ').any(|s| s.starts_with("https://")) {
        bail!("an Expansion Pak value needs a reference URL in the source column");
    }
    if cells[6].is_empty() || cells[6] == "-" {
        bail!("no title");
    }
    let note = if cells[7] == "-" { "" } else { cells[7] };
    Ok(Row {
        line,
        key: key.to_owned(),
        save,
        accessories,
        expansion,
        disputed,
        source: source.to_owned(),
        title: cells[6].to_owned(),
        note: note.to_owned(),
    })
}

/// `ID`, `ID-R`, `ID-R-N` (ID three ASCII letters or digits, R one, N decimal 0..=255) or `0x`
/// and 16 upper-case hex digits.
fn check_key(key: &str) -> Result<()> {
    if let Some(hex) = key.strip_prefix("0x") {
        if hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)) {
            return Ok(());
        }
        bail!("bad check-code key {key:?}: 0x and 16 upper-case hex digits");
    }
    let parts: Vec<&str> = key.split('-').collect();
    let alnum = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_alphanumeric());
    let revision_ok = |s: &str| {
        s.parse::<u8>().is_ok_and(|n| n.to_string() == s) // decimal, no leading zeros
    };
    let ok = match parts.as_slice() {
        [id] => alnum(id, 3),
        [id, region] => alnum(id, 3) && alnum(region, 1),
        [id, region, revision] => alnum(id, 3) && alnum(region, 1) && revision_ok(revision),
        _ => false,
    };
    if !ok {
        bail!("bad key {key:?}: ID (3 letters or digits), ID-REGION or ID-REGION-REVISION (decimal)");
    }
    Ok(())
}

fn lookup(table: &[(&str, &'static str)], name: &str) -> Option<&'static str> {
    table.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// The Rust source of the table.
pub fn render(rows: &[Row]) -> String {
    let mut out = String::new();
    out.push_str("// @generated by `cargo xtask game-db` from crates/n64-core/data/game-db.tsv: do not edit.\n");
    out.push_str("// Sources and licence notices are in the data file's header.\n\n");
    out.push_str("use super::{Accessories as A, ExpansionPak as X, GameInfo};\n");
    out.push_str("use crate::SaveType as S;\n\n");
    let _ = writeln!(out, "/// Every rule, sorted by key (byte-wise).");
    let _ = writeln!(out, "pub(super) static RULES: [GameInfo; {}] = [", rows.len());
    for row in rows {
        let accessories = match row.accessories.as_slice() {
            [] => "A::NONE".to_owned(),
            [first, rest @ ..] => {
                let mut text = format!("A::{first}");
                for constant in rest {
                    let _ = write!(text, ".union(A::{constant})");
                }
                text
            }
        };
        let option =
            |v: Option<&str>, prefix: &str| v.map_or_else(|| "None".to_owned(), |v| format!("Some({prefix}::{v})"));
        let _ = writeln!(
            out,
            "    GameInfo {{ key: {:?}, save_type: S::{}, accessories: {accessories}, expansion_pak: {}, disputed: {}, title: {:?}, source: {:?}, note: {:?} }},",
            row.key,
            row.save,
            option(row.expansion, "X"),
            option(row.disputed, "S"),
            row.title,
            row.source,
            row.note,
        );
    }
    out.push_str("];\n");
    out
}

/// The table the data file under `root` gives.
pub fn generate(root: &Path) -> Result<String> {
    let path = root.join(DATA);
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(render(&parse(&text)?))
}

/// Writes the table; returns its path.
pub fn write(root: &Path) -> Result<PathBuf> {
    let table = generate(root)?;
    let path = root.join(TABLE);
    std::fs::write(&path, table).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// Fails when the committed table differs from what the data file gives.
pub fn check(root: &Path) -> Result<()> {
    let table = generate(root)?;
    let path = root.join(TABLE);
    let committed = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    if committed != table {
        bail!("{TABLE} is not what {DATA} gives; run `cargo xtask game-db`");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: &str = "NSM\teeprom4k\t-\t-\t-\tares\tSuper Mario 64\t-";

    #[test]
    fn a_row_parses() {
        let rows = parse(ROW).unwrap();
        assert_eq!(rows[0].key, "NSM");
        assert_eq!(rows[0].save, "Eeprom4k");
    }

    #[test]
    fn errors_name_the_line() {
        let text = format!("# comment\n{ROW}\nNSN\tfloppy\t-\t-\t-\tares\tX\t-\n");
        let error = format!("{:#}", parse(&text).unwrap_err());
        assert!(error.contains("game-db.tsv:3") && error.contains("floppy"), "{error}");
    }

    #[test]
    fn duplicates_and_disorder_are_refused_with_both_lines() {
        let error = format!("{:#}", parse(&format!("{ROW}\n{ROW}\n")).unwrap_err());
        assert!(error.contains(":2: duplicate key \"NSM\"") && error.contains("line 1"), "{error}");
        let earlier = ROW.replace("NSM", "NAF");
        let error = format!("{:#}", parse(&format!("{ROW}\n{earlier}\n")).unwrap_err());
        assert!(error.contains(":2: key out of order"), "{error}");
    }

    #[test]
    fn keys_are_checked() {
        for bad in ["NS", "NSMJ", "NSM-", "NSM-JJ", "NSM-J-03", "NSM-J-256", "0x12", "0x0123456789abcdef", "N-M"] {
            assert!(check_key(bad).is_err(), "{bad}");
        }
        for good in ["NSM", "NSM-J", "NSM-J-3", "NK4-J-0", "0x0123456789ABCDEF"] {
            assert!(check_key(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn expansion_values_need_a_url() {
        let row = ROW.replace("\t-\t-\tares", "\trequired\t-\tares");
        assert!(format!("{:#}", parse(&row).unwrap_err()).contains("reference URL"));
    }
}
