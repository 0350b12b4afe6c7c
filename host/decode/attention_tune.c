/* The attention variant a device gets, its tuning space, and the tuner's evaluation of a candidate
 * (attention.h): built (programs kept for the whole run), verified against the problem's reference,
 * then timed cold, rotating the KV copies by the tuner's rep. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/kernel_source.h"
#include "host/cl/log.h"
#include "host/decode/attention.h"

/* Register budget of the work-item kernel: accumulator chains live in vector registers across a
 * loop, and no CPU an OpenCL driver targets has more than 32 architectural vector registers (x86
 * AVX-512, Arm SVE and NEON; AVX2 has 16): more chains than 32 native vectors can only spill. Each
 * phase is bounded on its own (the score phase's 4 x GROUP partial sums of TILE floats, the V phase's
 * GROUP x VB slices of VEC floats), in native vectors of the device. The start point gives the V
 * phase as many chains as the native vector has floats (4 to 16): wider vectors came with more
 * registers (16 x 256 bits for AVX2, 32 x 512 bits for AVX-512), and 16 chains of 16 floats was the
 * best configuration measured on an AVX-512 CPU; the search goes from there, within the bound. */
#define ITEM_REGISTERS 32
/* The work-group kernel's private accumulators, GROUP x NVL x VEC floats per lane: a GPU lane's
 * registers are 32-bit and a few hundred at most, shared with everything else the kernel holds, and
 * a lane that needs more than 64 for accumulators gets few lanes resident (or spills). */
#define GROUP_PRIVATE_FLOATS 64
/* Work-groups in flight: at least 4 per compute unit to start (load balance, latency hiding), at
 * most 64 per compute unit in the space (more only adds partials to combine). */
#define START_PER_CU 4
#define MOST_PER_CU 64

static const int split_values[] = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256};
static const int item_tiles[] = {4, 8, 16}, item_vecs[] = {4, 8, 16};
static const int item_slices[] = {1, 2, 3, 4, 5, 6, 8, 10, 12, 16};
static const int q8_0_sixteen[] = {16};
static const int group_tiles[] = {16, 32, 64, 128, 256}, group_vecs[] = {2, 4, 8};
static const int group_sizes[] = {16, 32, 64, 128, 256, 512, 1024};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

int oclab_attn_forced_variant(oclab_attn_variant *variant)
{
    const char *v = getenv(OCLAB_ATTENTION_VARIANT_ENV);
    if (!v || !v[0])
        return 0;
    for (int i = 0; i < 2; i++)
        if (strcmp(v, oclab_attn_variant_name((oclab_attn_variant)i)) == 0) {
            *variant = (oclab_attn_variant)i;
            return 1;
        }
    oclab_error("%s=%s: not one of work-item, work-group", OCLAB_ATTENTION_VARIANT_ENV, v);
    return -1;
}

