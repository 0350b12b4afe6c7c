/* Attention-decode kernel on the OpenCL device (POCL in CI): every KV format x GQA group (1, 4, 8) x
 * several split counts against rl_attention_ref, with S = 1, S not a multiple of the tile or chunk
 * (K is uploaded as transposed tiles of 16 rows: a zero-padded last tile, chunks starting mid-tile),
 * D = 64 and 128, large scores (stable softmax), rotating KV copies (no state may carry over between
 * runs; partials of one split must not leak into the next), two launches (partials, combine) exactly
 * when there is more than one chunk, and a corrupted KV cache that must fail verification. q8_0 scores
 * and weighted V are int16 x int8 dot products: every build of them (vpdpwssd where the host CPU has
 * AVX512-VNNI, vpmaddwd where the compiler targets AVX-512BW, portable integer code), query blocks
 * that are zero or dominated by one element, and V weights (int16 per tile) around an attention sink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_fixture.h"
#include "host/cl/device.h"
#include "host/decode/attention.h"
#include "roofline/quant.h"

static oclab_device_list devices;
static oclab_cl cl;

#define MAX_PROGRAMS 24
static oclab_attn_program programs[MAX_PROGRAMS];
static int program_build[MAX_PROGRAMS];
static int n_programs;
/* q8_0 pair dot products: what the host picks (vpdpwssd where the host CPU has AVX512-VNNI), vpmaddwd
 * and adds where the compiler targets AVX-512BW, portable integer code. */
static const char *const builds[] = {NULL, "-D NO_VNNI_PAIR_DOT", "-D PORTABLE_PAIR_DOT"};
#define N_BUILDS 3
static int build; /* index into builds[] */

static int default_build(void **state) /* teardown: a failed test must not leave another build on */
{
    (void)state;
    build = 0;
    return 0;
}

/* Programs are built once per (kv, head_dim, group, build): each POCL build costs about a second. */
static const oclab_attn_program *program_for(const rl_attn_shape *shape)
{
    uint64_t group = shape->heads / shape->kv_heads;
    for (int i = 0; i < n_programs; i++)
        if (programs[i].kv == shape->kv && programs[i].head_dim == shape->head_dim &&
            programs[i].group == group && program_build[i] == build)
            return &programs[i];
    assert_true(n_programs < MAX_PROGRAMS);
    assert_int_equal(oclab_attn_program_build(&cl, shape, builds[build], &programs[n_programs]), CL_SUCCESS);
    program_build[n_programs] = build;
    return &programs[n_programs++];
}

static uint64_t rng_state;
static float uniform(void) /* [-1, 1) */
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((double)(rng_state >> 40) / (double)(1ULL << 23) - 1.0);
}

typedef struct {
    void *k, *v;
    float *q;
    double *want;
    size_t kv_bytes, outputs;
} problem;

static void problem_make(const rl_attn_shape *s, float q_gain, problem *p)
{
    uint64_t row_bytes;
    assert_int_equal(rl_kv_row_bytes(s->kv, s->head_dim, &row_bytes, NULL, 0), 0);
    uint64_t rows = s->batch * s->kv_heads * s->context;
    size_t nq = (size_t)(s->batch * s->heads * s->head_dim);
    float *raw = malloc((size_t)(rows * s->head_dim) * sizeof *raw);
    p->kv_bytes = (size_t)(rows * row_bytes);
    p->outputs = nq;
    p->k = malloc(p->kv_bytes);
    p->v = malloc(p->kv_bytes);
    p->q = malloc(nq * sizeof *p->q);
    p->want = malloc(nq * sizeof *p->want);
    assert_true(raw && p->k && p->v && p->q && p->want);
    rng_state = 0x5eed + s->context * 131 + s->heads;
    for (size_t i = 0; i < nq; i++)
        p->q[i] = q_gain * uniform();
    for (uint64_t i = 0; i < rows * s->head_dim; i++)
        raw[i] = uniform();
    assert_int_equal(rl_encode_kv(s->kv, raw, rows, s->head_dim, p->k), 0);
    for (uint64_t i = 0; i < rows * s->head_dim; i++)
        raw[i] = uniform() + 0.25f; /* outputs away from zero */
    assert_int_equal(rl_encode_kv(s->kv, raw, rows, s->head_dim, p->v), 0);
    rl_attention_ref(s->kv, p->q, p->k, p->v, s->batch, s->heads, s->kv_heads, s->head_dim, s->context,
                     p->want);
    free(raw);
}

