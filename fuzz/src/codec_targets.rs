//! Fuzz targets for n64-assets' codecs (replayed by
//! `crates/n64-assets/tests/fuzz_corpus_codec.rs`).

use n64_assets::codec::{self, Codec, HEADER_LEN, Limits};

/// A fuzz target: takes arbitrary bytes, panics when an invariant fails.
pub type Target = fn(&[u8]);

/// The targets by name.
pub const TARGETS: [(&str, Target); 3] = [("yaz0", yaz0), ("yay0", yay0), ("mio0", mio0)];

/// Decodes the input as a Yaz0 block (magic prepended); see [`check`].
pub fn yaz0(data: &[u8]) {
    check(Codec::Yaz0, data);
}

/// Decodes the input as a Yay0 block (magic prepended); see [`check`].
pub fn yay0(data: &[u8]) {
    check(Codec::Yay0, data);
}

/// Decodes the input as a MIO0 block (magic prepended); see [`check`].
pub fn mio0(data: &[u8]) {
    check(Codec::Mio0, data);
}

/// Invariants: no panic; `header` refuses exactly what `decode` refuses before decoding (same
/// error); a decoded block has the declared size and `0x10 < consumed <= input length`; the first
/// `consumed` bytes alone decode to the same block; every error displays.
fn check(codec: Codec, data: &[u8]) {
    let input = [&codec.magic()[..], data].concat();
    let limits = Limits::default();
    let header = codec::header(codec, &input, &limits);
    let decoded = codec::decode(codec, &input, &limits);
    match (&header, &decoded) {
        (Err(refused), Err(failed)) => assert_eq!(refused, failed, "header and decode disagree"),
        (Err(refused), Ok(_)) => panic!("header refused ({refused}) a block that decodes"),
        (Ok(_), _) => {}
    }
    match decoded {
        Ok(block) => {
            let header = header.expect("checked above");
            assert_eq!(block.data.len(), header.decoded_size, "decoded size");
            assert!(block.consumed > HEADER_LEN && block.consumed <= input.len(), "consumed {}", block.consumed);
            let alone = codec::decode(codec, &input[..block.consumed], &limits);
            assert_eq!(alone.as_ref(), Ok(&block), "the consumed bytes alone decode differently");
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
}
