#ifndef OCLAB_REPORTS_SWEEP_H
#define OCLAB_REPORTS_SWEEP_H
/* The bandwidth sweep chart: working set (bytes, log) against GB/s (log), one line per STREAM kernel of
 * measurements.bandwidth.kernels (each point its median; a point that failed verification is left out),
 * the memory ceilings drawn as plateaus over the sizes they were taken from (bytes_min..bytes_max), and
 * the last-level cache (device.global_cache_bytes) as a vertical line, with the transition band up to
 * 4x its size where no level is taken.
 *
 * Elements carry classes: svg.sweep, polyline.stream[data-kernel] (one per kernel), circle.point,
 * line.plateau[data-level], line.llc. */
#include "reports/view.h"

/* Whether V holds a sweep to draw (at least one kernel with two usable points). */
int rpt_sweep_present(const rpt_profile *v);

/* Malloc'd SVG document; NULL when out of memory or when there is no sweep. */
char *rpt_svg_sweep(const rpt_profile *v);

#endif
