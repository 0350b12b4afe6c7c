/* Comparison tables (compare.h). */
#include "reports/compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/fmt.h"
#include "reports/groups.h"
#include "reports/json_text.h"
#include "reports/predict.h"
#include "reports/sections.h"
#include "roofline/spec.h"

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

const rpt_kernel *rpt_find_kernel(const rpt_profile *v, const rpt_kernel *k)
{
    const rpt_kernel *best = NULL;
    for (int i = 0; i < v->n_kernels; i++) {
        const rpt_kernel *c = &v->kernels[i];
        if (c->verified && strcmp(c->family, k->family) == 0 && strcmp(c->baseline, k->baseline) == 0 &&
            strcmp(c->format, k->format) == 0 && strcmp(c->shape, k->shape) == 0 && (!best || c->gbs > best->gbs))
            best = c;
    }
    return best;
}

static rpt_table *devices_table(const rpt_profile *const *v, int n)
{
    rpt_table *t = rpt_table_new("Devices", 6, (const char *const[]){"#", "device", "platform", "type",
                                                                     "compute units", "profile"});
    if (!t)
        return NULL;
    char a[256], b[64], c[64];
    for (int d = 0; d < n; d++) {
        const cJSON *dev = get(v[d]->json, "device");
        rpt_table_cell(t, "%d", d + 1);
        rpt_table_cell(t, "%s", v[d]->device);
        rpt_table_cell(t, "%s", rpt_json_text(get(dev, "platform"), NULL, a, sizeof a));
        rpt_table_cell(t, "%s", rpt_json_text(get(dev, "type"), NULL, b, sizeof b));
        rpt_table_cell(t, "%s", rpt_json_text(get(dev, "compute_units"), NULL, c, sizeof c));
        rpt_table_cell(t, "%s", v[d]->source);
    }
    return t;
}

/* A table with a "metric" column and one column per device, "N: device name". */
static rpt_table *side_by_side(const char *title, const rpt_profile *const *v, int n)
{
    const char **header = calloc((size_t)n + 1, sizeof *header);
    char(*names)[300] = calloc((size_t)n, sizeof *names);
    rpt_table *t = NULL;
    if (header && names) {
        header[0] = "metric";
        for (int d = 0; d < n; d++) {
            snprintf(names[d], sizeof names[d], "%d: %s", d + 1, v[d]->device);
            header[d + 1] = names[d];
        }
        t = rpt_table_new(title, n + 1, header);
    }
    free(header);
    free(names);
    return t;
}

/* Names appearing in any device's list, first appearance order; caller frees the array. */
static int union_names(const rpt_profile *const *v, int n, int memory, const char ***out)
{
    int cap = 0, count = 0;
    for (int d = 0; d < n; d++)
        cap += memory ? v[d]->n_memory : v[d]->n_compute;
    *out = calloc(cap > 0 ? (size_t)cap : 1, sizeof **out);
    if (!*out)
        return -1;
    for (int d = 0; d < n; d++) {
        const rpt_ceiling *list = memory ? v[d]->memory : v[d]->compute;
        int m = memory ? v[d]->n_memory : v[d]->n_compute;
        for (int i = 0; i < m; i++) {
            int seen = 0;
            for (int j = 0; j < count && !seen; j++)
                seen = strcmp((*out)[j], list[i].name) == 0;
            if (!seen)
                (*out)[count++] = list[i].name;
        }
    }
    return count;
}

/* "952 (94.4% of 1008)" where the device's spec sheet has the figure, else "952". */
static void ceiling_cell(rpt_table *t, const rpt_ceiling *c, const cJSON *spec, int memory)
{
    char num[32], vendor_num[32], pct[32];
    const cJSON *x = !spec ? NULL
                     : memory ? (c && strcmp(c->name, "dram") == 0 ? get(spec, "bandwidth_gbs") : NULL)
                              : (c ? get(get(spec, "compute"), c->name) : NULL);
    double vendor = cJSON_IsNumber(x) && x->valuedouble > 0.0 ? x->valuedouble : NAN;
    rpt_fmt_num(c ? c->value : NAN, num, sizeof num);
    if (c && isfinite(vendor))
        rpt_table_cell(t, "%s (%s of %s)", num, rpt_fmt_percent(c->value / vendor, pct, sizeof pct),
                       rpt_fmt_num(vendor, vendor_num, sizeof vendor_num));
    else
        rpt_table_cell(t, "%s", num);
}

static void ceiling_rows(rpt_table *t, const rpt_profile *const *v, cJSON *const *specs, int n, int memory)
{
    const char **names;
    int count = union_names(v, n, memory, &names);
    if (count < 0) {
        t->failed = 1;
        return;
    }
    char num[32];
    for (int i = 0; i < count; i++) {
        if (memory)
            rpt_table_cell(t, "%s bandwidth (GB/s)", names[i]);
        else
            rpt_table_cell(t, "%s peak (%s)", names[i], rpt_compute_unit(names[i]));
        for (int d = 0; d < n; d++) {
            const rpt_ceiling *c = memory ? rpt_ceiling_find(v[d]->memory, v[d]->n_memory, names[i])
                                          : rpt_ceiling_find(v[d]->compute, v[d]->n_compute, names[i]);
            ceiling_cell(t, c, specs[d], memory);
        }
        if (!memory) {
            rpt_table_cell(t, "ridge %s (FLOP/byte)", names[i]);
            for (int d = 0; d < n; d++) {
                double x = NAN;
                for (int r = 0; r < v[d]->n_ridges; r++)
                    if (strcmp(v[d]->ridges[r].precision, names[i]) == 0)
                        x = v[d]->ridges[r].flop_per_byte;
                rpt_table_cell(t, "%s", rpt_fmt_num(x, num, sizeof num));
            }
        }
    }
    free(names);
}

