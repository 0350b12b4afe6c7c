#!/usr/bin/env bash
# oclab cost / oclab model end to end: the worked examples of issue 3 through the CLI, the JSON key
# sets, and bad input (exit 2, one line on stderr, nothing on stdout). Needs no OpenCL device and no
# jq: the JSON is cJSON's pretty print, one "key": value per line.
source "$(dirname "$0")/../lib/assert.sh"

# get KEY: the value of KEY in $TMP/out.
get() {
    sed -n "s/^[[:space:]]*\"$1\":[[:space:]]*\\(.*\\)$/\\1/p" "$TMP/out" | sed 's/,$//; s/^"//; s/"$//'
}

# near KEY WANT TOL
near() {
    local got
    got=$(get "$1")
    awk -v g="$got" -v w="$2" -v t="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && d <= t) }' ||
        check_fail "$label: $1 = '$got', want $2 +- $3"
}

# equals KEY WANT
equals() {
    local got
    got=$(get "$1")
    [ "$got" = "$2" ] || check_fail "$label: $1 = '$got', want '$2'"
}

# keys WANT...: the JSON object has exactly these keys, in this order.
keys() {
    local got want
    got=$(sed -n 's/^[[:space:]]*"\([a-z_]*\)":.*/\1/p' "$TMP/out" | tr '\n' ' ')
    want="$* "
    [ "$got" = "$want" ] || check_fail "$label: keys '$got', want '$want'"
}

ok() { # ok LABEL ARGS...: exit 0, empty stderr
    label=$1
    shift
    run "$@"
    [ "$rc" -eq 0 ] || check_fail "$label: exit $rc: $(cat "$TMP/err")"
    [ -s "$TMP/err" ] && check_fail "$label: unexpected stderr: $(cat "$TMP/err")"
    [ -s "$TMP/out" ] || check_fail "$label: no output"
}

bad() { # bad LABEL ARGS...: exit 2, one line on stderr, nothing on stdout
    label=$1
    shift
    run "$@"
    [ "$rc" -eq 2 ] || check_fail "$label: exit $rc, want 2"
    [ -s "$TMP/out" ] && check_fail "$label: stdout not empty: $(cat "$TMP/out")"
    [ "$(wc -l <"$TMP/err")" -eq 1 ] || check_fail "$label: want one stderr line, got: $(cat "$TMP/err")"
}

gemv_keys="flops flops_padded m_padded bytes bytes_weights bytes_act bytes_out intensity intensity_padded
ridge t_mem_s t_comp_s t_bound_s bound attainable_gflops"
attn_keys="flops_core flops_softmax flops bytes bytes_kv bytes_q bytes_out intensity intensity_total
ridge t_mem_s t_comp_s t_bound_s bound attainable_gflops"
model_keys="params_layers params_head params_total weight_bytes kv_bytes_per_token kv_bytes bytes flops
intensity ridge t_mem_s t_comp_s t_bound_s bound tokens_per_s ms_per_token prefill_knee_crude
prefill_knee_fine max_context_tokens expected_tokens_per_s expected_ms_per_token expected expected_note"

# Llama-2-70B TP=8 o_proj, 16 tokens, f16, at 312 TFLOPS and 2 TB/s.
ok "o_proj" cost gemv --m 16 --n 8192 --k 1024 --weights f16 --peak-gflops 312000 --bandwidth-gbs 2000 --json
keys $gemv_keys
equals flops 268435456
equals bytes 17072128
near intensity 15.72 0.005
equals ridge 156
equals bound memory
near attainable_gflops 31447.2 0.1
ok "o_proj 1.5TB/s" cost gemv --m 16 --n 8192 --k 1024 --weights f16 --peak-gflops=312000 --bandwidth-gbs=1500 --json
near t_bound_s 1.138e-05 0.001e-05

