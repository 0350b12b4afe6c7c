/* oclab peak, bandwidth: every STREAM kernel of kernels/stream.cl over a sweep of working-set sizes,
 * each (kernel, size) with the configuration the tuner finds (vector width, work-group, layout, groups
 * per compute unit, read's accumulators), verified before its time counts. The sweep goes on past the
 * cache size the driver reports until the bandwidth settles, so the last-level cache edge is measured,
 * and ends with at least DRAM_SIZES sizes beyond 4x that edge; those are then sampled round-robin, every
 * kernel at every DRAM size in turn, so the drift of a shared machine falls on all kernels alike and the
 * DRAM ceiling is a median over many samples of several sizes (ceilings.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/cl/error.h"
#include "host/cl/fault.h"
#include "host/cl/kernel_source.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/peak/peak.h"
#include "host/peak/stream.h"
#include "roofline/plateau.h"

#define KIB 1024.0
#define MIB (1024.0 * 1024.0)
#define MAX_SIZES 40
#define VEC_SLOTS 5 /* widths 1, 2, 4, 8, 16 */
#define ACC_SLOTS 5 /* read's accumulators 1, 2, 4, 8, 16 */
#define LAYOUTS 2   /* blocked, interleaved: built apart */
#define SETTLE_POINTS 3
#define DRAM_SIZES 3
#define SAMPLED_CHECKS 4096 /* elements a candidate's check draws at random, beside every work-item's ends */
/* No working set below this settles the sweep: last-level caches reach past it on every CPU and GPU of
 * the last decade, and below it a flat sweep is more likely a launch overhead than DRAM. */
#define MIN_SETTLE_BYTES (16.0 * MIB)

static const int vec_values[] = {1, 2, 4, 8, 16};
static const int cpu_wg_values[] = {1, 4, 16, 64};
static const int gpu_wg_values[] = {64, 128, 256, 512, 1024};
static const int layout_values[] = {0, 1};
static const int per_cu_values[] = {1, 2, 4, 8, 16};
static const int acc_values[] = {2, 4, 8, 16};

/* One sample: BATCH launches of SHAPE back to back, timed as one (a driver's loop limit can keep a single
 * launch far shorter than the host clock can time). */
typedef struct bw_state bw_state;

typedef struct {
    bw_state *st;
    cl_kernel kernel;
    oclab_stream_shape shape;
    int batch;
} bw_launch;

struct bw_state {
    oclab_peak_ctx *ctx;
    cl_mem x, y, dst;
    float *hx, *hy, *hdst;
    size_t cap_floats; /* floats each array holds */
    cl_program programs[OCLAB_STREAM_OPS][VEC_SLOTS][ACC_SLOTS][LAYOUTS];
    cl_kernel kernels[OCLAB_STREAM_OPS][VEC_SLOTS][ACC_SLOTS][LAYOUTS];
    int build_failed[OCLAB_STREAM_OPS][VEC_SLOTS][ACC_SLOTS][LAYOUTS];
    /* the search under way */
    oclab_stream_op op;
    double target;
    const oclab_tune_space *space;
    /* the winners, per kernel and size index, for the DRAM rounds */
    bw_launch chosen[OCLAB_STREAM_OPS][MAX_SIZES];
    int have[OCLAB_STREAM_OPS][MAX_SIZES];
};

static int slot_of(int value)
{
    int slot = 0;
    while ((1 << slot) < value)
        slot++;
    return slot;
}

static int is_cpu(const oclab_device_info *info)
{
    return (info->type & CL_DEVICE_TYPE_CPU) != 0;
}

/* The three arrays, on the device and on the host. */
static void release_arrays(bw_state *st)
{
    oclab_cl_release_mem(&st->x);
    oclab_cl_release_mem(&st->y);
    oclab_cl_release_mem(&st->dst);
    free(st->hx);
    free(st->hy);
    free(st->hdst);
    st->hx = st->hy = st->hdst = NULL;
    st->cap_floats = 0;
}

/* Arrays of at least FLOATS each, X and Y filled (the same seeds at every size, so a point's inputs do
 * not depend on the order of the sweep). */
