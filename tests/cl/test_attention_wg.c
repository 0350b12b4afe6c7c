/* The work-group attention kernel (the GPU variant: lanes across the context and across D, the
 * softmax's max and sum and the output combined in local memory) on the OpenCL device, POCL in CI,
 * which runs it as any device would (forced by configuration, as $OCLAB_ATTENTION_VARIANT forces it
 * in oclab decode), against rl_attention_ref on peaked data: GQA groups 1-8 and every KV format with
 * the start configuration of the device, groups 3, 5, 7 at D = 80, 96, 256, and configurations across
 * its space: fewer lanes than vectors of D (several per lane), more lanes than one row needs (row
 * groups added up at the end, some lanes idle where they do not divide), tiles of one layout tile to
 * several per lane, S = 1 and partial tiles, several splits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "attention_fixture.h"

static void check(const rl_attn_shape *s, float q_gain, const uint64_t *splits, int n_splits)
{
    oclab_attn_config c = start_config(s, OCLAB_ATTN_GROUP);
    check_config(s, &c, NULL, q_gain, splits, n_splits);
}

/* D = 64, GQA groups 1-8 with the formats in turn, batch 2 and two KV heads: S = 1, S = 37 (a
 * partial layout tile, chunks starting inside tiles). */
static void test_groups(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 2, 3};
    for (uint64_t g = 1; g <= 8; g++) {
        rl_attn_shape s = attn_shape(kv_formats[g % 3], 2, 2 * g, 2, 64, 1);
        check(&s, 1.0f, splits, 1);
        s.context = 37;
        check(&s, 1.0f, splits, 2);
    }
}

/* Groups 3, 5 and 7 at head dims 80, 96 and 256, every format among them. */
static void test_head_dims_odd_groups(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 3};
    const rl_attn_shape shapes[] = {
        attn_shape(RL_FMT_F16, 1, 6, 2, 80, 37),   attn_shape(RL_FMT_F32, 1, 10, 2, 80, 37),
        attn_shape(RL_FMT_Q8_0, 1, 10, 2, 96, 37), attn_shape(RL_FMT_Q8_0, 1, 14, 2, 256, 37),
        attn_shape(RL_FMT_F16, 1, 6, 2, 256, 37),
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        check(&shapes[i], 1.0f, splits, 2);
}

/* Lanes x tile x vector width across the space, on a context of several tiles and chunks. */
static void test_configurations(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 4};
    const rl_attn_shape f16 = attn_shape(RL_FMT_F16, 1, 6, 2, 80, 300);
    const rl_attn_shape q8_0 = attn_shape(RL_FMT_Q8_0, 1, 10, 2, 64, 300);
    /* group 3, D = 80: 40 vectors of 2 over 16 lanes, 3 per lane (the last partial) */
    check_config(&f16, &(oclab_attn_config){OCLAB_ATTN_GROUP, 2, 16, 0, 16}, NULL, 1.0f, splits, 2);
    /* 20 vectors of 4: 12 row groups, 16 lanes idle; a tile of 32 rows */
    check_config(&f16, &(oclab_attn_config){OCLAB_ATTN_GROUP, 4, 32, 0, 256}, NULL, 1.0f, splits, 2);
    /* group 5, D = 64: 8 vectors of 8, 8 row groups; 2 rows per lane in a tile of 128 */
    check_config(&q8_0, &(oclab_attn_config){OCLAB_ATTN_GROUP, 8, 128, 0, 64}, NULL, 1.0f, splits, 2);
    /* 32 vectors of 2 over 32 lanes */
    check_config(&q8_0, &(oclab_attn_config){OCLAB_ATTN_GROUP, 2, 64, 0, 32}, NULL, 1.0f, splits, 2);
    rl_attn_shape s = attn_shape(RL_FMT_F32, 2, 8, 1, 256, 300); /* group 8, D = 256: 4 row groups */
    check_config(&s, &(oclab_attn_config){OCLAB_ATTN_GROUP, 4, 32, 0, 256}, NULL, 1.0f, splits, 2);
}

/* Scores in the hundreds: the running max across tiles and lanes keeps exp2 finite. */
static void test_large_scores_are_stable(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 5};
    rl_attn_shape s = attn_shape(RL_FMT_F16, 1, 8, 2, 64, 100);
    check(&s, 300.0f, splits, 2);
}

int main(void)
{
    int opened = cl_fixture_open(&devices, &cl);
    if (opened != 0)
        return opened;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_head_dims_odd_groups),
        cmocka_unit_test(test_configurations),
        cmocka_unit_test(test_large_scores_are_stable),
    };
    return cmocka_run_group_tests(tests, NULL, fixture_teardown);
}
