//! The naming policy of `normalize`, free of any file system: which name each ROM gets, and
//! which ROMs are duplicates. The caller supplies what each directory holds.

use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use n64_core::ByteOrder;

use super::plan::Found;

/// What was decided for one ROM.
#[derive(Debug)]
pub(crate) struct Action {
    /// The ROM as found.
    pub(crate) found: Found,
    /// Its path after the run.
    pub(crate) after: PathBuf,
    /// The name it wanted, when another file has it and it gets a numbered one instead.
    pub(crate) wanted_taken: Option<PathBuf>,
    /// The first ROM with the same final content, when this is a duplicate.
    pub(crate) duplicate_of: Option<PathBuf>,
    /// With `--dat`: the rom the file provides, whose name and byte order it gets.
    pub(crate) dat: Option<DatNote>,
}

/// The DAT rom a file provides (`--dat`), as its record shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DatNote {
    /// The engine's verdict: `match` or `bad_dump`.
    pub(crate) status: &'static str,
    /// The DAT's header name (its path when it has none).
    pub(crate) dat: String,
    pub(crate) game: String,
    pub(crate) rom: String,
}

impl Action {
    /// Whether the file gets a new name.
    pub(crate) fn renamed(&self) -> bool {
        self.after != self.found.path
    }

    /// Whether the content changes (another byte order, padding or a new check code).
    pub(crate) fn changes_content(&self) -> bool {
        self.found.from != self.found.to || self.found.pad_to.is_some() || self.found.code.is_some()
    }

    /// Whether anything is to be done.
    pub(crate) fn needed(&self) -> bool {
        self.renamed() || self.changes_content()
    }

    /// What changes, in words.
    pub(crate) fn changes(&self) -> Vec<String> {
        let mut changes = Vec::new();
        if self.found.from != self.found.to {
            changes.push(format!("converted {} → {}", self.found.from, self.found.to));
        }
        if let Some(size) = self.found.pad_to {
            changes.push(format!("padded to {size:#x} bytes"));
        }
        if let Some((old, new)) = self.found.code {
            changes.push(format!("fixed check code {old} → {new}"));
        }
        if self.renamed() {
            let name = self.after.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            changes.push(format!("renamed to \"{name}\""));
        }
        if let Some(wanted) = &self.wanted_taken {
            changes.push(format!("{} is taken by another file", wanted.display()));
        }
        changes
    }
}

/// `stem` + `suffix` + `.` + `ext`.
pub(crate) fn file_name(stem: &OsStr, suffix: &str, ext: &str) -> OsString {
    let mut name = stem.to_owned();
    name.push(format!("{suffix}.{ext}"));
    name
}

/// The name chosen for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Choice {
    /// The file name.
    pub(crate) name: OsString,
    /// Whether it is a numbered name because another file has the wanted one (and the file did
    /// not have a numbered name already).
    pub(crate) wanted_taken: bool,
}

/// Chooses the name of a file now called `own` that wants `stem.ext`, among the names `taken`
/// in its directory (its own included). It keeps its own name when that is the wanted one, or
/// already a numbered variant of it (`stem (2).ext`) while another file has the wanted one: a
/// second run changes nothing and says nothing. Otherwise the wanted name, or the first free
/// numbered one.
///
/// The numbered variant of a name is `STEM (N).EXT`, N from 1.
pub(crate) fn choose(stem: &OsStr, ext: &str, own: &OsStr, taken: &HashSet<OsString>) -> Choice {
    let wanted = file_name(stem, "", ext);
    if own == wanted || !taken.contains(&wanted) {
        return Choice { name: wanted, wanted_taken: false };
    }
    if is_numbered_variant(own, stem, ext) {
        return Choice { name: own.to_owned(), wanted_taken: false };
    }
    // Among taken.len() + 1 numbers one is free.
    let name = (1..=taken.len() as u64 + 1)
        .map(|k| file_name(stem, &format!(" ({k})"), ext))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(wanted);
    Choice { name, wanted_taken: true }
}

/// Whether `name` is `stem (N).ext` for some N ≥ 1 (compared as bytes: names need not be UTF-8).
fn is_numbered_variant(name: &OsStr, stem: &OsStr, ext: &str) -> bool {
    let suffix = format!(").{ext}");
    name.as_encoded_bytes()
        .strip_prefix(stem.as_encoded_bytes())
        .and_then(|rest| rest.strip_prefix(b" ("))
        .and_then(|rest| rest.strip_suffix(suffix.as_bytes()))
        .is_some_and(|n| n.first().is_some_and(|&d| d != b'0') && n.iter().all(u8::is_ascii_digit))
}