static cl_int ensure_capacity(bw_state *st, size_t floats)
{
    cl_int err = CL_SUCCESS;
    if (floats <= st->cap_floats)
        return CL_SUCCESS;
    oclab_cl *cl = st->ctx->cl;
    release_arrays(st);
    size_t bytes = floats * sizeof(float);
    st->hx = malloc(bytes);
    st->hy = malloc(bytes);
    st->hdst = malloc(bytes);
    if (!st->hx || !st->hy || !st->hdst) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(bandwidth arrays)");
    }
    oclab_stream_fill(st->hx, floats, 1);
    oclab_stream_fill(st->hy, floats, 2);
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_ONLY, bytes, st->hx, &st->x));
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_ONLY, bytes, st->hy, &st->y));
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_WRITE, bytes, NULL, &st->dst));
    st->cap_floats = floats;
cleanup:
    return err;
}

/* The kernel of SHAPE, built on first use; NULL when its build failed (the candidates that need it are
 * recorded as failed by the tuner, and it is not built again). */
static cl_kernel stream_kernel(bw_state *st, const oclab_stream_shape *s)
{
    int v = slot_of(s->vec), a = slot_of(oclab_stream_acc(s)), l = s->interleaved != 0;
    if (!st->kernels[s->op][v][a][l] && !st->build_failed[s->op][v][a][l])
        st->build_failed[s->op][v][a][l] = oclab_stream_build(st->ctx->cl, s, &st->programs[s->op][v][a][l],
                                                              &st->kernels[s->op][v][a][l]) != CL_SUCCESS;
    return st->kernels[s->op][v][a][l];
}

/* The shape of point P for ST's kernel and working set; 0 with the reason when it does not fit (no
 * vector per work-item, or a launch of one pass beyond the driver's loop budget). */
static int make_shape(const bw_state *st, const oclab_tune_space *space, const int *p, oclab_stream_shape *s,
                      char *why, size_t len)
{
    const oclab_device_info *info = st->ctx->cl->info;
    int arrays = oclab_stream_arrays(st->op);
    memset(s, 0, sizeof *s);
    s->op = st->op;
    s->vec = oclab_tune_get(space, p, "vec", 1);
    s->wg = (size_t)oclab_tune_get(space, p, "wg", 1);
    s->interleaved = oclab_tune_get(space, p, "layout", 0);
    s->groups = (size_t)oclab_tune_get(space, p, "groups_per_cu", 1) * (info->compute_units ? info->compute_units : 1);
    s->acc = oclab_tune_get(space, p, "acc", 0);
    s->passes = 1;
    double per_wi = floor(st->target / (arrays * sizeof(float) * (double)s->vec * (double)(s->wg * s->groups)));
    if (per_wi < 1.0) {
        snprintf(why, len, "fewer vectors than work-items");
        return 0;
    }
    s->per_wi = per_wi > 4e9 ? 4000000000u : (cl_uint)per_wi;
    if (oclab_stream_trips(s) > oclab_cl_loop_budget(st->ctx->cl)) {
        snprintf(why, len, "%llu loop trips per work-item, beyond the driver's loop limit",
                 (unsigned long long)oclab_stream_trips(s));
        return 0;
    }
    if (s->wg > info->max_work_group_size) {
        snprintf(why, len, "work-group %zu beyond the device's %zu", s->wg, info->max_work_group_size);
        return 0;
    }
    return 1;
}

static int valid(const oclab_tune_space *space, const int *p, void *user, char *why, size_t len)
{
    oclab_stream_shape s;
    return make_shape(user, space, p, &s, why, len);
}

static cl_int launch_fn(void *user, int rep, cl_event *first, cl_event *last)
{
    (void)rep; /* each size is measured in its own level: no rotation */
    cl_int err = CL_SUCCESS;
    bw_launch *l = user;
    bw_state *st = l->st;
    for (int b = 0; b < l->batch && err == CL_SUCCESS; b++)
        err = oclab_stream_enqueue(st->ctx->cl, l->kernel, &l->shape, st->dst, st->x, st->y,
                                   b == l->batch - 1 ? last : b == 0 ? first : NULL);
    return err;
}

/* STREAM-counted bytes of one sample. */
static double sample_bytes(const bw_launch *l)
{
    return oclab_stream_bytes(&l->shape) * l->batch;
}

/* Passes for a launch of about the peak's launch length, within the watchdog bound and the driver's
 * loop budget; where the budget caps the passes short of it, launches batched back to back. */
