/* The kernels[] entry of a GEMV result, ours or a baseline's: the cost model's FLOPs and bytes for
 * its shape, placed on the profile's f32 roof (decode/common.c). */
#include <string.h>

#include "host/cl/log.h"
#include "host/decode/gemv.h"
#include "roofline/cost.h"

cJSON *oclab_gemv_record(oclab_decode_ctx *ctx, const oclab_gemv_problem *p, uint64_t m, cJSON *variant,
                       const oclab_timing *timing, const oclab_probe_result *probe, int verified, double error,
                       double extra_bytes, const char *baseline)
{
    char reason[256];
    rl_gemv_shape shape = {m, p->n, p->k, p->format, RL_FMT_F32, RL_FMT_F32, 1};
    rl_gemv_cost cost;
    memset(&cost, 0, sizeof cost);
    if (rl_gemv_cost_of(&shape, &cost, reason, sizeof reason) != 0)
        oclab_warn("gemv cost: %s", reason);
    cJSON *js = cJSON_CreateObject();
    cJSON_AddNumberToObject(js, "m", (double)m);
    cJSON_AddNumberToObject(js, "n", (double)p->n);
    cJSON_AddNumberToObject(js, "k", (double)p->k);
    cJSON_AddNumberToObject(variant, "cold_copies", p->copies);
    oclab_kernel_result r = {
        .family = "gemv",
        .format = rl_format_name(p->format),
        .shape = js,
        .variant = variant,
        .timing = timing,
        .probe = probe,
        .flops = (double)cost.flops,
        .flops_padded = (double)cost.flops_padded,
        .bytes = (double)cost.bytes + extra_bytes,
        .roof = ctx->roof_f32,
        .verified = verified,
        .max_rel_error = error,
    };
    oclab_decode_record(ctx, &r);
    cJSON *kernels = cJSON_GetObjectItemCaseSensitive(ctx->profile, "kernels");
    cJSON *entry = cJSON_GetArrayItem(kernels, cJSON_GetArraySize(kernels) - 1);
    if (baseline)
        cJSON_AddStringToObject(entry, "baseline", baseline);
    return entry;
}
