//! Throughput of the two kernels, each beside its reference in the same run:
//! - the check code per CIC kind, beside the `ipl3checksum` crate on the same 0x101000-byte buffer;
//! - byte-order conversion of 64 MiB, beside a plain copy of the same buffer.
//!
//! Run: `cargo bench -p n64-core --bench kernels`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use n64_core::{ByteOrder, CicKind, check_code, convert};

fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    n64_testkit::Rng(seed).bytes(len)
}

fn check_code_kernel(c: &mut Criterion) {
    let rom = pseudo_random(check_code::CHECK_PREFIX_LEN, 0x5EED);
    let kinds = [
        (CicKind::Cic6102, ipl3checksum::CICKind::CIC_6102_7101),
        (CicKind::Cic6103, ipl3checksum::CICKind::CIC_X103),
        (CicKind::Cic6105, ipl3checksum::CICKind::CIC_X105),
        (CicKind::Cic6106, ipl3checksum::CICKind::CIC_X106),
        (CicKind::Cic5101, ipl3checksum::CICKind::CIC_5101),
    ];
    let mut group = c.benchmark_group("check_code");
    group.throughput(Throughput::Bytes(check_code::DATA_LEN as u64));
    for (ours, theirs) in kinds {
        group.bench_function(format!("n64-core/{}", ours.name()), |b| {
            b.iter(|| check_code::compute(black_box(&rom), ByteOrder::Z64, ours).unwrap());
        });
        group.bench_function(format!("ipl3checksum/{}", ours.name()), |b| {
            b.iter(|| ipl3checksum::calculate_checksum(black_box(&rom), theirs).unwrap());
        });
    }
    let mut swapped = rom.clone();
    convert(&mut swapped, ByteOrder::Z64, ByteOrder::N64).unwrap();
    group.bench_function("n64-core/6102-from-n64-order", |b| {
        b.iter(|| check_code::compute(black_box(&swapped), ByteOrder::N64, CicKind::Cic6102).unwrap());
    });
    group.finish();
}

fn conversion_kernel(c: &mut Criterion) {
    const LEN: usize = 64 << 20;
    let source = pseudo_random(LEN, 0x00C0_FFEE);
    let mut buffer = source.clone();
    let mut group = c.benchmark_group("convert_64MiB");
    group.throughput(Throughput::Bytes(LEN as u64));
    group.sample_size(20);
    group.bench_function("plain_copy", |b| b.iter(|| buffer.copy_from_slice(black_box(&source))));
    for (from, to) in
        [(ByteOrder::V64, ByteOrder::Z64), (ByteOrder::N64, ByteOrder::Z64), (ByteOrder::V64, ByteOrder::N64)]
    {
        group.bench_function(format!("{from}_to_{to}_in_place"), |b| {
            b.iter(|| convert(black_box(&mut buffer), from, to).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, check_code_kernel, conversion_kernel, ipl2_kernel);
criterion_main!(benches);

fn ipl2_kernel(c: &mut Criterion) {
    let boot = pseudo_random(n64_core::BOOT_CODE_LEN, 0x1B12);
    let mut words = [0u32; n64_core::BOOT_CODE_LEN / 4];
    for (w, b) in words.iter_mut().zip(boot.chunks_exact(4)) {
        *w = u32::from_be_bytes(b.try_into().unwrap());
    }
    let mut group = c.benchmark_group("ipl2");
    group.throughput(Throughput::Bytes(n64_core::BOOT_CODE_LEN as u64));
    group.bench_function("checksum_one_seed", |b| b.iter(|| n64_core::ipl2::checksum(black_box(&words), 0x3F)));
    let boot: [u8; n64_core::BOOT_CODE_LEN] = boot.try_into().unwrap();
    group.bench_function("identify_unknown_boot_code", |b| b.iter(|| n64_core::BootCode::identify(black_box(&boot))));
    group.finish();
}
