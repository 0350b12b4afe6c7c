/* Reading roofs from profiles and spec sheets (profile.h, spec.h). */
#include "roofline/profile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roofline/spec.h"

/* CMake sets the source tree, where devices/specs and roofline/models live; "." keeps a bare build
 * working from the source root. */
#ifndef OCLAB_SOURCE_DIR
#define OCLAB_SOURCE_DIR "."
#endif

/* Profiles and spec sheets are small; anything larger is not one of ours. */
#define RL_JSON_MAX_BYTES (64L * 1024 * 1024)

cJSON *rl_json_load(const char *path, char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, err_len, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0) {
        size = ftell(f);
    }
    if (size < 0 || size > RL_JSON_MAX_BYTES || fseek(f, 0, SEEK_SET) != 0 ||
        (text = malloc((size_t)size + 1)) == NULL || fread(text, 1, (size_t)size, f) != (size_t)size) {
        snprintf(err, err_len, "cannot read %s", path);
        free(text);
        fclose(f);
        return NULL;
    }
    fclose(f);
    text[size] = '\0';
    const char *end = NULL;
    cJSON *json = cJSON_ParseWithOpts(text, &end, 1);
    if (json == NULL) {
        long at = end != NULL ? (long)(end - text) : 0;
        snprintf(err, err_len, "%s is not valid JSON (near byte %ld)", path, at);
    }
    free(text);
    return json;
}

/* A positive finite number under KEY of OBJECT, else -1. */
static int positive_number(const cJSON *object, const char *key, double *out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble) || !(item->valuedouble > 0.0)) {
        return -1;
    }
    *out = item->valuedouble;
    return 0;
}

/* The number under VALUE_KEY of the entry of ARRAY whose NAME_KEY is NAME. */
static int ceiling_of(const cJSON *array, const char *name_key, const char *name, const char *value_key,
                      double *out)
{
    const cJSON *entry;
    cJSON_ArrayForEach(entry, array) {
        const cJSON *label = cJSON_GetObjectItemCaseSensitive(entry, name_key);
        if (cJSON_IsString(label) && strcmp(label->valuestring, name) == 0) {
            return positive_number(entry, value_key, out);
        }
    }
    return -1;
}

int rl_profile_roof(const cJSON *profile, const char *precision, rl_roof *roof, char *err, size_t err_len)
{
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(profile, "schema");
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, "oclab.profile/1") != 0) {
        snprintf(err, err_len, "not an oclab profile (schema must be \"oclab.profile/1\")");
        return -1;
    }
    const cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(profile, "ceilings");
    const cJSON *memory = cJSON_GetObjectItemCaseSensitive(ceilings, "memory");
    const cJSON *compute = cJSON_GetObjectItemCaseSensitive(ceilings, "compute");
    if (!cJSON_IsArray(memory) || !cJSON_IsArray(compute)) {
        snprintf(err, err_len, "profile has no ceilings.memory and ceilings.compute arrays");
        return -1;
    }
    rl_roof r;
    if (ceiling_of(memory, "level", "dram", "gbs", &r.gbs) != 0) {
        snprintf(err, err_len, "profile has no positive dram bandwidth ceiling");
        return -1;
    }
    if (ceiling_of(compute, "precision", precision, "gflops", &r.gflops) != 0) {
        snprintf(err, err_len, "profile has no positive %s compute ceiling", precision);
        return -1;
    }
    *roof = r;
    return 0;
}

int rl_data_path(const char *name, const char *env_var, const char *subdir, char *path, size_t path_len,
                 char *err, size_t err_len)
{
    if (name == NULL || name[0] == '\0') {
        snprintf(err, err_len, "empty name");
        return -1;
    }
    size_t len = strlen(name);
    int n;
    if (strchr(name, '/') != NULL || (len > 5 && strcmp(name + len - 5, ".json") == 0)) {
        n = snprintf(path, path_len, "%s", name);
    } else {
        const char *dir = getenv(env_var);
        if (dir != NULL && dir[0] != '\0') {
            n = snprintf(path, path_len, "%s/%s.json", dir, name);
        } else {
            n = snprintf(path, path_len, "%s/%s/%s.json", OCLAB_SOURCE_DIR, subdir, name);
        }
    }
    if (n < 0 || (size_t)n >= path_len) {
        snprintf(err, err_len, "path for %s is too long", name);
        return -1;
    }
    return 0;
}

cJSON *rl_spec_load(const char *name, char *err, size_t err_len)
{
    char path[4096];
    if (rl_data_path(name, "OCLAB_SPECS_DIR", "devices/specs", path, sizeof path, err, err_len) != 0) {
        return NULL;
    }
    cJSON *spec = rl_json_load(path, err, err_len);
    if (spec == NULL) {
        return NULL;
    }
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(spec, "schema");
    double gbs;
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, "oclab.spec/1") != 0 ||
        positive_number(spec, "bandwidth_gbs", &gbs) != 0 ||
        !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(spec, "compute"))) {
        snprintf(err, err_len, "%s is not a spec sheet (needs schema \"oclab.spec/1\", bandwidth_gbs, compute)",
                 path);
        cJSON_Delete(spec);
        return NULL;
    }
    return spec;
}

int rl_spec_sheet_roof(const cJSON *spec, const char *precision, rl_roof *roof, char *err, size_t err_len)
{
    const cJSON *compute = cJSON_GetObjectItemCaseSensitive(spec, "compute");
    rl_roof r;
    if (positive_number(spec, "bandwidth_gbs", &r.gbs) != 0) {
        snprintf(err, err_len, "spec sheet has no positive bandwidth_gbs");
        return -1;
    }
    if (positive_number(compute, precision, &r.gflops) != 0) {
        const cJSON *fallback = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(spec, "fallback"), precision);
        if (!cJSON_IsString(fallback) || positive_number(compute, fallback->valuestring, &r.gflops) != 0) {
            snprintf(err, err_len, "spec sheet has no %s compute peak", precision);
            return -1;
        }
    }
    *roof = r;
    return 0;
}

int rl_spec_roof(const char *name, const char *precision, rl_roof *roof, char *err, size_t err_len)
{
    cJSON *spec = rl_spec_load(name, err, err_len);
    if (spec == NULL) {
        return -1;
    }
    int rc = rl_spec_sheet_roof(spec, precision, roof, err, err_len);
    cJSON_Delete(spec);
    return rc;
}

int rl_spec_memory_bytes(const cJSON *spec, double *bytes)
{
    return positive_number(spec, "memory_bytes", bytes);
}

int rl_profile_memory_bytes(const cJSON *profile, double *bytes)
{
    return positive_number(cJSON_GetObjectItemCaseSensitive(profile, "device"), "global_mem_bytes", bytes);
}
