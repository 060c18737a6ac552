//! The codecs against crunch64 (the field's codec crate, an independent implementation): its
//! encoder makes the blocks, our decoder must give the input back byte for byte and agree with
//! crunch64's own decoder; hostile input must give the right error, never a panic. Hand-built
//! blocks follow the published layouts (research notes B.1; YAGCD chapter 16 for Yay0).

mod common;

use std::time::{Duration, Instant};

use n64_assets::codec::{Area, Codec, Decoded, Error, HEADER_LEN, Limits, Tables, decode, header};
use n64_testkit::Rng;
use proptest::prelude::*;

fn limits() -> Limits {
    Limits::default()
}

/// Compresses with crunch64, decodes with us and with crunch64: all three must agree, and the
/// block must be consumed whole (crunch64 adds no padding after the last byte it writes).
fn round_trip(codec: Codec, data: &[u8]) -> Vec<u8> {
    let block = common::compress(codec, data);
    let decoded = decode(codec, &block, &limits()).unwrap_or_else(|e| panic!("{codec}, {} bytes: {e}", data.len()));
    assert!(decoded.data == data, "{codec}: {} bytes decode differently", data.len());
    assert_eq!(decoded.consumed, block.len(), "{codec}: consumed");
    assert!(common::crunch64_decompress(codec, &block) == data, "{codec}: crunch64 disagrees");
    block
}

fn low_entropy(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    (0..len).map(|_| b"ab\0\xFF"[common::below(&mut rng, 4)]).collect()
}

fn pattern(len: usize, period: &[u8]) -> Vec<u8> {
    period.iter().copied().cycle().take(len).collect()
}

#[test]
fn round_trips_fixed_inputs() {
    for codec in Codec::ALL {
        // Tiny inputs: a single literal, literals only, one reference of each length form.
        for len in [1u16, 2, 3, 4, 17, 18, 19, 0x111, 0x112, 0x113, 1000] {
            round_trip(codec, &pattern(usize::from(len), b"z"));
            round_trip(codec, &Rng(u64::from(len)).bytes(usize::from(len)));
        }
        round_trip(codec, b"the quick brown fox jumps over the lazy dog; the lazy dog sleeps");
        // Random bytes are all literals: crunch64's Yay0 and MIO0 encoders hold at most 512 Ki
        // tokens (they panic past that), so 400 KiB.
        round_trip(codec, &Rng(1).bytes(400 << 10));
        round_trip(codec, &low_entropy(1 << 20, 2));
        round_trip(codec, &common::rom_like(1 << 20, 3));
        round_trip(codec, &common::repetitive(3 << 20, 4));
        round_trip(codec, &pattern(3 << 20, b"\0"));
        round_trip(codec, &pattern(2 << 20, b"0123456789abcdefghij"));
    }
}

#[test]
fn an_empty_input_is_refused() {
    // crunch64 writes a header declaring 0 bytes; no game stores one, and a scanner must not
    // count it: refused.
    for codec in Codec::ALL {
        let block = common::compress(codec, b"");
        assert_eq!(decode(codec, &block, &limits()), Err(Error::SizeZero { codec }));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn round_trips_arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 1..4096)) {
        for codec in Codec::ALL {
            round_trip(codec, &data);
        }
    }

    #[test]
    fn round_trips_few_symbols(data in prop::collection::vec(0u8..3, 1..8192)) {
        for codec in Codec::ALL {
            round_trip(codec, &data);
        }
    }

    #[test]
    fn round_trips_repeats(period in prop::collection::vec(any::<u8>(), 1..40), len in 1usize..20_000) {
        for codec in Codec::ALL {
            round_trip(codec, &pattern(len, &period));
        }
    }

    #[test]
    fn round_trips_rom_like(seed in any::<u64>(), len in 1usize..50_000) {
        for codec in Codec::ALL {
            round_trip(codec, &common::rom_like(len, seed));
        }
    }

    /// A block inside a ROM: anything before it is skipped by the caller, anything after it is
    /// never used (same data, same consumed length).
    #[test]
    fn embedded_blocks_decode_the_same(seed in any::<u64>(), len in 1usize..20_000, after in 0usize..600) {
        let mut rng = Rng(seed);
        let data = common::rom_like(len, seed);
        for codec in Codec::ALL {
            let block = common::compress(codec, &data);
            let before = common::below(&mut rng, 300);
            let rom = [rng.bytes(before), block.clone(), rng.bytes(after)].concat();
            let decoded = decode(codec, &rom[before..], &limits()).unwrap();
            prop_assert!(decoded.data == data);
            prop_assert_eq!(decoded.consumed, block.len());
        }
    }
}