ok "padded" cost gemv --m 17 --n 64 --k 64 --weights q4_0 --tile-m 16 --spec ryzen9-7950x --json
equals m_padded 32
equals flops_padded 262144
equals bytes_weights 2304

ok "int8 ffn" cost gemv --m 1 --n 11008 --k 4096 --weights i8_pc --spec a100 --json
near intensity 1.995 0.005

ok "mha" cost attention --heads 32 --head-dim 128 --context 4096 --spec h100-sxm --json
keys $attn_keys
near intensity 1 0.001
near ridge 295.34 0.01
ok "gqa" cost attention --batch 4 --heads 64 --kv-heads 8 --head-dim 128 --context 4096 --kv q8_0 --spec a100 --json
equals bytes_kv 35651584

# H200 SXM (141 GB at 4.8 TB/s, dense f16 989.5 TFLOPS): the same GQA attention shape is memory-bound
# with ridge 989500/4800 = 206.1; Llama-2-70B in f16 (137.4 GB of weights) fits with 10,905 tokens of
# KV cache at 327,680 bytes each, where an 80 GB H100 fits none, and reads its weights in 28.63 ms.
ok "h200 attention" cost attention --heads 32 --kv-heads 8 --head-dim 128 --context 4096 --spec h200 --json
near ridge 206.146 0.001
equals bytes 16793600
near t_mem_s 3.4987e-06 0.0001e-06
equals bound memory
ok "h200 gemv" cost gemv --m 1 --n 8192 --k 8192 --weights f32 --spec h200 --json
near ridge 13.958 0.001
ok "h200 70b" model --model llama-2-70b --weights f16 --spec h200 --json
equals weight_bytes 137426370560
near ms_per_token 28.630 0.001
equals max_context_tokens 10905
ok "h100 70b" model --model llama-2-70b --weights f16 --spec h100-sxm --json
equals max_context_tokens 0

ok "qwen 7b 4090" model --model qwen1.5-7b --weights f16 --spec rtx-4090 --json
keys $model_keys
equals expected_tokens_per_s null
grep -q '"expected_note":.*spec sheet has no measured kernels' "$TMP/out" || check_fail "$label: no note on expected"
near ms_per_token 14.1 0.05
equals max_context_tokens 18698
ok "qwen 110b" model --model qwen1.5-110b --weights q4_0 --kv f16 --batch 2 --context 100 \
    --peak-gflops 1000 --bandwidth-gbs 100 --json
equals kv_bytes_per_token 327680
equals kv_bytes 65536000
equals max_context_tokens null
ok "memory-gb" model --model llama-2-7b --weights f16 --peak-gflops 1000 --bandwidth-gbs 100 --memory-gb 80 --json
equals params_total 6607077376
ok "config file" model --config "${OCLAB_SOURCE_DIR:?}/roofline/models/mistral-7b.json" --weights q8_0 --spec a100 --json
equals bound memory

cat >"$TMP/profile.json" <<'JSON'
{"schema": "oclab.profile/1", "device": {"name": "test device", "global_mem_bytes": 16000000000},
 "ceilings": {"memory": [{"level": "dram", "gbs": 50}], "compute": [{"precision": "f32", "gflops": 1000}]}}
JSON
ok "profile" cost gemv --m 1 --n 4096 --k 4096 --weights q8_0 --profile "$TMP/profile.json" --json
equals ridge 20

# Expected speed: every q8_0 matrix at 50 % of the roof doubles the weights' time (activations add
# 0.2 %); an attention kernel at 100 % adds the KV cache's time as the speed of light counts it.
cat >"$TMP/measured.json" <<'JSON'
{"schema": "oclab.profile/1", "device": {"name": "test device"},
 "ceilings": {"memory": [{"level": "dram", "gbs": 50}], "compute": [{"precision": "f32", "gflops": 1000}]},
 "kernels": [
  {"family": "gemv", "format": "q8_0", "shape": {"m": 1, "n": 4096, "k": 4096}, "verified": true, "efficiency": 0.5},
  {"family": "gemv", "format": "q8_0", "shape": {"m": 1, "n": 4096, "k": 4096}, "verified": true, "efficiency": 0.9,
   "baseline": "clblast"},
  {"family": "attention", "format": "f16", "shape": {"batch": 1, "heads": 32, "kv_heads": 32, "head_dim": 128,
   "context": 4096}, "verified": true, "efficiency": 1.0}]}
