/* DEVICE options shared by `oclab cost` and `oclab model` (roof_opts.h). */
#include "host/cli/roof_opts.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "host/cl/log.h"
#include "host/cli/cli.h"
#include "roofline/profile.h"
#include "roofline/spec.h"

void oclab_roof_opts_init(oclab_roof_opts *opts)
{
    memset(opts, 0, sizeof *opts);
}

/* Parses a positive double flag; 1 consumed, 0 not this flag, -1 bad. */
static int number_opt(int argc, char **argv, int *i, const char *flag, double *out)
{
    const char *v = NULL;
    int r = oclab_flag_value(argc, argv, i, flag, &v);
    if (r <= 0) {
        return r;
    }
    if (oclab_parse_double(flag, v, RL_RATE_MIN, RL_RATE_MAX, out) != 0) {
        return -1;
    }
    return 1;
}

int oclab_roof_opt(oclab_roof_opts *opts, int argc, char **argv, int *i)
{
    int r;
    if ((r = number_opt(argc, argv, i, "--peak-gflops", &opts->peak_gflops)) != 0 ||
        (r = number_opt(argc, argv, i, "--bandwidth-gbs", &opts->bandwidth_gbs)) != 0 ||
        (r = number_opt(argc, argv, i, "--memory-gb", &opts->memory_gb)) != 0) {
        return r;
    }
    if ((r = oclab_flag_value(argc, argv, i, "--spec", &opts->spec)) != 0) {
        return r;
    }
    return oclab_flag_value(argc, argv, i, "--profile", &opts->profile);
}

/* Where a roof can be read from: a measured profile or a spec sheet, each a JSON document. */
typedef struct {
    const char *flag;
    cJSON *(*load)(const char *arg, char *err, size_t err_len);
    int (*roof)(const cJSON *doc, const char *precision, rl_roof *roof, char *err, size_t err_len);
    int (*memory_bytes)(const cJSON *doc, double *bytes);
    const char *name_parent; /* the member holding "name", or NULL for the top level */
} roof_source;

static const roof_source profile_source = {"--profile", rl_profile_load, rl_profile_roof, rl_profile_memory_bytes,
                                           "device"};
static const roof_source spec_source = {"--spec", rl_spec_load, rl_spec_sheet_roof, rl_spec_memory_bytes, NULL};

/* The device name falls back to ARG (the path or spec name) when the document has none. */
static int resolve_source(const roof_source *src, const char *arg, const char *precision, oclab_roof_device *dev)
{
    char err[512];
    cJSON *doc = src->load(arg, err, sizeof err);
    if (doc == NULL) {
        oclab_error("%s: %s", src->flag, err);
        return -1;
    }
    int rc = src->roof(doc, precision, &dev->roof, err, sizeof err);
    if (rc != 0) {
        oclab_error("%s %s: %s", src->flag, arg, err);
    } else {
        if (src->memory_bytes(doc, &dev->memory_bytes) != 0) {
            dev->memory_bytes = 0.0;
        }
        const cJSON *holder = src->name_parent ? cJSON_GetObjectItemCaseSensitive(doc, src->name_parent) : doc;
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(holder, "name");
        snprintf(dev->name, sizeof dev->name, "%s", cJSON_IsString(name) ? name->valuestring : arg);
    }
    cJSON_Delete(doc);
    return rc;
}

int oclab_roof_resolve(const oclab_roof_opts *opts, const char *precision, oclab_roof_device *dev)
{
    int manual = opts->peak_gflops > 0.0 || opts->bandwidth_gbs > 0.0;
    int sources = manual + (opts->spec != NULL) + (opts->profile != NULL);
    memset(dev, 0, sizeof *dev);
    if (sources != 1) {
        oclab_error("give exactly one device: --peak-gflops G --bandwidth-gbs W, --spec NAME or --profile FILE");
        return -1;
    }
    if (opts->memory_gb > 0.0 && !manual) {
        oclab_error("--memory-gb goes with --peak-gflops/--bandwidth-gbs (spec sheets and profiles carry it)");
        return -1;
    }
    if (opts->profile != NULL) {
        return resolve_source(&profile_source, opts->profile, precision, dev);
    }
    if (opts->spec != NULL) {
        return resolve_source(&spec_source, opts->spec, precision, dev);
    }
    if (!(opts->peak_gflops > 0.0) || !(opts->bandwidth_gbs > 0.0)) {
        oclab_error("--peak-gflops and --bandwidth-gbs go together");
        return -1;
    }
    dev->roof.gflops = opts->peak_gflops;
    dev->roof.gbs = opts->bandwidth_gbs;
    dev->memory_bytes = opts->memory_gb * 1e9;
    snprintf(dev->name, sizeof dev->name, "given");
    return 0;
}

int oclab_parse_format(const char *flag, const char *text, const char *role, rl_format *out)
{
    rl_format f;
    int ok = rl_format_parse(text, &f) == 0;
    if (ok && strcmp(role, "kv") == 0) {
        ok = rl_elem_bytes(f) > 0 || f == RL_FMT_Q8_0;
    } else if (ok && strcmp(role, "elem") == 0) {
        ok = rl_elem_bytes(f) > 0;
    }
    if (!ok) {
        const char *choices = strcmp(role, "kv") == 0     ? "f32, f16, bf16, q8_0"
                              : strcmp(role, "elem") == 0 ? "f32, f16, bf16"
                                                          : "f32, f16, bf16, q8_0, q4_0, i8_pc";
        oclab_error("%s: unknown format '%s' (one of %s)", flag, text, choices);
        return -1;
    }
    *out = f;
    return 0;
}

int oclab_print_json(cJSON *json)
{
    char *text = json != NULL ? cJSON_Print(json) : NULL;
    cJSON_Delete(json);
    if (text == NULL) {
        oclab_error("out of host memory printing JSON");
        return -1;
    }
    printf("%s\n", text);
    cJSON_free(text);
    return 0;
}