static cl_int calibrate_passes(bw_launch *l)
{
    cl_int err = CL_SUCCESS;
    oclab_peak_ctx *ctx = l->st->ctx;
    double want = fmin(ctx->launch_s, ctx->max_launch_s);
    oclab_stream_shape one = l->shape;
    one.passes = 1;
    double trips_per_pass = (double)oclab_stream_trips(&one);
    double most = fmin(1e6, floor((double)oclab_cl_loop_budget(ctx->cl) / trips_per_pass));
    double p = fmin(fmax(ceil(4.0 * MIB / oclab_stream_bytes(&one)), 1.0), most);
    for (int round = 0; round < 4; round++) {
        double dev = 0.0, host = 0.0;
        l->shape.passes = (cl_uint)p;
        CL_TRY(oclab_time_sample(ctx->cl, launch_fn, l, 0, &dev, &host));
        double t = fmax(dev, 1e-7);
        int settled = t > 0.5 * want && t < 2.0 * want;
        double next = fmin(fmax(floor(p * want / t), 1.0), most);
        if (t > ctx->max_launch_s) /* over the watchdog bound: fewer passes whatever the aim */
            next = fmax(1.0, floor(p * 0.5 * ctx->max_launch_s / t));
        if (settled || next == p) {
            if (!settled && p == most && t < 0.5 * want) /* capped by the loop budget */
                l->batch = (int)fmin(ceil(want / t), 1000.0);
            break;
        }
        p = next;
    }
    l->shape.passes = (cl_uint)p;
cleanup:
    return err;
}

/* Checks one launch of L: the destination poisoned first (a NaN pattern), so unwritten elements cannot
 * pass as results left by another run; read checks the passes that sum exactly. FULL checks every
 * element, otherwise every work-item's first and last vectors and SAMPLED_CHECKS random elements. */
static int check(bw_launch *l, int full, char *why, size_t len)
{
    bw_state *st = l->st;
    oclab_cl *cl = st->ctx->cl;
    oclab_stream_shape s = l->shape;
    if (s.op == OCLAB_STREAM_READ)
        s.passes = oclab_stream_exact_passes(&l->shape, st->hx);
    size_t out = s.op == OCLAB_STREAM_READ ? oclab_stream_items(&s) : oclab_stream_floats(&s);
    cl_uint poison = 0xffffffffu;
    cl_event ev = NULL;
    if (clEnqueueFillBuffer(cl->queue, st->dst, &poison, sizeof poison, 0, out * sizeof(float), 0, NULL, NULL) !=
            CL_SUCCESS ||
        oclab_stream_enqueue(cl, l->kernel, &s, st->dst, st->x, st->y, &ev) != CL_SUCCESS ||
        oclab_cl_read(cl, st->dst, out * sizeof(float), st->hdst) != CL_SUCCESS) {
        if (ev)
            clReleaseEvent(ev);
        snprintf(why, len, "the check launch failed");
        return -1;
    }
    clReleaseEvent(ev);
    if (full || s.op == OCLAB_STREAM_READ) /* read's partials are few: always all of them */
        return oclab_stream_verify(&s, st->hx, st->hy, st->hdst, why, len);
    return oclab_stream_verify_sampled(&s, st->hx, st->hy, st->hdst, SAMPLED_CHECKS, why, len);
}

static void release(void *user, void *handle)
{
    (void)user;
    free(handle);
}

static void *prepare(void *user, const int *p, oclab_tune_status *status, char *why, size_t len)
{
    bw_state *st = user;
    bw_launch *l = calloc(1, sizeof *l);
    *status = OCLAB_TUNE_LAUNCH;
    if (!l) {
        snprintf(why, len, "out of host memory");
        return NULL;
    }
    l->st = st;
    l->batch = 1;
    if (!make_shape(st, st->space, p, &l->shape, why, len))
        goto fail;
    *status = OCLAB_TUNE_BUILD;
    if (!(l->kernel = stream_kernel(st, &l->shape))) {
        snprintf(why, len, "kernel build failed");
        goto fail;
    }
    *status = OCLAB_TUNE_LAUNCH;
    if (calibrate_passes(l) != CL_SUCCESS) {
        snprintf(why, len, "the launch failed");
        goto fail;
    }
    *status = OCLAB_TUNE_WRONG;
    if (check(l, 0, why, len) != 0)
        goto fail;
    return l;
fail:
    free(l);
    return NULL;
}

