/* Kernels grouped by family, format and batch class (groups.h). */
#include "reports/groups.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roofline/plateau.h"

static int format_rank(const char *format)
{
    static const char *const order[] = {"f32", "f16", "bf16", "q8_0", "q4_0", "i8_pc"};
    for (int i = 0; i < (int)(sizeof order / sizeof order[0]); i++)
        if (strcmp(format, order[i]) == 0)
            return i;
    return (int)(sizeof order / sizeof order[0]);
}

static int compare_groups(const void *pa, const void *pb)
{
    const rpt_group *a = pa, *b = pb;
    int c = (a->baseline[0] != 0) - (b->baseline[0] != 0);
    if (c == 0)
        c = strcmp(a->family, b->family);
    if (c == 0)
        c = strcmp(a->baseline, b->baseline);
    if (c == 0)
        c = format_rank(a->format) - format_rank(b->format);
    if (c == 0)
        c = strcmp(a->format, b->format);
    return c != 0 ? c : a->batched - b->batched;
}

int rpt_group_member(const rpt_kernel *k)
{
    return k->verified && isfinite(k->efficiency) && !k->above_roof && !k->suspect;
}

static int same_group(const rpt_group *g, const rpt_kernel *k)
{
    return strcmp(g->family, k->family) == 0 && strcmp(g->baseline, k->baseline) == 0 &&
           strcmp(g->format, k->format) == 0 && g->batched == rpt_kernel_batched(k);
}

/* Median, min and max of the efficiencies (VS_PROBE: against the probes) of the kernels of G in V. */
static double median_of(const rpt_profile *v, const rpt_group *g, int vs_probe, double *lo, double *hi)
{
    double *values = malloc((size_t)(v->n_kernels > 0 ? v->n_kernels : 1) * sizeof *values);
    int n = 0;
    for (int i = 0; values && i < v->n_kernels; i++) {
        const rpt_kernel *k = &v->kernels[i];
        double e = vs_probe ? k->efficiency_vs_probe : k->efficiency;
        if (rpt_group_member(k) && same_group(g, k) && isfinite(e))
            values[n++] = e;
    }
    double m = NAN;
    if (n > 0) {
        *lo = *hi = values[0];
        for (int i = 1; i < n; i++) {
            *lo = fmin(*lo, values[i]);
            *hi = fmax(*hi, values[i]);
        }
        m = rl_median(values, n);
    }
    free(values);
    return m;
}

int rpt_groups(const rpt_profile *v, rpt_group *out, int cap)
{
    int n = 0;
    for (int i = 0; i < v->n_kernels; i++) {
        const rpt_kernel *k = &v->kernels[i];
        if (!rpt_group_member(k))
            continue;
        int g = 0;
        while (g < n && !same_group(&out[g], k))
            g++;
        if (g == n) {
            if (n == cap)
                continue;
            memset(&out[n], 0, sizeof out[n]);
            snprintf(out[n].family, sizeof out[n].family, "%s", k->family);
            snprintf(out[n].baseline, sizeof out[n].baseline, "%s", k->baseline);
            snprintf(out[n].format, sizeof out[n].format, "%s", k->format);
            out[n].batched = rpt_kernel_batched(k);
            n++;
        }
        out[g].n++;
    }
    for (int g = 0; g < n; g++) {
        double lo, hi;
        out[g].median = median_of(v, &out[g], 0, &out[g].min, &out[g].max);
        out[g].median_vs_probe = median_of(v, &out[g], 1, &lo, &hi);
    }
    qsort(out, (size_t)n, sizeof *out, compare_groups);
    return n;
}

void rpt_group_name(const rpt_group *g, char *out, size_t len)
{
    int gemv = strcmp(g->family, "gemv") == 0;
    snprintf(out, len, "%s %s %s%s%s%s", g->family, g->format, gemv ? "M" : "batch", g->batched ? ">1" : "=1",
             g->baseline[0] ? " (" : "", g->baseline[0] ? g->baseline : "");
    if (g->baseline[0] && strlen(out) + 1 < len)
        strcat(out, ")");
}
