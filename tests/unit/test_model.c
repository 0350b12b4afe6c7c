/* Model configs and the decode-step predictor against public parameter counts and issue 3's examples. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "roofline/model.h"
#include "roofline/profile.h"

#define assert_near(got, want, tol) assert_true(fabs((double)(got) - (double)(want)) <= (tol))

static rl_decode_cost cost_of(const char *model, rl_format weights, uint64_t batch, uint64_t context)
{
    rl_model_config cfg;
    char err[256];
    assert_int_equal(rl_model_load(model, &cfg, err, sizeof err), 0);
    rl_decode_shape s = {.weights = weights, .kv = RL_FMT_F16, .batch = batch, .context = context};
    rl_decode_cost c;
    assert_int_equal(rl_decode_cost_of(&cfg, &s, &c, err, sizeof err), 0);
    return c;
}

/* Public totals (HF safetensors) less the embedding table and the RMSNorm weights (2 per layer + 1
 * final, d_model each) are exactly what the matrices count: biases are absent in Llama. */
static void test_llama_params(void **state)
{
    (void)state;
    rl_decode_cost c = cost_of("llama-2-7b", RL_FMT_F16, 1, 0);
    assert_int_equal(c.params_total, UINT64_C(6738415616) - 32000 * 4096 - (2 * 32 + 1) * 4096);
    assert_int_equal(c.params_head, 32000 * 4096);
    assert_int_equal(c.params_layers, 32ull * (4 * 4096 * 4096 + 3 * 4096 * 11008));
    assert_int_equal(c.weight_bytes, 2 * c.params_total);
    c = cost_of("llama-2-70b", RL_FMT_F16, 1, 0);
    assert_int_equal(c.params_total, UINT64_C(68976648192) - 32000 * 8192 - (2 * 80 + 1) * 8192);
}

/* Qwen1.5-110B: 80 layers x 8 KV heads x 128 dims x (K and V) = 163,840 elements per token. */
static void test_qwen_110b_kv(void **state)
{
    (void)state;
    rl_decode_cost c = cost_of("qwen1.5-110b", RL_FMT_F16, 2, 1000);
    assert_int_equal(c.kv_bytes_per_token / 2, 163840);
    assert_int_equal(c.kv_bytes, 2 * 1000 * c.kv_bytes_per_token);
    assert_int_equal(c.bytes, c.weight_bytes + c.kv_bytes);
    assert_int_equal(c.flops, 2 * 2 * c.params_total + 4ull * 2 * 80 * 64 * 128 * 1000);
}

/* Qwen1.5-7B in f16 on an RTX 4090: 14.2 GB of weights at 1,008 GB/s = 14.1 ms per token. */
static void test_qwen_7b_4090(void **state)
{
    (void)state;
    rl_decode_cost c = cost_of("qwen1.5-7b", RL_FMT_F16, 1, 0);
    rl_roof roof;
    char err[256];
    assert_int_equal(rl_spec_roof("rtx-4090", "f16", &roof, err, sizeof err), 0);
    rl_decode_prediction p = rl_decode_predict(&c, 1, roof);
    assert_false(p.bound.compute_bound);
    assert_near(p.ms_per_token, 14.1, 0.05);
    assert_near(p.tokens_per_s, 1000.0 / p.ms_per_token, 1e-9);
}

static void test_knees_and_memory(void **state)
{
    (void)state;
    rl_decode_cost c = cost_of("llama-2-7b", RL_FMT_F16, 1, 0);
    rl_roof roof = {312000.0, 2000.0};
    rl_decode_prediction p = rl_decode_predict(&c, 1, roof);
    /* f16: weight_bytes = 2 params, so the crude knee is the ridge itself. */
    assert_near(p.prefill_knee_crude, 156.0, 1e-9);
    assert_near(p.prefill_knee_fine,
                (156.0 * (double)c.weight_bytes - 2.0 * (double)c.params_head) / (2.0 * (double)c.params_layers),
                1e-9);
    assert_true(p.prefill_knee_fine > p.prefill_knee_crude);
    /* 80 GB beside 13.2 GB of weights, 524,288 B per token (f16, 32 layers x 32 heads x 128 x 2 x 2). */
    assert_int_equal(c.kv_bytes_per_token, 524288);
    uint64_t tokens = rl_max_context(&c, 1, 80e9);
    assert_int_equal(tokens, (uint64_t)floor((80e9 - (double)c.weight_bytes) / 524288.0));
    assert_int_equal(rl_max_context(&c, 4, 80e9), (uint64_t)floor((80e9 - (double)c.weight_bytes) / (4 * 524288.0)));
    assert_int_equal(rl_max_context(&c, 1, 1e9), 0); /* weights alone do not fit */
}

