/* The driver's clock and loop limit, measured when a device is opened (context.h, oclab_cl_clock). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/context.h"
#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/cl/timing.h"

#define EMPTY_SAMPLES 15
#define BUSY_TARGET_S 3e-3 /* the comparison launch: long against any launch overhead seen (0.3 ms) */
#define BUSY_SAMPLES 5
#define EVENT_TOLERANCE 0.5 /* events within 50 % of the host's kernel time, either way */

/* One launch of KERNEL over GLOBAL work-items, by both clocks. */
static cl_int launch(oclab_cl *cl, cl_kernel kernel, size_t global, size_t local, double *host_s, double *event_s)
{
    cl_int err = CL_SUCCESS;
    cl_event ev = NULL;
    cl_ulong start = 0, end = 0;
    double t0 = oclab_now();
    CL_TRY(clEnqueueNDRangeKernel(cl->queue, kernel, 1, NULL, &global, local ? &local : NULL, 0, NULL, &ev));
    CL_TRY(clFinish(cl->queue));
    *host_s = oclab_now() - t0;
    CL_TRY(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof start, &start, NULL));
    CL_TRY(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL));
    *event_s = end > start ? 1e-9 * (double)(end - start) : 0.0;
cleanup:
    if (ev)
        clReleaseEvent(ev);
    return err;
}

static cl_int loop_limit(oclab_cl *cl, cl_kernel kernel, cl_mem out, oclab_cl_clock *clock)
{
    cl_int err = CL_SUCCESS;
    cl_uint init[2] = {0, 0}, n = OCLAB_LOOP_PROBE;
    double host, event;
    CL_TRY(clEnqueueWriteBuffer(cl->queue, out, CL_TRUE, 0, sizeof init, init, 0, NULL, NULL));
    CL_TRY(oclab_cl_arg(kernel, 0, sizeof out, &out));
    CL_TRY(oclab_cl_arg(kernel, 1, sizeof n, &n));
    CL_TRY(launch(cl, kernel, 1, 1, &host, &event));
    CL_TRY(oclab_cl_read(cl, out, sizeof init, init));
    clock->loop_limit = init[0] < n ? init[0] : 0;
    if (clock->loop_limit)
        oclab_warn("%s stops every loop of a work-item after %llu trips (a driver limit): launches are sized "
                   "below it", cl->info->name, (unsigned long long)clock->loop_limit);
cleanup:
    return err;
}

static double median(double *v, int n)
{
    oclab_stats s;
    oclab_stats_of(v, n, &s);
    return s.median;
}

static cl_int overhead(oclab_cl *cl, cl_kernel kernel, cl_mem out, oclab_cl_clock *clock)
{
    cl_int err = CL_SUCCESS;
    double host[EMPTY_SAMPLES], event[EMPTY_SAMPLES];
    CL_TRY(oclab_cl_arg(kernel, 0, sizeof out, &out));
    for (int i = -2; i < EMPTY_SAMPLES; i++) /* two untimed: first-launch costs */
        CL_TRY(launch(cl, kernel, 1, 1, &host[i < 0 ? 0 : i], &event[i < 0 ? 0 : i]));
    clock->launch_host_s = median(host, EMPTY_SAMPLES);
    clock->launch_event_s = median(event, EMPTY_SAMPLES);
cleanup:
    return err;
}

/* A launch of about BUSY_TARGET_S (more work-items, not longer loops, past the loop budget), timed both
 * ways; the verdict on the events. */
