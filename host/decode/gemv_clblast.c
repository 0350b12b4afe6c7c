/* The CLBlast baseline beside our GEMV kernels: Sgemv for M = 1, Sgemm (X * W^T) for M > 1, on the same
 * f32 weights and cold copies, verified like ours, timed on the host clock (its event covers only its
 * last kernel). Recorded in kernels[] with "baseline": "clblast"; never placed as one of ours. */
#include <math.h>
#include <stdio.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/decode/gemv.h"

#ifdef OCLAB_HAVE_CLBLAST
#include <clblast_c.h>

typedef struct {
    oclab_cl *cl;
    const oclab_gemv_problem *p;
    uint64_t m;
} blast_launch;

static cl_int blast_fn(void *user, int rep, cl_event *first, cl_event *event)
{
    (void)first;
    const blast_launch *b = user;
    const oclab_gemv_problem *p = b->p;
    cl_command_queue queue = b->cl->queue;
    cl_mem w = p->w[rep % p->held[0]];
    CLBlastStatusCode s;
    if (b->m == 1)
        s = CLBlastSgemv(CLBlastLayoutRowMajor, CLBlastTransposeNo, p->n, p->k, 1.0f, w, 0, p->k, p->x, 0, 1,
                         0.0f, p->y, 0, 1, &queue, event);
    else
        s = CLBlastSgemm(CLBlastLayoutRowMajor, CLBlastTransposeNo, CLBlastTransposeYes, b->m, p->n, p->k, 1.0f,
                         p->x, 0, p->k, w, 0, p->k, 0.0f, p->y, 0, p->n, &queue, event);
    if (s != CLBlastSuccess) {
        oclab_error("CLBlast %s failed with status %d", b->m == 1 ? "Sgemv" : "Sgemm", (int)s);
        return s < 0 ? (cl_int)s : CL_INVALID_OPERATION;
    }
    return CL_SUCCESS;
}

int oclab_gemv_clblast(oclab_decode_ctx *ctx, const oclab_gemv_problem *p, uint64_t m)
{
    cl_int err = CL_SUCCESS;
    char what[128];
    const char *routine = m == 1 ? "Sgemv" : "Sgemm";
    blast_launch b = {ctx->cl, p, m};
    double worst = 0.0;
    snprintf(what, sizeof what, "clblast %s M=%llu %llux%llu", routine, (unsigned long long)m,
             (unsigned long long)p->n, (unsigned long long)p->k);
    for (int c = 0; c < p->held[0]; c++) {
        cl_event event = NULL;
        err = oclab_gemv_poison(ctx->cl, p, 0.0f); /* CLBlast reads Y even with beta = 0 */
        if (err == CL_SUCCESS)
            err = blast_fn(&b, c, NULL, &event);
        if (event)
            clReleaseEvent(event);
        if (err == CL_SUCCESS)
            err = clFinish(ctx->cl->queue);
        if (err != CL_SUCCESS) {
            oclab_profile_skip(ctx->profile, what, "CLBlast refused or failed on this device");
            return OCLAB_EXIT_OK; /* a peer's failure is not ours */
        }
        double e = oclab_gemv_check(ctx->cl, p, m, &err);
        if (err != CL_SUCCESS || isnan(e) || e > worst)
            worst = err != CL_SUCCESS ? NAN : e;
        if (isnan(worst))
            break;
    }
    cJSON *variant = cJSON_CreateObject();
    cJSON_AddStringToObject(variant, "library", "clblast");
    cJSON_AddStringToObject(variant, "routine", routine);
    cJSON_AddStringToObject(variant, "timed_by", "host clock");
    if (isnan(worst) || worst > oclab_gemv_tolerance(p->format, p->k)) {
        /* recorded as invalid; a peer's wrong result does not fail our run */
        oclab_warn("%s: verification failed (max relative error %g)", what, worst);
        oclab_gemv_record(ctx, p, m, variant, NULL, NULL, 0, worst, 0.0, "clblast");
        return OCLAB_EXIT_OK;
    }
    oclab_timing timing;
    oclab_probe_result probe;
    CL_TRY(oclab_decode_time(ctx, blast_fn, &b, &timing, &probe));
    timing.device = timing.host; /* its event covers only its last kernel */
    probe.paired_gb = probe.paired_gb_host;
    probe.paired_gflop = probe.paired_gflop_host;
    timing.suspect = 0;
    oclab_gemv_record(ctx, p, m, variant, &timing, &probe, 1, worst, 0.0, "clblast");
cleanup:
    if (err != CL_SUCCESS) {
        cJSON_Delete(variant);
        oclab_profile_skip(ctx->profile, what, "CLBlast failed while timing");
    }
    return OCLAB_EXIT_OK;
}

#else

int oclab_gemv_clblast(oclab_decode_ctx *ctx, const oclab_gemv_problem *p, uint64_t m)
{
    char what[128];
    snprintf(what, sizeof what, "clblast M=%llu %llux%llu", (unsigned long long)m, (unsigned long long)p->n,
             (unsigned long long)p->k);
    oclab_profile_skip(ctx->profile, what, "oclab was built without CLBlast");
    return OCLAB_EXIT_OK;
}

#endif