static unsigned native_floats(const oclab_device_info *info)
{
    return info->native_vector_width[4] ? info->native_vector_width[4] : 1;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

/* The configuration and split of POINT. */
void oclab_attn_point(const oclab_tune_space *space, const int *point, oclab_attn_variant variant,
                      oclab_attn_config *config, uint64_t *split)
{
    memset(config, 0, sizeof *config);
    config->variant = variant;
    config->vec = (unsigned)oclab_tune_get(space, point, "vec", 0);
    config->tile = (unsigned)oclab_tune_get(space, point, "tile", 0);
    config->vb = (unsigned)oclab_tune_get(space, point, "v_slices", 0);
    config->wg = (unsigned)oclab_tune_get(space, point, "work_group", 0);
    *split = (uint64_t)oclab_tune_get(space, point, "split", 1);
}

/* What the device allows of CONFIG for SHAPE beyond the build rules: 1, or 0 with the reason. */
static int device_allows(const oclab_device_info *info, uint64_t max_lanes, const rl_attn_shape *s,
                         const oclab_attn_config *c, char *why, size_t len)
{
    uint64_t group = s->heads / s->kv_heads, native = native_floats(info);
    unsigned least_vec = s->kv == RL_FMT_Q8_0 ? 16 : 4; /* the space's smallest: always allowed */
    if (c->variant == OCLAB_ATTN_ITEM) {
        if (c->vec > 2 * native && c->vec > least_vec) {
            snprintf(why, len, "vec %u is beyond twice the native float width %llu", c->vec,
                     (unsigned long long)native);
            return 0;
        }
        if (c->vb > 1 && group * c->vb * div_up(c->vec, native) > ITEM_REGISTERS) {
            snprintf(why, len, "%llu V accumulator chains of %u floats exceed %d native vectors",
                     (unsigned long long)(group * c->vb), c->vec, ITEM_REGISTERS);
            return 0;
        }
        if (c->tile > (s->kv == RL_FMT_Q8_0 ? 16u : 4u) && 4 * group * div_up(c->tile, native) > ITEM_REGISTERS) {
            snprintf(why, len, "%llu score chains of %u floats exceed %d native vectors",
                     (unsigned long long)(4 * group), c->tile, ITEM_REGISTERS);
            return 0;
        }
        return 1;
    }
    uint64_t nv = s->head_dim / c->vec, per_lane = nv <= c->wg ? 1 : div_up(nv, c->wg);
    if (c->wg > info->max_work_group_size || (max_lanes && c->wg > max_lanes)) {
        snprintf(why, len, "work-group %u is beyond the %llu lanes the device runs", c->wg,
                 (unsigned long long)(max_lanes && max_lanes < info->max_work_group_size ? max_lanes
                                                                                      : info->max_work_group_size));
        return 0;
    }
    uint64_t local = oclab_attn_local_bytes(s->head_dim, group, c);
    if (local > info->local_mem_bytes) {
        snprintf(why, len, "%llu bytes of local memory, beyond the device's %llu", (unsigned long long)local,
                 (unsigned long long)info->local_mem_bytes);
        return 0;
    }
    if (group * per_lane * c->vec > GROUP_PRIVATE_FLOATS) {
        snprintf(why, len, "%llu accumulator floats per lane, beyond %d",
                 (unsigned long long)(group * per_lane * c->vec), GROUP_PRIVATE_FLOATS);
        return 0;
    }
    return 1;
}

/* Whether SPLIT chunks of U's shape are all there (none empty), at least a layout tile long each, and
 * at most MOST_PER_CU work-groups per compute unit (a bound lifted on a driver with a loop limit, where
 * only short chunks may fit it); 1 always passes. */
static int split_allowed(const oclab_attn_space_info *u, uint64_t split, char *why, size_t len)
{
    const oclab_device_info *info = u->info;
    const rl_attn_shape *s = &u->shape;
    uint64_t chunk, most = u->loop_budget < UINT64_MAX ? UINT64_MAX
                                                         : (uint64_t)MOST_PER_CU * (info->compute_units ? info->compute_units : 1);
    if (split > 1 && (oclab_attn_chunks(s->context, split, &chunk) != split || chunk < OCLAB_ATTN_LAYOUT_TILE)) {
        snprintf(why, len, "split %llu leaves chunks under %d rows", (unsigned long long)split, OCLAB_ATTN_LAYOUT_TILE);
        return 0;
    }
    if (split > 1 && s->batch * s->kv_heads * split > most) {
        snprintf(why, len, "split %llu gives more than %llu work-groups", (unsigned long long)split,
                 (unsigned long long)most);
        return 0;
    }
    return 1;
}

/* An upper bound on the loop trips one work-item of CONFIG makes over a chunk of SPLIT, counting every
 * loop of attention.cl as a loop: a driver that stops loops (llvmpipe) may unroll none of them. Per
 * tile, work-item: the scores (D elements against GROUP query heads), the rescale of the GROUP x NV
 * accumulators, NV / VB passes of TILE rows of VB slices for GROUP heads. Work-group, per lane: its
 * rows' scores, the rescale and the two lane trees, at most every row of V for its NVL slices. */
static uint64_t item_trips(const rl_attn_shape *s, const oclab_attn_config *c, uint64_t split)
{
    uint64_t chunk, group = s->heads / s->kv_heads, d = s->head_dim;
    oclab_attn_chunks(s->context, split, &chunk);
    uint64_t tile = c->tile ? c->tile : 1, nv = d / (c->vec ? c->vec : 1), vb = c->vb ? c->vb : 1;
    uint64_t per_tile;
    if (c->variant == OCLAB_ATTN_ITEM) {
        per_tile = 1 + d * (1 + group) + group * (1 + nv) + div_up(nv, vb) * (1 + 2 * group * vb + tile * (1 + vb * (1 + group)));
    } else {
        uint64_t wg = c->wg ? c->wg : 1, rows = div_up(tile, wg), nvl = div_up(nv, wg), tree = 2 * group * 12;
        per_tile = 1 + rows * (1 + d * (1 + group)) + group * (1 + nvl) + tree + rows * (1 + group) +
                   tile * (1 + nvl * (1 + group));
    }
    return (div_up(chunk, tile) + 1) * per_tile;
}

static int space_valid(const oclab_tune_space *space, const int *point, void *user, char *why, size_t len)
{
    const oclab_attn_space_info *u = user;
    oclab_attn_config c;
    uint64_t split;
    oclab_attn_point(space, point, u->variant, &c, &split);
    if (oclab_attn_config_check(&u->shape, &c, why, len) != 0 || !device_allows(u->info, u->max_lanes, &u->shape, &c, why, len) ||
        !split_allowed(u, split, why, len))
        return 0;
    uint64_t trips = item_trips(&u->shape, &c, split);
    if (trips > u->loop_budget) {
        snprintf(why, len, "%llu loop trips per work-item, beyond the driver's %llu", (unsigned long long)trips,
                 (unsigned long long)u->loop_budget);
        return 0;
    }
    return 1;
}

/* The smallest split giving START_PER_CU work-groups per compute unit. */
static int start_split(const oclab_device_info *info, const rl_attn_shape *s)
{
    uint64_t want = (uint64_t)START_PER_CU * (info->compute_units ? info->compute_units : 1);
    uint64_t split = div_up(want, s->batch * s->kv_heads);
    return split > 256 ? 256 : (int)split;
}

void oclab_attn_space(const oclab_device_info *info, const rl_attn_shape *s, oclab_attn_variant variant,
                      oclab_attn_space_info *hold, oclab_tune_space *space)
{
    hold->info = info;
    hold->shape = *s;
    hold->variant = variant;
    hold->max_lanes = 0;
    hold->loop_budget = UINT64_MAX;
    uint64_t group = s->heads / s->kv_heads, d = s->head_dim;
    unsigned native = native_floats(info), pref = info->preferred_vector_width[4];
    int q8 = s->kv == RL_FMT_Q8_0;
    oclab_tune_space_init(space, variant == OCLAB_ATTN_GROUP ? "attention_wg" : "attention", space_valid, hold);
    oclab_tune_add(space, "split", split_values, COUNT(split_values), start_split(info, s));
    if (variant == OCLAB_ATTN_ITEM) {
        /* Start: vectors of the preferred width that divide D, tiles of the native width, V passes
         * of about as many native vectors of accumulators as it has floats. */
        unsigned vec = 4, tile = native < 4 ? 4 : native > 16 ? 16 : native;
        for (unsigned w = 16; w > 4; w /= 2)
            if (w <= pref && d % w == 0) {
                vec = w;
                break;
            }
        if (q8)
            vec = tile = 16;
        uint64_t start_chains = native < 4 ? 4 : native > 16 ? 16 : native;
        uint64_t chains = group * div_up(vec, native), vb = chains >= start_chains ? 1 : start_chains / chains;
        if (vb > d / vec)
            vb = d / vec;
        oclab_tune_add(space, "tile", q8 ? q8_0_sixteen : item_tiles, q8 ? 1 : COUNT(item_tiles), (int)tile);
        oclab_tune_add(space, "vec", q8 ? q8_0_sixteen : item_vecs, q8 ? 1 : COUNT(item_vecs), (int)vec);
        oclab_tune_add(space, "v_slices", item_slices, COUNT(item_slices), (int)vb);
        return;
    }
    /* Start: 4 elements of D per lane (16-byte f32 loads), lanes for 4 rows of V at once, a tile of a
     * row per lane; within the device's work-group size. */
    uint64_t wg = 16;
    while (wg < 4 * (d / 4) && 2 * wg <= info->max_work_group_size && wg < 1024)
        wg *= 2;
    oclab_tune_add(space, "tile", group_tiles, COUNT(group_tiles), (int)(wg < 256 ? wg : 256));
    oclab_tune_add(space, "vec", group_vecs, COUNT(group_vecs), 4);
    oclab_tune_add(space, "work_group", group_sizes, COUNT(group_sizes), (int)wg);
}

uint64_t oclab_attn_space_max_split(const oclab_tune_space *space)
{
    const oclab_attn_space_info *u = space->user;
    char why[160];
    for (int i = COUNT(split_values) - 1; i > 0; i--)
        if (split_allowed(u, (uint64_t)split_values[i], why, sizeof why))
            return (uint64_t)split_values[i];
    return 1;
}

/* Whether any point of SPACE is valid: its size is small, so this enumerates. */
static int any_valid(const oclab_tune_space *space)
{
    int point[OCLAB_TUNE_MAX_PARAMS];
    uint64_t size = oclab_tune_space_size(space);
    for (uint64_t k = 0; k < size; k++) {
        uint64_t r = k;
        for (int i = space->n_params - 1; i >= 0; i--) {
            point[i] = space->params[i].values[r % (uint64_t)space->params[i].n];
            r /= (uint64_t)space->params[i].n;
        }
        if (oclab_tune_point_valid(space, point, NULL, 0))
            return 1;
    }
    return 0;
}

int oclab_attn_variant_runs(const oclab_device_info *info, const rl_attn_shape *shape, oclab_attn_variant variant)
{
    oclab_attn_space_info hold;
    oclab_tune_space space;
    oclab_attn_space(info, shape, variant, &hold, &space);
    return any_valid(&space);
}

oclab_attn_variant oclab_attn_variant_for(const oclab_device_info *info, const rl_attn_shape *shape)
{
    oclab_attn_variant forced;
    if (oclab_attn_forced_variant(&forced) == 1)
        return forced;
    /* Lanes that share a tile through local memory: devices that run many lanes per compute unit in
     * lockstep (GPUs, accelerators, and a CPU driver whose native float vector is one float, which
     * vectorizes across work-items: llvmpipe); a CPU driver with native vectors runs a work-group's
     * lanes one after another. */
    int lockstep = ((info->type & (CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR)) && !(info->type & CL_DEVICE_TYPE_CPU)) ||
                   native_floats(info) == 1;
    if (lockstep && oclab_attn_variant_runs(info, shape, OCLAB_ATTN_GROUP))
        return OCLAB_ATTN_GROUP;
    return OCLAB_ATTN_ITEM;
}

/* ---- programs ---- */

struct oclab_attn_programs {
    oclab_attn_program **items; /* each allocated apart, so handles keep their pointers */
    cl_int *status;             /* its build's result: a failed build is not tried again */
    int n, cap;
};

oclab_attn_programs *oclab_attn_programs_new(void)
{
    return calloc(1, sizeof(oclab_attn_programs));
}

void oclab_attn_programs_free(oclab_attn_programs *programs)
{
    if (!programs)
        return;
    for (int i = 0; i < programs->n; i++) {
        oclab_attn_program_release(programs->items[i]);
        free(programs->items[i]);
    }
    free(programs->items);
    free(programs->status);
    free(programs);
}

static int same_config(const oclab_attn_config *a, const oclab_attn_config *b)
{
    return a->variant == b->variant && a->vec == b->vec && a->tile == b->tile && a->vb == b->vb && a->wg == b->wg;
}

cl_int oclab_attn_programs_get(oclab_cl *cl, oclab_attn_programs *programs, const rl_attn_shape *s,
                               const oclab_attn_config *config, const oclab_attn_program **out)
{
    uint64_t group = s->heads / s->kv_heads;
    *out = NULL;
    for (int i = 0; i < programs->n; i++) {
        const oclab_attn_program *p = programs->items[i];
        if (p->kv == s->kv && p->head_dim == s->head_dim && p->group == group && same_config(&p->config, config)) {
            *out = p;
            return programs->status[i];
        }
    }
    if (programs->n == programs->cap) {
        int cap = programs->cap ? 2 * programs->cap : 16;
        oclab_attn_program **items = realloc(programs->items, (size_t)cap * sizeof *items);
        if (items)
            programs->items = items;
        cl_int *status = realloc(programs->status, (size_t)cap * sizeof *status);
        if (status)
            programs->status = status;
        if (!items || !status)
            return CL_OUT_OF_HOST_MEMORY;
        programs->cap = cap;
    }
    oclab_attn_program *p = calloc(1, sizeof *p);
    if (!p)
        return CL_OUT_OF_HOST_MEMORY;
    /* kept either way (a failed build's program holds no objects), so a failed build is remembered */
    cl_int err = oclab_attn_program_build(cl, s, config, NULL, p);
    programs->items[programs->n] = p;
    programs->status[programs->n++] = err;
    *out = p;
    return err;
}

/* ---- the tuner's evaluation ---- */

typedef struct {
    oclab_cl *cl;
    const oclab_tune_space *space;
    oclab_attn_variant variant;
    oclab_attn_programs *programs;
    oclab_attn *attn;
    const oclab_attn_problem *problem;
    float *got;
    oclab_attn_choice *choice;
    uint64_t kernel_lanes; /* the fewest lanes a built kernel said it runs, where that failed a candidate */
} tune_user;

typedef struct {
    const oclab_attn_program *prog;
    uint64_t split;
} handle;

cl_int oclab_attn_launch(void *user, int rep, cl_event *first, cl_event *last)
{
    oclab_attn_launch_args *a = user;
    return oclab_attn_enqueue(a->attn, a->prog, rep, a->split, first, last);
}

static void *tune_prepare(void *user, const int *point, oclab_tune_status *status, char *why, size_t len)
{
    tune_user *t = user;
    oclab_attn_config config;
    uint64_t split;
    const oclab_attn_program *prog;
    cl_event ev = NULL;
    double e;
    oclab_attn_point(t->space, point, t->variant, &config, &split);
    cl_int err = oclab_attn_programs_get(t->cl, t->programs, &t->problem->shape, &config, &prog);
    if (err == CL_INVALID_WORK_GROUP_SIZE) {
        *status = OCLAB_TUNE_LAUNCH;
        snprintf(why, len, "the kernel runs %zu lanes at most here", prog->kernel_lanes);
        if (!t->kernel_lanes || prog->kernel_lanes < t->kernel_lanes)
            t->kernel_lanes = prog->kernel_lanes;
        return NULL;
    }
    if (err != CL_SUCCESS) {
        *status = OCLAB_TUNE_BUILD;
        snprintf(why, len, "%s", oclab_cl_error_name(err));
        return NULL;
    }
    /* The verification launch is the candidate's warm-up too. */
    memset(t->got, 0xff, t->problem->outputs * sizeof *t->got); /* NaN: a stale output cannot pass */
    err = oclab_attn_enqueue(t->attn, prog, 0, split, NULL, &ev);
    if (err == CL_SUCCESS)
        err = clWaitForEvents(1, &ev);
    if (ev)
        clReleaseEvent(ev);
    if (err == CL_SUCCESS)
        err = oclab_attn_read(t->attn, t->got);
    if (err != CL_SUCCESS) {
        *status = OCLAB_TUNE_LAUNCH;
        snprintf(why, len, "%s", oclab_cl_error_name(err));
        return NULL;
    }
    oclab_attn_choice *c = t->choice;
    if (!oclab_attn_verify(t->problem->shape.kv, t->got, t->problem->want, t->problem->outputs, &e)) {
        char text[160];
        oclab_tune_point_text(t->space, point, text, sizeof text);
        oclab_error("attention %s %s: verification failed (max relative error %g)",
                    oclab_attn_variant_name(t->variant), text, e);
        if (c->wrong++ == 0) {
            c->wrong_config = config;
            c->wrong_split = split;
            c->wrong_error = e;
        }
        *status = OCLAB_TUNE_WRONG;
        snprintf(why, len, "max relative error %g", e);
        return NULL;
    }
    c->max_rel_error = fmax(c->max_rel_error, e);
    handle *h = malloc(sizeof *h);
    if (!h) {
        *status = OCLAB_TUNE_LAUNCH;
        snprintf(why, len, "out of host memory");
        return NULL;
    }
    h->prog = prog;
    h->split = split;
    return h;
}

static double tune_sample(void *user, void *hp, int rep)
{
    tune_user *t = user;
    handle *h = hp;
    oclab_attn_launch_args args = {t->attn, h->prog, h->split};
    double device_s, host_s;
    if (oclab_time_sample(t->cl, oclab_attn_launch, &args, rep, &device_s, &host_s) != CL_SUCCESS)
        return -1.0;
    return device_s;
}

static void tune_release(void *user, void *h)
{
    (void)user;
    free(h);
}

/* Shape class: head dim, group, and buckets of batch x KV heads (powers of 2) and context (of 4). */
static void shape_class(const rl_attn_shape *s, char *buf, size_t len)
{
    uint64_t bh = 1, ctx = 1;
    while (2 * bh <= s->batch * s->kv_heads)
        bh *= 2;
    while (4 * ctx <= s->context)
        ctx *= 4;
    snprintf(buf, len, "d%llu-g%llu-bh%llu-s%llu", (unsigned long long)s->head_dim,
             (unsigned long long)(s->heads / s->kv_heads), (unsigned long long)bh, (unsigned long long)ctx);
}

int oclab_attn_tune(oclab_decode_ctx *ctx, oclab_tune_space *space, oclab_attn_variant variant,
                    oclab_attn_programs *programs, oclab_attn *attn, const oclab_attn_problem *problem,
                    oclab_attn_choice *choice)
{
    const rl_attn_shape *s = &problem->shape;
    char fixed[160], klass[96];
    oclab_tune_opts opts;
    oclab_tune_outcome out;
    memset(choice, 0, sizeof *choice);
    tune_user t = {ctx->cl, space, variant, programs, attn, problem, malloc(problem->outputs * sizeof(float)),
                   choice, 0};
    if (!t.got)
        return -1;
    oclab_tune_eval eval = {tune_prepare, tune_sample, tune_release, &t};
    oclab_tune_opts_default(&opts);
    opts.budget_s = ctx->dev_opts->quick ? 0.5 : 1.5; /* programs take about a second each to build on POCL */
    /* Samples cost little beside builds; configurations a few % apart need many to be told apart on a
     * shared machine (with 3 and 7, a split 7 % slower won a search: POCL / Zen 5, q8_0 S = 16384). */
    opts.rounds = 5;
    opts.final_rounds = 21;
    oclab_attn_fixed_options(ctx->cl, s, fixed, sizeof fixed);
    shape_class(s, klass, sizeof klass);
    uint64_t hash = oclab_kernel_source_hash("attention.cl", ctx->cl->kernel_dir, fixed);
    int rc = oclab_tune(&ctx->tuner, space, &eval, &opts, rl_format_name(s->kv), klass, hash, &out);
    oclab_attn_space_info *hold = space->user;
    if (rc != 0 && t.kernel_lanes && (!hold->max_lanes || t.kernel_lanes < hold->max_lanes)) {
        /* A driver may run fewer lanes of a kernel with local memory and barriers than its max work-group
         * size (Mesa llvmpipe: 32 of 1024), which shows only once one is built: search again below that. */
        cJSON_Delete(out.record);
        hold->max_lanes = t.kernel_lanes;
        rc = oclab_tune(&ctx->tuner, space, &eval, &opts, rl_format_name(s->kv), klass, hash, &out);
    }
    free(t.got);
    choice->record = out.record;
    if (rc != 0)
        return -1;
    handle *h = out.handle;
    choice->prog = h->prog;
    choice->split = h->split;
    choice->config = h->prog->config;
    free(h);
    return 0;
}
