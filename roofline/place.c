/* Placing a measured kernel on a roofline (place.h). */
#include "roofline/place.h"

#include <math.h>

/* Timer noise and the statistic used can push a kernel a few percent past a roof it truly sits on;
 * beyond 5% it is not noise but a wrong FLOP/byte count or a wrong timing. */
#define RL_ABOVE_ROOF_TOLERANCE 0.05

rl_placement rl_place(double flops, double bytes, double time_s, rl_roof roof)
{
    rl_placement p;
    if (!(flops >= 0.0) || !(bytes > 0.0) || !(time_s > 0.0) || !(roof.gflops > 0.0) || !(roof.gbs > 0.0)) {
        p.gflops = p.gbs = p.intensity = p.roof_gflops = p.efficiency = NAN;
        p.compute_bound = 0;
        p.above_roof = 0;
        return p;
    }
    p.gflops = flops / time_s / 1e9;
    p.gbs = bytes / time_s / 1e9;
    p.intensity = flops / bytes;
    double memory_roof = p.intensity * roof.gbs;
    p.compute_bound = memory_roof > roof.gflops;
    p.roof_gflops = p.compute_bound ? roof.gflops : memory_roof;
    p.efficiency = p.roof_gflops > 0.0 ? p.gflops / p.roof_gflops : NAN;
    p.above_roof = p.efficiency > 1.0 + RL_ABOVE_ROOF_TOLERANCE;
    return p;
}
