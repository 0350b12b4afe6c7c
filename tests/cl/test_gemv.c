/* GEMV kernels on the OpenCL device (POCL in CI): every format, batch and candidate variant of the
 * device (both layouts) verified against the double reference on small shapes (odd N, the largest
 * decode K, K off the vector width), the GPU-style K-split variant, the tuner, and a corrupted weight
 * buffer that must fail verification. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cl_fixture.h"
#include "host/cl/device.h"
#include "host/cl/log.h"
#include "host/decode/gemv.h"
#include "roofline/quant.h"

static const rl_format formats[] = {RL_FMT_F32, RL_FMT_F16, RL_FMT_Q8_0, RL_FMT_Q4_0, RL_FMT_I8_PC};
static const uint64_t batches[] = {1, 2, 4, 8, 16};
#define N_FORMATS (sizeof formats / sizeof formats[0])
#define N_BATCHES (sizeof batches / sizeof batches[0])
#define N_CAND 8

typedef struct {
    oclab_device_list list;
    oclab_cl cl;
    /* every candidate per (format, batch), shared by the shape tests: builds dominate the time */
    oclab_gemv_variant cand[N_FORMATS][N_BATCHES][N_CAND];
    int n_cand[N_FORMATS][N_BATCHES];
    oclab_gemv_kernel kern[N_FORMATS][N_BATCHES][N_CAND];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    oclab_verbosity = 0;
    if (!f)
        return -1;
    int opened = cl_fixture_open(&f->list, &f->cl);
    if (opened != 0)
        exit(opened);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < N_FORMATS; i++)
        for (size_t j = 0; j < N_BATCHES; j++)
            for (size_t c = 0; c < N_CAND; c++)
                oclab_gemv_kernel_free(&f->kern[i][j][c]);
    oclab_cl_close(&f->cl);
    oclab_device_list_free(&f->list);
    free(f);
    return 0;
}

/* The candidates of (format FI, batch BI); candidate CI built for rows of K weights, or NULL past them. */
static const oclab_gemv_kernel *candidate(fixture *f, size_t fi, size_t bi, int ci, uint64_t k)
{
    if (f->n_cand[fi][bi] == 0) {
        f->n_cand[fi][bi] = oclab_gemv_candidates(f->cl.info, formats[fi], batches[bi], f->cand[fi][bi], N_CAND);
        assert_true(f->n_cand[fi][bi] >= 1);
    }
    if (ci >= f->n_cand[fi][bi])
        return NULL;
    oclab_gemv_kernel *kern = &f->kern[fi][bi][ci];
    if (!kern->kernel || kern->aligned16 != oclab_gemv_aligned16(formats[fi], k)) {
        oclab_gemv_kernel_free(kern);
        assert_int_equal(oclab_gemv_kernel_build(&f->cl, formats[fi], batches[bi], &f->cand[fi][bi][ci], k, kern),
                         CL_SUCCESS);
    }
    return kern;
}

