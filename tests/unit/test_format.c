/* Format names and byte counts: the bytes per weight of every format, and their errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "roofline/format.h"

static void test_names(void **state)
{
    (void)state;
    const char *names[] = {"f32", "f16", "bf16", "q8_0", "q4_0", "i8_pc"};
    for (int f = 0; f < RL_FMT_COUNT; f++) {
        rl_format got;
        assert_int_equal(rl_format_parse(names[f], &got), 0);
        assert_int_equal(got, f);
        assert_string_equal(rl_format_name(got), names[f]);
    }
    rl_format got;
    assert_int_equal(rl_format_parse("q5_k", &got), -1);
    assert_int_equal(rl_format_parse("F16", &got), -1);
    assert_int_equal(rl_format_parse(NULL, &got), -1);
    assert_string_equal(rl_format_name(RL_FMT_COUNT), "unknown");
    assert_int_equal(rl_elem_bytes(RL_FMT_F32), 4);
    assert_int_equal(rl_elem_bytes(RL_FMT_BF16), 2);
    assert_int_equal(rl_elem_bytes(RL_FMT_Q8_0), 0);
}

/* 2 x 64: f32 4 B/w, f16/bf16 2, q8_0 34 per 32, q4_0 18 per 32, i8_pc N*K + 4N. */
static void test_weight_bytes(void **state)
{
    (void)state;
    const uint64_t want[RL_FMT_COUNT] = {512, 256, 256, 136, 72, 136};
    char err[128];
    for (int f = 0; f < RL_FMT_COUNT; f++) {
        uint64_t bytes = 0;
        assert_int_equal(rl_weight_bytes((rl_format)f, 2, 64, &bytes, err, sizeof err), 0);
        assert_int_equal(bytes, want[f]);
    }
    uint64_t bytes;
    /* Llama-2-7B q_proj in q4_0: 4096*4096/32 blocks of 18 B = 9,437,184 B (4.5 bits/weight). */
    assert_int_equal(rl_weight_bytes(RL_FMT_Q4_0, 4096, 4096, &bytes, err, sizeof err), 0);
    assert_int_equal(bytes, 9437184);
}

static void test_weight_bytes_errors(void **state)
{
    (void)state;
    char err[128];
    uint64_t bytes;
    assert_int_equal(rl_weight_bytes(RL_FMT_Q8_0, 2, 48, &bytes, err, sizeof err), -1);
    assert_non_null(strstr(err, "multiple of 32"));
    assert_int_equal(rl_weight_bytes(RL_FMT_Q4_0, 2, 16, &bytes, err, sizeof err), -1);
    assert_int_equal(rl_weight_bytes(RL_FMT_F32, 2, 48, &bytes, err, sizeof err), 0); /* no blocks */
    assert_int_equal(rl_weight_bytes(RL_FMT_F16, 0, 64, &bytes, err, sizeof err), -1);
    assert_int_equal(rl_weight_bytes(RL_FMT_F16, 64, 0, &bytes, err, sizeof err), -1);
    assert_int_equal(rl_weight_bytes(RL_FMT_COUNT, 2, 64, &bytes, err, sizeof err), -1);
    /* 2^33 * 2^33 weights overflow 64 bits; 2^31 * 2^31 fit but 4 B each do not. */
    uint64_t big = UINT64_C(1) << 33;
    assert_int_equal(rl_weight_bytes(RL_FMT_F16, big, big, &bytes, err, sizeof err), -1);
    assert_non_null(strstr(err, "overflow"));
    uint64_t half = UINT64_C(1) << 31;
    assert_int_equal(rl_weight_bytes(RL_FMT_F32, half, half * 2, &bytes, err, sizeof err), -1);
    assert_int_equal(rl_weight_bytes(RL_FMT_I8_PC, UINT64_MAX / 2, 2, &bytes, err, sizeof err), -1);
}

static void test_kv_row_bytes(void **state)
{
    (void)state;
    char err[128];
    uint64_t bytes;
    assert_int_equal(rl_kv_row_bytes(RL_FMT_F32, 128, &bytes, err, sizeof err), 0);
    assert_int_equal(bytes, 512);
    assert_int_equal(rl_kv_row_bytes(RL_FMT_F16, 128, &bytes, err, sizeof err), 0);
    assert_int_equal(bytes, 256);
    assert_int_equal(rl_kv_row_bytes(RL_FMT_Q8_0, 128, &bytes, err, sizeof err), 0);
    assert_int_equal(bytes, 136);
    assert_int_equal(rl_kv_row_bytes(RL_FMT_Q8_0, 80, &bytes, err, sizeof err), -1);
    assert_int_equal(rl_kv_row_bytes(RL_FMT_Q4_0, 128, &bytes, err, sizeof err), -1);
    /* bf16 caches count like f16 ones: 2 bytes per element. */
    assert_int_equal(rl_kv_row_bytes(RL_FMT_BF16, 128, &bytes, err, sizeof err), 0);
    assert_int_equal(bytes, 256);
    assert_int_equal(rl_kv_row_bytes(RL_FMT_I8_PC, 128, &bytes, err, sizeof err), -1);
    assert_int_equal(rl_kv_row_bytes(RL_FMT_F16, 0, &bytes, err, sizeof err), -1);
    assert_int_equal(rl_kv_row_bytes(RL_FMT_F32, UINT64_MAX / 2, &bytes, err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_weight_bytes),
        cmocka_unit_test(test_weight_bytes_errors),
        cmocka_unit_test(test_kv_row_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
