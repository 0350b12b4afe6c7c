/* The head of one device's report (sections.h): what a reader wants in five seconds. */
#include <math.h>
#include <stdio.h>
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

/* "N (#a, #b, ...)": the kernels of V that SELECT picks, by their number in kernels[]. */
static int kernel_list(const rpt_profile *v, int (*select)(const rpt_kernel *), char *out, size_t len)
{
    int n = 0;
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < v->n_kernels; i++) {
        if (!select(&v->kernels[i]))
            continue;
        if (n < 12 && used < len)
            used += (size_t)snprintf(out + used, len - used, "%s#%d", n ? ", " : "", v->kernels[i].index + 1);
        else if (n == 12 && used < len)
            used += (size_t)snprintf(out + used, len - used, ", ...");
        n++;
    }
    return n;
}

static int is_above(const rpt_kernel *k)
{
    return k->verified && k->above_roof;
}

static int is_invalid(const rpt_kernel *k)
{
    return !k->verified;
}

static int is_suspect(const rpt_kernel *k)
{
    return k->verified && k->suspect;
}

static void flag_row(rpt_table *t, const rpt_profile *v, int (*select)(const rpt_kernel *), const char *what,
                     const char *why)
{
    char list[160];
    int n = kernel_list(v, select, list, sizeof list);
    if (n == 0)
        return;
    rpt_table_row_class(t, "flag");
    rpt_table_cell(t, "%d %s", n, what);
    rpt_table_cell(t, "%s: %s", list, why);
}

/* The profile's warnings[], then the flagged kernels; NULL-free but empty when all is well. */
static rpt_table *warnings_table(const rpt_profile *v)
{
    rpt_table *t = rpt_table_new("Warnings", 2, (const char *const[]){"what", "detail"});
    if (!t)
        return NULL;
    char a[512], b[1024];
    const cJSON *w;
    cJSON_ArrayForEach(w, get(v->json, "warnings"))
    {
        rpt_table_row_class(t, "flag");
        rpt_table_cell(t, "%s", rpt_json_text(get(w, "what"), NULL, a, sizeof a));
        rpt_table_cell(t, "%s", rpt_json_text(get(w, "detail"), NULL, b, sizeof b));
    }
    flag_row(t, v, is_above, "kernel(s) above their roof",
             "more than 5% above the roof means a ceiling was under-measured, not a fast kernel");
    flag_row(t, v, is_invalid, "kernel(s) invalid", "failed verification against the host reference; not placed");
    flag_row(t, v, is_suspect, "kernel(s) suspect", "the timing protocol flagged the measurement");
    return t;
}

static const char *text_of(const cJSON *obj, const char *key, char *out, size_t len)
{
    return rpt_json_text(get(obj, key), key, out, len);
}

static rpt_table *device_table(const rpt_profile *v, const cJSON *spec, const char *spec_stem)
{
    rpt_table *t = rpt_table_new("Device", 2, (const char *const[]){"item", "value"});
    if (!t)
        return NULL;
    const cJSON *d = get(v->json, "device"), *tool = get(v->json, "tool");
    char a[256], b[256], c[256], size[32];
    rpt_table_cell(t, "device");
    rpt_table_cell(t, "%s (%s)", v->device, text_of(d, "type", a, sizeof a));
    rpt_table_cell(t, "compute");
    rpt_table_cell(t, "%s compute units at %s MHz", text_of(d, "compute_units", a, sizeof a),
                   text_of(d, "max_clock_mhz", b, sizeof b));
    const cJSON *mem = get(d, "global_mem_bytes"), *llc = get(d, "global_cache_bytes");
    rpt_table_cell(t, "memory, last-level cache");
    rpt_table_cell(t, "%s, %s", rpt_fmt_size(cJSON_IsNumber(mem) ? mem->valuedouble : NAN, a, sizeof a),
                   rpt_fmt_size(cJSON_IsNumber(llc) ? llc->valuedouble : NAN, size, sizeof size));
    rpt_table_cell(t, "platform, driver");
    rpt_table_cell(t, "%s, %s", text_of(d, "platform", a, sizeof a), text_of(d, "driver", b, sizeof b));
    rpt_table_cell(t, "spec sheet");
    if (spec)
        rpt_table_cell(t, "%s (devices/specs/%s.json)", text_of(spec, "name", a, sizeof a), spec_stem);
    else
        rpt_table_cell(t, "none lists this device name in its opencl_names");
    rpt_table_cell(t, "measured");
    rpt_table_cell(t, "%s on %s, oclab %s (%s)", text_of(v->json, "date", a, sizeof a),
                   text_of(v->json, "host", b, sizeof b), text_of(tool, "version", c, sizeof c),
                   text_of(tool, "git", size, sizeof size));
    int verified = 0;
    for (int i = 0; i < v->n_kernels; i++)
        verified += v->kernels[i].verified;
    rpt_table_cell(t, "kernels");
    rpt_table_cell(t, "%d measured, %d verified", v->n_kernels, verified);
    return t;
}

