/* The details of one device's report (sections.h). */
#include "reports/sections.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/fmt.h"
#include "reports/json_text.h"
#include "reports/svg.h"

/* Long enough for a device's extension list. */
#define CELL_MAX 8192
#define MAX_FAMILIES 8

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* A number, or the median of a statistics object ({min, median, max}); NAN otherwise. */
static double median_of(const cJSON *item)
{
    const cJSON *m = cJSON_IsObject(item) ? get(item, "median") : item;
    return cJSON_IsNumber(m) ? m->valuedouble : NAN;
}

void rpt_kernel_name(const rpt_kernel *k, char *out, size_t out_len)
{
    snprintf(out, out_len, "%s %s %s%s%s%s", k->family, k->format, k->shape, k->baseline[0] ? " (" : "",
             k->baseline, k->baseline[0] ? ")" : "");
}

/* A table of the HTML report only, folded when COLLAPSED. */
static rpt_table *detail_table(const char *title, int n_cols, const char *const *header, int collapsed)
{
    rpt_table *t = rpt_table_new(title, n_cols, header);
    if (t) {
        t->html_only = 1;
        t->collapsed = collapsed;
    }
    return t;
}

/* A two-column table of the flat members of OBJ (nested ones flattened as "a.b" once). */
static rpt_table *key_values(const char *title, const char *key_header, const cJSON *obj)
{
    rpt_table *t = detail_table(title, 2, (const char *const[]){key_header, "value"}, 1);
    if (!t)
        return NULL;
    char text[CELL_MAX];
    const cJSON *item;
    cJSON_ArrayForEach(item, obj) {
        if (rpt_json_is_flat(item)) {
            rpt_table_cell(t, "%s", item->string ? item->string : "");
            rpt_table_cell(t, "%s", rpt_json_text(item, item->string, text, sizeof text));
            continue;
        }
        const cJSON *child;
        cJSON_ArrayForEach(child, item) {
            rpt_table_cell(t, "%s.%s", item->string ? item->string : "", child->string ? child->string : "");
            rpt_table_cell(t, "%s", rpt_json_text(child, child->string, text, sizeof text));
        }
    }
    return t;
}

static const char *bound_name(rpt_bound b)
{
    return b == RPT_BOUND_MEMORY ? "memory" : b == RPT_BOUND_COMPUTE ? "compute" : RPT_DASH;
}

/* "above roof, suspect", or "" when nothing is wrong with K. */
static void flags_of(const rpt_kernel *k, char *out, size_t len)
{
    snprintf(out, len, "%s%s%s", !k->verified ? "invalid (failed verification) " : "",
             k->verified && k->above_roof ? "above its roof " : "", k->verified && k->suspect ? "suspect" : "");
    size_t n = strlen(out);
    if (n > 0 && out[n - 1] == ' ')
        out[n - 1] = '\0';
}

/* Verified kernels first, by decreasing efficiency; then the invalid ones in profile order. */
static int by_efficiency(const void *pa, const void *pb)
{
    const rpt_kernel *a = *(const rpt_kernel *const *)pa, *b = *(const rpt_kernel *const *)pb;
    if (a->verified != b->verified)
        return b->verified - a->verified;
    double ea = isfinite(a->efficiency) ? a->efficiency : -1.0, eb = isfinite(b->efficiency) ? b->efficiency : -1.0;
    if (a->verified && ea != eb)
        return ea < eb ? 1 : -1;
    return a->index - b->index;
}

/* The kernels of V that are of FAMILY and (BASELINE) a baseline or ours, sorted; caller frees. */
static int select_kernels(const rpt_profile *v, const char *family, int baseline, const rpt_kernel ***out)
{
    *out = calloc((size_t)(v->n_kernels > 0 ? v->n_kernels : 1), sizeof **out);
    int n = 0;
    for (int i = 0; *out && i < v->n_kernels; i++)
        if ((baseline ? v->kernels[i].baseline[0] != 0 : v->kernels[i].baseline[0] == 0) &&
            (!family || strcmp(v->kernels[i].family, family) == 0))
            (*out)[n++] = &v->kernels[i];
    if (*out)
        qsort(*out, (size_t)n, sizeof **out, by_efficiency);
    return *out ? n : -1;
}

