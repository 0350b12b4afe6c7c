/* Checking a profile read from a file (profile.h): the keys DESIGN.md "Profiles" promises, with their
 * types and sane ranges. Members outside the contract are left alone. */
#include <stdio.h>
#include <string.h>

#include "roofline/check.h"
#include "roofline/profile.h"

#define MAX_LIST 4096 /* extensions, skipped, warnings */

static const char *const device_strings[] = {"name", "platform", "vendor", "type", "driver", "opencl_c_version"};
static const char *const device_numbers[] = {"compute_units",    "max_clock_mhz",      "global_mem_bytes",
                                             "max_alloc_bytes",  "global_cache_bytes", "local_mem_bytes"};
static const char *const kernel_strings[] = {"family", "format", "baseline", "bound"};
static const char *const kernel_objects[] = {"shape", "variant", "time_s"};
static const char *const kernel_numbers[] = {"gflops",    "gbs",    "intensity",           "roof_gflops",
                                             "efficiency", "probe_gbs", "efficiency_vs_probe", "max_rel_error",
                                             "flops",     "bytes"};
static const char *const times[] = {"min", "median", "max"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Each KEYS[i] of OBJECT (at PARENT) absent or a string. */
static int strings(const cJSON *object, const char *parent, const char *const *keys, size_t n, char *err,
                   size_t err_len)
{
    char path[256];
    for (size_t i = 0; i < n; i++)
        if (rl_check_string(rl_check_member(object, parent, keys[i], path, sizeof path), path, 0, err, err_len) != 0)
            return -1;
    return 0;
}

/* Each KEYS[i] of OBJECT absent, null or a number in [0, RL_RATE_MAX]. */
static int numbers(const cJSON *object, const char *parent, const char *const *keys, size_t n, char *err,
                   size_t err_len)
{
    char path[256];
    for (size_t i = 0; i < n; i++) {
        const cJSON *item = rl_check_member(object, parent, keys[i], path, sizeof path);
        if (rl_check_number(item, path, 0, 1, 0.0, RL_RATE_MAX, err, err_len) != 0)
            return -1;
    }
    return 0;
}

static int device(const cJSON *p, char *err, size_t err_len)
{
    char path[256];
    const cJSON *d = rl_check_member(p, "", "device", path, sizeof path);
    if (rl_check_object(d, path, 0, err, err_len) != 0 ||
        strings(d, "device", device_strings, COUNT(device_strings), err, err_len) != 0 ||
        numbers(d, "device", device_numbers, COUNT(device_numbers), err, err_len) != 0)
        return -1;
    const cJSON *ext = rl_check_member(d, "device", "extensions", path, sizeof path);
    if (rl_check_array(ext, path, 0, MAX_LIST, err, err_len) != 0)
        return -1;
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, ext) {
        snprintf(path, sizeof path, "device.extensions[%d]", i++);
        if (rl_check_string(e, path, 1, err, err_len) != 0)
            return -1;
    }
    return 0;
}

/* An array at PATH of objects, each with a string NAME_KEY and a VALUE_KEY rate (or null). */
static int ceilings(const cJSON *list, const char *path, int required, const char *name_key, const char *value_key,
                    char *err, size_t err_len)
{
    if (rl_check_array(list, path, required, RL_PROFILE_MAX_CEILINGS, err, err_len) != 0)
        return -1;
    int i = 0;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, list) {
        char at[160], member[256];
        snprintf(at, sizeof at, "%s[%d]", path, i++);
        if (rl_check_object(entry, at, 1, err, err_len) != 0 ||
            rl_check_string(rl_check_member(entry, at, name_key, member, sizeof member), member, 1, err, err_len) != 0)
            return -1;
        const cJSON *value = rl_check_member(entry, at, value_key, member, sizeof member);
        if (rl_check_number(value, member, 1, 1, RL_RATE_MIN, RL_RATE_MAX, err, err_len) != 0)
            return -1;
    }
    return 0;
}

