#!/usr/bin/env bash
# --kernels DIR: sources from disk behave like the embedded ones; a kernel that does not build is
# reported with its build log and a non-zero exit; a missing folder is bad input.
source "$(dirname "$0")/../lib/assert.sh"
require_device
kernels="$OCLAB_SOURCE_DIR/kernels"
tiny=(--family gemv --formats q8_0 --batch 1 --shape 40,64 --no-baseline --max-time 5)

"$OCLAB" peak --quick --max-time 5 -o "$TMP/peak.json" 2>"$TMP/peak.err" || fail "peak: $(tail -3 "$TMP/peak.err")"

cp -r "$kernels" "$TMP/good"
"$OCLAB" decode --kernels "$TMP/good" --profile "$TMP/peak.json" --json "${tiny[@]}" >"$TMP/good.json" \
    2>"$TMP/good.err" || fail "decode from a copy of kernels/: $(tail -3 "$TMP/good.err")"
expect_eq "verified from disk" "$(json_get "$TMP/good.json" \
    '[k["verified"] for k in d["kernels"] if k["family"]=="gemv"]')" "[True]"

cp -r "$kernels" "$TMP/bad"
echo 'kernel void broken_on_purpose(global float *x { x[0] = 1.0f; }' >>"$TMP/bad/gemv.cl"
rc=0
"$OCLAB" decode --kernels "$TMP/bad" --profile "$TMP/peak.json" "${tiny[@]}" >"$TMP/bad.out" 2>"$TMP/bad.err" || rc=$?
expect_eq "exit for a kernel that does not build" "$rc" 1
grep -q "build log of gemv.cl" "$TMP/bad.err" || fail "no build log printed: $(head -5 "$TMP/bad.err")"
grep -q "CL_BUILD_PROGRAM_FAILURE" "$TMP/bad.err" || fail "error name missing"
grep -q "broken_on_purpose\|expected" "$TMP/bad.err" || fail "the log does not show the compiler's message"

cp -r "$kernels" "$TMP/badpeak"
echo 'kernel void broken_on_purpose(global float *x { x[0] = 1.0f; }' >>"$TMP/badpeak/compute.cl"
rc=0
"$OCLAB" peak --quick --max-time 5 --kernels "$TMP/badpeak" -o "$TMP/badpeak.json" >/dev/null 2>"$TMP/badpeak.err" || rc=$?
expect_eq "peak exit for a compute kernel that does not build" "$rc" 1
grep -q "build log of compute.cl" "$TMP/badpeak.err" || fail "peak: no build log"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any("build failed" in s["reason"] for s in d["skipped"]) else 1)' \
    "$TMP/badpeak.json" || fail "peak: the failed build is not in skipped[]"

expect_usage_error "missing kernels folder" decode --kernels "$TMP/nope" "${tiny[@]}"
echo "kernels dir: ok"
