/* oclab peak, compute: the ceiling of every precision the device supports, each configuration
 * (vector width x independent accumulators x work-group x groups per compute unit) found by the tuner
 * within a register budget the device's vector width sets, each result checked against compute.cl's
 * closed form before its time counts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/fault.h"
#include "host/cl/kernel_source.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/peak/compute.h"
#include "host/peak/peak.h"

/* Vector registers an ISA exposes at most (x86 AVX-512, Arm SVE and NEON, RISC-V V: 32): CPU
 * accumulators beyond 32 registers of the native width can only spill. A GPU work-item keeps its
 * accumulators in its share of the register file: 128 of 32 bits is half of the most any GPU gives one
 * work-item (255), so occupancy stays possible. The search, not these bounds, finds where a smaller
 * file (16 registers of AVX2) spills. */
#define CPU_VECTOR_REGISTERS 32
#define GPU_REGISTER_BYTES (128 * 4)

static const int vec_values[] = {1, 2, 4, 8, 16};
static const int nacc_values[] = {1, 2, 3, 4, 6, 8, 10, 12, 14, 16, 20, 24, 32};
static const int cpu_wg_values[] = {1, 4, 16, 64};
static const int gpu_wg_values[] = {32, 64, 128, 256, 512, 1024};
static const int per_cu_values[] = {1, 2, 4, 8};

typedef struct {
    oclab_peak_ctx *ctx;
    oclab_precision prec;
    int dot, use_fma;
    size_t elem;           /* bytes of one lane */
    double register_bytes; /* the accumulators' budget per work-item */
} compute_family;

typedef struct {
    oclab_cl *cl;
    oclab_compute_shape shape;
    cl_program program;
    cl_kernel kernel;
    cl_mem out;
    void *host_out;
} compute_candidate;

static int is_cpu(const oclab_device_info *info)
{
    return (info->type & CL_DEVICE_TYPE_CPU) != 0;
}

static int valid(const oclab_tune_space *space, const int *p, void *user, char *why, size_t len)
{
    const compute_family *f = user;
    int vec = oclab_tune_get(space, p, "vec", 1), nacc = oclab_tune_get(space, p, "nacc", 1);
    size_t wg = (size_t)oclab_tune_get(space, p, "wg", 1);
    double bytes = (double)vec * nacc * (double)f->elem;
    if (bytes > f->register_bytes) {
        snprintf(why, len, "%d accumulators of %d lanes exceed the register budget of %.0f bytes", nacc, vec,
                 f->register_bytes);
        return 0;
    }
    if (wg > f->ctx->cl->info->max_work_group_size) {
        snprintf(why, len, "work-group %zu beyond the device's %zu", wg, f->ctx->cl->info->max_work_group_size);
        return 0;
    }
    return 1;
}

/* Lanes of PREC in one of the device's native vectors. */
static int native_lanes(const oclab_device_info *info, oclab_precision prec)
{
    static const int slot[OCLAB_PRECS] = {4, 5, 4, 2, 0, 2}; /* native_vector_width[] of each precision */
    return (int)info->native_vector_width[slot[prec]];
}

/* Start: the native vector width, 8 accumulators (enough to hide a 4-cycle latency on 2 pipes), the
 * middle work-group of the device's kind, 4 groups per compute unit. */
static void make_space(compute_family *f, oclab_tune_space *space)
{
    const oclab_device_info *info = f->ctx->cl->info;
    int native = native_lanes(info, f->prec);
    oclab_tune_space_init(space, "compute", valid, f);
    if (f->dot)
        oclab_tune_add(space, "vec", vec_values, 1, 1);
    else if (f->prec == OCLAB_PREC_I16)
        oclab_tune_add(space, "vec", vec_values + 4, 1, 16);
    else
        oclab_tune_add(space, "vec", vec_values, 5, native > 0 ? native : 4);
    oclab_tune_add(space, "nacc", nacc_values, (int)(sizeof nacc_values / sizeof nacc_values[0]), 8);
    if (is_cpu(info))
        oclab_tune_add(space, "wg", cpu_wg_values, 4, 16);
    else
        oclab_tune_add(space, "wg", gpu_wg_values, 6, 256);
    oclab_tune_add(space, "groups_per_cu", per_cu_values, 4, 4);
}

static void release(void *user, void *handle)
{
    (void)user;
    compute_candidate *c = handle;
    if (!c)
        return;
    oclab_cl_release_kernel(&c->kernel);
    oclab_cl_release_program(&c->program);
    oclab_cl_release_mem(&c->out);
    free(c->host_out);
    free(c);
}

static cl_int launch_fn(void *user, int rep, cl_event *first, cl_event *last)
{
    (void)rep;
    (void)first;
    compute_candidate *c = user;
    return oclab_compute_enqueue(c->cl, c->kernel, &c->shape, c->out, last);
}

/* Iterations (and, where the driver limits loop trips, more groups) for a launch of about the peak's
 * launch length, kept below the watchdog bound. */
