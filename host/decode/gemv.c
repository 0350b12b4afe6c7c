/* oclab decode, GEMV family: every (shape, format, batch) built, verified against the double reference,
 * timed on cold weights with the interleaved probe, placed on the roofline; CLBlast beside it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/cl/progress.h"
#include "host/decode/gemv.h"
#include "roofline/cost.h"

/* Llama-2-7B q/k/v/o, gate/up, down, lm_head; Llama-2-70B TP=8 o_proj; Llama-3-8B k/v (GQA). */
static const uint64_t default_shapes[][2] = {
    {4096, 4096}, {11008, 4096}, {4096, 11008}, {32000, 4096}, {8192, 1024}, {1024, 4096},
};
/* --quick: the same kinds of shape, small enough for CI. */
static const uint64_t quick_shapes[][2] = {{1024, 4096}, {4096, 1024}};

#define SEED 0x6f636c6162ull

/* A kernel chosen by the tuner for one (format, M, K), reused for every N: the best rows per
 * work-item depend on K (how much of X stays in the first-level cache between rows). */
typedef struct {
    rl_format format;
    uint64_t m, k;
    oclab_gemv_kernel kern;
    cJSON *tuning; /* the tuner's record, copied into each kernels[] entry it serves */
} chosen_kernel;

typedef struct {
    chosen_kernel *items;
    int count, cap;
} kernel_cache;

static void cache_free(kernel_cache *c)
{
    for (int i = 0; i < c->count; i++) {
        oclab_gemv_kernel_free(&c->items[i].kern);
        cJSON_Delete(c->items[i].tuning);
    }
    free(c->items);
}

static int format_listed(const oclab_decode_opts *opts, rl_format f)
{
    for (int i = 0; i < opts->n_gemv_formats; i++)
        if (opts->gemv_formats[i] == f)
            return 1;
    return 0;
}

/* The kernel for (P's format, M, K), tuned on the first shape that needs it. NULL when no candidate
 * verified (the tuner's record, with its failures, then goes to skipped[] under WHAT). */
static const chosen_kernel *kernel_for(oclab_decode_ctx *ctx, kernel_cache *cache, oclab_gemv_problem *p,
                                       uint64_t m, const char *what)
{
    for (int i = 0; i < cache->count; i++)
        if (cache->items[i].format == p->format && cache->items[i].m == m && cache->items[i].k == p->k)
            return &cache->items[i];
    if (cache->count == cache->cap) {
        int cap = cache->cap ? 2 * cache->cap : 16;
        chosen_kernel *grown = realloc(cache->items, (size_t)cap * sizeof *grown);
        if (!grown)
            return NULL;
        cache->items = grown;
        cache->cap = cap;
    }
    chosen_kernel *c = &cache->items[cache->count];
    if (oclab_gemv_tune(ctx, p, m, &c->kern, &c->tuning) != CL_SUCCESS) {
        char reason[300];
        oclab_tune_failure_text(c->tuning, reason, sizeof reason);
        oclab_profile_skip(ctx->profile, what, reason);
        cJSON *skipped = cJSON_GetObjectItemCaseSensitive(ctx->profile, "skipped");
        cJSON_AddItemToObject(cJSON_GetArrayItem(skipped, cJSON_GetArraySize(skipped) - 1), "tuning",
                              c->tuning ? c->tuning : cJSON_CreateNull());
        c->tuning = NULL;
        return NULL;
    }
    c->format = p->format;
    c->m = m;
    c->k = p->k;
    cache->count++;
    return c;
}

/* Bytes a variant reads beyond the compulsory ones: the block sums of X when it folds (the row layout's
 * affine int formats; the interleaved layout needs them for q4_0's offset only). Passes over the X
 * rows re-read the weights from cache, not from memory: no extra compulsory bytes. */
static double extra_bytes_of(const oclab_gemv_kernel *kern, const oclab_gemv_problem *p)
{
    int reads = kern->variant.il ? p->format == RL_FMT_Q4_0
                                 : p->format == RL_FMT_Q8_0 || p->format == RL_FMT_Q4_0 || p->format == RL_FMT_I8_PC;
    return reads && kern->variant.fold ? (double)kern->m * (double)(p->k / RL_QK) * 4.0 : 0.0;
}

/* Ours on one problem and batch: the chosen kernel's layout held alone (all cold copies), verify every
 * copy, time, record. */
