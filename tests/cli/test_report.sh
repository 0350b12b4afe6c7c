#!/usr/bin/env bash
# oclab report end to end: one and two profiles -> the expected files and their paths on stdout;
# bad input (missing file, malformed JSON, wrong schema, no ceilings, unwritable --out) -> exit 2,
# one line on stderr, nothing written. Needs no OpenCL device.
source "$(dirname "$0")/../lib/assert.sh"
SRC=${OCLAB_SOURCE_DIR:?set OCLAB_SOURCE_DIR to the source dir}
data="$SRC/tests/data/profiles"
cpu=pthread-skylake-avx512-amd-epyc-9r45-2-core-processor
gpu=nvidia-geforce-rtx-4090

# One profile: four files (report, roofline, summary, bandwidth sweep), their paths on stdout in order,
# nothing else in the folder.
run report "$data/pocl-cpu.json" --out "$TMP/one"
[ "$rc" = 0 ] || check_fail "one profile: exit $rc: $(cat "$TMP/err")"
printf '%s\n' "$TMP/one/$cpu.html" "$TMP/one/$cpu.svg" "$TMP/one/$cpu.md" "$TMP/one/$cpu-bandwidth.svg" >"$TMP/want"
cmp -s "$TMP/out" "$TMP/want" || check_fail "one profile: stdout is '$(cat "$TMP/out")'"
[ "$(ls "$TMP/one" | wc -l)" = 4 ] || check_fail "one profile: folder holds $(ls "$TMP/one")"
grep -q '<td>55.5%</td>' "$TMP/one/$cpu.html" || check_fail "one profile: HTML lacks the q4_0 efficiency"
[ "$(grep -c '<svg xmlns' "$TMP/one/$cpu.html")" = 2 ] || check_fail "one profile: HTML does not inline both charts"
[ "$(grep -c 'class="kernel"' "$TMP/one/$cpu.svg")" = 8 ] || check_fail "one profile: SVG should show 8 verified kernels"
[ "$(grep -c 'class="stream"' "$TMP/one/$cpu-bandwidth.svg")" = 2 ] || check_fail "one profile: sweep should draw 2 kernels"
grep -q "^!\[roofline\]($cpu.svg)" "$TMP/one/$cpu.md" || check_fail "one profile: Markdown does not link the roofline"
grep -q "^!\[bandwidth-sweep\]($cpu-bandwidth.svg)" "$TMP/one/$cpu.md" || check_fail "one profile: Markdown does not link the sweep"
grep -q '^| Llama-2-7B q4_0, f16 KV | 20.2 | 10.6 |' "$TMP/one/$cpu.md" || check_fail "one profile: no light and expected speeds"

# Two profiles, --out=DIR spelling: each device's files plus the comparison.
run report "$data/pocl-cpu.json" "$data/rtx-4090.json" --out="$TMP/two"
[ "$rc" = 0 ] || check_fail "two profiles: exit $rc: $(cat "$TMP/err")"
for f in $cpu.html $cpu.svg $cpu.md $cpu-bandwidth.svg $gpu.html $gpu.svg $gpu.md $gpu-bandwidth.svg \
    compare.html compare.svg compare.md; do
    [ -s "$TMP/two/$f" ] || check_fail "two profiles: $f missing"
    grep -qx "$TMP/two/$f" "$TMP/out" || check_fail "two profiles: $f not printed"
done
[ "$(wc -l <"$TMP/out")" = 11 ] || check_fail "two profiles: $(wc -l <"$TMP/out") paths printed, want 11"
grep -q '| dram bandwidth (GB/s) | 80.5 | 952 (94.4% of 1008) |' "$TMP/two/compare.md" ||
    check_fail "two profiles: compare.md table"
grep -q 'NVIDIA GeForce RTX 4090' "$TMP/two/compare.html" || check_fail "two profiles: compare.html lacks the GPU"
grep -q 'pthread-skylake-avx512-AMD EPYC' "$TMP/two/compare.html" || check_fail "two profiles: compare.html lacks the CPU"

# The default folder is ./oclab-report.
(cd "$TMP" && "$OCLAB" report "$data/rtx-4090.json" >"$TMP/out" 2>"$TMP/err")
[ -s "$TMP/oclab-report/$gpu.svg" ] || check_fail "default --out: $TMP/oclab-report/$gpu.svg missing"
grep -qx "oclab-report/$gpu.md" "$TMP/out" || check_fail "default --out: printed '$(cat "$TMP/out")'"

# Bad input: exit 2, exactly one stderr line naming the problem, nothing on stdout, nothing written.
printf '{"schema": "oclab.profile/1", "ceilings": ' >"$TMP/truncated.json"
printf '{"schema": "oclab.spec/1", "bandwidth_gbs": 100, "compute": {}}\n' >"$TMP/spec.json"
printf '{"schema": "oclab.profile/1", "device": {"name": "x"}}\n' >"$TMP/noceil.json"
bad() {
    bad_input "$@"
    [ ! -e "$TMP/bad" ] || check_fail "$1: $TMP/bad was created"
}
bad "missing file" "cannot open $TMP/nope.json" report "$data/pocl-cpu.json" "$TMP/nope.json" --out "$TMP/bad"
bad "malformed JSON" "$TMP/truncated.json is not valid JSON" \
    report "$data/pocl-cpu.json" "$TMP/truncated.json" --out "$TMP/bad"
bad "wrong schema" "$TMP/spec.json: not an oclab profile" report "$data/pocl-cpu.json" "$TMP/spec.json" --out "$TMP/bad"
bad "no ceilings" "$TMP/noceil.json: profile has no ceilings" report "$TMP/noceil.json" --out "$TMP/bad"
bad "no profile" "no profile given" report --out "$TMP/bad"
bad "unknown option" "unknown option '--pdf'" report "$data/pocl-cpu.json" --pdf --out "$TMP/bad"

# --out that cannot be a folder (under a regular file; root may write anywhere else): exit 2.
: >"$TMP/plain"
run report "$data/pocl-cpu.json" --out "$TMP/plain/sub"
[ "$rc" = 2 ] || check_fail "unwritable --out: exit $rc, want 2"
grep -q "not a directory" "$TMP/err" || check_fail "unwritable --out: stderr '$(cat "$TMP/err")'"
[ ! -s "$TMP/out" ] || check_fail "unwritable --out: stdout is '$(cat "$TMP/out")'"

# A read-only folder, where permissions apply (not as root): exit 2 and no temporary left.
mkdir "$TMP/ro" && chmod 555 "$TMP/ro"
if [ ! -w "$TMP/ro" ]; then
    run report "$data/pocl-cpu.json" --out "$TMP/ro"
    [ "$rc" = 2 ] || check_fail "read-only --out: exit $rc, want 2"
    [ -z "$(ls -A "$TMP/ro")" ] || check_fail "read-only --out: left $(ls -A "$TMP/ro")"
fi
chmod 755 "$TMP/ro"

finish "report: all checks passed"
