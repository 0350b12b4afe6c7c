/* oclab decode's measurement of one device: the probes, then the GEMV and attention families. */
#include <string.h>

#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/decode/decode.h"
#include "roofline/profile.h"

#define DEFAULT_BUDGET_S 0.2
#define QUICK_BUDGET_S 0.05
#define MAX_WORK_GROUP 65536

/* The configuration of the profile's f32 compute ceiling (0, 0 when it does not say). */
static void f32_config(const cJSON *profile, int *vec, size_t *wg)
{
    const cJSON *c;
    *vec = 0;
    *wg = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(profile, "ceilings"), "compute"))
    {
        const cJSON *prec = cJSON_GetObjectItemCaseSensitive(c, "precision");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "vector_width");
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(c, "work_group");
        /* A profile from a file may say anything: only a configuration a device could run is taken. */
        if (cJSON_IsString(prec) && strcmp(prec->valuestring, "f32") == 0 && cJSON_IsNumber(v) && cJSON_IsNumber(w) &&
            v->valuedouble >= 1 && v->valuedouble <= 16 && w->valuedouble >= 1 && w->valuedouble <= MAX_WORK_GROUP) {
            *vec = (int)v->valuedouble;
            *wg = (size_t)w->valuedouble;
        }
    }
}

int oclab_decode_measure(oclab_cl *cl, const oclab_device_opts *dev_opts, const oclab_decode_opts *opts,
                         cJSON *profile)
{
    char reason[256];
    oclab_decode_ctx ctx = {.cl = cl, .dev_opts = dev_opts, .profile = profile};
    int rc = OCLAB_EXIT_OK;
    if (rl_profile_roof(profile, "f32", &ctx.roof_f32, reason, sizeof reason) != 0) {
        oclab_error("decode needs the device's roofline ceilings: %s", reason);
        return OCLAB_EXIT_FAIL;
    }
    ctx.budget_s = dev_opts->max_time_ms > 0 ? dev_opts->max_time_ms / 1e3
                   : dev_opts->quick         ? QUICK_BUDGET_S
                                             : DEFAULT_BUDGET_S;
    if (oclab_probe_create(cl, &ctx.probe) != CL_SUCCESS) {
        oclab_profile_skip(profile, "decode probe", "the streaming-read probe failed to build or run; "
                                                    "efficiency_vs_probe is not reported");
        ctx.probe = NULL;
    }
    int vec;
    size_t wg;
    f32_config(profile, &vec, &wg);
    if (ctx.probe && oclab_compute_probe_create(cl, vec, wg, &ctx.compute_probe) != CL_SUCCESS) {
        oclab_profile_skip(profile, "decode compute probe", "the f32 FMA probe failed to build, run or verify; "
                                                            "efficiency_vs_probe uses the profile's compute ceiling");
        ctx.compute_probe = NULL;
    }
    if (opts->run_gemv) {
        int r = oclab_gemv_measure(&ctx, opts);
        if (r != OCLAB_EXIT_OK)
            rc = r;
    }
    if (opts->run_attention) {
        int r = oclab_attention_measure(&ctx, opts);
        if (r != OCLAB_EXIT_OK)
            rc = r;
    }
    oclab_compute_probe_free(ctx.compute_probe);
    oclab_probe_free(ctx.probe);
    return rc;
}
