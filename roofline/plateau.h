#ifndef OCLAB_ROOFLINE_PLATEAU_H
#define OCLAB_ROOFLINE_PLATEAU_H
/* Memory levels from a working-set sweep: the flat stretches ("plateaus") of bandwidth against size.
 * Pure math, no OpenCL. */

typedef struct {
    double bytes; /* working set */
    double gbs;   /* bandwidth measured there (the median statistic) */
} rl_sweep_point;

typedef struct {
    char level[8];      /* "l1", "l2", ... by increasing size, or "dram" */
    int first, last;    /* index range into the (size-sorted) points, inclusive */
    double bytes_min, bytes_max;
    double gbs;         /* median of the points on the plateau (outliers dropped) */
    int points;         /* points the median is taken over */
} rl_plateau;

#define RL_PLATEAU_TOL 0.12 /* points within 12 % of a stretch's median belong to it */

/* Finds the plateaus of POINTS (sorted by increasing bytes). Cache levels come from points with
 * bytes <= LLC_BYTES: maximal stretches whose points lie within TOL (relative) of the stretch's
 * median, of at least two points; a lone outlier between two stretches that agree is dropped and the
 * two merged; a cache stretch no faster than the DRAM level (1 + TOL) is not a cache level. Every point
 * with bytes >= 4 * LLC_BYTES is DRAM: "dram" is reported whenever there is one (the median of them).
 * Points between the LLC and 4x the LLC are the transition and belong to no level.
 * Writes up to CAP plateaus into OUT (cache levels by size, then dram) and returns how many. */
int rl_find_plateaus(const rl_sweep_point *points, int n, double llc_bytes, double tol, rl_plateau *out,
                     int cap);

/* Whether a sweep has reached a level that holds: its last SETTLE points (sorted by size) lie within TOL
 * of their median, which goes to *LEVEL. 0 otherwise, or with fewer points. */
int rl_sweep_settled(const rl_sweep_point *points, int n, int settle, double tol, double *level);

/* The measured edge of the caches: the largest working set whose bandwidth still exceeds LEVEL (the
 * settled, DRAM level) by more than TOL; 0 when none does. A driver may report no cache size, or one
 * far below the real last level (a GPU's L2 reported as a few MiB). */
double rl_cache_edge(const rl_sweep_point *points, int n, double level, double tol);

/* Median of N values (N >= 1; the array is reordered). */
double rl_median(double *values, int n);

#endif
