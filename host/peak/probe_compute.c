/* The interleaved compute probe: compute.cl's f32 FMA kernel (the peak's), a short launch sampled after
 * each decode kernel sample, so compute-bound kernels are compared with the FLOP/s the shared machine
 * gave at that moment, as the streaming-read probe does for bandwidth. On the 2-vCPU VM a compute-bound
 * GEMV's samples fell into two groups 2x apart within one run: some launches had one core. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/peak/peak.h"
#include "host/peak/probe.h"

#define COMPUTE_PROBE_S 1e-3 /* one sample: about a millisecond */

struct oclab_compute_probe {
    oclab_cl *cl;
    cl_program program;
    cl_kernel kernel;
    cl_mem out;
    oclab_compute_shape shape;
};

void oclab_compute_probe_free(oclab_compute_probe *probe)
{
    if (!probe)
        return;
    oclab_cl_release_kernel(&probe->kernel);
    oclab_cl_release_program(&probe->program);
    oclab_cl_release_mem(&probe->out);
    free(probe);
}

/* One launch (an oclab_enqueue_fn). */
static cl_int compute_probe_enqueue(void *user, int rep, cl_event *first, cl_event *last)
{
    (void)rep;
    (void)first;
    oclab_compute_probe *p = user;
    return oclab_compute_enqueue(p->cl, p->kernel, &p->shape, p->out, last);
}

cl_int oclab_compute_probe_sample(oclab_compute_probe *p, double *gflops)
{
    double device_s = 0.0, host_s;
    cl_int err = oclab_time_sample(p->cl, compute_probe_enqueue, p, 0, &device_s, &host_s);
    *gflops = err == CL_SUCCESS && device_s > 0.0 ? oclab_compute_ops(&p->shape) / device_s / 1e9 : 0.0;
    return err;
}

cl_int oclab_compute_probe_create(oclab_cl *cl, int vec, size_t wg, oclab_compute_probe **out)
{
    cl_int err = CL_SUCCESS;
    const oclab_device_info *info = cl->info;
    float *host = NULL;
    char why[256];
    oclab_compute_probe *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(compute probe)");
    }
    p->cl = cl;
    if (vec <= 0) /* the device's preferred float width, as a power of two within 4..16 */
        for (vec = 16; vec > 4 && (cl_uint)vec > info->preferred_vector_width[4]; vec /= 2)
            ;
    if (wg == 0)
        wg = 64;
    if (wg > info->max_work_group_size)
        wg = info->max_work_group_size;
    /* four groups per compute unit, as the peak measures it */
    p->shape = (oclab_compute_shape){OCLAB_PREC_F32, vec, 0, OCLAB_COMPUTE_NACC, wg,
                                     4 * (size_t)(info->compute_units ? info->compute_units : 1), 64};
    size_t items = p->shape.wg * p->shape.groups;
    CL_TRY(oclab_compute_build(cl, &p->shape, &p->program, &p->kernel));
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_WRITE_ONLY, items * sizeof(float), NULL, &p->out));
    for (int round = 0; round < 4; round++) { /* iterations for a sample of about COMPUTE_PROBE_S */
        double g = 0.0;
        CL_TRY(oclab_compute_probe_sample(p, &g));
        double t = g > 0.0 ? oclab_compute_ops(&p->shape) / (g * 1e9) : 1e-7;
        double iters = fmin(fmax(floor(p->shape.iters * COMPUTE_PROBE_S / t), 2.0), 1e8);
        p->shape.iters = (cl_uint)iters;
        if (t > 0.5 * COMPUTE_PROBE_S && t < 2.0 * COMPUTE_PROBE_S)
            break;
    }
    double g = 0.0;
    CL_TRY(oclab_compute_probe_sample(p, &g));
    host = malloc(items * sizeof *host);
    if (!host) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(compute probe check)");
    }
    CL_TRY(oclab_cl_read(cl, p->out, items * sizeof *host, host));
    if (oclab_compute_verify(&p->shape, host, why, sizeof why) != 0) { /* its samples count once verified */
        oclab_error("compute probe failed verification: %s", why);
        err = CL_INVALID_VALUE;
        goto cleanup;
    }
    oclab_debug("compute probe: f32 vec%d wg%zu x %zu groups, %u iterations, %.1f GFLOP/s", p->shape.vec, p->shape.wg,
                p->shape.groups, p->shape.iters, g);
    *out = p;
    p = NULL;
cleanup:
    free(host);
    oclab_compute_probe_free(p);
    return err;
}
