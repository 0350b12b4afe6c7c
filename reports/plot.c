/* Roofline chart geometry (plot.h). */
#include "reports/plot.h"

#include <math.h>

#include "roofline/cost.h"

/* Chart size in pixels; the legend sits right of the plot area. */
#define RPT_PLOT_LEFT 80.0
#define RPT_PLOT_TOP 40.0
#define RPT_PLOT_W 560.0
#define RPT_PLOT_H 420.0
#define RPT_LEGEND_W 330.0
#define RPT_PLOT_BOTTOM 60.0

double rpt_axis_map(const rpt_axis *a, double value)
{
    double t = (log10(value) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    return a->px_lo + t * (a->px_hi - a->px_lo);
}

typedef struct {
    double lo, hi;
} range;

/* Only values a roof may hold: a figure beyond them (1e-300, 1e300) would stretch the axes over
 * hundreds of decades, or past what a double holds. */
static void widen(range *r, double v)
{
    if (v >= RL_RATE_MIN && v <= RL_RATE_MAX) {
        if (v < r->lo)
            r->lo = v;
        if (v > r->hi)
            r->hi = v;
    }
}

/* Whole decades around R with MARGIN (a factor) of room, at least MIN_DECADES wide; FALLBACK when R
 * is empty. */
static void decades(range r, double margin, int min_decades, range fallback, double *lo, double *hi)
{
    if (!(r.lo <= r.hi))
        r = fallback;
    double a = floor(log10(r.lo / margin)), b = ceil(log10(r.hi * margin));
    while (b - a < min_decades) {
        a -= 1.0;
        if (b - a < min_decades)
            b += 1.0;
    }
    *lo = pow(10.0, a);
    *hi = pow(10.0, b);
}

void rpt_plot_fit(const rpt_profile *const *profiles, int n, rpt_plot *p)
{
    range x = {INFINITY, -INFINITY}, y = {INFINITY, -INFINITY};
    double max_gbs = 0.0, min_gbs = INFINITY;
    for (int i = 0; i < n; i++) {
        const rpt_profile *v = profiles[i];
        for (int j = 0; j < v->n_memory; j++) {
            max_gbs = fmax(max_gbs, v->memory[j].value);
            min_gbs = fmin(min_gbs, v->memory[j].value);
        }
        for (int j = 0; j < v->n_compute; j++)
            widen(&y, v->compute[j].value);
        for (int j = 0; j < v->n_ridges; j++) {
            widen(&x, v->ridges[j].flop_per_byte);
            widen(&y, v->ridges[j].gflops);
        }
        for (int j = 0; j < v->n_kernels; j++) {
            if (v->kernels[j].verified) {
                widen(&x, v->kernels[j].intensity);
                widen(&y, v->kernels[j].gflops);
            }
        }
    }
    /* With no ridge, show where each bandwidth ceiling crosses 1 FLOP/byte. */
    if (!(x.lo <= x.hi) && max_gbs > 0.0)
        widen(&y, min_gbs);
    decades(x, 4.0, 3, (range){0.1, 10.0}, &p->x.lo, &p->x.hi);
    /* Memory diagonals enter at the left edge: keep the slowest one's entry point in view, unless
     * that would squash everything into the top decades. */
    if (min_gbs < INFINITY)
        widen(&y, fmax(min_gbs * p->x.lo, y.hi * 1e-5));
    decades(y, 2.0, 2, (range){1.0, 100.0}, &p->y.lo, &p->y.hi);

    p->left = RPT_PLOT_LEFT;
    p->top = RPT_PLOT_TOP;
    p->plot_w = RPT_PLOT_W;
    p->plot_h = RPT_PLOT_H;
    p->width = RPT_PLOT_LEFT + RPT_PLOT_W + RPT_LEGEND_W;
    p->height = RPT_PLOT_TOP + RPT_PLOT_H + RPT_PLOT_BOTTOM;
    p->x.px_lo = p->left;
    p->x.px_hi = p->left + p->plot_w;
    p->y.px_lo = p->top + p->plot_h;
    p->y.px_hi = p->top;
}
