/* The interleaved streaming-read probe (kernels/probe.cl): a short, cold, plain read of a buffer beyond
 * the last-level cache, sampled between kernel samples to follow the machine's bandwidth drift. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/peak/probe.h"

#define PROBE_ACC 4
#define VEC_BYTES 64 /* float16 */
#define PROBE_MAX_COPIES 8

struct oclab_probe {
    oclab_cl *cl;
    cl_program program;
    cl_kernel kernel;
    cl_mem buf[PROBE_MAX_COPIES], out;
    int copies, next; /* samples rotate through the copies, as the kernels' operands do */
    size_t global, local;
    uint64_t bytes; /* STREAM-counted: buffer read + one float written per work-item */
};

void oclab_probe_free(oclab_probe *probe)
{
    if (!probe)
        return;
    oclab_cl_release_kernel(&probe->kernel);
    oclab_cl_release_program(&probe->program);
    for (int c = 0; c < probe->copies; c++)
        oclab_cl_release_mem(&probe->buf[c]);
    oclab_cl_release_mem(&probe->out);
    free(probe);
}

cl_int oclab_probe_create(oclab_cl *cl, oclab_probe **out)
{
    cl_int err = CL_SUCCESS;
    const oclab_device_info *info = cl->info;
    oclab_probe *p = calloc(1, sizeof *p);
    char options[64];
    cl_uint per_item;
    *out = NULL;
    if (!p) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(probe)");
    }
    p->cl = cl;
    /* 2x the last-level cache (at least 64 MiB, when the cache size is unknown or small), within an
     * eighth of global memory and the max allocation: a few ms at DRAM speed. Samples rotate through
     * copies totalling 4x the cache (oclab_cold_copies), the kernels' own rule: with one buffer, the
     * probe read about 10% faster beside kernels shorter than itself (some of it still cached, it
     * seems), which made their efficiency_vs_probe read low (POCL / Zen 5, alternating runs). */
    uint64_t bytes = 2 * (uint64_t)info->global_cache_bytes;
    if (bytes < (64u << 20))
        bytes = 64u << 20;
    if (bytes > info->global_mem_bytes / 8)
        bytes = info->global_mem_bytes / 8;
    if (bytes > info->max_alloc_bytes)
        bytes = info->max_alloc_bytes;
    int cpu = (info->type & CL_DEVICE_TYPE_CPU) != 0;
    /* CPUs: one contiguous 64 KiB stream per work-item, as GEMV rows are read; GPUs: interleaved. */
    per_item = cpu ? 1024 : 16;
    p->local = cpu ? 8 : (info->max_work_group_size >= 256 ? 256 : info->max_work_group_size);
    uint64_t vectors = bytes / VEC_BYTES;
    p->global = (size_t)(vectors / per_item / p->local * p->local);
    if (p->global == 0) {
        err = CL_INVALID_BUFFER_SIZE;
        CL_CHECK("probe sizing");
    }
    bytes = (uint64_t)p->global * per_item * VEC_BYTES;
    p->bytes = bytes + p->global * sizeof(float);
    /* Non-zero pseudo-random-ish contents: hardware compression must not shortcut the read. */
    float *init = malloc(bytes);
    if (!init) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(probe data)");
    }
    for (uint64_t i = 0; i < bytes / sizeof(float); i++)
        init[i] = (float)((i * 2654435761u) % 1000003u) * 1e-6f;
    p->copies = oclab_cold_copies(info, bytes);
    if (p->copies > PROBE_MAX_COPIES)
        p->copies = PROBE_MAX_COPIES;
    for (int c = 0; c < p->copies && err == CL_SUCCESS; c++)
        err = oclab_cl_buffer(cl, CL_MEM_READ_ONLY, bytes, init, &p->buf[c]);
    free(init);
    CL_CHECK("probe buffer");
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_WRITE_ONLY, p->global * sizeof(float), NULL, &p->out));
    snprintf(options, sizeof options, "-DCONTIG=%d -DACC=%d", cpu, PROBE_ACC);
    CL_TRY(oclab_cl_build(cl, "probe.cl", options, &p->program));
    CL_TRY(oclab_cl_kernel(p->program, "probe_read", &p->kernel));
    CL_TRY(oclab_cl_arg(p->kernel, 1, sizeof(cl_mem), &p->out));
    CL_TRY(oclab_cl_arg(p->kernel, 2, sizeof per_item, &per_item));
    double warm;
    CL_TRY(oclab_probe_sample(p, &warm)); /* first launch pays for compilation and page faults */
    oclab_debug("probe: %.1f MB x %d copies, %zu work-items, first sample %.1f GB/s", p->bytes / 1e6, p->copies,
                p->global, warm);
    *out = p;
    p = NULL;
cleanup:
    oclab_probe_free(p);
    return err;
}

/* One read of the next copy (an oclab_enqueue_fn). */
static cl_int probe_enqueue(void *user, int rep, cl_event *first, cl_event *last)
{
    (void)rep;
    (void)first;
    cl_int err = CL_SUCCESS;
    oclab_probe *p = user;
    CL_TRY(oclab_cl_arg(p->kernel, 0, sizeof(cl_mem), &p->buf[p->next]));
    p->next = (p->next + 1) % p->copies;
    CL_TRY(clEnqueueNDRangeKernel(p->cl->queue, p->kernel, 1, NULL, &p->global, &p->local, 0, NULL, last));
cleanup:
    return err;
}

cl_int oclab_probe_sample(oclab_probe *p, double *gbs)
{
    double device_s = 0.0, host_s;
    cl_int err = oclab_time_sample(p->cl, probe_enqueue, p, 0, &device_s, &host_s);
    *gbs = err == CL_SUCCESS && device_s > 0.0 ? (double)p->bytes / device_s / 1e9 : 0.0;
    return err;
}
