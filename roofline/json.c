/* Bounded JSON reading (json.h). */
#include "roofline/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "roofline/check.h"

/* Nesting depth and value count, taken on the text: cJSON recurses once per level (up to its own
 * limit of 1000) and allocates per value, so both are bounded before it starts. *UNFINISHED says that
 * the text ends inside a string or an open array or object. 0 ok; -1 with the reason. */
static int scan(const char *text, size_t len, const char *name, int *unfinished, char *err, size_t err_len)
{
    int depth = 0, in_string = 0;
    long items = 1;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
            continue;
        }
        if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > RL_JSON_MAX_DEPTH) {
                snprintf(err, err_len, "%s nests deeper than %d levels (at byte %zu)", name, RL_JSON_MAX_DEPTH, i);
                return -1;
            }
            items++;
        } else if (c == ']' || c == '}') {
            depth--;
        } else if (c == ',' && ++items > RL_JSON_MAX_ITEMS) {
            snprintf(err, err_len, "%s holds more than %ld values", name, RL_JSON_MAX_ITEMS);
            return -1;
        }
    }
    *unfinished = in_string || depth > 0;
    return 0;
}

/* Appends "[i]" or ".key" to the path of ITEM's parent in PATH[0..USED). */
static void path_step(char *path, size_t len, size_t used, const cJSON *item, int index)
{
    if (used >= len)
        return;
    char key[RL_PRINTABLE_LEN];
    if (item->string)
        snprintf(path + used, len - used, "%s%s", used ? "." : "", rl_printable(item->string, key));
    else
        snprintf(path + used, len - used, "[%d]", index);
}

/* The first number under ITEM that is not finite (cJSON reads 1e999 as inf), its path in PATH. */
static const cJSON *non_finite(const cJSON *item, char *path, size_t len, size_t used)
{
    if (cJSON_IsNumber(item))
        return isfinite(item->valuedouble) ? NULL : item;
    int i = 0;
    const cJSON *child;
    cJSON_ArrayForEach(child, item) {
        path_step(path, len, used, child, i++);
        const cJSON *bad = non_finite(child, path, len, strlen(path));
        if (bad)
            return bad;
        path[used] = '\0';
    }
    return NULL;
}

cJSON *rl_json_parse(const char *text, size_t len, const char *name, char *err, size_t err_len)
{
    if (len > (size_t)RL_JSON_MAX_BYTES) {
        snprintf(err, err_len, "%s is larger than %ld MiB", name, RL_JSON_MAX_BYTES >> 20);
        return NULL;
    }
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        snprintf(err, err_len, "%s is not JSON text (a NUL byte at byte %zu)", name, (size_t)(nul - text));
        return NULL;
    }
    int unfinished;
    if (scan(text, len, name, &unfinished, err, err_len) != 0)
        return NULL;
    const char *end = NULL;
    /* LEN + 1 takes in the terminating NUL, which cJSON needs to refuse trailing text. */
    cJSON *json = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (!json) {
        size_t at = end && end >= text ? (size_t)(end - text) : 0;
        if (unfinished || at >= len)
            snprintf(err, err_len, "%s is not valid JSON (it ends early: truncated?)", name);
        else
            snprintf(err, err_len, "%s is not valid JSON (near byte %zu)", name, at);
        return NULL;
    }
    char path[256] = "";
    if (non_finite(json, path, sizeof path, 0)) {
        snprintf(err, err_len, "%s: %s is out of range (a number beyond a double)", name, path[0] ? path : "the value");
        cJSON_Delete(json);
        return NULL;
    }
    return json;
}

cJSON *rl_json_load(const char *path, char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_len, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    char *text = NULL;
    cJSON *json = NULL;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, err_len, "%s is not a regular file", path);
        goto cleanup;
    }
    if (st.st_size > RL_JSON_MAX_BYTES) {
        snprintf(err, err_len, "%s is larger than %ld MiB", path, RL_JSON_MAX_BYTES >> 20);
        goto cleanup;
    }
    size_t size = (size_t)st.st_size;
    text = malloc(size + 1);
    if (!text) {
        snprintf(err, err_len, "cannot read %s: out of memory", path);
        goto cleanup;
    }
    /* One byte more than the size says, so a file that grew since fstat is noticed. */
    size_t got = fread(text, 1, size + 1, f);
    if (ferror(f) || got != size) {
        snprintf(err, err_len, "cannot read %s%s", path, ferror(f) ? "" : ": it changed while being read");
        goto cleanup;
    }
    text[size] = '\0';
    json = rl_json_parse(text, size, path, err, err_len);
cleanup:
    free(text);
    fclose(f);
    return json;
}
