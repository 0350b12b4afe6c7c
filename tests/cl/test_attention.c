/* The work-item attention kernel on the OpenCL device (POCL in CI), against rl_attention_ref on
 * peaked data (attention_data.c): GQA groups 1-8 at D = 64, groups 3, 5, 7 at D = 80 and 256 (every
 * format the head dim allows), configurations across the tuner's space (tiles of 4,
 * 8, 16 rows; vectors of 4, 8, 16; V slices that do not divide D / VEC), with S = 1, S not a multiple
 * of the tile or chunk (K is uploaded as transposed tiles of 16 rows: a zero-padded last tile, chunks
 * starting mid-tile), several split counts, large scores (stable softmax), rotating KV copies (no state
 * may carry over between runs), two launches (partials, combine) exactly when there is more than one
 * chunk, and a corrupted KV cache that must fail verification. q8_0 scores and weighted V are int16 x
 * int8 dot products: every build of them (vpdpwssd where the host CPU has AVX512-VNNI, vpmaddwd where
 * the compiler targets AVX-512BW, portable integer code), query blocks that are zero or dominated by
 * one element, and V weights (int16 per tile) around an attention sink. The tuner's spaces on two
 * register files (what the device reports), without launching anything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "attention_fixture.h"

/* q8_0 pair dot products: what the host picks (vpdpwssd where the host CPU has AVX512-VNNI), vpmaddwd
 * and adds where the compiler targets AVX-512BW, portable integer code. */
static const char *const builds[] = {NULL, "-D NO_VNNI_PAIR_DOT", "-D PORTABLE_PAIR_DOT"};
#define N_BUILDS 3

/* SHAPE with the device's start configuration, built with OPTIONS. */
static void check(const rl_attn_shape *s, const char *options, float q_gain, const uint64_t *splits, int n_splits)
{
    oclab_attn_config c = start_config(s, OCLAB_ATTN_ITEM);
    check_config(s, &c, options, q_gain, splits, n_splits);
}

static void test_chunks(void **state)
{
    (void)state;
    uint64_t chunk;
    assert_int_equal(oclab_attn_chunks(37, 3, &chunk), 3);
    assert_int_equal(chunk, 13);
    assert_int_equal(oclab_attn_chunks(37, 7, &chunk), 7);
    assert_int_equal(chunk, 6);
    assert_int_equal(oclab_attn_chunks(37, 64, &chunk), 37);
    assert_int_equal(chunk, 1);
    assert_int_equal(oclab_attn_chunks(1, 8, &chunk), 1);
    assert_int_equal(oclab_attn_chunks(10, 4, &chunk), 4); /* 3 + 3 + 3 + 1 */
    assert_int_equal(chunk, 3);
    assert_int_equal(oclab_attn_chunks(8, 3, &chunk), 3); /* 3 + 3 + 2 */
    assert_int_equal(oclab_attn_chunks(9, 4, &chunk), 3); /* chunks of 3: a fourth would be empty */
}

static void test_unsupported_shapes(void **state)
{
    (void)state;
    char err[256];
    rl_attn_shape s = attn_shape(RL_FMT_Q4_0, 1, 32, 8, 128, 16);
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), -1);
    s.kv = RL_FMT_Q8_0;
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), 0);
    s.head_dim = 96; /* three blocks of 32 */
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), 0);
    s.head_dim = 80; /* not a multiple of 32 */
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), -1);
    s.kv = RL_FMT_F16;
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), 0);
    s.head_dim = 82; /* not a multiple of 4 */
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), -1);
    s.head_dim = 516; /* beyond 512 */
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), -1);
    s.head_dim = 128;
    s.kv_heads = 3;
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), -1);
    s.heads = 65; /* group 65 */
    s.kv_heads = 1;
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), -1);
    s.heads = 64;
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), 0);
}