static void problem_free(problem *p)
{
    free(p->k);
    free(p->v);
    free(p->q);
    free(p->want);
}

/* Runs SHAPE with each split on rotating copies; returns how many launches verified. */
static int run_splits(const rl_attn_shape *s, const problem *p, const void *k_dev, const void *v_dev,
                      const uint64_t *splits, int n_splits, double *worst)
{
    uint64_t max_split = 1;
    for (int i = 0; i < n_splits; i++)
        max_split = splits[i] > max_split ? splits[i] : max_split;
    oclab_attn attn;
    assert_int_equal(oclab_attn_create(&cl, program_for(s), s, p->q, k_dev, v_dev, 2, max_split, &attn),
                     CL_SUCCESS);
    float *got = malloc(p->outputs * sizeof *got);
    assert_non_null(got);
    int ok = 0;
    *worst = 0.0;
    for (int i = 0; i < n_splits; i++) {
        for (int copy = 0; copy < 3; copy++) { /* the same copy twice: no state left between runs */
            cl_event ev = NULL;
            double err;
            memset(got, 0xff, p->outputs * sizeof *got); /* NaN: stale output cannot pass */
            cl_event first = NULL;
            assert_int_equal(oclab_attn_enqueue(&attn, copy, splits[i], &first, &ev), CL_SUCCESS);
            /* Two launches exactly when there are partials to combine; the span is well formed. */
            uint64_t chunk, chunks = oclab_attn_chunks(s->context, splits[i], &chunk);
            assert_true((first != NULL) == (chunks > 1));
            assert_int_equal(clWaitForEvents(1, &ev), CL_SUCCESS);
            if (first) {
                cl_ulong end1 = 0, start2 = 0;
                assert_int_equal(clGetEventProfilingInfo(first, CL_PROFILING_COMMAND_END, sizeof end1, &end1, NULL),
                                 CL_SUCCESS);
                assert_int_equal(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof start2, &start2,
                                                         NULL), CL_SUCCESS);
                assert_true(end1 <= start2); /* pass 2 ran after pass 1 */
                clReleaseEvent(first);
            }
            clReleaseEvent(ev);
            assert_int_equal(oclab_attn_read(&attn, got), CL_SUCCESS);
            ok += oclab_attn_verify(s->kv, got, p->want, p->outputs, &err);
            if (!(err <= *worst))
                *worst = err;
        }
    }
    free(got);
    oclab_attn_release(&attn);
    return ok;
}

static void check_shape(rl_format kv, uint64_t batch, uint64_t heads, uint64_t kv_heads, uint64_t head_dim,
                        uint64_t context, float q_gain, const uint64_t *splits, int n_splits)
{
    rl_attn_shape s = {batch, heads, kv_heads, head_dim, context, kv, RL_FMT_F32, RL_FMT_F32};
    problem p;
    double worst;
    problem_make(&s, q_gain, &p);
    int ok = run_splits(&s, &p, p.k, p.v, splits, n_splits, &worst);
    if (ok != 3 * n_splits)
        fprintf(stderr, "FAIL %s B=%llu Hq=%llu Hkv=%llu D=%llu S=%llu: max_rel_error %g\n",
                rl_format_name(kv), (unsigned long long)batch, (unsigned long long)heads,
                (unsigned long long)kv_heads, (unsigned long long)head_dim, (unsigned long long)context,
                worst);
    assert_int_equal(ok, 3 * n_splits);
    assert_true(worst < 2e-3);
    problem_free(&p);
}

static const rl_format kv_formats[] = {RL_FMT_F32, RL_FMT_F16, RL_FMT_Q8_0};

