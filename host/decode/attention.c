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
#include "roofline/profile.h"
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
    oclab_attn_variant forced;
    if (oclab_attn_forced_variant(&forced) < 0)
        return -1;
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
    char reason[256], label[160];
    oclab_attn_variant forced;
    int explicit = opts->n_attn_batches || opts->n_attn_contexts || opts->n_attn_heads || opts->n_attn_head_dims;
    int force = oclab_attn_forced_variant(&forced) == 1;
    table_of(opts, &t);
    for (uint64_t i = 0; i < table_count(&t); i++) {
        rl_attn_shape s = table_shape(&t, i);
        uint64_t row_bytes, kv_bytes;
        shape_label(&s, label, sizeof label);
        if (force && !oclab_attn_variant_runs(info, &s, forced)) {
            oclab_error("%s: %s=%s has no configuration that %s runs (work-group size, local memory)", label,
                        OCLAB_ATTENTION_VARIANT_ENV, oclab_attn_variant_name(forced), info->name);
            return -1;
        }
        /* The default table is skipped shape by shape; sizes the user asked for must fit. */
        if (!explicit)
            continue;
        if (rl_kv_row_bytes(s.kv, s.head_dim, &row_bytes, reason, sizeof reason) != 0 ||
            __builtin_mul_overflow(s.batch * s.kv_heads * s.context, row_bytes, &kv_bytes))
            kv_bytes = UINT64_MAX;
        if (!fit_reason(info, &s, kv_bytes, reason, sizeof reason)) {
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

static cJSON *variant_json(const rl_attn_shape *s, const oclab_attn_config *c, uint64_t split, int vnni,
                           const rl_attn_cost *cost)
{
    uint64_t chunk, chunks = oclab_attn_chunks(s->context, split, &chunk);
    int item = c->variant == OCLAB_ATTN_ITEM, q8 = s->kv == RL_FMT_Q8_0;
    unsigned lanes = oclab_attn_lanes(c);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kernel", oclab_attn_variant_name(c->variant));
    cJSON_AddNumberToObject(o, "split", (double)chunks);
    cJSON_AddNumberToObject(o, "chunk", (double)chunk);
    cJSON_AddNumberToObject(o, "work_group", lanes);
    cJSON_AddNumberToObject(o, "work_items", (double)(s->batch * s->kv_heads * chunks * lanes));
    cJSON_AddNumberToObject(o, "vector_width", c->vec);
    cJSON_AddNumberToObject(o, "tile", c->tile);
    if (item)
        cJSON_AddNumberToObject(o, "v_slices", c->vb);
    else
        cJSON_AddNumberToObject(o, "local_bytes",
                                (double)oclab_attn_local_bytes(s->head_dim, s->heads / s->kv_heads, c));
    cJSON_AddNumberToObject(o, "group", (double)(s->heads / s->kv_heads));
    cJSON_AddStringToObject(o, "kv_reads", "once per GQA group");
    cJSON_AddStringToObject(o, "combine", chunks > 1 ? "second launch, one work-item per (vector of D, batch x query "
                                                       "head)"
                                                     : "none (one launch)");
    cJSON_AddNumberToObject(o, "launches", chunks > 1 ? 2 : 1);
    /* K's last tile per sequence is zero-padded: those rows (< 16) are read, not counted as traffic. */
    char k_layout[200];
    if (q8)
        snprintf(k_layout, sizeof k_layout,
                 "tiles of %d rows transposed: quants by column pairs [tile][D/2][%d][2], then fp16 scales "
                 "[tile][D/32][%d] (ggml bytes); last tile zero-padded", OCLAB_ATTN_LAYOUT_TILE,
                 OCLAB_ATTN_LAYOUT_TILE, OCLAB_ATTN_LAYOUT_TILE);
    else
        snprintf(k_layout, sizeof k_layout, "tiles of %d rows transposed [tile][D][%d]; last tile zero-padded",
                 OCLAB_ATTN_LAYOUT_TILE, OCLAB_ATTN_LAYOUT_TILE);
    cJSON_AddStringToObject(o, "k_layout", k_layout);
    if (q8) {
        char v_layout[200];
        snprintf(v_layout, sizeof v_layout,
                 "K's tiles: quants by row pairs [tile][%d][D][2], then fp16 scales [tile][D/32][%d]; last tile "
                 "zero-padded", OCLAB_ATTN_LAYOUT_TILE / 2, OCLAB_ATTN_LAYOUT_TILE);
        cJSON_AddStringToObject(o, "v_layout", v_layout);
        cJSON_AddStringToObject(o, "scores", item ? "int16 queries (per block of 32) x int8 K column pairs, exact "
                                                    "int32 sums per block"
                                                  : "int8 K converted to f32, f32 FMAs");
        cJSON_AddStringToObject(o, "values", item ? "int16 softmax weights x V scales (per tile and query head) x "
                                                    "int8 V row pairs, exact int32 sums per tile"
                                                  : "int8 V converted to f32, f32 FMAs");
        cJSON_AddBoolToObject(o, "host_avx512_vnni", vnni);
    }
    cJSON_AddNumberToObject(o, "flops_softmax", (double)cost->flops_softmax);
    return o;
}

/* What every shape of a run shares: the programs built, the profile's int16 roof (has_int16 0: none). */
typedef struct {
    oclab_attn_programs *programs;
    cJSON *profile; /* the run's profile (warnings go there; shapes may record into a scratch one) */
    rl_roof int16;
    int has_int16;
    int warned; /* that the profile has no int16 ceiling */
} run_state;

/* The roof C's inner loop computes against: q8_0 in the work-item kernel is int16 x int8 pair products
 * (2 multiply-adds per 32-bit lane and instruction), placed against the profile's "int16" ceiling,
 * or the f32 one with a warning when the profile has none; everything else computes in f32. *SCALE:
 * what the interleaved f32 FMA probe is multiplied by to stand in for that ceiling (its ratio to f32's
 * in the profile). */
static rl_roof roof_for(run_state *run, const oclab_decode_ctx *ctx, const rl_attn_shape *s,
                        const oclab_attn_config *c, const char **precision, double *scale)
{
    *precision = "f32";
    *scale = 1.0;
    if (s->kv != RL_FMT_Q8_0 || c->variant != OCLAB_ATTN_ITEM)
        return ctx->roof_f32;
    if (run->has_int16) {
        *precision = "int16";
        *scale = ctx->roof_f32.gflops > 0 ? run->int16.gflops / ctx->roof_f32.gflops : 1.0;
        return run->int16;
    }
    if (!run->warned++)
        oclab_profile_warn(run->profile, "attention q8_0 roof",
                           "the profile has no int16 compute ceiling (int16 x int8 pair products): q8_0 attention is "
                           "placed against the f32 FMA ceiling, which its instructions can exceed");
    return ctx->roof_f32;
}

/* The compute probe's figures times SCALE. */
static oclab_probe_result scaled_probe(const oclab_probe_result *p, double scale)
{
    oclab_probe_result r = *p;
    r.gflops.min *= scale;
    r.gflops.median *= scale;
    r.gflops.max *= scale;
    r.gflops.mean *= scale;
    r.paired_gflop *= scale;
    r.paired_gflop_host *= scale;
    return r;
}

/* Records R (oclab_decode_record) and, when the compute probe stood in for another ceiling, by how
 * much it was scaled. */
static void record(oclab_decode_ctx *ctx, const oclab_kernel_result *r, double scale)
{
    oclab_decode_record(ctx, r);
    cJSON *kernels = cJSON_GetObjectItemCaseSensitive(ctx->profile, "kernels");
    if (scale != 1.0)
        cJSON_AddNumberToObject(cJSON_GetArrayItem(kernels, cJSON_GetArraySize(kernels) - 1), "probe_gflops_scale",
                                scale);
}

/* Measures one shape into ctx->profile (kernels[] or skipped[]). Returns OCLAB_EXIT_OK, or
 * OCLAB_EXIT_FAIL when the kernel failed to build/run or to verify (recorded as invalid). */
static int measure_shape(run_state *run, oclab_decode_ctx *ctx, const rl_attn_shape *s)
{
    cl_int err = CL_SUCCESS;
    char label[160], why[256];
    rl_attn_cost cost;
    uint64_t row_bytes;
    int rc = OCLAB_EXIT_FAIL;
    oclab_attn_problem problem;
    oclab_attn attn;
    int have_attn = 0, have_problem = 0;
    oclab_attn_choice choice;
    oclab_timing timing = {0};
    oclab_probe_result probe;
    memset(&choice, 0, sizeof choice);

    shape_label(s, label, sizeof label);
    if (rl_attn_cost_of(s, &cost, why, sizeof why) != 0 ||
        rl_kv_row_bytes(s->kv, s->head_dim, &row_bytes, why, sizeof why) != 0) {
        oclab_profile_skip(ctx->profile, label, why);
        return OCLAB_EXIT_OK;
    }
    uint64_t kv_bytes = s->batch * s->kv_heads * s->context * row_bytes;
    if (!fits(ctx, s, kv_bytes, label))
        return OCLAB_EXIT_OK;
    oclab_attn_data data = {1.0f, 1, 0x0c1ab};
    if (oclab_attn_problem_make(s, &data, &problem) != 0) {
        oclab_profile_skip(ctx->profile, label, "not enough host memory for the KV caches");
        return OCLAB_EXIT_OK;
    }
    have_problem = 1;

    oclab_attn_variant variant = oclab_attn_variant_for(ctx->cl->info, s);
    oclab_attn_space_info hold;
    oclab_tune_space space;
    oclab_attn_space(ctx->cl->info, s, variant, &hold, &space);
    hold.loop_budget = oclab_cl_loop_budget(ctx->cl);
    int copies = oclab_cl_cold_copies(ctx->cl, 2 * kv_bytes);
    CL_TRY(oclab_attn_create(ctx->cl, s, problem.q, problem.k, problem.v, copies, oclab_attn_space_max_split(&space),
                             &attn));
    have_attn = 1;

    /* Every candidate is verified before it is timed; the tuner's winner is then measured with the
     * probes (an unbiased figure: the best of several noisy medians would read fast). */
    int tuned = oclab_attn_tune(ctx, &space, variant, run->programs, &attn, &problem, &choice);
    if (choice.wrong) { /* a configuration computed a wrong result: the kernel has a bug */
        oclab_kernel_result r = {"attention", rl_format_name(s->kv), shape_json(s),
                                 variant_json(s, &choice.wrong_config, choice.wrong_split, 0, &cost),
                                 NULL, NULL, (double)cost.flops_core, (double)cost.flops,
                                 (double)cost.bytes, ctx->roof_f32, 0, choice.wrong_error, NULL,
                                 tuned == 0 ? NULL : choice.record};
        record(ctx, &r, 1.0);
        if (tuned != 0) {
            choice.record = NULL;
            goto cleanup;
        }
    } else if (tuned != 0) {
        oclab_error("%s: no configuration built and ran (see the tuning record)", label);
        oclab_kernel_result r = {"attention", rl_format_name(s->kv), shape_json(s), cJSON_CreateObject(), NULL, NULL,
                                 (double)cost.flops_core, (double)cost.flops, (double)cost.bytes, ctx->roof_f32, 0,
                                 NAN, NULL, choice.record};
        record(ctx, &r, 1.0);
        choice.record = NULL;
        goto cleanup;
    }
    oclab_attn_launch_args args = {&attn, choice.prog, choice.split};
    /* oclab_decode_time names a failing call itself; the watchdog's skip is named below */
    err = oclab_decode_time(ctx, oclab_attn_launch, &args, &timing, &probe);
    if (err != CL_SUCCESS)
        goto cleanup;
    const char *precision;
    double scale;
    rl_roof roof = roof_for(run, ctx, s, &choice.config, &precision, &scale);
    oclab_probe_result placed = scaled_probe(&probe, scale);
    oclab_kernel_result r = {"attention", rl_format_name(s->kv), shape_json(s),
                             variant_json(s, &choice.config, choice.split, choice.prog->host_avx512_vnni, &cost),
                             &timing, &placed, (double)cost.flops_core, (double)cost.flops,
                             (double)cost.bytes, roof, 1, choice.max_rel_error, precision, choice.record};
    record(ctx, &r, scale);
    choice.record = NULL;
    oclab_log("%s: %s split %llu tile %u vec %u, %.1f us, %.1f GB/s", label, oclab_attn_variant_name(variant),
              (unsigned long long)choice.split, choice.config.tile, choice.config.vec, timing.device.median * 1e6,
              (double)cost.bytes / timing.device.median / 1e9);
    rc = choice.wrong ? OCLAB_EXIT_FAIL : OCLAB_EXIT_OK;
cleanup:
    if (err != CL_SUCCESS) {
        oclab_profile_skip(ctx->profile, label, oclab_decode_untimed(ctx, &timing, "the kernel failed to build or run (see the error above)", why, sizeof why));
        if (timing.overlong_s > 0.0)
            rc = OCLAB_EXIT_OK;
    }
    cJSON_Delete(choice.record);
    if (have_attn)
        oclab_attn_release(&attn);
    if (have_problem)
        oclab_attn_problem_free(&problem);
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
static int short_context(run_state *run, oclab_decode_ctx *ctx,
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
        if (measure_shape(run, &sctx, &shape) != OCLAB_EXIT_OK)
            rc = OCLAB_EXIT_FAIL;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON *sh = shape_json(&shape);
    cJSON_DeleteItemFromObject(sh, "context");
    cJSON_AddStringToObject(sh, "kv", rl_format_name(shape.kv));
    cJSON_AddItemToObject(out, "shape", sh);
    cJSON *points = cJSON_AddArrayToObject(out, "points");
    double launch = NAN, launch_host = NAN, s_half = NAN, prev_s = NAN, prev_e = NAN;
    const char *eff_key = ctx->probe ? "efficiency_vs_probe" : "efficiency";
    const cJSON *e;
    cJSON_ArrayForEach(e, kernels)
    {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "time_s");
        double ctxlen = entry_number(cJSON_GetObjectItemCaseSensitive(e, "shape"), "context");
        double eff = entry_number(e, eff_key), median = entry_number(t, "median");
        double host = entry_number(cJSON_GetObjectItemCaseSensitive(e, "host_time_s"), "median");
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "verified")) || isnan(median))
            continue;
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "context", ctxlen);
        cJSON_AddNumberToObject(p, "time_s", median);
        cJSON_AddNumberToObject(p, "host_time_s", host);
        cJSON_AddNumberToObject(p, "gbs", entry_number(e, "gbs"));
        cJSON_AddNumberToObject(p, eff_key, eff);
        cJSON_AddNumberToObject(p, "split", entry_number(cJSON_GetObjectItemCaseSensitive(e, "variant"), "split"));
        cJSON_AddItemToArray(points, p);
        if (ctxlen == 1) {
            launch = median;
            launch_host = host;
        }
        /* First crossing of 0.5, interpolated in log S. */
        if (isnan(s_half) && eff >= SWEEP_HALF)
            s_half = isnan(prev_e) ? ctxlen
                                   : exp(log(prev_s) + (SWEEP_HALF - prev_e) / (eff - prev_e) *
                                                           (log(ctxlen) - log(prev_s)));
        prev_s = ctxlen;
        prev_e = eff;
    }
    if (isnan(launch)) {
        cJSON_AddNullToObject(out, "launch_overhead_s");
        cJSON_AddNullToObject(out, "launch_overhead_host_s");
    } else {
        cJSON_AddNumberToObject(out, "launch_overhead_s", launch);
        cJSON_AddNumberToObject(out, "launch_overhead_host_s", launch_host);
    }
    if (isnan(s_half))
        cJSON_AddNullToObject(out, "s_half_efficiency");
    else
        cJSON_AddNumberToObject(out, "s_half_efficiency", s_half);
    cJSON_AddStringToObject(out, "efficiency", eff_key);
    cJSON_AddStringToObject(out, "launch_overhead", "median time of one launch at S = 1: launch_overhead_s by the "
                                                     "kernel clock (events), launch_overhead_host_s by the host clock "
                                                     "(enqueue to finish)");
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
        oclab_log("attention short context: launch overhead %.1f us (host clock %.1f us); %s stays below %.1f up "
                  "to S=%llu", launch * 1e6, launch_host * 1e6, eff_key, SWEEP_HALF, (unsigned long long)max_context);
    else
        oclab_log("attention short context: launch overhead %.1f us (host clock %.1f us); %s crosses %.1f at S ~ "
                  "%.0f", launch * 1e6, launch_host * 1e6, eff_key, SWEEP_HALF, s_half);
    cJSON_Delete(scratch);
    return rc;
}

int oclab_attention_measure(oclab_decode_ctx *ctx, const oclab_decode_opts *opts)
{
    shape_table t;
    char why[200];
    int rc = OCLAB_EXIT_OK;
    if (oclab_attention_check_opts(opts) != 0)
        return OCLAB_EXIT_USAGE;
    run_state run = {oclab_attn_programs_new(), ctx->profile, ctx->roof_f32, 0, 0};
    if (!run.programs) {
        oclab_error("attention: out of host memory");
        return OCLAB_EXIT_FAIL;
    }
    run.has_int16 = rl_profile_roof(ctx->profile, "int16", &run.int16, why, sizeof why) == 0 && run.int16.gflops > 0;
    table_of(opts, &t);
    oclab_progress_phase("decode attention", (int)table_count(&t));
    for (uint64_t i = 0; i < table_count(&t); i++) {
        oclab_progress_step(NULL);
        rl_attn_shape s = table_shape(&t, i);
        if (measure_shape(&run, ctx, &s) != OCLAB_EXIT_OK)
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
    if (short_context(&run, ctx, first, max_context) != OCLAB_EXIT_OK)
        rc = OCLAB_EXIT_FAIL;
    oclab_attn_programs_free(run.programs);
    return rc;
}
