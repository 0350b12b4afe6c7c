/* Shared by the decode families: cold copies, timing with the interleaved probe, the kernels[] record. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/decode/decode.h"
#include "roofline/place.h"

#define DRIFT_RATIO 1.3  /* probe max/min beyond this: the machine's bandwidth moved during the kernel */

/* Median of seconds[i] x gbs[i] over N pairs; SCRATCH holds N doubles. */
static double paired_median(const double *seconds, const double *gbs, double *scratch, int n)
{
    for (int i = 0; i < n; i++)
        scratch[i] = seconds[i] * gbs[i];
    oclab_stats s;
    oclab_stats_of(scratch, n, &s);
    return s.median;
}

const char *oclab_decode_untimed(const oclab_decode_ctx *ctx, const oclab_timing *timing, const char *otherwise,
                                 char *buf, size_t len)
{
    if (!(timing->overlong_s > 0.0))
        return otherwise;
    snprintf(buf, len, "verified, but a launch took %.3g ms, beyond the watchdog bound of %.3g ms (--max-launch): not timed",
             1e3 * timing->overlong_s, 1e3 * ctx->max_launch_s);
    return buf;
}

cl_int oclab_decode_time(oclab_decode_ctx *ctx, oclab_enqueue_fn fn, void *user, oclab_timing *timing,
                         oclab_probe_result *probe)
{
    cl_int err = CL_SUCCESS;
    double dev = 0.0, host = 0.0;
    double *ds = NULL, *hs = NULL, *ps = NULL, *cs = NULL, *xs = NULL;
    int cap, n = 0;
    memset(timing, 0, sizeof *timing);
    memset(probe, 0, sizeof *probe);

    CL_TRY(oclab_time_sample(ctx->cl, fn, user, 0, &dev, &host)); /* warm-up, untimed */
    double probes_s = 0.0, t0 = oclab_now(), g;
    if (ctx->probe)
        CL_TRY(oclab_probe_sample(ctx->probe, &g));
    if (ctx->compute_probe)
        CL_TRY(oclab_compute_probe_sample(ctx->compute_probe, &g));
    probes_s = oclab_now() - t0;
    /* The budget covers the kernel's samples and the probe samples between them. */
    double per = (host > 1e-7 ? host : 1e-7) + probes_s;
    cap = (int)(ctx->budget_s / per);
    cap = cap < 5 ? 5 : cap > 2000 ? 2000 : cap;
    ds = malloc((size_t)cap * sizeof *ds);
    hs = malloc((size_t)cap * sizeof *hs);
    ps = malloc((size_t)cap * sizeof *ps);
    cs = malloc((size_t)cap * sizeof *cs);
    xs = malloc((size_t)cap * sizeof *xs);
    if (!ds || !hs || !ps || !cs || !xs) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(samples)");
    }
    double deadline = oclab_now() + 2.0 * ctx->budget_s;
    for (; n < cap;) {
        CL_TRY(oclab_time_sample(ctx->cl, fn, user, n + 1, &ds[n], &hs[n]));
        /* Past the bound twice in a row (the warm-up and the first timed launch): one launch delayed by
         * the machine's other tenants is not a kernel that runs too long. */
        if (n == 0 && ctx->max_launch_s > 0.0 && ds[0] > ctx->max_launch_s && dev > ctx->max_launch_s) {
            timing->overlong_s = ds[0];
            err = CL_OUT_OF_RESOURCES;
            goto cleanup;
        }
        if (ctx->probe)
            CL_TRY(oclab_probe_sample(ctx->probe, &ps[n]));
        if (ctx->compute_probe)
            CL_TRY(oclab_compute_probe_sample(ctx->compute_probe, &cs[n]));
        n++;
        if (n >= 5 && oclab_now() > deadline)
            break;
    }
    oclab_stats_of(ds, n, &timing->device);
    oclab_stats_of(hs, n, &timing->host);
    timing->reps = n;
    timing->host_clock = !ctx->cl->clock.event_trusted;
    timing->overhead_s = ctx->cl->clock.launch_host_s;
    timing->suspect = oclab_timing_suspect(&timing->device, &timing->host, timing->overhead_s, timing->host_clock);
    if (ctx->probe) {
        oclab_stats_of(ps, n, &probe->gbs);
        probe->paired_gb = paired_median(ds, ps, xs, n);
        probe->paired_gb_host = paired_median(hs, ps, xs, n);
    }
    if (ctx->compute_probe) {
        oclab_stats_of(cs, n, &probe->gflops);
        probe->paired_gflop = paired_median(ds, cs, xs, n);
        probe->paired_gflop_host = paired_median(hs, cs, xs, n);
    }
cleanup:
    free(ds);
    free(hs);
    free(ps);
    free(cs);
    free(xs);
    return err;
}

