#!/usr/bin/env bash
# oclab peak --quick: a complete profile (schema, DRAM and f32 ceilings, ridges = compute / DRAM), written
# atomically; bad input fails before measuring, with one line and exit 2, leaving no file behind.
source "$(dirname "$0")/../lib/assert.sh"
require_device

# Bad input first: each must fail fast, before any measuring.
expect_usage_error "unknown flag" peak --bogus
expect_usage_error "non-numeric --max-time" peak --max-time abc -o "$TMP/bad1.json"
expect_usage_error "selector matching nothing" peak -d no-such-device-xyz -o "$TMP/bad2.json"
expect_usage_error "unwritable output" peak --quick -o /nonexistent/dir/x.json
expect_usage_error "missing -o value" peak -o
for f in bad1 bad2; do [ ! -e "$TMP/$f.json" ] || fail "$f.json written after a usage error"; done

"$OCLAB" peak --quick -o "$TMP/p.json" >"$TMP/table.txt" 2>"$TMP/log" || fail "peak --quick failed: $(tail -5 "$TMP/log")"
ls "$TMP" | grep -q '\.tmp' && fail "temporary file left behind"

expect_eq "schema" "$(json_get "$TMP/p.json" 'd["schema"]')" "oclab.profile/1"
dram=$(json_get "$TMP/p.json" '[c["gbs"] for c in d["ceilings"]["memory"] if c["level"]=="dram"][0]')
f32=$(json_get "$TMP/p.json" '[c["gflops"] for c in d["ceilings"]["compute"] if c["precision"]=="f32"][0]')
expect_eq "dram ceiling > 0" "$(python3 -c "print($dram > 0)")" True
expect_eq "f32 ceiling > 0" "$(python3 -c "print($f32 > 0)")" True
ridge=$(json_get "$TMP/p.json" '[r["flop_per_byte"] for r in d["ridges"] if r["precision"]=="f32"][0]')
expect_close "f32 ridge = f32 / dram" "$ridge" "$(python3 -c "print($f32 / $dram)")" 1e-6
# every ridge matches its compute ceiling
json_get "$TMP/p.json" 'all(abs(r["flop_per_byte"] - [c["gflops"] for c in d["ceilings"]["compute"] if c["precision"]==r["precision"]][0] / '"$dram"') <= 1e-6 * r["flop_per_byte"] for r in d["ridges"])' \
    | grep -q True || fail "a ridge disagrees with its compute ceiling"

# The DRAM ceiling: the best kernel's pooled median over rounds of every kernel at 3 or more sizes
# beyond 4x the cache (the larger of the driver's figure and the measured edge), with its spread.
bw='d["measurements"]["bandwidth"]'
expect_eq "dram = best pooled median" "$(json_get "$TMP/p.json" 'abs(max(k["median"] for k in '"$bw"'["dram"]["kernels"].values()) - '"$dram"') < 1e-9')" True
expect_eq "3+ DRAM sizes beyond 4x the cache" "$(json_get "$TMP/p.json" 'len('"$bw"'["dram"]["target_bytes"]) >= 3 and min('"$bw"'["dram"]["target_bytes"]) >= 4 * '"$bw"'["llc"]["used_bytes"] and '"$bw"'["llc"]["used_bytes"] >= d["device"]["global_cache_bytes"]')" True
expect_eq "dram samples: every size, every round" "$(json_get "$TMP/p.json" '[c for c in d["ceilings"]["memory"] if c["level"]=="dram"][0]["samples"] == len('"$bw"'["dram"]["target_bytes"]) * '"$bw"'["dram"]["rounds"]')" True
expect_eq "dram spread recorded" "$(json_get "$TMP/p.json" '(lambda s: s["min"] <= s["p10"] <= '"$dram"' <= s["p90"] <= s["max"])([c for c in d["ceilings"]["memory"] if c["level"]=="dram"][0]["spread"])')" True
expect_eq "all points verified" "$(json_get "$TMP/p.json" 'all(p["verified"] for k in '"$bw"'["kernels"].values() for p in k["points"])')" True
for k in read write copy scale add triad; do
    json_get "$TMP/p.json" "d['measurements']['bandwidth']['kernels']['$k']['points'][0]['work_group']" >/dev/null \
        || fail "kernel $k has no work-group recorded"
done
# every ceiling says how its configuration was chosen
expect_eq "ceilings carry their tuning" "$(json_get "$TMP/p.json" 'all(c["tuning"]["source"] in ("search", "cache") and c["tuning"]["params"] for c in d["ceilings"]["memory"] + d["ceilings"]["compute"])')" True
# the clock: events believed or not, and the launch overhead by the host clock
expect_eq "timing calibration" "$(json_get "$TMP/p.json" 'd["measurements"]["timing"]["clock"] in ("event", "host") and d["measurements"]["timing"]["launch_host_s"] > 0')" True
# compute: verified, with the statistics of DESIGN.md; f16 either measured or skipped with a reason
expect_eq "f32 verified" "$(json_get "$TMP/p.json" 'd["measurements"]["compute"]["f32"]["verified"]')" True
json_get "$TMP/p.json" 'd["measurements"]["compute"]["f32"]["time_s"]["cv"]' >/dev/null || fail "no cv"
expect_eq "f16 measured or skipped" "$(json_get "$TMP/p.json" '"f16" in d["measurements"]["compute"] or any(s["what"]=="compute f16" and s["reason"] for s in d["skipped"])')" True
json_get "$TMP/p.json" 'd["measurements"]["latency"]["host_us"] > 0 and d["measurements"]["transfer"]["host_to_device"]["gbs"] > 0' \
    | grep -q True || fail "latency or transfer missing"

# human table on stdout names the ceilings; logs on stderr name the device
grep -q "dram" "$TMP/table.txt" || fail "table lacks the dram ceiling"
grep -q "f32" "$TMP/table.txt" || fail "table lacks f32"
grep -q "measuring" "$TMP/log" || fail "log does not say which device was measured"
echo "peak --quick: dram $dram GB/s, f32 $f32 GFLOP/s"
