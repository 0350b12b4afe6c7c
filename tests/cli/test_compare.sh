#!/usr/bin/env bash
# oclab compare end to end: a profile against itself (exit 0), made 20% worse (exit 1, every ceiling and
# kernel and speed named with its change), 10% better (exit 0, improvements), a kernel lost or no longer
# verified (exit 1), the tolerance, the Markdown for a pull request; bad input exits 2 with one line.
# Needs no OpenCL device.
source "$(dirname "$0")/../lib/assert.sh"
SRC=${OCLAB_SOURCE_DIR:?set OCLAB_SOURCE_DIR to the source dir}
base="$SRC/tests/data/profiles/pocl-cpu.json"

# scaled FACTOR OUT [EDIT]: the base with every ceiling, kernel speed and efficiency times FACTOR (times
# divided by it), then EDIT (Python on the document `d`) applied.
scaled() {
    python3 - "$base" "$1" "$2" "${3:-}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); f = float(sys.argv[2])
for c in d["ceilings"]["memory"]: c["gbs"] *= f
for c in d["ceilings"]["compute"]: c["gflops"] *= f
for k in d["kernels"]:
    for key in ("gflops", "gbs", "efficiency", "roof_gflops", "efficiency_vs_probe"):
        if isinstance(k.get(key), (int, float)): k[key] *= f
    for key in ("min", "median", "max"): k["time_s"][key] /= f
exec(sys.argv[4])
json.dump(d, open(sys.argv[3], "w"))
PY
}

run compare "$base" "$base"
[ "$rc" = 0 ] || check_fail "same profile: exit $rc: $(cat "$TMP/err")"
grep -q '^OK: 0 regressions beyond 5%, 0 improvements, [0-9]* within tolerance$' "$TMP/out" ||
    check_fail "same profile: $(sed -n 4p "$TMP/out")"

scaled 0.8 "$TMP/worse.json"
run compare "$base" "$TMP/worse.json"
[ "$rc" = 1 ] || check_fail "20% worse: exit $rc, want 1"
[ ! -s "$TMP/err" ] || check_fail "20% worse: stderr: $(cat "$TMP/err")"
grep -q '^FAIL: [0-9]* regressions beyond 5%' "$TMP/out" || check_fail "20% worse: no verdict"
grep -qE '^  ceiling +dram \(GB/s\) +80.5 +64.4 +-20.0%$' "$TMP/out" || check_fail "20% worse: dram row"
grep -qE '^  kernel +gemv q4_0 m=1 n=4096 k=4096 +55.5% +44.4% +-20.0%$' "$TMP/out" || check_fail "20% worse: q4_0 row"
# The speed of light follows the roof (-20%); the expected speed, roof and efficiency both (-36%).
grep -qE '^  prediction +Llama-2-7B q4_0, f16 KV, ctx 512: light +20.2 +16.2 +-20.0%$' "$TMP/out" ||
    check_fail "20% worse: light row"
grep -qE '^  prediction +Llama-2-7B q4_0, f16 KV, ctx 512: expected +10.6 +6.79 +-36.0%$' "$TMP/out" ||
    check_fail "20% worse: expected row"
run compare "$base" "$TMP/worse.json" --tolerance 25
[ "$rc" = 1 ] || check_fail "20% worse, tolerance 25: exit $rc, want 1 (the expected speeds fell 36%)"
grep -q '^FAIL: .* beyond 25%' "$TMP/out" || check_fail "tolerance 25: $(sed -n 4p "$TMP/out")"
grep -q 'l1 (GB/s)' "$TMP/out" && check_fail "tolerance 25: a 20% move listed as a regression"
run compare "$base" "$TMP/worse.json" --tolerance=40
[ "$rc" = 0 ] || check_fail "20% worse, tolerance 40: exit $rc, want 0"

run compare "$base" "$TMP/worse.json" --markdown
[ "$rc" = 1 ] || check_fail "markdown: exit $rc, want 1"
grep -q '^\*\*FAIL:\*\* ' "$TMP/out" || check_fail "markdown: no verdict"
grep -q '^| ceiling | dram (GB/s) | 80.5 | 64.4 | -20.0% |$' "$TMP/out" || check_fail "markdown: dram row"
grep -q '^<details><summary>' "$TMP/out" || check_fail "markdown: no folded section"
[ "$(wc -c <"$TMP/out")" -lt 65536 ] || check_fail "markdown: too long for a pull-request comment"

scaled 1.1 "$TMP/better.json"
run compare "$base" "$TMP/better.json"
[ "$rc" = 0 ] || check_fail "10% better: exit $rc, want 0"
grep -q '^OK: 0 regressions beyond 5%, [1-9][0-9]* improvements' "$TMP/out" || check_fail "10% better: verdict"
grep -qE '^  ceiling +dram \(GB/s\) +80.5 +88.6 +\+10.0%$' "$TMP/out" || check_fail "10% better: dram row"

# A kernel lost, another no longer verified: regressions whatever the tolerance.
scaled 1.0 "$TMP/lost.json" 'd["kernels"] = [k for k in d["kernels"] if k["format"] != "q8_0"]; d["kernels"][0]["verified"] = False'
run compare "$base" "$TMP/lost.json" --tolerance 100
[ "$rc" = 1 ] || check_fail "lost kernels: exit $rc, want 1"
grep -qE '^  kernel +gemv q8_0 m=1 n=4096 k=4096 +73.2% +- +-  missing$' "$TMP/out" || check_fail "lost kernels: q8_0"
grep -qE '^  kernel +gemv f32 m=1 n=4096 k=4096 +89.9% +- +-  no longer verified$' "$TMP/out" ||
    check_fail "lost kernels: f32"

# Bad input: exit 2, one line on stderr, nothing on stdout.
printf '{"schema": "oclab.profile/1", "ceilings": ' >"$TMP/truncated.json"
bad_input "different devices" "different devices" compare "$base" "$SRC/tests/data/profiles/rtx-4090.json"
bad_input "unreadable" "cannot open $TMP/none.json" compare "$base" "$TMP/none.json"
bad_input "malformed" "not valid JSON" compare "$TMP/truncated.json" "$base"
bad_input "spec sheet" "not an oclab profile" compare "$SRC/devices/specs/a100.json" "$base"
bad_input "one profile" "give two profiles" compare "$base"
bad_input "three profiles" "unexpected argument" compare "$base" "$base" "$base"
bad_input "tolerance" "--tolerance: 'x' is not a number" compare "$base" "$base" --tolerance x
bad_input "negative tolerance" "out of range" compare "$base" "$base" --tolerance -5
bad_input "unknown option" "unknown option '--html'" compare "$base" "$base" --html

run compare --help
[ "$rc" = 0 ] && grep -q '^usage: oclab compare BASE.json CURRENT.json' "$TMP/out" || check_fail "--help: exit $rc"

finish "compare: all checks passed"
