/* GEMV kernels on the OpenCL device (POCL in CI): every format and batch, across variants that cover
 * each code path of kernels/gemv.cl (both layouts, vector widths 4, 8 and 16, passes over the X rows,
 * lanes splitting K, folded scales, prefetch), verified against the double reference on small shapes
 * (odd N, the largest decode K, K off the vector width); the tuner's space on synthetic devices (a
 * 16-register AVX2-like file, a SIMT GPU), the tuner and its cache on this device; corrupted weights and
 * swapped block scales that must fail verification. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cl_fixture.h"
#include "host/cl/device.h"
#include "host/cl/log.h"
#include "host/decode/gemv.h"
#include "roofline/quant.h"

static const rl_format formats[] = {RL_FMT_F32, RL_FMT_F16, RL_FMT_Q8_0, RL_FMT_Q4_0, RL_FMT_I8_PC};
static const uint64_t batches[] = {1, 3, 16};
#define N_FORMATS (sizeof formats / sizeof formats[0])
#define N_BATCHES (sizeof batches / sizeof batches[0])

/* Variants covering the kernel's paths; mb 0 stands for M (one pass), else the largest divisor of M up
 * to it; fold where the format and layout have one (interleaved q4_0 folds into 4 or 8 sets); prefetch
 * at the device's distance where it has one (oclab_gemv_prefetch_bytes). Every variant runs at M = 1;
 * M = 3 and 16 take those marked (their paths are the others': builds dominate the test's time). */
enum { M3 = 1, M16 = 2 };
static const struct {
    int il, vec, rows, unroll, lanes, wg, fold, mb, prefetch, batches;
} variants[] = {
    {.il = 0, .vec = 16, .rows = 1, .unroll = 4, .lanes = 1, .wg = 8, .fold = 1, .mb = 2, .prefetch = 1, .batches = M16},
    {.il = 0, .vec = 8, .rows = 2, .unroll = 1, .lanes = 1, .wg = 4, .fold = 0, .mb = 1, .batches = M3},
    {.il = 0, .vec = 4, .rows = 1, .unroll = 2, .lanes = 16, .wg = 32, .fold = 1, .mb = 0, .batches = M16},
    {.il = 0, .vec = 8, .rows = 2, .unroll = 1, .lanes = 4, .wg = 8, .fold = 0, .mb = 2, .batches = M3 | M16},
    {.il = 1, .vec = 16, .rows = 1, .unroll = 4, .lanes = 1, .wg = 8, .fold = 1, .mb = 1, .prefetch = 1},
    {.il = 1, .vec = 8, .rows = 2, .unroll = 1, .lanes = 1, .wg = 4, .fold = 0, .mb = 0, .batches = M3 | M16},
    {.il = 1, .vec = 4, .rows = 4, .unroll = 8, .lanes = 1, .wg = 2, .fold = 1, .mb = 4, .prefetch = 1, .batches = M3 | M16},
};
#define N_VARIANTS (sizeof variants / sizeof variants[0])

typedef struct {
    oclab_device_list list;
    oclab_cl cl;
    /* every variant per (format, batch), shared by the shape tests: builds dominate the time */
    oclab_gemv_kernel kern[N_FORMATS][N_BATCHES][N_VARIANTS];
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
            for (size_t c = 0; c < N_VARIANTS; c++)
                oclab_gemv_kernel_free(&f->kern[i][j][c]);
    oclab_cl_close(&f->cl);
    oclab_device_list_free(&f->list);
    free(f);
    return 0;
}

