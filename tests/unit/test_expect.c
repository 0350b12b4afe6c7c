/* Expected decode speed from measured kernels (roofline/expect.h), and spec sheets found by OpenCL name. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "roofline/expect.h"
#include "roofline/spec.h"

#define assert_near(got, want, rel) assert_true(fabs((double)(got) - (double)(want)) <= (rel) * fabs((double)(want)))

/* A profile of a device with DRAM GBS and an f32 peak GFLOPS, kernels added by the tests. */
static cJSON *profile_new(double gbs, double gflops)
{
    char text[512];
    snprintf(text, sizeof text,
             "{\"schema\":\"oclab.profile/1\",\"ceilings\":{\"memory\":[{\"level\":\"dram\",\"gbs\":%g}],"
             "\"compute\":[{\"precision\":\"f32\",\"gflops\":%g}]},\"kernels\":[]}",
             gbs, gflops);
    cJSON *p = cJSON_Parse(text);
    assert_non_null(p);
    return p;
}

/* Appends a verified GEMV kernel; EXTRA (may be NULL) is merged in as JSON members. */
static void add_gemv(cJSON *p, const char *format, int m, int n, int k, double efficiency, const char *extra)
{
    char text[512];
    snprintf(text, sizeof text,
             "{\"family\":\"gemv\",\"format\":\"%s\",\"shape\":{\"m\":%d,\"n\":%d,\"k\":%d},\"verified\":true,"
             "\"efficiency\":%g%s%s}",
             format, m, n, k, efficiency, extra ? "," : "", extra ? extra : "");
    cJSON *item = cJSON_Parse(text);
    assert_non_null(item);
    cJSON_AddItemToArray(cJSON_GetObjectItem(p, "kernels"), item);
}

static void add_attention(cJSON *p, const char *kv, int heads, int kv_heads, int context, double efficiency)
{
    char text[512];
    snprintf(text, sizeof text,
             "{\"family\":\"attention\",\"format\":\"%s\",\"shape\":{\"batch\":1,\"heads\":%d,\"kv_heads\":%d,"
             "\"head_dim\":128,\"context\":%d},\"verified\":true,\"efficiency\":%g}",
             kv, heads, kv_heads, context, efficiency);
    cJSON *item = cJSON_Parse(text);
    assert_non_null(item);
    cJSON_AddItemToArray(cJSON_GetObjectItem(p, "kernels"), item);
}

/* 2 layers, d 64, 2 query heads of 32 over 1 KV head, d_ff 128, vocab 256, swiglu. */
static rl_model_config tiny_model(void)
{
    rl_model_config cfg;
    char err[256];
    cJSON *json = cJSON_Parse("{\"name\":\"tiny\",\"n_layers\":2,\"d_model\":64,\"n_heads\":2,\"n_kv_heads\":1,"
                              "\"head_dim\":32,\"d_ff\":128,\"vocab\":256,\"ffn\":\"swiglu\"}");
    assert_int_equal(rl_model_parse(json, &cfg, err, sizeof err), 0);
    cJSON_Delete(json);
    return cfg;
}

/* q4_0 bytes of an N x K matrix with f32 activations and outputs for M rows: 18 B per 32 weights. */
static double q4_bytes(double m, double n, double k)
{
    return n * k / 32.0 * 18.0 + m * k * 4.0 + m * n * 4.0;
}

