/* oclab decode --family attention: the shape table, the split tuner, verification before timing,
 * placement (kernels[]), and the short-context figures (measurements.attention_short_context). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/cl/progress.h"
#include "host/decode/attention.h"
#include "roofline/quant.h"

/* Default shapes, a documented subset of the table so a default `oclab decode` takes a few
 * minutes on POCL: B = 1, D = 128, (Hq, Hkv) = (32, 32), (32, 8), (64, 8), S = 512, 4096, 32768,
 * f16 and q8_0 KV. The full table: --batch 1,4,16 --head-dim 64,128 --context 512,1024,...,32768
 * --kv f16,q8_0,f32 (and --heads/--kv-heads per head configuration). */
static const uint64_t default_batches[] = {1};
static const uint64_t default_heads[][2] = {{32, 32}, {32, 8}, {64, 8}};
static const uint64_t default_dims[] = {128};
static const uint64_t default_contexts[] = {512, 4096, 32768};
static const rl_format default_kv[] = {RL_FMT_F16, RL_FMT_Q8_0};

/* Short-context sweep: launch overhead (S = 1) and the S where efficiency crosses 0.5, on the first
 * shape of the table (batch, heads, head dim, KV format; GQA 32/8 unless --heads was given),
 * contexts 1, 4, 16, ... up to 16384 or the largest --context. */
#define SWEEP_MAX_CONTEXT 16384
#define SWEEP_HALF 0.5

#define WORK_PER_CU 4 /* B * Hkv * split >= 4x the compute units (load balance) */
#define MAX_CANDIDATES 4
#define TUNE_ROUNDS 9 /* samples per split candidate, taken in turn */
#define MAX_PROGRAMS 32

typedef struct {
    const uint64_t *batches, (*heads)[2], *dims, *contexts;
    const rl_format *kv;
    int n_batches, n_heads, n_dims, n_contexts, n_kv;
} shape_table;

static void table_of(const oclab_decode_opts *opts, shape_table *t)
{
    t->batches = opts->n_attn_batches ? opts->attn_batches : default_batches;
    t->n_batches = opts->n_attn_batches ? opts->n_attn_batches : 1;
    t->heads = opts->n_attn_heads ? (const uint64_t(*)[2])opts->attn_heads : default_heads;
    t->n_heads = opts->n_attn_heads ? opts->n_attn_heads : 3;
    t->dims = opts->n_attn_head_dims ? opts->attn_head_dims : default_dims;
    t->n_dims = opts->n_attn_head_dims ? opts->n_attn_head_dims : 1;
    t->contexts = opts->n_attn_contexts ? opts->attn_contexts : default_contexts;
    t->n_contexts = opts->n_attn_contexts ? opts->n_attn_contexts : 3;
    t->kv = opts->n_attn_kv ? opts->attn_kv : default_kv;
    t->n_kv = opts->n_attn_kv ? opts->n_attn_kv : 2;
}

/* The table's shapes in measuring order (KV format, head dim, heads, batch, context; context fastest):
 * shape I of table_count(T). */
static uint64_t table_count(const shape_table *t)
{
    return (uint64_t)t->n_kv * t->n_dims * t->n_heads * t->n_batches * t->n_contexts;
}

static rl_attn_shape table_shape(const shape_table *t, uint64_t i)
{
    int c = (int)(i % t->n_contexts);
    i /= t->n_contexts;
    int b = (int)(i % t->n_batches);
    i /= t->n_batches;
    int h = (int)(i % t->n_heads);
    i /= t->n_heads;
    int d = (int)(i % t->n_dims);
    int f = (int)(i / t->n_dims);
    rl_attn_shape s = {t->batches[b], t->heads[h][0], t->heads[h][1], t->dims[d], t->contexts[c], t->kv[f],
                       RL_FMT_F32, RL_FMT_F32};
    return s;
}

