/* The cost model against the worked examples of issue 3, checked by hand before being pinned. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "roofline/cost.h"
#include "roofline/profile.h"

#define assert_near(got, want, tol) assert_true(fabs((double)(got) - (double)(want)) <= (tol))

static const rl_roof a100_round = {312000.0, 2000.0}; /* 312 TFLOPS f16 tensor, "2 TB/s" */

static void test_ridges(void **state)
{
    (void)state;
    assert_near(rl_bound_of(1, 1, 1, a100_round).ridge, 156.0, 1e-12);
    rl_roof roof;
    char err[256];
    /* H100 SXM from its spec sheet: 989.4 TFLOPS dense f16 / 3.35 TB/s = 295.3. */
    assert_int_equal(rl_spec_roof("h100-sxm", "f16", &roof, err, sizeof err), 0);
    assert_near(rl_bound_of(1, 1, 1, roof).ridge, 295.3, 0.1);
    /* The A100 sheet carries the printed 2,039 GB/s, so its ridge is 153, not the 156 of "2 TB/s". */
    assert_int_equal(rl_spec_roof("a100", "f16", &roof, err, sizeof err), 0);
    assert_near(rl_bound_of(1, 1, 1, roof).ridge, 312000.0 / 2039.0, 1e-9);
    assert_near(roof.gflops, 312000.0, 0);
}

/* Llama-2-70B with TP=8: o_proj per GPU is N=8192 outputs by K=8192/8=1024 inputs; 16 tokens, f16. */
static void test_llama2_70b_o_proj(void **state)
{
    (void)state;
    rl_gemv_shape s = {.m = 16, .n = 8192, .k = 1024, .weights = RL_FMT_F16, .act = RL_FMT_F16, .out = RL_FMT_F16};
    rl_gemv_cost c;
    char err[256];
    assert_int_equal(rl_gemv_cost_of(&s, &c, err, sizeof err), 0);
    assert_int_equal(c.flops, 268435456);         /* 2*16*8192*1024 */
    assert_int_equal(c.bytes_weights, 16777216);  /* 8192*1024*2 */
    assert_int_equal(c.bytes_act, 32768);         /* 16*1024*2 */
    assert_int_equal(c.bytes_out, 262144);        /* 16*8192*2 */
    assert_int_equal(c.bytes, 17072128);
    assert_near(c.intensity, 15.72, 0.005);
    rl_bound b = rl_bound_of((double)c.flops, (double)c.flops_padded, (double)c.bytes, a100_round);
    assert_false(b.compute_bound);
    assert_near(b.attainable_gflops, 31447.2, 0.1); /* 31.4 TFLOPS at 2 TB/s */
    rl_bound slow = rl_bound_of((double)c.flops, (double)c.flops, (double)c.bytes, (rl_roof){312000.0, 1500.0});
    assert_near(slow.t_bound_s * 1e6, 11.38, 0.005); /* 11.4 us at 1.5 TB/s */
}

/* Llama-2-7B FFN in int8 with per-row scales, batch 1: 2 FLOPs per weight byte, less the scales and
 * activations: just under 2. */
static void test_llama2_7b_int8_ffn(void **state)
{
    (void)state;
    char err[256];
    rl_gemv_shape up = {.m = 1, .n = 11008, .k = 4096, .weights = RL_FMT_I8_PC, .act = RL_FMT_F32, .out = RL_FMT_F32};
    rl_gemv_shape down = {.m = 1, .n = 4096, .k = 11008, .weights = RL_FMT_I8_PC, .act = RL_FMT_F32, .out = RL_FMT_F32};
    rl_gemv_cost c;
    assert_int_equal(rl_gemv_cost_of(&up, &c, err, sizeof err), 0);
    assert_int_equal(c.bytes_weights, 11008ull * 4096 + 4 * 11008);
    assert_true(c.intensity > 1.99 && c.intensity < 2.0);
    assert_int_equal(rl_gemv_cost_of(&down, &c, err, sizeof err), 0);
    assert_true(c.intensity > 1.99 && c.intensity < 2.0);
}

static void test_padding(void **state)
{
    (void)state;
    char err[256];
    rl_gemv_shape s = {.m = 17, .n = 64, .k = 64, .weights = RL_FMT_Q4_0, .act = RL_FMT_F32, .out = RL_FMT_F32,
                       .tile_m = 16};
    rl_gemv_cost c, unpadded;
    assert_int_equal(rl_gemv_cost_of(&s, &c, err, sizeof err), 0);
    assert_int_equal(c.m_padded, 32);
    assert_int_equal(c.flops, 2 * 17 * 64 * 64);
    assert_int_equal(c.flops_padded, 2 * 32 * 64 * 64);
    s.tile_m = 1;
    assert_int_equal(rl_gemv_cost_of(&s, &unpadded, err, sizeof err), 0);
    assert_int_equal(unpadded.m_padded, 17);
    assert_int_equal(c.bytes, unpadded.bytes); /* padding adds FLOPs, never bytes */
    assert_near(c.intensity_padded / c.intensity, 32.0 / 17.0, 1e-12);

    /* A compute-bound padded kernel is timed on its executed FLOPs, credited for its useful ones. */
    rl_bound b = rl_bound_of((double)c.flops, (double)c.flops_padded, (double)c.bytes, (rl_roof){1.0, 1000.0});
    assert_true(b.compute_bound);
    assert_near(b.t_comp_s, (double)c.flops_padded / 1e9, 1e-15);
    assert_near(b.attainable_gflops, 17.0 / 32.0, 1e-12);
}

