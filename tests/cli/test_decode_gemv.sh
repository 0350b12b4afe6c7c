#!/usr/bin/env bash
# oclab decode --family gemv end to end on the OpenCL device (POCL in CI), tiny shapes, ceilings from a
# hand-written --profile (no peak run): every kernels[] entry verified and placed with the cost model's
# bytes and intensity, probe figures present, the CLBlast baseline beside ours, the human table; bad
# input exits 2 with one line on stderr.
source "$(dirname "$0")/../lib/assert.sh"
require_device

# ---- bad input ----
expect_usage_error "unknown format" decode --family gemv --formats q4_0,q4_x
expect_usage_error "bf16 has no GEMV kernel" decode --family gemv --formats bf16
expect_usage_error "K not a multiple of 32 for q4_0" decode --family gemv --formats q4_0 --shape 64,100
expect_usage_error "N = 0" decode --family gemv --shape 0,4096
expect_usage_error "shape without K" decode --family gemv --shape 4096
expect_usage_error "weights beyond the device's max allocation" decode --family gemv --formats f32 --shape 4000000,8192 --no-baseline
expect_usage_error "unknown family" decode --family conv
expect_usage_error "batch 0" decode --family gemv --batch 0
expect_usage_error "missing profile" decode --family gemv --profile "$TMP/none.json"
echo '{"schema": "oclab.profile/1", "ceilings": {"memory": [], "compute": []}}' >"$TMP/empty.json"
expect_usage_error "profile without ceilings" decode --family gemv --profile "$TMP/empty.json"

# ---- tiny runs: odd N, a leftover block after the 16-block groups, K off the 16-float vector ----
cat >"$TMP/peak.json" <<'JSON'
{"schema": "oclab.profile/1", "device": {"name": "not this device"},
 "ceilings": {"memory": [{"level": "dram", "gbs": 50}], "compute": [{"precision": "f32", "gflops": 400}]}}
JSON