static void kernel_row(rpt_table *t, const rpt_kernel *k)
{
    char c[8][32], flags[96];
    flags_of(k, flags, sizeof flags);
    if (flags[0])
        rpt_table_row_class(t, "flag");
    rpt_table_cell(t, "%d", k->index + 1);
    rpt_table_cell(t, "%s", k->format);
    rpt_table_cell(t, "%s", k->shape);
    rpt_table_cell_detail(t, k->details[0] ? k->details : NULL, "%s", k->variant[0] ? k->variant : RPT_DASH);
    rpt_table_cell(t, "%s", rpt_fmt_time(k->time_median, c[0], sizeof c[0]));
    rpt_table_cell(t, "%s", rpt_fmt_num(k->gbs, c[1], sizeof c[1]));
    rpt_table_cell(t, "%s", rpt_fmt_num(k->gflops, c[2], sizeof c[2]));
    rpt_table_cell(t, "%s", rpt_fmt_num(k->intensity, c[3], sizeof c[3]));
    rpt_table_cell(t, "%s", rpt_fmt_percent(k->efficiency, c[4], sizeof c[4]));
    rpt_table_cell(t, "%s", rpt_fmt_percent(k->efficiency_vs_probe, c[5], sizeof c[5]));
    rpt_table_cell(t, "%s", bound_name(k->bound));
    rpt_table_cell(t, "%s", flags);
}

static rpt_table *family_table(const rpt_profile *v, const char *family)
{
    const rpt_kernel **list;
    int n = select_kernels(v, family, 0, &list);
    char title[96];
    int verified = 0;
    for (int i = 0; i < n; i++)
        verified += list[i]->verified;
    snprintf(title, sizeof title, "Kernels: %s (%d, %d verified)", family, n, verified);
    rpt_table *t = n < 0 ? NULL
                         : detail_table(title, 12,
                                        (const char *const[]){"#", "format", "shape", "variant", "median time", "GB/s",
                                                              "GFLOP/s", "FLOP/byte", "efficiency", "vs probe", "bound",
                                                              "flags"},
                                        0);
    if (t) {
        rpt_table_set_note(t, "By efficiency (attained / roof at the kernel's intensity); vs probe: against a "
                              "streaming-read and an FMA probe interleaved with its samples. Click a variant for "
                              "its parameters, clock and tuning. Invalid results are never placed on the chart.");
        for (int i = 0; i < n; i++)
            kernel_row(t, list[i]);
    }
    free(list);
    return t;
}

/* Our best verified kernel of the same family, format and shape as baseline B, or NULL. */
static const rpt_kernel *ours_beside(const rpt_profile *v, const rpt_kernel *b)
{
    const rpt_kernel *best = NULL;
    for (int i = 0; i < v->n_kernels; i++) {
        const rpt_kernel *k = &v->kernels[i];
        if (k->verified && !k->baseline[0] && strcmp(k->family, b->family) == 0 &&
            strcmp(k->format, b->format) == 0 && strcmp(k->shape, b->shape) == 0 && (!best || k->gbs > best->gbs))
            best = k;
    }
    return best;
}

static rpt_table *baselines_table(const rpt_profile *v)
{
    const rpt_kernel **list;
    int n = select_kernels(v, NULL, 1, &list);
    rpt_table *t = n < 0 ? NULL
                         : detail_table("Baselines (peer libraries on the same shapes)", 10,
                                         (const char *const[]){"#", "library", "format", "shape", "median time", "GB/s",
                                                               "efficiency", "ours: GB/s", "ours / baseline", "flags"},
                                         0);
    for (int i = 0; t && i < n; i++) {
        const rpt_kernel *k = list[i], *ours = ours_beside(v, k);
        char c[6][32], flags[96];
        flags_of(k, flags, sizeof flags);
        if (flags[0])
            rpt_table_row_class(t, "flag");
        rpt_table_cell(t, "%d", k->index + 1);
        rpt_table_cell_detail(t, k->details[0] ? k->details : NULL, "%s", k->variant);
        rpt_table_cell(t, "%s", k->format);
        rpt_table_cell(t, "%s", k->shape);
        rpt_table_cell(t, "%s", rpt_fmt_time(k->time_median, c[0], sizeof c[0]));
        rpt_table_cell(t, "%s", rpt_fmt_num(k->gbs, c[1], sizeof c[1]));
        rpt_table_cell(t, "%s", rpt_fmt_percent(k->efficiency, c[2], sizeof c[2]));
        rpt_table_cell(t, "%s", rpt_fmt_num(ours ? ours->gbs : NAN, c[3], sizeof c[3]));
        rpt_table_cell(t, "%s", rpt_fmt_num(ours ? ours->gbs / k->gbs : NAN, c[4], sizeof c[4]));
        rpt_table_cell(t, "%s", flags);
    }
    free(list);
    return t;
}

