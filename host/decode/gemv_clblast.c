/* The CLBlast baseline beside our GEMV kernels: Sgemv for M = 1, Sgemm (X * W^T) for M > 1, on the same
 * f32 weights and cold copies, verified like ours, timed on the host clock (its event covers only its
 * last kernel; gemv.c compares ours by the host clock too). Recorded in kernels[] with "baseline":
 * "clblast"; never placed as one of ours. CLBlast takes its parameters from its built-in database,
 * tuned for the devices it lists; $OCLAB_CLBLAST_TUNING names a folder of the JSON files its tuners
 * write (tests/bench/clblast_tuning/run.sh), whose parameters for this device replace them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/decode/gemv.h"

#ifdef OCLAB_HAVE_CLBLAST
#include <dirent.h>

#include <clblast_c.h>

#define MAX_TUNED_PARAMS 32

/* The single-precision best parameters of one tuner file for DEVICE, given to CLBlast: the kernel's
 * name (added to APPLIED), or nothing when the file is another device's, another precision's or not a
 * tuner's output. */
static void override_from(const char *path, const oclab_device_info *device, cJSON *applied)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long size = 0;
    cJSON *doc = NULL;
    if (f && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (text = malloc((size_t)size + 1)) && fread(text, 1, (size_t)size, f) == (size_t)size) {
        text[size] = '\0';
        doc = cJSON_Parse(text);
    }
    if (f)
        fclose(f);
    free(text);
    const cJSON *dev = cJSON_GetObjectItemCaseSensitive(doc, "device");
    const cJSON *prec = cJSON_GetObjectItemCaseSensitive(doc, "precision");
    const cJSON *kernel = cJSON_GetObjectItemCaseSensitive(doc, "best_kernel");
    const cJSON *best = cJSON_GetObjectItemCaseSensitive(doc, "best_parameters");
    if (!cJSON_IsString(dev) || strcmp(dev->valuestring, device->name) != 0 || !cJSON_IsString(prec) ||
        strcmp(prec->valuestring, "32") != 0 || !cJSON_IsString(kernel) || !cJSON_IsString(best)) {
        oclab_debug("CLBlast tuning: %s is not a single-precision tuning of this device", path);
        cJSON_Delete(doc);
        return;
    }
    /* "PRECISION=32 WGS1=64 WPT1=1": every NAME=VALUE but the precision */
    char *names[MAX_TUNED_PARAMS];
    size_t values[MAX_TUNED_PARAMS], n = 0;
    char *list = strdup(best->valuestring), *save = NULL;
    for (char *tok = list ? strtok_r(list, " ", &save) : NULL; tok && n < MAX_TUNED_PARAMS;
         tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq || strncmp(tok, "PRECISION=", 10) == 0)
            continue;
        *eq = '\0';
        names[n] = tok;
        values[n++] = (size_t)strtoul(eq + 1, NULL, 10);
    }
    CLBlastStatusCode s = CLBlastOverrideParameters(device->device, kernel->valuestring, CLBlastPrecisionSingle, n,
                                                    (const char **)names, values);
    if (s == CLBlastSuccess)
        cJSON_AddItemToArray(applied, cJSON_CreateString(kernel->valuestring));
    else
        oclab_warn("CLBlast refused the tuned parameters of %s in %s (status %d)", kernel->valuestring, path, (int)s);
    free(list);
    cJSON_Delete(doc);
}

/* Applies $OCLAB_CLBLAST_TUNING's parameters for this device and says in VARIANT where CLBlast's
 * parameters came from: tuned for the device when those of the routine's main kernels (names starting
 * with FAMILY: "Xgemv", "Xgemm") were among them. */