JSON
ok "expected" model --model llama-2-7b --weights q8_0 --profile "$TMP/measured.json" --json
keys_top=$(sed -n 's/^\t"\([a-z_]*\)":.*/\1/p' "$TMP/out" | tr '\n' ' ')
[ "$keys_top" = "$(echo $model_keys) " ] || check_fail "expected: keys '$keys_top'"
sol=$(get ms_per_token)
near expected_ms_per_token "$(awk -v s="$sol" 'BEGIN { print 2 * s }')" "$(awk -v s="$sol" 'BEGIN { print 0.005 * s }')"
ok "expected ctx" model --model llama-2-7b --weights q8_0 --context 4096 --profile "$TMP/measured.json" --json
weights_ms=$(awk -v b="$(get weight_bytes)" 'BEGIN { print b / 50e9 * 1e3 }')
want=$(awk -v s="$(get ms_per_token)" -v w="$weights_ms" 'BEGIN { print s + w }')
near expected_ms_per_token "$want" "$(awk -v w="$want" 'BEGIN { print 0.005 * w }')"
ok "expected human" model --model llama-2-7b --weights q8_0 --context 4096 --profile "$TMP/measured.json"
grep -q '^  expected  *[0-9.]* tokens/s' "$TMP/out" || check_fail "expected human: no expected line"
grep -q 'attention .* 100.0% .* #3 attention f16' "$TMP/out" || check_fail "expected human: attention part"
grep -q '^  parameters  *6.61 B params' "$TMP/out" || check_fail "expected human: parameters not for people"
ok "expected sweep" model --model llama-2-7b --weights q8_0 --profile "$TMP/measured.json" --sweep-context
[ "$(awk '$1 ~ /^[0-9]+$/ && $6 ~ /^[0-9.]+$/' "$TMP/out" | wc -l)" = 9 ] || check_fail "expected sweep: 9 rows with expected"
ok "expected batch" model --model llama-2-7b --weights q8_0 --batch 4 --profile "$TMP/measured.json" --json
grep -q '"expected_tokens_per_s":	[0-9]' "$TMP/out" || check_fail "expected batch: no expected speed"
ok "no kernel of the format" model --model llama-2-7b --weights q4_0 --profile "$TMP/measured.json" --json
equals expected_tokens_per_s null
grep -q '"expected_note":.*no usable gemv q4_0 kernel' "$TMP/out" || check_fail "$label: no reason given"

# bf16 activations, queries, outputs and KV caches: 2 bytes each, like f16.
ok "bf16 act" cost gemv --m 16 --n 8192 --k 1024 --weights f16 --act bf16 --out bf16 --spec a100 --json
equals bytes_act 32768
equals bytes_out 262144
ok "bf16 kv" cost attention --batch 4 --heads 64 --kv-heads 8 --head-dim 128 --context 4096 --kv bf16 --spec a100 --json
equals bytes_kv 67108864
equals bytes_q 65536
ok "bf16 kv model" model --model llama-2-7b --weights q4_0 --kv bf16 --context 100 --spec a100 --json
equals kv_bytes_per_token 524288

# Human output: a table with units, the same numbers.
ok "human gemv" cost gemv --m 16 --n 8192 --k 1024 --weights f16 --spec a100
grep -q "FLOP/byte" "$TMP/out" || check_fail "human gemv: no units"
ok "human model" model --model llama-2-7b --weights f16 --peak-gflops 1000 --bandwidth-gbs 100
grep -q "device memory unknown" "$TMP/out" || check_fail "human model: max context not explained"
ok "sweep" model --model llama-3-8b --weights q4_0 --spec rtx-4090 --sweep-context
[ "$(grep -c memory "$TMP/out")" -ge 9 ] || check_fail "sweep: expected 9 rows"