/* The build rules of each kernel, as the tuner's constraint and the build both read them. */
static void test_config_rules(void **state)
{
    (void)state;
    char why[160];
    rl_attn_shape s = attn_shape(RL_FMT_Q8_0, 1, 8, 2, 96, 64);
    oclab_attn_config c = {OCLAB_ATTN_ITEM, 16, 16, 6, 0};
    assert_int_equal(oclab_attn_config_check(&s, &c, why, sizeof why), 0);
    c.vb = 7; /* beyond D / VEC = 6 */
    assert_int_equal(oclab_attn_config_check(&s, &c, why, sizeof why), -1);
    c.vb = 4; /* passes of 4 and 2 slices */
    assert_int_equal(oclab_attn_config_check(&s, &c, why, sizeof why), 0);
    c.tile = 8; /* q8_0 pairs are 16 lanes */
    assert_int_equal(oclab_attn_config_check(&s, &c, why, sizeof why), -1);
    s.kv = RL_FMT_F16;
    assert_int_equal(oclab_attn_config_check(&s, &c, why, sizeof why), 0);
    s.head_dim = 84; /* 16 does not divide it */
    assert_int_equal(oclab_attn_config_check(&s, &c, why, sizeof why), -1);
    oclab_attn_config g = {OCLAB_ATTN_GROUP, 4, 32, 0, 64};
    assert_int_equal(oclab_attn_config_check(&s, &g, why, sizeof why), 0);
    g.tile = 24; /* not whole layout tiles */
    assert_int_equal(oclab_attn_config_check(&s, &g, why, sizeof why), -1);
    g.tile = 32;
    g.wg = 48;
    assert_int_equal(oclab_attn_config_check(&s, &g, why, sizeof why), -1);
    g.wg = 64;
    g.vec = 8; /* 84 / 8 */
    assert_int_equal(oclab_attn_config_check(&s, &g, why, sizeof why), -1);
    assert_int_equal(oclab_attn_local_bytes(84, 4, &(oclab_attn_config){OCLAB_ATTN_GROUP, 4, 32, 0, 64}),
                     4 * 4 * (84 + 32 + 64));
}

/* A CPU device as its driver reports it: NATIVE floats per native vector, 2 compute units. */
static oclab_device_info cpu_info(unsigned native)
{
    oclab_device_info info;
    memset(&info, 0, sizeof info);
    info.type = CL_DEVICE_TYPE_CPU;
    info.compute_units = 2;
    info.max_work_group_size = 4096;
    info.local_mem_bytes = 1 << 20;
    info.preferred_vector_width[4] = info.native_vector_width[4] = native;
    return info;
}

static int valid_item(const oclab_tune_space *space, int split, int tile, int vec, int vb)
{
    int point[] = {split, tile, vec, vb};
    assert_int_equal(space->n_params, 4);
    return oclab_tune_point_valid(space, point, NULL, 0);
}

/* The work-item space on two register files, from what the device reports (its native float width):
 * 512-bit vectors start where the kernel was measured best on an AVX-512 CPU (tiles and vectors of 16
 * floats, 16 accumulator chains for GQA 32/8); 256-bit ones start at half that, and their space keeps
 * the configurations that fit 16 registers while it drops score chains that cannot fit any file. The
 * search picks among them by measurement. */
