/* oclab peak, launch latency (an empty kernel) and host<->device transfer bandwidth. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/peak/peak.h"
#include "host/peak/stream.h"

#define MIB (1024.0 * 1024.0)

typedef struct {
    oclab_cl *cl;
    cl_kernel kernel;
    cl_mem mem;
    void *host;
    size_t bytes;
    int write; /* transfer direction: host to device */
} misc_launch;

static cl_int empty_fn(void *user, int rep, cl_event *first, cl_event *event)
{
    (void)first;
    (void)rep;
    misc_launch *l = user;
    size_t one = 1;
    return clEnqueueNDRangeKernel(l->cl->queue, l->kernel, 1, NULL, &one, &one, 0, NULL, event);
}

static cl_int transfer_fn(void *user, int rep, cl_event *first, cl_event *event)
{
    (void)first;
    (void)rep;
    misc_launch *l = user;
    if (l->write)
        return clEnqueueWriteBuffer(l->cl->queue, l->mem, CL_FALSE, 0, l->bytes, l->host, 0, NULL, event);
    return clEnqueueReadBuffer(l->cl->queue, l->mem, CL_FALSE, 0, l->bytes, l->host, 0, NULL, event);
}

int oclab_peak_latency(oclab_peak_ctx *ctx)
{
    cl_int err = CL_SUCCESS;
    cl_program program = NULL;
    misc_launch l = {ctx->cl, NULL, NULL, NULL, 0, 0};
    oclab_time_opts opts = {ctx->budget_s, 20, 100000};
    oclab_timing t;
    CL_TRY(oclab_cl_build(ctx->cl, "calibrate.cl", "", &program));
    CL_TRY(oclab_cl_kernel(program, "empty", &l.kernel));
    CL_TRY(oclab_cl_buffer(ctx->cl, CL_MEM_READ_WRITE, sizeof(float), NULL, &l.mem));
    CL_TRY(oclab_cl_arg(l.kernel, 0, sizeof l.mem, &l.mem));
    CL_TRY(oclab_time_kernel(ctx->cl, empty_fn, &l, &opts, &t));

    cJSON *o = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(ctx->profile, "measurements"), "latency");
    cJSON_AddStringToObject(o, "kernel", "empty, one work-item");
    /* host: enqueue..clFinish wall clock, what a caller waits per launch; event: START..END, where events
     * can be believed */
    cJSON_AddNumberToObject(o, "host_us", t.host.median * 1e6);
    if (t.host_clock)
        cJSON_AddNullToObject(o, "event_us");
    else
        cJSON_AddNumberToObject(o, "event_us", t.device.median * 1e6);
    oclab_timing_to_json(&t, o);
    if (t.host_clock)
        oclab_log("launch latency %.1f us (host, enqueue to finish; events not believed)", t.host.median * 1e6);
    else
        oclab_log("launch latency %.1f us (host, enqueue to finish), %.1f us (event)", t.host.median * 1e6,
                  t.device.median * 1e6);
cleanup:
    oclab_cl_release_mem(&l.mem);
    oclab_cl_release_kernel(&l.kernel);
    oclab_cl_release_program(&program);
    if (err != CL_SUCCESS)
        ctx->failed = 1;
    return err == CL_SUCCESS ? OCLAB_EXIT_OK : OCLAB_EXIT_FAIL;
}

int oclab_peak_transfer(oclab_peak_ctx *ctx)
{
    cl_int err = CL_SUCCESS;
    size_t bytes = (size_t)((ctx->quick ? 16.0 : 64.0) * MIB);
    if (bytes > ctx->cl->info->max_alloc_bytes)
        bytes = (size_t)ctx->cl->info->max_alloc_bytes;
    misc_launch l = {ctx->cl, NULL, NULL, NULL, bytes, 1};
    float *src = malloc(bytes), *back = malloc(bytes);
    oclab_time_opts opts = {ctx->budget_s, 3, 100000};
    cJSON *o = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(ctx->profile, "measurements"), "transfer");
    cJSON_AddNumberToObject(o, "bytes", (double)bytes);
    cJSON_AddStringToObject(o, "host_memory", "pageable (malloc)");
    if (!src || !back) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(transfer buffers)");
    }
    oclab_stream_fill(src, bytes / sizeof(float), 3);
    CL_TRY(oclab_cl_buffer(ctx->cl, CL_MEM_READ_WRITE, bytes, NULL, &l.mem));
    for (int write = 1; write >= 0; write--) {
        oclab_timing t;
        l.write = write;
        l.host = write ? (void *)src : (void *)back;
        CL_TRY(oclab_time_kernel(ctx->cl, transfer_fn, &l, &opts, &t));
        /* the buffer holds what was written; what came back must be that */
        int verified = write || memcmp(src, back, bytes) == 0;
        cJSON *d = cJSON_AddObjectToObject(o, write ? "host_to_device" : "device_to_host");
        cJSON_AddBoolToObject(d, "verified", verified);
        cJSON_AddNumberToObject(d, "gbs", bytes / t.device.median / 1e9);
        cJSON_AddNumberToObject(d, "host_gbs", bytes / t.host.median / 1e9);
        oclab_timing_to_json(&t, d);
        if (!verified) {
            oclab_error("transfer: data read back differs from the data written");
            ctx->failed = 1;
        }
        oclab_log("transfer %s %.1f GB/s", write ? "host->device" : "device->host", bytes / t.device.median / 1e9);
    }
cleanup:
    oclab_cl_release_mem(&l.mem);
    free(src);
    free(back);
    if (err != CL_SUCCESS)
        ctx->failed = 1;
    return err == CL_SUCCESS ? OCLAB_EXIT_OK : OCLAB_EXIT_FAIL;
}
