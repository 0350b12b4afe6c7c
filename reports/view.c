/* Reading a profile into the renderers' typed view (view.h). */
#include "reports/view.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/json_text.h"
#include "roofline/cost.h"

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static double number(const cJSON *obj, const char *key)
{
    const cJSON *item = get(obj, key);
    return cJSON_IsNumber(item) && isfinite(item->valuedouble) ? item->valuedouble : NAN;
}

static void string(const cJSON *obj, const char *key, const char *fallback, char *out, size_t out_len)
{
    const cJSON *item = get(obj, key);
    snprintf(out, out_len, "%s", cJSON_IsString(item) ? item->valuestring : fallback);
}

/* Appends "key=value" for each scalar member of OBJ, separated by spaces; known shape keys are
 * shortened so labels fit on a chart. */
static void members_text(const cJSON *obj, char *out, size_t out_len)
{
    static const char *const short_names[][2] = {
        {"batch", "b"}, {"heads", "h"}, {"kv_heads", "kv"}, {"head_dim", "d"}, {"context", "ctx"}};
    size_t used = 0;
    out[0] = '\0';
    const cJSON *item;
    cJSON_ArrayForEach(item, obj) {
        const char *key = item->string ? item->string : "?";
        for (size_t i = 0; i < sizeof short_names / sizeof short_names[0]; i++)
            if (strcmp(key, short_names[i][0]) == 0)
                key = short_names[i][1];
        char value[96];
        if (cJSON_IsNumber(item))
            snprintf(value, sizeof value, "%.10g", item->valuedouble);
        else if (cJSON_IsString(item))
            snprintf(value, sizeof value, "%s", item->valuestring);
        else if (cJSON_IsBool(item))
            snprintf(value, sizeof value, "%s", cJSON_IsTrue(item) ? "true" : "false");
        else
            continue;
        int n = snprintf(out + used, out_len - used, "%s%s=%s", used ? " " : "", key, value);
        if (n < 0 || (size_t)n >= out_len - used) {
            out[used] = '\0';
            return;
        }
        used += (size_t)n;
    }
}

/* Reads the entries of ARRAY (checked: a string NAME_KEY, a rate or null VALUE_KEY) that were measured. */
static int read_ceilings(const cJSON *array, const char *name_key, const char *value_key, rpt_ceiling **out,
                         int *count)
{
    int n = cJSON_GetArraySize(array);
    *out = calloc(n > 0 ? (size_t)n : 1, sizeof **out);
    *count = 0;
    if (!*out)
        return -1;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, array) {
        const cJSON *name = get(entry, name_key);
        double value = number(entry, value_key);
        if (!cJSON_IsString(name) || !(value > 0.0))
            continue;
        rpt_ceiling *c = &(*out)[(*count)++];
        snprintf(c->name, sizeof c->name, "%s", name->valuestring);
        c->value = value;
    }
    return 0;
}

const rpt_ceiling *rpt_ceiling_find(const rpt_ceiling *list, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(list[i].name, name) == 0)
            return &list[i];
    return NULL;
}

static int read_ridges(const cJSON *array, rpt_profile *v)
{
    const rpt_ceiling *dram = rpt_ceiling_find(v->memory, v->n_memory, "dram");
    if (!dram && v->n_memory > 0)
        dram = &v->memory[0];
    int given = cJSON_GetArraySize(array);
    int cap = given > 0 ? given : v->n_compute;
    v->ridges = calloc(cap > 0 ? (size_t)cap : 1, sizeof *v->ridges);
    if (!v->ridges)
        return -1;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, array) {
        const cJSON *precision = get(entry, "precision");
        double x = number(entry, "flop_per_byte");
        if (!cJSON_IsString(precision) || !(x > 0.0))
            continue;
        rpt_ridge *r = &v->ridges[v->n_ridges++];
        snprintf(r->precision, sizeof r->precision, "%s", precision->valuestring);
        string(entry, "level", "dram", r->level, sizeof r->level);
        r->flop_per_byte = x;
        const rpt_ceiling *c = rpt_ceiling_find(v->compute, v->n_compute, r->precision);
        r->gflops = c ? c->value : NAN;
    }
    if (given == 0 && dram) {
        for (int i = 0; i < v->n_compute; i++) {
            rpt_ridge *r = &v->ridges[v->n_ridges++];
            snprintf(r->precision, sizeof r->precision, "%s", v->compute[i].name);
            snprintf(r->level, sizeof r->level, "%s", dram->name);
            r->gflops = v->compute[i].value;
            r->flop_per_byte = r->gflops / dram->value;
        }
    }
    return 0;
}