int oclab_attention_check_opts(const oclab_decode_opts *opts)
{
    shape_table t;
    char err[256];
    table_of(opts, &t);
    for (int i = 0; i < t.n_batches; i++)
        if (t.batches[i] == 0) {
            oclab_error("decode: --batch values must be positive");
            return -1;
        }
    for (int i = 0; i < t.n_contexts; i++)
        if (t.contexts[i] == 0 || t.contexts[i] > ((uint64_t)1 << 30)) {
            oclab_error("decode: --context %llu is out of range [1, 2^30]",
                        (unsigned long long)t.contexts[i]);
            return -1;
        }
    for (int f = 0; f < t.n_kv; f++)
        for (int d = 0; d < t.n_dims; d++)
            for (int h = 0; h < t.n_heads; h++) {
                rl_attn_shape s = {1, t.heads[h][0], t.heads[h][1], t.dims[d], 1, t.kv[f], RL_FMT_F32,
                                   RL_FMT_F32};
                if (s.heads == 0 || s.kv_heads == 0 || s.head_dim == 0) {
                    oclab_error("decode: --heads, --kv-heads and --head-dim must be positive");
                    return -1;
                }
                if (oclab_attn_supported(&s, err, sizeof err) != 0) {
                    oclab_error("decode: attention: %s", err);
                    return -1;
                }
            }
    return 0;
}

/* ---- one shape ---- */

typedef struct {
    oclab_attn_program programs[MAX_PROGRAMS];
    int n_programs;
} program_cache;

static cl_int program_for(oclab_cl *cl, program_cache *cache, const rl_attn_shape *s,
                          const oclab_attn_program **out)
{
    cl_int err = CL_SUCCESS;
    uint64_t group = s->heads / s->kv_heads;
    for (int i = 0; i < cache->n_programs; i++) {
        const oclab_attn_program *p = &cache->programs[i];
        if (p->kv == s->kv && p->head_dim == s->head_dim && p->group == group) {
            *out = p;
            return CL_SUCCESS;
        }
    }
    if (cache->n_programs == MAX_PROGRAMS) { /* a long flag list: drop the oldest */
        oclab_attn_program_release(&cache->programs[0]);
        memmove(&cache->programs[0], &cache->programs[1], (MAX_PROGRAMS - 1) * sizeof cache->programs[0]);
        cache->n_programs--;
    }
    CL_TRY(oclab_attn_program_build(cl, s, NULL, &cache->programs[cache->n_programs]));
    *out = &cache->programs[cache->n_programs++];
cleanup:
    return err;
}

static uint64_t rng_next(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return *state >> 33;
}

static float rng_uniform(uint64_t *state) /* [-1, 1) */
{
    return (float)((double)rng_next(state) / (double)(1ULL << 30) - 1.0);
}

/* Pseudo-random cache of ROWS rows (uniform in [OFFSET - 1, OFFSET + 1)) encoded in FORMAT, generated
 * and encoded in slabs so the float copy stays small. */
static int make_cache(rl_format format, uint64_t rows, uint64_t d, uint64_t row_bytes, float offset,
                      uint64_t *state, uint8_t *out)
{
    enum { SLAB = 1024 };
    float *x = malloc((size_t)(SLAB * d) * sizeof *x);
    if (!x)
        return -1;
    for (uint64_t r = 0; r < rows; r += SLAB) {
        uint64_t n = rows - r < SLAB ? rows - r : SLAB;
        for (uint64_t i = 0; i < n * d; i++)
            x[i] = offset + rng_uniform(state);
        rl_encode_kv(format, x, n, d, out + r * row_bytes);
    }
    free(x);
    return 0;
}

typedef struct {
    oclab_attn *attn;
    uint64_t split;
} launch_args;

static cl_int launch(void *user, int rep, cl_event *first, cl_event *last)
{
    launch_args *a = user;
    return oclab_attn_enqueue(a->attn, rep, a->split, first, last);
}

/* Splits to try: the smallest giving B * Hkv * split >= WORK_PER_CU x compute units, then 2x and 4x
 * (more, shorter chunks balance better but combine more partials); chunks of at least one tile. */