static void test_space_register_files(void **state)
{
    (void)state;
    rl_attn_shape s = attn_shape(RL_FMT_F16, 1, 32, 8, 128, 4096);
    oclab_device_info wide = cpu_info(16), narrow = cpu_info(8);
    oclab_attn_space_info hold;
    oclab_tune_space space;
    oclab_attn_config c;
    uint64_t split;
    oclab_attn_space(&wide, &s, OCLAB_ATTN_ITEM, &hold, &space);
    oclab_attn_point(&space, space.start, OCLAB_ATTN_ITEM, &c, &split);
    assert_true(c.tile == 16 && c.vec == 16 && c.vb == 4 && split == 1); /* 8 KV heads >= 4 x 2 compute units */
    assert_true(valid_item(&space, 1, 16, 16, 4));
    assert_true(valid_item(&space, 1, 16, 16, 8));  /* 32 chains: the most a register file holds */
    assert_false(valid_item(&space, 1, 16, 16, 10)); /* 40 */
    assert_true(valid_item(&space, 2, 8, 8, 2));
    assert_false(valid_item(&space, 32, 16, 16, 4)); /* 256 work-items on 2 compute units */

    oclab_attn_space(&narrow, &s, OCLAB_ATTN_ITEM, &hold, &space);
    oclab_attn_point(&space, space.start, OCLAB_ATTN_ITEM, &c, &split);
    assert_true(c.tile == 8 && c.vec == 8 && c.vb == 2);
    assert_true(valid_item(&space, 1, 8, 8, 2));    /* 8 + 4 registers of accumulators */
    assert_true(valid_item(&space, 1, 4, 8, 1));
    assert_true(valid_item(&space, 1, 16, 16, 4)); /* 16 chains of two registers each: 32 */
    assert_false(valid_item(&space, 1, 16, 16, 8));

    s.heads = 64; /* group 8: 32 score chains of TILE floats */
    oclab_attn_space(&wide, &s, OCLAB_ATTN_ITEM, &hold, &space);
    assert_true(valid_item(&space, 1, 16, 16, 2));
    oclab_attn_space(&narrow, &s, OCLAB_ATTN_ITEM, &hold, &space);
    assert_false(valid_item(&space, 1, 16, 8, 2)); /* 64 registers */
    assert_true(valid_item(&space, 1, 8, 8, 2));
    oclab_attn_point(&space, space.start, OCLAB_ATTN_ITEM, &c, &split);
    assert_true(oclab_tune_point_valid(&space, space.start, NULL, 0));

    s.heads = 8 * 64; /* group 64: the smallest tile and one slice per pass stay valid */
    oclab_attn_space(&narrow, &s, OCLAB_ATTN_ITEM, &hold, &space);
    assert_true(valid_item(&space, 1, 4, 8, 1));
    s.kv = RL_FMT_Q8_0;
    oclab_attn_space(&narrow, &s, OCLAB_ATTN_ITEM, &hold, &space);
    assert_true(valid_item(&space, 1, 16, 16, 1));
    oclab_device_info scalar = cpu_info(1); /* a driver that reports scalar floats (Mesa llvmpipe) */
    oclab_attn_space(&scalar, &s, OCLAB_ATTN_ITEM, &hold, &space);
    assert_true(valid_item(&space, 1, 16, 16, 1)); /* q8_0's lanes are its only width */
    s.kv = RL_FMT_F16;
    oclab_attn_space(&scalar, &s, OCLAB_ATTN_ITEM, &hold, &space);
    assert_true(valid_item(&space, 1, 4, 4, 1));
    assert_false(valid_item(&space, 1, 4, 8, 1));
}

/* A CPU gets the work-item kernel, a GPU the work-group one where its limits allow a configuration;
 * $OCLAB_ATTENTION_VARIANT forces either, and another value is refused. */
static void test_variant_selection(void **state)
{
    (void)state;
    rl_attn_shape s = attn_shape(RL_FMT_F16, 1, 32, 8, 128, 4096);
    oclab_device_info cpu = cpu_info(16), gpu = cpu_info(1);
    oclab_attn_variant v;
    gpu.type = CL_DEVICE_TYPE_GPU;
    gpu.compute_units = 132;
    gpu.max_work_group_size = 1024;
    gpu.local_mem_bytes = 48 * 1024;
    unsetenv(OCLAB_ATTENTION_VARIANT_ENV);
    assert_int_equal(oclab_attn_forced_variant(&v), 0);
    assert_int_equal(oclab_attn_variant_for(&cpu, &s), OCLAB_ATTN_ITEM);
    assert_int_equal(oclab_attn_variant_for(&gpu, &s), OCLAB_ATTN_GROUP);
    oclab_device_info scalar = cpu_info(1); /* a CPU driver vectorizing across work-items (llvmpipe) */
    scalar.max_work_group_size = 1024;
    scalar.local_mem_bytes = 32 * 1024;
    assert_int_equal(oclab_attn_variant_for(&scalar, &s), OCLAB_ATTN_GROUP);
    oclab_attn_space_info hold;
    oclab_tune_space space;
    oclab_attn_config c;
    uint64_t split;
    oclab_attn_space(&gpu, &s, OCLAB_ATTN_GROUP, &hold, &space);
    assert_true(oclab_tune_point_valid(&space, space.start, NULL, 0));
    oclab_attn_point(&space, space.start, OCLAB_ATTN_GROUP, &c, &split);
    assert_true(c.wg == 128 && c.vec == 4 && c.tile == 128 && split == 64); /* 4 x 132 work-groups over 8 heads */
    hold.max_lanes = 32; /* a driver that runs fewer lanes of this kernel */
    assert_false(oclab_tune_point_valid(&space, space.start, NULL, 0));
    int point[] = {64, 128, 4, 32};
    assert_true(oclab_tune_point_valid(&space, point, NULL, 0));
    gpu.local_mem_bytes = 256; /* no configuration fits: the work-item kernel */
    assert_int_equal(oclab_attn_variant_for(&gpu, &s), OCLAB_ATTN_ITEM);
    setenv(OCLAB_ATTENTION_VARIANT_ENV, "work-group", 1);
    assert_int_equal(oclab_attn_variant_for(&cpu, &s), OCLAB_ATTN_GROUP);
    setenv(OCLAB_ATTENTION_VARIANT_ENV, "group", 1);
    assert_int_equal(oclab_attn_forced_variant(&v), -1);
    unsetenv(OCLAB_ATTENTION_VARIANT_ENV);
}