static rpt_table *ceilings_table(const rpt_profile *const *v, int n)
{
    rpt_table *t = side_by_side("Ceilings", v, n);
    cJSON **specs = calloc((size_t)n, sizeof *specs);
    if (t && specs) {
        char stem[64];
        for (int d = 0; d < n; d++)
            specs[d] = rl_spec_for_device(v[d]->device, stem, sizeof stem);
        rpt_table_set_note(t, "Medians of the samples; beside a figure, its share of the vendor's where a spec sheet "
                              "lists the device.");
        ceiling_rows(t, v, specs, n, 1);
        ceiling_rows(t, v, specs, n, 0);
        for (int d = 0; d < n; d++)
            cJSON_Delete(specs[d]);
    } else if (t) {
        t->failed = 1;
    }
    free(specs);
    return t;
}

/* The group of GS[0..N) named NAME, or NULL. */
static const rpt_group *group_named(const rpt_group *gs, int n, const char *name)
{
    char other[128];
    for (int i = 0; i < n; i++) {
        rpt_group_name(&gs[i], other, sizeof other);
        if (strcmp(name, other) == 0)
            return &gs[i];
    }
    return NULL;
}

/* The median efficiency of every group any device has, in the order the devices list them. */
static rpt_table *efficiency_table(const rpt_profile *const *v, int n)
{
    rpt_table *t = side_by_side("Decode efficiency (median per family, format and batch)", v, n);
    rpt_group(*groups)[RPT_MAX_GROUPS] = calloc((size_t)n, sizeof *groups);
    int *counts = calloc((size_t)n, sizeof *counts);
    if (t && (!groups || !counts))
        t->failed = 1;
    for (int d = 0; t && groups && counts && d < n; d++)
        counts[d] = rpt_groups(v[d], groups[d], RPT_MAX_GROUPS);
    char name[128], pct[32];
    for (int d = 0; t && groups && counts && d < n; d++) {
        for (int g = 0; g < counts[d]; g++) {
            rpt_group_name(&groups[d][g], name, sizeof name);
            int shown = 0; /* by an earlier device */
            for (int e = 0; e < d && !shown; e++)
                shown = group_named(groups[e], counts[e], name) != NULL;
            if (shown)
                continue;
            rpt_table_cell(t, "%s", name);
            for (int e = 0; e < n; e++) {
                const rpt_group *x = group_named(groups[e], counts[e], name);
                rpt_table_cell(t, "%s", rpt_fmt_percent(x ? x->median : NAN, pct, sizeof pct));
            }
        }
    }
    free(groups);
    free(counts);
    return t;
}

static rpt_table *prediction_table(const rpt_profile *const *v, int n)
{
    rpt_table *t = side_by_side("Predicted decode, batch 1 (tokens/s: light / expected)", v, n);
    if (!t)
        return NULL;
    rpt_table_set_note(t, "light: the roofline's speed of light from the dram and f32 ceilings; expected: each weight "
                          "matrix and the attention at the efficiency the nearest measured kernel reached; - where "
                          "the profile has no such kernel or the context is beyond the model's window.");
    for (int i = 0; i < rpt_predict_count(); i++) {
        for (int c = 0; c < RPT_PREDICT_CONTEXTS; c++) {
            for (int d = 0; d < n; d++) {
                rpt_prediction p;
                char a[32], b[32];
                rpt_predict(v[d], i, c, &p);
                if (d == 0)
                    rpt_table_cell(t, "%s, context %llu", p.label, (unsigned long long)p.context);
                rpt_table_cell(t, "%s / %s", rpt_fmt_num(p.light_tokens_per_s, a, sizeof a),
                               rpt_fmt_num(p.expected_tokens_per_s, b, sizeof b));
            }
        }
    }
    return t;
}

/* Kernels of the first device that every other device also ran and verified. */
static rpt_table *kernels_table(const rpt_profile *const *v, int n)
{
    rpt_table *t = side_by_side("Kernels on every device (GB/s, efficiency)", v, n);
    if (!t)
        return NULL;
    t->html_only = 1;
    rpt_table_set_note(t, "Each shape measured and verified on every device, its best variant.");
    for (int i = 0; i < v[0]->n_kernels; i++) {
        const rpt_kernel *k = &v[0]->kernels[i];
        if (!k->verified || rpt_find_kernel(v[0], k) != k)
            continue;
        int common = 1;
        for (int d = 1; d < n && common; d++)
            common = rpt_find_kernel(v[d], k) != NULL;
        if (!common)
            continue;
        char name[320], a[32], b[32];
        rpt_kernel_name(k, name, sizeof name);
        rpt_table_cell(t, "%s", name);
        for (int d = 0; d < n; d++) {
            const rpt_kernel *best = rpt_find_kernel(v[d], k);
            rpt_table_cell(t, "%s (%s)", rpt_fmt_num(best->gbs, a, sizeof a),
                           rpt_fmt_percent(best->efficiency, b, sizeof b));
        }
    }
    return t;
}

void rpt_compare_tables(const rpt_profile *const *v, int n, rpt_tables *head, rpt_tables *body)
{
    rpt_tables_add(head, devices_table(v, n));
    rpt_tables_add(head, ceilings_table(v, n));
    rpt_tables_add(head, efficiency_table(v, n));
    rpt_tables_add(head, prediction_table(v, n));
    rpt_tables_add(body, kernels_table(v, n));
}
