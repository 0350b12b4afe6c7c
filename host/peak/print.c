/* oclab peak: the human table of a profile's peak measurements (stdout). */
#include <stdio.h>
#include <string.h>

#include "host/peak/peak.h"

static double num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void format_bytes(double b, char *buf, size_t len)
{
    if (b >= 1024.0 * 1024.0)
        snprintf(buf, len, "%.4g MiB", b / (1024.0 * 1024.0));
    else
        snprintf(buf, len, "%.4g KiB", b / 1024.0);
}

static void print_sweep(const cJSON *bw)
{
    const cJSON *kernels = cJSON_GetObjectItemCaseSensitive(bw, "kernels");
    const cJSON *targets = cJSON_GetObjectItemCaseSensitive(bw, "target_bytes");
    const cJSON *k;
    if (!kernels)
        return;
    printf("Bandwidth, GB/s (median; STREAM counting: bytes read + written)\n%-12s", "working set");
    cJSON_ArrayForEach(k, kernels) printf(" %9s", k->string);
    printf("\n");
    for (int i = 0; i < cJSON_GetArraySize(targets); i++) {
        char size[32];
        format_bytes(cJSON_GetArrayItem(targets, i)->valuedouble, size, sizeof size);
        printf("%-12s", size);
        cJSON_ArrayForEach(k, kernels)
        {
            const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(k, "points"), i);
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(p, "gbs");
            if (g)
                printf(" %9.1f", num(g, "median"));
            else
                printf(" %9s", p ? "INVALID" : "-");
        }
        printf("\n");
    }
    printf("%-12s", "config@dram");
    cJSON_ArrayForEach(k, kernels)
    {
        const cJSON *points = cJSON_GetObjectItemCaseSensitive(k, "points");
        const cJSON *last = cJSON_GetArrayItem(points, cJSON_GetArraySize(points) - 1);
        char cfg[32];
        snprintf(cfg, sizeof cfg, "v%d/wg%d", (int)num(last, "vector_width"), (int)num(last, "work_group"));
        printf(" %9s", cfg);
    }
    printf("\n\n");
}

void oclab_peak_print(const cJSON *profile)
{
    const cJSON *dev = cJSON_GetObjectItemCaseSensitive(profile, "device");
    const cJSON *meas = cJSON_GetObjectItemCaseSensitive(profile, "measurements");
    const cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(profile, "ceilings");
    const cJSON *c, *r;
    printf("oclab peak: %s / %s (%s)\n\n", str(dev, "platform"), str(dev, "name"), str(dev, "driver"));
    print_sweep(cJSON_GetObjectItemCaseSensitive(meas, "bandwidth"));

    printf("Memory ceilings (median)\n");
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(ceilings, "memory"))
    {
        char lo[32], hi[32];
        format_bytes(num(c, "bytes_min"), lo, sizeof lo);
        format_bytes(num(c, "bytes_max"), hi, sizeof hi);
        printf("  %-5s %9.1f GB/s   %-6s %s .. %s\n", str(c, "level"), num(c, "gbs"), str(c, "kernel"), lo, hi);
    }
    printf("\nCompute ceilings (median)\n");
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(ceilings, "compute"))
    {
        double ridge = 0.0;
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(profile, "ridges"))
        if (!strcmp(str(r, "precision"), str(c, "precision")))
            ridge = num(r, "flop_per_byte");
        printf("  %-5s %9.1f %-7s  vec%-2d wg%-4d ridge %.2f %s/byte\n", str(c, "precision"), num(c, "gflops"),
               str(c, "unit"), (int)num(c, "vector_width"), (int)num(c, "work_group"), ridge,
               strcmp(str(c, "unit"), "GOP/s") ? "FLOP" : "op");
    }
    const cJSON *lat = cJSON_GetObjectItemCaseSensitive(meas, "latency");
    if (lat)
        printf("\nLaunch latency  %.1f us host (enqueue to finish), %.1f us event\n", num(lat, "host_us"),
               num(lat, "event_us"));
    const cJSON *tr = cJSON_GetObjectItemCaseSensitive(meas, "transfer");
    if (tr)
        printf("Transfer        host->device %.1f GB/s, device->host %.1f GB/s (%.0f MiB, pageable)\n",
               num(cJSON_GetObjectItemCaseSensitive(tr, "host_to_device"), "gbs"),
               num(cJSON_GetObjectItemCaseSensitive(tr, "device_to_host"), "gbs"), num(tr, "bytes") / 1048576.0);
    const cJSON *skipped = cJSON_GetObjectItemCaseSensitive(profile, "skipped");
    if (cJSON_GetArraySize(skipped) > 0) {
        printf("\nSkipped\n");
        cJSON_ArrayForEach(c, skipped) printf("  %s: %s\n", str(c, "what"), str(c, "reason"));
    }
}