static cl_int calibrate(oclab_peak_ctx *ctx, compute_candidate *c)
{
    cl_int err = CL_SUCCESS;
    double want = fmin(ctx->launch_s, ctx->max_launch_s);
    uint64_t budget = oclab_cl_loop_budget(ctx->cl);
    double most_iters = fmin(1e8, (double)(budget - budget % 2));
    size_t base_groups = c->shape.groups;
    c->shape.iters = 64;
    for (int round = 0; round < 6; round++) {
        double dev = 0.0, host = 0.0;
        CL_TRY(oclab_time_sample(ctx->cl, launch_fn, c, 0, &dev, &host));
        double t = fmax(dev, 1e-7);
        if (t > 0.5 * want && t < 2.0 * want)
            break;
        double iters = floor(c->shape.iters * want / t / 2.0) * 2.0; /* even: the closed form's parity */
        if (iters > most_iters && c->shape.groups < base_groups * 64) {
            c->shape.groups *= 2; /* the loop limit: longer launches from more work-items */
            iters = most_iters;
        }
        c->shape.iters = (cl_uint)fmin(fmax(iters, 2.0), most_iters);
    }
cleanup:
    return err;
}

/* Runs C once and checks its output, the buffer poisoned first so unwritten sums cannot pass. */
static int check(oclab_cl *cl, compute_candidate *c, char *why, size_t len)
{
    size_t items = c->shape.wg * c->shape.groups, bytes = items * oclab_compute_out_bytes(c->shape.prec);
    cl_event ev = NULL;
    cl_uint poison = 0xffffffffu;
    if (clEnqueueFillBuffer(cl->queue, c->out, &poison, sizeof poison, 0, bytes, 0, NULL, NULL) != CL_SUCCESS ||
        oclab_compute_enqueue(cl, c->kernel, &c->shape, c->out, &ev) != CL_SUCCESS ||
        oclab_cl_read(cl, c->out, bytes, c->host_out) != CL_SUCCESS) {
        if (ev)
            clReleaseEvent(ev);
        snprintf(why, len, "the launch failed");
        return -1;
    }
    clReleaseEvent(ev);
    return oclab_compute_verify(&c->shape, c->host_out, why, len);
}

/* The tuner's candidate: built, sized to the launch length, verified. */
static void *prepare(void *user, const int *p, oclab_tune_status *status, char *why, size_t len)
{
    compute_family *f = user;
    oclab_peak_ctx *ctx = f->ctx;
    const oclab_device_info *info = ctx->cl->info;
    compute_candidate *c = calloc(1, sizeof *c);
    if (!c) {
        *status = OCLAB_TUNE_LAUNCH;
        snprintf(why, len, "out of host memory");
        return NULL;
    }
    c->cl = ctx->cl;
    c->shape = (oclab_compute_shape){f->prec, p[0], f->dot, p[1], (size_t)p[2],
                                     (size_t)p[3] * (info->compute_units ? info->compute_units : 1), 2,
                                     f->use_fma};
    size_t most = c->shape.wg * c->shape.groups * 64 * oclab_compute_out_bytes(f->prec);
    *status = OCLAB_TUNE_BUILD;
    if (oclab_compute_build(ctx->cl, &c->shape, &c->program, &c->kernel) != CL_SUCCESS) {
        snprintf(why, len, "kernel build failed");
        goto fail;
    }
    *status = OCLAB_TUNE_LAUNCH;
    c->host_out = malloc(most);
    if (!c->host_out || oclab_cl_buffer(ctx->cl, CL_MEM_WRITE_ONLY, most, NULL, &c->out) != CL_SUCCESS ||
        calibrate(ctx, c) != CL_SUCCESS) {
        snprintf(why, len, "could not allocate or launch");
        goto fail;
    }
    *status = OCLAB_TUNE_WRONG;
    if (check(ctx->cl, c, why, len) != 0)
        goto fail;
    return c;
fail:
    release(f, c);
    return NULL;
}