# Bad input.
echo '{"n_layers": 2,' >"$TMP/broken.json"
echo '{"schema": "oclab.profile/1", "ceilings": {"memory": [], "compute": []}}' >"$TMP/nodram.json"
dev="--peak-gflops 1000 --bandwidth-gbs 100"
bad "no shape" cost
bad "unknown shape" cost gemm --m 1 $dev
bad "unknown format" cost gemv --m 1 --n 64 --k 64 --weights q5_k $dev
bad "k not multiple of 32" cost gemv --m 1 --n 64 --k 40 --weights q8_0 $dev
bad "zero size" cost gemv --m 0 --n 64 --k 64 --weights f16 $dev
bad "negative size" cost gemv --m -1 --n 64 --k 64 --weights f16 $dev
bad "not a number" cost gemv --m 1x --n 64 --k 64 --weights f16 $dev
bad "overflow" cost gemv --m 4294967296 --n 4294967296 --k 32 --weights f16 $dev
bad "huge" cost gemv --m 99999999999999999999999 --n 64 --k 64 --weights f16 $dev
bad "missing value" cost gemv --n 64 --k 64 --weights f16 $dev --m
bad "missing size" cost gemv --n 64 --k 64 --weights f16 $dev
bad "act format" cost gemv --m 1 --n 64 --k 64 --weights f16 --act q8_0 $dev
grep -q "one of f32, f16, bf16" "$TMP/err" || check_fail "act format: choices not listed"
bad "unknown option" cost gemv --m 1 --n 64 --k 64 --weights f16 --bogus $dev
bad "no device" cost gemv --m 1 --n 64 --k 64 --weights f16
bad "two devices" cost gemv --m 1 --n 64 --k 64 --weights f16 --spec a100 $dev
bad "half device" cost gemv --m 1 --n 64 --k 64 --weights f16 --peak-gflops 1000
bad "negative peak" cost gemv --m 1 --n 64 --k 64 --weights f16 --peak-gflops -5 --bandwidth-gbs 100
bad "unknown spec" cost gemv --m 1 --n 64 --k 64 --weights f16 --spec no-such-gpu
bad "memory-gb with spec" model --model llama-2-7b --weights f16 --spec a100 --memory-gb 80
bad "heads" cost attention --heads 12 --kv-heads 5 --head-dim 64 --context 8 $dev
bad "kv format" cost attention --heads 8 --head-dim 64 --context 8 --kv q4_0 $dev
bad "zero context" cost attention --heads 8 --head-dim 64 --context 0 $dev
bad "attn overflow" cost attention --batch 18446744073709551615 --heads 8 --head-dim 64 --context 8 $dev
bad "unknown model" model --model no-such-model --weights f16 $dev
bad "malformed config" model --config "$TMP/broken.json" --weights f16 $dev
bad "model and config" model --model llama-2-7b --config "$TMP/broken.json" --weights f16 $dev
bad "no weights" model --model llama-2-7b $dev
bad "zero batch" model --model llama-2-7b --weights f16 --batch 0 $dev
bad "malformed profile" cost gemv --m 1 --n 64 --k 64 --weights f32 --profile "$TMP/broken.json"
bad "profile without dram" model --model llama-2-7b --weights f16 --profile "$TMP/nodram.json"
bad "profile without f16" cost gemv --m 1 --n 64 --k 64 --weights f16 --profile "$TMP/profile.json"
bad "missing profile" cost gemv --m 1 --n 64 --k 64 --weights f32 --profile "$TMP/none.json"

finish "all cost/model CLI checks passed"
