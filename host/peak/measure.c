/* oclab peak's measurement of one device: the sweep, the compute peaks, latency and transfer, then the
 * ceilings, with the budgets of a quick or a full run. */
#include "host/cl/fault.h"
#include "host/cl/log.h"
#include "host/peak/peak.h"

/* Launches of 5 ms: long against the launch overhead of any driver seen (0.25 ms on rusticl, which must
 * be timed by the host clock), and the probes run the ceilings' kernels at this same length. */
#define LAUNCH_S 5e-3

int oclab_peak_measure(oclab_cl *cl, const oclab_device_opts *opts, cJSON *profile)
{
    oclab_peak_ctx ctx = {.cl = cl, .profile = profile, .quick = opts->quick, .launch_s = LAUNCH_S};
    double t0 = oclab_now();
    oclab_fault_scope(0, "peak");
    oclab_fault_point();
    cJSON *meas = cJSON_GetObjectItemCaseSensitive(profile, "measurements");
    cJSON_DeleteItemFromObjectCaseSensitive(meas, "timing");
    cJSON_AddItemToObject(meas, "timing", oclab_cl_clock_json(&cl->clock));
    /* default budgets: quick (CI) ~30 ms per measurement, full ~200 ms */
    ctx.budget_s = opts->max_time_ms > 0.0 ? opts->max_time_ms / 1e3 : (opts->quick ? 0.03 : 0.2);
    ctx.max_launch_s = opts->max_launch_ms > 0.0 ? opts->max_launch_ms / 1e3 : OCLAB_MAX_LAUNCH_S;
    oclab_tuner_open(&ctx.tuner, cl->info, opts);
    oclab_peak_bandwidth(&ctx);
    /* The compute ceilings are the roof of every decode placement and cost little to measure well:
     * even in quick mode they get the full run's samples. */
    double sweep_budget_s = ctx.budget_s;
    if (opts->max_time_ms <= 0.0 && opts->quick)
        ctx.budget_s = 0.1;
    oclab_peak_compute(&ctx);
    ctx.budget_s = sweep_budget_s;
    oclab_peak_latency(&ctx);
    oclab_peak_transfer(&ctx);
    oclab_peak_ceilings(profile);
    oclab_tuner_close(&ctx.tuner);
    oclab_fault_scope(0, NULL);
    cJSON *run = cJSON_AddObjectToObject(meas, "peak");
    cJSON_AddStringToObject(run, "mode", opts->quick ? "quick" : "full");
    cJSON_AddNumberToObject(run, "budget_s", ctx.budget_s);
    cJSON_AddNumberToObject(run, "launch_s", ctx.launch_s);
    cJSON_AddNumberToObject(run, "max_launch_s", ctx.max_launch_s);
    cJSON_AddNumberToObject(run, "elapsed_s", oclab_now() - t0);
    oclab_log("peak measured in %.1f s", oclab_now() - t0);
    return ctx.failed ? OCLAB_EXIT_FAIL : OCLAB_EXIT_OK;
}
