/* oclab peak, compute: multiply-add throughput per precision with kernels/compute.cl, each result
 * checked against the kernel's closed form before its time counts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/peak/peak.h"

static const char *const prec_names[OCLAB_PRECS] = {"f32", "f64", "f16", "int32", "int8"};
static const char *const prec_defines[OCLAB_PRECS] = {"PREC_F32", "PREC_F64", "PREC_F16", "PREC_I32", "PREC_I8"};
/* preferred_vector_width[] index of each precision (f16 follows float: half has no slot there) */
static const int prec_width_slot[OCLAB_PRECS] = {4, 5, 4, 2, 0};

const char *oclab_precision_name(oclab_precision prec)
{
    return prec_names[prec];
}

static int is_integer(oclab_precision prec)
{
    return prec == OCLAB_PREC_I32 || prec == OCLAB_PREC_I8;
}

double oclab_compute_ops(const oclab_compute_shape *s)
{
    double updates = (double)s->wg * (double)s->groups * s->nacc * s->vec * (double)s->iters;
    return updates * (s->dot ? 8.0 : 2.0);
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
    for (int j = 0; j < s->nacc; j++) {
        if (s->dot) {
            int32_t a = j + 1;
            for (cl_uint i = 0; i < s->iters; i++)
                a = dot_update(a);
            sum += a;
        } else {
            /* b = -1, c = 1: v -> 1 - v, so j + 1 after an even count, -j after an odd one */
            sum += (double)s->vec * ((s->iters % 2 == 0) ? j + 1 : -j);
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
    char options[128];
    *kernel = NULL;
    snprintf(options, sizeof options, "-D %s -D VEC=%d -D NACC=%d", s->dot ? "PREC_I8DOT" : prec_defines[s->prec],
             s->vec, s->nacc);
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
    cl_int bi = s->dot ? OCLAB_COMPUTE_DOT_B : -1, ci = 1;
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

/* ---------------------------------------------------------------- measurement */

typedef struct {
    oclab_cl *cl;
    cl_kernel kernel;
    oclab_compute_shape shape;
    cl_mem out;
} compute_launch;

static cl_int compute_enqueue_fn(void *user, int rep, cl_event *first, cl_event *event)
{
    (void)first;
    (void)rep;
    compute_launch *l = user;
    return oclab_compute_enqueue(l->cl, l->kernel, &l->shape, l->out, event);
}

/* Iterations for a launch of about ctx->launch_s (at most the watchdog-safe maximum). */
static cl_int calibrate_iters(oclab_peak_ctx *ctx, compute_launch *l)
{
    cl_int err = CL_SUCCESS;
    double iters = 64.0;
    for (int round = 0; round < 4; round++) {
        double dev = 0.0, host = 0.0;
        l->shape.iters = (cl_uint)iters;
        CL_TRY(oclab_time_sample(ctx->cl, compute_enqueue_fn, l, 0, &dev, &host));
        double t = fmax(dev > 0.0 ? dev : host, 1e-7);
        double want = fmin(ctx->launch_s, OCLAB_PEAK_MAX_LAUNCH_S);
        int settled = t > 0.5 * want && t < 2.0 * want;
        iters = fmin(fmax(floor(iters * want / t), 2.0), 1e8);
        if (settled)
            break;
    }
    l->shape.iters = (cl_uint)iters;
cleanup:
    return err;
}

/* Times one configuration; *gops = median ops/s / 1e9, 0 when it could not run. */
static cl_int time_config(oclab_peak_ctx *ctx, compute_launch *l, const oclab_time_opts *opts, oclab_timing *t,
                          double *gops)
{
    cl_int err = CL_SUCCESS;
    *gops = 0.0;
    CL_TRY(calibrate_iters(ctx, l));
    CL_TRY(oclab_time_kernel(ctx->cl, compute_enqueue_fn, l, opts, t));
    *gops = t->device.median > 0.0 ? oclab_compute_ops(&l->shape) / t->device.median / 1e9 : 0.0;
cleanup:
    return err;
}

/* Why PREC cannot run on this device, or NULL. */
static const char *unsupported(const oclab_device_info *info, oclab_precision prec)
{
    if (prec == OCLAB_PREC_F64 && !info->has_fp64)
        return "device lacks cl_khr_fp64";
    if (prec == OCLAB_PREC_F16 && !info->has_fp16)
        return "device lacks cl_khr_fp16";
    return NULL;
}

static int measure_precision(oclab_peak_ctx *ctx, oclab_precision prec, cl_mem out, void *host_out, cJSON *all)
{
    const oclab_device_info *info = ctx->cl->info;
    int dot = prec == OCLAB_PREC_I8 && info->has_int_dot;
    int pref = (int)info->preferred_vector_width[prec_width_slot[prec]];
    int vecs[4] = {4, 8, 16, 0}, n_vecs = 3;
    size_t wgs[2] = {64, 256};
    int n_wgs = ctx->quick ? 1 : 2;
    oclab_time_opts tune = {ctx->budget_s / 4.0, 3, 1000}, full = {ctx->budget_s, 5, 100000};
    compute_launch best = {ctx->cl, NULL, {0}, out};
    cl_program programs[4] = {NULL};
    cl_kernel kernels[4] = {NULL};
    double best_gops = -1.0;
    char why[256] = "";
    int rc = 0;

    pref = pref < 1 ? 1 : pref > 16 ? 16 : pref;
    while (pref & (pref - 1))
        pref &= pref - 1;
    if (dot) {
        vecs[0] = 1; /* dot products work on int accumulators */
        n_vecs = 1;
    } else if (ctx->quick) {
        vecs[0] = pref;
        n_vecs = 1;
    } else if (pref != 4 && pref != 8 && pref != 16) {
        vecs[n_vecs++] = pref;
    }
    for (int v = 0; v < n_vecs; v++) {
        oclab_compute_shape shape = {prec, vecs[v], dot, OCLAB_COMPUTE_NACC, 0, 0, 0};
        if (oclab_compute_build(ctx->cl, &shape, &programs[v], &kernels[v]) != CL_SUCCESS) {
            char what[64];
            snprintf(what, sizeof what, "compute %s vec%d", prec_names[prec], vecs[v]);
            oclab_profile_skip(ctx->profile, what, "kernel build failed");
            ctx->failed = 1;
            continue;
        }
        for (int w = 0; w < n_wgs; w++) {
            size_t wg = wgs[w] <= info->max_work_group_size ? wgs[w] : info->max_work_group_size;
            compute_launch l = {ctx->cl, kernels[v], shape, out};
            oclab_timing t;
            double gops = 0.0;
            /* Four groups per compute unit: balanced on a CPU, enough residency on a GPU. */
            l.shape.wg = wg;
            l.shape.groups = 4 * (info->compute_units ? info->compute_units : 1);
            if (time_config(ctx, &l, &tune, &t, &gops) != CL_SUCCESS)
                continue;
            oclab_debug("compute %s vec%d wg%zu: %.1f G/s", prec_names[prec], l.shape.vec, wg, gops);
            if (gops > best_gops) {
                best_gops = gops;
                best = l;
            }
        }
    }
    if (!best.kernel) {
        oclab_error("compute %s: no configuration built and ran", prec_names[prec]);
        rc = -1;
        goto cleanup;
    }

    oclab_timing t;
    double gops = 0.0;
    size_t elem = prec == OCLAB_PREC_F64 ? sizeof(double) : sizeof(float);
    int verified = 0;
    if (time_config(ctx, &best, &full, &t, &gops) != CL_SUCCESS ||
        oclab_cl_read(ctx->cl, out, best.shape.wg * best.shape.groups * elem, host_out) != CL_SUCCESS)
        snprintf(why, sizeof why, "launch failed");
    else
        verified = oclab_compute_verify(&best.shape, host_out, why, sizeof why) == 0;

    cJSON *o = cJSON_AddObjectToObject(all, prec_names[prec]);
    cJSON_AddStringToObject(o, "unit", is_integer(prec) ? "GOP/s" : "GFLOP/s");
    cJSON_AddStringToObject(o, "kernel", dot ? "int8 dot4 + accumulate (cl_khr_integer_dot_product)"
                                         : is_integer(prec) ? "multiply-add (a * b + c)"
                                                            : "fma");
    cJSON_AddStringToObject(o, "counting", dot ? "8 ops per dot4 with accumulate" : "2 per multiply-add per lane");
    cJSON_AddNumberToObject(o, "vector_width", best.shape.vec);
    cJSON_AddNumberToObject(o, "accumulators", best.shape.nacc);
    cJSON_AddNumberToObject(o, "work_group", (double)best.shape.wg);
    cJSON_AddNumberToObject(o, "groups", (double)best.shape.groups);
    cJSON_AddNumberToObject(o, "iterations", best.shape.iters);
    cJSON_AddNumberToObject(o, "ops_per_launch", oclab_compute_ops(&best.shape));
    cJSON_AddBoolToObject(o, "verified", verified);
    if (verified) {
        double ops = oclab_compute_ops(&best.shape);
        cJSON *g = cJSON_AddObjectToObject(o, "gflops");
        cJSON_AddNumberToObject(g, "min", ops / t.device.max / 1e9);
        cJSON_AddNumberToObject(g, "median", ops / t.device.median / 1e9);
        cJSON_AddNumberToObject(g, "max", ops / t.device.min / 1e9);
        oclab_timing_to_json(&t, o);
        oclab_log("compute %-5s %9.1f %s (vec%d, wg %zu)", prec_names[prec], gops,
                  is_integer(prec) ? "GOP/s" : "GFLOP/s", best.shape.vec, best.shape.wg);
    } else {
        cJSON_AddStringToObject(o, "error", why);
        oclab_error("compute %s failed verification: %s", prec_names[prec], why);
        rc = -1;
    }
cleanup:
    for (int v = 0; v < 4; v++) {
        oclab_cl_release_kernel(&kernels[v]);
        oclab_cl_release_program(&programs[v]);
    }
    return rc;
}

int oclab_peak_compute(oclab_peak_ctx *ctx)
{
    cl_int err = CL_SUCCESS;
    const oclab_device_info *info = ctx->cl->info;
    /* one sum per work-item: at most max work-group (256 here) x 4 groups per compute unit */
    size_t items = 256 * 4 * (size_t)(info->compute_units ? info->compute_units : 1);
    cl_mem out = NULL;
    void *host_out = malloc(items * sizeof(double));
    cJSON *all = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(ctx->profile, "measurements"), "compute");
    if (!host_out) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(compute output)");
    }
    CL_TRY(oclab_cl_buffer(ctx->cl, CL_MEM_WRITE_ONLY, items * sizeof(double), NULL, &out));
    for (int p = 0; p < OCLAB_PRECS; p++) {
        const char *reason = unsupported(info, (oclab_precision)p);
        char what[32];
        snprintf(what, sizeof what, "compute %s", prec_names[p]);
        if (reason)
            oclab_profile_skip(ctx->profile, what, reason);
        else if (measure_precision(ctx, (oclab_precision)p, out, host_out, all) != 0)
            ctx->failed = 1;
    }
cleanup:
    oclab_cl_release_mem(&out);
    free(host_out);
    if (err != CL_SUCCESS)
        ctx->failed = 1;
    return err == CL_SUCCESS ? OCLAB_EXIT_OK : OCLAB_EXIT_FAIL;
}