static int split_candidates(const oclab_cl *cl, const rl_attn_shape *s, unsigned tile, int tune,
                            uint64_t *out)
{
    uint64_t items = s->batch * s->kv_heads;
    uint64_t want = (uint64_t)WORK_PER_CU * (cl->info->compute_units ? cl->info->compute_units : 1);
    uint64_t base = (want + items - 1) / items;
    uint64_t most = (s->context + tile - 1) / tile;
    int n = 0;
    for (uint64_t f = 1; f <= 4 && n < MAX_CANDIDATES; f *= 2) {
        uint64_t split = base * f > most ? most : base * f;
        if (split < 1)
            split = 1;
        uint64_t chunk, chunks = oclab_attn_chunks(s->context, split, &chunk);
        if (n == 0 || chunks != out[n - 1])
            out[n++] = chunks;
        if (!tune)
            break;
    }
    return n;
}

static void shape_label(const rl_attn_shape *s, char *buf, size_t len)
{
    snprintf(buf, len, "attention %s B=%llu Hq=%llu Hkv=%llu D=%llu S=%llu", rl_format_name(s->kv),
             (unsigned long long)s->batch, (unsigned long long)s->heads, (unsigned long long)s->kv_heads,
             (unsigned long long)s->head_dim, (unsigned long long)s->context);
}

/* 1 when the caches of S (KV_BYTES each) fit INFO's limits, else 0 with the reason. */
static int fit_reason(const oclab_device_info *info, const rl_attn_shape *s, uint64_t kv_bytes, char *reason,
                      size_t reason_len)
{
    if (kv_bytes > info->max_alloc_bytes) {
        snprintf(reason, reason_len, "one KV cache is %llu bytes, beyond the max allocation of %llu",
                 (unsigned long long)kv_bytes, (unsigned long long)info->max_alloc_bytes);
    } else if (2 * kv_bytes > info->global_mem_bytes / 2) {
        snprintf(reason, reason_len, "K and V caches are %llu bytes, beyond half the device memory (%llu)",
                 (unsigned long long)(2 * kv_bytes), (unsigned long long)info->global_mem_bytes);
    } else if (s->batch * s->kv_heads * s->context > UINT32_MAX / 2) {
        snprintf(reason, reason_len, "more cache rows than the kernel's 32-bit indices address");
    } else {
        return 1;
    }
    return 0;
}

/* Skips (with the reason) a shape whose caches do not fit; 1 when it fits. */
static int fits(oclab_decode_ctx *ctx, const rl_attn_shape *s, uint64_t kv_bytes, const char *label)
{
    char reason[256];
    if (fit_reason(ctx->cl->info, s, kv_bytes, reason, sizeof reason))
        return 1;
    oclab_profile_skip(ctx->profile, label, reason);
    return 0;
}

int oclab_attention_fit(const oclab_decode_opts *opts, const oclab_device_info *info)
{
    shape_table t;
    char reason[256];
    /* The default table is skipped shape by shape; sizes the user asked for must fit. */
    if (!opts->n_attn_batches && !opts->n_attn_contexts && !opts->n_attn_heads && !opts->n_attn_head_dims)
        return 0;
    table_of(opts, &t);
    for (uint64_t i = 0; i < table_count(&t); i++) {
        rl_attn_shape s = table_shape(&t, i);
        uint64_t row_bytes, kv_bytes;
        if (rl_kv_row_bytes(s.kv, s.head_dim, &row_bytes, reason, sizeof reason) != 0 ||
            __builtin_mul_overflow(s.batch * s.kv_heads * s.context, row_bytes, &kv_bytes))
            kv_bytes = UINT64_MAX;
        if (!fit_reason(info, &s, kv_bytes, reason, sizeof reason)) {
            char label[160];
            shape_label(&s, label, sizeof label);
            oclab_error("%s does not fit %s: %s", label, info->name, reason);
            return -1;
        }
    }
    return 0;
}

