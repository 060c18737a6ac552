//! One AFL++ binary for every target: `N64_FUZZ_TARGET=header cargo afl fuzz ... target/release/fuzz`.

fn main() {
    let name = std::env::var("N64_FUZZ_TARGET").unwrap_or_else(|_| "inspect".to_owned());
    let Some(&(_, target)) = n64_fuzz::TARGETS.iter().find(|(n, _)| *n == name) else {
        panic!("unknown N64_FUZZ_TARGET {name:?}");
    };
    afl::fuzz!(|data: &[u8]| target(data));
}