static int kernels(const cJSON *p, char *err, size_t err_len)
{
    char path[256];
    const cJSON *list = rl_check_member(p, "", "kernels", path, sizeof path);
    if (rl_check_array(list, path, 0, RL_PROFILE_MAX_KERNELS, err, err_len) != 0)
        return -1;
    int i = 0;
    const cJSON *k;
    cJSON_ArrayForEach(k, list) {
        char at[64];
        snprintf(at, sizeof at, "kernels[%d]", i++);
        if (rl_check_object(k, at, 1, err, err_len) != 0 ||
            strings(k, at, kernel_strings, COUNT(kernel_strings), err, err_len) != 0 ||
            numbers(k, at, kernel_numbers, COUNT(kernel_numbers), err, err_len) != 0 ||
            rl_check_bool(rl_check_member(k, at, "verified", path, sizeof path), path, err, err_len) != 0)
            return -1;
        for (size_t j = 0; j < COUNT(kernel_objects); j++)
            if (rl_check_object(rl_check_member(k, at, kernel_objects[j], path, sizeof path), path, 0, err,
                                err_len) != 0)
                return -1;
        char t[80];
        snprintf(t, sizeof t, "%s.time_s", at);
        if (numbers(cJSON_GetObjectItemCaseSensitive(k, "time_s"), t, times, COUNT(times), err, err_len) != 0)
            return -1;
    }
    return 0;
}

/* skipped[] and warnings[]: objects with string members. */
static int notes(const cJSON *p, const char *key, const char *const *members, size_t n, char *err, size_t err_len)
{
    char path[64];
    const cJSON *list = rl_check_member(p, "", key, path, sizeof path);
    if (rl_check_array(list, path, 0, MAX_LIST, err, err_len) != 0)
        return -1;
    int i = 0;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, list) {
        snprintf(path, sizeof path, "%s[%d]", key, i++);
        if (rl_check_object(entry, path, 1, err, err_len) != 0 || strings(entry, path, members, n, err, err_len) != 0)
            return -1;
    }
    return 0;
}

int rl_profile_check(const cJSON *p, char *err, size_t err_len)
{
    if (!cJSON_IsObject(p)) {
        snprintf(err, err_len, "not an oclab profile (a profile is a JSON object)");
        return -1;
    }
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(p, "schema");
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, RL_PROFILE_SCHEMA) != 0) {
        snprintf(err, err_len, "not an oclab profile (schema must be \"%s\")", RL_PROFILE_SCHEMA);
        return -1;
    }
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(p, "ceilings");
    if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(c, "memory")) ||
        !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(c, "compute"))) {
        snprintf(err, err_len, "profile has no ceilings (needs ceilings.memory and ceilings.compute arrays)");
        return -1;
    }
    static const char *const objects[] = {"tool", "env", "measurements"};
    char path[64];
    for (size_t i = 0; i < COUNT(objects); i++)
        if (rl_check_object(rl_check_member(p, "", objects[i], path, sizeof path), path, 0, err, err_len) != 0)
            return -1;
    static const char *const tool[] = {"name", "version", "git"};
    static const char *const skip[] = {"what", "reason"};
    static const char *const warn[] = {"what", "detail"};
    static const char *const top[] = {"date", "host"};
    if (strings(p, "", top, COUNT(top), err, err_len) != 0 ||
        strings(cJSON_GetObjectItemCaseSensitive(p, "tool"), "tool", tool, COUNT(tool), err, err_len) != 0 ||
        device(p, err, err_len) != 0 ||
        ceilings(cJSON_GetObjectItemCaseSensitive(c, "memory"), "ceilings.memory", 1, "level", "gbs", err,
                 err_len) != 0 ||
        ceilings(cJSON_GetObjectItemCaseSensitive(c, "compute"), "ceilings.compute", 1, "precision", "gflops", err,
                 err_len) != 0 ||
        ceilings(cJSON_GetObjectItemCaseSensitive(p, "ridges"), "ridges", 0, "precision", "flop_per_byte", err,
                 err_len) != 0 ||
        kernels(p, err, err_len) != 0 || notes(p, "skipped", skip, COUNT(skip), err, err_len) != 0 ||
        notes(p, "warnings", warn, COUNT(warn), err, err_len) != 0)
        return -1;
    return 0;
}

cJSON *rl_profile_load(const char *path, char *err, size_t err_len)
{
    cJSON *json = rl_json_load(path, err, err_len);
    char why[512];
    if (json && rl_profile_check(json, why, sizeof why) != 0) {
        snprintf(err, err_len, "%s: %s", path, why);
        cJSON_Delete(json);
        return NULL;
    }
    return json;
}
