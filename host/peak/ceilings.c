/* oclab peak, ceilings: memory levels from the bandwidth sweep, compute ceilings, ridge points.
 * Every figure is the median statistic, as the kernels placed against them use. */
#include <stdio.h>
#include <string.h>

#include "host/peak/peak.h"
#include "roofline/plateau.h"

#define MAX_SIZES 32

static double number(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

static cJSON *memory_ceiling(const char *level, double gbs, const char *kernel, double bytes_min, double bytes_max)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "level", level);
    cJSON_AddNumberToObject(o, "gbs", gbs);
    cJSON_AddStringToObject(o, "kernel", kernel);
    cJSON_AddNumberToObject(o, "bytes_min", bytes_min);
    cJSON_AddNumberToObject(o, "bytes_max", bytes_max);
    cJSON_AddStringToObject(o, "statistic", "median");
    return o;
}

/* Cache levels: plateaus of the envelope (best kernel at each swept size). DRAM: the best kernel's own
 * DRAM figure (median over its DRAM-size points), every kernel's figure staying in measurements. */
static double memory_ceilings(const cJSON *kernels, double llc, cJSON *out)
{
    rl_sweep_point env[MAX_SIZES];
    const char *best_kernel[MAX_SIZES];
    int n = 0;
    const cJSON *k;
    double dram = 0.0, dram_min = 0.0, dram_max = 0.0;
    const char *dram_kernel = NULL;
    memset(env, 0, sizeof env);
    cJSON_ArrayForEach(k, kernels)
    {
        const cJSON *p;
        int i = 0;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(k, "points"))
        {
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(p, "gbs");
            if (i >= MAX_SIZES)
                break;
            env[i].bytes = number(p, "target_bytes");
            if (g && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "verified")) &&
                number(g, "median") > env[i].gbs) {
                env[i].gbs = number(g, "median");
                best_kernel[i] = k->string;
            }
            i++;
        }
        if (i > n)
            n = i;
        const cJSON *pl;
        cJSON_ArrayForEach(pl, cJSON_GetObjectItemCaseSensitive(k, "plateaus"))
        {
            const cJSON *level = cJSON_GetObjectItemCaseSensitive(pl, "level");
            if (cJSON_IsString(level) && !strcmp(level->valuestring, "dram") && number(pl, "gbs") > dram) {
                dram = number(pl, "gbs");
                dram_min = number(pl, "bytes_min");
                dram_max = number(pl, "bytes_max");
                dram_kernel = k->string;
            }
        }
    }
    /* sizes where no kernel verified carry no information */
    int m = 0;
    for (int i = 0; i < n; i++)
        if (env[i].gbs > 0.0) {
            best_kernel[m] = best_kernel[i];
            env[m++] = env[i];
        }
    rl_plateau plateaus[MAX_SIZES];
    int found = rl_find_plateaus(env, m, llc, RL_PLATEAU_TOL, plateaus, MAX_SIZES);
    for (int i = 0; i < found; i++) {
        if (!strcmp(plateaus[i].level, "dram"))
            continue;
        /* the kernel that is best on most of the plateau's points */
        const char *kernel = best_kernel[plateaus[i].first];
        int votes = 0;
        for (int a = plateaus[i].first; a <= plateaus[i].last; a++) {
            int c = 0;
            for (int b = plateaus[i].first; b <= plateaus[i].last; b++)
                c += !strcmp(best_kernel[a], best_kernel[b]);
            if (c > votes) {
                votes = c;
                kernel = best_kernel[a];
            }
        }
        cJSON_AddItemToArray(out, memory_ceiling(plateaus[i].level, plateaus[i].gbs, kernel, plateaus[i].bytes_min,
                                                 plateaus[i].bytes_max));
    }
    if (dram_kernel)
        cJSON_AddItemToArray(out, memory_ceiling("dram", dram, dram_kernel, dram_min, dram_max));
    return dram;
}

void oclab_peak_ceilings(cJSON *profile, double llc_bytes)
{
    cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(profile, "ceilings");
    cJSON *memory = cJSON_GetObjectItemCaseSensitive(ceilings, "memory");
    cJSON *compute = cJSON_GetObjectItemCaseSensitive(ceilings, "compute");
    cJSON *ridges = cJSON_GetObjectItemCaseSensitive(profile, "ridges");
    const cJSON *meas = cJSON_GetObjectItemCaseSensitive(profile, "measurements");
    const cJSON *bw = cJSON_GetObjectItemCaseSensitive(meas, "bandwidth");
    double dram = memory_ceilings(cJSON_GetObjectItemCaseSensitive(bw, "kernels"), llc_bytes, memory);

    const cJSON *prec;
    cJSON_ArrayForEach(prec, cJSON_GetObjectItemCaseSensitive(meas, "compute"))
    {
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(prec, "gflops");
        if (!g || !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(prec, "verified")))
            continue;
        double gflops = number(g, "median");
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "precision", prec->string);
        cJSON_AddNumberToObject(c, "gflops", gflops);
        cJSON_AddStringToObject(c, "unit", cJSON_GetObjectItemCaseSensitive(prec, "unit")->valuestring);
        cJSON_AddNumberToObject(c, "vector_width", number(prec, "vector_width"));
        cJSON_AddNumberToObject(c, "work_group", number(prec, "work_group"));
        cJSON_AddStringToObject(c, "statistic", "median");
        cJSON_AddItemToArray(compute, c);
        if (dram > 0.0) {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "precision", prec->string);
            cJSON_AddNumberToObject(r, "flop_per_byte", gflops / dram);
            cJSON_AddStringToObject(r, "memory", "dram");
            cJSON_AddItemToArray(ridges, r);
        }
    }
}