static cJSON *shape_json(const rl_attn_shape *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "batch", (double)s->batch);
    cJSON_AddNumberToObject(o, "heads", (double)s->heads);
    cJSON_AddNumberToObject(o, "kv_heads", (double)s->kv_heads);
    cJSON_AddNumberToObject(o, "head_dim", (double)s->head_dim);
    cJSON_AddNumberToObject(o, "context", (double)s->context);
    return o;
}

static cJSON *variant_json(const oclab_attn_program *prog, const rl_attn_shape *s, uint64_t split,
                           const rl_attn_cost *cost, const uint64_t *tried, const double *tried_s, int n_tried)
{
    uint64_t chunk, chunks = oclab_attn_chunks(s->context, split, &chunk);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "split", (double)chunks);
    cJSON_AddNumberToObject(o, "chunk", (double)chunk);
    cJSON_AddNumberToObject(o, "work_group", 1);
    cJSON_AddNumberToObject(o, "work_items", (double)(s->batch * s->kv_heads * chunks));
    cJSON_AddNumberToObject(o, "vector_width", prog->vec);
    cJSON_AddNumberToObject(o, "tile", prog->tile);
    cJSON_AddNumberToObject(o, "group", (double)prog->group);
    cJSON_AddStringToObject(o, "kv_reads", "once per GQA group");
    cJSON_AddStringToObject(o, "combine", chunks > 1 ? "second launch, one work-item per (batch, query head)"
                                                     : "none (one launch)");
    cJSON_AddNumberToObject(o, "launches", chunks > 1 ? 2 : 1);
    /* K's last tile per sequence is zero-padded: those rows (< tile) are read, not counted as traffic. */
    char k_layout[200];
    if (s->kv == RL_FMT_Q8_0)
        snprintf(k_layout, sizeof k_layout,
                 "tiles of %u rows transposed: quants by column pairs [tile][D/2][%u][2], then fp16 scales "
                 "[tile][D/32][%u] (ggml bytes); last tile zero-padded", prog->tile, prog->tile, prog->tile);
    else
        snprintf(k_layout, sizeof k_layout, "tiles of %u rows transposed [tile][D][%u]; last tile zero-padded",
                 prog->tile, prog->tile);
    cJSON_AddStringToObject(o, "k_layout", k_layout);
    if (s->kv == RL_FMT_Q8_0) {
        char v_layout[200];
        snprintf(v_layout, sizeof v_layout,
                 "K's tiles: quants by row pairs [tile][%u][D][2], then fp16 scales [tile][D/32][%u]; last tile "
                 "zero-padded", prog->tile / 2, prog->tile);
        cJSON_AddStringToObject(o, "v_layout", v_layout);
        cJSON_AddStringToObject(o, "scores", "int16 queries (per block of 32) x int8 K column pairs, exact int32 "
                                             "sums per block");
        cJSON_AddStringToObject(o, "values", "int16 softmax weights x V scales (per tile and query head) x int8 V "
                                             "row pairs, exact int32 sums per tile");
        cJSON_AddBoolToObject(o, "host_avx512_vnni", prog->host_avx512_vnni);
    }
    cJSON_AddNumberToObject(o, "flops_softmax", (double)cost->flops_softmax);
    cJSON *cands = cJSON_AddArrayToObject(o, "tuned");
    for (int i = 0; i < n_tried; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddNumberToObject(c, "split", (double)tried[i]);
        cJSON_AddNumberToObject(c, "median_s", tried_s[i]);
        cJSON_AddItemToArray(cands, c);
    }
    return o;
}

/* Measures one shape into ctx->profile (kernels[] or skipped[]). Returns OCLAB_EXIT_OK, or
 * OCLAB_EXIT_FAIL when the kernel failed to build/run or to verify (recorded as invalid). */
