/* Placing a measured kernel on a roofline (place.h). */
#include "roofline/place.h"

#include <math.h>
#include <stdio.h>

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

rl_bound_verdict rl_check_bound(const rl_placement *pl, rl_roof roof, double probe_gbs, double *raise)
{
    *raise = 0.0;
    if (!pl->above_roof)
        return RL_BOUND_HELD;
    if (pl->compute_bound) {
        *raise = pl->gflops;
        return RL_BOUND_COMPUTE_LOW;
    }
    (void)roof;
    return probe_gbs > 0.0 && pl->gbs <= (1.0 + RL_ABOVE_ROOF_TOLERANCE) * probe_gbs ? RL_BOUND_DRAM_MOMENT
                                                                                       : RL_BOUND_DRAM_LOW;
}

void rl_bound_text(rl_bound_verdict verdict, const rl_placement *pl, rl_roof roof, double probe_gbs, char *buf,
                   size_t len)
{
    switch (verdict) {
    case RL_BOUND_HELD:
        snprintf(buf, len, "within %.0f %% of its roof", 100.0 * RL_ABOVE_ROOF_TOLERANCE);
        break;
    case RL_BOUND_DRAM_MOMENT:
        snprintf(buf, len,
                 "%.1f GB/s is %.0f %% above the DRAM ceiling (%.1f GB/s) but within what the probe read while it "
                 "ran (%.1f GB/s): the ceiling was taken in a slow minute of a drifting machine",
                 pl->gbs, 100.0 * (pl->gbs / roof.gbs - 1.0), roof.gbs, probe_gbs);
        break;
    case RL_BOUND_DRAM_LOW:
        snprintf(buf, len, "%.1f GB/s is %.0f %% above the DRAM ceiling (%.1f GB/s)%s: the DRAM ceiling is "
                 "under-measured", pl->gbs, 100.0 * (pl->gbs / roof.gbs - 1.0), roof.gbs,
                 probe_gbs > 0.0 ? " and above the probe" : "");
        break;
    default:
        snprintf(buf, len, "%.1f GFLOP/s is %.0f %% above the compute ceiling (%.1f GFLOP/s): the compute ceiling is "
                 "under-measured", pl->gflops, 100.0 * (pl->gflops / roof.gflops - 1.0), roof.gflops);
        break;
    }
}