static rpt_table *skipped_table(const rpt_profile *v)
{
    rpt_table *t = rpt_table_new("Skipped", 2, (const char *const[]){"what", "reason"});
    if (!t)
        return NULL;
    char a[512], b[1024];
    const cJSON *item;
    cJSON_ArrayForEach(item, get(v->json, "skipped")) {
        rpt_table_cell(t, "%s", rpt_json_text(get(item, "what"), NULL, a, sizeof a));
        rpt_table_cell(t, "%s", rpt_json_text(get(item, "reason"), NULL, b, sizeof b));
    }
    return t;
}

/* measurements.bandwidth: each STREAM kernel's plateaus (the chart draws the points). */
static rpt_table *bandwidth_table(const cJSON *m)
{
    rpt_table *t = detail_table("Bandwidth sweep: plateaus per STREAM kernel", 5,
                                (const char *const[]){"kernel", "level", "GB/s", "sizes", "points"}, 1);
    if (!t)
        return NULL;
    const cJSON *counting = get(m, "counting");
    if (cJSON_IsString(counting))
        rpt_table_set_note(t, counting->valuestring);
    const cJSON *kernel, *p;
    char a[32], b[32], c[32];
    cJSON_ArrayForEach(kernel, get(m, "kernels"))
    {
        cJSON_ArrayForEach(p, get(kernel, "plateaus"))
        {
            rpt_table_cell(t, "%s", kernel->string ? kernel->string : "?");
            rpt_table_cell(t, "%s", rpt_json_text(get(p, "level"), NULL, a, sizeof a));
            rpt_table_cell(t, "%s", rpt_fmt_num(median_of(get(p, "gbs")), a, sizeof a));
            rpt_table_cell(t, "%s - %s", rpt_fmt_size(median_of(get(p, "bytes_min")), b, sizeof b),
                           rpt_fmt_size(median_of(get(p, "bytes_max")), c, sizeof c));
            rpt_table_cell(t, "%s", rpt_json_text(get(p, "points"), NULL, a, sizeof a));
        }
    }
    return t;
}

/* measurements.compute: one row per precision. */
static rpt_table *compute_table(const cJSON *m)
{
    rpt_table *t = detail_table("Compute peaks", 7,
                                (const char *const[]){"precision", "peak", "unit", "vector width", "accumulators",
                                                      "work group", "cv"},
                                0);
    if (!t)
        return NULL;
    const cJSON *prec;
    char a[32], b[32], c[32], d[32], e[32];
    cJSON_ArrayForEach(prec, m)
    {
        rpt_table_cell(t, "%s", prec->string ? prec->string : "?");
        rpt_table_cell(t, "%s", rpt_fmt_num(median_of(get(prec, "gflops")), a, sizeof a));
        rpt_table_cell(t, "%s", prec->string ? rpt_compute_unit(prec->string) : RPT_DASH);
        rpt_table_cell(t, "%s", rpt_json_text(get(prec, "vector_width"), NULL, b, sizeof b));
        rpt_table_cell(t, "%s", rpt_json_text(get(prec, "accumulators"), NULL, c, sizeof c));
        const cJSON *wg = get(prec, "work_group");
        rpt_table_cell(t, "%s", rpt_json_text(wg ? wg : get(prec, "work_group_size"), NULL, d, sizeof d));
        rpt_table_cell(t, "%s", rpt_fmt_percent(median_of(get(get(prec, "time_s"), "cv")), e, sizeof e));
    }
    return t;
}

/* measurements.attention_short_context: time and efficiency against the context length. */
static rpt_table *short_context_table(const cJSON *m)
{
    rpt_table *t = detail_table("Attention at short contexts", 5,
                                (const char *const[]){"context", "time", "GB/s", "efficiency", "split"}, 0);
    if (!t)
        return NULL;
    char note[512], shape[256], a[32], b[32];
    const cJSON *key = get(m, "efficiency");
    snprintf(note, sizeof note, "Shape %s. Launch overhead %s (one launch at S = 1); %s reaches 50%% at S = %s.",
             rpt_json_text(get(m, "shape"), NULL, shape, sizeof shape), rpt_fmt_time(median_of(get(m, "launch_overhead_s")),
                                                                                     a, sizeof a),
             cJSON_IsString(key) ? key->valuestring : "efficiency", rpt_fmt_num(median_of(get(m, "s_half_efficiency")), b,
                                                                                  sizeof b));
    rpt_table_set_note(t, note);
    const cJSON *p;
    cJSON_ArrayForEach(p, get(m, "points"))
    {
        char c[5][32];
        rpt_table_cell(t, "%s", rpt_json_text(get(p, "context"), NULL, c[0], sizeof c[0]));
        rpt_table_cell(t, "%s", rpt_fmt_time(median_of(get(p, "time_s")), c[1], sizeof c[1]));
        rpt_table_cell(t, "%s", rpt_fmt_num(median_of(get(p, "gbs")), c[2], sizeof c[2]));
        rpt_table_cell(t, "%s", rpt_fmt_percent(median_of(get(p, cJSON_IsString(key) ? key->valuestring : "efficiency")),
                                                c[3], sizeof c[3]));
        rpt_table_cell(t, "%s", rpt_json_text(get(p, "split"), NULL, c[4], sizeof c[4]));
    }
    return t;
}