/* A count of 1 (no unrolling, no split) says nothing and is left out. */
void rpt_variant_text(const cJSON *variant, char *out, size_t out_len)
{
    static const struct {
        const char *key, *abbrev;
        int skip_one;
    } keys[] = {{"rows_per_item", "r", 0}, {"tile", "t", 0},   {"work_group", "wg", 0}, {"vector_width", "v", 0},
                {"unroll", "u", 1},        {"lanes", "l", 1},  {"split", "s", 1},       {"group", "g", 1}};
    size_t used = 0;
    out[0] = '\0';
    const cJSON *layout = get(variant, "layout");
    if (cJSON_IsString(layout) && strlen(layout->valuestring) <= 16)
        used += (size_t)snprintf(out, out_len, "%s", layout->valuestring);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && used < out_len; i++) {
        double v = number(variant, keys[i].key);
        if (isnan(v) || (keys[i].skip_one && v == 1.0))
            continue;
        used += (size_t)snprintf(out + used, out_len - used, "%s%s%.0f", used ? " " : "", keys[i].abbrev, v);
    }
    if (cJSON_IsTrue(get(variant, "fold_scale")) && used < out_len)
        used += (size_t)snprintf(out + used, out_len - used, "%sfold", used ? " " : "");
    if (used == 0)
        members_text(variant, out, out_len);
}

/* Appends "PREFIX KEY=TEXT\n" for ITEM, cut to fit. */
static void detail(const cJSON *item, const char *prefix, char *out, size_t out_len)
{
    size_t used = strlen(out);
    char text[512];
    rpt_json_text(item, item->string, text, sizeof text);
    if (used + 1 < out_len)
        snprintf(out + used, out_len - used, "%s%s=%s\n", prefix, item->string ? item->string : "?", text);
}

static void details_of(const cJSON *obj, const char *prefix, char *out, size_t out_len)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, obj)
        detail(item, prefix, out, out_len);
}

