/* GEMV variants by device capability, and the small tuner that picks the fastest verified one. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/decode/gemv.h"

#define TUNE_ROUNDS 9
#define MAX_CANDIDATES 8

/* Integer formats, whose kernels can fold the scale into partial sums (kernels/gemv.cl, FOLD). */
static int foldable(rl_format format)
{
    return format == RL_FMT_Q8_0 || format == RL_FMT_Q4_0 || format == RL_FMT_I8_PC;
}

static int add(oclab_gemv_variant *out, int n, int cap, int rows, int unroll, int lanes, int wg, int fold)
{
    if (n < cap)
        out[n++] = (oclab_gemv_variant){rows, unroll, lanes, wg, fold, 0};
    return n;
}

/* An interleaved-layout variant (GROUPS groups of 16 rows per work-item). */
static int add_il(oclab_gemv_variant *out, int n, int cap, int groups, int unroll, int wg, int fold)
{
    if (n < cap)
        out[n++] = (oclab_gemv_variant){groups, unroll, 1, wg, fold, 1};
    return n;
}

int oclab_gemv_candidates(const oclab_device_info *info, rl_format format, uint64_t m, oclab_gemv_variant *out,
                          int cap)
{
    int n = 0;
    /* Folding the block scale into partial sums saves multiplies only while few X rows share a weight. */
    int fold = foldable(format) && m == 1;
    /* the interleaved kernels fold block scales only (i8_pc's row scale is applied once anyway) */
    int block_scaled = format == RL_FMT_Q8_0 || format == RL_FMT_Q4_0;
    if (info->type & CL_DEVICE_TYPE_CPU) {
        /* CPU drivers run a work-group as a loop over work-items: one work-item streams a few rows with
         * wide vector loads and independent accumulators (UNROLL * M * ROWS float16 of them, kept within
         * the 32 vector registers of AVX-512), no cross-item reduction. */
        int wg = info->max_work_group_size >= 8 ? 8 : (int)info->max_work_group_size;
        /* Measured on POCL 3.1 / Zen 5 (cold weights, 11008x4096 and 4096x11008, under load):
         * - M = 1: the interleaved layout (16 rows per weight vector, X broadcast, 4 accumulator
         *   sets; with 8 they spill) usually wins for f16, q8_0 and q4_0, with one or two 16-row groups
         *   per work-item; the row layout keeps f32 (8 rows sharing each X load) and sometimes f16 and
         *   q4_0 (one row and 4 chunks per step, or 8 rows).
         * - M = 2-4: one to four rows per work-item in the row layout, or the interleaved kernel,
         *   depending on format and shape.
         * - M >= 8: the interleaved kernel (M FMAs per weight vector with broadcast X, M accumulators
         *   in registers) by 2-3x; beyond 16 rows of X its M + 2 vector registers no longer fit in 32, so
         *   the row layout stays a candidate there (not measured). */
        if (m == 1) {
            if (format == RL_FMT_F32)
                n = add(out, n, cap, 8, 1, 1, wg, fold);
            n = add_il(out, n, cap, 1, 4, wg, block_scaled);
            n = add_il(out, n, cap, 2, 4, wg, block_scaled);
            n = add(out, n, cap, 1, 4, 1, wg, fold);
            if (format != RL_FMT_F32)
                n = add(out, n, cap, 8, 1, 1, wg, fold);
        } else if (m <= 4) {
            n = add_il(out, n, cap, 1, 1, wg, 0);
            if (block_scaled) /* q4_0's folded sets are per byte position: 4 of them */
                n = add_il(out, n, cap, 1, 4, wg, 1);
            n = add(out, n, cap, 2, 1, 1, wg, 0);
            if (m == 2) {
                n = add(out, n, cap, 1, 2, 1, wg, 0);
                n = add(out, n, cap, 4, 1, 1, wg, 0);
            }
        } else {
            n = add_il(out, n, cap, 1, 1, wg, 0);
            if (m > 16)
                n = add(out, n, cap, 1, 1, 1, wg, 0);
        }
        return n;
    }
    /* GPUs and accelerators: LANES work-items share a row along K (coalesced loads), reduced in local
     * memory; the work-group must fit the device and its local memory. */
    static const int shapes[][3] = {{32, 128, 1}, {64, 256, 1}, {16, 64, 2}, {32, 256, 1}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        int lanes = shapes[i][0], wg = shapes[i][1], rows = shapes[i][2];
        if ((size_t)wg > info->max_work_group_size ||
            (uint64_t)wg * m * (uint64_t)rows * 4 > info->local_mem_bytes)
            continue;
        n = add(out, n, cap, rows, 1, lanes, wg, fold);
    }
    if (n == 0) /* a tiny device: one row per work-group of whatever size it allows */
        n = add(out, n, cap, 1, 1, 1, info->max_work_group_size >= 8 ? 8 : 1, fold);
    return n;
}

cJSON *oclab_gemv_variant_json(const oclab_gemv_variant *v)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "rows_per_item", v->rows * (v->il ? 16 : 1));
    cJSON_AddNumberToObject(o, "rows_per_group", (double)(v->wg / v->lanes * v->rows * (v->il ? 16 : 1)));
    cJSON_AddNumberToObject(o, "unroll", v->unroll);
    cJSON_AddNumberToObject(o, "lanes", v->lanes);
    cJSON_AddNumberToObject(o, "split", v->lanes);
    cJSON_AddNumberToObject(o, "work_group", v->wg);
    cJSON_AddNumberToObject(o, "vector_width", 16);
    cJSON_AddBoolToObject(o, "fold_scale", v->fold);
    cJSON_AddStringToObject(o, "layout", v->il ? "interleaved16" : "rows");
    return o;
}

