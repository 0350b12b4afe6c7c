/* The GEMV family's parameter space for the tuner: every build parameter of kernels/gemv.cl, bounded
 * by what the device reports, with a start point derived from the same facts. No vendor, model or
 * register-file constant of one machine: the search measures where a register file spills. */
#include <stdio.h>
#include <string.h>

#include "host/decode/gemv.h"

/* Budget and start point, in vector registers of the device's native float width (see
 * oclab_gemv_register_budget): no vector ISA names more than 32 architectural vector registers (AVX-512,
 * NEON/SVE, RISC-V V), and 16 is the fewest (SSE, AVX2), so a start whose accumulators take 12 of them
 * leaves room for its operands on every ISA, and the space reaches up to the largest file. */
#define ISA_REGISTERS_MAX 32
#define START_ACC_REGISTERS 12
/* SIMT devices (GPUs) report a native width of 1 and keep a work-item's values in its lane of a large
 * register file: 255 registers per work-item is the ceiling on NVIDIA, 256 VGPRs on AMD, and occupancy
 * halves well before that; 128 floats keeps a work-item at a useful occupancy on each. */
#define SIMT_BUDGET_FLOATS 128
#define SIMT_START_ACC_FLOATS 32

/* The local search tries a point's neighbours in this order: what sets the register use first, so a
 * search cut short by its budget has tried those. */
enum { P_MB, P_VEC, P_UNROLL, P_ROWS, P_LAYOUT, P_FOLD, P_WG, P_PREFETCH, P_LANES, P_COUNT };
static const char *const names[P_COUNT] = {"mb", "vec", "unroll", "rows", "layout",
                                           "fold", "wg", "prefetch", "lanes"};

static int affine(rl_format f)
{
    return f == RL_FMT_Q8_0 || f == RL_FMT_Q4_0 || f == RL_FMT_I8_PC;
}

static int block_scaled(rl_format f)
{
    return f == RL_FMT_Q8_0 || f == RL_FMT_Q4_0;
}

static int is_cpu(const oclab_device_info *info)
{
    return (info->type & CL_DEVICE_TYPE_CPU) != 0;
}

static int native_floats(const oclab_device_info *info)
{
    return info->native_vector_width[4] > 0 ? (int)info->native_vector_width[4] : 1;
}

int oclab_gemv_register_budget(const oclab_device_info *info)
{
    /* A CPU driver maps a work-item's vectors onto the ISA's registers (POCL), or runs work-items in
     * the lanes of its registers (llvmpipe: native width 1, so a work-item owns one lane of each). */
    return is_cpu(info) ? ISA_REGISTERS_MAX * native_floats(info) : SIMT_BUDGET_FLOATS;
}

int oclab_gemv_registers(rl_format format, const oclab_gemv_variant *v)
{
    int acc = v->mb * v->rows * v->unroll * v->vec;
    if (v->il) /* FOLD: the block's raw sums beside the accumulators; a weight vector being unpacked and X */
        return acc * (v->fold ? 2 : 1) + 4 * v->vec;
    /* With several X rows, a 32-weight chunk of each row stays live while it meets them (or X's chunk
     * while it meets the rows: the smaller); with one, each weight vector is used as it arrives. A
     * folded int format keeps a 16-wide correction per (X row, weight row). */
    int reused = v->mb == 1 ? 0 : v->rows < v->mb ? v->rows : v->mb;
    return acc + reused * 32 + 2 * v->vec + (v->fold && affine(format) ? v->mb * v->rows * 16 : 0);
}

int oclab_gemv_prefetch_bytes(const oclab_device_info *info)
{
    /* The prefetch is clang's builtin on a flat pointer: for drivers that run a work-item's vectors as
     * the CPU's own (native float width above 1, POCL). A SIMT CPU driver (llvmpipe: native width 1)
     * translates the kernel to SPIR-V first, and the translator aborts the process on the builtin. */
    return native_floats(info) > 1 ? (int)oclab_device_prefetch_bytes(info) : 0;
}

static int rows_per_group(const oclab_gemv_variant *v)
{
    return v->wg / v->lanes * v->rows * (v->il ? v->vec : 1);
}