static int measure_shape(oclab_decode_ctx *ctx, program_cache *cache,
                         const rl_attn_shape *s)
{
    cl_int err = CL_SUCCESS;
    char label[160], why[256];
    rl_attn_cost cost;
    uint64_t row_bytes;
    int rc = OCLAB_EXIT_FAIL;
    uint8_t *k = NULL, *v = NULL;
    float *q = NULL, *got = NULL;
    double *want = NULL;
    oclab_attn attn;
    int have_attn = 0;
    const oclab_attn_program *prog = NULL;
    uint64_t tried[MAX_CANDIDATES];
    double tried_s[MAX_CANDIDATES];
    oclab_timing timing;
    oclab_probe_result probe;
    double worst_error = 0.0;

    shape_label(s, label, sizeof label);
    if (rl_attn_cost_of(s, &cost, why, sizeof why) != 0 ||
        rl_kv_row_bytes(s->kv, s->head_dim, &row_bytes, why, sizeof why) != 0) {
        oclab_profile_skip(ctx->profile, label, why);
        return OCLAB_EXIT_OK;
    }
    uint64_t rows = s->batch * s->kv_heads * s->context;
    uint64_t kv_bytes = rows * row_bytes;
    if (!fits(ctx, s, kv_bytes, label))
        return OCLAB_EXIT_OK;
    size_t outputs = (size_t)(s->batch * s->heads * s->head_dim);
    k = malloc((size_t)kv_bytes);
    v = malloc((size_t)kv_bytes);
    q = malloc(outputs * sizeof *q);
    got = malloc(outputs * sizeof *got);
    want = malloc(outputs * sizeof *want);
    uint64_t state = 0x0c1ab + s->context * 7919 + s->heads * 131 + s->head_dim;
    /* V off zero: outputs are averages of V rows, and zero-mean V would make them shrink as
     * 1/sqrt(S), so the relative error would measure cancellation, not the kernel. */
    if (!k || !v || !q || !got || !want || make_cache(s->kv, rows, s->head_dim, row_bytes, 0.0f, &state, k) != 0 ||
        make_cache(s->kv, rows, s->head_dim, row_bytes, 0.5f, &state, v) != 0) {
        oclab_profile_skip(ctx->profile, label, "not enough host memory for the KV caches");
        rc = OCLAB_EXIT_OK;
        goto cleanup;
    }
    for (size_t i = 0; i < outputs; i++)
        q[i] = rng_uniform(&state);
    rl_attention_ref(s->kv, q, k, v, s->batch, s->heads, s->kv_heads, s->head_dim, s->context, want);

    CL_TRY(program_for(ctx->cl, cache, s, &prog));
    int n = split_candidates(ctx->cl, s, prog->tile, !ctx->dev_opts->no_tune, tried);
    int copies = oclab_cl_cold_copies(ctx->cl, 2 * kv_bytes);
    CL_TRY(oclab_attn_create(ctx->cl, prog, s, q, k, v, copies, tried[n - 1], &attn));
    have_attn = 1;

    /* Every split is verified before it is timed; the tuner keeps the fastest median of samples taken
     * in turn, then the chosen split is measured with the probe (an unbiased figure: the best of
     * several noisy medians would read fast). */
    launch_args args[MAX_CANDIDATES];
    void *users[MAX_CANDIDATES];
    for (int i = 0; i < n; i++) {
        cl_event ev = NULL;
        double e;
        memset(got, 0xff, outputs * sizeof *got);
        CL_TRY(oclab_attn_enqueue(&attn, 0, tried[i], NULL, &ev));
        err = clWaitForEvents(1, &ev);
        clReleaseEvent(ev);
        CL_CHECK("clWaitForEvents(attention)");
        CL_TRY(oclab_attn_read(&attn, got));
        int ok = oclab_attn_verify(s->kv, got, want, outputs, &e);
        worst_error = isnan(e) || e > worst_error ? e : worst_error;
        if (!ok) {
            oclab_error("%s split %llu: verification failed (max relative error %g)", label,
                        (unsigned long long)tried[i], e);
            oclab_kernel_result r = {"attention", rl_format_name(s->kv), shape_json(s),
                                     variant_json(prog, s, tried[i], &cost, tried, tried_s, 0),
                                     NULL, NULL, (double)cost.flops_core, (double)cost.flops,
                                     (double)cost.bytes, ctx->roof_f32, 0, e, NULL, NULL};
            oclab_decode_record(ctx, &r);
            goto cleanup;
        }
        args[i] = (launch_args){&attn, tried[i]};
        users[i] = &args[i];
    }
    int best = 0;
    if (n > 1) {
        CL_TRY(oclab_time_round_robin(ctx->cl, launch, users, n, TUNE_ROUNDS, tried_s));
        for (int i = 1; i < n; i++)
            if (tried_s[i] < tried_s[best])
                best = i;
    }
    CL_TRY(oclab_decode_time(ctx, launch, &args[best], &timing, &probe));
    oclab_kernel_result r = {"attention", rl_format_name(s->kv), shape_json(s),
                             variant_json(prog, s, tried[best], &cost, tried, tried_s, n > 1 ? n : 0),
                             &timing, &probe, (double)cost.flops_core, (double)cost.flops,
                             (double)cost.bytes, ctx->roof_f32, 1, worst_error, NULL, NULL};
    oclab_decode_record(ctx, &r);
    oclab_log("%s: split %llu, %.1f us, %.1f GB/s", label, (unsigned long long)tried[best],
              timing.device.median * 1e6, (double)cost.bytes / timing.device.median / 1e9);
    rc = OCLAB_EXIT_OK;
cleanup:
    if (err != CL_SUCCESS)
        oclab_profile_skip(ctx->profile, label, "the kernel failed to build or run (see the error above)");
    if (have_attn)
        oclab_attn_release(&attn);
    free(k);
    free(v);
    free(q);
    free(got);
    free(want);
    return rc;
}

