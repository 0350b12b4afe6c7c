/* The human table of a profile's decode kernels (stdout). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "host/decode/decode.h"

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void shape_text(const cJSON *k, char *buf, size_t len)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(k, "shape");
    if (cJSON_GetObjectItemCaseSensitive(s, "n"))
        snprintf(buf, len, "M=%g %gx%g", num(s, "m"), num(s, "n"), num(s, "k"));
    else
        snprintf(buf, len, "B=%g H=%g/%g D=%g S=%g", num(s, "batch"), num(s, "heads"), num(s, "kv_heads"),
                 num(s, "head_dim"), num(s, "context"));
}

static void variant_text(const cJSON *k, char *buf, size_t len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(k, "variant");
    if (cJSON_GetObjectItemCaseSensitive(k, "baseline")) {
        snprintf(buf, len, "%s %s", str(v, "library"), str(v, "routine"));
        return;
    }
    if (cJSON_GetObjectItemCaseSensitive(v, "rows_per_item")) {
        snprintf(buf, len, "%s v%g r%g u%g l%g wg%g mb%g%s", strcmp(str(v, "layout"), "rows") ? "il" : "rows",
                 num(v, "vector_width"), num(v, "rows_per_item"), num(v, "unroll"), num(v, "lanes"),
                 num(v, "work_group"), num(v, "x_rows_per_pass"),
                 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "fold_scale")) ? " fold" : "");
        return;
    }
    snprintf(buf, len, "wg%g v%g", num(v, "work_group"), num(v, "vector_width"));
}

void oclab_decode_print(const cJSON *profile)
{
    const cJSON *kernels = cJSON_GetObjectItemCaseSensitive(profile, "kernels"), *k;
    /* probe: the streaming-read probe's GB/s; pr_roof: the roof of the moment, from both probes */
    printf("%-9s %-6s %-22s %-30s %9s %8s %8s %7s %8s %5s %7s %7s %6s %-7s %8s %6s\n", "family", "format", "shape",
           "variant", "median_ms", "GB/s", "GFLOP/s", "FLOP/B", "roof", "eff", "probe", "pr_roof", "eff/pr", "bound",
           "rel_err", "xCLB");
    cJSON_ArrayForEach(k, kernels) {
        char shape[160], variant[160], vs[32] = "";
        shape_text(k, shape, sizeof shape);
        variant_text(k, variant, sizeof variant);
        double err = num(k, "max_rel_error");
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "verified"))) {
            printf("%-9s %-6s %-22s %-30s  INVALID: failed verification (max relative error %g)\n", str(k, "family"),
                   str(k, "format"), shape, variant, err);
            continue;
        }
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "implausible"))) {
            printf("%-9s %-6s %-22s %-18s  IMPLAUSIBLE: timed faster than any memory level (see warnings)\n",
                   str(k, "family"), str(k, "format"), shape, variant);
            continue;
        }
        double ratio = num(k, "gbs_vs_clblast");
        if (!isnan(ratio))
            snprintf(vs, sizeof vs, "%.2f", ratio);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(k, "time_s");
        int drift = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "drift"));
        printf("%-9s %-6s %-22s %-30s %9.4f %8.2f %8.2f %7.2f %8.1f %5.2f %7.1f %7.1f %6.2f %-7s %8.1e %6s%s%s\n",
               str(k, "family"), str(k, "format"), shape, variant, 1e3 * num(t, "median"), num(k, "gbs"),
               num(k, "gflops"), num(k, "intensity"), num(k, "roof_gflops"), num(k, "efficiency"), num(k, "probe_gbs"),
               num(k, "roof_gflops_probe"), num(k, "efficiency_vs_probe"), str(k, "bound"), err, vs, drift ? " drift" : "",
               cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "suspect")) ? " suspect" : "");
    }
    const cJSON *skipped = cJSON_GetObjectItemCaseSensitive(profile, "skipped"), *s;
    cJSON_ArrayForEach(s, skipped) printf("skipped: %s: %s\n", str(s, "what"), str(s, "reason"));
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(profile, "warnings"))
        printf("warning: %s: %s\n", str(s, "what"), str(s, "detail"));
}
