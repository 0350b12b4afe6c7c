#ifndef OCLAB_ROOFLINE_PLACE_H
#define OCLAB_ROOFLINE_PLACE_H
/* Placing a measured kernel on a roofline. */
#include <stddef.h>

#include "roofline/cost.h"

typedef struct {
    double gflops;      /* attained: flops / time */
    double gbs;         /* attained: bytes / time */
    double intensity;   /* flops / bytes */
    double roof_gflops; /* min(compute ceiling, intensity * bandwidth ceiling) */
    double efficiency;  /* gflops / roof_gflops */
    int compute_bound;  /* intensity beyond the ridge */
    int above_roof;     /* efficiency > 1 + tolerance: a counting or measurement error, not a win */
} rl_placement;

rl_placement rl_place(double flops, double bytes, double time_s, rl_roof roof);

/* Which ceiling a kernel above its roof shows to be wrong. */
typedef enum {
    RL_BOUND_HELD,          /* within the tolerance of its roof */
    RL_BOUND_DRAM_MOMENT,   /* memory-bound, above the DRAM ceiling but not above what the probe read while it
                             * ran: the ceiling was taken in a slow minute of a drifting machine */
    RL_BOUND_DRAM_LOW,      /* memory-bound, above the DRAM ceiling and the probe: the ceiling under-measured */
    RL_BOUND_COMPUTE_LOW    /* compute-bound above the compute ceiling: the ceiling under-measured */
} rl_bound_verdict;

/* A verified kernel placed at PL against ROOF, with what the probes saw during it (PROBE_GBS, 0 without
 * a probe): the verdict, and *RAISE the least compute ceiling that would hold the kernel (its attained
 * FLOP/s; 0 unless RL_BOUND_COMPUTE_LOW), since a compute ceiling must never sit below a kernel. */
rl_bound_verdict rl_check_bound(const rl_placement *pl, rl_roof roof, double probe_gbs, double *raise);

/* One sentence for a verdict: which ceiling, and why ("the DRAM ceiling (44.1 GB/s) was taken in a slow
 * minute: the probe read 61.0 GB/s while this kernel ran at 52.3"). */
void rl_bound_text(rl_bound_verdict verdict, const rl_placement *pl, rl_roof roof, double probe_gbs, char *buf,
                   size_t len);

#endif