static int measure_one(oclab_decode_ctx *ctx, kernel_cache *cache, oclab_gemv_problem *p, uint64_t m)
{
    cl_int err = CL_SUCCESS;
    char what[128];
    snprintf(what, sizeof what, "gemv %s M=%llu %llux%llu", rl_format_name(p->format), (unsigned long long)m,
             (unsigned long long)p->n, (unsigned long long)p->k);
    const chosen_kernel *chosen = kernel_for(ctx, cache, p, m, what);
    if (!chosen)
        return OCLAB_EXIT_FAIL;
    const oclab_gemv_kernel *kern = &chosen->kern;
    err = oclab_gemv_problem_hold(ctx->cl, p, OCLAB_GEMV_MASK(oclab_gemv_layout_of(&kern->variant)), p->copies);
    if (err != CL_SUCCESS) {
        oclab_profile_skip(ctx->profile, what, "could not allocate the cold copies of the chosen layout");
        return OCLAB_EXIT_FAIL;
    }
    double error = oclab_gemv_verify(ctx->cl, kern, p, &err);
    int verified = err == CL_SUCCESS && !isnan(error) && error <= oclab_gemv_tolerance(p->format, p->k);
    cJSON *variant = oclab_gemv_variant_json(&kern->variant);
    if (!verified) {
        oclab_error("%s: verification failed (max relative error %g, tolerance %g)", what, error,
                    oclab_gemv_tolerance(p->format, p->k));
        cJSON *entry = oclab_gemv_record(ctx, p, m, variant, NULL, NULL, 0, error, 0.0, NULL);
        cJSON_AddItemToObject(entry, "tuning", cJSON_Duplicate(chosen->tuning, 1));
        return OCLAB_EXIT_FAIL;
    }
    oclab_gemv_launch l = {ctx->cl, kern, p};
    oclab_timing timing;
    oclab_probe_result probe;
    err = oclab_decode_time(ctx, oclab_gemv_launch_fn, &l, &timing, &probe);
    if (err != CL_SUCCESS) {
        char why[160];
        cJSON_Delete(variant);
        oclab_profile_skip(ctx->profile, what, oclab_decode_untimed(ctx, &timing, "launch failed while timing", why, sizeof why));
        return timing.overlong_s > 0.0 ? OCLAB_EXIT_OK : OCLAB_EXIT_FAIL;
    }
    cJSON *entry = oclab_gemv_record(ctx, p, m, variant, &timing, &probe, 1, error, extra_bytes_of(kern, p), NULL);
    cJSON_AddItemToObject(entry, "tuning", cJSON_Duplicate(chosen->tuning, 1));
    const cJSON *gbs = cJSON_GetObjectItemCaseSensitive(entry, "gbs");
    oclab_log("%s: %.1f GB/s, probe %.1f GB/s", what, cJSON_IsNumber(gbs) ? gbs->valuedouble : 0.0, probe.gbs.median);
    return OCLAB_EXIT_OK;
}

/* GB/s of a kernels[] entry by the host clock (its bytes over the median wall time around each launch):
 * the clock a baseline that cannot be timed by its events is timed by. 0 when it has none. */
static double host_gbs(const cJSON *k)
{
    const cJSON *bytes = cJSON_GetObjectItemCaseSensitive(k, "bytes");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(k, "host_time_s"), "median");
    return cJSON_IsNumber(bytes) && cJSON_IsNumber(t) && t->valuedouble > 0 ? bytes->valuedouble / t->valuedouble / 1e9
                                                                            : 0.0;
}

/* Ours / the baseline's GB/s, both by the host clock, for every one of ours whose (n, k, m) has a
 * baseline entry: on a short launch the host clock adds the launch overhead to both sides alike. */
static void annotate_baseline(cJSON *profile)
{
    cJSON *kernels = cJSON_GetObjectItemCaseSensitive(profile, "kernels"), *b, *o;
    cJSON_ArrayForEach(b, kernels) {
        const cJSON *bl = cJSON_GetObjectItemCaseSensitive(b, "baseline");
        double theirs = host_gbs(b);
        if (!cJSON_IsString(bl) || !(theirs > 0))
            continue;
        const cJSON *bs = cJSON_GetObjectItemCaseSensitive(b, "shape");
        cJSON_ArrayForEach(o, kernels) {
            const cJSON *os = cJSON_GetObjectItemCaseSensitive(o, "shape");
            double ours = host_gbs(o);
            if (o == b || cJSON_GetObjectItemCaseSensitive(o, "baseline") || !(ours > 0) ||
                strcmp(cJSON_GetObjectItemCaseSensitive(o, "family")->valuestring, "gemv") != 0 ||
                !cJSON_Compare(os, bs, 1))
                continue;
            char key[64];
            snprintf(key, sizeof key, "gbs_vs_%s", bl->valuestring);
            cJSON_DeleteItemFromObjectCaseSensitive(o, key);
            cJSON_AddNumberToObject(o, key, ours / theirs);
            snprintf(key, sizeof key, "gbs_vs_%s_clock", bl->valuestring);
            cJSON_DeleteItemFromObjectCaseSensitive(o, key);
            cJSON_AddStringToObject(o, key, "host");
        }
    }
}