/* Variant VI of the table made concrete for FORMAT and batch M. */
static oclab_gemv_variant variant_for(const oclab_device_info *info, size_t vi, rl_format format, uint64_t m)
{
    oclab_gemv_variant v = {variants[vi].il,    variants[vi].vec,  variants[vi].rows,
                            variants[vi].unroll, variants[vi].lanes, variants[vi].wg,
                            variants[vi].fold,  variants[vi].mb,
                            variants[vi].prefetch ? oclab_gemv_prefetch_bytes(info) : 0};
    int want = v.mb == 0 ? (int)m : v.mb;
    v.mb = 1;
    for (int d = 1; d <= want; d++)
        if (m % (uint64_t)d == 0)
            v.mb = d;
    int affine = format == RL_FMT_Q8_0 || format == RL_FMT_Q4_0 || format == RL_FMT_I8_PC;
    if (!affine || (v.il && format == RL_FMT_I8_PC) || (v.il && format == RL_FMT_Q4_0 && v.unroll < 4))
        v.fold = 0;
    return v;
}

/* The variant VI of (format FI, batch BI), built for rows of K weights. */
static const oclab_gemv_kernel *kernel(fixture *f, size_t fi, size_t bi, size_t vi, uint64_t k)
{
    oclab_gemv_kernel *kern = &f->kern[fi][bi][vi];
    if (!kern->kernel || kern->aligned16 != oclab_gemv_aligned16(formats[fi], k)) {
        oclab_gemv_variant v = variant_for(f->cl.info, vi, formats[fi], batches[bi]);
        oclab_gemv_kernel_free(kern);
        assert_int_equal(oclab_gemv_kernel_build(&f->cl, formats[fi], batches[bi], &v, k, kern), CL_SUCCESS);
    }
    return kern;
}

static const int all_layouts = OCLAB_GEMV_MASK(OCLAB_GEMV_ROWS) | OCLAB_GEMV_MASK(OCLAB_GEMV_IL4) |
                               OCLAB_GEMV_MASK(OCLAB_GEMV_IL8) | OCLAB_GEMV_MASK(OCLAB_GEMV_IL16);

static void check_variants(fixture *f, size_t fi, const uint64_t *ms, size_t n_ms, uint64_t n, uint64_t k,
                           int copies)
{
    oclab_gemv_problem p;
    assert_int_equal(oclab_gemv_problem_create(&f->cl, formats[fi], n, k, 16, copies, 7 + fi, &p), CL_SUCCESS);
    assert_int_equal(oclab_gemv_problem_hold(&f->cl, &p, all_layouts, copies), CL_SUCCESS);
    for (size_t bi = 0; bi < N_BATCHES; bi++) {
        int wanted = 0;
        for (size_t i = 0; i < n_ms; i++)
            wanted |= ms[i] == batches[bi];
        for (size_t vi = 0; wanted && vi < N_VARIANTS; vi++) {
            if ((batches[bi] == 3 && !(variants[vi].batches & M3)) || (batches[bi] == 16 && !(variants[vi].batches & M16)))
                continue;
            const oclab_gemv_kernel *kern = kernel(f, fi, bi, vi, k);
            cl_int err = CL_SUCCESS;
            double e = oclab_gemv_verify(&f->cl, kern, &p, &err);
            assert_int_equal(err, CL_SUCCESS);
            if (!(e <= oclab_gemv_tolerance(formats[fi], k)))
                fail_msg("%s M=%llu %llux%llu variant %zu (%s, vec %d, mb %d): max relative error %g",
                         rl_format_name(formats[fi]), (unsigned long long)batches[bi], (unsigned long long)n,
                         (unsigned long long)k, vi, kern->variant.il ? "interleaved" : "rows", kern->variant.vec,
                         kern->variant.mb, e);
        }
    }
    oclab_gemv_problem_free(&p);
}

/* Odd N (a partial row set and interleaved group), K = 17 blocks: one 16-block group and a leftover. */
static void test_odd_n(void **state)
{
    for (size_t fi = 0; fi < N_FORMATS; fi++)
        check_variants(*state, fi, batches, N_BATCHES, 37, 544, 2);
}

/* The largest decode K (Llama-2-7B down_proj), few rows. */
static void test_large_k(void **state)
{
    for (size_t fi = 0; fi < N_FORMATS; fi++)
        check_variants(*state, fi, batches, N_BATCHES, 5, 11008, 1);
}

