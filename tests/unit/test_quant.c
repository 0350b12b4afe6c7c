/* fp16/bf16 conversion, ggml block layouts, and the host references on hand-computed cases. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "roofline/quant.h"

static void test_f16_values(void **state)
{
    (void)state;
    assert_int_equal(rl_f32_to_f16(1.0f), 0x3c00);
    assert_int_equal(rl_f32_to_f16(-2.0f), 0xc000);
    assert_int_equal(rl_f32_to_f16(65504.0f), 0x7bff);        /* largest half */
    assert_int_equal(rl_f32_to_f16(65519.0f), 0x7bff);        /* below the tie: stays finite */
    assert_int_equal(rl_f32_to_f16(65520.0f), 0x7c00);        /* tie rounds to even = inf */
    assert_int_equal(rl_f32_to_f16(1e10f), 0x7c00);
    assert_int_equal(rl_f32_to_f16(-INFINITY), 0xfc00);
    assert_int_equal(rl_f32_to_f16(1.0f + 0x1p-11f), 0x3c00); /* tie, even mantissa kept */
    assert_int_equal(rl_f32_to_f16(1.0f + 0x3p-11f), 0x3c02); /* tie, rounds up to even */
    assert_int_equal(rl_f32_to_f16(0x1p-14f), 0x0400);        /* smallest normal */
    assert_int_equal(rl_f32_to_f16(0x1p-24f), 0x0001);        /* smallest subnormal */
    assert_int_equal(rl_f32_to_f16(0x1p-25f), 0x0000);        /* tie with zero: zero is even */
    assert_int_equal(rl_f32_to_f16(0x3p-26f), 0x0001);        /* 0.75 ulp rounds up */
    assert_int_equal(rl_f32_to_f16(0x3p-25f), 0x0002);        /* 1.5 ulp: tie, to even 2 */
    assert_int_equal(rl_f32_to_f16(0x1ffcp-27f), 0x0400);     /* rounds up out of subnormals */
    assert_int_equal(rl_f32_to_f16(-0.0f), 0x8000);
    uint16_t nan = rl_f32_to_f16(NAN);
    assert_int_equal(nan & 0x7c00, 0x7c00);
    assert_true((nan & 0x03ff) != 0);
    assert_true(rl_f16_to_f32(0x0001) == 0x1p-24f);
    assert_true(rl_f16_to_f32(0x7c00) == INFINITY);
    assert_true(isnan(rl_f16_to_f32(0x7e00)));
}

static void test_f16_round_trip_all(void **state)
{
    (void)state;
    for (uint32_t h = 0; h < 0x10000; h++) {
        float f = rl_f16_to_f32((uint16_t)h);
        if (isnan(f)) {
            assert_true(isnan(rl_f16_to_f32(rl_f32_to_f16(f))));
            continue;
        }
        assert_int_equal(rl_f32_to_f16(f), h);
    }
}

static void test_bf16(void **state)
{
    (void)state;
    assert_int_equal(rl_f32_to_bf16(1.0f), 0x3f80);
    assert_int_equal(rl_f32_to_bf16(1.0f + 0x1p-8f), 0x3f80); /* tie, even kept */
    assert_int_equal(rl_f32_to_bf16(1.0f + 0x3p-8f), 0x3f82); /* tie, up to even */
    assert_true(rl_bf16_to_f32(0xc040) == -3.0f);
    assert_true(isnan(rl_bf16_to_f32(rl_f32_to_bf16(NAN))));
    for (uint32_t h = 0; h < 0x10000; h++) {
        float f = rl_bf16_to_f32((uint16_t)h);
        if (!isnan(f)) {
            assert_int_equal(rl_f32_to_bf16(f), h);
        }
    }
}

/* One 32-block of x[j] = j - 16 in FORMAT. */
static void encode_ramp(rl_format format, unsigned char *bytes)
{
    float x[32];
    for (int j = 0; j < 32; j++) {
        x[j] = (float)(j - 16);
    }
    assert_int_equal(rl_encode_matrix(format, x, 1, 32, bytes), 0);
}

/* x[j] = j - 16: amax 16, so d = 16/127 (fp16 0x3008) and q = round(x * 127/16). */
static void test_q8_0_block(void **state)
{
    (void)state;
    assert_int_equal(sizeof(rl_block_q8_0), 34);
    unsigned char bytes[34];
    encode_ramp(RL_FMT_Q8_0, bytes);
    assert_int_equal(bytes[0] | bytes[1] << 8, 0x3008); /* little-endian fp16 scale first */
    assert_int_equal((int8_t)bytes[2 + 0], -127);         /* -16 */
    assert_int_equal((int8_t)bytes[2 + 15], -8);          /* -1 * 7.9375 */
    assert_int_equal((int8_t)bytes[2 + 16], 0);
    assert_int_equal((int8_t)bytes[2 + 17], 8);           /* 7.9375 */
    assert_int_equal((int8_t)bytes[2 + 31], 119);         /* 15 * 7.9375 = 119.06 */
    float back[32];
    rl_decode_row(RL_FMT_Q8_0, bytes, 1, 32, 0, back);
    assert_true(back[31] == 119.0f * rl_f16_to_f32(0x3008));
}

