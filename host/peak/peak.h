#ifndef OCLAB_HOST_PEAK_PEAK_H
#define OCLAB_HOST_PEAK_PEAK_H
/* oclab peak: the device's roofline. A bandwidth sweep (STREAM-style kernels over working-set sizes,
 * bandwidth.c), compute peaks per precision (compute.c), launch latency and host<->device transfer
 * (latency_transfer.c), every kernel configuration from the tuner (host/tune/). Results go into a
 * profile: measurements.bandwidth / .compute / .latency / .transfer / .timing, ceilings.memory[] (one
 * per memory level found, "dram" always when measured), ceilings.compute[], ridges[] (ceilings.c). */
#include <cjson/cJSON.h>

#include "host/cl/context.h"
#include "host/cl/opts.h"
#include "host/cl/status.h"
#include "host/cl/timing.h"
#include "host/tune/tune.h"

/* Measures CL's device into PROFILE (made by oclab_profile_new). Features the device lacks go to
 * skipped[]. Returns OCLAB_EXIT_OK, or OCLAB_EXIT_FAIL when a kernel failed to build/run or a
 * result failed verification (the rest of the figures are still recorded). */
int oclab_peak_measure(oclab_cl *cl, const oclab_device_opts *opts, cJSON *profile);

/* Prints the human table of a profile's peak measurements and ceilings to stdout. */
void oclab_peak_print(const cJSON *profile);

/* ---- Shared by the peak_*.c files and the tests ---- */
typedef struct {
    oclab_cl *cl;
    cJSON *profile;
    int quick;
    double budget_s;     /* sampling budget of one measurement (--max-time) */
    double launch_s;     /* aimed duration of one launch: long enough to time */
    double max_launch_s; /* no launch longer than this (GPU watchdogs reset kernels after ~2 s) */
    int failed;          /* a kernel failed to build, run or verify */
    oclab_tuner tuner;
} oclab_peak_ctx;

/* The working-set sweep of every stream kernel into measurements.bandwidth. */
int oclab_peak_bandwidth(oclab_peak_ctx *ctx);

/* Every supported precision into measurements.compute (the rest into skipped[]). */
int oclab_peak_compute(oclab_peak_ctx *ctx);

/* Launch latency (empty kernel, both clocks) and host<->device transfer. */
int oclab_peak_latency(oclab_peak_ctx *ctx);
int oclab_peak_transfer(oclab_peak_ctx *ctx);

/* ceilings.memory from the sweep: cache levels are the plateaus (roofline/plateau.h) of the best kernel
 * at each size below the DRAM sizes; "dram" is the highest of the kernels' pooled medians over the DRAM
 * rounds (measurements.bandwidth.dram), with their spread. ceilings.compute: the verified medians per
 * precision, with their configuration and tuning. Results whose timing is suspect set no ceiling.
 * ridges[] = compute ceiling / DRAM ceiling per precision. */
void oclab_peak_ceilings(cJSON *profile);

#endif