/* D = 64, every format and group; S = 1, a partial tile (37 = 2 x 16 + 5), uneven chunks that start
 * inside K tiles (split 3 -> 13 + 13 + 11, split 7 -> chunks of 6 with a last of 1), one row per chunk
 * (split 64 -> 37 chunks); batch 2, so tiles of a second sequence follow the first's padded one. */
static void test_d64_all_formats_groups_splits(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 2, 3, 7, 64};
    const uint64_t heads[][2] = {{4, 4}, {8, 2}, {8, 1}}; /* groups 1, 4, 8 */
    for (int f = 0; f < 3; f++) {
        for (int h = 0; h < 3; h++) {
            check_shape(kv_formats[f], 2, heads[h][0], heads[h][1], 64, 1, 1.0f, splits, 2);
            check_shape(kv_formats[f], 2, heads[h][0], heads[h][1], 64, 37, 1.0f, splits, 5);
        }
    }
}

/* D = 128: a longer context with several full tiles and chunks of uneven length (300 / 7). */
static void test_d128_formats_splits(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 4, 7};
    check_shape(RL_FMT_F16, 1, 8, 2, 128, 300, 1.0f, splits, 3);
    check_shape(RL_FMT_Q8_0, 2, 8, 1, 128, 300, 1.0f, splits, 3);
    check_shape(RL_FMT_F32, 1, 4, 4, 128, 300, 1.0f, splits, 3);
}

/* Scores in the hundreds: a softmax without the running max overflows exp. */
static void test_large_scores_are_stable(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 5};
    check_shape(RL_FMT_F16, 1, 8, 2, 64, 100, 300.0f, splits, 2);
}

/* The other q8_0 pair dot products (vpmaddwd and adds, as on an AVX-512BW CPU without VNNI; the
 * portable code, as on a device without AVX-512BW) on the shapes of the tests above: groups 1, 4, 8,
 * partial tiles, uneven chunks, D = 64 and 128. */
static void test_q8_0_other_pair_dots(void **state)
{
    (void)state;
    const uint64_t splits[] = {1, 3, 7};
    const uint64_t heads[][2] = {{4, 4}, {8, 2}, {8, 1}};
    for (build = 1; build < N_BUILDS; build++) {
        for (int h = 0; h < 3; h++)
            check_shape(RL_FMT_Q8_0, 2, heads[h][0], heads[h][1], 64, 37, 1.0f, splits, 3);
        check_shape(RL_FMT_Q8_0, 2, 8, 2, 128, 300, 1.0f, splits, 2);
    }
    build = 0;
}

/* A small q8_0 problem: 4 query heads per KV head, S = 40 (two full K tiles and a partial one). */
static const rl_attn_shape small_q8_0 = {1, 8, 2, 64, 40, RL_FMT_Q8_0, RL_FMT_F32, RL_FMT_F32};
static const uint64_t small_splits[] = {1, 3};

/* P, a small_q8_0 problem whose caches or queries a test edited: a new reference, then every split
 * verifies in every build of the pair dot products. */
static void verify_every_build(const rl_attn_shape *s, problem *p)
{
    double worst;
    rl_attention_ref(s->kv, p->q, p->k, p->v, s->batch, s->heads, s->kv_heads, s->head_dim, s->context, p->want);
    for (build = 0; build < N_BUILDS; build++) {
        assert_int_equal(run_splits(s, p, p->k, p->v, small_splits, 2, &worst), 6);
        assert_true(worst < 2e-3);
    }
    build = 0;
    problem_free(p);
}

/* q8_0 queries are quantized to int16 per block of 32: a zero block (scale 0) and blocks whose other
 * elements are at most 1/1000 of one (33 quantization steps or fewer) still verify, in every build. */