/* x[j] = j - 16: the max-magnitude value is -16, so d = -16/-8 = 2, q = min(15, (int)(x/2 + 8.5)). */
static void test_q4_0_block(void **state)
{
    (void)state;
    assert_int_equal(sizeof(rl_block_q4_0), 18);
    unsigned char bytes[18];
    encode_ramp(RL_FMT_Q4_0, bytes);
    assert_int_equal(bytes[0] | bytes[1] << 8, 0x4000); /* 2.0 */
    assert_int_equal(bytes[2 + 0], 0x80);   /* x0=-16 -> 0 low; x16=0 -> 8 high */
    assert_int_equal(bytes[2 + 1], 0x91);   /* x1=-15 -> 1; x17=1 -> 9 */
    assert_int_equal(bytes[2 + 15], 0xf8);  /* x15=-1 -> 8; x31=15 -> 16, clamped to 15 */
    float back[32];
    rl_decode_row(RL_FMT_Q4_0, bytes, 1, 32, 0, back);
    assert_true(back[0] == -16.0f);
    assert_true(back[31] == 14.0f);

    /* A positive max gives a negative scale: d = 8/-8 = -1, and 8 encodes as q = 0. */
    float y[32] = {8.0f, 3.0f};
    assert_int_equal(rl_encode_matrix(RL_FMT_Q4_0, y, 1, 32, bytes), 0);
    assert_int_equal(bytes[0] | bytes[1] << 8, 0xbc00);
    assert_int_equal(bytes[2] & 0x0f, 0);
    rl_decode_row(RL_FMT_Q4_0, bytes, 1, 32, 0, back);
    assert_true(back[0] == 8.0f && back[1] == 3.0f && back[2] == 0.0f);
}

static void test_i8_pc_layout(void **state)
{
    (void)state;
    float w[2 * 32] = {0};
    w[0] = 127.0f;
    w[1] = -3.0f;
    w[32] = -254.0f;
    w[33] = 2.0f;
    unsigned char bytes[2 * 32 + 2 * 4];
    assert_int_equal(rl_encode_matrix(RL_FMT_I8_PC, w, 2, 32, bytes), 0);
    assert_int_equal((int8_t)bytes[1], -3);
    assert_int_equal((int8_t)bytes[32], -127);
    assert_int_equal((int8_t)bytes[33], 1);
    float s0, s1;
    memcpy(&s0, bytes + 64, 4);
    memcpy(&s1, bytes + 68, 4);
    assert_true(s0 == 1.0f && s1 == 2.0f);
}

/* Weights chosen so every format represents them exactly: small integers, with 127 in every
 * 32-block (q8_0 and i8_pc scale 1) or -8 (q4_0 scale 1). */
static void fill_weights(rl_format format, float *w, int n, int k)
{
    for (int r = 0; r < n; r++) {
        for (int j = 0; j < k; j++) {
            w[r * k + j] = (float)((j * 7 + r * 3) % 15 - 7); /* -7..7 */
            if (j % 32 == 0) {
                w[r * k + j] = format == RL_FMT_Q4_0 ? -8.0f : 127.0f;
            }
        }
    }
}

static void test_gemv_ref_formats(void **state)
{
    (void)state;
    enum { M = 2, N = 3, K = 64 };
    for (int f = 0; f < RL_FMT_COUNT; f++) {
        float w[N * K], x[M * K];
        fill_weights((rl_format)f, w, N, K);
        for (int i = 0; i < M * K; i++) {
            x[i] = (float)(i % 5) - 2.0f;
        }
        unsigned char enc[N * K * 4];
        assert_int_equal(rl_encode_matrix((rl_format)f, w, N, K, enc), 0);
        double y[M * N];
        rl_gemv_ref((rl_format)f, enc, N, K, x, M, y);
        for (int i = 0; i < M; i++) {
            for (int r = 0; r < N; r++) {
                double want = 0.0;
                for (int j = 0; j < K; j++) {
                    want += (double)x[i * K + j] * w[r * K + j];
                }
                assert_true(y[i * N + r] == want);
            }
        }
    }
    /* One value by hand: a row of ones against 1..32 is 528. */
    float ones[32], ramp[32];
    for (int j = 0; j < 32; j++) {
        ones[j] = 1.0f;
        ramp[j] = (float)(j + 1);
    }
    uint16_t h[32];
    assert_int_equal(rl_encode_matrix(RL_FMT_F16, ones, 1, 32, h), 0);
    double y;
    rl_gemv_ref(RL_FMT_F16, h, 1, 32, ramp, 1, &y);
    assert_true(y == 528.0);
}

