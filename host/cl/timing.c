#include "host/cl/timing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/cl/error.h"
#include "host/cl/log.h"

#define SAMPLE_CAP 100000

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void oclab_stats_of(const double *samples, int n, oclab_stats *out)
{
    memset(out, 0, sizeof *out);
    if (n <= 0)
        return;
    double *sorted = malloc((size_t)n * sizeof *sorted);
    if (!sorted)
        return;
    memcpy(sorted, samples, (size_t)n * sizeof *sorted);
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_double);
    double sum = 0.0, sq = 0.0;
    for (int i = 0; i < n; i++)
        sum += sorted[i];
    double mean = sum / n;
    for (int i = 0; i < n; i++)
        sq += (sorted[i] - mean) * (sorted[i] - mean);
    out->n = n;
    out->min = sorted[0];
    out->max = sorted[n - 1];
    out->median = (n % 2) ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    out->mean = mean;
    out->cv = (n > 1 && mean > 0.0) ? sqrt(sq / (n - 1)) / mean : 0.0;
    free(sorted);
}

cJSON *oclab_stats_json(const oclab_stats *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "min", s->min);
    cJSON_AddNumberToObject(o, "median", s->median);
    cJSON_AddNumberToObject(o, "max", s->max);
    cJSON_AddNumberToObject(o, "cv", s->cv);
    cJSON_AddNumberToObject(o, "n", s->n);
    return o;
}

double oclab_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

cl_int oclab_time_sample(oclab_cl *cl, oclab_enqueue_fn fn, void *user, int rep, double *device_s,
                         double *host_s)
{
    cl_int err = CL_SUCCESS;
    cl_event first = NULL, last = NULL;
    cl_ulong start = 0, end = 0;
    double t0 = oclab_now();
    CL_TRY(fn(user, rep, &first, &last));
    CL_TRY(clFinish(cl->queue));
    *host_s = oclab_now() - t0;
    if (!cl->clock.event_trusted) {
        double kernel_s = *host_s - (first ? 2.0 : 1.0) * cl->clock.launch_host_s;
        *device_s = kernel_s > 1e-9 ? kernel_s : 1e-9;
        goto cleanup;
    }
    CL_TRY(clGetEventProfilingInfo(first ? first : last, CL_PROFILING_COMMAND_START, sizeof start, &start,
                                   NULL));
    CL_TRY(clGetEventProfilingInfo(last, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL));
    *device_s = 1e-9 * (double)(end - start);
cleanup:
    if (first)
        clReleaseEvent(first);
    if (last)
        clReleaseEvent(last);
    return err;
}

int oclab_timing_suspect(const oclab_stats *device, const oclab_stats *host, double overhead_s, int host_clock)
{
    if (host_clock)
        return host->median < 2.0 * overhead_s;
    /* 5 % plus the host timer's own granularity; the overhead varies from launch to launch, hence the
     * slack of one and a half of it (a two-launch sample pays it twice). On a shared machine the host
     * clock also counts the time the driver's threads wait for a core (2x under a load of twice the
     * cores here), so events are suspect only below a quarter of it. */
    if (device->median > 1.05 * host->median + 5e-6)
        return 1;
    return device->median < 0.25 * host->median - 1.5 * overhead_s;
}

cl_int oclab_time_kernel(oclab_cl *cl, oclab_enqueue_fn fn, void *user, const oclab_time_opts *opts,
                         oclab_timing *out)
{
    cl_int err = CL_SUCCESS;
    double dev = 0.0, host = 0.0;
    double *dev_samples = NULL, *host_samples = NULL;
    memset(out, 0, sizeof *out);

    CL_TRY(oclab_time_sample(cl, fn, user, 0, &dev, &host)); /* warm-up: first-launch costs, untimed */
    double per_launch = host > 1e-7 ? host : 1e-7;
    int reps = (int)(opts->budget_s / per_launch);
    if (reps < opts->min_reps)
        reps = opts->min_reps;
    if (reps > opts->max_reps)
        reps = opts->max_reps;
    if (reps > SAMPLE_CAP)
        reps = SAMPLE_CAP;
    if (reps < 1)
        reps = 1;
    dev_samples = malloc((size_t)reps * sizeof *dev_samples);
    host_samples = malloc((size_t)reps * sizeof *host_samples);
    if (!dev_samples || !host_samples) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(samples)");
    }
    double deadline = oclab_now() + 2.0 * opts->budget_s;
    int n = 0;
    for (; n < reps; n++) {
        CL_TRY(oclab_time_sample(cl, fn, user, n + 1, &dev_samples[n], &host_samples[n]));
        /* The first estimate can be off (caches, clocks ramping): stop at twice the budget. */
        if (n + 1 >= opts->min_reps && oclab_now() > deadline) {
            n++;
            break;
        }
    }
    oclab_stats_of(dev_samples, n, &out->device);
    oclab_stats_of(host_samples, n, &out->host);
    out->reps = n;
    out->host_clock = !cl->clock.event_trusted;
    out->overhead_s = cl->clock.launch_host_s;
    out->suspect = oclab_timing_suspect(&out->device, &out->host, out->overhead_s, out->host_clock);
cleanup:
    free(dev_samples);
    free(host_samples);
    return err;
}

void oclab_timing_to_json(const oclab_timing *t, cJSON *obj)
{
    cJSON_AddItemToObject(obj, "time_s", oclab_stats_json(&t->device));
    cJSON_AddItemToObject(obj, "host_time_s", oclab_stats_json(&t->host));
    cJSON_AddNumberToObject(obj, "reps", t->reps);
    cJSON_AddStringToObject(obj, "clock", t->host_clock ? "host" : "event");
    cJSON_AddNumberToObject(obj, "host_overhead_s", t->overhead_s);
    cJSON_AddBoolToObject(obj, "suspect", t->suspect);
}
