/* oclab peak kernels on the OpenCL device (POCL in CI): every stream kernel in both layouts and the
 * compute kernel of every supported precision produce what their host references say, and a
 * deliberately wrong result is caught by the same verifiers. */
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
#include "host/peak/compute.h"
#include "host/peak/peak.h"
#include "host/peak/stream.h"

static oclab_device_list devices;
static oclab_cl cl;

#define N_FLOATS (64 * 1024)

/* Runs one stream launch of SHAPE on fresh buffers; OUT gets the destination (or read's partials). */
static void run_stream(const oclab_stream_shape *shape, float *x, float *y, float *out)
{
    cl_program program = NULL;
    cl_kernel kernel = NULL;
    cl_mem dx = NULL, dy = NULL, dd = NULL;
    cl_event event = NULL;
    oclab_stream_fill(x, N_FLOATS, 11);
    oclab_stream_fill(y, N_FLOATS, 12);
    assert_int_equal(oclab_stream_build(&cl, shape, &program, &kernel), CL_SUCCESS);
    assert_int_equal(oclab_cl_buffer(&cl, CL_MEM_READ_ONLY, N_FLOATS * sizeof(float), x, &dx), CL_SUCCESS);
    assert_int_equal(oclab_cl_buffer(&cl, CL_MEM_READ_ONLY, N_FLOATS * sizeof(float), y, &dy), CL_SUCCESS);
    assert_int_equal(oclab_cl_buffer(&cl, CL_MEM_READ_WRITE, N_FLOATS * sizeof(float), NULL, &dd), CL_SUCCESS);
    assert_int_equal(oclab_stream_enqueue(&cl, kernel, shape, dd, dx, dy, &event), CL_SUCCESS);
    size_t n = shape->op == OCLAB_STREAM_READ ? oclab_stream_items(shape) : oclab_stream_floats(shape);
    assert_int_equal(oclab_cl_read(&cl, dd, n * sizeof(float), out), CL_SUCCESS);
    clReleaseEvent(event);
    oclab_cl_release_mem(&dx);
    oclab_cl_release_mem(&dy);
    oclab_cl_release_mem(&dd);
    oclab_cl_release_kernel(&kernel);
    oclab_cl_release_program(&program);
}

static float *alloc_floats(void)
{
    float *f = malloc(N_FLOATS * sizeof *f);
    assert_non_null(f);
    return f;
}

static void test_stream_kernels_verify(void **state)
{
    (void)state;
    float *x = alloc_floats(), *y = alloc_floats(), *out = alloc_floats();
    char why[256];
    for (int op = 0; op < OCLAB_STREAM_OPS; op++) {
        for (int interleaved = 0; interleaved < 2; interleaved++) {
            /* 4 groups x 8 items x 37 vectors of 4 (odd count: read's remainder loop runs), 3 passes, and
             * read's accumulators both fewer and more than a work-item's 37 vectors split evenly */
            oclab_stream_shape s = {(oclab_stream_op)op, 4, 8, 4, interleaved, 37, 3, interleaved ? 16 : 3};
            assert_true(oclab_stream_floats(&s) <= N_FLOATS);
            memset(out, 0xff, N_FLOATS * sizeof(float));
            run_stream(&s, x, y, out);
            int ok = oclab_stream_verify(&s, x, y, out, why, sizeof why);
            if (ok != 0)
                fprintf(stderr, "%s\n", why);
            assert_int_equal(ok, 0);
            /* one element or partial off by the smallest step of the fill is caught */
            out[oclab_stream_items(&s) / 2] += 1.0f / 16.0f;
            assert_int_equal(oclab_stream_verify(&s, x, y, out, why, sizeof why), -1);
            assert_non_null(strstr(why, oclab_stream_op_name(s.op)));
            if (s.op == OCLAB_STREAM_WRITE) /* normal floats only: nothing a device may flush to zero */
                for (size_t i = 0; i < oclab_stream_floats(&s); i++)
                    assert_true(fpclassify(out[i]) == FP_NORMAL);
            /* a work-item's last vector left unwritten (a loop cut short) fails the sampled check too */
            if (s.op != OCLAB_STREAM_READ) {
                run_stream(&s, x, y, out);
                size_t last = s.interleaved ? (oclab_stream_items(&s) * (s.per_wi - 1) + 1) * s.vec
                                            : (s.per_wi * 2 - 1) * s.vec; /* work-item 1's last vector */
                memset(&out[last], 0xff, sizeof(float));
                assert_int_equal(oclab_stream_verify_sampled(&s, x, y, out, 0, why, sizeof why), -1);
            }
        }
    }
    free(x);
    free(y);
    free(out);
}

/* A read repeated as often as the sweep times it at 16 KiB (213583 passes) is checked with the passes
 * that sum exactly: fewer, bounded by 2^20 over a work-item's magnitudes per pass, and they verify. */
static void test_stream_exact_passes(void **state)
{
    (void)state;
    float *x = alloc_floats(), *y = alloc_floats(), *out = alloc_floats();
    char why[256];
    oclab_stream_fill(x, N_FLOATS, 11);
    oclab_stream_shape s = {OCLAB_STREAM_READ, 16, 1, 2, 1, 128, 213583, 0};
    double most = 0.0; /* a work-item's magnitudes per pass (interleaved: vector k of item g at g + 2k) */
    for (size_t g = 0; g < 2; g++) {
        double mass = 0.0;
        for (size_t i = 0; i < 128 * 16; i++)
            mass += fabs(x[((g + 2 * (i / 16)) * 16) + i % 16]);
        most = mass > most ? mass : most;
    }
    cl_uint p = oclab_stream_exact_passes(&s, x);
    assert_true(p >= 1 && p < s.passes);
    assert_true(p * most <= 1048576.0 && (p + 1) * most > 1048576.0);
    s.passes = p;
    run_stream(&s, x, y, out);
    int ok = oclab_stream_verify(&s, x, y, out, why, sizeof why);
    if (ok != 0)
        fprintf(stderr, "%s\n", why);
    assert_int_equal(ok, 0);
    s.passes = 1; /* never more than asked */
    assert_int_equal(oclab_stream_exact_passes(&s, x), 1);
    free(x);
    free(y);
    free(out);
}