static void test_q8_0_query_blocks(void **state)
{
    (void)state;
    const rl_attn_shape *s = &small_q8_0;
    problem p;
    problem_make(s, 1.0f, &p);
    for (int i = 0; i < 32; i++) {
        p.q[i] = 0.0f;                                                  /* head 0, block 0 */
        p.q[64 + 32 + i] = i == 5 ? 8.0f : 8e-3f * p.q[64 + 32 + i];   /* head 1, block 1 */
        p.q[3 * 64 + i] = i == 0 ? -8.0f : 8e-3f * p.q[3 * 64 + i];    /* head 3, block 0 */
    }
    verify_every_build(s, &p);
}

/* q8_0 V weights are int16 per tile and query head, against the tile's largest weight x V scale: an
 * attention sink (row 0 of KV head 0, nearly all of head 0's weight, V scales 1/1000 of the others')
 * shares its tile with a row of V scales 100x larger and a small weight (row 1). A bound from the
 * largest weight times the largest scale would round the sink's weights to 0; every build verifies. */
static void test_q8_0_v_weights_sink(void **state)
{
    (void)state;
    const rl_attn_shape *s = &small_q8_0;
    const uint64_t nb = s->head_dim / RL_QK;
    problem p;
    problem_make(s, 1.0f, &p);
    rl_block_q8_0 *k = p.k, *v = p.v;
    for (uint64_t b = 0; b < nb; b++) {
        for (int j = 0; j < RL_QK; j++) /* K row 0 along head 0's query: a score near 25 */
            k[b].qs[j] = p.q[b * RL_QK + j] >= 0.0f ? 127 : -127;
        k[b].d = rl_f32_to_f16(0.05f);
        v[b].d = rl_f32_to_f16(1e-3f * rl_f16_to_f32(v[b].d));
        v[nb + b].d = rl_f32_to_f16(100.0f * rl_f16_to_f32(v[nb + b].d));
    }
    verify_every_build(s, &p);
}

/* A KV cache changed on the device after the reference was taken must fail verification. */
static void test_corrupted_kv_fails(void **state)
{
    (void)state;
    const rl_attn_shape *s = &small_q8_0;
    problem p;
    double worst;
    problem_make(s, 1.0f, &p);
    unsigned char *bad = malloc(p.kv_bytes);
    assert_non_null(bad);
    memcpy(bad, p.v, p.kv_bytes);
    for (size_t i = 0; i < p.kv_bytes / 2; i++) /* the first KV head's V rows, scrambled */
        bad[i] = (unsigned char)(bad[i] * 7u + 3u);
    assert_int_equal(run_splits(s, &p, p.k, bad, small_splits, 2, &worst), 0);
    assert_true(worst > 2e-3);
    assert_int_equal(run_splits(s, &p, p.k, p.v, small_splits, 2, &worst), 6); /* and the intact one passes */
    free(bad);
    problem_free(&p);
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
    rl_attn_shape s = {1, 32, 8, 128, 16, RL_FMT_Q4_0, RL_FMT_F32, RL_FMT_F32};
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), -1);
    s.kv = RL_FMT_Q8_0;
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), 0);
    s.head_dim = 48; /* not a multiple of 32 */
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), -1);
    s.kv = RL_FMT_F16;
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), 0);
    s.kv_heads = 3;
    assert_int_equal(oclab_attn_supported(&s, err, sizeof err), -1);
}

int main(void)
{
    int opened = cl_fixture_open(&devices, &cl);
    if (opened != 0)
        return opened;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunks),
        cmocka_unit_test(test_unsupported_shapes),
        cmocka_unit_test(test_d64_all_formats_groups_splits),
        cmocka_unit_test(test_d128_formats_splits),
        cmocka_unit_test(test_large_scores_are_stable),
        cmocka_unit_test_teardown(test_q8_0_other_pair_dots, default_build),
        cmocka_unit_test_teardown(test_q8_0_query_blocks, default_build),
        cmocka_unit_test_teardown(test_q8_0_v_weights_sink, default_build),
        cmocka_unit_test(test_corrupted_kv_fails),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    for (int i = 0; i < n_programs; i++)
        oclab_attn_program_release(&programs[i]);
    oclab_cl_close(&cl);
    oclab_device_list_free(&devices);
    return rc;
}
