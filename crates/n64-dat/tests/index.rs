//! The byte-order rules, serials and the match index, on DATs built by hand and on the fixtures;
//! the digests are from Python's hashlib/zlib over synthetic bytes (tests/data/README.md).

use n64_core::ByteOrder;
use n64_dat::{
    Dat, DatHeader, DumpStatus, Game, Index, MatchedBy, Needs, Rom, RomRef, game_codes, order_of_rom_name, parse,
    rom_order,
};

fn data(name: &str) -> Dat {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    parse(&std::fs::read(path).unwrap()).unwrap().dat
}

fn hex<const N: usize>(digits: &str) -> [u8; N] {
    let mut out = [0; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

fn at(dat: usize, game: usize, rom: usize) -> RomRef {
    RomRef { dat, game, rom }
}

fn named(name: &str) -> Dat {
    Dat { header: DatHeader { name: name.into(), ..DatHeader::default() }, games: vec![] }
}

fn rom(name: &str) -> Rom {
    Rom { name: name.into(), ..Rom::default() }
}

fn dat_of(header: &str, roms: Vec<Rom>) -> Dat {
    let games = roms.into_iter().map(|r| Game { name: r.name.clone(), roms: vec![r], ..Game::default() }).collect();
    Dat { header: DatHeader { name: header.into(), ..DatHeader::default() }, games }
}

#[test]
fn declared_order_from_the_header_name() {
    assert_eq!(named("Nintendo - Nintendo 64 (BigEndian)").declared_order(), Some(ByteOrder::Z64));
    assert_eq!(named("Nintendo - Nintendo 64 (ByteSwapped)").declared_order(), Some(ByteOrder::V64));
    assert_eq!(named("nintendo - nintendo 64 (BIGENDIAN) (20261101)").declared_order(), Some(ByteOrder::Z64));
    assert_eq!(named("Nintendo - Nintendo 64").declared_order(), None);
    assert_eq!(named("BigEndian without parentheses").declared_order(), None);
    assert_eq!(named("(BigEndian) (ByteSwapped)").declared_order(), None, "both is neither");
}

#[test]
fn order_of_a_rom_name() {
    assert_eq!(order_of_rom_name("a.z64"), Some(ByteOrder::Z64));
    assert_eq!(order_of_rom_name("A (USA).V64"), Some(ByteOrder::V64));
    assert_eq!(order_of_rom_name("a.N64"), Some(ByteOrder::N64));
    assert_eq!(order_of_rom_name("a.z64.zip"), None);
    assert_eq!(order_of_rom_name("z64"), None);
    assert_eq!(order_of_rom_name("a.bin"), None);
    assert_eq!(order_of_rom_name(""), None);
}

#[test]
fn forced_beats_declared_beats_extension() {
    let be = named("X (BigEndian)");
    let plain = named("X");
    let v64 = rom("g.v64");
    let bin = rom("g.bin");
    assert_eq!(rom_order(&be, &v64, Some(ByteOrder::N64)), Some(ByteOrder::N64));
    assert_eq!(rom_order(&be, &v64, None), Some(ByteOrder::Z64));
    assert_eq!(rom_order(&plain, &v64, None), Some(ByteOrder::V64));
    assert_eq!(rom_order(&plain, &bin, None), None);
    assert_eq!(rom_order(&plain, &bin, Some(ByteOrder::Z64)), Some(ByteOrder::Z64));
}

#[test]
fn serials_reduce_to_game_codes() {
    assert_eq!(game_codes("NSME"), [*b"NSME"]);
    assert_eq!(game_codes("NUS-NSME-USA"), [*b"NSME"]);
    assert_eq!(game_codes("NUS-NSME"), [*b"NSME"]);
    assert_eq!(game_codes("NSME,NSMJ"), [*b"NSME", *b"NSMJ"]);
    for none in ["!none!", "", " ", "N64", "Super Mario", "NUS-NSME-USA-EXTRA"] {
        assert_eq!(game_codes(none), Vec::<[u8; 4]>::new(), "{none:?}");
    }
}

#[test]
fn the_two_no_intro_dats_each_match_their_own_order() {
    let be = data("nointro-bigendian.dat");
    let bs = data("libretro-byteswapped.dat");
    let index = Index::new(&[be, bs], None);
    // Alpha Racer (USA) big-endian bytes: d23e47ed / sha1 e0fb…; byte-swapped: 8c578711 / sha1 fb33….
    let z_sha1 = hex("e0fb888165bd2c794762bf006b896d1fd290a950");
    let v_sha1 = hex("fb33a6d903361a56b6f3076ec9e8fa3b73673e59");
    assert_eq!(
        index.lookup(Some(ByteOrder::Z64), 4096, 0xD23E_47ED, None, Some(z_sha1)),
        [(at(0, 0, 0), MatchedBy::Sha1)]
    );
    assert_eq!(
        index.lookup(Some(ByteOrder::V64), 4096, 0x8C57_8711, None, Some(v_sha1)),
        [(at(1, 0, 0), MatchedBy::Sha1)]
    );
    // The right digest over the wrong view matches nothing.
    assert_eq!(index.lookup(Some(ByteOrder::V64), 4096, 0xD23E_47ED, None, Some(z_sha1)), []);
    assert_eq!(index.lookup(None, 4096, 0xD23E_47ED, None, Some(z_sha1)), []);
    assert_eq!(index.views(), [Some(ByteOrder::Z64), Some(ByteOrder::V64)]);
    // The byte-swapped Japan rom has an MD5 and no SHA-1.
    assert_eq!(index.needs(), Needs { md5: true, sha1: true });
    assert_eq!(
        index.lookup(Some(ByteOrder::V64), 4096, 0x1452_A7C4, Some(hex("00a26bbe9d5bdd2b60c7e18cc99abd19")), None),
        [(at(1, 1, 0), MatchedBy::Md5)]
    );
    // The quoted game has a CRC and a size only.
    assert_eq!(
        index.lookup(Some(ByteOrder::V64), 4096, 0xBD01_8D19, None, None),
        [(at(1, 2, 0), MatchedBy::Crc32Size)]
    );
    // A forced order overrides both DATs' names.
    let forced = Index::new(&[data("nointro-bigendian.dat"), data("libretro-byteswapped.dat")], Some(ByteOrder::N64));
    assert_eq!(forced.views(), [Some(ByteOrder::N64)]);
}

#[test]
fn a_rom_is_indexed_by_its_strongest_hash_only() {
    let sha1 = hex::<20>("e0fb888165bd2c794762bf006b896d1fd290a950");
    let md5 = hex::<16>("bb5a514c0a208b4d0e3f11e4e12402ae");
    let full = Rom { size: Some(4096), crc32: Some(0xD23E_47ED), md5: Some(md5), sha1: Some(sha1), ..rom("full.bin") };
    let index = Index::new(&[dat_of("X", vec![full])], None);
    assert_eq!(index.views(), [None], "no order declared, no N64 extension: raw bytes");
    assert_eq!(index.needs(), Needs { md5: false, sha1: true }, "md5 is not needed when every rom has a sha1");
    assert_eq!(index.lookup(None, 4096, 0xD23E_47ED, Some(md5), None), [], "not by md5");
    assert_eq!(index.lookup(None, 4096, 0xD23E_47ED, None, None), [], "not by crc+size");
    assert_eq!(index.lookup(None, 4096, 0, None, Some(sha1)), [(at(0, 0, 0), MatchedBy::Sha1)], "by sha1 alone");
    assert_eq!(index.len(), 1);
}

#[test]
fn size_must_match_when_given() {
    let sha1 = hex::<20>("e0fb888165bd2c794762bf006b896d1fd290a950");
    let sized = Rom { size: Some(4096), sha1: Some(sha1), ..rom("sized.bin") };
    let unsized_ = Rom { sha1: Some(sha1), ..rom("unsized.bin") };
    let index = Index::new(&[dat_of("X", vec![sized, unsized_])], None);
    assert_eq!(
        index.lookup(None, 4096, 0, None, Some(sha1)),
        [(at(0, 0, 0), MatchedBy::Sha1), (at(0, 1, 0), MatchedBy::Sha1)]
    );
    assert_eq!(index.lookup(None, 4095, 0, None, Some(sha1)), [(at(0, 1, 0), MatchedBy::Sha1)]);
    let crc = Rom { size: Some(10), crc32: Some(7), ..rom("crc.bin") };
    let index = Index::new(&[dat_of("X", vec![crc])], None);
    assert_eq!(index.lookup(None, 10, 7, None, None), [(at(0, 0, 0), MatchedBy::Crc32Size)]);
    assert_eq!(index.lookup(None, 11, 7, None, None), []);
}

#[test]
fn unindexable_roms() {
    let sha1 = hex::<20>("e0fb888165bd2c794762bf006b896d1fd290a950");
    let nodump =
        Rom { size: Some(4), crc32: Some(1), sha1: Some(sha1), status: DumpStatus::NoDump, ..rom("nodump.z64") };
    let crc_only = Rom { crc32: Some(2), ..rom("crc-only.z64") };
    let sha256_only = Rom { size: Some(4), sha256: Some([0; 32]), ..rom("sha256.z64") };
    let baddump = Rom { size: Some(4), crc32: Some(3), status: DumpStatus::BadDump, ..rom("bad.z64") };
    let index = Index::new(&[dat_of("X", vec![nodump, crc_only, sha256_only, baddump])], None);
    assert_eq!(index.lookup(Some(ByteOrder::Z64), 4, 1, None, Some(sha1)), [], "nodump never matches");
    assert_eq!(index.lookup(Some(ByteOrder::Z64), 4, 2, None, None), [], "a crc without a size is not indexed");
    assert_eq!(
        index.lookup(Some(ByteOrder::Z64), 4, 3, None, None),
        [(at(0, 3, 0), MatchedBy::Crc32Size)],
        "baddump matches"
    );
    assert_eq!(index.len(), 1);
    assert_eq!(index.needs(), Needs::default());
    assert_eq!(index.views(), [Some(ByteOrder::Z64)]);
    assert_eq!(index.roms_named("NODUMP.v64"), [at(0, 0, 0)], "by name, a nodump rom is still found");
}

#[test]
fn games_of_the_same_name_are_both_kept() {
    let a = Rom { size: Some(4), crc32: Some(1), ..rom("Same.z64") };
    let b = Rom { size: Some(4), crc32: Some(1), ..rom("Same.v64") };
    let dat = Dat {
        header: DatHeader::default(),
        games: vec![
            Game { name: "Same".into(), roms: vec![a], ..Game::default() },
            Game { name: "Same".into(), roms: vec![b], ..Game::default() },
        ],
    };
    let index = Index::new(&[dat.clone(), dat], Some(ByteOrder::Z64));
    assert_eq!(
        index.lookup(Some(ByteOrder::Z64), 4, 1, None, None),
        [
            (at(0, 0, 0), MatchedBy::Crc32Size),
            (at(0, 1, 0), MatchedBy::Crc32Size),
            (at(1, 0, 0), MatchedBy::Crc32Size),
            (at(1, 1, 0), MatchedBy::Crc32Size)
        ]
    );
    assert_eq!(index.roms_named("same.N64"), [at(0, 0, 0), at(0, 1, 0), at(1, 0, 0), at(1, 1, 0)]);
}

#[test]
fn views_are_sorted_raw_first() {
    let roms = ["c.n64", "b.v64", "d.bin", "a.z64"]
        .into_iter()
        .map(|n| Rom { size: Some(1), crc32: Some(1), ..rom(n) })
        .collect();
    let index = Index::new(&[dat_of("X", roms)], None);
    assert_eq!(index.views(), [None, Some(ByteOrder::Z64), Some(ByteOrder::V64), Some(ByteOrder::N64)]);
}

#[test]
fn games_by_code_from_game_and_rom_serials() {
    let be = data("nointro-bigendian.dat");
    let bs = data("libretro-byteswapped.dat");
    let index = Index::new(&[be, bs], None);
    // USA: rom serial NAXE (BigEndian), game and rom serial NAXE (ByteSwapped, counted once).
    assert_eq!(index.games_with_code(*b"NAXE"), [(0, 0), (1, 0)]);
    // Japan: rom serial NAXJ; product code NUS-NAXJ-JPN on the game.
    assert_eq!(index.games_with_code(*b"NAXJ"), [(0, 1), (1, 1)]);
    // A comma-separated list names both codes.
    assert_eq!(index.games_with_code(*b"NBGP"), [(0, 2)]);
    assert_eq!(index.games_with_code(*b"NBGX"), [(0, 2)]);
    assert_eq!(index.games_with_code(*b"NONE"), []);
}

#[test]
fn roms_by_name_ignore_extension_and_case() {
    let index = Index::new(&[data("nointro-bigendian.dat"), data("libretro-byteswapped.dat")], None);
    assert_eq!(index.roms_named("alpha racer (usa).N64"), [at(0, 0, 0), at(1, 0, 0)]);
    assert_eq!(index.roms_named("Alpha Racer (USA)"), [at(0, 0, 0), at(1, 0, 0)], "no extension");
    assert_eq!(index.roms_named("Alpha Racer (USA).z64.bak"), []);
    assert_eq!(index.roms_named("Beta & Gamma (Europe) (En,Fr,De).zip"), [at(0, 2, 0)]);
}

#[test]
fn matched_by_names() {
    assert_eq!(MatchedBy::Sha1.name(), "sha1");
    assert_eq!(MatchedBy::Md5.name(), "md5");
    assert_eq!(MatchedBy::Crc32Size.to_string(), "crc32+size");
    assert_eq!(Index::new(&[], None).lookup(None, 0, 0, None, None), []);
}
