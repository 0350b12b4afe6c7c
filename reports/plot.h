#ifndef OCLAB_REPORTS_PLOT_H
#define OCLAB_REPORTS_PLOT_H
/* Geometry of the log-log charts: axis bounds (whole decades) and pixel placement. */
#include "reports/view.h"

/* A log axis: values LO..HI (powers of ten) map onto pixels PX_LO..PX_HI (PX_HI < PX_LO for y, since
 * SVG y grows downwards). */
typedef struct {
    double lo, hi;
    double px_lo, px_hi;
} rpt_axis;

typedef struct {
    double width, height;     /* whole SVG */
    double left, top;         /* plot area origin */
    double plot_w, plot_h;    /* plot area size */
    rpt_axis x;               /* roofline: arithmetic intensity, FLOP/byte; sweep: working set, bytes */
    rpt_axis y;               /* roofline: GFLOP/s; sweep: GB/s */
} rpt_plot;

/* Pixel of VALUE on AXIS (log scale); values outside the bounds map outside the pixel range. */
double rpt_axis_map(const rpt_axis *axis, double value);

/* Bounds of AXIS: whole decades around [LO, HI] with a factor MARGIN of room on each side, at least
 * MIN_DECADES wide; FALLBACK_LO..FALLBACK_HI when there is no finite positive range. */
void rpt_axis_decades(rpt_axis *axis, double lo, double hi, double margin, int min_decades, double fallback_lo,
                      double fallback_hi);

/* The pixel frame of a chart (the legend column right of the plot area), and the axes' pixel ranges. */
void rpt_plot_frame(rpt_plot *plot);

/* Roofline layout for the ceilings, ridges and placed kernels of N profiles: axes span whole decades
 * with some room around every ridge, kernel point and compute ceiling, at least two decades each. */
void rpt_plot_fit(const rpt_profile *const *profiles, int n, rpt_plot *plot);

#endif