/* K off the 32-weight chunks and the vector width: f32, f16 and i8_pc take any K (unaligned rows,
 * scalar tail). */
static void test_ragged_k(void **state)
{
    static const uint64_t ms[] = {1, 3};
    for (size_t fi = 0; fi < N_FORMATS; fi++)
        if (formats[fi] == RL_FMT_F32 || formats[fi] == RL_FMT_F16 || formats[fi] == RL_FMT_I8_PC)
            check_variants(*state, fi, ms, 2, 9, 100, 1);
}

/* A device's facts for the space, without OpenCL. */
static oclab_device_info synthetic(cl_device_type type, cl_uint native_float, size_t max_wg, cl_uint units)
{
    oclab_device_info info;
    memset(&info, 0, sizeof info);
    info.type = type;
    info.native_vector_width[4] = info.preferred_vector_width[4] = native_float;
    info.max_work_group_size = max_wg;
    info.local_mem_bytes = 32768;
    info.compute_units = units;
    return info;
}

/* Visits every point of SPACE (mixed radix); calls FN on the valid ones. */
static void each_valid(const oclab_tune_space *space, void (*fn)(const oclab_tune_space *, const int *, void *),
                       void *user)
{
    int point[OCLAB_TUNE_MAX_PARAMS];
    uint64_t size = oclab_tune_space_size(space);
    for (uint64_t i = 0; i < size; i++) {
        uint64_t k = i;
        for (int p = space->n_params - 1; p >= 0; p--) {
            point[p] = space->params[p].values[k % (uint64_t)space->params[p].n];
            k /= (uint64_t)space->params[p].n;
        }
        if (oclab_tune_point_valid(space, point, NULL, 0))
            fn(space, point, user);
    }
}

typedef struct {
    rl_format format;
    int regs, lanes;  /* a register file: REGS vector registers of LANES floats */
    int fits[2];      /* valid points per layout whose accumulators and two operands fit it */
    int passes;       /* of those, points that take the X rows in several passes */
    int over;         /* valid points beyond the budget (must be none) */
    int budget;
} census;

static void count_point(const oclab_tune_space *space, const int *point, void *user)
{
    census *c = user;
    oclab_gemv_variant v;
    oclab_gemv_variant_at(space, point, &v);
    int acc_regs = v.mb * v.rows * v.unroll * ((v.vec + c->lanes - 1) / c->lanes);
    if (acc_regs + 2 <= c->regs && v.vec == c->lanes) {
        c->fits[v.il]++;
        c->passes += (uint64_t)v.mb < ((oclab_gemv_space_info *)space->user)->m;
    }
    c->over += oclab_gemv_registers(c->format, &v) > c->budget;
}

/* A CPU reporting a native float width of 8 (AVX2: its 16 registers of 8 floats are not reported):
 * the space holds shapes of both layouts whose accumulators fit 16 registers, at M = 16 by passes over
 * the X rows, and its start point is one of them; a width of 16 (AVX-512) reaches M = 16 in one pass
 * of 16-wide accumulators (16 of its 32 registers). No valid point exceeds the register budget. */