static void read_kernel(const cJSON *k, int index, rpt_kernel *out)
{
    out->index = index;
    string(k, "family", "?", out->family, sizeof out->family);
    string(k, "baseline", "", out->baseline, sizeof out->baseline);
    string(k, "format", "?", out->format, sizeof out->format);
    const cJSON *shape = get(k, "shape"), *variant = get(k, "variant");
    members_text(shape, out->shape, sizeof out->shape);
    out->batch = number(shape, get(shape, "m") ? "m" : "batch");
    if (out->baseline[0]) {
        const cJSON *routine = get(variant, "routine");
        snprintf(out->variant, sizeof out->variant, "%s%s%s", out->baseline, cJSON_IsString(routine) ? " " : "",
                 cJSON_IsString(routine) ? routine->valuestring : "");
    } else {
        rpt_variant_text(variant, out->variant, sizeof out->variant);
    }
    out->details[0] = '\0';
    details_of(variant, "", out->details, sizeof out->details);
    static const char *const keys[] = {"clock", "reps", "drift", "probe_spread", "max_rel_error"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (get(k, keys[i]))
            detail(get(k, keys[i]), "", out->details, sizeof out->details);
    details_of(get(k, "tuning"), "tuning.", out->details, sizeof out->details);
    const cJSON *t = get(k, "time_s");
    out->time_min = number(t, "min");
    out->time_median = number(t, "median");
    out->time_max = number(t, "max");
    out->gflops = number(k, "gflops");
    out->gbs = number(k, "gbs");
    out->intensity = number(k, "intensity");
    out->roof_gflops = number(k, "roof_gflops");
    out->efficiency = number(k, "efficiency");
    out->probe_gbs = number(k, "probe_gbs");
    out->efficiency_vs_probe = number(k, "efficiency_vs_probe");
    out->max_rel_error = number(k, "max_rel_error");
    const cJSON *bound = get(k, "bound");
    out->bound = !cJSON_IsString(bound)                     ? RPT_BOUND_UNKNOWN
                 : strcmp(bound->valuestring, "compute") == 0 ? RPT_BOUND_COMPUTE
                 : strcmp(bound->valuestring, "memory") == 0  ? RPT_BOUND_MEMORY
                                                              : RPT_BOUND_UNKNOWN;
    out->verified = cJSON_IsTrue(get(k, "verified"));
    out->suspect = cJSON_IsTrue(get(k, "suspect"));
    out->above_roof = cJSON_IsTrue(get(k, "above_roof")) || out->efficiency > RPT_ABOVE_ROOF;
}

int rpt_kernel_placed(const rpt_kernel *k)
{
    /* within the rates a chart can place (a hostile profile's 1e300 would send an axis loop forever) */
    return k->verified && k->intensity >= RL_RATE_MIN && k->intensity <= RL_RATE_MAX && k->gflops >= RL_RATE_MIN &&
           k->gflops <= RL_RATE_MAX;
}

int rpt_kernel_batched(const rpt_kernel *k)
{
    return k->batch > 1.0;
}

void rpt_slugify(const char *text, char *out, size_t out_len)
{
    size_t n = 0;
    int dash = 0;
    for (const char *p = text; *p && n + 1 < out_len; p++) {
        if (isalnum((unsigned char)*p)) {
            if (dash && n > 0 && n + 2 < out_len)
                out[n++] = '-';
            out[n++] = (char)tolower((unsigned char)*p);
            dash = 0;
        } else {
            dash = 1;
        }
    }
    out[n] = '\0';
    if (n == 0)
        snprintf(out, out_len, "device");
}

int rpt_profile_read(const cJSON *json, const char *source, rpt_profile *v, char *err, size_t err_len)
{
    memset(v, 0, sizeof *v);
    v->json = json;
    snprintf(v->source, sizeof v->source, "%s", source ? source : "");
    if (rl_profile_check(json, err, err_len) != 0)
        return -1;
    const cJSON *ceilings = get(json, "ceilings");
    const cJSON *memory = get(ceilings, "memory"), *compute = get(ceilings, "compute");
    const cJSON *device = get(json, "device");
    string(device, "name", "unknown device", v->device, sizeof v->device);
    rpt_slugify(v->device, v->slug, sizeof v->slug);
    if (read_ceilings(memory, "level", "gbs", &v->memory, &v->n_memory) != 0 ||
        read_ceilings(compute, "precision", "gflops", &v->compute, &v->n_compute) != 0)
        goto oom;
    if (v->n_memory + v->n_compute == 0) {
        snprintf(err, err_len, "profile has no positive ceiling (ceilings.memory[].gbs, ceilings.compute[].gflops)");
        rpt_profile_free(v);
        return -1;
    }
    if (read_ridges(get(json, "ridges"), v) != 0)
        goto oom;
    const cJSON *kernels = get(json, "kernels");
    int n = cJSON_GetArraySize(kernels);
    v->kernels = calloc(n > 0 ? (size_t)n : 1, sizeof *v->kernels);
    if (!v->kernels)
        goto oom;
    const cJSON *k;
    int index = 0;
    cJSON_ArrayForEach(k, kernels) {
        if (cJSON_IsObject(k))
            read_kernel(k, index, &v->kernels[v->n_kernels++]);
        index++;
    }
    v->have_measured = rl_measured_read(json, &v->measured, v->measured_why, sizeof v->measured_why) == 0;
    return 0;
oom:
    snprintf(err, err_len, "out of memory reading the profile");
    rpt_profile_free(v);
    return -1;
}

void rpt_profile_free(rpt_profile *v)
{
    free(v->memory);
    free(v->compute);
    free(v->ridges);
    free(v->kernels);
    if (v->have_measured)
        rl_measured_free(&v->measured);
    v->have_measured = 0;
    v->memory = v->compute = NULL;
    v->ridges = NULL;
    v->kernels = NULL;
    v->n_memory = v->n_compute = v->n_ridges = v->n_kernels = 0;
}
