#!/usr/bin/env bash
# oclab decode --family attention end to end on the OpenCL device (POCL in CI), tiny shapes, ceilings
# from a hand-written --profile (no peak run): every kernels[] entry verified, with the cost model's
# intensity (K and V read once per KV head) and a placement that follows from its time and roof; the
# configuration the tuner chose recorded under "tuning" and used; q8_0 of the work-item kernel placed
# against the profile's int16 ceiling, or against f32 with a warning where the profile has none; the
# both kernels forced with $OCLAB_ATTENTION_VARIANT (the default choice per device is tested in
# tests/cl/test_attention.c); GQA groups 5 and 7, D = 64 and 96; the
# short-context figures with the launch overhead by both clocks; a kernel that computes wrong results
# (built from a changed copy with --kernels DIR) is reported invalid and exits 1. Bad input exits 2 with
# one line.
source "$(dirname "$0")/../lib/assert.sh"
require_device

# ---- bad input ----
expect_usage_error "KV heads not dividing the query heads" decode --family attention --heads 32 --kv-heads 3
expect_usage_error "q4_0 KV" decode --family attention --kv q4_0
expect_usage_error "unknown KV format" decode --family attention --kv nope
expect_usage_error "head dim 0" decode --family attention --head-dim 0
expect_usage_error "q8_0 head dim 48" decode --family attention --head-dim 48 --kv q8_0
expect_usage_error "q8_0 head dim 80" decode --family attention --head-dim 80 --kv q8_0
expect_usage_error "context 0" decode --family attention --context 0
expect_usage_error "caches beyond the device" decode --family attention --heads 32 --kv-heads 8 --head-dim 128 \
    --context 100000000 --kv f16
expect_usage_error "batch 0" decode --family attention --batch 0
OCLAB_ATTENTION_VARIANT=warp expect_usage_error "unknown variant" decode --family attention --heads 8 --kv-heads 2

cat >"$TMP/peak.json" <<'JSON'
{"schema": "oclab.profile/1", "device": {"name": "not this device"},
 "ceilings": {"memory": [{"level": "dram", "gbs": 50}], "compute": [{"precision": "f32", "gflops": 400}]}}
JSON
cat >"$TMP/peak16.json" <<'JSON'
{"schema": "oclab.profile/1", "device": {"name": "not this device"},
 "ceilings": {"memory": [{"level": "dram", "gbs": 50}],
              "compute": [{"precision": "f32", "gflops": 400}, {"precision": "int16", "gflops": 900}]}}
JSON