/* Decode attention: 4 FLOPs per (head, token, dim) over 2 * row bytes per (KV head, token): with an
 * f16 cache intensity is Hq/Hkv, about 1 for multi-head attention. */
static void test_attention(void **state)
{
    (void)state;
    char err[256];
    rl_attn_shape mha = {.batch = 1, .heads = 32, .kv_heads = 32, .head_dim = 128, .context = 4096,
                         .kv = RL_FMT_F16, .q = RL_FMT_F16, .out = RL_FMT_F16};
    rl_attn_cost c;
    assert_int_equal(rl_attn_cost_of(&mha, &c, err, sizeof err), 0);
    assert_int_equal(c.flops_core, 4ull * 32 * 4096 * 128);
    assert_int_equal(c.flops_softmax, 5ull * 32 * 4096);
    assert_int_equal(c.flops, c.flops_core + c.flops_softmax);
    assert_int_equal(c.bytes_kv, 2ull * 32 * 4096 * 256);
    assert_int_equal(c.bytes_q, 32 * 128 * 2);
    assert_int_equal(c.bytes_out, 32 * 128 * 2);
    assert_near(c.intensity, 1.0, 0.001);
    assert_near(c.intensity_total, (double)c.flops / (double)c.bytes, 1e-12);

    rl_attn_shape gqa = mha; /* Llama-2-70B: 64 query heads on 8 KV heads */
    gqa.batch = 4;
    gqa.heads = 64;
    gqa.kv_heads = 8;
    assert_int_equal(rl_attn_cost_of(&gqa, &c, err, sizeof err), 0);
    assert_int_equal(c.bytes_kv, 2ull * 4 * 8 * 4096 * 256);
    assert_near(c.intensity, 8.0, 0.02); /* 7.984: q and out bytes are the 0.2% */

    rl_attn_shape q8 = mha; /* q8_0 cache: 34 bytes per 32 elements */
    q8.kv = RL_FMT_Q8_0;
    assert_int_equal(rl_attn_cost_of(&q8, &c, err, sizeof err), 0);
    assert_int_equal(c.bytes_kv, 2ull * 32 * 4096 * 136);
}

/* Each shape is refused with a reason containing WHY. */
static void test_bad_input(void **state)
{
    (void)state;
    char err[256];
    static const struct {
        rl_gemv_shape shape;
        const char *why;
    } gemv[] = {
        {{.m = 1, .n = 64, .k = 48, .weights = RL_FMT_Q8_0, .act = RL_FMT_F32, .out = RL_FMT_F32},
         "not a multiple of 32"},
        {{.m = 0, .n = 64, .k = 64, .weights = RL_FMT_Q8_0, .act = RL_FMT_F32, .out = RL_FMT_F32}, "positive"},
        {{.m = 1, .n = 64, .k = 64, .weights = RL_FMT_Q8_0, .act = RL_FMT_Q4_0, .out = RL_FMT_F32}, "activation"},
        /* 2*M*N*K = 2^71 */
        {{.m = UINT64_C(1) << 32, .n = UINT64_C(1) << 32, .k = 64, .weights = RL_FMT_Q8_0, .act = RL_FMT_F32,
          .out = RL_FMT_F32}, "overflow"},
        /* m_padded overflows nothing but 2*m_padded*N*K does */
        {{.m = 1, .n = 64, .k = 64, .tile_m = UINT64_MAX, .weights = RL_FMT_Q8_0, .act = RL_FMT_F32,
          .out = RL_FMT_F32}, "overflow"},
    };
    rl_gemv_cost gc;
    for (size_t i = 0; i < sizeof gemv / sizeof gemv[0]; i++) {
        assert_int_equal(rl_gemv_cost_of(&gemv[i].shape, &gc, err, sizeof err), -1);
        assert_non_null(strstr(err, gemv[i].why));
    }
    assert_int_equal(rl_gemv_cost_of(NULL, &gc, err, sizeof err), -1);

    static const struct {
        rl_attn_shape shape;
        const char *why;
    } attn[] = {
        {{.batch = 1, .heads = 12, .kv_heads = 5, .head_dim = 64, .context = 8, .kv = RL_FMT_F16, .q = RL_FMT_F16,
          .out = RL_FMT_F16}, "multiple of KV heads"}, /* 12 heads on 5 KV heads */
        {{.batch = 1, .heads = 12, .kv_heads = 4, .head_dim = 64, .context = 0, .kv = RL_FMT_F16, .q = RL_FMT_F16,
          .out = RL_FMT_F16}, "positive"},
        {{.batch = 1, .heads = 12, .kv_heads = 4, .head_dim = 64, .context = 8, .kv = RL_FMT_Q4_0, .q = RL_FMT_F16,
          .out = RL_FMT_F16}, "not a KV-cache format"},
        {{.batch = UINT64_MAX / 4, .heads = 12, .kv_heads = 4, .head_dim = 64, .context = 8, .kv = RL_FMT_F16,
          .q = RL_FMT_F16, .out = RL_FMT_F16}, "overflow"},
    };
    rl_attn_cost ac;
    for (size_t i = 0; i < sizeof attn / sizeof attn[0]; i++) {
        assert_int_equal(rl_attn_cost_of(&attn[i].shape, &ac, err, sizeof err), -1);
        assert_non_null(strstr(err, attn[i].why));
    }

    rl_bound b = rl_bound_of(1, 1, 1, (rl_roof){0.0, 100.0});
    assert_true(isnan(b.ridge) && isnan(b.t_bound_s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ridges),          cmocka_unit_test(test_llama2_70b_o_proj),
        cmocka_unit_test(test_llama2_7b_int8_ffn), cmocka_unit_test(test_padding),
        cmocka_unit_test(test_attention),       cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