static void test_encode_rejects(void **state)
{
    (void)state;
    float w[40] = {0};
    unsigned char out[200];
    assert_int_equal(rl_encode_matrix(RL_FMT_Q8_0, w, 1, 40, out), -1); /* K not a multiple of 32 */
    assert_int_equal(rl_encode_matrix(RL_FMT_F32, w, 0, 8, out), -1);
    assert_int_equal(rl_encode_matrix(RL_FMT_COUNT, w, 1, 8, out), -1);
    assert_int_equal(rl_encode_kv(RL_FMT_Q4_0, w, 1, 32, out), -1);    /* not a KV format */
    assert_int_equal(rl_encode_kv(RL_FMT_Q8_0, w, 1, 40, out), -1);
    double y[2];
    rl_gemv_ref(RL_FMT_Q8_0, out, 1, 40, w, 1, y); /* bad shape: NaN, never a plausible number */
    assert_true(isnan(y[0]));
}

/* Two tokens, D = 2, scale 1/sqrt(2): k1 is chosen so score1 - score0 = ln 3, so p = (1/4, 3/4);
 * v0 = (4, 0), v1 = (0, 8) gives out = (1, 6). A second query head of zeros (GQA, 2 heads on one KV
 * head) sees uniform weights: (2, 4). */
static void test_attention_two_tokens(void **state)
{
    (void)state;
    float q[4] = {1.0f, 0.0f, 0.0f, 0.0f};
    float k[4] = {0.0f, 0.0f, (float)(log(3.0) * sqrt(2.0)), 0.0f};
    float v[4] = {4.0f, 0.0f, 0.0f, 8.0f};
    double out[6];
    rl_attention_ref(RL_FMT_F32, q, k, v, 1, 2, 1, 2, 2, out);
    assert_true(fabs(out[0] - 1.0) < 1e-6 && fabs(out[1] - 6.0) < 1e-6);
    assert_true(fabs(out[2] - 2.0) < 1e-12 && fabs(out[3] - 4.0) < 1e-12);

    uint16_t k16[4], v16[4];
    assert_int_equal(rl_encode_kv(RL_FMT_F16, k, 2, 2, k16), 0);
    assert_int_equal(rl_encode_kv(RL_FMT_F16, v, 2, 2, v16), 0);
    rl_attention_ref(RL_FMT_F16, q, k16, v16, 1, 2, 1, 2, 2, out);
    assert_true(fabs(out[0] - 1.0) < 1e-3 && fabs(out[1] - 6.0) < 1e-3);

    rl_attention_ref(RL_FMT_F32, q, k, v, 1, 3, 2, 2, 2, out); /* 3 heads on 2 KV heads: 6 NaNs */
    assert_true(isnan(out[0]));
}

/* q8_0 KV: one block per row; constant rows quantize exactly (d = c/127, q = 127). */
static void test_attention_q8_kv(void **state)
{
    (void)state;
    float q[32] = {0}, k[64], v[64];
    for (int j = 0; j < 32; j++) {
        k[j] = 0.0f;
        k[32 + j] = 0.0f;
        v[j] = 2.0f;
        v[32 + j] = 6.0f;
    }
    rl_block_q8_0 kq[2], vq[2];
    assert_int_equal(rl_encode_kv(RL_FMT_Q8_0, k, 2, 32, kq), 0);
    assert_int_equal(rl_encode_kv(RL_FMT_Q8_0, v, 2, 32, vq), 0);
    double out[32];
    rl_attention_ref(RL_FMT_Q8_0, q, kq, vq, 1, 1, 1, 32, 2, out);
    for (int j = 0; j < 32; j++) {
        assert_true(fabs(out[j] - 4.0) < 4.0 * 1e-3); /* fp16 scale rounding only */
    }
}

static void test_max_rel_error(void **state)
{
    (void)state;
    float got[3] = {1.01f, -2.0f, 0.001f};
    double want[3] = {1.0, -2.0, 0.0};
    double e = rl_max_rel_error(got, want, 3, 0.1);
    assert_true(fabs(e - 0.01) < 1e-6); /* 0.001/0.1 = 0.01 too, floor keeps it from dominating */
    got[1] = NAN;
    assert_true(isnan(rl_max_rel_error(got, want, 3, 0.1)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_f16_values),      cmocka_unit_test(test_f16_round_trip_all),
        cmocka_unit_test(test_bf16),            cmocka_unit_test(test_q8_0_block),
        cmocka_unit_test(test_q4_0_block),      cmocka_unit_test(test_i8_pc_layout),
        cmocka_unit_test(test_gemv_ref_formats), cmocka_unit_test(test_encode_rejects),
        cmocka_unit_test(test_attention_two_tokens), cmocka_unit_test(test_attention_q8_kv),
        cmocka_unit_test(test_max_rel_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