/* Seconds per STREAM-counted byte of one launch. */
static double sample(void *user, void *handle, int rep)
{
    (void)user;
    bw_launch *l = handle;
    double dev = 0.0, host = 0.0;
    if (oclab_time_sample(l->st->ctx->cl, launch_fn, l, rep, &dev, &host) != CL_SUCCESS || !(dev > 0.0))
        return -1.0;
    return dev / sample_bytes(l);
}

/* The device-derived start: its preferred float width, and the layout and group shape of its kind
 * (a CPU runtime runs a group's work-items one after another, one group per core; a GPU wants many
 * work-items reading adjacent elements). */
static void make_space(bw_state *st, oclab_tune_space *space)
{
    const oclab_device_info *info = st->ctx->cl->info;
    int cpu = is_cpu(info);
    int pref = (int)info->preferred_vector_width[4];
    oclab_tune_space_init(space, "stream", valid, st);
    oclab_tune_add(space, "vec", vec_values, 5, pref > 0 ? pref : 4);
    if (cpu)
        oclab_tune_add(space, "wg", cpu_wg_values, 4, 1);
    else
        oclab_tune_add(space, "wg", gpu_wg_values, 5, 256);
    oclab_tune_add(space, "layout", layout_values, 2, cpu ? 0 : 1);
    oclab_tune_add(space, "groups_per_cu", per_cu_values, 5, cpu ? 1 : 8);
    if (st->op == OCLAB_STREAM_READ)
        oclab_tune_add(space, "acc", acc_values, 4, OCLAB_STREAM_READ_ACC);
}

static double gbs_of(double bytes, double seconds)
{
    return seconds > 0.0 ? bytes / seconds / 1e9 : 0.0;
}

static cJSON *shape_json(const oclab_stream_shape *s, double target)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddNumberToObject(p, "bytes", oclab_stream_bytes(s) / s->passes);
    cJSON_AddNumberToObject(p, "target_bytes", target);
    cJSON_AddNumberToObject(p, "floats_per_array", (double)oclab_stream_floats(s));
    cJSON_AddNumberToObject(p, "vector_width", s->vec);
    cJSON_AddNumberToObject(p, "work_group", (double)s->wg);
    cJSON_AddNumberToObject(p, "groups", (double)s->groups);
    cJSON_AddStringToObject(p, "layout", s->interleaved ? "interleaved" : "blocked");
    cJSON_AddNumberToObject(p, "vectors_per_item", s->per_wi);
    cJSON_AddNumberToObject(p, "passes", s->passes);
    if (s->op == OCLAB_STREAM_READ)
        cJSON_AddNumberToObject(p, "accumulators", oclab_stream_acc(s));
    return p;
}

/* Tunes, measures and verifies OP at working set TARGET (size index I); appends the point to POINTS and
 * returns its median GB/s (0 when it failed or its timing is suspect). */
