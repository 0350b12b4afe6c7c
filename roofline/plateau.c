#include "roofline/plateau.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_POINTS 256

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double rl_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return (n % 2) ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* A stretch of points [first, last], SKIP (or -1) being a dropped outlier inside it. */
typedef struct {
    int first, last, skip;
    double gbs;
    int points;
} stretch;

static void stretch_median(const rl_sweep_point *p, stretch *s)
{
    double v[MAX_POINTS];
    int n = 0;
    for (int i = s->first; i <= s->last; i++)
        if (i != s->skip)
            v[n++] = p[i].gbs;
    s->points = n;
    s->gbs = rl_median(v, n);
}

static int close_to(double value, double ref, double tol)
{
    return fabs(value - ref) <= tol * ref;
}

/* Greedy segmentation of points [0, n) into stretches within TOL of their running median. */
static int segment(const rl_sweep_point *p, int n, double tol, stretch *out)
{
    int count = 0;
    for (int i = 0; i < n; i++) {
        if (count > 0) {
            stretch *s = &out[count - 1];
            if (close_to(p[i].gbs, s->gbs, tol)) {
                s->last = i;
                stretch_median(p, s);
                continue;
            }
        }
        out[count] = (stretch){i, i, -1, p[i].gbs, 1};
        count++;
    }
    return count;
}

/* Drops lone outliers between two stretches that agree, merging the two. */
static int merge_outliers(const rl_sweep_point *p, stretch *s, int count, double tol)
{
    for (int i = 1; i + 1 < count; i++) {
        if (s[i].points != 1 || s[i - 1].skip >= 0 || s[i + 1].skip >= 0 ||
            !close_to(s[i + 1].gbs, s[i - 1].gbs, tol))
            continue;
        s[i - 1].last = s[i + 1].last;
        s[i - 1].skip = s[i].first;
        stretch_median(p, &s[i - 1]);
        for (int j = i; j + 2 < count; j++)
            s[j] = s[j + 2];
        count -= 2;
        i--;
    }
    return count;
}

static void emit(const rl_sweep_point *p, const stretch *s, const char *level, rl_plateau *out)
{
    snprintf(out->level, sizeof out->level, "%s", level);
    out->first = s->first;
    out->last = s->last;
    out->bytes_min = p[s->first].bytes;
    out->bytes_max = p[s->last].bytes;
    out->gbs = s->gbs;
    out->points = s->points;
}

int rl_find_plateaus(const rl_sweep_point *points, int n, double llc_bytes, double tol, rl_plateau *out,
                     int cap)
{
    stretch s[MAX_POINTS];
    int found = 0;
    if (n > MAX_POINTS)
        n = MAX_POINTS;

    /* DRAM: every point at or beyond 4x the LLC. */
    stretch dram = {-1, -1, -1, 0.0, 0};
    for (int i = 0; i < n; i++) {
        if (points[i].bytes >= 4.0 * llc_bytes) {
            if (dram.first < 0)
                dram.first = i;
            dram.last = i;
        }
    }
    if (dram.first >= 0)
        stretch_median(points, &dram);

    int cache_n = 0;
    while (cache_n < n && points[cache_n].bytes <= llc_bytes)
        cache_n++;
    int count = merge_outliers(points, s, segment(points, cache_n, tol, s), tol);
    for (int i = 0; i < count && found < cap; i++) {
        if (s[i].points < 2)
            continue;
        if (dram.first >= 0 && s[i].gbs <= (1.0 + tol) * dram.gbs)
            continue;
        char level[8];
        snprintf(level, sizeof level, "l%d", (found + 1) % 100);
        emit(points, &s[i], level, &out[found++]);
    }
    if (dram.first >= 0 && found < cap)
        emit(points, &dram, "dram", &out[found++]);
    return found;
}

int rl_sweep_settled(const rl_sweep_point *points, int n, int settle, double tol, double *level)
{
    double v[MAX_POINTS];
    if (settle < 2 || n < settle || settle > MAX_POINTS)
        return 0;
    for (int i = 0; i < settle; i++) {
        v[i] = points[n - settle + i].gbs;
        if (!(v[i] > 0.0)) /* a size without a believable figure settles nothing */
            return 0;
    }
    double m = rl_median(v, settle);
    for (int i = n - settle; i < n; i++)
        if (!close_to(points[i].gbs, m, tol))
            return 0;
    *level = m;
    return 1;
}

double rl_cache_edge(const rl_sweep_point *points, int n, double level, double tol)
{
    double edge = 0.0;
    for (int i = 0; i < n; i++)
        if (points[i].gbs > (1.0 + tol) * level && points[i].bytes > edge)
            edge = points[i].bytes;
    return edge;
}