static void test_space_register_files(void **state)
{
    (void)state;
    oclab_device_info avx2 = synthetic(CL_DEVICE_TYPE_CPU, 8, 4096, 2);
    oclab_device_info avx512 = synthetic(CL_DEVICE_TYPE_CPU, 16, 4096, 2);
    assert_int_equal(oclab_gemv_register_budget(&avx2), 32 * 8);
    assert_int_equal(oclab_gemv_register_budget(&avx512), 32 * 16);
    for (size_t fi = 0; fi < N_FORMATS; fi++) {
        static const uint64_t ms[] = {1, 16};
        for (size_t mi = 0; mi < 2; mi++) {
            oclab_tune_space space;
            oclab_gemv_space_info si;
            oclab_gemv_space(&space, &si, &avx2, formats[fi], ms[mi], 11008);
            assert_false(space.failed);
            census c = {formats[fi], 16, 8, {0, 0}, 0, 0, oclab_gemv_register_budget(&avx2)};
            each_valid(&space, count_point, &c);
            assert_true(c.fits[0] > 0 && c.fits[1] > 0);
            assert_int_equal(c.over, 0);
            if (ms[mi] == 16)
                assert_true(c.passes > 0);
            /* the start: valid, at the native width, its accumulators within 12 registers */
            oclab_gemv_variant v;
            assert_true(oclab_tune_point_valid(&space, space.start, NULL, 0));
            oclab_gemv_variant_at(&space, space.start, &v);
            assert_int_equal(v.vec, 8);
            assert_true(v.mb * v.rows * v.unroll * (v.fold && v.il ? 2 : 1) <= 12);

            oclab_gemv_space(&space, &si, &avx512, formats[fi], ms[mi], 11008);
            int one_pass16[OCLAB_TUNE_MAX_PARAMS];
            memcpy(one_pass16, space.start, sizeof one_pass16);
            oclab_gemv_variant_at(&space, space.start, &v);
            assert_int_equal(v.vec, 16);
            assert_true(v.il);
            one_pass16[0] = (int)ms[mi]; /* mb: parameter 0 */
            assert_string_equal(space.params[0].name, "mb");
            assert_true(oclab_tune_point_valid(&space, one_pass16, NULL, 0));
        }
    }
}

/* A GPU (native width 1, SIMT): the start is the rows layout with work-items splitting K, within the
 * device's work-group and local memory; nothing valid asks for more than they allow. */
static void check_gpu_point(const oclab_tune_space *space, const int *point, void *user)
{
    oclab_gemv_variant v;
    (void)user;
    oclab_gemv_variant_at(space, point, &v);
    assert_true(v.wg <= 256 && v.wg % v.lanes == 0);
    assert_true(v.lanes == 1 || (uint64_t)v.wg * (uint64_t)v.mb * (uint64_t)v.rows * 4 <= 32768);
    assert_int_equal(v.prefetch, 0);
}

static void test_space_gpu(void **state)
{
    (void)state;
    oclab_device_info gpu = synthetic(CL_DEVICE_TYPE_GPU, 1, 256, 64);
    oclab_tune_space space;
    oclab_gemv_space_info si;
    oclab_gemv_variant v;
    oclab_gemv_space(&space, &si, &gpu, RL_FMT_Q4_0, 16, 4096);
    assert_true(oclab_tune_point_valid(&space, space.start, NULL, 0));
    oclab_gemv_variant_at(&space, space.start, &v);
    assert_false(v.il);
    assert_true(v.lanes >= 16 && v.wg >= v.lanes);
    each_valid(&space, check_gpu_point, NULL);
}

/* The tuner on this device: a search whose winner verifies, recorded with its parameters; the cache
 * then gives the same point; --no-tune takes the start point alone. */
