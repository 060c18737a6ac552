#!/usr/bin/env bash
# Runs every fuzz target under AFL++ (cargo-afl, stable toolchain) for a number of executions,
# then keeps each target's queue (the inputs that reached new coverage) in corpus/TARGET, so
# `cargo test` replays it (crates/n64-core/tests/fuzz_corpus.rs).
#
#   cargo install cargo-afl && cargo afl config --build   # once
#   fuzz/run-campaign.sh [EXECUTIONS_PER_TARGET] [TARGET...]
#
# N64_FUZZ_MAX_LEN=BYTES caps the inputs AFL++ generates (its -G; the scan target uses 16384:
# larger images cost more per execution and reach no more of the scanner).
#
# Results: fuzz/out/TARGET/default/fuzzer_stats (execs_done, saved_crashes); a summary table is
# printed at the end.
set -euo pipefail
cd "$(dirname "$0")"

execs="${1:-10000000}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(byte_order header title cic check_code homebrew inspect finalize archive dat_parse dat_index)
fi

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
cargo afl build --release

mkdir -p out
for target in "${targets[@]}"; do
    rm -rf "out/$target"
    echo "== $target: $execs executions"
    N64_FUZZ_TARGET="$target" cargo afl fuzz -i "corpus/$target" -o "out/$target" -E "$execs" \
        ${N64_FUZZ_MAX_LEN:+-G "$N64_FUZZ_MAX_LEN"} \
        target/release/fuzz > "out/$target.log" 2>&1
    # Keep the interesting inputs: AFL's queue holds one input per new coverage path.
    rm -rf "corpus/$target"
    mkdir -p "corpus/$target"
    for input in "out/$target/default/queue"/id:*; do
        id="${input##*/id:}"
        cp "$input" "corpus/$target/id-${id%%,*}"
    done
done

printf '%-12s %14s %12s %10s %8s\n' target execs_done execs_per_sec run_time crashes
for target in "${targets[@]}"; do
    stats="out/$target/default/fuzzer_stats"
    get() { awk -F' *: *' -v k="$1" '$1 == k {print $2}' "$stats"; }
    printf '%-12s %14s %12s %9ss %8s\n' "$target" "$(get execs_done)" "$(get execs_per_sec)" "$(get run_time)" "$(get saved_crashes)"
done