# check_profile FILE FORMATS SHAPES BASELINE: every (format, M in 1 3, shape) entry verified and placed
check_profile() {
    python3 - "$@" <<'PY' || check_fail "kernels[] checks of $1"
import json, sys
d = json.load(open(sys.argv[1]))
dev = d["device"]
cpu = dev["type"] == "cpu"
native = dev["native_vector_width"]["float"]
formats = sys.argv[2].split(",")
shapes = [tuple(map(int, s.split("x"))) for s in sys.argv[3].split(",")]
baseline = sys.argv[4] == "1"
bytes_per = {"f32": 4, "f16": 2, "q8_0": 34 / 32, "q4_0": 18 / 32, "i8_pc": 1}
ours = [k for k in d["kernels"] if k["family"] == "gemv" and "baseline" not in k]
base = [k for k in d["kernels"] if k.get("baseline") == "clblast"]
skipped = " ".join(s["what"] for s in d["skipped"])
bad = []
want = {(f, m, n, kk) for f in formats for m in (1, 3) for n, kk in shapes}
got = {(k["format"], k["shape"]["m"], k["shape"]["n"], k["shape"]["k"]) for k in ours}
if got != want:
    bad.append("entries missing %s, unexpected %s; skipped: %s" % (sorted(want - got), sorted(got - want),
               [(s["what"], s.get("reason")) for s in d["skipped"]]))
for k in ours:
    m, n, kk = k["shape"]["m"], k["shape"]["n"], k["shape"]["k"]
    name = "%s M=%d %dx%d" % (k["format"], m, n, kk)
    if k["verified"] is not True or not k["max_rel_error"] <= 1e-3:
        bad.append(name + " not verified")
        continue
    w = n * kk * bytes_per[k["format"]] + (n * 4 if k["format"] == "i8_pc" else 0)
    b = w + m * kk * 4 + m * n * 4
    v = k["variant"]
    if v["layout"] not in ("rows", "interleaved"):
        bad.append(name + " layout " + str(v["layout"]))
    # the X block sums it reads: folded int formats in the row layout, folded q4_0 when interleaved
    if v["fold_scale"] and (k["format"] in ("q4_0", "q8_0", "i8_pc") if v["layout"] == "rows" else k["format"] == "q4_0"):
        b += m * (kk // 32) * 4
    if abs(k["bytes"] - b) > 1e-6 * b or abs(k["intensity"] - 2 * m * n * kk / b) > 1e-9:
        bad.append("%s bytes %s, want %s" % (name, k["bytes"], b))
    roof = min(400, k["intensity"] * 50)
    if abs(k["roof_gflops"] - roof) > 1e-6 * roof or abs(k["efficiency"] - k["gflops"] / roof) > 1e-6:
        bad.append(name + " placement")
    if abs(k["gbs"] - b / k["time_s"]["median"] / 1e9) > 1e-6 * k["gbs"]:
        bad.append(name + " gbs")
    if not (k["probe_gbs"] > 0 and k["efficiency_vs_probe"] > 0 and k["bound"] in ("memory", "compute")):
        bad.append(name + " probe figures")
    # the variant is the tuner's point: the widths and counts it was built with
    t = k.get("tuning", {})
    p = t.get("params", {})
    il = v["layout"] == "interleaved"
    if (p.get("vec") != v["vector_width"] or v["vector_width"] not in (4, 8, 16) or p.get("layout") != il
            or p.get("mb") != v["x_rows_per_pass"] or m % v["x_rows_per_pass"] or p.get("wg") != v["work_group"]
            or v["rows_per_group"] != v["work_group"] // v["lanes"] * v["rows_per_item"]
            or v["rows_per_item"] != p.get("rows", 0) * (v["vector_width"] if il else 1)):
        bad.append("%s variant %s, tuning %s" % (name, v, p))
    if t.get("source") != "default" or t.get("tried") != 1:
        bad.append("%s: --no-tune took %s" % (name, t))
    # the start point, by capability: a CPU driver that maps work-item vectors onto the CPU's (native
    # width above 1) starts with the interleaved kernel at that width; SIMT devices (native width 1,
    # GPUs and llvmpipe alike) with work-items splitting K in the rows layout
    if n >= 16 * 8 * 16 and m == 1:
        if cpu and native > 1 and not (il and v["vector_width"] == min(16, max(4, native))):
            bad.append("%s: start point %s, want the interleaved kernel at width %d" % (name, v, native))
        if native == 1 and (il or v["lanes"] < 2):
            bad.append("%s: start point %s, want the rows layout with lanes" % (name, v))
# the baseline: CLBlast Sgemv (M = 1) and Sgemm (M = 3) on f32 weights, or a skipped[] entry saying why
if baseline and base:
    if len(base) != 2 * len(shapes):
        bad.append("%d clblast entries, want %d" % (len(base), 2 * len(shapes)))
    for b in base:
        if b["verified"] is not True or b["format"] != "f32":
            bad.append("clblast entry %s" % b["variant"])
        if not isinstance(b["variant"].get("tuned_for_device"), bool) or not b["variant"].get("parameters"):
            bad.append("clblast entry does not say where its parameters came from: %s" % b["variant"])
    f32 = [k for k in ours if k["format"] == "f32" and "gbs_vs_clblast" in k]
    if len(f32) != len(base):
        bad.append("gbs_vs_clblast on %d f32 entries, want %d" % (len(f32), len(base)))
    # ours against CLBlast by the same clock: the host's on both sides
    host = lambda k: k["bytes"] / k["host_time_s"]["median"]
    for k in f32:
        b = [b for b in base if b["shape"] == k["shape"]][0]
        if k["gbs_vs_clblast_clock"] != "host" or abs(k["gbs_vs_clblast"] - host(k) / host(b)) > 1e-9 * k["gbs_vs_clblast"]:
            bad.append("gbs_vs_clblast %s (%s), want %s by the host clock" % (k["gbs_vs_clblast"],
                       k["gbs_vs_clblast_clock"], host(k) / host(b)))
elif baseline and "clblast" not in skipped:
    bad.append("no CLBlast entry and no skipped[] reason")
elif not baseline and base:
    bad.append("clblast ran with --no-baseline")
# untuned: tuned on all the cold copies the timed entry then gets (no layouts shared them)
for k in ours:
    if k["tuning"]["tuning_copies"] > k["variant"]["cold_copies"]:
        bad.append("tuning copies %s, cold copies %s" % (k["tuning"]["tuning_copies"], k["variant"]["cold_copies"]))
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
PY
}

# --max-launch 60000: the watchdog is test_faults' subject; a launch delayed on a loaded machine must not
# skip an entry here.
run decode --family gemv --profile "$TMP/peak.json" --formats f32,q4_0,q8_0,f16,i8_pc --batch 1,3 \
    --shape 37,1024 --shape 8,1056 --shape 2048,64 --no-tune --max-time 5 --max-launch 60000 --json
[ "$rc" -eq 0 ] || fail "tiny run: exit $rc: $(cat "$TMP/err")"
grep -q "warning: --profile .* was measured on 'not this device'" "$TMP/err" ||
    check_fail "no warning about the profile's device"
cp "$TMP/out" "$TMP/p.json"
check_profile "$TMP/p.json" f32,q4_0,q8_0,f16,i8_pc 37x1024,8x1056,2048x64 1

run decode --family gemv --profile "$TMP/peak.json" --formats f32,f16,i8_pc --batch 1,3 --shape 9,1000 \
    --no-tune --no-baseline --max-time 5 --max-launch 60000 -o "$TMP/r.json"
[ "$rc" -eq 0 ] || fail "ragged K run: exit $rc: $(cat "$TMP/err")"
check_profile "$TMP/r.json" f32,f16,i8_pc 9x1000 0

# ---- tuned: a search, its record in each entry, then the same point from the tuning cache ----
tuned_run() {
    run decode --family gemv --profile "$TMP/peak.json" --formats q4_0 --batch 1 --shape 256,1024 --no-baseline \
        --max-time 5 --tune-time 1 --tuning-cache "$TMP/tuning.json" -o "$1"
    [ "$rc" -eq 0 ] || fail "tuned run: exit $rc: $(cat "$TMP/err")"
}
tuned_run "$TMP/t.json"
tuned_run "$TMP/t2.json"
python3 - "$TMP/t.json" "$TMP/t2.json" <<'PY' || check_fail "tuning records"
import json, sys
k = json.load(open(sys.argv[1]))["kernels"][0]
k2 = json.load(open(sys.argv[2]))["kernels"][0]
t, t2 = k["tuning"], k2["tuning"]
assert k["verified"] is True and k2["verified"] is True
assert t["source"] == "search" and t["tried"] >= 2 and t["tried"] >= t["failed"], t
# the cold copies shared by the 4 weight layouts of the space (rows, interleaved by 4, 8, 16 rows)
cold = k["variant"]["cold_copies"]
assert t["tuning_copies"] == max(1, (cold + 3) // 4), (t["tuning_copies"], cold)
assert t2["source"] == "cache" and t2["params"] == t["params"], t2
assert k2["variant"]["vector_width"] == t["params"]["vec"]
PY

# ---- the human table and -o ----
run decode --family gemv --profile "$TMP/peak.json" --formats q4_0 --batch 2 --shape 5,64 --no-tune \
    --no-baseline --max-time 2 -o "$TMP/q.json"
[ "$rc" -eq 0 ] || fail "table run: exit $rc: $(cat "$TMP/err")"
grep -q '^family .*GB/s.*eff/pr' "$TMP/out" || check_fail "no table header: $(head -3 "$TMP/out")"
grep -q '^gemv *q4_0 *M=2 5x64 ' "$TMP/out" || check_fail "no q4_0 row: $(cat "$TMP/out")"
expect_eq "entries in -o profile" "$(json_get "$TMP/q.json" 'len(d["kernels"])')" 1
expect_eq "ceilings_from" "$(json_get "$TMP/q.json" 'd["ceilings_from"]')" "$TMP/peak.json"

finish "decode gemv CLI ok"