/* "gemv q4_0 m=1 n=4096 k=11008", "attention f16 batch=1 heads=32 ...": a kernels[] entry's label. */
static void kernel_label(const cJSON *entry, char *buf, size_t len)
{
    const cJSON *family = cJSON_GetObjectItemCaseSensitive(entry, "family");
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(entry, "format"), *f;
    size_t used = (size_t)snprintf(buf, len, "%s %s", cJSON_IsString(family) ? family->valuestring : "?",
                                   cJSON_IsString(format) ? format->valuestring : "?");
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(entry, "shape"))
        if (used < len && cJSON_IsNumber(f))
            used += (size_t)snprintf(buf + used, len - used, " %s=%.0f", f->string, f->valuedouble);
}

/* The fastest memory level of PROFILE (0 when none): no kernel reads faster. */
static double fastest_memory(const cJSON *profile)
{
    double most = 0.0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(profile, "ceilings"),
                                                           "memory"))
    {
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(c, "gbs");
        if (cJSON_IsNumber(g) && g->valuedouble > most)
            most = g->valuedouble;
    }
    return most;
}

/* The placement fields of entry O for PL (written anew when a ceiling is raised). */
static void set_placement(cJSON *o, const rl_placement *pl)
{
    static const char *const keys[] = {"gflops", "gbs", "roof_gflops", "efficiency"};
    const double values[] = {pl->gflops, pl->gbs, pl->roof_gflops, pl->efficiency};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(o, keys[i]);
        cJSON_AddNumberToObject(o, keys[i], values[i]);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(o, "bound");
    cJSON_AddStringToObject(o, "bound", pl->compute_bound ? "compute" : "memory");
    cJSON_DeleteItemFromObjectCaseSensitive(o, "above_roof");
    cJSON_AddBoolToObject(o, "above_roof", pl->above_roof);
}

/* A verified entry above its roof: the ceiling the evidence points at, in warnings[] and the entry. */
static void check_bound(cJSON *profile, cJSON *o, const rl_placement *pl, rl_roof roof, double probe_gbs,
                        const char *precision)
{
    double raise = 0.0;
    char label[256], text[320];
    rl_bound_verdict v = rl_check_bound(pl, roof, probe_gbs, &raise);
    cJSON_DeleteItemFromObjectCaseSensitive(o, "above_roof_ceiling");
    if (v == RL_BOUND_HELD)
        return;
    kernel_label(o, label, sizeof label);
    rl_bound_text(v, pl, roof, probe_gbs, text, sizeof text);
    oclab_profile_warn(profile, label, text);
    cJSON_AddStringToObject(o, "above_roof_ceiling", v == RL_BOUND_COMPUTE_LOW ? precision : "dram");
}

void oclab_decode_record(oclab_decode_ctx *ctx, const oclab_kernel_result *r)
{
    cJSON *kernels = cJSON_GetObjectItemCaseSensitive(ctx->profile, "kernels");
    const char *precision = r->roof_precision ? r->roof_precision : "f32";
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "family", r->family);
    cJSON_AddStringToObject(o, "format", r->format);
    cJSON_AddItemToObject(o, "shape", r->shape);
    cJSON_AddItemToObject(o, "variant", r->variant);
    cJSON_AddBoolToObject(o, "verified", r->verified);
    if (isnan(r->max_rel_error))
        cJSON_AddNullToObject(o, "max_rel_error");
    else
        cJSON_AddNumberToObject(o, "max_rel_error", r->max_rel_error);
    cJSON_AddNumberToObject(o, "flops", r->flops);
    cJSON_AddNumberToObject(o, "flops_padded", r->flops_padded);
    cJSON_AddNumberToObject(o, "bytes", r->bytes);
    cJSON_AddNumberToObject(o, "intensity", r->bytes > 0 ? r->flops / r->bytes : 0.0);
    cJSON_AddStringToObject(o, "roof_precision", precision);
    if (r->tuning)
        cJSON_AddItemToObject(o, "tuning", r->tuning);
    if (!r->verified || !r->timing) { /* invalid: reported, never placed */
        cJSON_AddItemToArray(kernels, o);
        return;
    }
    oclab_timing_to_json(r->timing, o);
    rl_placement pl = rl_place(r->flops, r->bytes, r->timing->device.median, r->roof);
    double fastest = fastest_memory(ctx->profile);
    if (fastest > 0.0 && pl.gbs > 1.5 * fastest) { /* beyond any cache: the timing cannot be right */
        char label[256], text[200];
        cJSON_AddBoolToObject(o, "implausible", 1);
        cJSON_AddItemToArray(kernels, o);
        kernel_label(o, label, sizeof label);
        snprintf(text, sizeof text, "%.1f GB/s is beyond the device's fastest memory level (%.1f GB/s): not placed",
                 pl.gbs, fastest);
        oclab_profile_warn(ctx->profile, label, text);
        return;
    }
    set_placement(o, &pl);
    if (r->probe && r->probe->gbs.n > 0) {
        const oclab_probe_result *pr = r->probe;
        const oclab_stats *p = &pr->gbs;
        /* The roof of the moment: the probes' medians in place of the profile's ceilings. */
        double compute = pr->gflops.n > 0 ? pr->gflops.median : r->roof.gflops;
        double roof_probe = fmin(compute, pl.intensity * p->median);
        /* Per pair, attained / min(compute, intensity x bandwidth) is the larger of flops / (seconds x
         * GFLOP/s) and bytes / (seconds x GB/s); the pairs' medians of those products follow the
         * machine sample by sample instead of comparing medians taken apart. */
        double eff = roof_probe > 0 ? pl.gflops / roof_probe : 0.0;
        if (pr->paired_gb > 0) {
            double by_compute = pr->paired_gflop > 0 ? r->flops / 1e9 / pr->paired_gflop
                                : r->roof.gflops > 0 ? pl.gflops / r->roof.gflops : 0.0;
            eff = fmax(by_compute, r->bytes / 1e9 / pr->paired_gb);
        }
        cJSON_AddNumberToObject(o, "probe_gbs", p->median);
        cJSON_AddItemToObject(o, "probe_gbs_stats", oclab_stats_json(p));
        cJSON_AddNumberToObject(o, "probe_paired_gb", pr->paired_gb);
        if (pr->gflops.n > 0) {
            cJSON_AddNumberToObject(o, "probe_gflops", pr->gflops.median);
            cJSON_AddItemToObject(o, "probe_gflops_stats", oclab_stats_json(&pr->gflops));
            cJSON_AddNumberToObject(o, "probe_paired_gflop", pr->paired_gflop);
        }
        cJSON_AddNumberToObject(o, "roof_gflops_probe", roof_probe);
        cJSON_AddNumberToObject(o, "efficiency_vs_probe", eff);
        cJSON_AddNumberToObject(o, "probe_spread", p->min > 0 ? p->max / p->min : 0.0);
        cJSON_AddBoolToObject(o, "drift", p->min > 0 && p->max / p->min > DRIFT_RATIO);
    }
    cJSON_AddItemToArray(kernels, o);
    check_bound(ctx->profile, o, &pl, r->roof, r->probe && r->probe->gbs.n > 0 ? r->probe->gbs.median : 0.0,
                precision);
}

