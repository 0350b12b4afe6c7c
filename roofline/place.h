#ifndef OCLAB_ROOFLINE_PLACE_H
#define OCLAB_ROOFLINE_PLACE_H
/* Placing a measured kernel on a roofline. */
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

#endif