static double measure_point(bw_state *st, oclab_stream_op op, double target, int i, cJSON *points)
{
    oclab_peak_ctx *ctx = st->ctx;
    oclab_tune_space space;
    oclab_tune_eval eval = {prepare, sample, release, st};
    oclab_tune_opts opts;
    oclab_tune_outcome out;
    char shape_class[64], why[256] = "";
    st->op = op;
    st->target = target;
    st->space = &space;
    make_space(st, &space);
    oclab_tune_opts_default(&opts);
    opts.budget_s = ctx->quick ? 0.25 : 0.5;
    opts.final_rounds = 5;
    snprintf(shape_class, sizeof shape_class, "%s %.0f", oclab_stream_op_name(op), target);
    if (oclab_tune(&ctx->tuner, &space, &eval, &opts, "f32", shape_class,
                   oclab_kernel_source_hash("stream.cl", ctx->cl->kernel_dir, NULL), &out) != 0) {
        char what[64];
        cJSON *p = cJSON_CreateObject();
        oclab_tune_failure_text(out.record, why, sizeof why);
        cJSON_AddNumberToObject(p, "target_bytes", target);
        cJSON_AddBoolToObject(p, "verified", 0);
        cJSON_AddStringToObject(p, "error", why);
        cJSON_AddItemToObject(p, "tuning", out.record);
        cJSON_AddItemToArray(points, p);
        snprintf(what, sizeof what, "bandwidth %s at %.0f KiB", oclab_stream_op_name(op), target / KIB);
        oclab_profile_skip(ctx->profile, what, why);
        ctx->failed = 1;
        return 0.0;
    }
    bw_launch *l = out.handle;
    oclab_time_opts full = {ctx->budget_s, 5, 100000};
    oclab_timing t;
    int verified = oclab_time_kernel(ctx->cl, launch_fn, l, &full, &t) == CL_SUCCESS && check(l, 1, why, sizeof why) == 0;
    if (!verified && !why[0])
        snprintf(why, sizeof why, "a timed launch failed");
    double bytes = sample_bytes(l), gbs = 0.0;
    cJSON *p = shape_json(&l->shape, target);
    cJSON_AddNumberToObject(p, "launches_per_sample", l->batch);
    cJSON_AddBoolToObject(p, "verified", verified);
    cJSON_AddItemToObject(p, "tuning", out.record);
    if (verified) {
        cJSON *g = cJSON_AddObjectToObject(p, "gbs");
        cJSON_AddNumberToObject(g, "min", gbs_of(bytes, t.device.max));
        cJSON_AddNumberToObject(g, "median", gbs_of(bytes, t.device.median));
        cJSON_AddNumberToObject(g, "max", gbs_of(bytes, t.device.min));
        oclab_timing_to_json(&t, p);
        gbs = t.suspect ? 0.0 : gbs_of(bytes, t.device.median);
        st->chosen[op][i] = *l;
        st->have[op][i] = !t.suspect;
        oclab_debug("bandwidth %-5s %10.0f KiB %8.1f GB/s vec%d wg%zu x%zu %s passes %u%s", oclab_stream_op_name(op),
                    target / KIB, gbs_of(bytes, t.device.median), l->shape.vec, l->shape.wg, l->shape.groups,
                    l->shape.interleaved ? "interleaved" : "blocked", l->shape.passes, t.suspect ? " SUSPECT" : "");
    } else {
        cJSON_AddStringToObject(p, "error", why);
        oclab_error("bandwidth %s at %.0f KiB failed verification: %s", oclab_stream_op_name(op), target / KIB, why);
        ctx->failed = 1;
    }
    cJSON_AddItemToArray(points, p);
    release(st, l);
    return gbs;
}

/* The largest working set of one array: within the device's max allocation and an eighth of its memory
 * (three arrays are live), and within half the host's memory, which holds the three arrays' host
 * copies and, on a CPU device, the buffers too (a sweep that had not settled once climbed to 12.7 GB
 * of a 23 GiB machine). */
static double size_limit(const oclab_device_info *info)
{
    double limit = fmin((double)info->max_alloc_bytes, (double)info->global_mem_bytes / 8.0);
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        limit = fmin(limit, (double)pages * (double)page / 2.0 / ((info->type & CL_DEVICE_TYPE_CPU) ? 6.0 : 3.0));
    return limit;
}

/* How far the sweep looks for the DRAM plateau before giving up on a settled level: it begins within
 * a few times the last-level cache, so 32x the reported cache (at least 1 GiB) is far enough; the DRAM
 * sizes, once found, may go past it up to size_limit. */
static double settle_limit(const oclab_device_info *info)
{
    return fmax(32.0 * fmax((double)info->global_cache_bytes, MIN_SETTLE_BYTES), 1024.0 * MIB);
}

/* Every kernel sampled at every DRAM size in turn, ROUNDS times: per kernel, the pooled samples' GB/s
 * into measurements.bandwidth.dram.kernels. */