/* Every format x batch x candidate on an N x K problem (X of 16 rows, each batch uses the first M). */
static void check_shape(fixture *f, uint64_t n, uint64_t k, int copies)
{
    for (size_t fi = 0; fi < N_FORMATS; fi++) {
        oclab_gemv_problem p;
        assert_int_equal(oclab_gemv_problem_create(&f->cl, formats[fi], n, k, 16, copies, 7 + fi, &p), CL_SUCCESS);
        assert_int_equal(oclab_gemv_problem_hold(&f->cl, &p, OCLAB_GEMV_ROWS | OCLAB_GEMV_IL16, copies), CL_SUCCESS);
        for (size_t bi = 0; bi < N_BATCHES; bi++) {
            const oclab_gemv_kernel *kern;
            for (int ci = 0; (kern = candidate(f, fi, bi, ci, k)) != NULL; ci++) {
                cl_int err = CL_SUCCESS;
                double e = oclab_gemv_verify(&f->cl, kern, &p, &err);
                assert_int_equal(err, CL_SUCCESS);
                if (!(e <= oclab_gemv_tolerance(formats[fi], k)))
                    fail_msg("%s M=%llu %llux%llu candidate %d (%s): max relative error %g",
                             rl_format_name(formats[fi]), (unsigned long long)batches[bi], (unsigned long long)n,
                             (unsigned long long)k, ci, kern->variant.il ? "interleaved" : "rows", e);
            }
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
    static const uint64_t ms[] = {1, 3};
    for (size_t i = 0; i < sizeof any_k / sizeof any_k[0]; i++) {
        oclab_gemv_problem p;
        assert_int_equal(oclab_gemv_problem_create(&f->cl, any_k[i], 9, 100, 3, 1, 3, &p), CL_SUCCESS);
        assert_int_equal(oclab_gemv_problem_hold(&f->cl, &p, OCLAB_GEMV_ROWS | OCLAB_GEMV_IL16, 1), CL_SUCCESS);
        for (size_t mi = 0; mi < sizeof ms / sizeof ms[0]; mi++) {
            oclab_gemv_variant v[N_CAND];
            int n = oclab_gemv_candidates(f->cl.info, any_k[i], ms[mi], v, N_CAND);
            assert_true(n >= 1);
            for (int c = 0; c < n; c++) { /* both layouts: every candidate */
                oclab_gemv_kernel kern;
                cl_int err = CL_SUCCESS;
                assert_int_equal(oclab_gemv_kernel_build(&f->cl, any_k[i], ms[mi], &v[c], 100, &kern), CL_SUCCESS);
                double e = oclab_gemv_verify(&f->cl, &kern, &p, &err);
                assert_int_equal(err, CL_SUCCESS);
                if (!(e <= oclab_gemv_tolerance(any_k[i], 100)))
                    fail_msg("%s M=%llu K=100 candidate %d: max relative error %g", rl_format_name(any_k[i]),
                             (unsigned long long)ms[mi], c, e);
                oclab_gemv_kernel_free(&kern);
            }
        }
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
        {RL_FMT_Q4_0, 1, {1, 1, 16, 64, 1, 0}},
        {RL_FMT_F16, 4, {2, 1, 16, 32, 0, 0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        oclab_gemv_problem p;
        oclab_gemv_kernel kern;
        cl_int err = CL_SUCCESS;
        assert_int_equal(oclab_gemv_problem_create(&f->cl, cases[i].format, 37, 1056, cases[i].m, 1, 11, &p),
                         CL_SUCCESS);
        assert_int_equal(oclab_gemv_problem_hold(&f->cl, &p, OCLAB_GEMV_ROWS, 1), CL_SUCCESS);
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
    /* q4_0 M = 1 candidates read both layouts: one copy of each (the budget of 2 shared) */
    assert_int_equal(p.held[0], 1);
    assert_int_equal(p.held[1], 1);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(tuning, "tuning_copies")->valueint, 1);
    cJSON_Delete(tuning);
    oclab_gemv_kernel_free(&best);
    oclab_gemv_problem_free(&p);
}

/* A problem holds only the layouts asked for, all copies of them, and a kernel on a layout not held
 * refuses to run. */
static void test_hold(void **state)
{
    fixture *f = *state;
    oclab_gemv_problem p;
    oclab_gemv_kernel rows, il;
    cl_int err = CL_SUCCESS;
    const oclab_gemv_variant vr = {1, 1, 1, 8, 0, 0}, vi = {1, 1, 1, 8, 0, 1};
    assert_int_equal(oclab_gemv_problem_create(&f->cl, RL_FMT_Q8_0, 40, 256, 1, 3, 17, &p), CL_SUCCESS);
    assert_int_equal(p.held[0] + p.held[1], 0);
    assert_int_equal(oclab_gemv_kernel_build(&f->cl, RL_FMT_Q8_0, 1, &vr, 256, &rows), CL_SUCCESS);
    assert_int_equal(oclab_gemv_kernel_build(&f->cl, RL_FMT_Q8_0, 1, &vi, 256, &il), CL_SUCCESS);
    assert_int_equal(oclab_gemv_problem_hold(&f->cl, &p, OCLAB_GEMV_ROWS | OCLAB_GEMV_IL16, 2), CL_SUCCESS);
    assert_int_equal(p.held[0], 2);
    assert_int_equal(p.held[1], 2);
    assert_true(oclab_gemv_verify(&f->cl, &il, &p, &err) <= oclab_gemv_tolerance(RL_FMT_Q8_0, p.k));
    assert_int_equal(oclab_gemv_problem_hold(&f->cl, &p, OCLAB_GEMV_IL16, p.copies), CL_SUCCESS);
    assert_int_equal(p.held[0], 0);
    assert_int_equal(p.held[1], 3);
    assert_true(oclab_gemv_verify(&f->cl, &il, &p, &err) <= oclab_gemv_tolerance(RL_FMT_Q8_0, p.k));
    assert_true(isnan(oclab_gemv_verify(&f->cl, &rows, &p, &err)));
    assert_int_equal(err, CL_INVALID_MEM_OBJECT);
    assert_int_equal(oclab_gemv_problem_hold(&f->cl, &p, OCLAB_GEMV_ROWS, 1), CL_SUCCESS);
    assert_int_equal(p.held[0], 1);
    assert_int_equal(p.held[1], 0);
    assert_true(oclab_gemv_verify(&f->cl, &rows, &p, &err) <= oclab_gemv_tolerance(RL_FMT_Q8_0, p.k));
    oclab_gemv_kernel_free(&rows);
    oclab_gemv_kernel_free(&il);
    oclab_gemv_problem_free(&p);
}

/* A few flipped bytes in one cold copy: verification (which checks every copy) must fail. */
static void test_corrupted_weights_fail(void **state)
{
    fixture *f = *state;
    for (size_t fi = 0; fi < N_FORMATS; fi++) {
        oclab_gemv_problem p;
        const oclab_gemv_kernel *kern;
        assert_int_equal(oclab_gemv_problem_create(&f->cl, formats[fi], 37, 544, 16, 3, 13, &p), CL_SUCCESS);
        assert_int_equal(oclab_gemv_problem_hold(&f->cl, &p, OCLAB_GEMV_ROWS | OCLAB_GEMV_IL16, 3), CL_SUCCESS);
        unsigned char garbage[64];
        for (size_t i = 0; i < sizeof garbage; i++)
            garbage[i] = (unsigned char)(0x5a + 37 * i);
        /* every M = 1 candidate, each on the layout it reads (both layouts are among them) */
        for (int ci = 0; (kern = candidate(f, fi, 0, ci, 544)) != NULL; ci++) {
            cl_int err = CL_SUCCESS;
            assert_true(oclab_gemv_verify(&f->cl, kern, &p, &err) <= oclab_gemv_tolerance(formats[fi], p.k));
            cl_mem w = kern->variant.il ? p.wi[2] : p.w[2];
            unsigned char saved[sizeof garbage];
            assert_int_equal(clEnqueueReadBuffer(f->cl.queue, w, CL_TRUE, 100, sizeof saved, saved, 0, NULL, NULL),
                             CL_SUCCESS);
            assert_int_equal(clEnqueueWriteBuffer(f->cl.queue, w, CL_TRUE, 100, sizeof garbage, garbage, 0, NULL,
                                                  NULL), CL_SUCCESS);
            double e = oclab_gemv_verify(&f->cl, kern, &p, &err);
            assert_int_equal(err, CL_SUCCESS);
            if (!(isnan(e) || e > 10 * oclab_gemv_tolerance(formats[fi], p.k)))
                fail_msg("%s candidate %d (%s): corrupted weights passed with error %g", rl_format_name(formats[fi]),
                         ci, kern->variant.il ? "interleaved" : "rows", e);
            assert_int_equal(clEnqueueWriteBuffer(f->cl.queue, w, CL_TRUE, 100, sizeof saved, saved, 0, NULL, NULL),
                             CL_SUCCESS);
        }
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
        cmocka_unit_test(test_hold),
        cmocka_unit_test(test_corrupted_weights_fail),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