static int valid(const oclab_tune_space *space, const int *point, void *user, char *why, size_t len)
{
    const oclab_gemv_space_info *si = user;
    oclab_gemv_variant v;
    oclab_gemv_variant_at(space, point, &v);
    if (v.wg % v.lanes) {
        snprintf(why, len, "work-group %d is not a multiple of %d lanes", v.wg, v.lanes);
        return 0;
    }
    if (v.il && (v.lanes > 1 || v.rows > 4)) {
        snprintf(why, len, "the interleaved kernel takes 1 lane and 1-4 row groups");
        return 0;
    }
    if (v.il && v.fold && !block_scaled(si->format)) {
        snprintf(why, len, "the interleaved kernel folds block scales only");
        return 0;
    }
    if (v.il && v.fold && si->format == RL_FMT_Q4_0 && v.unroll != 4 && v.unroll != 8) {
        snprintf(why, len, "interleaved q4_0 folds into 4 or 8 accumulator sets");
        return 0;
    }
    if (v.lanes > 1 && (uint64_t)v.wg * (uint64_t)v.mb * (uint64_t)v.rows * 4 > si->info->local_mem_bytes) {
        snprintf(why, len, "the lanes' reduction needs more than %llu bytes of local memory",
                 (unsigned long long)si->info->local_mem_bytes);
        return 0;
    }
    int regs = oclab_gemv_registers(si->format, &v);
    if (regs > si->budget) {
        snprintf(why, len, "%d live floats exceed the register budget of %d", regs, si->budget);
        return 0;
    }
    /* enough work-groups for every compute unit, where N has that many rows to share */
    uint64_t groups = (si->n + (uint64_t)rows_per_group(&v) - 1) / (uint64_t)rows_per_group(&v);
    uint64_t want = (si->n + 15) / 16;
    if (want > si->info->compute_units)
        want = si->info->compute_units;
    if (groups < want) {
        snprintf(why, len, "%llu work-groups leave some of %u compute units idle", (unsigned long long)groups,
                 si->info->compute_units);
        return 0;
    }
    return 1;
}

/* Powers of two from 1 to LIMIT (at most 2^10) into OUT; their count. */
static int powers_upto(size_t limit, int *out)
{
    int n = 0;
    for (int v = 1; v <= 1024 && (size_t)v <= limit; v *= 2)
        out[n++] = v;
    return n;
}

/* The largest of the N ascending VALUES at most LIMIT (the smallest when none is). */
static int largest_upto(const int *values, int n, int limit)
{
    int best = values[0];
    for (int i = 0; i < n; i++)
        if (values[i] <= limit)
            best = values[i];
    return best;
}