#[test]
fn embedded_big_block_followed_by_the_rest_of_a_rom() {
    let data = common::rom_like(1 << 20, 9);
    let tail = Rng(10).bytes(4 << 20);
    for codec in Codec::ALL {
        let block = common::compress(codec, &data);
        let rom = [&Rng(11).bytes(0x1234)[..], &block, &tail].concat();
        let decoded = decode(codec, &rom[0x1234..], &limits()).unwrap();
        assert!(decoded.data == data);
        assert_eq!(decoded.consumed, block.len());
    }
}

/// Every prefix shorter than the block fails (they cannot hold all the stream); for long blocks,
/// a sample of prefixes, with all of the last 64.
#[test]
fn every_prefix_is_an_error() {
    let inputs = [b"abcabcabcabcabcabcabcabcabc xyz".to_vec(), common::rom_like(3000, 5), common::rom_like(200_000, 6)];
    for codec in Codec::ALL {
        for data in &inputs {
            let block = common::compress(codec, data);
            let step = (block.len() / 2000).max(1);
            let cuts = (0..block.len()).step_by(step).chain(block.len().saturating_sub(64)..block.len());
            for cut in cuts {
                let err = decode(codec, &block[..cut], &limits()).expect_err("a prefix decodes");
                match err {
                    Error::HeaderTooShort { found, .. } => assert_eq!(found, cut),
                    Error::Truncated { offset, produced, size, .. } => {
                        assert!(offset <= cut && produced < size, "{err}");
                    }
                    Error::SizeImpossible { .. } | Error::OffsetPastInput { .. } => {}
                    other => panic!("{codec}, prefix {cut:#x}: {other}"),
                }
                assert!(!err.to_string().is_empty());
            }
        }
    }
}

/// Header fields set by hand on a block crunch64 made.
fn with_word(mut block: Vec<u8>, at: usize, value: u32) -> Vec<u8> {
    block[at..at + 4].copy_from_slice(&value.to_be_bytes());
    block
}

#[test]
fn a_huge_declared_size_is_refused_before_allocating() {
    let block = common::compress(Codec::Yaz0, b"some bytes some bytes");
    for codec in Codec::ALL {
        let block = with_word(common::compress(codec, &block), 4, 0xFFFF_FFFF);
        let started = Instant::now();
        let err = decode(codec, &block, &limits()).unwrap_err();
        assert_eq!(err, Error::SizeOverLimit { codec, size: 0xFFFF_FFFF, limit: 8 << 20 });
        assert!(err.to_string().contains("0xffffffff"), "{err}");
        // With no limit at all, what the input can produce refuses it just as quickly.
        let err = decode(codec, &block, &Limits { max_decoded: usize::MAX }).unwrap_err();
        assert!(matches!(err, Error::SizeImpossible { size: 0xFFFF_FFFF, .. }), "{err}");
        assert!(err.to_string().contains("0xffffffff"), "{err}");
        // A 4 GiB allocation and its page faults would take far longer.
        assert!(started.elapsed() < Duration::from_millis(50), "{:?}", started.elapsed());
    }
}

#[test]
fn declared_sizes_at_the_expansion_bound() {
    // Yaz0, 25 stream bytes: a code byte and eight 3-byte references produce at most 8 * 273.
    let mut block = b"Yaz0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec();
    block.resize(HEADER_LEN + 25, 0);
    let max = 8 * 0x111;
    let block = with_word(block, 4, max + 1);
    assert_eq!(
        header(Codec::Yaz0, &block, &limits()),
        Err(Error::SizeImpossible {
            codec: Codec::Yaz0,
            size: usize::try_from(max).unwrap() + 1,
            available: 25,
            max: u64::from(max)
        })
    );
    let block = with_word(block, 4, max);
    assert!(header(Codec::Yaz0, &block, &limits()).is_ok());
    // A real block at a high ratio (3 MiB of zeros) is accepted: crunch64 makes it, we decode it.
    let zeros = common::compress(Codec::Yaz0, &vec![0; 3 << 20]);
    assert!(zeros.len() * 87 < 3 << 20);
    assert_eq!(decode(Codec::Yaz0, &zeros, &limits()).unwrap().data.len(), 3 << 20);

    // MIO0 with one mask word (32 bits), two links, no chunk bytes: at most 2 * 18 bytes.
    let block = b"MIO0\0\0\0\x25\0\0\0\x14\0\0\0\x18\0\0\0\0\0\0\0\0".to_vec();
    let err = header(Codec::Mio0, &block, &limits()).unwrap_err();
    assert_eq!(err, Error::SizeImpossible { codec: Codec::Mio0, size: 0x25, available: 8, max: 36 });
    // Yay0, same layout with one chunk byte: one long reference (273) and one short (17).
    let block = with_word(b"Yay0\0\0\0\0\0\0\0\x14\0\0\0\x18\0\0\0\0\0\0\0\0\0".to_vec(), 4, 291);
    assert!(matches!(header(Codec::Yay0, &block, &limits()), Err(Error::SizeImpossible { max: 290, .. })));
}

