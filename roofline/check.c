/* Typed members of untrusted JSON (check.h). */
#include "roofline/check.h"

#include <stdio.h>

const char *rl_printable(const char *text, char *out)
{
    size_t n = 0;
    for (; text[n] && n < RL_PRINTABLE_LEN - 4; n++)
        out[n] = (unsigned char)text[n] < 0x20 || text[n] == 0x7f ? '?' : text[n];
    snprintf(out + n, RL_PRINTABLE_LEN - n, "%s", text[n] ? "..." : "");
    return out;
}

const cJSON *rl_check_member(const cJSON *object, const char *parent, const char *key, char *path, size_t path_len)
{
    snprintf(path, path_len, "%s%s%s", parent, parent[0] ? "." : "", key);
    return cJSON_IsObject(object) ? cJSON_GetObjectItemCaseSensitive(object, key) : NULL;
}

/* Absent: -1 with "PATH is missing" when REQUIRED, else 1 (nothing more to check). */
static int absent(const cJSON *item, const char *path, int required, char *err, size_t err_len)
{
    if (item)
        return 0;
    if (!required)
        return 1;
    snprintf(err, err_len, "%s is missing", path);
    return -1;
}

static int wrong(const char *path, const char *what, char *err, size_t err_len)
{
    snprintf(err, err_len, "%s must be %s", path, what);
    return -1;
}

int rl_check_object(const cJSON *item, const char *path, int required, char *err, size_t err_len)
{
    int a = absent(item, path, required, err, err_len);
    if (a != 0)
        return a < 0 ? -1 : 0;
    return cJSON_IsObject(item) ? 0 : wrong(path, "an object", err, err_len);
}

int rl_check_array(const cJSON *item, const char *path, int required, int max, char *err, size_t err_len)
{
    int a = absent(item, path, required, err, err_len);
    if (a != 0)
        return a < 0 ? -1 : 0;
    if (!cJSON_IsArray(item))
        return wrong(path, "an array", err, err_len);
    int n = cJSON_GetArraySize(item);
    if (n > max) {
        snprintf(err, err_len, "%s has %d entries, more than %d", path, n, max);
        return -1;
    }
    return 0;
}

int rl_check_string(const cJSON *item, const char *path, int required, char *err, size_t err_len)
{
    int a = absent(item, path, required, err, err_len);
    if (a != 0)
        return a < 0 ? -1 : 0;
    return cJSON_IsString(item) ? 0 : wrong(path, "a string", err, err_len);
}

int rl_check_bool(const cJSON *item, const char *path, char *err, size_t err_len)
{
    if (!item || cJSON_IsBool(item))
        return 0;
    return wrong(path, "true or false", err, err_len);
}

int rl_check_number(const cJSON *item, const char *path, int required, int null_ok, double lo, double hi,
                    char *err, size_t err_len)
{
    int a = absent(item, path, required, err, err_len);
    if (a != 0)
        return a < 0 ? -1 : 0;
    if (null_ok && cJSON_IsNull(item))
        return 0;
    /* !(lo <= v && v <= hi) also refuses NaN and inf, which a cJSON built in memory may hold. */
    if (!cJSON_IsNumber(item) || !(item->valuedouble >= lo && item->valuedouble <= hi)) {
        char what[96];
        snprintf(what, sizeof what, "a number from %g to %g%s", lo, hi, null_ok ? " (or null)" : "");
        return wrong(path, what, err, err_len);
    }
    return 0;
}
