#!/usr/bin/env bash
# Hostile or broken files given to every command that reads one: truncated, huge, deeply nested, a NUL
# byte, trailing text, numbers beyond a double, wrong types, negative or absurd values, too many
# entries, a folder. Each is refused before anything is measured or written: exit 2, one stderr line
# "oclab: error: ..." naming the problem, nothing on stdout, no report folder. Needs no OpenCL device
# (decode reads --profile before it looks for one).
source "$(dirname "$0")/../lib/assert.sh"

p='{"schema": "oclab.profile/1", "device": {"name": "d"}, '
c='"ceilings": {"memory": [{"level": "dram", "gbs": 50}], "compute": [{"precision": "f32", "gflops": 900}]}'
printf '%s' "$p$c" | head -c 60 >"$TMP/truncated.json"
printf '%s%s}' "$p" "${c/50/1e999}" >"$TMP/inf.json"
printf '%s%s}' "$p" "${c/50/-50}" >"$TMP/negative.json"
printf '%s%s}' "$p" "${c/900/1e19}" >"$TMP/absurd.json"
printf '%s%s}' "$p" "${c/900/\"900\"}" >"$TMP/string.json"
printf '%s%s, "kernels": {"gemv": 1}}' "$p" "$c" >"$TMP/kernels.json"
printf '%s%s, "measurements": {"x": %s%s}}' "$p" "$c" "$(printf '[%.0s' {1..70})" "$(printf ']%.0s' {1..70})" \
    >"$TMP/deep.json"
printf '%s%s} {}' "$p" "$c" >"$TMP/trailing.json"
printf '%s%s}\0' "$p" "$c" >"$TMP/nul.json"
printf '{"schema": "oclab.profile/1", "x\\n\\u001b[31m": 1e999, %s}' "$c" >"$TMP/escape.json"
{ printf '{"a": "'; head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' x; printf '"}'; } >"$TMP/huge.json"
python3 -c 'import sys; print("{\"schema\": \"oclab.profile/1\", \"ceilings\": {\"compute\": [], \"memory\": [" +
    ", ".join("{\"level\": \"l%d\", \"gbs\": 1}" % i for i in range(65)) + "]}}")' >"$TMP/many.json"

s='{"schema": "oclab.spec/1", "bandwidth_gbs": 100, "compute": {"f32": 1000}'
printf '%s, "fallback": {"f16": "f64"}}' "$s" >"$TMP/spec-fallback.json"
printf '%s, "memory_bytes": -8}' "$s" >"$TMP/spec-memory.json"
printf '%s}' "${s/100/1e999}" >"$TMP/spec-inf.json"
printf '%s}' "${s/1000/\"fast\"}" >"$TMP/spec-string.json"

m='"n_layers": 2, "d_model": 64, "n_heads": 4, "n_kv_heads": 2, "d_ff": 128, "vocab": 100, "ffn": "gelu"'
printf '{%s}' "${m/\"n_layers\": 2/\"n_layers\": 16777217}" >"$TMP/config-absurd.json"
printf '{"name": 7, %s}' "$m" >"$TMP/config-name.json"
printf '{%s}' "${m/\"vocab\": 100/\"vocab\": 1e999}" >"$TMP/config-inf.json"
printf '{%s}' "${m/\"d_ff\": 128/\"d_ff\": -128}" >"$TMP/config-negative.json"

# refused LABEL WANT COMMAND...: exit 2, one "oclab: error:" line containing WANT, empty stdout.
refused() {
    local label=$1 want=$2
    shift 2
    run "$@"
    [ "$rc" = 2 ] || check_fail "$label: exit $rc, want 2 (stderr: $(head -c 300 "$TMP/err"))"
    [ "$(wc -l <"$TMP/err")" = 1 ] || check_fail "$label: stderr is not one line: $(head -c 300 "$TMP/err")"
    grep -q '^oclab: error: ' "$TMP/err" || check_fail "$label: stderr is not an oclab error: $(head -c 300 "$TMP/err")"
    grep -qF -- "$want" "$TMP/err" || check_fail "$label: stderr '$(head -c 300 "$TMP/err")' lacks '$want'"
    [ ! -s "$TMP/out" ] || check_fail "$label: stdout is '$(head -c 300 "$TMP/out")'"
    [ ! -e "$TMP/report" ] || check_fail "$label: the report folder was created"
}

# KIND:FILE:WANT. Each profile goes to every profile reader (report, model and cost --profile, decode
# --profile), each spec sheet to cost and model --spec, each config to model --config.
cases=(
    "profile:truncated.json:is not valid JSON (it ends early: truncated?)"
    "profile:inf.json:ceilings.memory[0].gbs is out of range"
    "profile:negative.json:ceilings.memory[0].gbs must be a number from 1e-09 to 1e+18"
    "profile:absurd.json:ceilings.compute[0].gflops must be a number from 1e-09 to 1e+18"
    "profile:string.json:ceilings.compute[0].gflops must be a number"
    "profile:kernels.json:kernels must be an array"
    "profile:deep.json:nests deeper than 64 levels"
    "profile:trailing.json:is not valid JSON (near byte"
    "profile:nul.json:is not JSON text (a NUL byte at byte"
    "profile:escape.json:x??[31m is out of range"
    "profile:huge.json:is larger than 16 MiB"
    "profile:many.json:ceilings.memory has 65 entries, more than 64"
    "spec:spec-fallback.json:fallback.f16 names \"f64\", which compute does not give"
    "spec:spec-memory.json:memory_bytes must be a number from 1 to 1e+18"
    "spec:spec-inf.json:bandwidth_gbs is out of range"
    "spec:spec-string.json:compute.f32 must be a number"
    "config:config-absurd.json:n_layers must be an integer from 1 to 16777216"
    "config:config-name.json:name must be a string"
    "config:config-inf.json:vocab is out of range"
    "config:config-negative.json:d_ff must be an integer from 1 to 16777216"
    "config:deep.json:nests deeper than 64 levels"
)
for case in "${cases[@]}"; do
    kind=${case%%:*} rest=${case#*:}
    name=${rest%%:*} want=${rest#*:} file=$TMP/${rest%%:*}
    case $kind in
    profile)
        refused "report $name" "$want" report "$file" --out "$TMP/report"
        refused "model --profile $name" "$want" model --model llama-2-7b --weights f16 --profile "$file"
        refused "cost --profile $name" "$want" cost gemv --m 1 --n 64 --k 64 --weights f32 --profile "$file"
        refused "decode --profile $name" "$want" decode --family gemv --profile "$file"
        ;;
    spec)
        refused "cost --spec $name" "$want" cost gemv --m 1 --n 64 --k 64 --weights f32 --spec "$file"
        refused "model --spec $name" "$want" model --model llama-2-7b --weights f16 --spec "$file"
        ;;
    config)
        refused "model --config $name" "$want" model --config "$file" --weights f16 --peak-gflops 1 --bandwidth-gbs 1
        ;;
    esac
done
refused "report of a folder" "$TMP is not a regular file" report "$TMP" --out "$TMP/report"
refused "decode --profile of a folder" "$TMP is not a regular file" decode --profile "$TMP"

finish "untrusted files: all checks passed"