static cJSON *dram_rounds(bw_state *st, const double *sizes, int first, int n, int rounds)
{
    oclab_peak_ctx *ctx = st->ctx;
    cJSON *dram = cJSON_CreateObject();
    cJSON_AddItemToObject(dram, "target_bytes", cJSON_CreateDoubleArray(sizes + first, n - first));
    cJSON_AddNumberToObject(dram, "rounds", rounds);
    cJSON_AddStringToObject(dram, "method", "every kernel at every DRAM size in turn, one launch each per round; "
                                            "statistics over the pooled samples");
    cJSON *kernels = cJSON_AddObjectToObject(dram, "kernels");
    int count = (n - first) * rounds;
    double *gbs = malloc((size_t)OCLAB_STREAM_OPS * (size_t)(count > 0 ? count : 1) * sizeof *gbs);
    int taken[OCLAB_STREAM_OPS] = {0};
    if (!gbs)
        return dram;
    for (int r = 0; r < rounds; r++)
        for (int op = 0; op < OCLAB_STREAM_OPS; op++)
            for (int i = first; i < n; i++) {
                if (!st->have[op][i])
                    continue;
                bw_launch *l = &st->chosen[op][i];
                double dev = 0.0, host = 0.0;
                if (oclab_time_sample(ctx->cl, launch_fn, l, r + 1, &dev, &host) != CL_SUCCESS)
                    continue;
                gbs[(size_t)op * count + taken[op]++] = gbs_of(sample_bytes(l), dev);
            }
    for (int op = 0; op < OCLAB_STREAM_OPS; op++) {
        if (taken[op] == 0)
            continue;
        oclab_stats s;
        oclab_stats_of(gbs + (size_t)op * count, taken[op], &s);
        cJSON *k = oclab_stats_json(&s);
        double v[4096];
        int m = taken[op] < 4096 ? taken[op] : 4096;
        memcpy(v, gbs + (size_t)op * count, (size_t)m * sizeof *v);
        rl_median(v, m); /* sorts */
        cJSON_AddNumberToObject(k, "p10", v[m / 10]);
        cJSON_AddNumberToObject(k, "p90", v[m - 1 - m / 10]);
        cJSON_AddItemToObject(kernels, oclab_stream_op_name((oclab_stream_op)op), k);
    }
    free(gbs);
    return dram;
}

static void state_free(bw_state *st)
{
    for (int op = 0; op < OCLAB_STREAM_OPS; op++)
        for (int v = 0; v < VEC_SLOTS; v++)
            for (int a = 0; a < ACC_SLOTS; a++)
                for (int l = 0; l < LAYOUTS; l++) {
                    oclab_cl_release_kernel(&st->kernels[op][v][a][l]);
                    oclab_cl_release_program(&st->programs[op][v][a][l]);
                }
    release_arrays(st);
}

/* The next working set: x4 (quick) well inside the reported cache, x2 from there on; once the
 * bandwidth has settled, the DRAM sizes from 4x the cache edge (1, 1.5, 2 times it). */
static double next_size(double size, int quick, double reported, double dram_from, int have_dram)
{
    if (dram_from > 0.0) {
        double want = have_dram == 0 ? dram_from : have_dram == 1 ? 1.5 * dram_from : 2.0 * dram_from;
        return want > size ? want : size * 1.5;
    }
    return size * (quick && 4.0 * size <= reported ? 4.0 : 2.0);
}