static void test_tuner(void **state)
{
    fixture *f = *state;
    oclab_gemv_problem p;
    oclab_gemv_kernel best;
    cJSON *record = NULL;
    cl_int err = CL_SUCCESS;
    char path[64];
    snprintf(path, sizeof path, "/tmp/oclab-test-gemv-tuning-%ld.json", (long)getpid());
    oclab_device_opts opts = {.quick = 1, .tune_time_s = 1.5, .tuning_cache = path};
    oclab_decode_ctx ctx = {.cl = &f->cl, .dev_opts = &opts};
    oclab_tuner_open(&ctx.tuner, f->cl.info, &opts);
    assert_int_equal(oclab_gemv_problem_create(&f->cl, RL_FMT_Q4_0, 256, 1024, 1, 4, 5, &p), CL_SUCCESS);
    assert_int_equal(oclab_gemv_tune(&ctx, &p, 1, &best, &record), CL_SUCCESS);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(record, "source")->valuestring, "search");
    assert_true(cJSON_GetObjectItemCaseSensitive(record, "tried")->valueint >= 2);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(record, "failed")->valueint, 0);
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(record, "params");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(params, "vec")->valueint, best.variant.vec);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(params, "mb")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(params, "layout")->valueint, best.variant.il);
    assert_true(oclab_gemv_verify(&f->cl, &best, &p, &err) <= oclab_gemv_tolerance(RL_FMT_Q4_0, p.k));
    /* 4 copies shared by the 4 layouts of the space: one each, for the layouts it read */
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(record, "tuning_copies")->valueint, 1);
    assert_int_equal(oclab_gemv_held(&p, &best.variant), 1);
    oclab_gemv_variant chosen = best.variant;
    oclab_gemv_kernel_free(&best);
    cJSON_Delete(record);

    assert_int_equal(oclab_gemv_tune(&ctx, &p, 1, &best, &record), CL_SUCCESS);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(record, "source")->valuestring, "cache");
    assert_memory_equal(&best.variant, &chosen, sizeof chosen);
    oclab_gemv_kernel_free(&best);
    cJSON_Delete(record);
    oclab_tuner_close(&ctx.tuner);
    unlink(path);

    oclab_device_opts fixed = {.quick = 1, .no_tune = 1, .no_tuning_cache = 1};
    ctx.dev_opts = &fixed;
    oclab_tuner_open(&ctx.tuner, f->cl.info, &fixed);
    assert_int_equal(oclab_gemv_tune(&ctx, &p, 1, &best, &record), CL_SUCCESS);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(record, "source")->valuestring, "default");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(record, "tried")->valueint, 1);
    oclab_tune_space space;
    oclab_gemv_space_info si;
    oclab_gemv_variant start;
    oclab_gemv_space(&space, &si, f->cl.info, RL_FMT_Q4_0, 1, p.n);
    oclab_gemv_variant_at(&space, space.start, &start);
    if (oclab_tune_point_valid(&space, space.start, NULL, 0))
        assert_memory_equal(&best.variant, &start, sizeof start);
    oclab_gemv_kernel_free(&best);
    cJSON_Delete(record);
    oclab_tuner_close(&ctx.tuner);
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
    const oclab_gemv_variant vr = {.vec = 16, .rows = 1, .unroll = 1, .lanes = 1, .wg = 8, .mb = 1};
    const oclab_gemv_variant vi = {.il = 1, .vec = 8, .rows = 1, .unroll = 1, .lanes = 1, .wg = 8, .mb = 1};
    const int rows_mask = OCLAB_GEMV_MASK(OCLAB_GEMV_ROWS), il_mask = OCLAB_GEMV_MASK(OCLAB_GEMV_IL8);
    assert_int_equal(oclab_gemv_problem_create(&f->cl, RL_FMT_Q8_0, 40, 256, 1, 3, 17, &p), CL_SUCCESS);
    for (int l = 0; l < OCLAB_GEMV_LAYOUTS; l++)
        assert_int_equal(p.held[l], 0);
    assert_int_equal(oclab_gemv_layout_of(&vi), OCLAB_GEMV_IL8);
    assert_int_equal(oclab_gemv_kernel_build(&f->cl, RL_FMT_Q8_0, 1, &vr, 256, &rows), CL_SUCCESS);
    assert_int_equal(oclab_gemv_kernel_build(&f->cl, RL_FMT_Q8_0, 1, &vi, 256, &il), CL_SUCCESS);
    assert_int_equal(oclab_gemv_problem_hold(&f->cl, &p, rows_mask | il_mask, 2), CL_SUCCESS);
    assert_int_equal(p.held[OCLAB_GEMV_ROWS], 2);
    assert_int_equal(p.held[OCLAB_GEMV_IL8], 2);
    assert_int_equal(p.held[OCLAB_GEMV_IL16], 0);
    assert_true(oclab_gemv_verify(&f->cl, &il, &p, &err) <= oclab_gemv_tolerance(RL_FMT_Q8_0, p.k));
    assert_int_equal(oclab_gemv_problem_hold(&f->cl, &p, il_mask, p.copies), CL_SUCCESS);
    assert_int_equal(p.held[OCLAB_GEMV_ROWS], 0);
    assert_int_equal(p.held[OCLAB_GEMV_IL8], 3);
    assert_true(oclab_gemv_verify(&f->cl, &il, &p, &err) <= oclab_gemv_tolerance(RL_FMT_Q8_0, p.k));
    assert_true(isnan(oclab_gemv_verify(&f->cl, &rows, &p, &err)));
    assert_int_equal(err, CL_INVALID_MEM_OBJECT);
    assert_int_equal(oclab_gemv_problem_hold(&f->cl, &p, rows_mask, 1), CL_SUCCESS);
    assert_int_equal(p.held[OCLAB_GEMV_ROWS], 1);
    assert_int_equal(p.held[OCLAB_GEMV_IL8], 0);
    assert_true(oclab_gemv_verify(&f->cl, &rows, &p, &err) <= oclab_gemv_tolerance(RL_FMT_Q8_0, p.k));
    oclab_gemv_kernel_free(&rows);
    oclab_gemv_kernel_free(&il);
    oclab_gemv_problem_free(&p);
}