/* Seconds per operation of one launch. */
static double sample(void *user, void *handle, int rep)
{
    (void)user;
    compute_candidate *c = handle;
    double dev = 0.0, host = 0.0;
    if (oclab_time_sample(c->cl, launch_fn, c, rep, &dev, &host) != CL_SUCCESS || !(dev > 0.0))
        return -1.0;
    return dev / oclab_compute_ops(&c->shape);
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

static void record(oclab_peak_ctx *ctx, compute_candidate *c, const oclab_timing *t, int verified, const char *why,
                   cJSON *tuning, cJSON *all)
{
    oclab_precision prec = c->shape.prec;
    int integer = prec == OCLAB_PREC_I32 || prec == OCLAB_PREC_I8 || prec == OCLAB_PREC_I16;
    double ops = oclab_compute_ops(&c->shape);
    cJSON *o = cJSON_AddObjectToObject(all, oclab_precision_name(prec));
    cJSON_AddStringToObject(o, "unit", integer ? "GOP/s" : "GFLOP/s");
    cJSON_AddStringToObject(o, "kernel", oclab_compute_kernel_text(&c->shape));
    cJSON_AddStringToObject(o, "counting", c->shape.dot                  ? "8 ops per dot4 with accumulate"
                                           : prec == OCLAB_PREC_I16 ? "4 ops per 32-bit lane (2 multiply-adds)"
                                                                         : "2 per multiply-add per lane");
    cJSON_AddNumberToObject(o, "vector_width", c->shape.vec);
    cJSON_AddNumberToObject(o, "accumulators", c->shape.nacc);
    cJSON_AddNumberToObject(o, "work_group", (double)c->shape.wg);
    cJSON_AddNumberToObject(o, "groups", (double)c->shape.groups);
    cJSON_AddNumberToObject(o, "iterations", c->shape.iters);
    cJSON_AddNumberToObject(o, "ops_per_launch", ops);
    cJSON_AddBoolToObject(o, "verified", verified);
    cJSON_AddItemToObject(o, "tuning", tuning);
    if (!verified) {
        cJSON_AddStringToObject(o, "error", why);
        oclab_error("compute %s failed verification: %s", oclab_precision_name(prec), why);
        return;
    }
    cJSON *g = cJSON_AddObjectToObject(o, "gflops");
    cJSON_AddNumberToObject(g, "min", ops / t->device.max / 1e9);
    cJSON_AddNumberToObject(g, "median", ops / t->device.median / 1e9);
    cJSON_AddNumberToObject(g, "max", ops / t->device.min / 1e9);
    oclab_timing_to_json(t, o);
    oclab_log("compute %-5s %9.1f %s (vec%d x %d acc, wg %zu x %zu groups)%s", oclab_precision_name(prec),
              ops / t->device.median / 1e9, integer ? "GOP/s" : "GFLOP/s", c->shape.vec, c->shape.nacc, c->shape.wg,
              c->shape.groups, t->suspect ? " SUSPECT timing" : "");
    (void)ctx;
}

static int measure_precision(oclab_peak_ctx *ctx, oclab_precision prec, cJSON *all)
{
    const oclab_device_info *info = ctx->cl->info;
    compute_family f = {ctx, prec, prec == OCLAB_PREC_I8 && info->has_int_dot, info->has_fma, 4, 0.0};
    f.elem = prec == OCLAB_PREC_F64 ? 8 : prec == OCLAB_PREC_F16 ? 2 : prec == OCLAB_PREC_I8 && !f.dot ? 1 : 4;
    double native_bytes = (double)native_lanes(info, prec) * (double)f.elem;
    f.register_bytes = is_cpu(info) ? CPU_VECTOR_REGISTERS * fmax(native_bytes, 16.0) : GPU_REGISTER_BYTES;
    oclab_tune_space space;
    make_space(&f, &space);
    oclab_tune_eval eval = {prepare, sample, release, &f};
    oclab_tune_opts opts;
    oclab_tune_opts_default(&opts);
    opts.budget_s = ctx->quick ? 1.0 : 2.5;
    oclab_tune_outcome out;
    char shape_class[64], why[256] = "";
    snprintf(shape_class, sizeof shape_class, "peak%s", f.dot ? " dot4" : f.use_fma ? " fma" : " mad");
    if (oclab_tune(&ctx->tuner, &space, &eval, &opts, oclab_precision_name(prec), shape_class,
                   oclab_kernel_source_hash("compute.cl", ctx->cl->kernel_dir, NULL), &out) != 0) {
        char what[32];
        cJSON *o = cJSON_AddObjectToObject(all, oclab_precision_name(prec));
        oclab_tune_failure_text(out.record, why, sizeof why);
        cJSON_AddBoolToObject(o, "verified", 0);
        cJSON_AddStringToObject(o, "error", why);
        cJSON_AddItemToObject(o, "tuning", out.record);
        snprintf(what, sizeof what, "compute %s", oclab_precision_name(prec));
        oclab_profile_skip(ctx->profile, what, why);
        return -1;
    }
    compute_candidate *c = out.handle;
    oclab_time_opts full = {ctx->budget_s, 5, 100000};
    oclab_timing t;
    int verified = oclab_time_kernel(ctx->cl, launch_fn, c, &full, &t) == CL_SUCCESS &&
                   check(ctx->cl, c, why, sizeof why) == 0;
    if (!verified && !why[0])
        snprintf(why, sizeof why, "a timed launch failed");
    record(ctx, c, &t, verified, why, out.record, all);
    release(&f, c);
    return verified ? 0 : -1;
}

int oclab_peak_compute(oclab_peak_ctx *ctx)
{
    const oclab_device_info *info = ctx->cl->info;
    cJSON *all = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(ctx->profile, "measurements"), "compute");
    oclab_fault_scope(1, "compute");
    oclab_fault_point();
    for (int p = 0; p < OCLAB_PRECS; p++) {
        const char *reason = unsupported(info, (oclab_precision)p);
        char what[32];
        snprintf(what, sizeof what, "compute %s", oclab_precision_name((oclab_precision)p));
        if (reason)
            oclab_profile_skip(ctx->profile, what, reason);
        else if (measure_precision(ctx, (oclab_precision)p, all) != 0)
            ctx->failed = 1;
    }
    oclab_fault_scope(1, NULL);
    return ctx->failed ? OCLAB_EXIT_FAIL : OCLAB_EXIT_OK;
}
