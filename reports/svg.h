#ifndef OCLAB_REPORTS_SVG_H
#define OCLAB_REPORTS_SVG_H
/* The roofline chart as hand-written SVG: log-log axes with decade gridlines, one diagonal per memory
 * ceiling, one horizontal per compute ceiling, ridge points, and each verified kernel as a point
 * (circle: memory-bound, triangle: compute-bound, square: bound unknown).
 *
 * One profile: lines in fixed colors, points colored by kernel family and numbered as in the kernel
 * table (index in kernels[] + 1). Several profiles: everything colored by device.
 *
 * Elements carry classes for tests and styling: line.mem-ceiling[data-level], line.compute-ceiling
 * [data-precision], circle.ridge[data-precision], g.kernel (one per plotted kernel). */
#include "reports/plot.h"
#include "reports/view.h"

/* Malloc'd SVG document, NULL when out of memory. PLOT NULL: rpt_plot_fit of the same profiles. */
char *rpt_svg_roofline(const rpt_profile *const *profiles, int n, const rpt_plot *plot);

/* Whether kernel K is drawn: verified, its intensity and GFLOP/s in [RL_RATE_MIN, RL_RATE_MAX]. */
int rpt_kernel_plotted(const rpt_kernel *k);

/* Color of series I (a family or a device): a fixed palette, cycled. */
const char *rpt_series_color(int i);

#endif