uint64_t oclab_gemv_weight_limit(const oclab_device_info *info)
{
    uint64_t quarter = info->global_mem_bytes / 4;
    return info->max_alloc_bytes < quarter ? info->max_alloc_bytes : quarter;
}

int oclab_gemv_measure(oclab_decode_ctx *ctx, const oclab_decode_opts *opts)
{
    int rc = OCLAB_EXIT_OK;
    kernel_cache cache = {0};
    const oclab_device_info *info = ctx->cl->info;
    const uint64_t(*shapes)[2] = opts->n_gemv_shapes ? (const uint64_t(*)[2])opts->gemv_shapes
                                 : ctx->dev_opts->quick ? quick_shapes : default_shapes;
    int n_shapes = opts->n_gemv_shapes ? opts->n_gemv_shapes
                   : ctx->dev_opts->quick ? (int)(sizeof quick_shapes / sizeof quick_shapes[0])
                                          : (int)(sizeof default_shapes / sizeof default_shapes[0]);
    uint64_t m_max = 1;
    for (int i = 0; i < opts->n_gemv_batches; i++)
        if (opts->gemv_batches[i] > m_max)
            m_max = opts->gemv_batches[i];
    if (opts->baseline && !info->has_fp16)
        oclab_profile_skip(ctx->profile, "clblast Hgemv", "the device has no cl_khr_fp16");
    /* The baseline runs on f32 weights: an extra f32 pass when f32 is not measured itself. */
    int n_passes = opts->n_gemv_formats + (opts->baseline && !format_listed(opts, RL_FMT_F32));

    oclab_progress_phase("decode gemv", n_shapes * n_passes);
    for (int s = 0; s < n_shapes; s++) {
        uint64_t n = shapes[s][0], k = shapes[s][1];
        for (int f = 0; f < n_passes; f++) {
            rl_format format = f < opts->n_gemv_formats ? opts->gemv_formats[f] : RL_FMT_F32;
            int ours = f < opts->n_gemv_formats;
            char what[128], reason[256];
            uint64_t wb;
            snprintf(what, sizeof what, "gemv %s %llux%llu", rl_format_name(format), (unsigned long long)n,
                     (unsigned long long)k);
            oclab_progress_step(what);
            if (rl_weight_bytes(format, n, k, &wb, reason, sizeof reason) != 0) {
                oclab_profile_skip(ctx->profile, what, reason);
                continue;
            }
            if (wb > oclab_gemv_weight_limit(info)) {
                snprintf(reason, sizeof reason, "weights of %llu bytes exceed the device's max allocation (%llu) "
                         "or a quarter of its memory", (unsigned long long)wb,
                         (unsigned long long)info->max_alloc_bytes);
                oclab_profile_skip(ctx->profile, what, reason);
                continue;
            }
            oclab_gemv_problem p;
            int copies = oclab_cl_cold_copies(ctx->cl, wb);
            oclab_log("%s: %d cold copies of %.1f MB", what, copies, wb / 1e6);
            cl_int perr = oclab_gemv_problem_create(ctx->cl, format, n, k, m_max, copies, SEED + (uint64_t)s, &p);
            if (perr != CL_SUCCESS) { /* the device refused what its limits allow: a failure, recovered from */
                snprintf(reason, sizeof reason, "could not allocate the weights and their copies: %s",
                         oclab_cl_error_name(perr));
                oclab_profile_skip(ctx->profile, what, reason);
                rc = OCLAB_EXIT_FAIL;
                continue;
            }
            for (int b = 0; ours && b < opts->n_gemv_batches; b++) {
                int r = measure_one(ctx, &cache, &p, opts->gemv_batches[b]);
                if (r != OCLAB_EXIT_OK)
                    rc = r;
            }
            if (format == RL_FMT_F32 && opts->baseline) {
                /* CLBlast reads the rows layout: it alone, all cold copies */
                if (oclab_gemv_problem_hold(ctx->cl, &p, OCLAB_GEMV_MASK(OCLAB_GEMV_ROWS), p.copies) != CL_SUCCESS) {
                    oclab_profile_skip(ctx->profile, what, "could not allocate the cold copies for CLBlast");
                    rc = OCLAB_EXIT_FAIL;
                }
                for (int b = 0; p.held[OCLAB_GEMV_ROWS] > 0 && b < opts->n_gemv_batches; b++) {
                    int r = oclab_gemv_clblast(ctx, &p, opts->gemv_batches[b]);
                    if (r != OCLAB_EXIT_OK)
                        rc = r;
                }
            }
            oclab_gemv_problem_free(&p);
        }
    }
    annotate_baseline(ctx->profile);
    cache_free(&cache);
    return rc;
}
