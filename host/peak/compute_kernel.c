/* kernels/compute.cl: one configuration built, launched and checked against its closed form. */
#include <stdio.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/peak/compute.h"

static const char *const prec_names[OCLAB_PRECS] = {"f32", "f64", "f16", "int32", "int8", "int16"};
static const char *const prec_defines[OCLAB_PRECS] = {"PREC_F32", "PREC_F64", "PREC_F16",
                                                      "PREC_I32", "PREC_I8",  "PREC_I16DOT"};

const char *oclab_precision_name(oclab_precision prec)
{
    return prec_names[prec];
}

static int is_integer(oclab_precision prec)
{
    return prec == OCLAB_PREC_I32 || prec == OCLAB_PREC_I8 || prec == OCLAB_PREC_I16;
}

size_t oclab_compute_out_bytes(oclab_precision prec)
{
    return prec == OCLAB_PREC_F64 ? sizeof(double) : 4;
}

double oclab_compute_ops(const oclab_compute_shape *s)
{
    double updates = (double)s->wg * (double)s->groups * s->nacc * s->vec * (double)s->iters;
    return updates * (s->dot ? 8.0 : s->prec == OCLAB_PREC_I16 ? 4.0 : 2.0);
}

const char *oclab_compute_kernel_text(const oclab_compute_shape *s)
{
    switch (s->prec) {
    case OCLAB_PREC_I32: return "int32 multiply and add";
    case OCLAB_PREC_I8:
        return s->dot ? "int8 dot4 with accumulate (cl_khr_integer_dot_product)"
                      : "char-vector multiply and add (8-bit lanes through ordinary integer instructions, "
                        "no dot-product unit)";
    case OCLAB_PREC_I16: return "int16 pair product with int32 accumulate (the q8_0 attention's step)";
    default: return s->use_fma ? "fma" : "mad (the device reports no fused multiply-add)";
    }
}

/* int8 dot path: acc + the sum of acc's own four signed bytes (OCLAB_COMPUTE_DOT_B is all ones). */
static int32_t dot_update(int32_t a)
{
    uint32_t u = (uint32_t)a;
    int32_t sum = 0;
    for (int b = 0; b < 4; b++)
        sum += (int8_t)(uint8_t)(u >> (8 * b));
    return (int32_t)((uint32_t)a + (uint32_t)sum);
}

/* The per-work-item sum compute.cl produces for SHAPE (exact in every output type). */
static double expected_sum(const oclab_compute_shape *s)
{
    double sum = 0.0;
    int even = s->iters % 2 == 0;
    for (int j = 0; j < s->nacc; j++) {
        if (s->dot) {
            int32_t a = j + 1;
            for (cl_uint i = 0; i < s->iters; i++)
                a = dot_update(a);
            sum += a;
        } else if (s->prec == OCLAB_PREC_I16) {
            sum += (double)s->vec * (even ? j + 1 : -(j + 1));
        } else {
            sum += (double)s->vec * (even ? j + 1 : -j); /* b = -1, c = 1: v -> 1 - v */
        }
    }
    return sum;
}

int oclab_compute_verify(const oclab_compute_shape *s, const void *out, char *why, size_t len)
{
    double want = expected_sum(s);
    size_t items = s->wg * s->groups;
    for (size_t i = 0; i < items; i++) {
        double got = s->prec == OCLAB_PREC_F64 ? ((const double *)out)[i]
                     : is_integer(s->prec)     ? (double)((const int32_t *)out)[i]
                                               : (double)((const float *)out)[i];
        if (got != want) {
            snprintf(why, len, "%s: work-item %zu summed %.9g, expected %.9g", prec_names[s->prec], i, got, want);
            return -1;
        }
    }
    return 0;
}

cl_int oclab_compute_build(oclab_cl *cl, const oclab_compute_shape *s, cl_program *program, cl_kernel *kernel)
{
    cl_int err = CL_SUCCESS;
    char options[160];
    *kernel = NULL;
    snprintf(options, sizeof options, "-D %s -D VEC=%d -D NACC=%d%s%s", s->dot ? "PREC_I8DOT" : prec_defines[s->prec],
             s->vec, s->nacc, s->use_fma ? " -D USE_FMA" : "",
             s->prec == OCLAB_PREC_I16 && oclab_device_host_avx512_vnni(cl->info) ? " -D HOST_AVX512_VNNI" : "");
    CL_TRY(oclab_cl_build(cl, "compute.cl", options, program));
    CL_TRY(oclab_cl_kernel(*program, "compute_peak", kernel));
cleanup:
    if (err != CL_SUCCESS)
        oclab_cl_release_program(program);
    return err;
}

cl_int oclab_compute_enqueue(oclab_cl *cl, cl_kernel kernel, const oclab_compute_shape *s, cl_mem out,
                             cl_event *event)
{
    cl_int err = CL_SUCCESS;
    float bf = -1.0f, cf = 1.0f;
    cl_int bi = s->dot ? OCLAB_COMPUTE_DOT_B : s->prec == OCLAB_PREC_I16 ? OCLAB_COMPUTE_PAIR_B : -1, ci = 1;
    cl_uint iters = s->iters;
    size_t global = s->wg * s->groups, local = s->wg;
    CL_TRY(oclab_cl_arg(kernel, 0, sizeof out, &out));
    CL_TRY(oclab_cl_arg(kernel, 1, sizeof bf, &bf));
    CL_TRY(oclab_cl_arg(kernel, 2, sizeof cf, &cf));
    CL_TRY(oclab_cl_arg(kernel, 3, sizeof bi, &bi));
    CL_TRY(oclab_cl_arg(kernel, 4, sizeof ci, &ci));
    CL_TRY(oclab_cl_arg(kernel, 5, sizeof iters, &iters));
    CL_TRY(clEnqueueNDRangeKernel(cl->queue, kernel, 1, NULL, &global, &local, 0, NULL, event));
cleanup:
    return err;
}
