/* The streaming-read probe: the DRAM ceiling's read kernel, configuration and working set (probe.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/peak/probe.h"
#include "host/peak/stream.h"

#define PROBE_MAX_COPIES 8

struct oclab_probe {
    oclab_cl *cl;
    cl_program program;
    cl_kernel kernel;
    cl_mem buf[PROBE_MAX_COPIES], out;
    int copies, next; /* samples rotate through the copies, as the kernels' operands do */
    oclab_stream_shape shape;
    int parity;       /* the ceiling's own configuration */
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

static double number(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

/* The read point of PROFILE at its first DRAM size, verified; NULL when there is none. */
static const cJSON *ceiling_point(const cJSON *profile)
{
    const cJSON *bw = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(profile, "measurements"),
                                                       "bandwidth");
    const cJSON *sizes = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(bw, "dram"), "target_bytes");
    const cJSON *read = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(bw, "kernels"), "read");
    const cJSON *p;
    if (!cJSON_IsArray(sizes) || cJSON_GetArraySize(sizes) == 0)
        return NULL;
    double first = cJSON_GetArrayItem(sizes, 0)->valuedouble;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(read, "points"))
        if (number(p, "target_bytes") == first && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "verified")))
            return p;
    return NULL;
}

/* SHAPE from the ceiling's point; 0 when the point does not describe a shape this device can run. */
static int shape_from(const cJSON *p, const oclab_device_info *info, oclab_stream_shape *s)
{
    const cJSON *layout = cJSON_GetObjectItemCaseSensitive(p, "layout");
    double vec = number(p, "vector_width"), wg = number(p, "work_group"), groups = number(p, "groups");
    double per_wi = number(p, "vectors_per_item"), acc = number(p, "accumulators");
    if (!(vec == 1 || vec == 2 || vec == 4 || vec == 8 || vec == 16) || !(wg >= 1 && wg <= info->max_work_group_size) ||
        !(groups >= 1 && groups <= 1e6) || !(per_wi >= 1 && per_wi <= 4e9) || !(acc == 0 || (acc >= 1 && acc <= 32)) ||
        !cJSON_IsString(layout))
        return 0;
    *s = (oclab_stream_shape){OCLAB_STREAM_READ, (int)vec, (size_t)wg, (size_t)groups,
                              strcmp(layout->valuestring, "interleaved") == 0, (cl_uint)per_wi, 1, (int)acc};
    return 1;
}

/* Without the ceiling's point: the device's preferred width, its kind's layout, 4x its cache. */
static void default_shape(const oclab_cl *cl, oclab_stream_shape *s)
{
    const oclab_device_info *info = cl->info;
    int cpu = (info->type & CL_DEVICE_TYPE_CPU) != 0;
    int vec = 16;
    while (vec > 1 && (cl_uint)vec > info->preferred_vector_width[4])
        vec /= 2;
    size_t wg = cpu ? 1 : (info->max_work_group_size >= 256 ? 256 : info->max_work_group_size);
    size_t groups = (info->compute_units ? info->compute_units : 1) * (cpu ? 1u : 8u);
    double bytes = fmax(4.0 * (double)cl->llc_bytes, 64.0 * 1024 * 1024);
    bytes = fmin(bytes, fmin((double)info->max_alloc_bytes, (double)info->global_mem_bytes / 8.0));
    for (;;) { /* more groups until a work-item's loop trips fit the driver's budget */
        double per_wi = fmax(1.0, floor(bytes / (4.0 * vec * (double)(wg * groups))));
        *s = (oclab_stream_shape){OCLAB_STREAM_READ, vec, wg, groups, !cpu, (cl_uint)per_wi, 1, 0};
        if (oclab_stream_trips(s) <= oclab_cl_loop_budget(cl) || per_wi <= 1.0)
            return;
        groups *= 2;
    }
}