/* Index (in fp16 scales) of row R's block B in the scales of KERN's layout (q8_0 / q4_0). */
static size_t scale_index(const oclab_gemv_kernel *kern, const oclab_gemv_problem *p, uint64_t r, uint64_t b)
{
    uint64_t nblk = p->k / RL_QK, g = (uint64_t)kern->variant.vec;
    if (!kern->variant.il)
        return (size_t)(r * nblk + b);
    return (size_t)(((r / g) * nblk + b) * g + r % g);
}

/* Swaps row 0's block scales B and B + 1 in copy COPY of KERN's layout. */
static void swap_scales(fixture *f, const oclab_gemv_kernel *kern, oclab_gemv_problem *p, int copy, uint64_t b)
{
    cl_mem s = p->s[oclab_gemv_layout_of(&kern->variant)][copy];
    size_t i0 = scale_index(kern, p, 0, b), i1 = scale_index(kern, p, 0, b + 1);
    cl_half h0, h1;
    assert_int_equal(clEnqueueReadBuffer(f->cl.queue, s, CL_TRUE, 2 * i0, 2, &h0, 0, NULL, NULL), CL_SUCCESS);
    assert_int_equal(clEnqueueReadBuffer(f->cl.queue, s, CL_TRUE, 2 * i1, 2, &h1, 0, NULL, NULL), CL_SUCCESS);
    assert_int_equal(clEnqueueWriteBuffer(f->cl.queue, s, CL_TRUE, 2 * i0, 2, &h1, 0, NULL, NULL), CL_SUCCESS);
    assert_int_equal(clEnqueueWriteBuffer(f->cl.queue, s, CL_TRUE, 2 * i1, 2, &h0, 0, NULL, NULL), CL_SUCCESS);
}

/* The first pair of adjacent blocks in row 0 whose fp16 scales are 4x or more apart (the test data
 * spans 2^-4..2^6 per block); -1 when none is. */
static int64_t distant_scales(const oclab_gemv_problem *p)
{
    const cl_half *d = p->host_s; /* the rows layout: [n][k/32] */
    for (uint64_t b = 0; b + 1 < p->k / RL_QK; b++)
        if (abs(((d[b] >> 10) & 31) - ((d[b + 1] >> 10) & 31)) >= 2)
            return (int64_t)b;
    return -1;
}

/* A few flipped bytes in one cold copy, or (q8_0, q4_0) two block scales swapped: verification, which
 * checks every copy, must fail for every variant. */
