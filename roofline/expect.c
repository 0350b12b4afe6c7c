/* Expected decode speed from a profile's measured kernels (expect.h). */
#include "roofline/expect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roofline/profile.h"

/* Beyond this a kernel's efficiency means an under-measured ceiling, not a fast kernel (place.c). */
#define ABOVE_ROOF 1.05
/* Distances closer than this are ties (the same measured size). */
#define TIE 1e-9

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static double number(const cJSON *obj, const char *key)
{
    const cJSON *item = get(obj, key);
    return cJSON_IsNumber(item) && isfinite(item->valuedouble) ? item->valuedouble : NAN;
}

static int positive(double v)
{
    return v > 0.0 && isfinite(v);
}

/* Fills M from kernel entry K of PROFILE; 0 when it is a usable kernel of ours with a known shape and
 * roof, -1 otherwise. *flagged is set for a verified kernel of ours that is suspect or above its roof. */
static int read_one(const cJSON *profile, const cJSON *k, rl_measured *m, int *flagged)
{
    const cJSON *family = get(k, "family"), *format = get(k, "format"), *shape = get(k, "shape");
    *flagged = 0;
    if (!cJSON_IsTrue(get(k, "verified")) || get(k, "baseline") || !cJSON_IsString(family) ||
        !cJSON_IsString(format) || rl_format_parse(format->valuestring, &m->format) != 0)
        return -1;
    m->efficiency = number(k, "efficiency");
    if (!positive(m->efficiency))
        return -1;
    if (cJSON_IsTrue(get(k, "suspect")) || cJSON_IsTrue(get(k, "above_roof")) || m->efficiency > ABOVE_ROOF) {
        *flagged = 1;
        return -1;
    }
    m->attention = strcmp(family->valuestring, "attention") == 0;
    if (!m->attention && strcmp(family->valuestring, "gemv") != 0)
        return -1;
    /* its efficiency is against the compute ceiling it was placed on (int16 for q8_0 attention) */
    const cJSON *precision = get(k, "roof_precision");
    char why[128];
    if (rl_profile_roof(profile, cJSON_IsString(precision) ? precision->valuestring : "f32", &m->roof, why,
                        sizeof why) != 0)
        return -1;
    m->m = number(shape, "m");
    m->n = number(shape, "n");
    m->k = number(shape, "k");
    m->batch = number(shape, "batch");
    m->heads = number(shape, "heads");
    m->kv_heads = number(shape, "kv_heads");
    m->head_dim = number(shape, "head_dim");
    m->context = number(shape, "context");
    if (m->attention)
        return positive(m->batch) && positive(m->heads) && positive(m->kv_heads) && positive(m->head_dim) &&
                       positive(m->context)
                   ? 0
                   : -1;
    return positive(m->m) && positive(m->n) && positive(m->k) ? 0 : -1;
}

int rl_measured_read(const cJSON *profile, rl_measured_set *set, char *err, size_t err_len)
{
    memset(set, 0, sizeof *set);
    if (rl_profile_roof(profile, "f32", &set->roof, err, err_len) != 0)
        return -1;
    const cJSON *kernels = get(profile, "kernels");
    int cap = cJSON_GetArraySize(kernels);
    set->items = calloc(cap > 0 ? (size_t)cap : 1, sizeof *set->items);
    if (set->items == NULL) {
        snprintf(err, err_len, "out of memory reading the profile's kernels");
        return -1;
    }
    int index = 0, flagged;
    const cJSON *k;
    cJSON_ArrayForEach(k, kernels)
    {
        rl_measured *m = &set->items[set->n];
        if (read_one(profile, k, m, &flagged) == 0) {
            m->index = index;
            set->n++;
        }
        set->n_unusable += flagged;
        index++;
    }
    return 0;
}

void rl_measured_free(rl_measured_set *set)
{
    free(set->items);
    memset(set, 0, sizeof *set);
}

static double log_gap(double a, double b)
{
    return fabs(log(a) - log(b));
}

/* Whether candidate (PRIMARY, SECONDARY, EFFICIENCY) beats the best so far: a smaller primary
 * distance, then a smaller secondary one, then (the same measured shape twice) the better kernel. */
static int better(double primary, double secondary, double efficiency, double best_primary, double best_secondary,
                  double best_efficiency)
{
    if (primary < best_primary - TIE)
        return 1;
    if (primary > best_primary + TIE)
        return 0;
    if (secondary < best_secondary - TIE)
        return 1;
    if (secondary > best_secondary + TIE)
        return 0;
    return efficiency > best_efficiency;
}