static void clblast_parameters(const oclab_device_info *device, const char *family, cJSON *variant)
{
    const char *dir = getenv("OCLAB_CLBLAST_TUNING");
    cJSON *applied = cJSON_CreateArray();
    DIR *d = dir && dir[0] ? opendir(dir) : NULL;
    if (dir && dir[0] && !d)
        oclab_warn("OCLAB_CLBLAST_TUNING: cannot open %s", dir);
    for (struct dirent *e = d ? readdir(d) : NULL; e; e = readdir(d)) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "clblast_", 8) != 0 || len < 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        override_from(path, device, applied);
    }
    if (d)
        closedir(d);
    int tuned = 0;
    const cJSON *k;
    cJSON_ArrayForEach(k, applied) tuned |= strncmp(k->valuestring, family, strlen(family)) == 0;
    cJSON_AddBoolToObject(variant, "tuned_for_device", tuned);
    if (cJSON_GetArraySize(applied) > 0) {
        cJSON_AddStringToObject(variant, "parameters", dir);
        cJSON_AddItemToObject(variant, "tuned_kernels", applied);
    } else {
        cJSON_AddStringToObject(variant, "parameters", "CLBlast's built-in database: tuned only for the devices it "
                                                       "lists, its defaults elsewhere (tests/bench/clblast_tuning)");
        cJSON_Delete(applied);
    }
}

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
    cl_mem w = p->w[OCLAB_GEMV_ROWS][rep % p->held[OCLAB_GEMV_ROWS]];
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
    oclab_timing timing = {0};
    oclab_probe_result probe;
    snprintf(what, sizeof what, "clblast %s M=%llu %llux%llu", routine, (unsigned long long)m,
             (unsigned long long)p->n, (unsigned long long)p->k);
    cJSON *variant = cJSON_CreateObject();
    cJSON_AddStringToObject(variant, "library", "clblast");
    cJSON_AddStringToObject(variant, "routine", routine);
    cJSON_AddStringToObject(variant, "timed_by", "host clock");
    clblast_parameters(ctx->cl->info, m == 1 ? "Xgemv" : "Xgemm", variant);
    for (int c = 0; c < p->held[OCLAB_GEMV_ROWS]; c++) {
        cl_event event = NULL;
        err = oclab_gemv_poison(ctx->cl, p, 0.0f); /* CLBlast reads Y even with beta = 0 */
        if (err == CL_SUCCESS)
            err = blast_fn(&b, c, NULL, &event);
        if (event)
            clReleaseEvent(event);
        if (err == CL_SUCCESS)
            err = clFinish(ctx->cl->queue);
        if (err != CL_SUCCESS) {
            cJSON_Delete(variant);
            oclab_profile_skip(ctx->profile, what, "CLBlast refused or failed on this device");
            return OCLAB_EXIT_OK; /* a peer's failure is not ours */
        }
        double e = oclab_gemv_check(ctx->cl, p, m, &err);
        if (err != CL_SUCCESS || isnan(e) || e > worst)
            worst = err != CL_SUCCESS ? NAN : e;
        if (isnan(worst))
            break;
    }
    if (isnan(worst) || worst > oclab_gemv_tolerance(p->format, p->k)) {
        /* recorded as invalid; a peer's wrong result does not fail our run */
        oclab_warn("%s: verification failed (max relative error %g)", what, worst);
        oclab_gemv_record(ctx, p, m, variant, NULL, NULL, 0, worst, 0.0, "clblast");
        return OCLAB_EXIT_OK;
    }
    CL_TRY(oclab_decode_time(ctx, blast_fn, &b, &timing, &probe));
    timing.device = timing.host; /* its event covers only its last kernel */
    probe.paired_gb = probe.paired_gb_host;
    probe.paired_gflop = probe.paired_gflop_host;
    timing.suspect = 0;
    oclab_gemv_record(ctx, p, m, variant, &timing, &probe, 1, worst, 0.0, "clblast");
cleanup:
    if (err != CL_SUCCESS) {
        cJSON_Delete(variant);
        char why[160];
        oclab_profile_skip(ctx->profile, what, oclab_decode_untimed(ctx, &timing, "CLBlast failed while timing", why, sizeof why));
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