/* Under a driver's loop limit (llvmpipe stops a work-item's loops after 65535 trips in all), a long
 * chunk is invalid however the rest is tuned, and the split is no longer capped at 64 work-groups per
 * compute unit: S = 65536 still has configurations, in chunks of a few hundred rows. */
static void test_space_loop_budget(void **state)
{
    (void)state;
    rl_attn_shape s = attn_shape(RL_FMT_F16, 1, 32, 8, 128, 65536);
    oclab_device_info cpu = cpu_info(16);
    oclab_attn_space_info hold;
    oclab_tune_space space;
    oclab_attn_space(&cpu, &s, OCLAB_ATTN_ITEM, &hold, &space);
    assert_true(valid_item(&space, 1, 16, 16, 4)); /* no limit: one chunk of 65536 rows */
    assert_false(valid_item(&space, 256, 16, 16, 4)); /* 2048 work-items on 2 compute units */
    hold.loop_budget = 65535 / 10 * 9;
    assert_false(valid_item(&space, 1, 16, 16, 4));
    assert_false(valid_item(&space, 16, 16, 16, 4)); /* chunks of 4096 rows: 257 tiles */
    assert_true(valid_item(&space, 256, 16, 16, 4));  /* chunks of 256 rows */
    assert_int_equal(oclab_attn_space_max_split(&space), 256);
}

/* D = 64, GQA groups 1-8 (two KV heads, batch 2, so tiles of a second sequence follow the first's
 * padded one), the formats in turn (groups 3, 5, 7 with every format below): S = 1, and S = 37 =
 * 2 x 16 + 5 with uneven chunks that start inside K tiles (split 3 -> 13 + 13 + 11, split 7 -> chunks
 * of 6 with a last of 1, split 64 -> 37 chunks of one row). */
static void test_d64_groups_splits(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 2, 3, 7, 64};
    for (uint64_t g = 1; g <= 8; g++) {
        rl_attn_shape s = attn_shape(kv_formats[g % 3], 2, 2 * g, 2, 64, 1);
        check(&s, NULL, 1.0f, splits, 2);
        s.context = 37;
        check(&s, NULL, 1.0f, splits, 5);
    }
}

/* Head dims 80 and 256 with groups 3, 5, 7 (D / VEC not a multiple of the V slices per pass), every
 * format the head dim allows (q8_0: multiples of 32). */
static void test_head_dims_odd_groups(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 3}, dims[] = {80, 256}, groups[] = {3, 5, 7};
    char why[160];
    for (int d = 0; d < 2; d++)
        for (int g = 0; g < 3; g++)
            for (int f = 0; f < 3; f++) {
                rl_attn_shape s = attn_shape(kv_formats[f], 1, 2 * groups[g], 2, dims[d], 37);
                if (oclab_attn_supported(&s, why, sizeof why) != 0)
                    continue;
                check(&s, NULL, 1.0f, splits, 2);
            }
}

/* Configurations across the tuner's space: every tile and vector width, V slices that divide D / VEC
 * and slices that leave a shorter last pass; D = 96 (three q8_0 blocks). */