#[test]
fn references_before_the_start() {
    // Yaz0: the first token is a reference (code bit 0): distance 1 with nothing produced.
    let block = b"Yaz0\0\0\0\x10\0\0\0\0\0\0\0\0\x00\x10\x00".to_vec();
    assert_eq!(
        decode(Codec::Yaz0, &block, &limits()),
        Err(Error::ReferenceBeforeStart { codec: Codec::Yaz0, offset: 0x11, distance: 1, produced: 0 })
    );
    // Yaz0: two literals, then distance 3 (b1 = 0x10 | 0, b2 = 2): one byte too far back.
    let block = b"Yaz0\0\0\0\x10\0\0\0\0\0\0\0\0\xC0ab\x10\x02".to_vec();
    assert_eq!(
        decode(Codec::Yaz0, &block, &limits()),
        Err(Error::ReferenceBeforeStart { codec: Codec::Yaz0, offset: 0x13, distance: 3, produced: 2 })
    );
    // The same in blocks large enough for the decoder's whole-group path (declared 0x1000
    // bytes, 64 stream bytes): a reference first, and a literal then distance 2.
    let mut block = b"Yaz0\0\0\x10\0\0\0\0\0\0\0\0\0\x00\x10\x00".to_vec();
    block.resize(HEADER_LEN + 64, 0);
    assert_eq!(
        decode(Codec::Yaz0, &block, &limits()),
        Err(Error::ReferenceBeforeStart { codec: Codec::Yaz0, offset: 0x11, distance: 1, produced: 0 })
    );
    let mut block = b"Yaz0\0\0\x10\0\0\0\0\0\0\0\0\0\x80a\x10\x01".to_vec();
    block.resize(HEADER_LEN + 64, 0);
    assert_eq!(
        decode(Codec::Yaz0, &block, &limits()),
        Err(Error::ReferenceBeforeStart { codec: Codec::Yaz0, offset: 0x12, distance: 2, produced: 1 })
    );
    // Yay0 and MIO0, size 4: a literal, then a link of distance 0x1000 (link 0x1FFF), read at 0x14.
    for codec in [Codec::Yay0, Codec::Mio0] {
        let mut block = codec.magic().to_vec();
        block.extend_from_slice(b"\0\0\0\x04\0\0\0\x14\0\0\0\x16\x80\0\0\0\x1F\xFFa");
        assert_eq!(
            decode(codec, &block, &limits()),
            Err(Error::ReferenceBeforeStart { codec, offset: 0x14, distance: 0x1000, produced: 1 })
        );
    }
}

#[test]
fn references_past_the_declared_size() {
    // Yaz0, size 4: a literal, then distance 1 length 5 (b1 = 0x30): 1 + 5 > 4.
    let block = b"Yaz0\0\0\0\x04\0\0\0\0\0\0\0\0\x80a\x30\x00".to_vec();
    assert_eq!(
        decode(Codec::Yaz0, &block, &limits()),
        Err(Error::Overrun { codec: Codec::Yaz0, offset: 0x12, length: 5, produced: 1, size: 4 })
    );
    // MIO0, size 3: a literal, then the shortest link (length 3).
    let block = b"MIO0\0\0\0\x03\0\0\0\x14\0\0\0\x16\x80\0\0\0\0\0a".to_vec();
    assert_eq!(
        decode(Codec::Mio0, &block, &limits()),
        Err(Error::Overrun { codec: Codec::Mio0, offset: 0x14, length: 3, produced: 1, size: 3 })
    );
}

