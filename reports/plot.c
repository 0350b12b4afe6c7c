/* Chart geometry (plot.h). */
#include "reports/plot.h"

#include <math.h>

#include "roofline/cost.h"

/* Chart size in pixels; the legend sits right of the plot area. */
#define RPT_PLOT_LEFT 80.0
#define RPT_PLOT_TOP 40.0
#define RPT_PLOT_W 560.0
#define RPT_PLOT_H 420.0
#define RPT_LEGEND_W 260.0
#define RPT_PLOT_BOTTOM 60.0

double rpt_axis_map(const rpt_axis *a, double value)
{
    double t = (log10(value) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    return a->px_lo + t * (a->px_hi - a->px_lo);
}

void rpt_axis_decades(rpt_axis *axis, double lo, double hi, double margin, int min_decades, double fallback_lo,
                      double fallback_hi)
{
    if (!(lo > 0.0 && lo <= hi && isfinite(hi))) {
        lo = fallback_lo;
        hi = fallback_hi;
    }
    double a = floor(log10(lo / margin)), b = ceil(log10(hi * margin));
    while (b - a < min_decades) {
        a -= 1.0;
        if (b - a < min_decades)
            b += 1.0;
    }
    axis->lo = pow(10.0, a);
    axis->hi = pow(10.0, b);
}

void rpt_plot_frame(rpt_plot *p)
{
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
            if (rpt_kernel_placed(&v->kernels[j])) {
                widen(&x, v->kernels[j].intensity);
                widen(&y, v->kernels[j].gflops);
            }
        }
    }
    /* With no ridge, show where each bandwidth ceiling crosses 1 FLOP/byte. */
    if (!(x.lo <= x.hi) && max_gbs > 0.0)
        widen(&y, min_gbs);
    rpt_axis_decades(&p->x, x.lo, x.hi, 4.0, 3, 0.1, 10.0);
    /* Memory diagonals enter at the left edge: keep the slowest one's entry point in view, unless
     * that would squash everything into the top decades. */
    if (min_gbs < INFINITY)
        widen(&y, fmax(min_gbs * p->x.lo, y.hi * 1e-5));
    rpt_axis_decades(&p->y, y.lo, y.hi, 2.0, 2, 1.0, 100.0);
    rpt_plot_frame(p);
}