const rl_measured *rl_nearest_gemv(const rl_measured_set *set, rl_format weights, uint64_t m, uint64_t n, uint64_t k)
{
    const rl_measured *best = NULL;
    double bp = INFINITY, bs = INFINITY;
    for (int i = 0; i < set->n; i++) {
        const rl_measured *c = &set->items[i];
        if (c->attention || c->format != weights)
            continue;
        double p = log_gap((double)m, c->m);
        double s = hypot(log_gap((double)n, c->n), log_gap((double)k, c->k));
        if (!best || better(p, s, c->efficiency, bp, bs, best->efficiency)) {
            best = c;
            bp = p;
            bs = s;
        }
    }
    return best;
}

const rl_measured *rl_nearest_attention(const rl_measured_set *set, const rl_attn_shape *shape)
{
    const rl_measured *best = NULL;
    double bp = INFINITY, bs = INFINITY;
    double group = (double)shape->heads / (double)shape->kv_heads;
    for (int i = 0; i < set->n; i++) {
        const rl_measured *c = &set->items[i];
        if (!c->attention || c->format != shape->kv)
            continue;
        double p = log_gap((double)shape->batch, c->batch);
        double gc = log_gap((double)shape->context, c->context), gg = log_gap(group, c->heads / c->kv_heads);
        double gh = log_gap((double)shape->kv_heads, c->kv_heads), gd = log_gap((double)shape->head_dim, c->head_dim);
        double s = sqrt(gc * gc + gg * gg + gh * gh + gd * gd);
        if (!best || better(p, s, c->efficiency, bp, bs, best->efficiency)) {
            best = c;
            bp = p;
            bs = s;
        }
    }
    return best;
}

/* Times one part on the roof of kernel MATCH at its efficiency. */
static void time_part(rl_expect_part *part, const char *what, uint64_t count, double flops, double bytes,
                      const rl_measured *match)
{
    rl_bound b = rl_bound_of(flops, flops, bytes, match->roof);
    snprintf(part->what, sizeof part->what, "%s", what);
    part->count = count;
    part->flops = flops;
    part->bytes = bytes;
    part->t_roof_s = b.t_bound_s;
    part->compute_bound = b.compute_bound;
    part->efficiency = fmin(match->efficiency, 1.0);
    part->kernel_index = match->index;
    part->t_s = (double)count * part->t_roof_s / part->efficiency;
}

int rl_expect_decode(const rl_model_config *cfg, const rl_decode_shape *shape, const rl_measured_set *set,
                     rl_expectation *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    rl_model_matrix mats[RL_MODEL_MAX_MATRICES];
    int n_mats = rl_model_matrices(cfg, mats, err, err_len);
    if (n_mats < 0)
        return -1;
    for (int i = 0; i < n_mats; i++) {
        rl_gemv_shape g = {shape->batch, mats[i].n, mats[i].k, shape->weights, RL_FMT_F32, RL_FMT_F32, 1};
        rl_gemv_cost c;
        if (rl_gemv_cost_of(&g, &c, err, err_len) != 0)
            return -1;
        const rl_measured *match = rl_nearest_gemv(set, shape->weights, g.m, g.n, g.k);
        if (!match) {
            snprintf(err, err_len, "the profile has no usable gemv %s kernel", rl_format_name(shape->weights));
            return -1;
        }
        rl_expect_part *part = &out->parts[out->n_parts++];
        time_part(part, mats[i].name, mats[i].count, (double)c.flops, (double)c.bytes, match);
        out->t_weights_s += part->t_s;
    }
    if (shape->context > 0) {
        rl_attn_shape a = {shape->batch, cfg->n_heads,  cfg->n_kv_heads, cfg->head_dim, shape->context,
                           shape->kv,    RL_FMT_F32,    RL_FMT_F32};
        rl_attn_cost c;
        if (rl_attn_cost_of(&a, &c, err, err_len) != 0)
            return -1;
        const rl_measured *match = rl_nearest_attention(set, &a);
        if (!match) {
            snprintf(err, err_len, "the profile has no usable attention kernel with a %s KV cache",
                     rl_format_name(shape->kv));
            return -1;
        }
        /* The kernels' FLOPs are the core ones (q.k and p.v), as their placement counts them. */
        rl_expect_part *part = &out->parts[out->n_parts++];
        time_part(part, "attention", cfg->n_layers, (double)c.flops_core, (double)c.bytes, match);
        out->t_attention_s = part->t_s;
    }
    out->t_s = out->t_weights_s + out->t_attention_s;
    out->tokens_per_s = (double)shape->batch / out->t_s;
    out->ms_per_token = 1000.0 * out->t_s;
    return 0;
}
