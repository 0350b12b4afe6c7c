/* The GEMV family through the tuner (host/tune/): the space of gemv_space.c searched with candidates
 * built, verified on every held copy and timed on cold copies, as the final measurement is. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/kernel_source.h"
#include "host/cl/log.h"
#include "host/decode/gemv.h"
#include "roofline/cost.h"

/* Seconds per search (--tune-time replaces them): a POCL build takes 0.3-2 s, so about 5-15 candidates
 * on a cold driver cache; the tuning cache keeps the outcome for later runs. */
#define BUDGET_S 8.0
#define QUICK_BUDGET_S 2.0
#define SEARCH_ROUNDS 5
#define FINAL_ROUNDS 9
#define FINALISTS 4

typedef struct {
    oclab_cl *cl;
    oclab_gemv_problem *p;
    uint64_t m;
    const oclab_tune_space *space;
    int copies; /* of each layout while tuning */
    oclab_probe *probe;             /* NULL: costs in seconds */
    oclab_compute_probe *compute;   /* NULL: the bandwidth probe alone */
    double gb, gflop;               /* the problem's compulsory gigabytes and its GFLOP */
} tune_ctx;

typedef struct {
    oclab_gemv_kernel kern;
    oclab_gemv_launch launch;
} candidate;

static int held_mask(const oclab_gemv_problem *p)
{
    int mask = 0;
    for (int l = 0; l < OCLAB_GEMV_LAYOUTS; l++)
        if (p->held[l] > 0)
            mask |= OCLAB_GEMV_MASK(l);
    return mask;
}

static void release(void *user, void *handle)
{
    (void)user;
    candidate *c = handle;
    oclab_gemv_kernel_free(&c->kern);
    free(c);
}

static void *prepare(void *user, const int *point, oclab_tune_status *status, char *why, size_t len)
{
    tune_ctx *t = user;
    oclab_gemv_variant v;
    cl_int err = CL_SUCCESS;
    oclab_gemv_variant_at(t->space, point, &v);
    int layout = oclab_gemv_layout_of(&v);
    if (t->p->held[layout] == 0) {
        err = oclab_gemv_problem_hold(t->cl, t->p, held_mask(t->p) | OCLAB_GEMV_MASK(layout), t->copies);
        if (err != CL_SUCCESS) {
            *status = OCLAB_TUNE_LAUNCH;
            snprintf(why, len, "no room for %d copies of its weight layout: %s", t->copies, oclab_cl_error_name(err));
            return NULL;
        }
    }
    candidate *c = calloc(1, sizeof *c);
    if (!c) {
        *status = OCLAB_TUNE_LAUNCH;
        snprintf(why, len, "out of host memory");
        return NULL;
    }
    err = oclab_gemv_kernel_build(t->cl, t->p->format, t->m, &v, t->p->k, &c->kern);
    if (err != CL_SUCCESS) {
        free(c);
        *status = OCLAB_TUNE_BUILD;
        snprintf(why, len, "%s", oclab_cl_error_name(err));
        return NULL;
    }
    /* every held copy of its layout checked: this also warms the candidate up */
    double e = oclab_gemv_verify(t->cl, &c->kern, t->p, &err), tol = oclab_gemv_tolerance(t->p->format, t->p->k);
    if (err != CL_SUCCESS || !(e <= tol)) {
        release(NULL, c);
        *status = err != CL_SUCCESS ? OCLAB_TUNE_LAUNCH : OCLAB_TUNE_WRONG;
        if (err != CL_SUCCESS)
            snprintf(why, len, "%s", oclab_cl_error_name(err));
        else
            snprintf(why, len, "max relative error %g over the tolerance %g", e, tol);
        return NULL;
    }
    c->launch = (oclab_gemv_launch){t->cl, &c->kern, t->p};
    return c;
}

/* One launch on the copy REP selects (cold): its time by its event, unless the device's events cannot
 * be believed (a timer of resolution 0, or a duration far below the host's), then by the host. With
 * the probes, each launch is followed by a sample of each, and the cost is that time over what the
 * machine gave at that moment, min(t x probe GB/s / GB, t x probe GFLOP/s / GFLOP) (the inverse of
 * efficiency_vs_probe): the drift of a shared machine (its DRAM bandwidth moves 2x within seconds)
 * does not rank candidates timed a few seconds apart. */
