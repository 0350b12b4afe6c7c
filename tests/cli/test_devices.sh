#!/usr/bin/env bash
# oclab devices: the listing agrees with itself across selectors and formats; bad selectors fail cleanly.
source "$(dirname "$0")/../lib/assert.sh"
require_device

count=$(json_get "$TMP/devices.json" 'len(d["devices"])')
[ "$count" -ge 1 ] || fail "no device listed"
first=$(json_get "$TMP/devices.json" 'd["devices"][0]["selector"]')
name=$(json_get "$TMP/devices.json" 'd["devices"][0]["name"]')
type=$(json_get "$TMP/devices.json" 'd["devices"][0]["type"]')

# Every DESIGN.md device key is present and sane.
for key in platform name vendor type driver opencl_c_version compute_units max_clock_mhz global_mem_bytes \
           max_alloc_bytes global_cache_bytes local_mem_bytes extensions; do
    json_get "$TMP/devices.json" "d['devices'][0]['$key']" >/dev/null || fail "device key $key missing"
done
cu=$(json_get "$TMP/devices.json" 'd["devices"][0]["compute_units"]')
[ "$cu" -ge 1 ] || fail "compute_units $cu"
alloc_ok=$(json_get "$TMP/devices.json" 'd["devices"][0]["max_alloc_bytes"] <= d["devices"][0]["global_mem_bytes"]')
expect_eq "max_alloc <= global_mem" "$alloc_ok" True
fp64_ext=$(json_get "$TMP/devices.json" '("cl_khr_fp64" in d["devices"][0]["extensions"]) == d["devices"][0]["fp64"]')
expect_eq "fp64 flag matches extensions" "$fp64_ext" True

# Index, type and case-insensitive name substring select the same device.
"$OCLAB" devices -d "$first" --json >"$TMP/by_index.json" || fail "select by index $first"
expect_eq "select by index" "$(json_get "$TMP/by_index.json" 'd["devices"][0]["name"]')" "$name"
expect_eq "select by index count" "$(json_get "$TMP/by_index.json" 'len(d["devices"])')" 1
sub=$(echo "${name:0:6}" | tr '[:lower:][:upper:]' '[:upper:][:lower:]')
"$OCLAB" devices -d "$sub" --json >"$TMP/by_name.json" || fail "select by name substring '$sub'"
expect_eq "select by name" "$(json_get "$TMP/by_name.json" 'd["devices"][0]["name"]')" "$name"
OCLAB_DEVICE="$type" "$OCLAB" devices --json >"$TMP/by_env.json" || fail "select by OCLAB_DEVICE=$type"
json_get "$TMP/by_env.json" 'all(x["type"]=="'"$type"'" for x in d["devices"])' | grep -q True \
    || fail "OCLAB_DEVICE=$type selected another type"

# Human output names the device.
"$OCLAB" devices -d "$first" >"$TMP/human.txt" || fail "human listing"
grep -qF "$name" "$TMP/human.txt" || fail "human listing lacks the device name"

# Bad input: one line, exit 2.
expect_usage_error "selector matching nothing" devices -d no-such-device-xyz
grep -q "found: " "$TMP/err" || fail "the no-match error does not list what exists"
expect_usage_error "malformed index" devices -d 0:x
expect_usage_error "unknown flag" devices --bogus
expect_usage_error "missing selector value" devices -d
expect_usage_error "unknown command" frobnicate
expect_usage_error "no command" 

# No OpenCL platform at all: a clear error with the install hint, non-zero exit.
mkdir -p "$TMP/no_icd"
rc=0
OCL_ICD_VENDORS="$TMP/no_icd" "$OCLAB" devices >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -ne 0 ] || fail "no platform: exit 0"
grep -q "install an ICD" "$TMP/err" || fail "no platform: missing hint: $(cat "$TMP/err")"
echo "devices: ok ($count device(s), first $first $name)"
