//! Cross-checks against an independent DAT parser, the `datary` crate: the fixtures read the same
//! by both, and what `to_logiqx` writes is Logiqx that datary reads as the same games.

use n64_dat::{Dat, DatHeader, DumpStatus, Game, Rom, parse, to_logiqx};
use proptest::prelude::*;

/// What both parsers model, from datary's side.
#[derive(Debug, PartialEq)]
struct Common {
    header: String,
    games: Vec<(String, Vec<CommonRom>)>,
}

#[derive(Debug, PartialEq)]
struct CommonRom {
    name: String,
    size: u64,
    crc: Option<u32>,
    md5: Option<Vec<u8>>,
    sha1: Option<Vec<u8>>,
    sha256: Option<Vec<u8>>,
    status: &'static str,
    serial: Option<String>,
    mia: bool,
}

fn from_datary(dat: &datary::Datafile) -> Common {
    let status = |s: datary::Status| match s {
        datary::Status::Good => "good",
        datary::Status::Verified => "verified",
        datary::Status::BadDump => "baddump",
        datary::Status::NoDump => "nodump",
    };
    Common {
        header: dat.header.as_ref().map(|h| h.name.clone()).unwrap_or_default(),
        games: dat
            .games
            .iter()
            .map(|g| {
                let roms = g
                    .roms
                    .iter()
                    .map(|r| CommonRom {
                        name: r.name.clone(),
                        size: r.size,
                        crc: r.crc.map(|c| c.0),
                        md5: r.md5.as_ref().map(|d| d.as_bytes().to_vec()),
                        sha1: r.sha1.as_ref().map(|d| d.as_bytes().to_vec()),
                        sha256: r.sha256.as_ref().map(|d| d.as_bytes().to_vec()),
                        status: status(r.status()),
                        serial: r.serial.clone(),
                        mia: r.is_mia(),
                    })
                    .collect();
                (g.name.clone(), roms)
            })
            .collect(),
    }
}

/// Our model in the common form; with `game_serial_on_roms`, a rom without a serial takes its
/// game's first one, as datary lowers clrmamepro game serials onto roms.
fn from_ours(dat: &Dat, game_serial_on_roms: bool) -> Common {
    Common {
        header: dat.header.name.clone(),
        games: dat
            .games
            .iter()
            .map(|game| {
                let roms = game
                    .roms
                    .iter()
                    .map(|r| CommonRom {
                        name: r.name.clone(),
                        size: r.size.unwrap_or(0),
                        crc: r.crc32,
                        md5: r.md5.map(|d| d.to_vec()),
                        sha1: r.sha1.map(|d| d.to_vec()),
                        sha256: r.sha256.map(|d| d.to_vec()),
                        status: r.status.name(),
                        serial: r
                            .serial
                            .clone()
                            .or_else(|| game.serials.first().filter(|_| game_serial_on_roms).cloned()),
                        mia: r.mia,
                    })
                    .collect();
                (game.name.clone(), roms)
            })
            .collect(),
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)).unwrap()
}

#[test]
fn fixtures_read_the_same_by_both() {
    for (name, clrmamepro) in [("nointro-bigendian.dat", false), ("libretro-byteswapped.dat", true)] {
        let bytes = fixture(name);
        let ours = parse(&bytes).unwrap().dat;
        let theirs = datary::from_bytes(&bytes).unwrap_or_else(|e| panic!("datary on {name}: {e}"));
        assert_eq!(from_ours(&ours, clrmamepro), from_datary(&theirs), "{name}");
    }
}

#[test]
fn written_fixtures_read_the_same_by_datary() {
    for name in ["nointro-bigendian.dat", "libretro-byteswapped.dat", "mame-bom.xml", "begin-end.dat"] {
        let ours = parse(&fixture(name)).unwrap().dat;
        let xml = to_logiqx(&ours);
        let theirs = datary::from_str(&xml).unwrap_or_else(|e| panic!("datary on our {name}: {e}\n{xml}"));
        assert_eq!(from_ours(&ours, false), from_datary(&theirs), "{name}");
    }
}

/// Names with markup characters, parentheses and non-ASCII, without white space at the ends
/// (whose trimming is a reader's choice).
fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9&<>\"'(),.é漢🎮]([a-zA-Z0-9 &<>\"'(),.é漢🎮]{0,12}[a-zA-Z0-9&<>\"'(),.é漢🎮])?"
}

prop_compose! {
    fn rom()(
        name in name(),
        size in any::<u64>(),
        crc32 in proptest::option::of(any::<u32>()),
        md5 in proptest::option::of(any::<[u8; 16]>()),
        sha1 in proptest::option::of(any::<[u8; 20]>()),
        sha256 in proptest::option::of(any::<[u8; 32]>()),
        status in prop_oneof![Just(DumpStatus::Good), Just(DumpStatus::Verified), Just(DumpStatus::BadDump), Just(DumpStatus::NoDump)],
        serial in proptest::option::of(name()),
        mia in any::<bool>(),
    ) -> Rom {
        Rom { name, size: Some(size), crc32, md5, sha1, sha256, status, serial, mia, ..Rom::default() }
    }
}

prop_compose! {
    fn dat()(header in name(), games in proptest::collection::vec((name(), proptest::collection::vec(rom(), 0..3)), 0..4)) -> Dat {
        let games = games.into_iter().map(|(name, roms)| Game { description: Some(name.clone()), name, roms, ..Game::default() }).collect();
        Dat { header: DatHeader { name: header, ..DatHeader::default() }, games }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn datary_reads_what_we_write(dat in dat()) {
        let xml = to_logiqx(&dat);
        let theirs = datary::from_str(&xml).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
        prop_assert_eq!(from_ours(&dat, false), from_datary(&theirs), "{}", xml);
    }
}
