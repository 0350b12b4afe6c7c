/* oclab peak's measurement of one device: the sweep, the compute peaks, latency and transfer, then the
 * ceilings, with the budgets of a quick or a full run. */
#include "host/cl/log.h"
#include "host/peak/peak.h"

int oclab_peak_measure(oclab_cl *cl, const oclab_device_opts *opts, cJSON *profile)
{
    oclab_peak_ctx ctx = {cl, profile, opts->quick, 0.0, 0.0, 0};
    double t0 = oclab_now();
    /* default budgets: quick (CI) ~30 ms per measurement, full ~200 ms */
    ctx.budget_s = opts->max_time_ms > 0.0 ? opts->max_time_ms / 1e3 : (opts->quick ? 0.03 : 0.2);
    /* launches of a few ms: a CPU runtime takes ~0.1-0.2 ms to wake its worker threads, which would
     * weigh on sub-millisecond launches */
    ctx.launch_s = opts->quick ? 2e-3 : 5e-3;
    oclab_peak_bandwidth(&ctx);
    /* The compute ceilings are the roof of every decode placement and cost little to measure well:
     * even in quick mode they get full-length launches and samples (2 ms launches under load read
     * half the peak here). */
    double sweep_budget_s = ctx.budget_s;
    if (opts->max_time_ms <= 0.0 && opts->quick) {
        ctx.launch_s = 5e-3;
        ctx.budget_s = 0.1;
    }
    oclab_peak_compute(&ctx);
    ctx.budget_s = sweep_budget_s;
    oclab_peak_latency(&ctx);
    oclab_peak_transfer(&ctx);
    oclab_peak_ceilings(profile, cl->info->global_cache_bytes ? (double)cl->info->global_cache_bytes
                                                               : 8.0 * 1024 * 1024);
    cJSON *run = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(profile, "measurements"), "peak");
    cJSON_AddStringToObject(run, "mode", opts->quick ? "quick" : "full");
    cJSON_AddNumberToObject(run, "budget_s", ctx.budget_s);
    cJSON_AddNumberToObject(run, "launch_s", ctx.launch_s);
    cJSON_AddNumberToObject(run, "elapsed_s", oclab_now() - t0);
    oclab_log("peak measured in %.1f s", oclab_now() - t0);
    return ctx.failed ? OCLAB_EXIT_FAIL : OCLAB_EXIT_OK;
}
