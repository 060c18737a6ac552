//! Decompression throughput of Yaz0, Yay0 and MIO0, each beside crunch64's decoder on the same
//! blocks (made by crunch64's encoder from 1 MiB of ROM-like data and 2 and 4 MiB of more repetitive
//! data: crunch64's Yay0 and MIO0 encoders panic past 512 Ki tokens), in bytes of output.
//!
//! Run: `cargo bench -p n64-assets --bench codecs`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use n64_assets::codec::{Codec, Limits, decode};

#[path = "../tests/common/mod.rs"]
mod common;

fn codecs(c: &mut Criterion) {
    let limits = Limits { max_decoded: 4 << 20 };
    for codec in Codec::ALL {
        let mut group = c.benchmark_group(codec.name());
        group.sample_size(20);
        let inputs = [
            ("rom-like-1MiB", common::rom_like(1 << 20, 1)),
            ("repetitive-2MiB", common::repetitive(2 << 20, 2)),
            ("repetitive-4MiB", common::repetitive(4 << 20, 3)),
        ];
        for (name, data) in inputs {
            let len = data.len();
            let block = common::compress(codec, &data);
            assert_eq!(decode(codec, &block, &limits).unwrap().data, data);
            group.throughput(Throughput::Bytes(u64::try_from(len).unwrap()));
            group.bench_function(format!("n64-assets/{name}"), |b| {
                b.iter(|| decode(codec, black_box(&block), &limits).unwrap());
            });
            group.bench_function(format!("crunch64/{name}"), |b| {
                b.iter(|| common::crunch64_decompress(codec, black_box(&block)));
            });
        }
        group.finish();
    }
}

criterion_group!(benches, codecs);
criterion_main!(benches);