/// Decides the names of `found` (in path order) and marks duplicates (the same final content
/// as an earlier file). `listing` gives the names in a directory; it is asked once per
/// directory.
pub(crate) fn decide(
    found: Vec<Found>,
    to: ByteOrder,
    listing: &mut dyn FnMut(&Path) -> HashSet<OsString>,
) -> Vec<Action> {
    let mut names: HashMap<PathBuf, HashSet<OsString>> = HashMap::new();
    let mut first_of: HashMap<[u8; 20], PathBuf> = HashMap::new();
    let mut actions = Vec::with_capacity(found.len());
    for found in found {
        let dir = n64_io::atomic::parent_dir(&found.path).to_path_buf();
        let own = found.path.file_name().map(OsString::from).unwrap_or_default();
        let taken = names.entry(dir.clone()).or_insert_with(|| listing(&dir));
        let choice = choose(&found.stem, to.name(), &own, taken);
        taken.insert(choice.name.clone());
        // Beside the file, as its path was given (`dir` is `.` for a bare name, which must not
        // make `./NAME` look like a new name).
        let after = found.path.with_file_name(&choice.name);
        let wanted_taken =
            choice.wanted_taken.then(|| found.path.with_file_name(file_name(&found.stem, "", to.name())));
        let duplicate_of = first_of.get(&found.final_sha1).cloned();
        if duplicate_of.is_none() {
            first_of.insert(found.final_sha1, after.clone());
        }
        actions.push(Action { found, after, wanted_taken, duplicate_of, dat: None });
    }
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> HashSet<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn choose_in(stem: &str, own: &str, taken: &[&str]) -> (String, bool) {
        let choice = choose(OsStr::new(stem), "z64", OsStr::new(own), &names(taken));
        (choice.name.to_string_lossy().into_owned(), choice.wanted_taken)
    }

    #[test]
    fn the_wanted_name_when_free_or_own() {
        assert_eq!(choose_in("GAME", "game.v64", &["game.v64"]), ("GAME.z64".to_owned(), false));
        assert_eq!(choose_in("GAME", "GAME.z64", &["GAME.z64"]), ("GAME.z64".to_owned(), false));
    }

    #[test]
    fn a_numbered_name_when_taken() {
        assert_eq!(
            choose_in("GAME", "b.v64", &["GAME.z64", "GAME (1).z64", "b.v64"]),
            ("GAME (2).z64".to_owned(), true)
        );
    }

    /// B14: a file that already has a numbered name keeps it, and nothing is said.
    #[test]
    fn a_numbered_name_is_kept_on_a_rerun() {
        let taken = ["GAME.z64", "GAME (1).z64"];
        assert_eq!(choose_in("GAME", "GAME (1).z64", &taken), ("GAME (1).z64".to_owned(), false));
        assert_eq!(
            choose_in("GAME", "GAME (12).z64", &["GAME.z64", "GAME (12).z64"]),
            ("GAME (12).z64".to_owned(), false)
        );
        // Not a numbered variant: "(0)", "(x)", another stem.
        assert!(choose_in("GAME", "GAME (0).z64", &["GAME.z64", "GAME (0).z64"]).1);
        assert!(choose_in("GAME", "GAME (x).z64", &["GAME.z64", "GAME (x).z64"]).1);
        assert!(choose_in("GAME", "OTHER (1).z64", &["GAME.z64", "OTHER (1).z64"]).1);
    }

    #[test]
    fn names_are_decided_in_path_order_and_duplicates_marked() {
        let found = |path: &str, stem: &str, sha: u8| Found::for_test(path, stem, [sha; 20]);
        let listing: HashMap<PathBuf, HashSet<OsString>> =
            HashMap::from([(PathBuf::from("roms"), names(&["a.v64", "b.n64", "c.z64", "TITLE.z64"]))]);
        let mut asked = Vec::new();
        let actions = decide(
            vec![found("roms/a.v64", "TITLE", 1), found("roms/b.n64", "TITLE", 2), found("roms/c.z64", "c", 1)],
            ByteOrder::Z64,
            &mut |dir| {
                asked.push(dir.to_path_buf());
                listing.get(dir).cloned().unwrap_or_default()
            },
        );
        assert_eq!(asked, [PathBuf::from("roms")], "one listing per directory");
        let after: Vec<_> = actions.iter().map(|a| a.after.clone()).collect();
        assert_eq!(after, ["roms/TITLE (1).z64", "roms/TITLE (2).z64", "roms/c.z64"].map(PathBuf::from));
        assert_eq!(actions[2].duplicate_of, Some(PathBuf::from("roms/TITLE (1).z64")));
        assert!(actions[0].changes().iter().any(|c| c == "roms/TITLE.z64 is taken by another file"));
    }
}
