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

typedef int (*entry_check)(const cJSON *entry, const char *at, const void *arg, char *err, size_t err_len);

/* The array KEY of PARENT (PARENT_PATH its path): absent unless REQUIRED, at most MAX entries, each
 * passing CHECK with ARG. */
static int list(const cJSON *parent, const char *parent_path, const char *key, int required, int max,
                entry_check check, const void *arg, char *err, size_t err_len)
{
    char path[128], at[160];
    const cJSON *array = rl_check_member(parent, parent_path, key, path, sizeof path);
    if (rl_check_array(array, path, required, max, err, err_len) != 0)
        return -1;
    int i = 0;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, array) {
        snprintf(at, sizeof at, "%s[%d]", path, i++);
        if (check(entry, at, arg, err, err_len) != 0)
            return -1;
    }
    return 0;
}

static int a_string(const cJSON *entry, const char *at, const void *arg, char *err, size_t err_len)
{
    (void)arg;
    return rl_check_string(entry, at, 1, err, err_len);
}

/* A ceiling or ridge: an object with a string name and a rate (or null) under the keys ARG names. */
typedef struct {
    const char *name, *value;
} ceiling_keys;

static int a_ceiling(const cJSON *entry, const char *at, const void *arg, char *err, size_t err_len)
{
    const ceiling_keys *keys = arg;
    char member[256];
    if (rl_check_object(entry, at, 1, err, err_len) != 0 ||
        rl_check_string(rl_check_member(entry, at, keys->name, member, sizeof member), member, 1, err, err_len) != 0)
        return -1;
    const cJSON *value = rl_check_member(entry, at, keys->value, member, sizeof member);
    return rl_check_number(value, member, 1, 1, RL_RATE_MIN, RL_RATE_MAX, err, err_len);
}

static int a_kernel(const cJSON *k, const char *at, const void *arg, char *err, size_t err_len)
{
    (void)arg;
    char path[256], t[200];
    if (rl_check_object(k, at, 1, err, err_len) != 0 ||
        strings(k, at, kernel_strings, COUNT(kernel_strings), err, err_len) != 0 ||
        numbers(k, at, kernel_numbers, COUNT(kernel_numbers), err, err_len) != 0 ||
        rl_check_bool(rl_check_member(k, at, "verified", path, sizeof path), path, err, err_len) != 0)
        return -1;
    for (size_t j = 0; j < COUNT(kernel_objects); j++)
        if (rl_check_object(rl_check_member(k, at, kernel_objects[j], path, sizeof path), path, 0, err, err_len) != 0)
            return -1;
    snprintf(t, sizeof t, "%s.time_s", at);
    return numbers(cJSON_GetObjectItemCaseSensitive(k, "time_s"), t, times, COUNT(times), err, err_len);
}

/* An entry of skipped[] or warnings[]: an object whose members ARG names are strings. */
typedef struct {
    const char *const *members;
    size_t n;
} note_members;

static int a_note(const cJSON *entry, const char *at, const void *arg, char *err, size_t err_len)
{
    const note_members *m = arg;
    return rl_check_object(entry, at, 1, err, err_len) != 0 || strings(entry, at, m->members, m->n, err, err_len) != 0
               ? -1
               : 0;
}

static int device(const cJSON *p, char *err, size_t err_len)
{
    char path[64];
    const cJSON *d = rl_check_member(p, "", "device", path, sizeof path);
    if (rl_check_object(d, path, 0, err, err_len) != 0 ||
        strings(d, "device", device_strings, COUNT(device_strings), err, err_len) != 0 ||
        numbers(d, "device", device_numbers, COUNT(device_numbers), err, err_len) != 0)
        return -1;
    return list(d, "device", "extensions", 0, MAX_LIST, a_string, NULL, err, err_len);
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
    static const ceiling_keys memory = {"level", "gbs"}, compute = {"precision", "gflops"},
                              ridge = {"precision", "flop_per_byte"};
    static const note_members skipped = {skip, COUNT(skip)}, warnings = {warn, COUNT(warn)};
    if (strings(p, "", top, COUNT(top), err, err_len) != 0 ||
        strings(cJSON_GetObjectItemCaseSensitive(p, "tool"), "tool", tool, COUNT(tool), err, err_len) != 0 ||
        device(p, err, err_len) != 0 ||
        list(c, "ceilings", "memory", 1, RL_PROFILE_MAX_CEILINGS, a_ceiling, &memory, err, err_len) != 0 ||
        list(c, "ceilings", "compute", 1, RL_PROFILE_MAX_CEILINGS, a_ceiling, &compute, err, err_len) != 0 ||
        list(p, "", "ridges", 0, RL_PROFILE_MAX_CEILINGS, a_ceiling, &ridge, err, err_len) != 0 ||
        list(p, "", "kernels", 0, RL_PROFILE_MAX_KERNELS, a_kernel, NULL, err, err_len) != 0 ||
        list(p, "", "skipped", 0, MAX_LIST, a_note, &skipped, err, err_len) != 0 ||
        list(p, "", "warnings", 0, MAX_LIST, a_note, &warnings, err, err_len) != 0)
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
