#ifndef OCLAB_HOST_PEAK_PROBE_H
#define OCLAB_HOST_PEAK_PROBE_H
/* The probes: short measurements of the device's bandwidth and f32 FMA throughput, sampled between a
 * decode kernel's samples so each kernel is compared with what the shared machine gave at that moment.
 * They run the peak's own kernels (probe.cl's streaming read, compute.cl), so they live beside them. */
#include <stddef.h>

#include "host/cl/context.h"
#include "host/cl/timing.h"

typedef struct oclab_probe oclab_probe;
typedef struct oclab_compute_probe oclab_compute_probe;

/* ---- probe.c: the streaming-read probe ---- */
cl_int oclab_probe_create(oclab_cl *cl, oclab_probe **probe);
/* One short streaming read (a few ms) over a buffer beyond the LLC: GB/s, STREAM-counted. */
cl_int oclab_probe_sample(oclab_probe *probe, double *gbs);
void oclab_probe_free(oclab_probe *probe);

/* ---- probe_compute.c: the f32 FMA probe ---- */
/* compute.cl's f32 FMA kernel in the configuration of the profile's f32 ceiling (VEC lanes, WG
 * work-items; 0: the device's preferred width, 64), launches of about 1 ms, verified once. */
cl_int oclab_compute_probe_create(oclab_cl *cl, int vec, size_t wg, oclab_compute_probe **probe);
/* One launch: GFLOP/s (FMA = 2 FLOPs). */
cl_int oclab_compute_probe_sample(oclab_compute_probe *probe, double *gflops);
void oclab_compute_probe_free(oclab_compute_probe *probe);

/* The interleaved probes over one kernel's samples. */
typedef struct {
    oclab_stats gbs;    /* the streaming-read probe's GB/s */
    oclab_stats gflops; /* the compute probe's GFLOP/s */
    /* Medians over the pairs (kernel sample, probe sample taken right after it) of kernel seconds x
     * probe GB/s, and x probe GFLOP/s: the gigabytes the probe reads, and the GFLOP it computes, in one
     * run of the kernel, both sides of a pair taken under the same state of the shared machine. By
     * the device clock, and by the host clock for kernels timed by the host. 0 without that probe. */
    double paired_gb, paired_gb_host, paired_gflop, paired_gflop_host;
} oclab_probe_result;

#endif
