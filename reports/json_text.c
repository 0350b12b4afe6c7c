/* Generic JSON values as text (json_text.h). */
#include "reports/json_text.h"

#include <stdio.h>
#include <string.h>

#include "reports/fmt.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Appends TEXT at *used, keeping OUT terminated. */
static void put(char *out, size_t out_len, size_t *used, const char *text)
{
    if (*used + 1 >= out_len)
        return;
    int n = snprintf(out + *used, out_len - *used, "%s", text);
    *used += n > 0 ? (size_t)n : 0;
    if (*used >= out_len)
        *used = out_len - 1;
}

char *rpt_json_text(const cJSON *item, const char *key, char *out, size_t out_len)
{
    out[0] = '\0';
    if (cJSON_IsString(item)) {
        snprintf(out, out_len, "%s", item->valuestring);
    } else if (cJSON_IsNumber(item)) {
        if (key && ends_with(key, "_bytes"))
            rpt_fmt_bytes(item->valuedouble, out, out_len);
        else
            snprintf(out, out_len, "%.10g", item->valuedouble);
    } else if (cJSON_IsBool(item)) {
        snprintf(out, out_len, "%s", cJSON_IsTrue(item) ? "yes" : "no");
    } else if (cJSON_IsArray(item) || cJSON_IsObject(item)) {
        size_t used = 0;
        const cJSON *child;
        cJSON_ArrayForEach(child, item) {
            char part[512];
            rpt_json_text(child, child->string, part, sizeof part);
            put(out, out_len, &used, used ? " " : "");
            if (cJSON_IsObject(item) && child->string) {
                put(out, out_len, &used, child->string);
                put(out, out_len, &used, "=");
            }
            put(out, out_len, &used, part);
        }
    } else {
        snprintf(out, out_len, RPT_DASH);
    }
    return out;
}

int rpt_json_is_flat(const cJSON *item)
{
    if (!cJSON_IsArray(item) && !cJSON_IsObject(item))
        return 1;
    const cJSON *child;
    cJSON_ArrayForEach(child, item) {
        if (cJSON_IsArray(child) || cJSON_IsObject(child))
            return 0;
    }
    return 1;
}