# attention FILE KERNEL FORMATS CONTEXTS B HQ HKV D F32 INT16: the entries of FILE are those of the flags,
# verified, made by KERNEL (work-item or work-group) with the tuner's configuration, and placed on the
# roof of their precision (F32 and INT16: the profile's ceilings, INT16 0 when it has none).
check_profile() {
    python3 - "$@" <<'PY' || check_fail "kernels[] checks of $1"
import json, sys
path, kernel, formats, contexts, b, hq, hkv, d, f32, i16 = sys.argv[1:]
p = json.load(open(path))
formats, contexts = formats.split(","), [int(c) for c in contexts.split(",")]
b, hq, hkv, d, f32, i16 = int(b), int(hq), int(hkv), int(d), float(f32), float(i16)
row = {"f32": 4 * d, "f16": 2 * d, "q8_0": 34 * d // 32}
bad = []
entries = [k for k in p["kernels"] if k["family"] == "attention"]
got = sorted((k["format"], k["shape"]["context"]) for k in entries)
if got != sorted((f, s) for f in formats for s in contexts):
    bad.append("entries %s" % got)
warned = any(w["what"] == "attention q8_0 roof" for w in p.get("warnings", []))
for k in entries:
    f, s, v, t = k["format"], k["shape"]["context"], k["variant"], k.get("tuning", {})
    name = "%s S=%d" % (f, s)
    if (k["shape"]["batch"], k["shape"]["heads"], k["shape"]["kv_heads"], k["shape"]["head_dim"]) != (b, hq, hkv, d):
        bad.append(name + " shape differs from the flags")
    if k["verified"] is not True or not k["max_rel_error"] < 2e-3:
        bad.append(name + " not verified")
        continue
    # flops_core = 4 B Hq S D; bytes = K and V once per KV head + q and out in f32
    want = 4 * b * hq * s * d / (2 * b * hkv * s * row[f] + 2 * b * hq * d * 4)
    if abs(k["intensity"] - want) > 1e-6 * want:
        bad.append("%s intensity %s, want %s" % (name, k["intensity"], want))
    if v["kernel"] != kernel:
        bad.append("%s kernel %s" % (name, v["kernel"]))
    params = t.get("params", {})
    if t.get("source") not in ("search", "cache") or params.get("split") != v["split"] or \
            params.get("tile") != v["tile"] or params.get("vec") != v["vector_width"]:
        bad.append("%s tuning %s does not match the variant %s" % (name, t, v))
    lanes = params.get("work_group", 1) if kernel == "work-group" else 1
    if v["work_group"] != lanes or v["work_items"] != b * hkv * v["split"] * lanes:
        bad.append("%s work-group %s, work-items %s" % (name, v["work_group"], v["work_items"]))
    # placed on the roof of the precision the inner loop computes in
    integer = f == "q8_0" and kernel == "work-item"
    precision = "int16" if integer and i16 > 0 else "f32"
    if k["roof_precision"] != precision:
        bad.append("%s roof_precision %s, want %s" % (name, k["roof_precision"], precision))
    if integer and i16 == 0 and not warned:
        bad.append(name + " on the f32 roof without a warning")
    roof = min(i16 if precision == "int16" else f32, k["intensity"] * 50)
    attained = k["flops"] / k["time_s"]["median"] / 1e9
    if abs(k["roof_gflops"] - roof) > 1e-6 * roof or abs(k["gflops"] - attained) > 1e-6 * attained or \
            abs(k["efficiency"] - attained / roof) > 1e-6:
        bad.append("%s placed at %s of %s GFLOP/s, want %s of %s" % (name, k["gflops"], k["roof_gflops"], attained, roof))
    if precision == "int16" and abs(k["probe_gflops_scale"] - i16 / f32) > 1e-9:
        bad.append("%s probe scale %s" % (name, k.get("probe_gflops_scale")))
if warned and not any(f == "q8_0" for f in formats if kernel == "work-item"):
    bad.append("a q8_0 roof warning without q8_0 entries of the work-item kernel")
sc = p["measurements"]["attention_short_context"]
ev, host = sc["launch_overhead_s"], sc["launch_overhead_host_s"]
if not (0 < ev < 1 and ev <= host < 1):
    bad.append("launch overhead %s by event, %s by host" % (ev, host))
for line in bad:
    print("FAIL:", line, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}

tiny() { # tiny FILE PROFILE ARGS...: a short decode run into FILE
    local file=$1 profile=$2
    shift 2
    run decode --family attention --profile "$profile" --max-time 5 --tune-time 0.1 -o "$file" "$@"
    if [ "$rc" -ne 0 ]; then
        cat "$TMP/err" >&2
        check_fail "decode $*: exit $rc"
    fi
}

# ---- the work-item kernel (a CPU's with native vectors; forced, so llvmpipe, which the work-group kernel
# suits, runs it too): group 5, three formats, S = 37 (partial tiles, uneven chunks) ----
OCLAB_ATTENTION_VARIANT=work-item tiny "$TMP/item.json" "$TMP/peak.json" --batch 2 --heads 10 --kv-heads 2 --head-dim 64 --context 37,100 \
    --kv f16,q8_0,f32
check_profile "$TMP/item.json" work-item f16,q8_0,f32 37,100 2 10 2 64 400 0

# ---- q8_0 on a profile with an int16 ceiling: placed there, the f32 probe scaled to it ----
OCLAB_ATTENTION_VARIANT=work-item tiny "$TMP/int16.json" "$TMP/peak16.json" --heads 8 --kv-heads 2 --head-dim 64 --context 100 --kv q8_0
check_profile "$TMP/int16.json" work-item q8_0 100 1 8 2 64 400 900
[ "$(json_get "$TMP/int16.json" 'len(d.get("warnings", []))')" = 0 ] || check_fail "int16 profile: warnings"

# ---- the work-group kernel (a GPU's), forced: group 7, D = 96, every format (q8_0 in float: f32 roof) ----
OCLAB_ATTENTION_VARIANT=work-group tiny "$TMP/wg.json" "$TMP/peak16.json" --heads 14 --kv-heads 2 \
    --head-dim 96 --context 37,300 --kv f16,q8_0,f32
check_profile "$TMP/wg.json" work-group f16,q8_0,f32 37,300 1 14 2 96 400 900

# ---- a kernel that computes wrong results (its softmax temperature off by 10 %, built with --kernels
# DIR): every candidate fails verification, the entry is invalid, never placed, and the command exits 1 ----
mkdir "$TMP/bad"
cp "$OCLAB_SOURCE_DIR"/kernels/* "$TMP/bad/"
sed -i 's/\* q_scale;/* (q_scale * 1.1f);/' "$TMP/bad/attention.cl"
cmp -s "$OCLAB_SOURCE_DIR/kernels/attention.cl" "$TMP/bad/attention.cl" && check_fail "the mutation changed nothing"
run decode --family attention --kernels "$TMP/bad" --profile "$TMP/peak.json" --heads 8 --kv-heads 2 --head-dim 64 \
    --context 300 --kv f16 --max-time 5 --tune-time 0.1 --no-tuning-cache -o "$TMP/bad.json"
[ "$rc" -eq 1 ] || check_fail "a wrong kernel: exit $rc, want 1"
grep -q "verification failed" "$TMP/err" || check_fail "a wrong kernel: no verification error on stderr"
python3 - "$TMP/bad.json" <<'PY' || check_fail "a wrong kernel: kernels[] $(cat "$TMP/bad.json" | head -c 300)"
import json, sys
p = json.load(open(sys.argv[1]))
k = [k for k in p["kernels"] if k["family"] == "attention"]
sys.exit(0 if len(k) == 1 and k[0]["verified"] is False and k[0]["max_rel_error"] > 2e-3 and "efficiency" not in k[0]
         and k[0]["tuning"]["failed"] >= 1 else 1)
PY

finish "decode attention: ok"
