/* The tables of one device's report (sections.h). */
#include "reports/sections.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/fmt.h"
#include "reports/json_text.h"
#include "reports/predict.h"

/* Long enough for a device's extension list. */
#define CELL_MAX 8192

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

void rpt_kernel_name(const rpt_kernel *k, char *out, size_t out_len)
{
    snprintf(out, out_len, "%s %s %s", k->family, k->format, k->shape);
}

/* A table titled TITLE with a NOTE under it; NULL when out of memory. */
static rpt_table *noted_table(const char *title, int n_cols, const char *const *header, const char *note)
{
    rpt_table *t = rpt_table_new(title, n_cols, header);
    if (t)
        rpt_table_set_note(t, note);
    return t;
}

/* A two-column table of the flat members of OBJ (nested ones flattened as "a.b" once). */
static rpt_table *key_values(const char *title, const char *key_header, const cJSON *obj)
{
    rpt_table *t = rpt_table_new(title, 2, (const char *const[]){key_header, "value"});
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

static rpt_table *run_table(const rpt_profile *v)
{
    rpt_table *t = rpt_table_new("Run", 2, (const char *const[]){"item", "value"});
    if (!t)
        return NULL;
    const cJSON *tool = get(v->json, "tool");
    const char *keys[][2] = {{"date", "date"}, {"host", "host"}};
    char text[512];
    rpt_table_cell(t, "profile");
    rpt_table_cell(t, "%s", v->source);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        rpt_table_cell(t, "%s", keys[i][1]);
        rpt_table_cell(t, "%s", rpt_json_text(get(v->json, keys[i][0]), NULL, text, sizeof text));
    }
    rpt_table_cell(t, "tool version");
    rpt_table_cell(t, "%s", rpt_json_text(get(tool, "version"), NULL, text, sizeof text));
    rpt_table_cell(t, "tool git commit");
    rpt_table_cell(t, "%s", rpt_json_text(get(tool, "git"), NULL, text, sizeof text));
    return t;
}

static rpt_table *ceilings_table(const rpt_profile *v)
{
    rpt_table *t = noted_table("Ceilings", 3, (const char *const[]){"ceiling", "value", "unit"},
                               "Measured peaks (median of the samples): bandwidth per memory level, "
                               "throughput per precision.");
    if (!t)
        return NULL;
    char num[32];
    for (int i = 0; i < v->n_memory; i++) {
        rpt_table_cell(t, "memory %s", v->memory[i].name);
        rpt_table_cell(t, "%s", rpt_fmt_num(v->memory[i].value, num, sizeof num));
        rpt_table_cell(t, "GB/s");
    }
    for (int i = 0; i < v->n_compute; i++) {
        rpt_table_cell(t, "compute %s", v->compute[i].name);
        rpt_table_cell(t, "%s", rpt_fmt_num(v->compute[i].value, num, sizeof num));
        rpt_table_cell(t, "%s", rpt_compute_unit(v->compute[i].name));
    }
    return t;
}

static rpt_table *ridges_table(const rpt_profile *v)
{
    rpt_table *t = noted_table("Ridge points", 4,
                               (const char *const[]){"precision", "memory level", "FLOP/byte", "GFLOP/s"},
                               "Kernels with a higher arithmetic intensity than the ridge are compute-bound.");
    if (!t)
        return NULL;
    char a[32], b[32];
    for (int i = 0; i < v->n_ridges; i++) {
        const rpt_ridge *r = &v->ridges[i];
        rpt_table_cell(t, "%s", r->precision);
        rpt_table_cell(t, "%s", r->level);
        rpt_table_cell(t, "%s", rpt_fmt_num(r->flop_per_byte, a, sizeof a));
        rpt_table_cell(t, "%s", rpt_fmt_num(r->gflops, b, sizeof b));
    }
    return t;
}

static const char *bound_name(rpt_bound b)
{
    return b == RPT_BOUND_MEMORY ? "memory" : b == RPT_BOUND_COMPUTE ? "compute" : RPT_DASH;
}

static rpt_table *kernels_table(const rpt_profile *v)
{
    rpt_table *t = noted_table("Kernels", 15,
                               (const char *const[]){"#", "family", "format", "shape", "variant", "median time",
                                                     "GFLOP/s", "GB/s", "FLOP/byte", "roof GFLOP/s", "efficiency",
                                                     "probe GB/s", "vs probe", "bound", "verified (max rel. error)"},
                               "Efficiency = attained GFLOP/s / roof at the kernel's intensity; \"vs probe\" "
                               "compares its GB/s with a streaming-read probe interleaved with its samples. "
                               "Only verified kernels are placed on the chart.");
    if (!t)
        return NULL;
    char c[8][32];
    for (int i = 0; i < v->n_kernels; i++) {
        const rpt_kernel *k = &v->kernels[i];
        rpt_table_cell(t, "%d", i + 1);
        rpt_table_cell(t, "%s", k->family);
        rpt_table_cell(t, "%s", k->format);
        rpt_table_cell(t, "%s", k->shape);
        rpt_table_cell(t, "%s", k->variant[0] ? k->variant : RPT_DASH);
        rpt_table_cell(t, "%s", rpt_fmt_time(k->time_median, c[0], sizeof c[0]));
        rpt_table_cell(t, "%s", rpt_fmt_num(k->gflops, c[1], sizeof c[1]));
        rpt_table_cell(t, "%s", rpt_fmt_num(k->gbs, c[2], sizeof c[2]));
        rpt_table_cell(t, "%s", rpt_fmt_num(k->intensity, c[3], sizeof c[3]));
        rpt_table_cell(t, "%s", rpt_fmt_num(k->roof_gflops, c[4], sizeof c[4]));
        rpt_table_cell(t, "%s", rpt_fmt_percent(k->efficiency, c[5], sizeof c[5]));
        rpt_table_cell(t, "%s", rpt_fmt_num(k->probe_gbs, c[6], sizeof c[6]));
        rpt_table_cell(t, "%s", rpt_fmt_percent(k->efficiency_vs_probe, c[7], sizeof c[7]));
        rpt_table_cell(t, "%s", bound_name(k->bound));
        if (isfinite(k->max_rel_error))
            rpt_table_cell(t, "%s (%.2e)", k->verified ? "yes" : "NO", k->max_rel_error);
        else
            rpt_table_cell(t, "%s", k->verified ? "yes" : "NO");
    }
    return t;
}