static cl_int compare_clocks(oclab_cl *cl, cl_kernel kernel, oclab_cl_clock *clock)
{
    cl_int err = CL_SUCCESS;
    cl_mem buf = NULL;
    size_t items = 64 * (size_t)(cl->info->compute_units ? cl->info->compute_units : 1);
    size_t max_items = items << 12;
    cl_uint reps = 256;
    uint64_t budget = oclab_cl_loop_budget(cl);
    double host[BUSY_SAMPLES], event[BUSY_SAMPLES];
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_WRITE, max_items * sizeof(float), NULL, &buf));
    CL_TRY(clEnqueueFillBuffer(cl->queue, buf, &(float){0.5f}, sizeof(float), 0, max_items * sizeof(float), 0, NULL,
                               NULL));
    CL_TRY(oclab_cl_arg(kernel, 0, sizeof buf, &buf));
    for (int round = 0; round < 12; round++) {
        CL_TRY(oclab_cl_arg(kernel, 1, sizeof reps, &reps));
        CL_TRY(launch(cl, kernel, items, 0, &host[0], &event[0]));
        if (host[0] - clock->launch_host_s >= BUSY_TARGET_S)
            break;
        if ((uint64_t)reps * 4 < budget)
            reps *= 4;
        else if (items * 4 <= max_items)
            items *= 4;
        else
            break;
    }
    /* The launch the machine disturbed least (the shortest by the host clock) is the one compared: on a
     * shared machine the host clock also counts the time the driver's threads wait for a core. */
    int best = 0;
    for (int i = 0; i < BUSY_SAMPLES; i++) {
        CL_TRY(launch(cl, kernel, items, 0, &host[i], &event[i]));
        best = host[i] < host[best] ? i : best;
    }
    clock->busy_host_s = host[best];
    clock->busy_event_s = event[best];
    double kernel_s = clock->busy_host_s - clock->launch_host_s;
    if (cl->info->timer_resolution_ns == 0)
        snprintf(clock->event_why, sizeof clock->event_why, "the profiling timer resolution is 0");
    else if (clock->busy_event_s > (1.0 + EVENT_TOLERANCE) * clock->busy_host_s + 5e-6)
        snprintf(clock->event_why, sizeof clock->event_why,
                 "a launch took %.3g ms by its events but %.3g ms by the host clock", 1e3 * clock->busy_event_s,
                 1e3 * clock->busy_host_s);
    else if (clock->busy_event_s < (1.0 - EVENT_TOLERANCE) * kernel_s)
        snprintf(clock->event_why, sizeof clock->event_why,
                 "a launch took %.3g ms by its events but %.3g ms by the host clock, less %.3g ms of launch "
                 "overhead", 1e3 * clock->busy_event_s, 1e3 * clock->busy_host_s, 1e3 * clock->launch_host_s);
    else {
        clock->event_trusted = 1;
        snprintf(clock->event_why, sizeof clock->event_why,
                 "a launch took %.3g ms by its events and %.3g ms by the host clock (%.3g ms of it launch overhead)",
                 1e3 * clock->busy_event_s, 1e3 * clock->busy_host_s, 1e3 * clock->launch_host_s);
    }
cleanup:
    oclab_cl_release_mem(&buf);
    return err;
}

cl_int oclab_cl_calibrate(oclab_cl *cl)
{
    cl_int err = CL_SUCCESS;
    cl_program program = NULL;
    cl_kernel loop = NULL, busy = NULL, empty = NULL;
    cl_mem out = NULL;
    oclab_cl_clock *clock = &cl->clock;
    memset(clock, 0, sizeof *clock);
    snprintf(clock->event_why, sizeof clock->event_why, "the calibration did not run");
    CL_TRY(oclab_cl_build(cl, "calibrate.cl", "", &program));
    CL_TRY(oclab_cl_kernel(program, "loop_count", &loop));
    CL_TRY(oclab_cl_kernel(program, "busy", &busy));
    CL_TRY(oclab_cl_kernel(program, "empty", &empty));
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_WRITE, 2 * sizeof(cl_uint), NULL, &out));
    CL_TRY(loop_limit(cl, loop, out, clock));
    CL_TRY(overhead(cl, empty, out, clock));
    CL_TRY(compare_clocks(cl, busy, clock));
    clock->done = 1;
    if (!clock->event_trusted)
        oclab_warn("%s: event timestamps are not believed (%s): kernels are timed by the host clock less the "
                   "launch overhead (%.1f us)", cl->info->name, clock->event_why, 1e6 * clock->launch_host_s);
cleanup:
    oclab_cl_release_mem(&out);
    oclab_cl_release_kernel(&loop);
    oclab_cl_release_kernel(&busy);
    oclab_cl_release_kernel(&empty);
    oclab_cl_release_program(&program);
    return err;
}

cJSON *oclab_cl_clock_json(const oclab_cl_clock *clock)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "clock", clock->event_trusted ? "event" : "host");
    cJSON_AddBoolToObject(o, "event_trusted", clock->event_trusted);
    cJSON_AddStringToObject(o, "why", clock->event_why);
    cJSON_AddNumberToObject(o, "launch_host_s", clock->launch_host_s);
    cJSON_AddNumberToObject(o, "launch_event_s", clock->launch_event_s);
    cJSON_AddNumberToObject(o, "comparison_host_s", clock->busy_host_s);
    cJSON_AddNumberToObject(o, "comparison_event_s", clock->busy_event_s);
    if (clock->loop_limit)
        cJSON_AddNumberToObject(o, "loop_limit", (double)clock->loop_limit);
    else
        cJSON_AddNullToObject(o, "loop_limit");
    return o;
}

uint64_t oclab_cl_loop_budget(const oclab_cl *cl)
{
    return cl->clock.loop_limit ? cl->clock.loop_limit / 10 * 9 : UINT64_MAX;
}