/* The vendor's figure for a ceiling: the spec sheet's bandwidth for dram, its own precision's peak
 * for a compute ceiling (a fallback precision is not the same unit of work); NAN otherwise. */
static double vendor_figure(const cJSON *spec, int memory, const char *name)
{
    const cJSON *x = memory ? (strcmp(name, "dram") == 0 ? get(spec, "bandwidth_gbs") : NULL)
                            : get(get(spec, "compute"), name);
    return cJSON_IsNumber(x) && x->valuedouble > 0.0 ? x->valuedouble : NAN;
}

/* How ceiling C was measured: every member of its profile entry but its name and value ("kernel=add",
 * "bytes_min=...", "tuning.tried=12"), one per line, into OUT; "" when the profile says nothing more. */
static void ceiling_details(const rpt_profile *v, int memory, const rpt_ceiling *c, char *out, size_t len)
{
    const char *name_key = memory ? "level" : "precision", *value_key = memory ? "gbs" : "gflops";
    size_t used = 0;
    out[0] = '\0';
    const cJSON *entry, *item;
    cJSON_ArrayForEach(entry, get(get(v->json, "ceilings"), memory ? "memory" : "compute"))
    {
        const cJSON *name = get(entry, name_key);
        if (!cJSON_IsString(name) || strcmp(name->valuestring, c->name) != 0)
            continue;
        cJSON_ArrayForEach(item, entry)
        {
            if (!item->string || !strcmp(item->string, name_key) || !strcmp(item->string, value_key))
                continue;
            const cJSON *sub = cJSON_IsObject(item) ? item->child : item;
            for (; sub && used + 1 < len; sub = cJSON_IsObject(item) ? sub->next : NULL) {
                char text[256];
                rpt_json_text(sub, sub->string, text, sizeof text);
                int n = snprintf(out + used, len - used, "%s%s%s=%s\n", item->string, sub == item ? "" : ".",
                                 sub == item ? "" : sub->string, text);
                used = n > 0 && (size_t)n < len - used ? used + (size_t)n : len - 1;
            }
        }
        return;
    }
}

static void ceiling_row(rpt_table *t, const rpt_profile *v, const cJSON *spec, int memory, const rpt_ceiling *c)
{
    char a[32], b[32], p[32], r[32], details[1024];
    double vendor = spec ? vendor_figure(spec, memory, c->name) : NAN, ridge = NAN;
    for (int i = 0; !memory && i < v->n_ridges; i++)
        if (strcmp(v->ridges[i].precision, c->name) == 0)
            ridge = v->ridges[i].flop_per_byte;
    rpt_table_cell(t, "%s (%s)", c->name, memory ? "GB/s" : rpt_compute_unit(c->name));
    ceiling_details(v, memory, c, details, sizeof details);
    rpt_table_cell_detail(t, details[0] ? details : NULL, "%s", rpt_fmt_num(c->value, a, sizeof a));
    rpt_table_cell(t, "%s", rpt_fmt_num(vendor, b, sizeof b));
    rpt_table_cell(t, "%s", rpt_fmt_percent(c->value / vendor, p, sizeof p));
    rpt_table_cell(t, "%s", rpt_fmt_num(ridge, r, sizeof r));
}

static rpt_table *ceilings_table(const rpt_profile *v, const cJSON *spec)
{
    rpt_table *t = rpt_table_new("Ceilings", 5,
                                 (const char *const[]){"ceiling", "measured", "vendor", "of vendor", "ridge (FLOP/byte)"});
    if (!t)
        return NULL;
    rpt_table_set_note(t, spec ? "Medians of the samples (in HTML, click one for how it was measured); vendor: the "
                                 "spec sheet's peak; ridge: where the compute ceiling meets the dram one."
                               : "Medians of the samples (in HTML, click one for how it was measured); ridge: where "
                                 "the compute ceiling meets the dram one. No spec sheet names this device, so no "
                                 "vendor figure.");
    for (int i = 0; i < v->n_memory; i++)
        ceiling_row(t, v, spec, 1, &v->memory[i]);
    for (int i = 0; i < v->n_compute; i++)
        ceiling_row(t, v, spec, 0, &v->compute[i]);
    return t;
}