static void test_weights_at_their_efficiency(void **state)
{
    (void)state;
    cJSON *p = profile_new(100.0, 1000.0);
    add_gemv(p, "q4_0", 1, 64, 64, 0.5, NULL);
    add_gemv(p, "q4_0", 16, 64, 64, 0.8, NULL);
    add_gemv(p, "q4_0", 1, 64, 64, 0.9, "\"baseline\":\"clblast\""); /* a peer's: never used */
    add_gemv(p, "q4_0", 1, 64, 64, 0.95, "\"suspect\":true");
    add_gemv(p, "q4_0", 1, 64, 64, 1.3, NULL);                       /* above its roof */
    add_gemv(p, "q4_0", 1, 64, 64, 0.97, NULL);
    cJSON_ReplaceItemInObject(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "kernels"), 5), "verified",
                              cJSON_CreateFalse());
    rl_measured_set set;
    char err[256];
    assert_int_equal(rl_measured_read(p, &set, err, sizeof err), 0);
    assert_int_equal(set.n, 2);
    assert_int_equal(set.n_unusable, 2);
    assert_near(set.roof.gbs, 100.0, 1e-12);

    rl_model_config cfg = tiny_model();
    rl_decode_shape shape = {RL_FMT_Q4_0, RL_FMT_F16, 1, 0};
    rl_expectation e;
    assert_int_equal(rl_expect_decode(&cfg, &shape, &set, &e, err, sizeof err), 0);
    /* Every matrix memory-bound at 1 FLOP per 0.56 byte: bytes / 100 GB/s / 0.5, no attention at S = 0. */
    const double mats[][3] = {{64, 64, 2}, {32, 64, 2}, {32, 64, 2}, {64, 64, 2},
                              {128, 64, 2}, {128, 64, 2}, {64, 128, 2}, {256, 64, 1}};
    double want = 0.0;
    for (size_t i = 0; i < sizeof mats / sizeof mats[0]; i++)
        want += mats[i][2] * q4_bytes(1, mats[i][0], mats[i][1]) / 100e9 / 0.5;
    assert_int_equal(e.n_parts, 8);
    assert_string_equal(e.parts[7].what, "lm_head");
    assert_int_equal(e.parts[7].count, 1);
    assert_int_equal(e.parts[0].kernel_index, 0);
    assert_near(e.t_s, want, 1e-12);
    assert_near(e.tokens_per_s, 1.0 / want, 1e-12);
    assert_true(e.t_attention_s == 0.0);

    /* Batch 8 is nearer 16 than 1 (in log): 0.8. Batch 2 is nearer 1: 0.5. */
    shape.batch = 8;
    assert_int_equal(rl_expect_decode(&cfg, &shape, &set, &e, err, sizeof err), 0);
    assert_int_equal(e.parts[0].kernel_index, 1);
    assert_near(e.parts[0].efficiency, 0.8, 1e-12);
    shape.batch = 2;
    assert_int_equal(rl_expect_decode(&cfg, &shape, &set, &e, err, sizeof err), 0);
    assert_near(e.parts[0].efficiency, 0.5, 1e-12);

    /* No kernel of the format, or of the KV format once there is a context: no number, a reason. */
    shape.weights = RL_FMT_Q8_0;
    assert_int_equal(rl_expect_decode(&cfg, &shape, &set, &e, err, sizeof err), -1);
    assert_string_equal(err, "the profile has no usable gemv q8_0 kernel");
    shape.weights = RL_FMT_Q4_0;
    shape.context = 100;
    assert_int_equal(rl_expect_decode(&cfg, &shape, &set, &e, err, sizeof err), -1);
    assert_string_equal(err, "the profile has no usable attention kernel with a f16 KV cache");
    rl_measured_free(&set);
    cJSON_Delete(p);
}

