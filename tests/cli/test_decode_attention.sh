#!/usr/bin/env bash
# oclab decode --family attention end to end on the OpenCL device (POCL in CI), with tiny shapes:
# every kernels[] entry verified, with the cost model's intensity (flops_core / bytes, K and V read
# once per KV head), the short-context figures in measurements; bad flags exit 2 with one line on
# stderr. Needs no jq: the profile is cJSON's pretty print, one "key": value per line.
source "$(dirname "$0")/../lib/assert.sh"
require_device
tmp=$TMP
fail() { check_fail "$@"; }

# ---- bad flags: exit 2, one error line, nothing on stdout ----
bad() {
    run decode --family attention "$@"
    [ "$rc" -eq 2 ] || fail "decode $*: exit $rc, want 2"
    [ ! -s "$tmp/out" ] || fail "decode $*: wrote to stdout"
    grep -q "error" "$tmp/err" || fail "decode $*: no error message"
}
bad --heads 32 --kv-heads 3
bad --kv q4_0
bad --kv nope
bad --head-dim 0
bad --head-dim 48 --kv q8_0
bad --context 0
bad --heads 32 --kv-heads 8 --head-dim 128 --context 100000000 --kv f16
bad --batch 0

# ---- a tiny run: three KV formats, two contexts (S = 37: partial tiles and uneven chunks) ----
B=2 HQ=8 HKV=2 D=64
run decode --family attention --batch $B --heads $HQ --kv-heads $HKV --head-dim $D --context 37,100 \
    --kv f16,q8_0,f32 --max-time 5 -o "$tmp/p.json"
if [ "$rc" -ne 0 ]; then
    cat "$tmp/err" >&2
    fail "decode tiny run: exit $rc"
fi
[ -s "$tmp/p.json" ] || { fail "no profile written"; finish ""; }

# One line per kernels[] entry of the attention family:
# format batch heads kv_heads head_dim context verified intensity efficiency_vs_probe
awk '
    /"kernels":/ { in_k = 1 }
    /"skipped":/ { in_k = 0 }
    !in_k { next }
    {
        line = $0
        sub(/^[ \t]*/, "", line)
        if (match(line, /^"[a-z_]+":/)) {
            key = substr(line, 2, RLENGTH - 3)
            val = substr(line, RLENGTH + 1)
            gsub(/[ \t",]/, "", val)
            if (key == "family") { if (n++) flush(); split("", v) }
            v[key] = val
        }
    }
    function flush() {
        if (v["family"] == "attention")
            print v["format"], v["batch"], v["heads"], v["kv_heads"], v["head_dim"], v["context"],
                  v["verified"], v["intensity"], v["efficiency_vs_probe"]
    }
    END { if (n) flush() }
' "$tmp/p.json" >"$tmp/entries"

count=$(wc -l <"$tmp/entries")
[ "$count" -eq 6 ] || fail "want 6 attention entries (3 formats x 2 contexts), got $count"
while read -r fmt b hq hkv d s verified intensity eff; do
    label="$fmt B=$b Hq=$hq Hkv=$hkv D=$d S=$s"
    [ "$verified" = "true" ] || fail "$label: verified = $verified"
    [ "$b $hq $hkv $d" = "$B $HQ $HKV $D" ] || fail "$label: shape differs from the flags"
    case $fmt in
        f16) row=$((2 * d)) ;;
        f32) row=$((4 * d)) ;;
        q8_0) row=$((34 * d / 32)) ;;
        *) fail "$label: unexpected format"; continue ;;
    esac
    # flops_core = 4 B Hq S D; bytes = K and V once per KV head + q and out in f32.
    awk -v b="$b" -v hq="$hq" -v hkv="$hkv" -v d="$d" -v s="$s" -v row="$row" -v got="$intensity" 'BEGIN {
        want = 4 * b * hq * s * d / (2 * b * hkv * s * row + 2 * b * hq * d * 4)
        exit !(got != "" && (got - want) ^ 2 <= (1e-6 * want) ^ 2) }' ||
        fail "$label: intensity $intensity differs from the cost model"
    awk -v e="$eff" 'BEGIN { exit !(e != "" && e > 0 && e < 2) }' ||
        fail "$label: efficiency_vs_probe = '$eff'"
done <"$tmp/entries"

# Contexts 37 and 100 each appear once per format.
for s in 37 100; do
    n=$(awk -v s=$s '$6 == s' "$tmp/entries" | wc -l)
    [ "$n" -eq 3 ] || fail "context $s: $n entries, want 3"
done

# The short-context figures: launch overhead positive, measured on the same shape.
grep -q '"attention_short_context"' "$tmp/p.json" || fail "no measurements.attention_short_context"
lo=$(sed -n 's/^[[:space:]]*"launch_overhead_s":[[:space:]]*\([^,]*\),*$/\1/p' "$tmp/p.json")
awk -v x="$lo" 'BEGIN { exit !(x != "" && x > 0 && x < 1) }' || fail "launch_overhead_s = '$lo'"

finish "decode attention: ok"
