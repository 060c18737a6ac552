//! The JSON records of `n64 verify` (an output contract: see the README).

use std::collections::BTreeMap;

use serde::Serialize;

/// `"type": "file"`: one per file or archive member.
#[derive(Debug, Serialize)]
pub(crate) struct FileRecord {
    #[serde(rename = "type")]
    pub(crate) record: &'static str,
    pub(crate) path: String,
    pub(crate) status: &'static str,
    /// The DAT's header name.
    pub(crate) dat: Option<String>,
    pub(crate) game: Option<String>,
    pub(crate) rom: Option<String>,
    pub(crate) name_ok: Option<bool>,
    /// The file's own byte order (`null`: not an N64 image).
    pub(crate) byte_order: Option<&'static str>,
    pub(crate) byte_order_ok: Option<bool>,
    pub(crate) matched_by: Option<&'static str>,
}

/// `"type": "game"`: one per game that is not complete.
#[derive(Debug, Serialize)]
pub(crate) struct GameRecord {
    #[serde(rename = "type")]
    pub(crate) record: &'static str,
    pub(crate) dat: String,
    pub(crate) game: String,
    pub(crate) status: &'static str,
    pub(crate) have: usize,
    pub(crate) need: usize,
}

/// `"type": "summary"`, last.
#[derive(Debug, Serialize)]
pub(crate) struct SummaryRecord {
    #[serde(rename = "type")]
    pub(crate) record: &'static str,
    pub(crate) games: usize,
    pub(crate) complete: usize,
    pub(crate) incomplete: usize,
    pub(crate) missing: usize,
    pub(crate) files: usize,
    /// Files per status (`match`, `bad_dump`, `duplicate`, `mismatch`, `unknown`), then
    /// `wrong_name`, `wrong_byte_order`, `nested_archives`, `errors`, `cached`.
    #[serde(flatten)]
    pub(crate) counts: BTreeMap<&'static str, usize>,
}