cl_int oclab_probe_create(oclab_cl *cl, const cJSON *profile, oclab_probe **out)
{
    cl_int err = CL_SUCCESS;
    float *init = NULL, *partials = NULL;
    char why[256];
    oclab_probe *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(probe)");
    }
    p->cl = cl;
    const cJSON *point = ceiling_point(profile);
    p->parity = point && shape_from(point, cl->info, &p->shape);
    if (!p->parity)
        default_shape(cl, &p->shape);
    size_t floats = oclab_stream_floats(&p->shape), bytes = floats * sizeof(float);
    if (oclab_stream_trips(&p->shape) > oclab_cl_loop_budget(cl) || bytes > cl->info->max_alloc_bytes) {
        err = CL_INVALID_BUFFER_SIZE;
        CL_CHECK("probe sizing (the driver's loop limit or max allocation)");
    }
    /* Pseudo-random contents: hardware compression must not shortcut the read. */
    init = malloc(bytes);
    partials = malloc(oclab_stream_items(&p->shape) * sizeof *partials);
    if (!init || !partials) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(probe data)");
    }
    oclab_stream_fill(init, floats, 7);
    p->copies = oclab_cl_cold_copies(cl, bytes);
    if (p->copies > PROBE_MAX_COPIES)
        p->copies = PROBE_MAX_COPIES;
    for (int c = 0; c < p->copies; c++)
        CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_ONLY, bytes, init, &p->buf[c]));
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_WRITE_ONLY, oclab_stream_items(&p->shape) * sizeof(float), NULL, &p->out));
    CL_TRY(oclab_stream_build(cl, &p->shape, &p->program, &p->kernel));
    /* one launch checked (the first pays for compilation and page faults): its sums must be right */
    cl_event ev = NULL;
    CL_TRY(oclab_stream_enqueue(cl, p->kernel, &p->shape, p->out, p->buf[0], p->buf[0], &ev));
    clReleaseEvent(ev);
    CL_TRY(oclab_cl_read(cl, p->out, oclab_stream_items(&p->shape) * sizeof *partials, partials));
    if (oclab_stream_verify(&p->shape, init, init, partials, why, sizeof why) != 0) {
        oclab_error("read probe failed verification: %s", why);
        err = CL_INVALID_VALUE;
        goto cleanup;
    }
    oclab_debug("probe: read of %.1f MB x %d copies, vec%d wg%zu x %zu groups%s", bytes / 1e6, p->copies,
                p->shape.vec, p->shape.wg, p->shape.groups, p->parity ? ", the DRAM ceiling's configuration" : "");
    *out = p;
    p = NULL;
cleanup:
    free(init);
    free(partials);
    oclab_probe_free(p);
    return err;
}

/* One read of the next copy (an oclab_enqueue_fn). */
static cl_int probe_enqueue(void *user, int rep, cl_event *first, cl_event *last)
{
    (void)rep;
    (void)first;
    oclab_probe *p = user;
    cl_mem buf = p->buf[p->next];
    p->next = (p->next + 1) % p->copies;
    return oclab_stream_enqueue(p->cl, p->kernel, &p->shape, p->out, buf, buf, last);
}

cl_int oclab_probe_sample(oclab_probe *p, double *gbs)
{
    double device_s = 0.0, host_s;
    cl_int err = oclab_time_sample(p->cl, probe_enqueue, p, 0, &device_s, &host_s);
    *gbs = err == CL_SUCCESS && device_s > 0.0 ? oclab_stream_bytes(&p->shape) / device_s / 1e9 : 0.0;
    return err;
}

cJSON *oclab_probe_json(const oclab_probe *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kernel", "stream read");
    cJSON_AddNumberToObject(o, "bytes", oclab_stream_bytes(&p->shape));
    cJSON_AddNumberToObject(o, "vector_width", p->shape.vec);
    cJSON_AddNumberToObject(o, "work_group", (double)p->shape.wg);
    cJSON_AddNumberToObject(o, "groups", (double)p->shape.groups);
    cJSON_AddStringToObject(o, "layout", p->shape.interleaved ? "interleaved" : "blocked");
    cJSON_AddNumberToObject(o, "accumulators", oclab_stream_acc(&p->shape));
    cJSON_AddNumberToObject(o, "cold_copies", p->copies);
    cJSON_AddBoolToObject(o, "parity", p->parity);
    cJSON_AddStringToObject(o, "parity_means", "the DRAM ceiling's read kernel, configuration, working set and "
                                               "launch length");
    return o;
}