static rpt_table *efficiency_table(const rpt_profile *v)
{
    rpt_table *t = rpt_table_new("Decode efficiency",
                                 5, (const char *const[]){"kernels", "count", "median", "range", "median vs probe"});
    if (!t)
        return NULL;
    rpt_table_set_note(t, "Attained / roof at each kernel's intensity, per family, format and batch; the probe "
                          "column against the bandwidth and FLOP/s the machine gave at that moment. Flagged results "
                          "are left out.");
    rpt_group groups[RPT_MAX_GROUPS];
    int n = rpt_groups(v, groups, RPT_MAX_GROUPS);
    char name[128], a[32], b[32], c[32], d[32];
    for (int g = 0; g < n; g++) {
        rpt_group_name(&groups[g], name, sizeof name);
        rpt_table_cell(t, "%s", name);
        rpt_table_cell(t, "%d", groups[g].n);
        rpt_table_cell(t, "%s", rpt_fmt_percent(groups[g].median, a, sizeof a));
        rpt_table_cell(t, "%s - %s", rpt_fmt_percent(groups[g].min, b, sizeof b),
                       rpt_fmt_percent(groups[g].max, c, sizeof c));
        rpt_table_cell(t, "%s", rpt_fmt_percent(groups[g].median_vs_probe, d, sizeof d));
    }
    return t;
}

/* Adds WHY to the note's list of reasons unless it is there already. */
static void add_reason(char *reasons, size_t len, const char *why)
{
    if (why[0] && !strstr(reasons, why) && strlen(reasons) + strlen(why) + 3 < len) {
        if (reasons[0])
            strcat(reasons, "; ");
        strcat(reasons, why);
    }
}

rpt_table *rpt_prediction_table(const rpt_profile *v)
{
    const char *header[1 + 2 * RPT_PREDICT_CONTEXTS];
    char names[2 * RPT_PREDICT_CONTEXTS][48];
    header[0] = "model, batch 1";
    for (int c = 0; c < RPT_PREDICT_CONTEXTS; c++) {
        snprintf(names[2 * c], sizeof names[0], "ctx %llu: light", (unsigned long long)rpt_predict_context(c));
        snprintf(names[2 * c + 1], sizeof names[0], "ctx %llu: expected", (unsigned long long)rpt_predict_context(c));
        header[1 + 2 * c] = names[2 * c];
        header[2 + 2 * c] = names[2 * c + 1];
    }
    rpt_table *t = rpt_table_new("Predicted decode (tokens/s)", 1 + 2 * RPT_PREDICT_CONTEXTS, header);
    if (!t)
        return NULL;
    char reasons[1024] = "", num[32];
    for (int i = 0; i < rpt_predict_count(); i++) {
        for (int c = 0; c < RPT_PREDICT_CONTEXTS; c++) {
            rpt_prediction p;
            rpt_predict(v, i, c, &p);
            if (c == 0)
                rpt_table_cell(t, "%s", p.label);
            rpt_table_cell(t, "%s", rpt_fmt_num(p.light_tokens_per_s, num, sizeof num));
            rpt_table_cell(t, "%s", rpt_fmt_num(p.expected_tokens_per_s, num, sizeof num));
            if (isnan(p.light_tokens_per_s))
                add_reason(reasons, sizeof reasons, p.light_why);
            if (isnan(p.expected_tokens_per_s))
                add_reason(reasons, sizeof reasons, p.expected_why);
        }
    }
    char note[1536];
    snprintf(note, sizeof note,
             "light: the roofline's speed of light (every weight and the KV cache read once per token at the dram "
             "ceiling, FLOPs at the f32 one). expected: each weight matrix and the attention at the efficiency the "
             "nearest measured kernel of its kind reached (oclab model --profile shows the parts).%s%s",
             reasons[0] ? " Not predicted (-): " : "", reasons);
    rpt_table_set_note(t, note);
    return t;
}

void rpt_head_tables(const rpt_profile *v, rpt_tables *list)
{
    char stem[64] = "";
    cJSON *spec = rl_spec_for_device(v->device, stem, sizeof stem);
    rpt_table *w = warnings_table(v);
    if (w && rpt_table_rows(w) == 0)
        rpt_table_free(w);
    else
        rpt_tables_add(list, w);
    rpt_tables_add(list, device_table(v, spec, stem));
    rpt_tables_add(list, ceilings_table(v, spec));
    rpt_tables_add(list, efficiency_table(v));
    rpt_tables_add(list, rpt_prediction_table(v));
    cJSON_Delete(spec);
}
