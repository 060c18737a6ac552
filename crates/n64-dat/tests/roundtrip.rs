//! The fixdat writer: its exact output for a small DAT (written out by hand), and
//! `parse(to_logiqx(dat)) == dat` for arbitrary DATs (proptest).

use n64_dat::{Dat, DatHeader, Dialect, DumpStatus, Game, Rom, parse, to_logiqx};
use proptest::prelude::*;

#[test]
fn the_document_as_written() {
    let dat = Dat {
        header: DatHeader {
            name: "Set (BigEndian) fixdat".into(),
            version: Some("20261201-120000".into()),
            comment: Some(" a < b ".into()),
            ..DatHeader::default()
        },
        games: vec![Game {
            name: "Tom & \"Jerry\"".into(),
            id: Some("0007".into()),
            description: Some("Tom & \"Jerry\"".into()),
            serials: vec!["NTJE".into()],
            roms: vec![Rom {
                name: "Tom & \"Jerry\".z64".into(),
                size: Some(4096),
                crc32: Some(0x0123_ABCD),
                md5: Some([0xAB; 16]),
                status: DumpStatus::BadDump,
                mia: true,
                ..Rom::default()
            }],
            ..Game::default()
        }],
    };
    let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE datafile PUBLIC "-//Logiqx//DTD ROM Management Datafile//EN" "http://www.logiqx.com/Dats/datafile.dtd">
<datafile>
	<header>
		<name>Set (BigEndian) fixdat</name>
		<version>20261201-120000</version>
		<comment>&#32;a &lt; b&#32;</comment>
	</header>
	<game name="Tom &amp; &quot;Jerry&quot;" id="0007">
		<description>Tom &amp; "Jerry"</description>
		<serial>NTJE</serial>
		<rom name="Tom &amp; &quot;Jerry&quot;.z64" size="4096" crc="0123abcd" md5="abababababababababababababababab" status="baddump" mia="yes"/>
	</game>
</datafile>
"#;
    assert_eq!(to_logiqx(&dat), expected);
    let back = parse(expected.as_bytes()).unwrap();
    assert_eq!((back.dat, back.dialect, back.warnings), (dat, Dialect::Logiqx, vec![]));
}

#[test]
fn characters_xml_cannot_carry_become_replacement_characters() {
    let dat = Dat {
        header: DatHeader { name: "a\u{1}b\u{FFFE}".into(), ..DatHeader::default() },
        games: vec![Game { name: "\u{0}".into(), ..Game::default() }],
    };
    let back = parse(to_logiqx(&dat).as_bytes()).unwrap().dat;
    assert_eq!(back.header.name, "a\u{FFFD}b\u{FFFD}");
    assert_eq!(back.games[0].name, "\u{FFFD}");
}

#[test]
fn an_empty_dat() {
    let back = parse(to_logiqx(&Dat::default()).as_bytes()).unwrap();
    assert_eq!(back.dat, Dat::default());
    assert_eq!(back.warnings, []);
}

/// Strings with markup characters, white space of every kind (at the ends too), parentheses and
/// non-ASCII; never a character XML 1.0 cannot carry.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 &<>\"'();#\\]\t\n\r\u{a0}é漢\u{3000}🎮]{0,10}"
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn status() -> impl Strategy<Value = DumpStatus> {
    prop_oneof![Just(DumpStatus::Good), Just(DumpStatus::Verified), Just(DumpStatus::BadDump), Just(DumpStatus::NoDump)]
}

prop_compose! {
    fn rom()(
        name in text(),
        size in proptest::option::of(any::<u64>()),
        crc32 in proptest::option::of(any::<u32>()),
        md5 in proptest::option::of(any::<[u8; 16]>()),
        sha1 in proptest::option::of(any::<[u8; 20]>()),
        sha256 in proptest::option::of(any::<[u8; 32]>()),
        status in status(),
        serial in opt_text(),
        header in opt_text(),
        mia in any::<bool>(),
    ) -> Rom {
        Rom { name, size, crc32, md5, sha1, sha256, status, serial, header, mia }
    }
}

prop_compose! {
    fn game()(
        name in text(),
        description in opt_text(),
        id in opt_text(),
        cloneof in opt_text(),
        cloneofid in opt_text(),
        serials in proptest::collection::vec(text(), 0..3),
        roms in proptest::collection::vec(rom(), 0..3),
    ) -> Game {
        Game { name, description, id, cloneof, cloneofid, serials, roms }
    }
}

prop_compose! {
    fn dat()(
        name in text(),
        fields in proptest::collection::vec(opt_text(), 7),
        games in proptest::collection::vec(game(), 0..4),
    ) -> Dat {
        let mut f = fields.into_iter();
        let mut next = || f.next().flatten();
        let header = DatHeader {
            name,
            description: next(),
            version: next(),
            date: next(),
            author: next(),
            homepage: next(),
            url: next(),
            comment: next(),
        };
        Dat { header, games }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn written_dats_read_back_equal(dat in dat()) {
        let xml = to_logiqx(&dat);
        let back = parse(xml.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
        prop_assert_eq!(&back.dat, &dat, "{}", xml);
        prop_assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    }

    #[test]
    fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn parse_never_panics_on_near_dats(
        prefix in prop_oneof![Just("<datafile>"), Just("game ( name g "), Just("<datafile><game name=\"g\">")],
        body in "[<>/=\"'&;#()a-z0-9 \n\\\\]{0,80}",
    ) {
        let _ = parse(format!("{prefix}{body}").as_bytes());
    }
}
