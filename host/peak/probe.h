#ifndef OCLAB_HOST_PEAK_PROBE_H
#define OCLAB_HOST_PEAK_PROBE_H
/* The probes: samples of what the device's bandwidth and f32 FMA throughput are at this moment, taken
 * between a decode kernel's samples, so each kernel is also compared with what the shared machine gave
 * it then. Each probe is as strong as the ceiling it stands in for: it runs the ceiling's own kernel in
 * the configuration the profile records for it (the read kernel at the first DRAM size; the f32 compute
 * kernel), so one probe sample is one launch of the ceiling's own length. A profile without those
 * records (older, or a failed sweep) gets the device's start configuration, and the probe says it has no
 * parity. */
#include <stddef.h>

#include <cjson/cJSON.h>

#include "host/cl/context.h"
#include "host/cl/timing.h"

typedef struct oclab_probe oclab_probe;
typedef struct oclab_compute_probe oclab_compute_probe;

/* ---- probe.c: the streaming-read probe ---- */
cl_int oclab_probe_create(oclab_cl *cl, const cJSON *profile, oclab_probe **probe);
/* One launch of the ceiling's read over the next cold copy: GB/s, STREAM-counted. */
cl_int oclab_probe_sample(oclab_probe *probe, double *gbs);
void oclab_probe_free(oclab_probe *probe);

/* ---- probe_compute.c: the f32 FMA probe ---- */
cl_int oclab_compute_probe_create(oclab_cl *cl, const cJSON *profile, oclab_compute_probe **probe);
/* One launch: GFLOP/s (FMA = 2 FLOPs). */
cl_int oclab_compute_probe_sample(oclab_compute_probe *probe, double *gflops);
void oclab_compute_probe_free(oclab_compute_probe *probe);

/* {kernel, configuration, bytes or ops per launch, parity} of each probe, for measurements.probes. */
cJSON *oclab_probe_json(const oclab_probe *probe);
cJSON *oclab_compute_probe_json(const oclab_compute_probe *probe);

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
