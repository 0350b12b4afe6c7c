/* Comparison tables (compare.h). */
#include "reports/compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/fmt.h"
#include "reports/json_text.h"
#include "reports/predict.h"
#include "reports/sections.h"

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

const rpt_kernel *rpt_find_kernel(const rpt_profile *v, const rpt_kernel *k)
{
    const rpt_kernel *best = NULL;
    for (int i = 0; i < v->n_kernels; i++) {
        const rpt_kernel *c = &v->kernels[i];
        if (c->verified && strcmp(c->family, k->family) == 0 && strcmp(c->format, k->format) == 0 &&
            strcmp(c->shape, k->shape) == 0 && (!best || c->gbs > best->gbs))
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

static void ceiling_rows(rpt_table *t, const rpt_profile *const *v, int n, int memory)
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
            rpt_table_cell(t, "%s", rpt_fmt_num(c ? c->value : NAN, num, sizeof num));
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

/* Kernels of the first device that every other device also ran and verified. */
static void kernel_rows(rpt_table *t, const rpt_profile *const *v, int n)
{
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
        rpt_table_cell(t, "%s: GB/s (efficiency)", name);
        for (int d = 0; d < n; d++) {
            const rpt_kernel *best = rpt_find_kernel(v[d], k);
            rpt_table_cell(t, "%s (%s)", rpt_fmt_num(best->gbs, a, sizeof a),
                           rpt_fmt_percent(best->efficiency, b, sizeof b));
        }
    }
}

static void prediction_rows(rpt_table *t, const rpt_profile *const *v, int n)
{
    for (int i = 0; i < rpt_predict_count(); i++) {
        for (int d = 0; d < n; d++) {
            rpt_prediction p;
            char err[256], num[32];
            int rc = rpt_predict(v[d], i, &p, err, sizeof err);
            if (d == 0)
                rpt_table_cell(t, "%s: predicted tokens/s", p.label);
            rpt_table_cell(t, "%s", rc == 0 ? rpt_fmt_num(p.tokens_per_s, num, sizeof num) : RPT_DASH);
        }
    }
}

void rpt_compare_tables(const rpt_profile *const *v, int n, rpt_tables *list)
{
    rpt_tables_add(list, devices_table(v, n));
    const char **header = calloc((size_t)n + 1, sizeof *header);
    char(*names)[300] = calloc((size_t)n, sizeof *names);
    rpt_table *t = NULL;
    if (header && names) {
        header[0] = "metric";
        for (int d = 0; d < n; d++) {
            snprintf(names[d], sizeof names[d], "%d: %s", d + 1, v[d]->device);
            header[d + 1] = names[d];
        }
        t = rpt_table_new("Side by side", n + 1, header);
    }
    free(header);
    free(names);
    if (t) {
        rpt_table_set_note(t, "Kernels: each shape measured and verified on every device, its best variant. "
                              "Predictions are the roofline speed of light from dram and f32 ceilings.");
        ceiling_rows(t, v, n, 1);
        ceiling_rows(t, v, n, 0);
        kernel_rows(t, v, n);
        prediction_rows(t, v, n);
    }
    rpt_tables_add(list, t);
}
