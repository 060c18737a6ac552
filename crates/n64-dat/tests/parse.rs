//! Both dialects against hand-written fixtures (tests/data, all synthetic): the expected models
//! are written out by hand, the hashes in them computed with Python's hashlib/zlib over
//! synthetic bytes; errors and warnings with their exact line and column, counted by hand.

use std::fmt::Write as _;

use n64_dat::{
    Dat, DatHeader, Dialect, DumpStatus, Game, HashKind, ParseError, ParseErrorKind, Rom, Warning, WarningKind, parse,
};

fn data(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Hexadecimal digits to bytes, independently of the crate.
fn hex<const N: usize>(digits: &str) -> [u8; N] {
    assert_eq!(digits.len(), 2 * N, "{digits}");
    let mut out = [0; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

#[allow(clippy::unnecessary_wraps)]
fn some(s: &str) -> Option<String> {
    Some(s.to_owned())
}

/// The warnings as (line, column, kind).
fn warnings(parsed: &[Warning]) -> Vec<(u32, u32, WarningKind)> {
    parsed.iter().map(|w| (w.line, w.column, w.kind.clone())).collect()
}

fn error(bytes: &[u8]) -> (u32, u32, ParseErrorKind) {
    let e: ParseError = parse(bytes).expect_err("should not parse");
    (e.line, e.column, e.kind)
}

fn unknown(field: &str, within: &str) -> WarningKind {
    WarningKind::UnknownField { field: field.into(), within: within.into() }
}

#[test]
fn nointro_bigendian_logiqx() {
    let parsed = parse(&data("nointro-bigendian.dat")).unwrap();
    assert_eq!(parsed.dialect, Dialect::Logiqx);
    assert_eq!(parsed.warnings, [], "the No-Intro layout has nothing unknown");
    let expected = Dat {
        header: DatHeader {
            name: "Nintendo - Nintendo 64 (BigEndian)".into(),
            description: some("Nintendo - Nintendo 64 (BigEndian)"),
            version: some("20261101-000000"),
            date: None,
            author: some("Synthetic Test Author"),
            homepage: some("No-Intro"),
            url: some("https://www.no-intro.org"),
            comment: None,
        },
        games: vec![
            Game {
                name: "Alpha Racer (USA)".into(),
                description: some("Alpha Racer (USA)"),
                id: some("0001"),
                cloneof: None,
                cloneofid: None,
                serials: vec![],
                roms: vec![Rom {
                    name: "Alpha Racer (USA).z64".into(),
                    size: Some(4096),
                    crc32: Some(0xD23E_47ED),
                    md5: Some(hex("bb5a514c0a208b4d0e3f11e4e12402ae")),
                    sha1: Some(hex("e0fb888165bd2c794762bf006b896d1fd290a950")),
                    sha256: Some(hex("a8d92bfcbd0b1e1d9969e930271e84eb79a1de36c11bf3eee3ab5cd14a402bab")),
                    status: DumpStatus::Verified,
                    serial: some("NAXE"),
                    header: None,
                    mia: false,
                }],
            },
            Game {
                name: "Alpha Racer (Japan)".into(),
                description: some("Alpha Racer (Japan)"),
                id: some("0002"),
                cloneofid: some("0001"),
                roms: vec![Rom {
                    name: "Alpha Racer (Japan).z64".into(),
                    size: Some(4096),
                    crc32: Some(0x86CE_C381),
                    md5: Some(hex("1b3f059210e8472becf5102c0c2833a0")),
                    sha1: Some(hex("ef9eb88ce158db1f64e0c1c4d03da22ce9c5a55f")),
                    sha256: Some(hex("8ff01824eb61e2d0835ed1ef4a903f61d0f53dc643090e468625f0d724378c36")),
                    serial: some("NAXJ"),
                    ..Rom::default()
                }],
                ..Game::default()
            },
            Game {
                name: "Beta & Gamma (Europe) (En,Fr,De)".into(),
                description: some("Beta & Gamma (Europe) (En,Fr,De)"),
                id: some("0003"),
                roms: vec![Rom {
                    name: "Beta & Gamma (Europe) (En,Fr,De).z64".into(),
                    size: Some(4096),
                    crc32: Some(0xD760_8999),
                    md5: Some(hex("a554337ae9a76ea2e5063238952e2b8f")),
                    sha1: Some(hex("d15cc7ebefc570fd5c703ea2ab8b7ea0f22ba5d2")),
                    sha256: Some(hex("af48189c56648c3e86f921f8143a2b727b45d81e697bafc38317ba1872f67747")),
                    status: DumpStatus::BadDump,
                    serial: some("NBGP,NBGX"),
                    ..Rom::default()
                }],
                ..Game::default()
            },
            Game {
                name: "Delta Prototype (USA) (Proto)".into(),
                description: some("Delta Prototype (USA) (Proto)"),
                id: some("0004"),
                roms: vec![Rom {
                    name: "Delta Prototype (USA) (Proto).z64".into(),
                    size: Some(8_388_608),
                    status: DumpStatus::NoDump,
                    serial: some("!none!"),
                    mia: true,
                    ..Rom::default()
                }],
                ..Game::default()
            },
        ],
    };
    assert_eq!(parsed.dat, expected);
}

#[test]
fn libretro_byteswapped_clrmamepro() {
    let parsed = parse(&data("libretro-byteswapped.dat")).unwrap();
    assert_eq!(parsed.dialect, Dialect::ClrMamePro);
    assert_eq!(parsed.warnings, []);
    let expected = Dat {
        header: DatHeader {
            name: "Nintendo - Nintendo 64 (ByteSwapped)".into(),
            description: some("Nintendo - Nintendo 64 (ByteSwapped)"),
            version: some("20261101-000000"),
            homepage: some("No-Intro"),
            url: some("https://www.no-intro.org"),
            ..DatHeader::default()
        },
        games: vec![
            Game {
                name: "Alpha Racer (USA)".into(),
                description: some("Alpha Racer (USA)"),
                serials: vec!["NAXE".into()],
                roms: vec![Rom {
                    name: "Alpha Racer (USA).v64".into(),
                    size: Some(4096),
                    crc32: Some(0x8C57_8711),
                    md5: Some(hex("c65a2aab5a8685ec020be632ba7ffc8a")),
                    sha1: Some(hex("fb33a6d903361a56b6f3076ec9e8fa3b73673e59")),
                    serial: some("NAXE"),
                    ..Rom::default()
                }],
                ..Game::default()
            },
            Game {
                name: "Alpha Racer (Japan)".into(),
                cloneof: some("Alpha Racer (USA)"),
                serials: vec!["NUS-NAXJ-JPN".into()],
                roms: vec![Rom {
                    name: "Alpha Racer (Japan).v64".into(),
                    size: Some(4096),
                    crc32: Some(0x1452_A7C4),
                    md5: Some(hex("00a26bbe9d5bdd2b60c7e18cc99abd19")),
                    ..Rom::default()
                }],
                ..Game::default()
            },
            Game {
                name: r#"The "Quoted" Game (Europe)"#.into(),
                description: some(r#"The "Quoted" Game (Europe) \ (backslash)"#),
                roms: vec![Rom {
                    name: r#"The "Quoted" Game (Europe).v64"#.into(),
                    size: Some(4096),
                    crc32: Some(0xBD01_8D19),
                    status: DumpStatus::BadDump,
                    ..Rom::default()
                }],
                ..Game::default()
            },
            Game {
                name: "Lost Game (USA)".into(),
                roms: vec![Rom {
                    name: "Lost Game (USA).v64".into(),
                    size: Some(8_388_608),
                    status: DumpStatus::NoDump,
                    ..Rom::default()
                }],
                ..Game::default()
            },
        ],
    };
    assert_eq!(parsed.dat, expected);
}

#[test]
fn mame_machines_with_a_bom_and_no_doctype() {
    let parsed = parse(&data("mame-bom.xml")).unwrap();
    assert_eq!(parsed.dialect, Dialect::Logiqx);
    assert_eq!(parsed.warnings, [], "MAME's extra elements and attributes are known");
    let expected = Dat {
        header: DatHeader::default(),
        games: vec![
            Game {
                name: "n64bios".into(),
                description: some("Synthetic N64 BIOS"),
                roms: vec![Rom {
                    name: "pifdata.bin".into(),
                    size: Some(2048),
                    crc32: Some(0xD23E_47ED),
                    sha1: Some(hex("e0fb888165bd2c794762bf006b896d1fd290a950")),
                    ..Rom::default()
                }],
                ..Game::default()
            },
            Game {
                name: "alpha".into(),
                description: some("Alpha <Machine>"),
                cloneof: some("n64bios"),
                roms: vec![Rom { name: "alpha.bin".into(), crc32: Some(0x86CE_C381), ..Rom::default() }],
                ..Game::default()
            },
        ],
    };
    assert_eq!(parsed.dat, expected);
}

#[test]
fn begin_end_markers_emulator_header_one_line_blocks() {
    let parsed = parse(&data("begin-end.dat")).unwrap();
    assert_eq!(parsed.dialect, Dialect::ClrMamePro);
    assert_eq!(parsed.warnings, []);
    let expected = Dat {
        header: DatHeader {
            name: "Synthetic (BigEndian)".into(),
            author: some("Someone"),
            comment: some("one ( two ) three"),
            ..DatHeader::default()
        },
        games: vec![
            Game {
                name: "one".into(),
                roms: vec![Rom { name: "one.z64".into(), size: Some(123), crc32: Some(0x0123_ABCD), ..Rom::default() }],
                ..Game::default()
            },
            Game {
                name: "two".into(),
                description: some("Two"),
                roms: vec![Rom {
                    name: "two.bin".into(),
                    size: Some(0),
                    crc32: Some(0),
                    status: DumpStatus::Verified,
                    ..Rom::default()
                }],
                ..Game::default()
            },
        ],
    };
    assert_eq!(parsed.dat, expected);
}

#[test]
fn logiqx_warnings_with_positions() {
    let parsed = parse(&data("warnings.xml")).unwrap();
    assert_eq!(
        warnings(&parsed.warnings),
        [
            (5, 3, unknown("editor", "header")),
            (7, 19, unknown("colour", "game")),
            (9, 3, WarningKind::Repeated { field: "description".into(), within: "game".into() }),
            (10, 3, WarningKind::StrayText { within: "game".into() }),
            (11, 55, WarningKind::UnknownStatus { value: "unsure".into() }),
            (11, 68, WarningKind::UnknownMia { value: "maybe".into() }),
            (11, 75, unknown("weight", "rom")),
            (12, 3, unknown("publisher2", "game")),
            (14, 2, unknown("softwarelist", "datafile")),
        ]
    );
    let game = &parsed.dat.games[0];
    assert_eq!(game.description.as_deref(), Some("Second"), "the later value is kept");
    assert_eq!((game.roms[0].status, game.roms[0].mia), (DumpStatus::Good, false));
    assert_eq!(parsed.dat.header.name, "Odd");
    assert_eq!(
        parsed.warnings[0].to_string(),
        r#"line 5, column 3: unknown "editor" in header ignored"#,
        "the Display form"
    );
}

#[test]
fn clrmamepro_warnings_with_positions() {
    let parsed = parse(&data("warnings-cmp.dat")).unwrap();
    assert_eq!(
        warnings(&parsed.warnings),
        [
            (1, 25, unknown("editor", "header")),
            (4, 2, unknown("colour", "game")),
            (6, 2, WarningKind::Repeated { field: "description".into(), within: "game".into() }),
            (7, 48, WarningKind::UnknownStatus { value: "unsure".into() }),
            (7, 59, WarningKind::UnknownMia { value: "maybe".into() }),
            (7, 65, unknown("weight", "rom")),
            (7, 78, unknown("shiny", "rom")),
            (8, 2, unknown("extra", "game")),
            (10, 1, unknown("software", "file")),
        ]
    );
    assert_eq!(parsed.dat.games.len(), 1);
    assert_eq!(parsed.dat.games[0].description.as_deref(), Some("Second"));
}

#[test]
fn logiqx_errors_with_positions() {
    let cases: &[(&str, (u32, u32, ParseErrorKind))] = &[
        // A rom without a name: at its `<`.
        (
            "<datafile>\n<game name=\"g\">\n  <rom size=\"1\"/>\n</game></datafile>",
            (3, 3, ParseErrorKind::MissingName { element: "rom" }),
        ),
        ("<datafile>\n <game>\n </game>\n</datafile>", (2, 2, ParseErrorKind::MissingName { element: "game" })),
        // A bad value: at the value's first character.
        (
            "<datafile><game name=\"g\">\n<rom name=\"r\" crc=\"12345g78\"/></game></datafile>",
            (2, 20, ParseErrorKind::BadHash { hash: HashKind::Crc32, value: "12345g78".into() }),
        ),
        (
            "<datafile><game name=\"g\">\n<rom name=\"r\" sha1=\"abcd\"/></game></datafile>",
            (2, 21, ParseErrorKind::BadHash { hash: HashKind::Sha1, value: "abcd".into() }),
        ),
        (
            "<datafile><game name=\"g\">\n<rom name=\"r\" md5=\"00112233445566778899aabbccddeeff00\"/></game></datafile>",
            (
                2,
                20,
                ParseErrorKind::BadHash { hash: HashKind::Md5, value: "00112233445566778899aabbccddeeff00".into() },
            ),
        ),
        (
            "<datafile><game name=\"g\">\n<rom name=\"r\" size=\"12 MB\"/></game></datafile>",
            (2, 21, ParseErrorKind::BadSize { value: "12 MB".into() }),
        ),
        // An unclosed element: at its start tag.
        (
            "<datafile>\n  <game name=\"g\">\n    <rom name=\"r\"/>\n",
            (2, 3, ParseErrorKind::UnclosedElement { name: "game".into() }),
        ),
        ("<datafile>\n<header><name>x</name>", (2, 1, ParseErrorKind::UnclosedElement { name: "header".into() })),
        (
            "<datafile>\n<game name=\"g\"><description>x",
            (2, 16, ParseErrorKind::UnclosedElement { name: "description".into() }),
        ),
        ("<datafile>", (1, 1, ParseErrorKind::UnclosedElement { name: "datafile".into() })),
        // A bad entity, in text and in an attribute: at its `&`.
        (
            "<datafile><header>\n<name>a &bogus; b</name></header></datafile>",
            (2, 9, ParseErrorKind::UnknownEntity { name: "bogus".into() }),
        ),
        (
            "<datafile>\n<game name=\"a &nbsp; b\"/></datafile>",
            (2, 15, ParseErrorKind::UnknownEntity { name: "nbsp".into() }),
        ),
        (
            "<datafile><header><name>&#0;</name></header></datafile>",
            (1, 25, ParseErrorKind::BadCharReference { reference: "#0".into() }),
        ),
        (
            "<datafile>\n<game name=\"&#xD800;\"/></datafile>",
            (2, 13, ParseErrorKind::BadCharReference { reference: "#xD800".into() }),
        ),
        // Structure.
        ("<?xml version=\"1.0\"?>\n<html></html>", (2, 1, ParseErrorKind::UnexpectedRoot { name: "html".into() })),
        ("<?xml version=\"1.0\"?>\n<!-- nothing -->\n", (3, 1, ParseErrorKind::NoRoot)),
        ("<datafile/>\n<datafile/>", (2, 1, ParseErrorKind::AfterRoot)),
        ("<datafile></datafile>\ntext", (2, 1, ParseErrorKind::AfterRoot)),
    ];
    for (text, expected) in cases {
        assert_eq!(&error(text.as_bytes()), expected, "{text}");
    }
}

#[test]
fn malformed_xml_is_an_error_where_it_goes_wrong() {
    let cases: &[(&str, u32, u32)] = &[
        // A mismatched end tag.
        ("<datafile>\n<game name=\"g\">\n</machine>\n</datafile>", 3, 1),
        // A tag that is never finished.
        ("<datafile>\n<game name=\"g\"", 2, 1),
        // An attribute without quotes, a duplicated attribute.
        ("<datafile>\n<game name=g/></datafile>", 2, 12),
        ("<datafile>\n<game name=\"a\" name=\"b\"/></datafile>", 2, 16),
    ];
    for &(text, line, column) in cases {
        let (l, c, kind) = error(text.as_bytes());
        assert!(matches!(kind, ParseErrorKind::Xml { .. }), "{text}: {kind:?}");
        assert_eq!((l, c), (line, column), "{text}: {kind}");
    }
}

#[test]
fn clrmamepro_errors_with_positions() {
    let cases: &[(&str, (u32, u32, ParseErrorKind))] = &[
        ("game (\n  name g\n  rom ( name r size 1\n", (3, 7, ParseErrorKind::UnclosedParen)),
        ("game (\n  name g\n", (1, 6, ParseErrorKind::UnclosedParen)),
        ("game ( name g )\n)", (2, 1, ParseErrorKind::UnexpectedClose)),
        ("game ( name \"g )\n", (1, 13, ParseErrorKind::UnterminatedString)),
        (
            "game ( name g\n  rom ( name r crc 0123ABCG ) )",
            (2, 20, ParseErrorKind::BadHash { hash: HashKind::Crc32, value: "0123ABCG".into() }),
        ),
        (
            "game ( name g\n  rom ( name r md5 \"abc\" ) )",
            (2, 21, ParseErrorKind::BadHash { hash: HashKind::Md5, value: "abc".into() }),
        ),
        ("game ( name g\n  rom ( name r size -5 ) )", (2, 21, ParseErrorKind::BadSize { value: "-5".into() })),
        ("game ( name g\n  rom ( size 5 ) )", (2, 3, ParseErrorKind::MissingName { element: "rom" })),
        ("\n\ngame ( description d )", (3, 1, ParseErrorKind::MissingName { element: "game" })),
        ("game name g", (1, 6, ParseErrorKind::ExpectedBlock { keyword: "game".into() })),
        ("game ( name g rom r )", (1, 15, ParseErrorKind::ExpectedBlock { keyword: "rom".into() })),
        ("game ( name ( g ) )", (1, 8, ParseErrorKind::ExpectedValue { key: "name".into() })),
        ("game ( name g rom ( name ) )", (1, 21, ParseErrorKind::ExpectedValue { key: "name".into() })),
        ("game ( \"name\" g )", (1, 8, ParseErrorKind::UnexpectedToken { found: "\"name\"".into() })),
        ("game ( name g ) (", (1, 17, ParseErrorKind::UnexpectedToken { found: "(".into() })),
    ];
    for (text, expected) in cases {
        assert_eq!(&error(text.as_bytes()), expected, "{text}");
    }
}

#[test]
fn clrmamepro_nesting_is_capped() {
    let deep = format!("game ( name g x {} )", "( ".repeat(40) + &") ".repeat(40));
    let (line, column, kind) = error(deep.as_bytes());
    assert_eq!(kind, ParseErrorKind::TooDeep { limit: 32 });
    // game is level 1, x's block level 2: the block opening level 33 is the 32nd `(` after x.
    assert_eq!((line, column), (1, 17 + 2 * 31));
    let fine = format!("game ( name g x {} )", "( ".repeat(30) + &") ".repeat(30));
    assert!(parse(fine.as_bytes()).is_ok());
}

#[test]
fn sniffing_needs_content_not_a_name() {
    assert_eq!(error(b"\x80\x37\x12\x40\0\0"), (1, 1, ParseErrorKind::NotADat));
    assert_eq!(error(b"\n  [CREDITS]\nauthor=x"), (2, 3, ParseErrorKind::NotADat));
    assert_eq!(error(b""), (1, 1, ParseErrorKind::NotADat));
    assert_eq!(error(b"<datafile><header><name>caf\xE9</name>"), (1, 28, ParseErrorKind::NotUtf8));
    assert_eq!(
        error(b"\xEF\xBB\xBFgame ( name \"\xFF\" )"),
        (1, 14, ParseErrorKind::NotUtf8),
        "the BOM is not a column"
    );
    let e = parse(b"\xEF\xBB\xBF<datafile/>").unwrap();
    assert_eq!((e.dialect, e.dat), (Dialect::Logiqx, Dat::default()));
    assert_eq!(
        parse(b"nonsense").unwrap_err().to_string(),
        "line 1, column 1: not a DAT file (neither Logiqx XML nor clrmamepro)"
    );
}

#[test]
fn xml_text_and_attribute_values() {
    let text = "<datafile><header>\n\t<name>\n\t\t  Spaced &#32;name&#9;\n\t</name>\n\t<comment><![CDATA[ <raw> ]]></comment>\n\t<author>a\r\nb</author>\n</header>\n\
                <game name=\"tab&#9;and\tnewline\r\nend &amp; &lt;&gt;&quot;&apos;\"><description/></game></datafile>";
    let dat = parse(text.as_bytes()).unwrap().dat;
    assert_eq!(dat.header.name, "Spaced  name\t", "literal white space trimmed, references kept");
    assert_eq!(dat.header.comment.as_deref(), Some(" <raw> "), "CDATA is kept as is");
    assert_eq!(dat.header.author.as_deref(), Some("a\nb"), "CR LF in text is LF");
    assert_eq!(dat.games[0].name, "tab\tand newline end & <>\"'", "attribute values are normalised");
    assert_eq!(dat.games[0].description.as_deref(), Some(""), "an empty element is an empty value");
}

#[test]
fn sizes_and_hashes_in_their_accepted_forms() {
    let text = "<datafile><game name=\"g\">\
                <rom name=\"a\" size=\" 0x10 \" crc=\" ABCDEF01 \"/>\
                <rom name=\"b\" size=\"0010\" crc=\"\" md5=\"\"/>\
                </game></datafile>";
    let roms = &parse(text.as_bytes()).unwrap().dat.games[0].roms;
    assert_eq!((roms[0].size, roms[0].crc32), (Some(16), Some(0xABCD_EF01)));
    assert_eq!(
        (roms[1].size, roms[1].crc32, roms[1].md5),
        (Some(10), None, None),
        "leading zeros are decimal, empty is none"
    );
}

#[test]
fn games_of_the_same_name_are_two_entries() {
    let text = "<datafile><game name=\"Same\"><rom name=\"Same.z64\" size=\"4\" crc=\"00000001\"/></game>\
                <game name=\"Same\"><rom name=\"Same.v64\" size=\"4\" crc=\"00000002\"/></game></datafile>";
    let dat = parse(text.as_bytes()).unwrap().dat;
    assert_eq!(dat.games.len(), 2);
    assert_eq!(dat.games[0].name, dat.games[1].name);
}

#[test]
fn warnings_are_capped() {
    let mut text = String::from("game ( name g ");
    for i in 0..1500 {
        writeln!(text, "odd{i} x").unwrap();
    }
    text.push(')');
    let parsed = parse(text.as_bytes()).unwrap();
    assert_eq!(parsed.warnings.len(), 1001);
    let last = parsed.warnings.last().unwrap();
    assert_eq!((last.line, last.column, &last.kind), (1001, 1, &WarningKind::MoreWarnings { count: 500 }));
}