#[test]
fn truncated_streams_say_where() {
    // Yay0, size 20: a literal, then a link whose length is in the chunk area (link 0x0000), but
    // the chunk area ends after the literal.
    let block = b"Yay0\0\0\0\x14\0\0\0\x14\0\0\0\x16\x80\0\0\0\0\0a".to_vec();
    assert_eq!(
        decode(Codec::Yay0, &block, &limits()),
        Err(Error::Truncated { codec: Codec::Yay0, area: Area::Chunks, offset: 0x17, produced: 1, size: 20 })
    );
    // MIO0: a literal then a link, but the link table is empty (link == chunk).
    let block = b"MIO0\0\0\0\x04\0\0\0\x14\0\0\0\x14\x80\0\0\0abcdefgh".to_vec();
    assert_eq!(
        decode(Codec::Mio0, &block, &limits()),
        Err(Error::Truncated { codec: Codec::Mio0, area: Area::Links, offset: 0x14, produced: 1, size: 4 })
    );
    // MIO0, size 35: 31 literals and a link (34 bytes) use up the one mask word before the link
    // table; the 35th byte needs a second word.
    let mut block = b"MIO0\0\0\0\x23\0\0\0\x14\0\0\0\x16\xFF\xFF\xFF\xFE\0\0".to_vec();
    block.extend_from_slice(&[b'x'; 31]);
    assert_eq!(
        decode(Codec::Mio0, &block, &limits()),
        Err(Error::Truncated { codec: Codec::Mio0, area: Area::Masks, offset: 0x14, produced: 34, size: 35 })
    );
    // Yaz0: a literal run cut short by the end of the input (the 3 bytes could have been one
    // long reference, so the size is possible).
    let block = b"Yaz0\0\0\0\x08\0\0\0\0\0\0\0\0\xFFabc".to_vec();
    assert_eq!(
        decode(Codec::Yaz0, &block, &limits()),
        Err(Error::Truncated { codec: Codec::Yaz0, area: Area::Stream, offset: 0x14, produced: 3, size: 8 })
    );
    // Yaz0: seven literals, then a reference with no bytes left.
    let block = b"Yaz0\0\0\0\x08\0\0\0\0\0\0\0\0\xFEabcdefg".to_vec();
    assert_eq!(
        decode(Codec::Yaz0, &block, &limits()),
        Err(Error::Truncated { codec: Codec::Yaz0, area: Area::Stream, offset: 0x18, produced: 7, size: 8 })
    );
}

#[test]
fn header_checks() {
    let yaz0 = common::compress(Codec::Yaz0, b"hello hello hello");
    assert_eq!(header(Codec::Yaz0, &yaz0[..3], &limits()), Err(Error::HeaderTooShort { codec: Codec::Yaz0, found: 3 }));
    assert_eq!(
        header(Codec::Yaz0, &yaz0[..15], &limits()),
        Err(Error::HeaderTooShort { codec: Codec::Yaz0, found: 15 })
    );
    assert_eq!(header(Codec::Yay0, &yaz0, &limits()), Err(Error::BadMagic { codec: Codec::Yay0, found: 0x5961_7A30 }));
    // GameCube-style alignment at 0x08: refused (an N64 block has zeros there).
    let aligned = with_word(yaz0.clone(), 8, 0x80);
    assert_eq!(decode(Codec::Yaz0, &aligned, &limits()), Err(Error::Yaz0Reserved { found: 0x80_0000_0000 }));
    assert_eq!(
        header(Codec::Yaz0, &yaz0, &limits()),
        Ok(n64_assets::codec::Header { codec: Codec::Yaz0, decoded_size: 17, tables: None })
    );
    // A lower limit.
    assert_eq!(
        decode(Codec::Yaz0, &yaz0, &Limits { max_decoded: 16 }),
        Err(Error::SizeOverLimit { codec: Codec::Yaz0, size: 17, limit: 16 })
    );
}

#[test]
fn link_and_chunk_offsets_out_of_order() {
    for codec in [Codec::Yay0, Codec::Mio0] {
        let block = common::compress(codec, b"hello hello hello hello hello");
        let good = header(codec, &block, &limits()).unwrap();
        let Some(Tables { link, chunk }) = good.tables else { panic!("no tables") };
        let link32 = u32::try_from(link).unwrap();
        let chunk32 = u32::try_from(chunk).unwrap();
        let cases = [
            (with_word(block.clone(), 8, 0x0C), Error::OffsetsOutOfOrder { codec, link: 0x0C, chunk }),
            (with_word(block.clone(), 8, chunk32 + 4), Error::OffsetsOutOfOrder { codec, link: chunk + 4, chunk }),
            (with_word(block.clone(), 8, link32 + 2), Error::LinkMisaligned { codec, link: link + 2 }),
            (
                with_word(block.clone(), 12, 0x1_0000),
                Error::OffsetPastInput { codec, chunk: 0x1_0000, len: block.len() },
            ),
            (with_word(block.clone(), 12, link32 - 4), Error::OffsetsOutOfOrder { codec, link, chunk: link - 4 }),
        ];
        for (bad, expected) in cases {
            assert_eq!(header(codec, &bad, &limits()), Err(expected.clone()));
            assert_eq!(decode(codec, &bad, &limits()), Err(expected));
        }
    }
}

