#!/usr/bin/env bash
# Injected faults (OCLAB_FAULT=WHERE:KIND) on the OpenCL device: every one leaves a run that survives,
# a profile that is valid JSON and names the fault, a non-zero exit code, and no wrong result placed.
# A crash inside one tuning candidate costs that candidate only: the phase runs again without it.
source "$(dirname "$0")/../lib/assert.sh"
require_device
fail() { check_fail "$@"; }
profile="$OCLAB_SOURCE_DIR/tests/data/profiles/pocl-cpu.json" # ceilings to place on, read-only
tiny=(--family gemv --formats f32 --batch 1 --shape 64,256 --no-baseline --max-time 5 --tuning-cache "$TMP/tc.json")

# decode PROFILE-OUT FAULT [options]: an isolated decode with the fault; leaves $rc
decode_with() {
    local out=$1 fault=$2
    shift 2
    rc=0
    OCLAB_FAULT=$fault "$OCLAB" decode --isolate --profile "$profile" -o "$out" "${tiny[@]}" "$@" \
        >"$TMP/out" 2>"$TMP/err" || rc=$?
}

# valid JSON, an oclab profile
valid() { json_get "$1" 'd["schema"]' 2>/dev/null | grep -qx 'oclab.profile/1'; }

decode_with "$TMP/crash.json" decode:crash
[ "$rc" -eq 1 ] || fail "decode:crash: exit $rc, want 1"
valid "$TMP/crash.json" || fail "decode:crash: no valid profile"
expect_eq "decode:crash recorded" "$(json_get "$TMP/crash.json" 'any(s["what"]=="decode" and "signal 11" in s["reason"] for s in d["skipped"])')" True

decode_with "$TMP/hang.json" decode:hang --timeout 3
[ "$rc" -eq 1 ] || fail "decode:hang: exit $rc, want 1"
valid "$TMP/hang.json" || fail "decode:hang: no valid profile"
expect_eq "decode:hang recorded" "$(json_get "$TMP/hang.json" 'any(s["what"]=="decode" and "timed out" in s["reason"] for s in d["skipped"])')" True
pgrep -f "OCLAB_FAULT=decode:hang" >/dev/null && fail "decode:hang: the hung child is still running"

decode_with "$TMP/build.json" gemv:build
[ "$rc" -eq 1 ] || fail "gemv:build: exit $rc, want 1"
valid "$TMP/build.json" || fail "gemv:build: no valid profile"
grep -q "build log of gemv.cl" "$TMP/err" || fail "gemv:build: no build log on stderr"
expect_eq "gemv:build skipped, nothing placed" "$(json_get "$TMP/build.json" 'any("build failed" in s["reason"] for s in d["skipped"]) and not any("efficiency" in k for k in d["kernels"])')" True

decode_with "$TMP/alloc.json" gemv:alloc
[ "$rc" -eq 1 ] || fail "gemv:alloc: exit $rc, want 1"
valid "$TMP/alloc.json" || fail "gemv:alloc: no valid profile"
grep -q "CL_MEM_OBJECT_ALLOCATION_FAILURE" "$TMP/err" || fail "gemv:alloc: the error is not named"
expect_eq "gemv:alloc skipped, nothing placed" "$(json_get "$TMP/alloc.json" 'len(d["skipped"]) > 0 and not any("efficiency" in k for k in d["kernels"])')" True

decode_with "$TMP/wrong.json" gemv:wrong
[ "$rc" -eq 1 ] || fail "gemv:wrong: exit $rc, want 1"
valid "$TMP/wrong.json" || fail "gemv:wrong: no valid profile"
expect_eq "gemv:wrong never placed" "$(json_get "$TMP/wrong.json" 'not any("efficiency" in k for k in d["kernels"]) and not any(k.get("verified") for k in d["kernels"])')" True

# A crash while preparing one GEMV candidate: the phase runs again without it and finishes.
decode_with "$TMP/candidate.json" gemv:crash
[ "$rc" -eq 1 ] || fail "gemv:crash: exit $rc, want 1 (the driver crashed, even if the kernel was measured)"
grep -q "running the phase again without it" "$TMP/err" || fail "gemv:crash: no rerun past the crashed candidate"
valid "$TMP/candidate.json" || fail "gemv:crash: no valid profile"
expect_eq "gemv:crash: the candidate named in warnings" "$(json_get "$TMP/candidate.json" 'any(w["what"].startswith("gemv|") and "crashed" in w["detail"] for w in d["warnings"])')" True
expect_eq "gemv:crash: the candidate recorded, the kernel measured with another" "$(json_get "$TMP/candidate.json" \
    'any(f["status"]=="crash" for k in d["kernels"] for f in k["tuning"].get("failures", [])) and all(k["verified"] for k in d["kernels"])')" True

# The whole run survives a phase that crashes or hangs: the profile says which, the exit code too.
rc=0
OCLAB_FAULT=peak:crash "$OCLAB" run --quick --out "$TMP/run" "${tiny[@]}" >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 1 ] || fail "run with peak:crash: exit $rc, want 1"
for p in "$TMP"/run/[0-9]*.json; do
    valid "$p" || fail "run with peak:crash: $p is not a valid profile"
    expect_eq "run: peak crash recorded in $(basename "$p")" "$(json_get "$p" 'any(s["what"]=="peak" and "signal" in s["reason"] for s in d["skipped"])')" True
done
ls "$TMP"/run/*.tmp.* >/dev/null 2>&1 && fail "run with peak:crash: a temporary file was left behind"

# The watchdog: a verified GEMV whose launch runs past --max-launch (1 ms; 64 MB of weights take
# longer on a CPU of a few cores) is skipped with the launch's time, not placed and not a failure; a
# machine that streams it in under 1 ms must then have timed it under the bound.
rc=0
"$OCLAB" decode --profile "$profile" -o "$TMP/watchdog.json" --family gemv --formats f32 --batch 1 \
    --shape 4096,4096 --no-baseline --max-launch 1 --tuning-cache "$TMP/tc.json" >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 0 ] || fail "a launch past the watchdog: exit $rc, want 0"
watchdog_skip='[x["reason"] for x in d["skipped"] if x["what"] == "gemv f32 M=1 4096x4096"]'
watchdog_kept='[x for x in d["kernels"] if x["family"] == "gemv"]'
expect_eq "watchdog: skipped with the launch's time, or timed under the bound" "$(json_get "$TMP/watchdog.json" "
(lambda s, k: (len(s) == 1 and 'beyond the watchdog bound of 1 ms' in s[0] and s[0].startswith('verified') and not k) or
 (not s and len(k) == 1 and k[0]['time_s']['max'] < 1e-3))($watchdog_skip, $watchdog_kept)")" True

rc=0
OCLAB_FAULT=bogus "$OCLAB" devices >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 2 ] || fail "a malformed OCLAB_FAULT: exit $rc, want 2"
finish "faults: crash, hang, build, alloc, wrong results and the watchdog each recorded, runs survive"