static void test_configurations(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 4};
    const oclab_attn_config f16_configs[] = {
        {OCLAB_ATTN_ITEM, 4, 4, 3, 0},
        {OCLAB_ATTN_ITEM, 8, 8, 4, 0},
        {OCLAB_ATTN_ITEM, 16, 8, 5, 0},
        {OCLAB_ATTN_ITEM, 8, 16, 10, 0},
    };
    rl_attn_shape s = attn_shape(RL_FMT_F16, 1, 6, 2, 80, 100); /* group 3, D / VEC = 5, 10, 20 */
    for (size_t i = 0; i < sizeof f16_configs / sizeof f16_configs[0]; i++)
        check_config(&s, &f16_configs[i], NULL, 1.0f, splits, 2);
    s = attn_shape(RL_FMT_F32, 1, 7, 1, 64, 100); /* group 7 */
    check_config(&s, &(oclab_attn_config){OCLAB_ATTN_ITEM, 8, 8, 3, 0}, NULL, 1.0f, splits, 2);
    s = attn_shape(RL_FMT_Q8_0, 1, 10, 2, 96, 100); /* group 5, 6 slices of 16: passes of 4 and 2 */
    check_config(&s, &(oclab_attn_config){OCLAB_ATTN_ITEM, 16, 16, 4, 0}, NULL, 1.0f, splits, 2);
    s.kv = RL_FMT_F16;
    check(&s, NULL, 1.0f, splits, 2);
}

/* D = 128: a longer context with several full tiles and chunks of uneven length (300 / 7). */
static void test_d128_formats_splits(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 4, 7};
    rl_attn_shape s = attn_shape(RL_FMT_F16, 1, 8, 2, 128, 300);
    check(&s, NULL, 1.0f, splits, 3);
    s = attn_shape(RL_FMT_Q8_0, 2, 8, 2, 128, 300);
    check(&s, NULL, 1.0f, splits, 3);
    s = attn_shape(RL_FMT_F32, 1, 4, 4, 128, 300);
    check(&s, NULL, 1.0f, splits, 3);
}

/* Scores in the hundreds: a softmax without the running max overflows exp. */
static void test_large_scores_are_stable(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 5};
    rl_attn_shape s = attn_shape(RL_FMT_F16, 1, 8, 2, 64, 100);
    check(&s, NULL, 300.0f, splits, 2);
}

/* The other q8_0 pair dot products (vpmaddwd and adds, as on an AVX-512BW CPU without VNNI; the
 * portable code, as on a device without AVX-512BW): group 4 at D = 64 with partial tiles and uneven
 * chunks, group 4 at D = 128 (the shapes above), and the tests below. */
static void test_q8_0_other_pair_dots(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 3, 7};
    for (int b = 1; b < N_BUILDS; b++) {
        rl_attn_shape s = attn_shape(RL_FMT_Q8_0, 2, 8, 2, 64, 37);
        check(&s, builds[b], 1.0f, splits, 3);
        s = attn_shape(RL_FMT_Q8_0, 2, 8, 2, 128, 300);
        check(&s, builds[b], 1.0f, splits, 2);
    }
}

/* A small q8_0 problem: 4 query heads per KV head, S = 40 (two full K tiles and a partial one). */
static const uint64_t small_splits[] = {1, 3};
static rl_attn_shape small_q8_0(void)
{
    return attn_shape(RL_FMT_Q8_0, 1, 8, 2, 64, 40);
}

/* P, a small_q8_0 problem whose caches or queries a test edited: a new reference, then every split
 * verifies in every build of the pair dot products. */
static void verify_every_build(oclab_attn_problem *p)
{
    double worst;
    oclab_attn_config c = start_config(&p->shape, OCLAB_ATTN_ITEM);
    oclab_attn_problem_reference(p);
    for (int b = 0; b < N_BUILDS; b++) {
        assert_int_equal(run_splits(program_with(&p->shape, &c, builds[b]), p, p->k, p->v, small_splits, 2, &worst),
                         6);
        assert_true(worst < 2e-3);
    }
    oclab_attn_problem_free(p);
}

/* q8_0 queries are quantized to int16 per block of 32: a zero block (scale 0) and blocks whose other
 * elements are at most 1/1000 of one (33 quantization steps or fewer) still verify, in every build. */