/// Checks what the fuzz targets check, on one input.
fn check_invariants(codec: Codec, input: &[u8]) -> Option<Decoded> {
    let head = header(codec, input, &limits());
    let decoded = decode(codec, input, &limits());
    if let Err(refused) = &head {
        assert_eq!(decoded.as_ref(), Err(refused));
    }
    let decoded = decoded.ok()?;
    assert_eq!(decoded.data.len(), head.unwrap().decoded_size);
    assert!(decoded.consumed > HEADER_LEN && decoded.consumed <= input.len());
    assert_eq!(decode(codec, &input[..decoded.consumed], &limits()).as_ref(), Ok(&decoded));
    Some(decoded)
}

#[test]
fn random_bytes_after_a_magic() {
    let mut rng = Rng(0x000C_0DEC);
    for codec in Codec::ALL {
        let mut ok = 0;
        for case in 0..10_000 {
            let len = common::below(&mut rng, 600);
            let mut input = [&codec.magic()[..], &rng.bytes(len)].concat();
            // Half the cases get a plausible header, so the bitstream is reached.
            if case % 2 == 0 && input.len() >= HEADER_LEN {
                let size = 1 + u32::from(common::byte(&mut rng)) * 16;
                input[4..8].copy_from_slice(&size.to_be_bytes());
                if codec == Codec::Yaz0 {
                    input[8..16].fill(0);
                } else {
                    let link = 0x10 + 4 * u32::from(common::byte(&mut rng) & 7);
                    let chunk = link + u32::from(common::byte(&mut rng) & 63);
                    input[8..12].copy_from_slice(&link.to_be_bytes());
                    input[12..16].copy_from_slice(&chunk.to_be_bytes());
                }
            }
            ok += usize::from(check_invariants(codec, &input).is_some());
        }
        eprintln!("{codec}: {ok} of 10000 random inputs decode");
    }
}

#[test]
fn random_damage_to_valid_blocks() {
    let mut rng = Rng(0x00DA_4A6E);
    let data = common::rom_like(5000, 12);
    for codec in Codec::ALL {
        let block = common::compress(codec, &data);
        for _ in 0..3000 {
            let mut bad = block.clone();
            for _ in 0..=rng.below(4) {
                let at = HEADER_LEN + common::below(&mut rng, bad.len() - HEADER_LEN);
                bad[at] = common::byte(&mut rng);
            }
            check_invariants(codec, &bad);
        }
    }
}

/// The fuzzers' seeds (fuzz/corpus/{yaz0,yay0,mio0}/seed-*): small crunch64 blocks without their
/// magic, which each target prepends. Each must round-trip through our decoder and crunch64's;
/// with `N64_WRITE_FUZZ_SEEDS=1` (`cargo xtask fuzz-seeds`) they are also written to the corpus.
#[test]
fn fuzz_seeds_round_trip() {
    let inputs: [(&str, Vec<u8>); 5] = [
        ("text", b"the quick brown fox jumps over the lazy dog; the lazy dog sleeps".to_vec()),
        ("zeros", vec![0; 300]),
        ("rom-like", common::rom_like(400, 7)),
        ("random", Rng(11).bytes(48)),
        ("long-run", [&b"abc"[..], &[b'x'; 600][..], b"abcabcabc"].concat()),
    ];
    let blocks: Vec<(Codec, &str, Vec<u8>)> = Codec::ALL
        .iter()
        .flat_map(|&codec| inputs.iter().map(move |(name, data)| (codec, *name, round_trip(codec, data))))
        .collect();
    assert_eq!(blocks.len(), 15);
    if std::env::var_os("N64_WRITE_FUZZ_SEEDS").is_none() {
        return;
    }
    // The package directory cargo runs the test in (read at run time: a build shared between
    // worktrees may carry another worktree's path in compile-time constants).
    let package = std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo");
    let root = std::path::Path::new(&package).join("../../fuzz/corpus");
    for (codec, name, block) in &blocks {
        let dir = root.join(codec.name().to_ascii_lowercase());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{name}")), &block[4..]).unwrap();
    }
}