static rpt_table *prediction_table(const rpt_profile *v)
{
    rpt_table *t = noted_table("Predicted decode (roofline speed of light)", 4,
                               (const char *const[]){"model", "tokens/s", "ms/token", "bound"},
                               "From the dram bandwidth and f32 compute ceilings (roofline/model.h): every weight "
                               "and the KV cache read once per token. Real kernels reach a fraction of this.");
    if (!t)
        return NULL;
    for (int i = 0; i < rpt_predict_count(); i++) {
        rpt_prediction p;
        char err[256], a[32], b[32];
        int rc = rpt_predict(v, i, &p, err, sizeof err);
        rpt_table_cell(t, "%s", p.label);
        if (rc != 0) {
            rpt_table_cell(t, "%s", RPT_DASH);
            rpt_table_cell(t, "%s", RPT_DASH);
            rpt_table_cell(t, "not predicted: %s", err);
            continue;
        }
        rpt_table_cell(t, "%s", rpt_fmt_num(p.tokens_per_s, a, sizeof a));
        rpt_table_cell(t, "%s", rpt_fmt_num(p.ms_per_token, b, sizeof b));
        rpt_table_cell(t, "%s", p.compute_bound ? "compute" : "memory");
    }
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

/* An array of objects as a table: one column per key seen (first appearance order, at most
 * MAX_COLS), a nested statistics object shown by its median. */
#define MAX_COLS 12
static rpt_table *array_table(const char *title, const cJSON *array)
{
    const char *cols[MAX_COLS];
    int n = 0;
    const cJSON *row, *item;
    cJSON_ArrayForEach(row, array) {
        cJSON_ArrayForEach(item, row) {
            if (!item->string) /* a row that is an array, not an object */
                continue;
            int seen = 0;
            for (int i = 0; i < n && !seen; i++)
                seen = strcmp(cols[i], item->string) == 0;
            if (!seen && n < MAX_COLS)
                cols[n++] = item->string;
        }
    }
    if (n == 0)
        return rpt_table_new(title, 1, (const char *const[]){"value"});
    /* A statistics object ({min, median, max, ...}) is shown by its median: say so in the header. */
    char names[MAX_COLS][96];
    const char *header[MAX_COLS];
    for (int i = 0; i < n; i++) {
        const cJSON *sample = get(array->child, cols[i]);
        snprintf(names[i], sizeof names[i], cJSON_IsObject(sample) && get(sample, "median") ? "%s (median)" : "%s",
                 cols[i]);
        header[i] = names[i];
    }
    rpt_table *t = rpt_table_new(title, n, header);
    if (!t)
        return NULL;
    char text[1024];
    cJSON_ArrayForEach(row, array) {
        for (int i = 0; i < n; i++) {
            const cJSON *cell = get(row, cols[i]);
            const cJSON *median = cJSON_IsObject(cell) ? get(cell, "median") : NULL;
            rpt_table_cell(t, "%s", rpt_json_text(median ? median : cell, cols[i], text, sizeof text));
        }
    }
    return t;
}

static void measurement_tables(const rpt_profile *v, rpt_tables *list)
{
    const cJSON *m = get(v->json, "measurements");
    const cJSON *item;
    char title[256];
    cJSON_ArrayForEach(item, m) {
        snprintf(title, sizeof title, "Measurement: %s", item->string ? item->string : "?");
        const cJSON *first = cJSON_IsArray(item) ? item->child : NULL;
        if (first && cJSON_IsObject(first))
            rpt_tables_add(list, array_table(title, item));
        else if (cJSON_IsObject(item))
            rpt_tables_add(list, key_values(title, "key", item));
    }
}

void rpt_device_tables(const rpt_profile *v, rpt_tables *list)
{
    rpt_tables_add(list, run_table(v));
    rpt_tables_add(list, key_values("Device", "property", get(v->json, "device")));
    rpt_tables_add(list, ceilings_table(v));
    rpt_tables_add(list, ridges_table(v));
    rpt_tables_add(list, kernels_table(v));
    rpt_tables_add(list, prediction_table(v));
    rpt_tables_add(list, skipped_table(v));
    measurement_tables(v, list);
    rpt_tables_add(list, key_values("Environment", "variable", get(v->json, "env")));
}
