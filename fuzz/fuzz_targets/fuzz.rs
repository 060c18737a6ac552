//! One AFL++ binary for every target: `N64_FUZZ_TARGET=header cargo afl fuzz ... target/release/fuzz`.

fn main() {
    let name = std::env::var("N64_FUZZ_TARGET").unwrap_or_else(|_| "inspect".to_owned());
    let Some(target) = n64_fuzz::find(&name) else {
        panic!("unknown N64_FUZZ_TARGET {name:?}");
    };
    afl::fuzz!(|data: &[u8]| target(data));
}
