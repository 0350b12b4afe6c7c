#!/usr/bin/env bash
# valgrind memcheck (leaks included) over the unit tests, the fuzz targets' replays, every command that
# needs no device (cost, model, report, compare when it exists; their error paths too), one small
# OpenCL run on the default device (POCL in CI) and the lightest OpenCL unit test. Any memcheck error fails the stage; the only
# suppressions are the OpenCL driver's own allocations (tests/valgrind/driver.supp, each with its
# reason). Usage: tests/valgrind/run.sh [BUILD_DIR]  (default build-test/, configured and built when
# missing; it must be built without sanitizers). Logs go to BUILD_DIR/valgrind/.
#
# Without valgrind it says so and exits 0, unless $OCLAB_REQUIRE_VALGRIND is set (CI).
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-test}
if ! command -v valgrind >/dev/null; then
    if [ -n "${OCLAB_REQUIRE_VALGRIND:-}" ]; then
        echo "valgrind: FAIL: valgrind is not installed" >&2
        exit 1
    fi
    echo "valgrind: SKIPPED: valgrind is not installed (Debian: valgrind; set OCLAB_REQUIRE_VALGRIND=1" \
         "to make this an error)" >&2
    exit 0
fi
if [ ! -x "$build/oclab" ]; then
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null && cmake --build "$build" -j"$(nproc)" >/dev/null ||
        { echo "valgrind: FAIL: cannot build $build" >&2; exit 1; }
fi
if grep -q 'OCLAB_SANITIZE:BOOL=ON\|OCLAB_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
    echo "valgrind: FAIL: $build is built with sanitizers; valgrind needs a plain build" >&2
    exit 1
fi

logs="$build/valgrind"
rm -rf "$logs"
mkdir -p "$logs/out"
oclab="$build/oclab"
data=tests/data/profiles
export OCLAB_SOURCE_DIR=$PWD POCL_CACHE_DIR="$PWD/$build/pocl-cache"
# A memcheck error exits 99, apart from the programs' own codes (2 for bad input).
memcheck=(valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect
          --errors-for-leak-kinds=definite,indirect --num-callers=40 --gen-suppressions=all
          --suppressions=tests/valgrind/driver.supp)

labels=()
declare -A want pids
# start LABEL WANT_RC COMMAND...: runs COMMAND in the background (as many as cores), its output in
# $logs/out/LABEL.*; job runs it under memcheck, logged to $logs/LABEL.log.
start() {
    local label=$1 rc=$2
    shift 2
    while (($(jobs -rp | wc -l) >= $(nproc))); do
        sleep 0.2
    done
    labels+=("$label")
    want[$label]=$rc
    "$@" >"$logs/out/$label.out" 2>"$logs/out/$label.err" &
    pids[$label]=$!
}
job() {
    local label=$1 rc=$2
    shift 2
    start "$label" "$rc" "${memcheck[@]}" --log-file="$logs/$label.log" "$@"
}

# The OpenCL programs first, as they are the longest. valgrind shows the driver another CPU (no
# AVX-512), so POCL builds their kernels anew; each is run under valgrind's lightest tool first (5x
# faster than memcheck), which fills POCL's kernel cache for the memcheck run. 98: that run failed.
warm_then_check() {
    local label=$1
    shift
    valgrind --tool=none -q "$@" >/dev/null 2>"$logs/out/$label-warm.err" || return 98
    "${memcheck[@]}" --log-file="$logs/$label.log" "$@"
}
# A 256 x 256 f32 GEMV, verified and timed, its ceilings from a profile, its profile written.
decode=(decode --family gemv --formats f32 --batch 1 --shape 256,256 --no-baseline --no-tune
        --max-time 20 --profile "$data/pocl-cpu.json" -o "$logs/decode.json")
began=$SECONDS
start decode-gemv 0 warm_then_check decode-gemv "$oclab" "${decode[@]}"
# Of the OpenCL unit tests, the one whose kernels build quickly: the others take minutes under valgrind
# (attention alone 4), and decode_common asserts probe rates that valgrind's 50x slowdown undercuts.
start cl_test_host_core 0 warm_then_check cl_test_host_core "$build/tests/cl_test_host_core"

for test in "$build"/tests/unit_test_*; do
    job "${test##*/}" 0 "$test"
done
for target in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$target" ] || continue
    name=${target##*/fuzz_}
    inputs=("tests/fuzz/corpus/$name")
    [ -d "tests/fuzz/regressions/$name" ] && inputs+=("tests/fuzz/regressions/$name")
    job "fuzz_$name" 0 "$target" "${inputs[@]}"
done

out="$logs/reports"
job cost-gemv 0 "$oclab" cost gemv --m 16 --n 4096 --k 4096 --weights q4_0 --spec a100 --json
job cost-attention 0 "$oclab" cost attention --heads 32 --kv-heads 8 --head-dim 128 --context 4096 --kv q8_0 \
    --profile "$data/pocl-cpu.json"
job model-sweep 0 "$oclab" model --model llama-3-8b --weights q4_0 --spec rtx-4090 --sweep-context --json
job model-config 0 "$oclab" model --config roofline/models/mistral-7b.json --weights q8_0 --profile "$data/rtx-4090.json"
job report 0 "$oclab" report "$data/pocl-cpu.json" "$data/rtx-4090.json" --out "$out"
job bad-profile 2 "$oclab" model --model llama-2-7b --weights f16 --profile tests/fuzz/corpus/profile/inf-bandwidth.json
job bad-spec 2 "$oclab" cost gemv --m 1 --n 64 --k 64 --weights f16 --spec tests/fuzz/corpus/spec/fallback-missing.json
job bad-report 2 "$oclab" report tests/fuzz/corpus/profile/truncated.json --out "$out-bad"
if "$oclab" compare --help >/dev/null 2>&1; then
    job compare 0 "$oclab" compare "$data/pocl-cpu.json" "$data/pocl-cpu.json"
fi

failed=0
for label in "${labels[@]}"; do
    rc=0
    wait "${pids[$label]}" || rc=$?
    if [ "$rc" -ne "${want[$label]}" ]; then
        failed=1
        if [ "$rc" -eq 98 ]; then
            echo "valgrind: FAIL: $label: the run under --tool=none failed: $(tail -n 2 "$logs/out/$label-warm.err")" >&2
        elif [ "$rc" -eq 99 ]; then
            echo "valgrind: FAIL: $label: memcheck errors (log $logs/$label.log):" >&2
            grep -E '^==[0-9]+== ( {0,3}[A-Z]|  (at|by) )' "$logs/$label.log" | head -n 20 >&2
        else
            echo "valgrind: FAIL: $label: exit $rc, want ${want[$label]}: $(tail -n 2 "$logs/out/$label.err")" >&2
        fi
    fi
done
echo "valgrind: ${#labels[@]} programs under memcheck in $((SECONDS - began)) s, $([ $failed = 0 ] && echo clean || echo FAILED)"
exit "$failed"
