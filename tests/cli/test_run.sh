#!/usr/bin/env bash
# oclab run end to end on a tiny configuration: profile, reports, verified kernels of both families,
# placements consistent with the ceilings; bad input writes nothing.
source "$(dirname "$0")/../lib/assert.sh"
require_device

out="$TMP/result"
"$OCLAB" run -d 0:0 --quick --max-time 20 --out "$out" \
    --family gemv,attention --formats q4_0,f16 --batch 1,4 --shape 96,512 \
    --heads 8 --kv-heads 2 --head-dim 64 --context 1,300 --kv f16,q8_0 \
    >"$TMP/stdout" 2>"$TMP/stderr" || fail "run failed: $(tail -5 "$TMP/stderr")"

# stdout lists exactly the files written, and they exist.
while read -r path; do
    [ -s "$path" ] || fail "listed file missing or empty: $path"
done <"$TMP/stdout"
profile=$(grep -E '/0-0-[a-z0-9-]+\.json$' "$TMP/stdout") || fail "no profile listed: $(cat "$TMP/stdout")"
grep -q '/devices\.json$' "$TMP/stdout" || fail "devices.json not listed"
for ext in html svg md; do
    grep -qE "\.$ext\$" "$TMP/stdout" || fail "no .$ext report listed"
done
[ -z "$(find "$out" -name '*.tmp*')" ] || fail "temporary files left in $out"
grep -q "device 0:0" "$TMP/stderr" || fail "the chosen device is not printed"
# Progress in a pipe: plain lines per phase, the last step of each decode family (8 attention shapes:
# 2 KV formats x 2 contexts x 2 batches), the time elapsed.
grep -qE '^oclab: progress: device 1/1 .*, peak, 0:[0-9]{2} elapsed' "$TMP/stderr" || fail "no progress line for peak"
grep -qE '^oclab: progress: .*, decode gemv ([0-9]+)/\1 \(gemv .*\), [0-9]+:[0-9]{2} elapsed' "$TMP/stderr" ||
    fail "no progress line for the last gemv step"
grep -qE '^oclab: progress: .*, decode attention 8/8, [0-9]+:[0-9]{2} elapsed' "$TMP/stderr" ||
    fail "no progress line for the last attention step"

expect_eq "schema" "$(json_get "$profile" 'd["schema"]')" "oclab.profile/1"
dram=$(json_get "$profile" '[c["gbs"] for c in d["ceilings"]["memory"] if c["level"]=="dram"][0]')
f32=$(json_get "$profile" '[c["gflops"] for c in d["ceilings"]["compute"] if c["precision"]=="f32"][0]')
python3 -c "import sys; sys.exit(0 if float('$dram') > 0 and float('$f32') > 0 else 1)" || fail "ceilings $dram $f32"

# Kernels: both families, every own kernel verified and placed against min(ceiling, I * dram), the
# ceiling of its roof_precision.
check=$(python3 - "$profile" "$dram" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); dram = float(sys.argv[2])
ours = [k for k in d["kernels"] if "baseline" not in k]
fams = sorted({k["family"] for k in ours})
if fams != ["attention", "gemv"]: print("families", fams); sys.exit()
gemv = [k for k in ours if k["family"] == "gemv"]
if len(gemv) != 2 * 2 * 1: print("gemv count", len(gemv)); sys.exit()   # 2 formats x 2 batches x 1 shape
attn = [k for k in ours if k["family"] == "attention"]
if len(attn) != 2 * 2 * 2: print("attention count", len(attn)); sys.exit()  # 2 kv x 2 contexts x 2 batches
compute = {c["precision"]: c["gflops"] for c in d["ceilings"]["compute"]}
for k in ours:
    if k["verified"] is not True: print("unverified", k["family"], k["format"]); sys.exit()
    # the roof of the precision the kernel computes in (q8_0 attention's integer dot: int16)
    top = compute[k["roof_precision"]]
    roof = min(top, k["intensity"] * dram)
    if abs(k["roof_gflops"] - roof) > 1e-6 * roof: print("roof", k["roof_gflops"], roof); sys.exit()
    if abs(k["efficiency"] - k["gflops"] / roof) > 1e-6: print("efficiency", k["efficiency"]); sys.exit()
    t = k["time_s"]
    if not (0 < t["min"] <= t["median"] <= t["max"]): print("time order", t); sys.exit()
    if k["bound"] != ("compute" if k["intensity"] * dram > top else "memory"): print("bound", k); sys.exit()
print("ok")
PY
)
expect_eq "kernels" "$check" ok

# The HTML names the device; the SVG parses as XML.
name=$(json_get "$profile" 'd["device"]["name"]')
html=$(grep -E '\.html$' "$TMP/stdout")
grep -qF "$name" "$html" || fail "HTML report lacks the device name"
# Every chart (the roofline, the bandwidth sweep) parses as XML.
[ "$(grep -cE '\.svg$' "$TMP/stdout")" -ge 2 ] || fail "fewer than two charts listed"
grep -E '\.svg$' "$TMP/stdout" | while read -r svg; do
    python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$svg" || fail "$svg is not well-formed"
done || exit 1

# Two OpenCL implementations on one CPU (POCL and Mesa rusticl, which CI installs): `run -d all` measures
# both, writes a profile and reports for each, and a comparison page.
if RUSTICL_ENABLE=llvmpipe "$OCLAB" devices -d rusticl >/dev/null 2>&1; then
    RUSTICL_ENABLE=llvmpipe OCLAB_DEVICE= "$OCLAB" run -d all --quick --out "$TMP/both" --family gemv,attention \
        --formats f32 --batch 1 --shape 64,256 --heads 4 --kv-heads 2 --head-dim 64 --context 40 --kv f16 \
        >"$TMP/both.out" 2>"$TMP/both.err" || fail "run -d all: $(grep -E "bandwidth|error|skipped" "$TMP/both.err" | tail -8)"
    n=$(grep -cE '/[0-9]+-[0-9]+-[a-z0-9-]+\.json$' "$TMP/both.out")
    expect_eq "one profile per implementation" "$n" 2
    for f in compare.html compare.md compare.svg; do
        [ -s "$TMP/both/$f" ] || fail "run -d all: no $f"
    done
    for p in $(grep -E '/[0-9]+-[0-9]+-[a-z0-9-]+\.json$' "$TMP/both.out"); do
        expect_eq "$(basename "$p"): kernels verified and placed" "$(json_get "$p" \
            'len(d["kernels"]) >= 2 and all(k["verified"] and "efficiency" in k for k in d["kernels"] if "baseline" not in k)')" True
    done
elif [ -n "${OCLAB_REQUIRE_RUSTICL:-}" ]; then
    fail "no rusticl device for run -d all"
fi

# Bad input: nothing written.
expect_usage_error "unwritable --out" run --quick --out "$TMP/no/such/dir"
[ ! -e "$TMP/no" ] || fail "run created a folder for an unwritable --out"
expect_usage_error "selector matching nothing" run -d no-such-device --out "$TMP/empty"
[ -z "$(ls -A "$TMP/empty" 2>/dev/null)" ] || fail "run wrote files for a bad selector"
expect_usage_error "bad decode option" run --formats q5_k --out "$TMP/empty2"
expect_usage_error "weights beyond the device's limits" run --family gemv --formats f32 --shape 4000000,8192 --out "$TMP/empty3"
echo "run: ok"
