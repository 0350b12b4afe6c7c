/* oclab peak, ceilings: memory levels from the bandwidth sweep, compute ceilings, ridge points. Every
 * figure is the median statistic, as the kernels placed against them use; a result whose timing is
 * suspect (host/cl/timing.h) sets no ceiling. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "host/peak/peak.h"
#include "roofline/plateau.h"

#define MAX_SIZES 64

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

/* A point that may set a ceiling: verified, timed believably. */
static int usable(const cJSON *p)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "verified")) &&
           !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "suspect")) &&
           cJSON_GetObjectItemCaseSensitive(p, "gbs");
}

/* Cache levels: plateaus of the envelope (the best kernel at each swept size below the DRAM sizes);
 * each level names the kernel that is best on most of its points and carries that point's tuning. */
static void cache_levels(const cJSON *kernels, double llc, double dram_from, cJSON *out)
{
    rl_sweep_point env[MAX_SIZES];
    const cJSON *best[MAX_SIZES];
    const char *best_kernel[MAX_SIZES];
    int n = 0;
    const cJSON *k;
    memset(env, 0, sizeof env);
    memset(best, 0, sizeof best);
    cJSON_ArrayForEach(k, kernels)
    {
        const cJSON *p;
        int i = 0;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(k, "points"))
        {
            if (i >= MAX_SIZES)
                break;
            env[i].bytes = number(p, "target_bytes");
            double g = number(cJSON_GetObjectItemCaseSensitive(p, "gbs"), "median");
            if (usable(p) && g > env[i].gbs) {
                env[i].gbs = g;
                best[i] = p;
                best_kernel[i] = k->string;
            }
            i++;
        }
        n = i > n ? i : n;
    }
    int m = 0; /* sizes where no kernel counts carry no information; DRAM sizes are not cache levels */
    for (int i = 0; i < n; i++)
        if (env[i].gbs > 0.0 && (dram_from <= 0.0 || env[i].bytes < dram_from)) {
            best[m] = best[i];
            best_kernel[m] = best_kernel[i];
            env[m++] = env[i];
        }
    rl_plateau plateaus[MAX_SIZES];
    int found = rl_find_plateaus(env, m, llc, RL_PLATEAU_TOL, plateaus, MAX_SIZES);
    for (int i = 0; i < found; i++) {
        if (!strcmp(plateaus[i].level, "dram"))
            continue;
        int pick = plateaus[i].first, votes = 0;
        for (int a = plateaus[i].first; a <= plateaus[i].last; a++) {
            int c = 0;
            for (int b = plateaus[i].first; b <= plateaus[i].last; b++)
                c += !strcmp(best_kernel[a], best_kernel[b]);
            if (c > votes) {
                votes = c;
                pick = a;
            }
        }
        cJSON *o = memory_ceiling(plateaus[i].level, plateaus[i].gbs, best_kernel[pick], plateaus[i].bytes_min,
                                  plateaus[i].bytes_max);
        cJSON_AddNumberToObject(o, "points", plateaus[i].points);
        const cJSON *tuning = cJSON_GetObjectItemCaseSensitive(best[pick], "tuning");
        if (tuning)
            cJSON_AddItemToObject(o, "tuning", cJSON_Duplicate(tuning, 1));
        cJSON_AddItemToArray(out, o);
    }
}

/* DRAM: the kernel with the highest pooled median of the DRAM rounds; returns it (0 when none). */
static double dram_level(const cJSON *bw, cJSON *out)
{
    const cJSON *dram = cJSON_GetObjectItemCaseSensitive(bw, "dram");
    const cJSON *sizes = cJSON_GetObjectItemCaseSensitive(dram, "target_bytes");
    const cJSON *k, *best = NULL;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(dram, "kernels"))
        if (number(k, "n") >= 3 && (!best || number(k, "median") > number(best, "median")))
            best = k;
    if (!best)
        return 0.0;
    int n = cJSON_GetArraySize(sizes);
    double first = n > 0 ? cJSON_GetArrayItem(sizes, 0)->valuedouble : 0.0;
    cJSON *o = memory_ceiling("dram", number(best, "median"), best->string, first,
                              n > 0 ? cJSON_GetArrayItem(sizes, n - 1)->valuedouble : 0.0);
    cJSON_AddNumberToObject(o, "samples", number(best, "n"));
    cJSON_AddNumberToObject(o, "sizes", n);
    cJSON *spread = cJSON_AddObjectToObject(o, "spread");
    static const char *const keys[] = {"min", "p10", "p90", "max", "cv"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cJSON_AddNumberToObject(spread, keys[i], number(best, keys[i]));
    /* the configuration: the kernel's tuned point at the first DRAM size */
    const cJSON *points = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(bw, "kernels"), best->string), "points");
    const cJSON *p;
    cJSON_ArrayForEach(p, points)
        if (number(p, "target_bytes") == first) {
            const cJSON *tuning = cJSON_GetObjectItemCaseSensitive(p, "tuning");
            if (tuning)
                cJSON_AddItemToObject(o, "tuning", cJSON_Duplicate(tuning, 1));
        }
    cJSON_AddItemToArray(out, o);
    return number(best, "median");
}

void oclab_peak_ceilings(cJSON *profile)
{
    cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(profile, "ceilings");
    cJSON *memory = cJSON_GetObjectItemCaseSensitive(ceilings, "memory");
    cJSON *compute = cJSON_GetObjectItemCaseSensitive(ceilings, "compute");
    cJSON *ridges = cJSON_GetObjectItemCaseSensitive(profile, "ridges");
    const cJSON *meas = cJSON_GetObjectItemCaseSensitive(profile, "measurements");
    const cJSON *bw = cJSON_GetObjectItemCaseSensitive(meas, "bandwidth");
    const cJSON *llc = cJSON_GetObjectItemCaseSensitive(bw, "llc");
    double used = number(llc, "used_bytes");
    cache_levels(cJSON_GetObjectItemCaseSensitive(bw, "kernels"), used > 0.0 ? used : 8.0 * 1024 * 1024,
                 number(llc, "dram_from_bytes"), memory);
    double dram = dram_level(bw, memory);

    const cJSON *prec;
    cJSON_ArrayForEach(prec, cJSON_GetObjectItemCaseSensitive(meas, "compute"))
    {
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(prec, "gflops");
        if (!g || !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(prec, "verified")) ||
            cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(prec, "suspect")))
            continue;
        double gflops = number(g, "median");
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "precision", prec->string);
        cJSON_AddNumberToObject(c, "gflops", gflops);
        cJSON_AddStringToObject(c, "unit", cJSON_GetObjectItemCaseSensitive(prec, "unit")->valuestring);
        cJSON_AddStringToObject(c, "kernel", cJSON_GetObjectItemCaseSensitive(prec, "kernel")->valuestring);
        static const char *const config[] = {"vector_width", "accumulators", "work_group", "groups", "iterations"};
        for (size_t i = 0; i < sizeof config / sizeof config[0]; i++)
            cJSON_AddNumberToObject(c, config[i], number(prec, config[i]));
        cJSON_AddStringToObject(c, "statistic", "median");
        const cJSON *tuning = cJSON_GetObjectItemCaseSensitive(prec, "tuning");
        if (tuning)
            cJSON_AddItemToObject(c, "tuning", cJSON_Duplicate(tuning, 1));
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