static void test_nearest_shape(void **state)
{
    (void)state;
    cJSON *p = profile_new(100.0, 1000.0);
    add_gemv(p, "q8_0", 1, 4096, 4096, 0.6, NULL);
    add_gemv(p, "q8_0", 1, 11008, 4096, 0.7, NULL);
    add_gemv(p, "q8_0", 1, 32000, 4096, 0.8, NULL);
    add_attention(p, "f16", 32, 32, 512, 0.5);
    add_attention(p, "f16", 32, 32, 32768, 0.6);
    add_attention(p, "f16", 32, 8, 4096, 0.7);
    rl_measured_set set;
    char err[256];
    assert_int_equal(rl_measured_read(p, &set, err, sizeof err), 0);
    assert_int_equal(rl_nearest_gemv(&set, RL_FMT_Q8_0, 1, 14336, 4096)->index, 1);
    assert_int_equal(rl_nearest_gemv(&set, RL_FMT_Q8_0, 1, 128256, 4096)->index, 2);
    assert_int_equal(rl_nearest_gemv(&set, RL_FMT_Q8_0, 1, 1024, 4096)->index, 0);
    assert_null(rl_nearest_gemv(&set, RL_FMT_Q4_0, 1, 4096, 4096));
    /* MHA at 8K: the MHA kernels (GQA 4 is further away than a context factor of 16), and 32K is
     * nearer than 512. GQA 32/8 at 8K: the GQA kernel. */
    rl_attn_shape a = {1, 32, 32, 128, 8192, RL_FMT_F16, RL_FMT_F32, RL_FMT_F32};
    assert_int_equal(rl_nearest_attention(&set, &a)->index, 4);
    a.kv_heads = 8;
    assert_int_equal(rl_nearest_attention(&set, &a)->index, 5);
    a.kv = RL_FMT_Q8_0;
    assert_null(rl_nearest_attention(&set, &a));
    rl_measured_free(&set);
    cJSON_Delete(p);
}

/* The attention of one step of tiny_model with KV format KV on a device of GBS and GFLOPS whose f16
 * and q8_0 attention kernels reached EFF_F16 and EFF_Q8. */
static rl_expect_part attention_part(double gbs, double gflops, double eff_f16, double eff_q8, rl_format kv)
{
    cJSON *p = profile_new(gbs, gflops);
    add_gemv(p, "q4_0", 1, 64, 64, 0.5, NULL);
    add_attention(p, "f16", 2, 1, 4096, eff_f16);
    add_attention(p, "q8_0", 2, 1, 4096, eff_q8);
    rl_measured_set set;
    char err[256];
    assert_int_equal(rl_measured_read(p, &set, err, sizeof err), 0);
    rl_model_config cfg = tiny_model();
    cfg.head_dim = 128; /* q8_0 blocks of 32 along the head dimension */
    rl_decode_shape shape = {RL_FMT_Q4_0, kv, 1, 4096};
    rl_expectation e;
    assert_int_equal(rl_expect_decode(&cfg, &shape, &set, &e, err, sizeof err), 0);
    rl_measured_free(&set);
    cJSON_Delete(p);
    assert_string_equal(e.parts[e.n_parts - 1].what, "attention");
    assert_near(e.t_attention_s, e.parts[e.n_parts - 1].t_s, 1e-12);
    return e.parts[e.n_parts - 1];
}

/* GQA 2: 8 core FLOPs per S*D against 4 bytes of f16 K and V (2 FLOP/byte) or 2.125 of q8_0 (3.76). */
static void test_q8_0_kv_compute_bound(void **state)
{
    (void)state;
    /* Ridge 3 FLOP/byte: f16 memory-bound, q8_0 compute-bound. Half the bytes, but at the efficiency
     * the integer kernel reached (0.5 against f16's 0.9) it is the slower one. */
    rl_expect_part f16 = attention_part(100.0, 300.0, 0.9, 0.5, RL_FMT_F16);
    rl_expect_part q8 = attention_part(100.0, 300.0, 0.9, 0.5, RL_FMT_Q8_0);
    assert_false(f16.compute_bound);
    assert_true(q8.compute_bound);
    double s = 4096.0, d = 128.0;
    assert_near(f16.t_s, 2.0 * (2.0 * s * d * 2.0 + 2.0 * d * 4.0 + 2.0 * d * 4.0) / 100e9 / 0.9, 1e-12);
    assert_near(q8.t_s, 2.0 * (4.0 * 2.0 * s * d) / 300e9 / 0.5, 1e-12);
    assert_true(q8.t_s > f16.t_s);
    /* With FLOPs to spare (ridge 30) both are memory-bound and the smaller cache wins. */
    f16 = attention_part(100.0, 3000.0, 0.9, 0.5, RL_FMT_F16);
    q8 = attention_part(100.0, 3000.0, 0.9, 0.9, RL_FMT_Q8_0);
    assert_false(q8.compute_bound);
    assert_true(q8.t_s < 0.6 * f16.t_s);
}