void oclab_gemv_space(oclab_tune_space *space, oclab_gemv_space_info *si, const oclab_device_info *info,
                      rl_format format, uint64_t m, uint64_t n)
{
    static const int layouts[] = {0, 1}, vecs[] = {4, 8, 16}, rows[] = {1, 2, 4, 8}, unrolls[] = {1, 2, 4, 8};
    static const int folds[] = {0, 1};
    int lanes[OCLAB_TUNE_MAX_VALUES], wgs[OCLAB_TUNE_MAX_VALUES], mbs[OCLAB_TUNE_MAX_VALUES];
    int n_mb = 0, prefetch[2] = {0, oclab_gemv_prefetch_bytes(info)};
    *si = (oclab_gemv_space_info){info, format, m, n, oclab_gemv_register_budget(info)};
    oclab_tune_space_init(space, "gemv", valid, si);
    for (uint64_t d = 1; d <= m && n_mb < OCLAB_TUNE_MAX_VALUES; d++)
        if (m % d == 0)
            mbs[n_mb++] = (int)d;
    size_t max_wg = info->max_work_group_size ? info->max_work_group_size : 1;
    int n_wg = powers_upto(max_wg, wgs);
    int n_lanes = powers_upto(max_wg < 64 ? max_wg : 64, lanes);

    /* The start point. CPU drivers that map a work-item's vectors onto the CPU's (native width above
     * 1) run a work-group as a loop on one core: the interleaved kernel (broadcast X, no horizontal
     * sums) at the native vector width, one work-item per row group, 8 per work-group. SIMT devices
     * (GPUs, and CPU drivers that put work-items in vector lanes, native width 1): the rows layout with
     * 32 work-items splitting K (adjacent loads across work-items), 4 floats each. Both keep their
     * accumulators within START_ACC of the register file. */
    int cpu = is_cpu(info) && native_floats(info) > 1;
    oclab_gemv_variant v = {.il = cpu, .vec = cpu ? largest_upto(vecs, 3, native_floats(info)) : 4, .rows = 1,
                            .unroll = cpu && m == 1 ? 4 : 1, .lanes = cpu ? 1 : largest_upto(lanes, n_lanes, 32),
                            .wg = largest_upto(wgs, n_wg, cpu ? 8 : 128), .fold = block_scaled(format) && m == 1,
                            .prefetch = cpu ? prefetch[1] : 0};
    int acc_limit = cpu ? START_ACC_REGISTERS * native_floats(info) : SIMT_START_ACC_FLOATS;
    if (acc_limit > si->budget / 2)
        acc_limit = si->budget / 2;
    /* the most X rows per pass, then the most accumulator sets, within both limits */
    for (v.mb = mbs[n_mb - 1]; v.mb > 1 && (v.mb * v.unroll * v.vec > acc_limit ||
                                           oclab_gemv_registers(format, &v) > si->budget);)
        v.mb = largest_upto(mbs, n_mb, v.mb - 1);
    while (v.unroll > 1 && (v.mb * v.unroll * v.vec * (v.fold && v.il ? 2 : 1) > acc_limit ||
                            oclab_gemv_registers(format, &v) > si->budget))
        v.unroll /= 2;
    if (v.il && v.fold && format == RL_FMT_Q4_0 && v.unroll < 4)
        v.fold = 0; /* the interleaved q4_0 kernel folds into 4 or 8 sets */
    if (oclab_gemv_registers(format, &v) > si->budget)
        v.fold = 0;

    oclab_tune_add(space, names[P_MB], mbs, n_mb, v.mb);
    oclab_tune_add(space, names[P_VEC], vecs, 3, v.vec);
    oclab_tune_add(space, names[P_UNROLL], unrolls, 4, v.unroll);
    oclab_tune_add(space, names[P_ROWS], rows, 4, v.rows);
    oclab_tune_add(space, names[P_LAYOUT], layouts, 2, v.il);
    oclab_tune_add(space, names[P_FOLD], folds, affine(format) ? 2 : 1, v.fold);
    oclab_tune_add(space, names[P_WG], wgs, n_wg, v.wg);
    oclab_tune_add(space, names[P_PREFETCH], prefetch, prefetch[1] > 0 ? 2 : 1, v.prefetch);
    oclab_tune_add(space, names[P_LANES], lanes, n_lanes, v.lanes);
}

void oclab_gemv_variant_at(const oclab_tune_space *space, const int *point, oclab_gemv_variant *v)
{
    (void)space; /* the parameters are in P_* order (oclab_gemv_space) */
    *v = (oclab_gemv_variant){.il = point[P_LAYOUT], .vec = point[P_VEC], .rows = point[P_ROWS],
                              .unroll = point[P_UNROLL], .lanes = point[P_LANES], .wg = point[P_WG],
                              .fold = point[P_FOLD], .mb = point[P_MB], .prefetch = point[P_PREFETCH]};
}

int oclab_gemv_space_layouts(const oclab_tune_space *space)
{
    int mask = 0;
    const oclab_tune_param *layout = &space->params[P_LAYOUT], *vec = &space->params[P_VEC];
    for (int i = 0; i < layout->n; i++)
        for (int j = 0; j < vec->n; j++) {
            oclab_gemv_variant v = {.il = layout->values[i], .vec = vec->values[j]};
            mask |= OCLAB_GEMV_MASK(oclab_gemv_layout_of(&v));
        }
    return mask;
}

cJSON *oclab_gemv_variant_json(const oclab_gemv_variant *v)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "layout", v->il ? "interleaved" : "rows");
    cJSON_AddNumberToObject(o, "vector_width", v->vec);
    if (v->il)
        cJSON_AddNumberToObject(o, "interleave_rows", v->vec);
    cJSON_AddNumberToObject(o, "rows_per_item", v->rows * (v->il ? v->vec : 1));
    cJSON_AddNumberToObject(o, "rows_per_group", rows_per_group(v));
    cJSON_AddNumberToObject(o, "unroll", v->unroll);
    cJSON_AddNumberToObject(o, "lanes", v->lanes);
    cJSON_AddNumberToObject(o, "split", v->lanes);
    cJSON_AddNumberToObject(o, "work_group", v->wg);
    cJSON_AddBoolToObject(o, "fold_scale", v->fold);
    cJSON_AddNumberToObject(o, "x_rows_per_pass", v->mb);
    cJSON_AddNumberToObject(o, "prefetch_bytes", v->prefetch);
    return o;
}