/* ---- short contexts ---- */

static double entry_number(const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

/* Runs the sweep into a scratch profile (so its entries do not crowd kernels[]) and stores
 * measurements.attention_short_context {shape, points[], launch_overhead_s, s_half_efficiency}. */
static int short_context(oclab_decode_ctx *ctx, program_cache *cache,
                         rl_attn_shape shape, uint64_t max_context)
{
    int rc = OCLAB_EXIT_OK;
    cJSON *scratch = cJSON_CreateObject();
    cJSON *kernels = cJSON_AddArrayToObject(scratch, "kernels");
    cJSON_AddArrayToObject(scratch, "skipped");
    oclab_decode_ctx sctx = *ctx;
    sctx.profile = scratch;
    for (uint64_t s = 1; s <= max_context; s *= 4) {
        shape.context = s;
        if (measure_shape(&sctx, cache, &shape) != OCLAB_EXIT_OK)
            rc = OCLAB_EXIT_FAIL;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON *sh = shape_json(&shape);
    cJSON_DeleteItemFromObject(sh, "context");
    cJSON_AddStringToObject(sh, "kv", rl_format_name(shape.kv));
    cJSON_AddItemToObject(out, "shape", sh);
    cJSON *points = cJSON_AddArrayToObject(out, "points");
    double launch = NAN, s_half = NAN, prev_s = NAN, prev_e = NAN;
    const char *eff_key = ctx->probe ? "efficiency_vs_probe" : "efficiency";
    const cJSON *e;
    cJSON_ArrayForEach(e, kernels)
    {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "time_s");
        double ctxlen = entry_number(cJSON_GetObjectItemCaseSensitive(e, "shape"), "context");
        double eff = entry_number(e, eff_key), median = entry_number(t, "median");
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "verified")) || isnan(median))
            continue;
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "context", ctxlen);
        cJSON_AddNumberToObject(p, "time_s", median);
        cJSON_AddNumberToObject(p, "gbs", entry_number(e, "gbs"));
        cJSON_AddNumberToObject(p, eff_key, eff);
        cJSON_AddNumberToObject(p, "split", entry_number(cJSON_GetObjectItemCaseSensitive(e, "variant"), "split"));
        cJSON_AddItemToArray(points, p);
        if (ctxlen == 1)
            launch = median;
        /* First crossing of 0.5, interpolated in log S. */
        if (isnan(s_half) && eff >= SWEEP_HALF)
            s_half = isnan(prev_e) ? ctxlen
                                   : exp(log(prev_s) + (SWEEP_HALF - prev_e) / (eff - prev_e) *
                                                           (log(ctxlen) - log(prev_s)));
        prev_s = ctxlen;
        prev_e = eff;
    }
    if (isnan(launch))
        cJSON_AddNullToObject(out, "launch_overhead_s");
    else
        cJSON_AddNumberToObject(out, "launch_overhead_s", launch);
    if (isnan(s_half))
        cJSON_AddNullToObject(out, "s_half_efficiency");
    else
        cJSON_AddNumberToObject(out, "s_half_efficiency", s_half);
    cJSON_AddStringToObject(out, "efficiency", eff_key);
    cJSON_AddStringToObject(out, "launch_overhead", "median time of one launch at S = 1");
    cJSON *meas = cJSON_GetObjectItemCaseSensitive(ctx->profile, "measurements");
    if (!meas)
        meas = cJSON_AddObjectToObject(ctx->profile, "measurements");
    cJSON_DeleteItemFromObject(meas, "attention_short_context");
    cJSON_AddItemToObject(meas, "attention_short_context", out);
    cJSON *skipped = cJSON_GetObjectItemCaseSensitive(ctx->profile, "skipped");
    const cJSON *sk;
    cJSON_ArrayForEach(sk, cJSON_GetObjectItemCaseSensitive(scratch, "skipped"))
        if (skipped)
            cJSON_AddItemToArray(skipped, cJSON_Duplicate(sk, 1));
    if (isnan(s_half))
        oclab_log("attention short context: launch overhead %.1f us; %s stays below %.1f up to S=%llu",
                  launch * 1e6, eff_key, SWEEP_HALF, (unsigned long long)max_context);
    else
        oclab_log("attention short context: launch overhead %.1f us; %s crosses %.1f at S ~ %.0f",
                  launch * 1e6, eff_key, SWEEP_HALF, s_half);
    cJSON_Delete(scratch);
    return rc;
}