/* The two fastest verified candidates' median times of a tuning entry. */
static void best_two(const cJSON *candidates, double *best, double *second)
{
    *best = *second = INFINITY;
    const cJSON *c;
    cJSON_ArrayForEach(c, candidates)
    {
        double s = median_of(get(c, "median_s"));
        if (!cJSON_IsTrue(get(c, "verified")) || !(s > 0.0))
            continue;
        if (s < *best) {
            *second = *best;
            *best = s;
        } else if (s < *second) {
            *second = s;
        }
    }
}

/* measurements.gemv_tuning: what each search chose and by how much it beat the runner-up. */
static rpt_table *tuning_table(const cJSON *m)
{
    rpt_table *t = detail_table("GEMV tuning", 6,
                                (const char *const[]){"format", "M", "shape", "chosen", "candidates", "best / runner-up"},
                                1);
    if (!t)
        return NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, m)
    {
        char a[32], b[32], shape[128], chosen[96], full[1024], x[32], y[32];
        double best, second;
        best_two(get(e, "candidates"), &best, &second);
        rpt_variant_text(get(e, "chosen"), chosen, sizeof chosen);
        rpt_table_cell(t, "%s", rpt_json_text(get(e, "format"), NULL, a, sizeof a));
        rpt_table_cell(t, "%s", rpt_json_text(get(e, "m"), NULL, b, sizeof b));
        rpt_table_cell(t, "%s", rpt_json_text(get(e, "shape"), NULL, shape, sizeof shape));
        rpt_table_cell_detail(t, rpt_json_text(get(e, "chosen"), NULL, full, sizeof full), "%s", chosen);
        rpt_table_cell(t, "%d", cJSON_GetArraySize(get(e, "candidates")));
        rpt_table_cell(t, "%s / %s", rpt_fmt_time(isfinite(best) ? best : NAN, x, sizeof x),
                       rpt_fmt_time(isfinite(second) ? second : NAN, y, sizeof y));
    }
    return t;
}

static void measurement_tables(const rpt_profile *v, rpt_tables *list)
{
    const cJSON *item;
    char title[256];
    cJSON_ArrayForEach(item, get(v->json, "measurements")) {
        const char *name = item->string ? item->string : "?";
        if (strcmp(name, "bandwidth") == 0 && cJSON_IsObject(get(item, "kernels")))
            rpt_tables_add(list, bandwidth_table(item));
        else if (strcmp(name, "compute") == 0 && cJSON_IsObject(item))
            rpt_tables_add(list, compute_table(item));
        else if (strcmp(name, "attention_short_context") == 0 && cJSON_IsObject(item))
            rpt_tables_add(list, short_context_table(item));
        else if (strcmp(name, "gemv_tuning") == 0 && cJSON_IsArray(item))
            rpt_tables_add(list, tuning_table(item));
        else if (cJSON_IsObject(item)) {
            snprintf(title, sizeof title, "Measurement: %s", name);
            rpt_tables_add(list, key_values(title, "key", item));
        }
    }
}

void rpt_device_tables(const rpt_profile *v, rpt_tables *list)
{
    const char *families[MAX_FAMILIES];
    int n = 0, baselines = 0;
    for (int i = 0; i < v->n_kernels; i++) {
        const rpt_kernel *k = &v->kernels[i];
        int seen = k->baseline[0] != 0;
        baselines += seen;
        for (int j = 0; j < n && !seen; j++)
            seen = strcmp(families[j], k->family) == 0;
        if (!seen && n < MAX_FAMILIES)
            families[n++] = k->family;
    }
    for (int f = 0; f < n; f++)
        rpt_tables_add(list, family_table(v, families[f]));
    if (baselines > 0)
        rpt_tables_add(list, baselines_table(v));
    measurement_tables(v, list);
    rpt_tables_add(list, skipped_table(v));
    rpt_tables_add(list, key_values("Device identity", "property", get(v->json, "device")));
    rpt_tables_add(list, key_values("Environment", "variable", get(v->json, "env")));
}
