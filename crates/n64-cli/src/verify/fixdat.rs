//! `--fixdat OUT`: a Logiqx DAT of the games not complete, written atomically.

use std::path::Path;

use n64_common::Failure;
use n64_dat::{Dat, DatHeader};
use n64_io::atomic::Reserved;
use n64_io::{Error, Operation};

/// The fixdat of `games` (`(dat, game)`, whole games with all their roms, as igir writes them).
pub(crate) fn build(dats: &[Dat], games: &[(usize, usize)]) -> Dat {
    let names: Vec<&str> = dats.iter().map(|d| d.header.name.as_str()).filter(|n| !n.is_empty()).collect();
    let base = if names.is_empty() { "n64 verify".to_owned() } else { names.join(" + ") };
    let header = DatHeader {
        name: format!("{base} fixdat"),
        description: Some(format!("{base} fixdat: the games n64 verify found missing or incomplete")),
        version: dats.first().and_then(|d| d.header.version.clone()),
        author: Some("n64 verify".to_owned()),
        ..DatHeader::default()
    };
    let games = games.iter().filter_map(|&(d, g)| dats.get(d)?.games.get(g).cloned()).collect();
    Dat { header, games }
}

/// Writes the fixdat of `games` to `out` (replacing it atomically if it exists).
pub(crate) fn write(out: &Path, dats: &[Dat], games: &[(usize, usize)]) -> Result<(), Failure> {
    let text = n64_dat::to_logiqx(&build(dats, games));
    let reserved = Reserved::replace_or_create(out)?;
    reserved.commit(None, |w| w.write_all(text.as_bytes()).map_err(|e| Error::io(out, Operation::Write, e)))?;
    Ok(())
}
