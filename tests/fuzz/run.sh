#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan+UBSan, build folder build-fuzz/) and runs each
# for FUZZ_SECONDS (default 60), as many at once as there are cores, from its seed corpus and its
# regressions. Fails on any finding (crash, sanitizer report, leak, timeout, a broken invariant); the
# input that found it is left in build-fuzz/findings/. Usage: tests/fuzz/run.sh [TARGET...]
# (FUZZ_SECONDS=0 skips the stage, for a quick local run of tests/run_all.sh).
#
# Without clang's fuzzer runtime (Debian: clang, libclang-rt-14-dev) it says so and exits 0, unless
# $OCLAB_REQUIRE_FUZZ is set (CI), where that is a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-60}
if [ "$seconds" = 0 ]; then
    echo "fuzz: SKIPPED: FUZZ_SECONDS=0" >&2
    exit 0
fi
build=build-fuzz
cc=${FUZZ_CC:-clang}

probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; return (int)n & 0; }' \
    >"$probe/probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" 2>"$probe/err"; then
    if [ -n "${OCLAB_REQUIRE_FUZZ:-}" ]; then
        echo "fuzz: FAIL: $cc cannot build a libFuzzer target: $(head -n 3 "$probe/err")" >&2
        exit 1
    fi
    echo "fuzz: SKIPPED: $cc cannot build a libFuzzer target (install clang and libclang-rt-14-dev;" \
         "set OCLAB_REQUIRE_FUZZ=1 to make this an error)" >&2
    exit 0
fi

if (($#)); then
    targets=("$@")
else
    targets=()
    for source in tests/fuzz/fuzz_*.c; do
        name=${source##*/fuzz_}
        targets+=("${name%.c}")
    done
fi
for name in "${targets[@]}"; do
    [ -f "tests/fuzz/fuzz_$name.c" ] || { echo "fuzz: no target '$name'" >&2; exit 2; }
done
built=$SECONDS
cmake -S . -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOCLAB_FUZZ=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null
echo "fuzz: ${#targets[@]} targets built in $((SECONDS - built)) s"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
mkdir -p "$build/findings" "$build/logs"

# Runs one target; its log holds libFuzzer's final statistics.
fuzz_one() {
    local name=$1 work="$build/corpus/$1"
    local seeds=("tests/fuzz/corpus/$name")
    [ -d "tests/fuzz/regressions/$name" ] && seeds+=("tests/fuzz/regressions/$name")
    mkdir -p "$work"
    "$build/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -dict=tests/fuzz/json.dict -print_final_stats=1 -artifact_prefix="$build/findings/$name-" \
        "$work" "${seeds[@]}" >"$build/logs/$name.log" 2>&1
}

declare -A pids
failed=0
start=$SECONDS
for name in "${targets[@]}"; do
    while (($(jobs -rp | wc -l) >= $(nproc))); do
        sleep 1
    done
    fuzz_one "$name" &
    pids[$name]=$!
done
for name in "${targets[@]}"; do
    rc=0
    wait "${pids[$name]}" || rc=$?
    log="$build/logs/$name.log"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        echo "fuzz: $name: ${runs:-?} executions in ${seconds} s, no finding"
    else
        failed=1
        echo "fuzz: FAIL: $name (exit $rc) after ${runs:-?} executions; the input is in $build/findings/," \
             "the log in $log:" >&2
        grep -E 'ERROR|SUMMARY|fuzz: |Test unit written|timeout' "$log" | head -n 8 >&2 || true
    fi
done
echo "fuzz: ${#targets[@]} targets fuzzed in $((SECONDS - start)) s"
exit "$failed"
