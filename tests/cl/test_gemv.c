/* GEMV kernels on the OpenCL device (POCL in CI): every format and batch verified against the double
 * reference on small shapes (odd N, the largest decode K, K off the vector width), the GPU-style
 * K-split variant, the tuner, and a corrupted weight buffer that must fail verification. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host/device.h"
#include "host/gemv.h"
#include "host/log.h"
#include "roofline/quant.h"

static const rl_format formats[] = {RL_FMT_F32, RL_FMT_F16, RL_FMT_Q8_0, RL_FMT_Q4_0, RL_FMT_I8_PC};
static const uint64_t batches[] = {1, 2, 4, 8, 16};
#define N_FORMATS (sizeof formats / sizeof formats[0])
#define N_BATCHES (sizeof batches / sizeof batches[0])

typedef struct {
    oclab_device_list list;
    oclab_cl cl;
    /* one default kernel per (format, batch), shared by the shape tests: builds dominate the time */
    oclab_gemv_kernel kern[N_FORMATS][N_BATCHES];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    int sel = 0, count = 0;
    oclab_verbosity = 0;
    if (!f || oclab_device_find(&f->list, getenv("OCLAB_DEVICE") ? getenv("OCLAB_DEVICE") : "0:0", &sel, 1,
                                &count) != 0 || count < 1) {
        fprintf(stderr, "skipped: no OpenCL device\n");
        exit(77);
    }
    if (oclab_cl_open(&f->cl, &f->list.devices[sel], NULL) != CL_SUCCESS)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < N_FORMATS; i++)
        for (size_t j = 0; j < N_BATCHES; j++)
            oclab_gemv_kernel_free(&f->kern[i][j]);
    oclab_cl_close(&f->cl);
    oclab_device_list_free(&f->list);
    free(f);
    return 0;
}

static const oclab_gemv_kernel *default_kernel(fixture *f, size_t fi, size_t bi, uint64_t k)
{
    oclab_gemv_kernel *kern = &f->kern[fi][bi];
    if (!kern->kernel || kern->aligned16 != oclab_gemv_aligned16(formats[fi], k)) {
        oclab_gemv_variant v[8];
        oclab_gemv_kernel_free(kern);
        assert_true(oclab_gemv_candidates(f->cl.info, formats[fi], batches[bi], v, 8) >= 1);
        assert_int_equal(oclab_gemv_kernel_build(&f->cl, formats[fi], batches[bi], &v[0], k, kern), CL_SUCCESS);
    }
    return kern;
}

/* Every format x batch on an N x K problem (X of 16 rows, each batch uses the first M). */
static void check_shape(fixture *f, uint64_t n, uint64_t k, int copies)
{
    for (size_t fi = 0; fi < N_FORMATS; fi++) {
        oclab_gemv_problem p;
        assert_int_equal(oclab_gemv_problem_create(&f->cl, formats[fi], n, k, 16, copies, 7 + fi, &p), CL_SUCCESS);
        for (size_t bi = 0; bi < N_BATCHES; bi++) {
            cl_int err = CL_SUCCESS;
            double e = oclab_gemv_verify(&f->cl, default_kernel(f, fi, bi, k), &p, &err);
            assert_int_equal(err, CL_SUCCESS);
            if (!(e <= oclab_gemv_tolerance(formats[fi], k)))
                fail_msg("%s M=%llu %llux%llu: max relative error %g", rl_format_name(formats[fi]),
                         (unsigned long long)batches[bi], (unsigned long long)n, (unsigned long long)k, e);
        }
        oclab_gemv_problem_free(&p);
    }
}

/* Odd N (a partial row set), K = 17 blocks: one 16-block group and a leftover block. */
static void test_odd_n(void **state)
{
    check_shape(*state, 37, 544, 2);
}

/* The largest decode K (Llama-2-7B down_proj), few rows. */
static void test_large_k(void **state)
{
    check_shape(*state, 5, 11008, 1);
}

/* K off the 32-weight chunks and the vector width: f32 and i8_pc take any K (unaligned rows, scalar tail). */
static void test_ragged_k(void **state)
{
    fixture *f = *state;
    static const rl_format any_k[] = {RL_FMT_F32, RL_FMT_F16, RL_FMT_I8_PC};
    for (size_t i = 0; i < sizeof any_k / sizeof any_k[0]; i++) {
        oclab_gemv_problem p;
        oclab_gemv_kernel kern;
        oclab_gemv_variant v[8];
        cl_int err = CL_SUCCESS;
        assert_int_equal(oclab_gemv_problem_create(&f->cl, any_k[i], 9, 100, 3, 1, 3, &p), CL_SUCCESS);
        assert_true(oclab_gemv_candidates(f->cl.info, any_k[i], 3, v, 8) >= 1);
        assert_int_equal(oclab_gemv_kernel_build(&f->cl, any_k[i], 3, &v[0], 100, &kern), CL_SUCCESS);
        double e = oclab_gemv_verify(&f->cl, &kern, &p, &err);
        assert_int_equal(err, CL_SUCCESS);
        assert_true(e <= oclab_gemv_tolerance(any_k[i], 100));
        oclab_gemv_kernel_free(&kern);
        oclab_gemv_problem_free(&p);
    }
}