static void test_quantized_weights(void **state)
{
    (void)state;
    rl_decode_cost f16 = cost_of("mistral-7b", RL_FMT_F16, 1, 0);
    rl_decode_cost q4 = cost_of("mistral-7b", RL_FMT_Q4_0, 1, 0);
    assert_int_equal(q4.params_total, f16.params_total);
    assert_int_equal(q4.weight_bytes, f16.params_total / 32 * 18); /* every K is a multiple of 32 */
}

static int parse_text(const char *text, rl_model_config *cfg, char *err, size_t len)
{
    cJSON *json = cJSON_Parse(text);
    int rc = rl_model_parse(json, cfg, err, len);
    cJSON_Delete(json);
    return rc;
}

static void test_bad_configs(void **state)
{
    (void)state;
    rl_model_config cfg;
    char err[256];
    const char *good = "{\"n_layers\":2,\"d_model\":64,\"n_heads\":4,\"n_kv_heads\":2,\"d_ff\":128,"
                       "\"vocab\":100,\"ffn\":\"gelu\"}";
    assert_int_equal(parse_text(good, &cfg, err, sizeof err), 0);
    assert_int_equal(cfg.head_dim, 16); /* derived */
    assert_int_equal(cfg.ffn, RL_FFN_GELU);
    const char *bad[] = {
        "{\"d_model\":64,\"n_heads\":4,\"n_kv_heads\":2,\"d_ff\":128,\"vocab\":100,\"ffn\":\"gelu\"}",
        "{\"n_layers\":-2,\"d_model\":64,\"n_heads\":4,\"n_kv_heads\":2,\"d_ff\":128,\"vocab\":100,\"ffn\":\"gelu\"}",
        "{\"n_layers\":2.5,\"d_model\":64,\"n_heads\":4,\"n_kv_heads\":2,\"d_ff\":128,\"vocab\":100,\"ffn\":\"gelu\"}",
        "{\"n_layers\":2,\"d_model\":64,\"n_heads\":4,\"n_kv_heads\":3,\"d_ff\":128,\"vocab\":100,\"ffn\":\"gelu\"}",
        "{\"n_layers\":2,\"d_model\":64,\"n_heads\":4,\"n_kv_heads\":2,\"d_ff\":128,\"vocab\":100,\"ffn\":\"relu\"}",
        "{\"n_layers\":2,\"d_model\":65,\"n_heads\":4,\"n_kv_heads\":2,\"d_ff\":128,\"vocab\":100,\"ffn\":\"gelu\"}",
        "{\"n_layers\":\"2\",\"d_model\":64,\"n_heads\":4,\"n_kv_heads\":2,\"d_ff\":128,\"vocab\":100,\"ffn\":\"gelu\"}",
        "[1, 2]",
        "{\"n_layers\":16777217,\"d_model\":64,\"n_heads\":4,\"n_kv_heads\":2,\"d_ff\":128,\"vocab\":100,\"ffn\":\"gelu\"}",
        "{\"name\":7,\"n_layers\":2,\"d_model\":64,\"n_heads\":4,\"n_kv_heads\":2,\"d_ff\":128,\"vocab\":100,\"ffn\":\"gelu\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(parse_text(bad[i], &cfg, err, sizeof err), -1);
        assert_true(err[0] != '\0' && strchr(err, '\n') == NULL);
    }
    assert_non_null(strstr(err, "name must be a string"));
    assert_int_equal(parse_text(bad[sizeof bad / sizeof bad[0] - 2], &cfg, err, sizeof err), -1);
    assert_string_equal(err, "model config: n_layers must be an integer from 1 to 16777216");
    assert_int_equal(rl_model_parse(NULL, &cfg, err, sizeof err), -1); /* malformed JSON parses to NULL */
    assert_int_equal(rl_model_load("no-such-model", &cfg, err, sizeof err), -1);

    /* q4_0 weights need every K a multiple of 32; 2^40-wide models overflow the counts. */
    assert_int_equal(parse_text(good, &cfg, err, sizeof err), 0);
    cfg.d_ff = 100;
    rl_decode_shape s = {.weights = RL_FMT_Q4_0, .kv = RL_FMT_F16, .batch = 1, .context = 0};
    rl_decode_cost c;
    assert_int_equal(rl_decode_cost_of(&cfg, &s, &c, err, sizeof err), -1);
    cfg.d_ff = cfg.d_model = UINT64_C(1) << 40;
    s.weights = RL_FMT_F16;
    assert_int_equal(rl_decode_cost_of(&cfg, &s, &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "overflow"));
}

static void test_malformed_file(void **state)
{
    (void)state;
    char path[] = "/tmp/oclab_model_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"n_layers\": 2,", f);
    fclose(f);
    rl_model_config cfg;
    char err[256];
    assert_int_equal(rl_model_load(path, &cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "not valid JSON"));
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llama_params),      cmocka_unit_test(test_qwen_110b_kv),
        cmocka_unit_test(test_qwen_7b_4090),      cmocka_unit_test(test_knees_and_memory),
        cmocka_unit_test(test_quantized_weights), cmocka_unit_test(test_bad_configs),
        cmocka_unit_test(test_malformed_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