static void test_stream_byte_counts(void **state)
{
    (void)state;
    oclab_stream_shape s = {OCLAB_STREAM_TRIAD, 16, 2, 3, 0, 10, 5, 0};
    assert_int_equal(oclab_stream_items(&s), 6);
    assert_int_equal(oclab_stream_floats(&s), 6 * 10 * 16);
    /* STREAM counting: 2 arrays read + 1 written, per pass */
    assert_true(oclab_stream_bytes(&s) == 3.0 * 960 * 4 * 5);
    s.op = OCLAB_STREAM_READ;
    assert_true(oclab_stream_bytes(&s) == 1.0 * 960 * 4 * 5);
    s.op = OCLAB_STREAM_COPY;
    assert_true(oclab_stream_bytes(&s) == 2.0 * 960 * 4 * 5);
}

static void run_compute(const oclab_compute_shape *shape, void *out)
{
    cl_program program = NULL;
    cl_kernel kernel = NULL;
    cl_mem dout = NULL;
    cl_event event = NULL;
    size_t items = shape->wg * shape->groups;
    assert_int_equal(oclab_compute_build(&cl, shape, &program, &kernel), CL_SUCCESS);
    assert_int_equal(oclab_cl_buffer(&cl, CL_MEM_WRITE_ONLY, items * sizeof(double), NULL, &dout), CL_SUCCESS);
    assert_int_equal(oclab_compute_enqueue(&cl, kernel, shape, dout, &event), CL_SUCCESS);
    size_t elem = shape->prec == OCLAB_PREC_F64 ? sizeof(double) : 4;
    assert_int_equal(oclab_cl_read(&cl, dout, items * elem, out), CL_SUCCESS);
    clReleaseEvent(event);
    oclab_cl_release_mem(&dout);
    oclab_cl_release_kernel(&kernel);
    oclab_cl_release_program(&program);
}

static void test_compute_closed_form(void **state)
{
    (void)state;
    const oclab_device_info *info = cl.info;
    double out[64];
    char why[256];
    int ran = 0;
    for (int p = 0; p < OCLAB_PRECS; p++) {
        if ((p == OCLAB_PREC_F64 && !info->has_fp64) || (p == OCLAB_PREC_F16 && !info->has_fp16))
            continue;
        int dot = p == OCLAB_PREC_I8 && info->has_int_dot;
        int vec = dot ? 1 : p == OCLAB_PREC_I16 ? 16 : 4;
        for (cl_uint iters = 6; iters <= 7; iters++) { /* even and odd counts give different sums */
            /* 3 and 10 accumulators: the macro-repeated bodies at counts no power of two hides */
            oclab_compute_shape s = {(oclab_precision)p, vec, dot, iters == 6 ? 3 : 10, 8, 2, iters, info->has_fma};
            memset(out, 0, sizeof out);
            run_compute(&s, out);
            int ok = oclab_compute_verify(&s, out, why, sizeof why);
            if (ok != 0)
                fprintf(stderr, "%s\n", why);
            assert_int_equal(ok, 0);
            /* one iteration fewer than claimed is caught */
            s.iters = iters - 1;
            assert_int_equal(oclab_compute_verify(&s, out, why, sizeof why), -1);
            assert_non_null(strstr(why, oclab_precision_name(s.prec)));
            ran++;
        }
    }
    assert_true(ran >= 8); /* f32, int32, int8, int16 at least, twice each */
}

static void test_compute_op_counts(void **state)
{
    (void)state;
    /* FMA = 2 FLOPs per lane: 4 acc x 8 lanes x 10 iterations x (16 x 2) work-items x 2 */
    oclab_compute_shape s = {OCLAB_PREC_F32, 8, 0, 4, 16, 2, 10, 1};
    assert_true(oclab_compute_ops(&s) == 2.0 * 4 * 8 * 10 * 32);
    /* an int8 dot of 4 lanes with accumulate = 8 ops */
    oclab_compute_shape d = {OCLAB_PREC_I8, 1, 1, 4, 16, 2, 10, 0};
    assert_true(oclab_compute_ops(&d) == 8.0 * 4 * 10 * 32);
    /* an int16 pair product with accumulate = 2 multiply-adds = 4 ops per 32-bit lane */
    oclab_compute_shape q = {OCLAB_PREC_I16, 16, 0, 4, 16, 2, 10, 0};
    assert_true(oclab_compute_ops(&q) == 4.0 * 16 * 4 * 10 * 32);
}

int main(void)
{
    int opened = cl_fixture_open(&devices, &cl);
    if (opened != 0)
        return opened;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_kernels_verify), cmocka_unit_test(test_stream_exact_passes),
        cmocka_unit_test(test_stream_byte_counts),
        cmocka_unit_test(test_compute_closed_form),   cmocka_unit_test(test_compute_op_counts),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    oclab_cl_close(&cl);
    oclab_device_list_free(&devices);
    return rc;
}