int oclab_attention_measure(oclab_decode_ctx *ctx, const oclab_decode_opts *opts)
{
    shape_table t;
    program_cache cache;
    int rc = OCLAB_EXIT_OK;
    if (oclab_attention_check_opts(opts) != 0)
        return OCLAB_EXIT_USAGE;
    table_of(opts, &t);
    cache.n_programs = 0;
    oclab_progress_phase("decode attention", (int)table_count(&t));
    for (uint64_t i = 0; i < table_count(&t); i++) {
        oclab_progress_step(NULL);
        rl_attn_shape s = table_shape(&t, i);
        if (measure_shape(ctx, &cache, &s) != OCLAB_EXIT_OK)
            rc = OCLAB_EXIT_FAIL;
    }
    rl_attn_shape first = {t.batches[0], t.heads[0][0], t.heads[0][1], t.dims[0], 1, t.kv[0], RL_FMT_F32,
                           RL_FMT_F32};
    if (!opts->n_attn_heads) { /* by default: GQA 32/8, the short-context case */
        first.heads = 32;
        first.kv_heads = 8;
    }
    uint64_t max_context = SWEEP_MAX_CONTEXT;
    if (opts->n_attn_contexts) {
        max_context = 1;
        for (int c = 0; c < t.n_contexts; c++)
            max_context = t.contexts[c] > max_context ? t.contexts[c] : max_context;
    }
    if (short_context(ctx, &cache, first, max_context) != OCLAB_EXIT_OK)
        rc = OCLAB_EXIT_FAIL;
    for (int i = 0; i < cache.n_programs; i++)
        oclab_attn_program_release(&cache.programs[i]);
    return rc;
}
