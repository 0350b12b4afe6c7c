#ifndef OCLAB_REPORTS_SVG_H
#define OCLAB_REPORTS_SVG_H
/* The roofline chart as hand-written SVG: log-log axes with decade gridlines and minor ticks, one
 * diagonal per memory ceiling, one horizontal per compute ceiling, ridge points, and each placed kernel
 * as a mark: its shape says the family (circle gemv, diamond attention, triangle any other), its colour
 * the weight or KV format, filled for M = 1 (batch 1) and hollow for M > 1; a peer library's baseline
 * is a grey cross; a flagged result (above its roof, suspect) carries a red ring. Each mark has a
 * <title> tooltip with the kernel, its variant and its figures. Kernel marks carry no text; ceilings
 * and ridges are labelled only where the label clears every other label and mark, and the legend (one
 * entry per group, not per kernel) lists every ceiling.
 *
 * Several profiles: the same marks, coloured by device instead of by format.
 *
 * Elements carry classes for tests and styling: svg.roofline, line.mem-ceiling[data-level],
 * line.compute-ceiling[data-precision], circle.ridge[data-precision], g.kernel[data-family,
 * data-format, data-batch, data-baseline] (one per placed kernel), text.label. */
#include "reports/plot.h"
#include "reports/view.h"

typedef struct {
    const char *id;     /* unique within a page: names the clip path ("roofline", "roofline-gemv") */
    const char *family; /* only kernels of this family (a baseline counts as its family's); NULL: all */
} rpt_roofline_opts;

/* Malloc'd SVG document, NULL when out of memory. PLOT NULL: rpt_plot_fit of the same profiles; OPTS
 * NULL: every kernel, id "roofline". */
char *rpt_svg_roofline(const rpt_profile *const *profiles, int n, const rpt_plot *plot, const rpt_roofline_opts *opts);

/* Whether one profile's chart is crowded enough to be split into one chart per family as well. */
int rpt_roofline_crowded(const rpt_profile *v);

/* The families of V's placed kernels, in first appearance order: up to CAP names into OUT (pointers into
 * V); returns how many. */
int rpt_kernel_families(const rpt_profile *v, const char **out, int cap);

/* Color of series I (a device, a STREAM kernel): a fixed palette, cycled. */
const char *rpt_series_color(int i);

/* Color of a weight or KV format; one grey for formats it does not know. */
const char *rpt_format_color(const char *format);

#endif