static void test_q8_0_query_blocks(void **state)
{
    (void)state;
    rl_attn_shape s = small_q8_0();
    oclab_attn_problem p;
    problem_make(&s, 1.0f, &p);
    for (int i = 0; i < 32; i++) {
        p.q[i] = 0.0f;                                               /* head 0, block 0 */
        p.q[64 + 32 + i] = i == 5 ? 8.0f : 8e-3f * p.q[64 + 32 + i]; /* head 1, block 1 */
        p.q[3 * 64 + i] = i == 0 ? -8.0f : 8e-3f * p.q[3 * 64 + i];  /* head 3, block 0 */
    }
    verify_every_build(&p);
}

/* q8_0 V weights are int16 per tile and query head, against the tile's largest weight x V scale: an
 * attention sink (row 0 of KV head 0, nearly all of head 0's weight, V scales 1/1000 of the others')
 * shares its tile with a row of V scales 100x larger and a small weight (row 1). A bound from the
 * largest weight times the largest scale would round the sink's weights to 0; every build verifies. */
static void test_q8_0_v_weights_sink(void **state)
{
    (void)state;
    rl_attn_shape s = small_q8_0();
    const uint64_t nb = s.head_dim / RL_QK;
    oclab_attn_problem p;
    problem_make(&s, 1.0f, &p);
    rl_block_q8_0 *k = (rl_block_q8_0 *)p.k, *v = (rl_block_q8_0 *)p.v;
    for (uint64_t b = 0; b < nb; b++) {
        for (int j = 0; j < RL_QK; j++) /* K row 0 along head 0's query: a score near 25 */
            k[b].qs[j] = p.q[b * RL_QK + j] >= 0.0f ? 127 : -127;
        k[b].d = rl_f32_to_f16(0.05f);
        v[b].d = rl_f32_to_f16(1e-3f * rl_f16_to_f32(v[b].d));
        v[nb + b].d = rl_f32_to_f16(100.0f * rl_f16_to_f32(v[nb + b].d));
    }
    verify_every_build(&p);
}

/* A KV cache changed on the device after the reference was taken must fail verification. */
static void test_corrupted_kv_fails(void **state)
{
    (void)state;
    rl_attn_shape s = small_q8_0();
    oclab_attn_problem p;
    double worst;
    problem_make(&s, 1.0f, &p);
    const oclab_attn_program *prog = program_with(&s, &(oclab_attn_config){OCLAB_ATTN_ITEM, 16, 16, 4, 0}, NULL);
    unsigned char *bad = malloc(p.kv_bytes);
    assert_non_null(bad);
    memcpy(bad, p.v, p.kv_bytes);
    for (size_t i = 0; i < p.kv_bytes / 2; i++) /* the first KV head's V rows, scrambled */
        bad[i] = (unsigned char)(bad[i] * 7u + 3u);
    assert_int_equal(run_splits(prog, &p, p.k, bad, small_splits, 2, &worst), 0);
    assert_true(worst > 2e-3);
    assert_int_equal(run_splits(prog, &p, p.k, p.v, small_splits, 2, &worst), 6); /* and the intact one passes */
    free(bad);
    oclab_attn_problem_free(&p);
}

int main(void)
{
    int opened = cl_fixture_open(&devices, &cl);
    if (opened != 0)
        return opened;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunks),
        cmocka_unit_test(test_unsupported_shapes),
        cmocka_unit_test(test_config_rules),
        cmocka_unit_test(test_space_register_files),
        cmocka_unit_test(test_variant_selection),
        cmocka_unit_test(test_space_loop_budget),
        cmocka_unit_test(test_d64_groups_splits),
        cmocka_unit_test(test_head_dims_odd_groups),
        cmocka_unit_test(test_configurations),
        cmocka_unit_test(test_d128_formats_splits),
        cmocka_unit_test(test_large_scores_are_stable),
        cmocka_unit_test(test_q8_0_other_pair_dots),
        cmocka_unit_test(test_q8_0_query_blocks),
        cmocka_unit_test(test_q8_0_v_weights_sink),
        cmocka_unit_test(test_corrupted_kv_fails),
    };
    return cmocka_run_group_tests(tests, NULL, fixture_teardown);
}