static void test_corrupted_weights_fail(void **state)
{
    fixture *f = *state;
    for (size_t fi = 0; fi < N_FORMATS; fi++) {
        oclab_gemv_problem p;
        int block_scaled = formats[fi] == RL_FMT_Q8_0 || formats[fi] == RL_FMT_Q4_0;
        double tol = oclab_gemv_tolerance(formats[fi], 544);
        assert_int_equal(oclab_gemv_problem_create(&f->cl, formats[fi], 37, 544, 16, 3, 13, &p), CL_SUCCESS);
        assert_int_equal(oclab_gemv_problem_hold(&f->cl, &p, all_layouts, 3), CL_SUCCESS);
        int64_t pair = block_scaled ? distant_scales(&p) : -1;
        assert_true(!block_scaled || pair >= 0);
        unsigned char garbage[64];
        for (size_t i = 0; i < sizeof garbage; i++)
            garbage[i] = (unsigned char)(0x5a + 37 * i);
        for (size_t vi = 0; vi < N_VARIANTS; vi++) { /* M = 1, each variant on the layout it reads */
            const oclab_gemv_kernel *kern = kernel(f, fi, 0, vi, 544);
            cl_int err = CL_SUCCESS;
            assert_true(oclab_gemv_verify(&f->cl, kern, &p, &err) <= tol);
            cl_mem w = p.w[oclab_gemv_layout_of(&kern->variant)][2];
            unsigned char saved[sizeof garbage];
            assert_int_equal(clEnqueueReadBuffer(f->cl.queue, w, CL_TRUE, 100, sizeof saved, saved, 0, NULL, NULL),
                             CL_SUCCESS);
            assert_int_equal(clEnqueueWriteBuffer(f->cl.queue, w, CL_TRUE, 100, sizeof garbage, garbage, 0, NULL,
                                                  NULL), CL_SUCCESS);
            double e = oclab_gemv_verify(&f->cl, kern, &p, &err);
            assert_int_equal(err, CL_SUCCESS);
            if (!(isnan(e) || e > 10 * tol))
                fail_msg("%s variant %zu: corrupted weights passed with error %g", rl_format_name(formats[fi]), vi, e);
            assert_int_equal(clEnqueueWriteBuffer(f->cl.queue, w, CL_TRUE, 100, sizeof saved, saved, 0, NULL, NULL),
                             CL_SUCCESS);
            if (pair >= 0) {
                swap_scales(f, kern, &p, 1, (uint64_t)pair);
                e = oclab_gemv_verify(&f->cl, kern, &p, &err);
                if (!(isnan(e) || e > 10 * tol))
                    fail_msg("%s variant %zu: swapped block scales passed with error %g", rl_format_name(formats[fi]),
                             vi, e);
                swap_scales(f, kern, &p, 1, (uint64_t)pair);
                assert_true(oclab_gemv_verify(&f->cl, kern, &p, &err) <= tol);
            }
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

/* Interleaving by groups of G rows: element e of row r lands at ((r / G * per_row + e) * G + r % G). */
static void test_interleave(void **state)
{
    (void)state;
    enum { N = 10, PER_ROW = 3 };
    unsigned short src[N * PER_ROW], dst[16 * PER_ROW];
    for (int i = 0; i < N * PER_ROW; i++)
        src[i] = (unsigned short)(i + 1);
    static const uint64_t groups[] = {4, 8, 16};
    for (size_t gi = 0; gi < 3; gi++) {
        uint64_t g = groups[gi];
        assert_int_equal(oclab_gemv_il_bytes(N, 2 * PER_ROW, g), (N + g - 1) / g * g * 2 * PER_ROW);
        oclab_gemv_interleave(src, N, 2 * PER_ROW, 2, g, dst);
        for (uint64_t r = 0; r < (N + g - 1) / g * g; r++)
            for (int e = 0; e < PER_ROW; e++)
                assert_int_equal(dst[(r / g * PER_ROW + (uint64_t)e) * g + r % g], r < N ? src[r * PER_ROW + e] : 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_layout),
        cmocka_unit_test(test_interleave),
        cmocka_unit_test(test_space_register_files),
        cmocka_unit_test(test_space_gpu),
        cmocka_unit_test(test_odd_n),
        cmocka_unit_test(test_large_k),
        cmocka_unit_test(test_corrupted_weights_fail),
        cmocka_unit_test(test_tuner),
        cmocka_unit_test(test_hold),
        cmocka_unit_test(test_ragged_k),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