/* The GPU-style variant (16 lanes share a row along K, reduced in local memory) also runs on POCL. */
static void test_lanes_variant(void **state)
{
    fixture *f = *state;
    static const struct {
        rl_format format;
        uint64_t m;
        oclab_gemv_variant v;
    } cases[] = {
        {RL_FMT_Q4_0, 1, {1, 1, 16, 64, 1}},
        {RL_FMT_F16, 4, {2, 1, 16, 32, 0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        oclab_gemv_problem p;
        oclab_gemv_kernel kern;
        cl_int err = CL_SUCCESS;
        assert_int_equal(oclab_gemv_problem_create(&f->cl, cases[i].format, 37, 1056, cases[i].m, 1, 11, &p),
                         CL_SUCCESS);
        assert_int_equal(oclab_gemv_kernel_build(&f->cl, cases[i].format, cases[i].m, &cases[i].v, 1056, &kern),
                         CL_SUCCESS);
        double e = oclab_gemv_verify(&f->cl, &kern, &p, &err);
        assert_int_equal(err, CL_SUCCESS);
        assert_true(e <= oclab_gemv_tolerance(cases[i].format, 1056));
        oclab_gemv_kernel_free(&kern);
        oclab_gemv_problem_free(&p);
    }
}

/* The tuner builds every candidate, keeps a verified one and records them all. */
static void test_tuner(void **state)
{
    fixture *f = *state;
    oclab_gemv_problem p;
    oclab_gemv_kernel best;
    cJSON *tuning = NULL;
    cl_int err = CL_SUCCESS;
    assert_int_equal(oclab_gemv_problem_create(&f->cl, RL_FMT_Q4_0, 64, 1024, 1, 2, 5, &p), CL_SUCCESS);
    assert_int_equal(oclab_gemv_tune(&f->cl, &p, 1, 1, &best, &tuning), CL_SUCCESS);
    const cJSON *cands = cJSON_GetObjectItemCaseSensitive(tuning, "candidates"), *c;
    assert_true(cJSON_GetArraySize(cands) >= 2);
    cJSON_ArrayForEach(c, cands) {
        assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "verified")));
        assert_true(cJSON_GetObjectItemCaseSensitive(c, "median_s")->valuedouble > 0.0);
    }
    assert_true(oclab_gemv_verify(&f->cl, &best, &p, &err) <= oclab_gemv_tolerance(RL_FMT_Q4_0, p.k));
    cJSON_Delete(tuning);
    oclab_gemv_kernel_free(&best);
    oclab_gemv_problem_free(&p);
}

/* A few flipped bytes in one cold copy: verification (which checks every copy) must fail. */
static void test_corrupted_weights_fail(void **state)
{
    fixture *f = *state;
    for (size_t fi = 0; fi < N_FORMATS; fi++) {
        oclab_gemv_problem p;
        cl_int err = CL_SUCCESS;
        const oclab_gemv_kernel *kern = default_kernel(f, fi, 0, 544);
        assert_int_equal(oclab_gemv_problem_create(&f->cl, formats[fi], 37, 544, 16, 3, 13, &p), CL_SUCCESS);
        assert_true(oclab_gemv_verify(&f->cl, kern, &p, &err) <= oclab_gemv_tolerance(formats[fi], p.k));
        unsigned char garbage[64];
        for (size_t i = 0; i < sizeof garbage; i++)
            garbage[i] = (unsigned char)(0x5a + 37 * i);
        assert_int_equal(clEnqueueWriteBuffer(f->cl.queue, p.w[2], CL_TRUE, 100, sizeof garbage, garbage, 0, NULL,
                                              NULL), CL_SUCCESS);
        double e = oclab_gemv_verify(&f->cl, kern, &p, &err);
        assert_int_equal(err, CL_SUCCESS);
        if (!(isnan(e) || e > 10 * oclab_gemv_tolerance(formats[fi], p.k)))
            fail_msg("%s: corrupted weights passed with error %g", rl_format_name(formats[fi]), e);
        oclab_gemv_problem_free(&p);
    }
}

/* The device layout keeps the bytes per weight: scales apart, quants contiguous, same total. */
static void test_split_layout(void **state)
{
    (void)state;
    enum { N = 3, K = 64 };
    float w[N * K];
    for (int i = 0; i < N * K; i++)
        w[i] = (float)((i * 7) % 23) - 11.0f;
    rl_block_q4_0 enc[N * K / RL_QK];
    unsigned char scratch[sizeof enc];
    assert_int_equal(rl_encode_matrix(RL_FMT_Q4_0, w, N, K, enc), 0);
    const void *qs, *ds;
    uint64_t qb, db, total;
    oclab_gemv_split_layout(RL_FMT_Q4_0, enc, N, K, scratch, &qs, &qb, &ds, &db);
    assert_int_equal(rl_weight_bytes(RL_FMT_Q4_0, N, K, &total, NULL, 0), 0);
    assert_int_equal(qb + db, total);
    for (int b = 0; b < N * K / RL_QK; b++) {
        assert_memory_equal((const unsigned char *)qs + 16 * b, enc[b].qs, 16);
        assert_memory_equal((const unsigned char *)ds + 2 * b, &enc[b].d, 2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_layout),
        cmocka_unit_test(test_odd_n),
        cmocka_unit_test(test_large_k),
        cmocka_unit_test(test_ragged_k),
        cmocka_unit_test(test_lanes_variant),
        cmocka_unit_test(test_tuner),
        cmocka_unit_test(test_corrupted_weights_fail),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
