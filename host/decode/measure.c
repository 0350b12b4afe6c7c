/* oclab decode's measurement of one device: the probes, then the GEMV and attention families. */
#include <string.h>

#include "host/cl/fault.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/decode/decode.h"
#include "roofline/profile.h"

#define DEFAULT_BUDGET_S 0.2
#define QUICK_BUDGET_S 0.05

/* The cache edge the profile's sweep measured, so cold copies are sized by it (oclab_cl.llc_bytes). */
static void adopt_llc(oclab_cl *cl, const cJSON *profile)
{
    const cJSON *used = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(profile, "measurements"), "bandwidth"),
            "llc"),
        "used_bytes");
    if (cJSON_IsNumber(used) && used->valuedouble > (double)cl->llc_bytes && used->valuedouble < 1e15)
        cl->llc_bytes = (uint64_t)used->valuedouble;
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
    ctx.max_launch_s = dev_opts->max_launch_ms > 0.0 ? dev_opts->max_launch_ms / 1e3 : OCLAB_MAX_LAUNCH_S;
    adopt_llc(cl, profile);
    oclab_fault_scope(0, "decode");
    oclab_fault_point();
    oclab_tuner_open(&ctx.tuner, cl->info, dev_opts);
    cJSON *meas = cJSON_GetObjectItemCaseSensitive(profile, "measurements");
    if (!cJSON_GetObjectItemCaseSensitive(meas, "timing"))
        cJSON_AddItemToObject(meas, "timing", oclab_cl_clock_json(&cl->clock));
    cJSON_DeleteItemFromObjectCaseSensitive(meas, "decode");
    cJSON *run = cJSON_AddObjectToObject(meas, "decode");
    cJSON_AddNumberToObject(run, "budget_s", ctx.budget_s);
    cJSON_AddNumberToObject(run, "max_launch_s", ctx.max_launch_s);
    cJSON_DeleteItemFromObjectCaseSensitive(meas, "probes");
    cJSON *probes = cJSON_AddObjectToObject(meas, "probes");
    if (oclab_probe_create(cl, profile, &ctx.probe) != CL_SUCCESS) {
        oclab_profile_skip(profile, "decode probe", "the streaming-read probe failed to build, run or verify; "
                                                    "efficiency_vs_probe is not reported");
        ctx.probe = NULL;
    } else {
        cJSON_AddItemToObject(probes, "read", oclab_probe_json(ctx.probe));
    }
    if (ctx.probe && oclab_compute_probe_create(cl, profile, &ctx.compute_probe) != CL_SUCCESS) {
        oclab_profile_skip(profile, "decode compute probe", "the f32 FMA probe failed to build, run or verify; "
                                                            "efficiency_vs_probe uses the profile's compute ceiling");
        ctx.compute_probe = NULL;
    } else if (ctx.compute_probe) {
        cJSON_AddItemToObject(probes, "compute", oclab_compute_probe_json(ctx.compute_probe));
    }
    if (opts->run_gemv) {
        oclab_fault_scope(1, "gemv");
        oclab_fault_point();
        int r = oclab_gemv_measure(&ctx, opts);
        if (r != OCLAB_EXIT_OK)
            rc = r;
    }
    if (opts->run_attention) {
        oclab_fault_scope(1, "attention");
        oclab_fault_point();
        int r = oclab_attention_measure(&ctx, opts);
        if (r != OCLAB_EXIT_OK)
            rc = r;
    }
    oclab_fault_scope(1, NULL);
    oclab_fault_scope(0, NULL);
    oclab_decode_hold_ceilings(profile);
    oclab_tuner_close(&ctx.tuner);
    oclab_compute_probe_free(ctx.compute_probe);
    oclab_probe_free(ctx.probe);
    return rc;
}