static void variant_name(const oclab_gemv_variant *v, char *buf, size_t len)
{
    snprintf(buf, len, "%sr%d u%d l%d wg%d%s", v->il ? "il " : "", v->rows, v->unroll, v->lanes, v->wg,
             v->fold ? " fold" : "");
}

cl_int oclab_gemv_tune(oclab_cl *cl, oclab_gemv_problem *p, uint64_t m, int tune, oclab_gemv_kernel *best,
                       cJSON **tuning)
{
    cl_int err = CL_SUCCESS;
    oclab_gemv_variant cand[MAX_CANDIDATES];
    oclab_gemv_kernel kern[MAX_CANDIDATES];
    double error[MAX_CANDIDATES], median[MAX_CANDIDATES];
    int built[MAX_CANDIDATES] = {0}, ok[MAX_CANDIDATES] = {0};
    int n = oclab_gemv_candidates(cl->info, p->format, m, cand, MAX_CANDIDATES);
    int chosen = -1, any_built = 0;
    memset(kern, 0, sizeof kern);
    if (!tune)
        n = 1;
    /* Every layout the candidates read, sharing the cold-copy budget (at least one copy each). */
    int layouts = 0, n_layouts = 0;
    for (int i = 0; i < n; i++)
        layouts |= oclab_gemv_layout_of(&cand[i]);
    n_layouts = (layouts & OCLAB_GEMV_ROWS ? 1 : 0) + (layouts & OCLAB_GEMV_IL16 ? 1 : 0);
    int tune_copies = (p->copies + n_layouts - 1) / n_layouts;
    CL_TRY(oclab_gemv_problem_hold(cl, p, layouts, tune_copies));
    for (int i = 0; i < n; i++) {
        if (oclab_gemv_kernel_build(cl, p->format, m, &cand[i], p->k, &kern[i]) != CL_SUCCESS)
            continue; /* logged; another candidate may build */
        built[i] = any_built = 1;
        cl_int verr = CL_SUCCESS;
        error[i] = oclab_gemv_verify(cl, &kern[i], p, &verr);
        ok[i] = verr == CL_SUCCESS && error[i] <= oclab_gemv_tolerance(p->format, p->k);
    }
    if (!any_built) {
        err = CL_BUILD_PROGRAM_FAILURE;
        goto cleanup;
    }
    /* The verified candidates, timed in turn. */
    oclab_gemv_launch launches[MAX_CANDIDATES];
    void *users[MAX_CANDIDATES];
    double timed[MAX_CANDIDATES];
    int verified = 0, which[MAX_CANDIDATES];
    for (int i = 0; i < n; i++) {
        median[i] = NAN;
        if (ok[i]) {
            launches[verified] = (oclab_gemv_launch){cl, &kern[i], p};
            users[verified] = &launches[verified];
            which[verified++] = i;
        }
    }
    if (tune && verified > 1) {
        CL_TRY(oclab_time_round_robin(cl, oclab_gemv_launch_fn, users, verified, TUNE_ROUNDS, timed));
        for (int j = 0; j < verified; j++)
            median[which[j]] = timed[j];
    }
    for (int i = 0; i < n; i++)
        if (ok[i] && (chosen < 0 || median[i] < median[chosen]))
            chosen = i;
    if (chosen < 0) /* nothing verified: hand back the first that built; the caller's check reports it */
        for (int i = 0; i < n && chosen < 0; i++)
            if (built[i])
                chosen = i;
    if (tuning) {
        char name[64];
        *tuning = cJSON_CreateObject();
        cJSON_AddStringToObject(*tuning, "format", rl_format_name(p->format));
        cJSON_AddNumberToObject(*tuning, "m", (double)m);
        cJSON *shape = cJSON_AddObjectToObject(*tuning, "shape");
        cJSON_AddNumberToObject(shape, "n", (double)p->n);
        cJSON_AddNumberToObject(shape, "k", (double)p->k);
        cJSON_AddBoolToObject(*tuning, "tuned", tune);
        cJSON_AddItemToObject(*tuning, "chosen", oclab_gemv_variant_json(&cand[chosen]));
        cJSON_AddNumberToObject(*tuning, "tuning_copies", tune_copies);
        cJSON *list = cJSON_AddArrayToObject(*tuning, "candidates");
        for (int i = 0; i < n; i++) {
            cJSON *c = oclab_gemv_variant_json(&cand[i]);
            cJSON_AddBoolToObject(c, "built", built[i]);
            cJSON_AddBoolToObject(c, "verified", ok[i]);
            if (built[i])
                cJSON_AddNumberToObject(c, "max_rel_error", error[i]);
            if (!isnan(median[i]))
                cJSON_AddNumberToObject(c, "median_s", median[i]);
            cJSON_AddItemToArray(list, c);
        }
        variant_name(&cand[chosen], name, sizeof name);
        oclab_debug("gemv %s M=%llu: chose %s", rl_format_name(p->format), (unsigned long long)m, name);
    }
    *best = kern[chosen];
    memset(&kern[chosen], 0, sizeof kern[chosen]);
cleanup:
    for (int i = 0; i < n; i++)
        oclab_gemv_kernel_free(&kern[i]);
    return err;
}