int oclab_peak_bandwidth(oclab_peak_ctx *ctx)
{
    const oclab_device_info *info = ctx->cl->info;
    bw_state *st = calloc(1, sizeof *st);
    cJSON *bw = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(ctx->profile, "measurements"), "bandwidth");
    if (!st) {
        oclab_error("out of host memory for the bandwidth sweep");
        ctx->failed = 1;
        return OCLAB_EXIT_FAIL;
    }
    st->ctx = ctx;
    oclab_fault_scope(1, "stream");
    oclab_fault_point();
    cJSON_AddStringToObject(bw, "counting",
                            "STREAM: bytes read + bytes written per pass, no write-allocate; read's one float "
                            "per work-item not counted; decimal GB/s; median over launches");
    cJSON *kernels = cJSON_AddObjectToObject(bw, "kernels");
    cJSON *points[OCLAB_STREAM_OPS];
    for (int op = 0; op < OCLAB_STREAM_OPS; op++) {
        cJSON *entry = cJSON_AddObjectToObject(kernels, oclab_stream_op_name((oclab_stream_op)op));
        cJSON_AddNumberToObject(entry, "arrays", oclab_stream_arrays((oclab_stream_op)op));
        points[op] = cJSON_AddArrayToObject(entry, "points");
    }
    double reported = (double)info->global_cache_bytes, limit = size_limit(info);
    double sizes[MAX_SIZES], level = 0.0, edge = 0.0, dram_from = 0.0;
    rl_sweep_point env[MAX_SIZES];
    int n = 0, first_dram = -1, have_dram = 0;
    for (double size = 16.0 * KIB; n < MAX_SIZES && size <= (dram_from > 0.0 ? limit : fmin(limit, settle_limit(info)));
         size = next_size(size, ctx->quick, reported, dram_from, have_dram)) {
        if (ensure_capacity(st, (size_t)(size / sizeof(float))) != CL_SUCCESS) {
            oclab_warn("bandwidth: cannot allocate a working set of %.0f MiB; the sweep stops there", size / MIB);
            break;
        }
        sizes[n] = size;
        env[n] = (rl_sweep_point){size, 0.0};
        for (int op = 0; op < OCLAB_STREAM_OPS; op++)
            env[n].gbs = fmax(env[n].gbs, measure_point(st, (oclab_stream_op)op, size, n, points[op]));
        n++;
        if (dram_from > 0.0) {
            if (size >= dram_from && ++have_dram >= DRAM_SIZES)
                break;
            continue;
        }
        if (size >= fmax(4.0 * reported, MIN_SETTLE_BYTES) &&
            rl_sweep_settled(env, n, SETTLE_POINTS, RL_PLATEAU_TOL, &level)) {
            edge = rl_cache_edge(env, n, level, RL_PLATEAU_TOL);
            /* a flat sweep has no edge and a driver may report no cache: never below 4x the smallest
             * size a plateau may settle at */
            dram_from = 4.0 * fmax(fmax(reported, edge), MIN_SETTLE_BYTES);
            for (int i = 0; i < n; i++)
                have_dram += sizes[i] >= dram_from;
            if (have_dram >= DRAM_SIZES)
                break;
        }
    }
    if ((dram_from <= 0.0 || (n > 0 && dram_from > sizes[n - 1])) && n >= DRAM_SIZES &&
        sizes[n - DRAM_SIZES] >= fmax(4.0 * reported, MIN_SETTLE_BYTES)) {
        /* never settled within the tolerance (a drifting machine), or settled on an edge whose DRAM sizes
         * lie beyond the largest working set the device allows: the last sizes, all beyond 4x the
         * reported cache, stand for DRAM */
        if (dram_from > 0.0)
            oclab_warn("bandwidth: the DRAM sizes from 4x the cache edge (%.0f MiB) lie beyond the largest working "
                       "set (%.0f MiB); its last %d sizes are taken as DRAM", dram_from / MIB, sizes[n - 1] / MIB,
                       DRAM_SIZES);
        else
            oclab_warn("bandwidth: the sweep did not settle within %.0f %% by %.0f MiB; its last %d sizes are taken "
                       "as DRAM", 100.0 * RL_PLATEAU_TOL, sizes[n - 1] / MIB, DRAM_SIZES);
        dram_from = sizes[n - DRAM_SIZES];
        edge = dram_from / 4.0;
    }
    for (int i = 0; i < n && first_dram < 0; i++)
        if (dram_from > 0.0 && sizes[i] >= dram_from)
            first_dram = i;
    cJSON_AddItemToObject(bw, "target_bytes", cJSON_CreateDoubleArray(sizes, n));
    cJSON *llc = cJSON_AddObjectToObject(bw, "llc");
    cJSON_AddNumberToObject(llc, "reported_bytes", reported);
    cJSON_AddNumberToObject(llc, "measured_edge_bytes", edge);
    cJSON_AddNumberToObject(llc, "used_bytes", fmax(reported, edge));
    cJSON_AddNumberToObject(llc, "dram_from_bytes", dram_from);
    cJSON_AddStringToObject(llc, "rule", "the edge: the largest working set still faster than the settled level "
                                         "by more than 12 %; DRAM sizes from 4x the larger of the edge and the "
                                         "reported cache size");
    if (first_dram < 0) {
        oclab_warn("bandwidth: the sweep reached %.0f MiB without %d sizes beyond 4x the cache: no DRAM level",
                   n ? sizes[n - 1] / MIB : 0.0, DRAM_SIZES);
        cJSON_AddNullToObject(bw, "dram");
    } else {
        cJSON_AddItemToObject(bw, "dram", dram_rounds(st, sizes, first_dram, n, ctx->quick ? 10 : 30));
        if (edge > 0.0)
            ctx->cl->llc_bytes = (uint64_t)fmax(reported, edge);
        cJSON *d = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
                                                        cJSON_GetObjectItemCaseSensitive(bw, "dram"), "kernels"),
                                                    "read");
        oclab_log("bandwidth: cache edge %.1f MiB (driver: %.1f MiB), DRAM from %.0f MiB, read %.1f GB/s",
                  edge / MIB, reported / MIB, dram_from / MIB,
                  d ? cJSON_GetObjectItemCaseSensitive(d, "median")->valuedouble : 0.0);
    }
    state_free(st);
    free(st);
    oclab_fault_scope(1, NULL);
    return ctx->failed ? OCLAB_EXIT_FAIL : OCLAB_EXIT_OK;
}