static double number(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

void oclab_decode_hold_ceilings(cJSON *profile)
{
    cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(profile, "ceilings"), *c, *k, *r;
    cJSON *kernels = cJSON_GetObjectItemCaseSensitive(profile, "kernels");
    double dram = NAN;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(ceilings, "memory"))
        if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "level")) &&
            !strcmp(cJSON_GetObjectItemCaseSensitive(c, "level")->valuestring, "dram"))
            dram = number(c, "gbs");
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(ceilings, "compute"))
    {
        const cJSON *prec = cJSON_GetObjectItemCaseSensitive(c, "precision");
        double ceiling = number(c, "gflops"), most = ceiling;
        const cJSON *by = NULL;
        if (!cJSON_IsString(prec) || !(ceiling > 0.0))
            continue;
        cJSON_ArrayForEach(k, kernels)
        {
            const cJSON *kp = cJSON_GetObjectItemCaseSensitive(k, "roof_precision");
            if (cJSON_IsString(kp) && !strcmp(kp->valuestring, prec->valuestring) &&
                !cJSON_GetObjectItemCaseSensitive(k, "baseline") &&
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "verified")) && number(k, "gflops") > most &&
                !strcmp(cJSON_GetObjectItemCaseSensitive(k, "bound")->valuestring, "compute")) {
                most = number(k, "gflops");
                by = k;
            }
        }
        if (!by || !(dram > 0.0))
            continue;
        char label[256], text[320];
        kernel_label(by, label, sizeof label);
        snprintf(text, sizeof text, "the %s compute ceiling is raised from %.1f to %.1f GFLOP/s, what this verified "
                 "kernel attained: a ceiling must not sit below a kernel", prec->valuestring, ceiling, most);
        oclab_profile_warn(profile, label, text);
        cJSON_ReplaceItemInObjectCaseSensitive(c, "gflops", cJSON_CreateNumber(most));
        cJSON_DeleteItemFromObjectCaseSensitive(c, "raised_from");
        cJSON_AddNumberToObject(c, "raised_from", ceiling);
        cJSON_DeleteItemFromObjectCaseSensitive(c, "raised_by");
        cJSON_AddStringToObject(c, "raised_by", label);
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(profile, "ridges"))
        {
            const cJSON *rp = cJSON_GetObjectItemCaseSensitive(r, "precision");
            if (cJSON_IsString(rp) && !strcmp(rp->valuestring, prec->valuestring))
                cJSON_ReplaceItemInObjectCaseSensitive(r, "flop_per_byte", cJSON_CreateNumber(most / dram));
        }
        rl_roof roof = {most, dram};
        cJSON_ArrayForEach(k, kernels)
        {
            const cJSON *kp = cJSON_GetObjectItemCaseSensitive(k, "roof_precision");
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(k, "time_s");
            if (!cJSON_IsString(kp) || strcmp(kp->valuestring, prec->valuestring) || !t ||
                !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(k, "efficiency")))
                continue;
            rl_placement pl = rl_place(number(k, "flops"), number(k, "bytes"), number(t, "median"), roof);
            set_placement(k, &pl);
            cJSON_DeleteItemFromObjectCaseSensitive(k, "above_roof_ceiling");
        }
    }
}
