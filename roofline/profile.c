/* Reading roofs from profiles and spec sheets (profile.h, spec.h). */
#include "roofline/profile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roofline/check.h"
#include "roofline/spec.h"

/* CMake sets the source tree, where devices/specs and roofline/models live; "." keeps a bare build
 * working from the source root. */
#ifndef OCLAB_SOURCE_DIR
#define OCLAB_SOURCE_DIR "."
#endif

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
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, RL_PROFILE_SCHEMA) != 0) {
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

int rl_spec_check(const cJSON *spec, char *err, size_t err_len)
{
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(spec, "schema");
    if (!cJSON_IsObject(spec) || !cJSON_IsString(schema) || strcmp(schema->valuestring, RL_SPEC_SCHEMA) != 0) {
        snprintf(err, err_len, "not a spec sheet (schema must be \"%s\")", RL_SPEC_SCHEMA);
        return -1;
    }
    static const char *const names[] = {"name", "vendor", "type", "notes"};
    char path[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (rl_check_string(rl_check_member(spec, "", names[i], path, sizeof path), path, 0, err, err_len) != 0)
            return -1;
    const cJSON *compute = rl_check_member(spec, "", "compute", path, sizeof path);
    const cJSON *fallback = rl_check_member(spec, "", "fallback", path, sizeof path);
    if (rl_check_number(rl_check_member(spec, "", "bandwidth_gbs", path, sizeof path), path, 1, 0, RL_RATE_MIN,
                        RL_RATE_MAX, err, err_len) != 0 ||
        rl_check_number(rl_check_member(spec, "", "memory_bytes", path, sizeof path), path, 0, 0, 1.0, RL_RATE_MAX,
                        err, err_len) != 0 ||
        rl_check_object(compute, "compute", 1, err, err_len) != 0 ||
        rl_check_object(fallback, "fallback", 0, err, err_len) != 0 ||
        rl_check_array(rl_check_member(spec, "", "sources", path, sizeof path), path, 0, RL_PROFILE_MAX_CEILINGS,
                       err, err_len) != 0)
        return -1;
    const cJSON *item;
    char key[RL_PRINTABLE_LEN], value[RL_PRINTABLE_LEN];
    cJSON_ArrayForEach(item, compute) {
        snprintf(path, sizeof path, "compute.%s", rl_printable(item->string, key));
        if (rl_check_number(item, path, 1, 0, RL_RATE_MIN, RL_RATE_MAX, err, err_len) != 0)
            return -1;
    }
    /* A fallback is followed once: it must name a precision the sheet gives. */
    cJSON_ArrayForEach(item, fallback) {
        snprintf(path, sizeof path, "fallback.%s", rl_printable(item->string, key));
        if (rl_check_string(item, path, 1, err, err_len) != 0)
            return -1;
        if (!cJSON_GetObjectItemCaseSensitive(compute, item->valuestring)) {
            snprintf(err, err_len, "%s names \"%s\", which compute does not give", path,
                     rl_printable(item->valuestring, value));
            return -1;
        }
    }
    return 0;
}

cJSON *rl_spec_load(const char *name, char *err, size_t err_len)
{
    char path[4096], why[512];
    if (rl_data_path(name, "OCLAB_SPECS_DIR", "devices/specs", path, sizeof path, err, err_len) != 0) {
        return NULL;
    }
    cJSON *spec = rl_json_load(path, err, err_len);
    if (spec != NULL && rl_spec_check(spec, why, sizeof why) != 0) {
        snprintf(err, err_len, "%s: %s", path, why);
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
