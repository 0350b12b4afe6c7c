#ifndef OCLAB_HOST_CL_TIMING_H
#define OCLAB_HOST_CL_TIMING_H
/* The measurement protocol of DESIGN.md: untimed warm-up, repetitions sized to a time budget, each
 * launch timed by its event (START->END) and by the host clock around enqueue..finish; statistics
 * min/median/max/CV. Where the device's events cannot be believed (oclab_cl_clock), the kernel time is
 * the host time less the measured launch overhead, and results say so ("clock": "host"). A run whose
 * clocks disagree, either way, or too short for the host clock to time, is marked suspect. */
#include <CL/cl.h>
#include <cjson/cJSON.h>

#include "host/cl/context.h"

typedef struct {
    double min, median, max, mean;
    double cv; /* standard deviation / mean */
    int n;
} oclab_stats;

/* Statistics of N samples (N >= 1; the array is not modified). */
void oclab_stats_of(const double *samples, int n, oclab_stats *out);

/* {min, median, max, cv, n} */
cJSON *oclab_stats_json(const oclab_stats *stats);

double oclab_now(void); /* monotonic seconds */

/* Enqueues what one sample measures (rep counts from 0, so callers can rotate buffers for cold reads)
 * and returns its event in *last. A measurement of several launches (a two-pass kernel) also returns
 * its first launch's event in *first; the sample then spans START of first to END of last. *first is
 * NULL on entry and may stay so. */
typedef cl_int (*oclab_enqueue_fn)(void *user, int rep, cl_event *first, cl_event *last);

typedef struct {
    double budget_s; /* total sampling time aimed for */
    int min_reps, max_reps;
} oclab_time_opts;

typedef struct {
    oclab_stats device; /* seconds of kernel time: from events, or the host clock less the launch overhead */
    oclab_stats host;   /* seconds, wall clock around each launch */
    int reps;
    int host_clock;       /* device times come from the host clock (events not believed) */
    double overhead_s;    /* the launch overhead of the device (host clock, per launch) */
    int suspect;          /* oclab_timing_suspect */
    double overlong_s;    /* oclab_decode_time: the first launch, when past the watchdog bound; else 0 */
} oclab_timing;

/* One sample: enqueue, wait, read both clocks. *DEVICE_S is the kernel time: END - START of the events,
 * or, where events are not believed, the host time less one launch overhead per launch. */
cl_int oclab_time_sample(oclab_cl *cl, oclab_enqueue_fn fn, void *user, int rep, double *device_s,
                         double *host_s);

/* Warm-up (untimed), then samples until the budget is spent (within [min_reps, max_reps]). */
cl_int oclab_time_kernel(oclab_cl *cl, oclab_enqueue_fn fn, void *user, const oclab_time_opts *opts,
                         oclab_timing *out);

/* Whether a kernel time cannot be believed, given the launch overhead OVERHEAD_S (host clock): events
 * longer than the wall clock (beyond 5 % and 5 us), or shorter than a quarter of what the host clock saw
 * beyond one and a half launch overheads; by the host clock (HOST_CLOCK), a launch shorter than twice
 * the overhead, which is then most of what was timed. */
int oclab_timing_suspect(const oclab_stats *device, const oclab_stats *host, double overhead_s, int host_clock);

/* {time_s: stats, host_time_s: stats, reps, clock: "event"|"host", host_overhead_s, suspect} merged into
 * OBJ. */
void oclab_timing_to_json(const oclab_timing *timing, cJSON *obj);

#endif