/* A q8_0 attention kernel placed on the int16 pair-dot ceiling (roof_precision) is timed on that roof:
 * its efficiency is against it, not against the f32 FMA peak. */
static void test_own_roof(void **state)
{
    (void)state;
    cJSON *p = profile_new(100.0, 300.0);
    cJSON_AddItemToArray(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "ceilings"), "compute"),
                         cJSON_Parse("{\"precision\":\"int16\",\"gflops\":600}"));
    add_gemv(p, "q4_0", 1, 64, 64, 0.5, NULL);
    add_attention(p, "q8_0", 2, 1, 4096, 0.5);
    cJSON *k = cJSON_GetArrayItem(cJSON_GetObjectItem(p, "kernels"), 1);
    cJSON_AddStringToObject(k, "roof_precision", "int16");
    rl_measured_set set;
    char err[256];
    assert_int_equal(rl_measured_read(p, &set, err, sizeof err), 0);
    rl_model_config cfg = tiny_model();
    cfg.head_dim = 128;
    rl_decode_shape shape = {RL_FMT_Q4_0, RL_FMT_Q8_0, 1, 4096};
    rl_expectation e;
    assert_int_equal(rl_expect_decode(&cfg, &shape, &set, &e, err, sizeof err), 0);
    rl_expect_part q8 = e.parts[e.n_parts - 1];
    /* 3.76 FLOP/byte: below the int16 ridge (6), where the f32 ridge (3) would call it compute-bound */
    assert_false(q8.compute_bound);
    double s = 4096.0, d = 128.0;
    assert_near(q8.t_s, 2.0 * (2.0 * s * d * 34.0 / 32.0 + 2.0 * d * 4.0 + 2.0 * d * 4.0) / 100e9 / 0.5, 1e-12);
    rl_measured_free(&set);
    cJSON_Delete(p);
}

static void test_profile_without_roof(void **state)
{
    (void)state;
    cJSON *p = cJSON_Parse("{\"schema\":\"oclab.profile/1\",\"ceilings\":{\"memory\":[{\"level\":\"dram\","
                           "\"gbs\":10}],\"compute\":[]}}");
    rl_measured_set set;
    char err[256];
    assert_int_equal(rl_measured_read(p, &set, err, sizeof err), -1);
    assert_non_null(strstr(err, "f32"));
    cJSON_Delete(p);
}

static void test_spec_for_device(void **state)
{
    (void)state;
    char stem[64] = "";
    cJSON *spec = rl_spec_for_device("NVIDIA GeForce RTX 4090", stem, sizeof stem);
    assert_non_null(spec);
    assert_string_equal(stem, "rtx-4090");
    cJSON_Delete(spec);
    spec = rl_spec_for_device("  nvidia a100-sxm4-80gb ", stem, sizeof stem);
    assert_non_null(spec);
    assert_string_equal(stem, "a100");
    cJSON_Delete(spec);
    /* Another part that shares a prefix, and devices no sheet names. */
    assert_null(rl_spec_for_device("NVIDIA GeForce RTX 4090 D", stem, sizeof stem));
    assert_null(rl_spec_for_device("pthread-skylake-avx512-AMD EPYC", stem, sizeof stem));
    assert_null(rl_spec_for_device("", stem, sizeof stem));
    assert_null(rl_spec_for_device(NULL, stem, sizeof stem));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weights_at_their_efficiency),
        cmocka_unit_test(test_nearest_shape),
        cmocka_unit_test(test_q8_0_kv_compute_bound),
        cmocka_unit_test(test_own_roof),
        cmocka_unit_test(test_profile_without_roof),
        cmocka_unit_test(test_spec_for_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
