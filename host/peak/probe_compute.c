/* The f32 FMA probe: the f32 compute ceiling's own configuration and launch length (probe.h). On the
 * 2-vCPU VM a compute-bound GEMV's samples fell into two groups 2x apart within one run: some launches
 * had one core. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/peak/compute.h"
#include "host/peak/probe.h"

#define DEFAULT_LAUNCH_S 5e-3

struct oclab_compute_probe {
    oclab_cl *cl;
    cl_program program;
    cl_kernel kernel;
    cl_mem out;
    oclab_compute_shape shape;
    int parity;
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

static double number(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

/* The f32 ceiling's configuration from PROFILE's measurements.compute.f32; 0 when it has none usable. */
static int shape_from(const cJSON *profile, const oclab_cl *cl, oclab_compute_shape *s)
{
    const cJSON *f32 = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(profile, "measurements"), "compute"), "f32");
    double vec = number(f32, "vector_width"), nacc = number(f32, "accumulators"), wg = number(f32, "work_group");
    double groups = number(f32, "groups"), iters = number(f32, "iterations");
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f32, "verified")) ||
        !(vec == 1 || vec == 2 || vec == 4 || vec == 8 || vec == 16) || !(nacc >= 1 && nacc <= OCLAB_COMPUTE_MAX_NACC) ||
        !(wg >= 1 && wg <= cl->info->max_work_group_size) || !(groups >= 1 && groups <= 1e6) ||
        !(iters >= 2 && iters <= (double)oclab_cl_loop_budget(cl) && iters <= 1e9))
        return 0;
    *s = (oclab_compute_shape){OCLAB_PREC_F32, (int)vec, 0, (int)nacc, (size_t)wg, (size_t)groups, (cl_uint)iters,
                               cl->info->has_fma};
    return 1;
}

/* Without the ceiling's record: the preferred width, 8 accumulators, 64 work-items per group (fewer
 * where the device allows fewer), 4 groups per compute unit. */
static void default_shape(const oclab_cl *cl, oclab_compute_shape *s)
{
    const oclab_device_info *info = cl->info;
    int vec = 16;
    while (vec > 1 && (cl_uint)vec > info->preferred_vector_width[4])
        vec /= 2;
    *s = (oclab_compute_shape){OCLAB_PREC_F32, vec, 0, 8, info->max_work_group_size >= 64 ? 64 : info->max_work_group_size,
                               4 * (size_t)(info->compute_units ? info->compute_units : 1), 64, info->has_fma};
}

/* Iterations for a launch of about DEFAULT_LAUNCH_S, even, within the driver's loop budget. */
static cl_int calibrate(oclab_compute_probe *p)
{
    cl_int err = CL_SUCCESS;
    double most = fmin(1e8, (double)oclab_cl_loop_budget(p->cl) - 1.0);
    for (int round = 0; round < 4; round++) {
        double g = 0.0;
        CL_TRY(oclab_compute_probe_sample(p, &g));
        double t = g > 0.0 ? oclab_compute_ops(&p->shape) / (g * 1e9) : 1e-7;
        if (t > 0.5 * DEFAULT_LAUNCH_S && t < 2.0 * DEFAULT_LAUNCH_S)
            break;
        p->shape.iters = (cl_uint)fmin(fmax(floor(p->shape.iters * DEFAULT_LAUNCH_S / t / 2.0) * 2.0, 2.0), most);
    }
cleanup:
    return err;
}

cl_int oclab_compute_probe_create(oclab_cl *cl, const cJSON *profile, oclab_compute_probe **out)
{
    cl_int err = CL_SUCCESS;
    void *host = NULL;
    char why[256];
    oclab_compute_probe *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(compute probe)");
    }
    p->cl = cl;
    p->parity = shape_from(profile, cl, &p->shape);
    if (!p->parity)
        default_shape(cl, &p->shape);
    size_t items = p->shape.wg * p->shape.groups;
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_WRITE_ONLY, items * sizeof(float), NULL, &p->out));
    CL_TRY(oclab_compute_build(cl, &p->shape, &p->program, &p->kernel));
    if (!p->parity)
        CL_TRY(calibrate(p));
    double g = 0.0;
    CL_TRY(oclab_compute_probe_sample(p, &g));
    host = malloc(items * sizeof(float));
    if (!host) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(compute probe check)");
    }
    CL_TRY(oclab_cl_read(cl, p->out, items * sizeof(float), host));
    if (oclab_compute_verify(&p->shape, host, why, sizeof why) != 0) { /* its samples count once verified */
        oclab_error("compute probe failed verification: %s", why);
        err = CL_INVALID_VALUE;
        goto cleanup;
    }
    oclab_debug("compute probe: f32 vec%d x %d acc, wg%zu x %zu groups, %u iterations, %.1f GFLOP/s%s", p->shape.vec,
                p->shape.nacc, p->shape.wg, p->shape.groups, p->shape.iters, g,
                p->parity ? " (the f32 ceiling's configuration)" : "");
    *out = p;
    p = NULL;
cleanup:
    free(host);
    oclab_compute_probe_free(p);
    return err;
}

cJSON *oclab_compute_probe_json(const oclab_compute_probe *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kernel", oclab_compute_kernel_text(&p->shape));
    cJSON_AddNumberToObject(o, "ops", oclab_compute_ops(&p->shape));
    cJSON_AddNumberToObject(o, "vector_width", p->shape.vec);
    cJSON_AddNumberToObject(o, "accumulators", p->shape.nacc);
    cJSON_AddNumberToObject(o, "work_group", (double)p->shape.wg);
    cJSON_AddNumberToObject(o, "groups", (double)p->shape.groups);
    cJSON_AddNumberToObject(o, "iterations", p->shape.iters);
    cJSON_AddBoolToObject(o, "parity", p->parity);
    cJSON_AddStringToObject(o, "parity_means", "the f32 ceiling's kernel, configuration and launch length");
    return o;
}