static double sample(void *user, void *handle, int rep)
{
    tune_ctx *t = user;
    candidate *c = handle;
    double device_s = 0.0, host_s = 0.0, gbs = 0.0, gflops = 0.0;
    if (oclab_time_sample(t->cl, oclab_gemv_launch_fn, &c->launch, rep, &device_s, &host_s) != CL_SUCCESS)
        return -1.0;
    double s = t->cl->info->timer_resolution_ns > 0 && device_s > 0.1 * host_s ? device_s : host_s;
    if (!t->probe || oclab_probe_sample(t->probe, &gbs) != CL_SUCCESS || !(gbs > 0))
        return s;
    double cost = s * gbs / t->gb;
    if (t->compute && oclab_compute_probe_sample(t->compute, &gflops) == CL_SUCCESS && gflops > 0)
        cost = fmin(cost, s * gflops / t->gflop);
    return cost;
}

cl_int oclab_gemv_tune(oclab_decode_ctx *ctx, oclab_gemv_problem *p, uint64_t m, oclab_gemv_kernel *best,
                       cJSON **record)
{
    oclab_cl *cl = ctx->cl;
    cl_int err = CL_SUCCESS;
    oclab_tune_space space;
    oclab_gemv_space_info si;
    oclab_tune_opts opts;
    oclab_tune_outcome out;
    char shape[64];
    memset(best, 0, sizeof *best);
    *record = NULL;
    oclab_gemv_space(&space, &si, cl->info, p->format, m, p->n);
    /* the cold-copy budget shared by every layout the space can read, at least one copy each */
    int layouts = 0, mask = oclab_gemv_space_layouts(&space);
    for (int l = 0; l < OCLAB_GEMV_LAYOUTS; l++)
        layouts += (mask & OCLAB_GEMV_MASK(l)) != 0;
    rl_gemv_shape shape_cost = {m, p->n, p->k, p->format, RL_FMT_F32, RL_FMT_F32, 1};
    rl_gemv_cost cost;
    char reason[256];
    tune_ctx t = {cl, p, m, &space, (p->copies + layouts - 1) / layouts, NULL, NULL, 0.0, 0.0};
    if (rl_gemv_cost_of(&shape_cost, &cost, reason, sizeof reason) == 0 && cost.bytes > 0 && cost.flops > 0) {
        t.probe = ctx->probe;
        t.compute = ctx->compute_probe;
        t.gb = (double)cost.bytes / 1e9;
        t.gflop = (double)cost.flops / 1e9;
    }
    CL_TRY(oclab_gemv_problem_hold(cl, p, held_mask(p), t.copies));
    oclab_tune_opts_default(&opts);
    opts.budget_s = ctx->dev_opts->quick ? QUICK_BUDGET_S : BUDGET_S;
    /* a GEMV launch takes milliseconds and a build a second: more samples per candidate cost little */
    opts.rounds = SEARCH_ROUNDS;
    opts.final_rounds = FINAL_ROUNDS;
    opts.finalists = FINALISTS;
    oclab_tune_eval eval = {prepare, sample, release, &t};
    /* K decides what stays in cache between rows, M the accumulators: a point is kept per (format, M, K) */
    snprintf(shape, sizeof shape, "m=%llu k=%llu", (unsigned long long)m, (unsigned long long)p->k);
    uint64_t hash = oclab_kernel_source_hash("gemv.cl", cl->kernel_dir, NULL);
    int rc = oclab_tune(&ctx->tuner, &space, &eval, &opts, rl_format_name(p->format), shape, hash, &out);
    *record = out.record;
    if (rc != 0) {
        err = CL_INVALID_KERNEL;
        goto cleanup;
    }
    if (*record)
        cJSON_AddNumberToObject(*record, "tuning_copies", t.copies);
    candidate *c = out.handle;
    *best = c->kern;
    free(c);
cleanup:
    return err;
}
