/* oclab peak, bandwidth: the STREAM-style kernels of kernels/stream.cl over a working-set sweep, each
 * size measured with the best of a few (vector width, work-group size, layout) configurations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/peak/peak.h"
#include "roofline/plateau.h"

#define MAX_SIZES 32
#define MAX_CONFIGS 32
#define VEC_SLOTS 5 /* widths 1, 2, 4, 8, 16 */
#define KIB 1024.0
#define MIB (1024.0 * 1024.0)

static const char *const op_names[OCLAB_STREAM_OPS] = {"read", "write", "copy", "scale", "add", "triad"};
static const char *const op_defines[OCLAB_STREAM_OPS] = {"OP_READ",  "OP_WRITE", "OP_COPY",
                                                         "OP_SCALE", "OP_ADD",   "OP_TRIAD"};
static const int op_arrays[OCLAB_STREAM_OPS] = {1, 1, 2, 2, 3, 3};

const char *oclab_stream_op_name(oclab_stream_op op)
{
    return op_names[op];
}

int oclab_stream_arrays(oclab_stream_op op)
{
    return op_arrays[op];
}

size_t oclab_stream_items(const oclab_stream_shape *s)
{
    return s->wg * s->groups;
}

size_t oclab_stream_floats(const oclab_stream_shape *s)
{
    return oclab_stream_items(s) * s->per_wi * (size_t)s->vec;
}

double oclab_stream_bytes(const oclab_stream_shape *s)
{
    return (double)op_arrays[s->op] * (double)oclab_stream_floats(s) * sizeof(float) * s->passes;
}

void oclab_stream_fill(float *x, size_t n, uint64_t seed)
{
    uint64_t state = seed * 2654435761u + 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < n; i++) {
        /* xorshift64*: cheap, deterministic, no pattern a compressor would find */
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        uint64_t r = (state * 0x2545F4914F6CDD1Dull) >> 33;
        x[i] = (float)((int)(r % 33u) - 16) / 16.0f;
    }
}

/* Float index of lane 0 of vector K of work-item G. */
static size_t vector_start(const oclab_stream_shape *s, size_t g, size_t k)
{
    size_t v = s->interleaved ? g + k * oclab_stream_items(s) : g * s->per_wi + k;
    return v * (size_t)s->vec;
}

/* What work-item G of a read adds up in one pass: the sum of its elements and of their magnitudes. */
static void item_pass_sums(const oclab_stream_shape *s, const float *x, size_t g, double *sum, double *mass)
{
    *sum = *mass = 0.0;
    for (size_t k = 0; k < s->per_wi; k++) {
        const float *v = x + vector_start(s, g, k);
        for (int l = 0; l < s->vec; l++) {
            *sum += v[l];
            *mass += fabs(v[l]);
        }
    }
}

static int verify_read(const oclab_stream_shape *s, const float *x, const float *partials, char *why,
                       size_t len)
{
    for (size_t g = 0; g < oclab_stream_items(s); g++) {
        double ref, mass;
        item_pass_sums(s, x, g, &ref, &mass);
        ref *= s->passes;
        mass *= s->passes;
        /* Multiples of 1/16 add exactly in float while partial sums stay below 2^20; beyond, allow
         * rounding of a millionth of the summed magnitude. */
        double tol = mass < 1048576.0 ? 0.0 : mass * 0x1p-20;
        if (!(fabs(partials[g] - ref) <= tol)) {
            snprintf(why, len, "read: work-item %zu summed %.9g, expected %.9g", g, partials[g], ref);
            return -1;
        }
    }
    return 0;
}

/* One full run in two failed a 16 KiB read at 213583 passes, 1% off: partial sums beyond 2^20 rounded. */
cl_uint oclab_stream_exact_passes(const oclab_stream_shape *s, const float *x)
{
    if (s->passes <= 1)
        return s->passes;
    double most = 0.0;
    for (size_t g = 0; g < oclab_stream_items(s); g++) {
        double sum, mass;
        item_pass_sums(s, x, g, &sum, &mass);
        most = fmax(most, mass);
    }
    double p = most > 0.0 ? floor(1048576.0 / most) : (double)s->passes;
    return p < 1.0 ? 1u : p >= (double)s->passes ? s->passes : (cl_uint)p;
}

int oclab_stream_verify(const oclab_stream_shape *s, const float *x, const float *y, const float *dst,
                        char *why, size_t len)
{
    if (s->op == OCLAB_STREAM_READ)
        return verify_read(s, x, dst, why, len);
    const float k = OCLAB_STREAM_SCALAR;
    size_t n = oclab_stream_floats(s);
    for (size_t i = 0; i < n; i++) {
        float want = 0.0f;
        uint32_t bits = (uint32_t)i;
        switch (s->op) {
        case OCLAB_STREAM_WRITE: memcpy(&want, &bits, sizeof want); break; /* the bits of the index */
        case OCLAB_STREAM_COPY: want = x[i]; break;
        case OCLAB_STREAM_SCALE: want = k * x[i]; break;
        case OCLAB_STREAM_ADD: want = x[i] + y[i]; break;
        default: want = x[i] + k * y[i]; break; /* triad: exact for the fill's values */
        }
        if (memcmp(&dst[i], &want, sizeof want) != 0) { /* bitwise: write's values include subnormals */
            snprintf(why, len, "%s: element %zu is %.9g, expected %.9g", op_names[s->op], i, dst[i], want);
            return -1;
        }
    }
    return 0;
}

cl_int oclab_stream_build(oclab_cl *cl, oclab_stream_op op, int vec, cl_program *program, cl_kernel *kernel)
{
    cl_int err = CL_SUCCESS;
    char options[128], name[32];
    *kernel = NULL;
    snprintf(options, sizeof options, "-D ONE_KERNEL -D %s -D VEC=%d", op_defines[op], vec);
    snprintf(name, sizeof name, "stream_%s", op_names[op]);
    CL_TRY(oclab_cl_build(cl, "stream.cl", options, program));
    CL_TRY(oclab_cl_kernel(*program, name, kernel));
cleanup:
    if (err != CL_SUCCESS)
        oclab_cl_release_program(program);
    return err;
}

cl_int oclab_stream_enqueue(oclab_cl *cl, cl_kernel kernel, const oclab_stream_shape *s, cl_mem dst, cl_mem x,
                            cl_mem y, cl_event *event)
{
    cl_int err = CL_SUCCESS;
    size_t global = oclab_stream_items(s), local = s->wg;
    cl_uint items = (cl_uint)global, per_wi = s->per_wi, passes = s->passes;
    cl_uint wi_stride = s->interleaved ? 1u : per_wi, k_stride = s->interleaved ? items : 1u;
    float scalar = OCLAB_STREAM_SCALAR;
    CL_TRY(oclab_cl_arg(kernel, 0, sizeof dst, &dst));
    CL_TRY(oclab_cl_arg(kernel, 1, sizeof x, &x));
    CL_TRY(oclab_cl_arg(kernel, 2, sizeof y, &y));
    CL_TRY(oclab_cl_arg(kernel, 3, sizeof scalar, &scalar));
    CL_TRY(oclab_cl_arg(kernel, 4, sizeof per_wi, &per_wi));
    CL_TRY(oclab_cl_arg(kernel, 5, sizeof wi_stride, &wi_stride));
    CL_TRY(oclab_cl_arg(kernel, 6, sizeof k_stride, &k_stride));
    CL_TRY(oclab_cl_arg(kernel, 7, sizeof passes, &passes));
    CL_TRY(clEnqueueNDRangeKernel(cl->queue, kernel, 1, NULL, &global, &local, 0, NULL, event));
cleanup:
    return err;
}

/* ---------------------------------------------------------------- the sweep */

typedef struct {
    int vec;
    size_t wg;
    int interleaved;
    int dram_only; /* only where one pass is a launch (see add_configs) */
} bw_config;

typedef struct {
    oclab_peak_ctx *ctx;
    cl_mem x, y, dst;
    float *hx, *hy, *hdst;
    size_t cap_floats;
    size_t groups;
    double dram_bytes; /* working sets from here on are DRAM sizes: 4x the LLC */
    bw_config configs[MAX_CONFIGS];
    int n_configs;
    cl_program programs[OCLAB_STREAM_OPS][VEC_SLOTS];
    cl_kernel kernels[OCLAB_STREAM_OPS][VEC_SLOTS];
    int build_failed[OCLAB_STREAM_OPS][VEC_SLOTS];
} bw_state;

typedef struct {
    bw_state *st;
    cl_kernel kernel;
    oclab_stream_shape shape;
} bw_launch;

static int vec_slot(int vec)
{
    int slot = 0;
    while ((1 << slot) < vec)
        slot++;
    return slot;
}

static cl_int bw_enqueue(void *user, int rep, cl_event *first, cl_event *event)
{
    (void)first;
    (void)rep; /* the sweep measures each level warm on purpose: no rotation */
    bw_launch *l = user;
    return oclab_stream_enqueue(l->st->ctx->cl, l->kernel, &l->shape, l->st->dst, l->st->x, l->st->y, event);
}

/* The kernel of OP at VEC, built on first use; NULL when its build failed (skipped once, with the
 * reason). */
static cl_kernel stream_kernel(bw_state *st, oclab_stream_op op, int vec)
{
    int slot = vec_slot(vec);
    if (!st->kernels[op][slot] && !st->build_failed[op][slot]) {
        cl_int err = oclab_stream_build(st->ctx->cl, op, vec, &st->programs[op][slot], &st->kernels[op][slot]);
        if (err != CL_SUCCESS) {
            char what[64], reason[128];
            snprintf(what, sizeof what, "bandwidth %s vec%d", op_names[op], vec);
            snprintf(reason, sizeof reason, "kernel build failed: %s", oclab_cl_error_name(err));
            oclab_profile_skip(st->ctx->profile, what, reason);
            st->build_failed[op][slot] = 1;
            st->ctx->failed = 1; /* the rest still runs, but a kernel that does not build is a failure */
        }
    }
    return st->kernels[op][slot];
}

/* Picks passes so one launch lasts about ctx->launch_s (never beyond the watchdog-safe maximum). */
static cl_int calibrate_passes(bw_launch *l)
{
    cl_int err = CL_SUCCESS;
    oclab_peak_ctx *ctx = l->st->ctx;
    double one = oclab_stream_bytes(&(oclab_stream_shape){.op = l->shape.op, .vec = l->shape.vec,
                                                          .wg = l->shape.wg, .groups = l->shape.groups,
                                                          .per_wi = l->shape.per_wi, .passes = 1});
    double p = ceil(4.0 * MIB / one);
    for (int round = 0; round < 4; round++) {
        double dev = 0.0, host = 0.0;
        l->shape.passes = (cl_uint)p;
        CL_TRY(oclab_time_sample(ctx->cl, bw_enqueue, l, 0, &dev, &host));
        double t = dev > 0.0 ? dev : host;
        if (t < 1e-7)
            t = 1e-7;
        double want = p * ctx->launch_s / t, cap = p * OCLAB_PEAK_MAX_LAUNCH_S / t;
        double next = floor(fmin(want, cap));
        if (next < 1.0)
            next = 1.0;
        if (next > 1e6)
            next = 1e6;
        int settled = t > 0.5 * ctx->launch_s && t < 2.0 * ctx->launch_s;
        p = next;
        if (settled || (p == 1.0 && l->shape.passes == 1))
            break;
    }
    l->shape.passes = (cl_uint)p;
cleanup:
    return err;
}

/* Shape of CONFIG for OP at a working set of about BYTES; 0 when the config does not fit. */
static int make_shape(const bw_state *st, oclab_stream_op op, const bw_config *c, double bytes,
                      oclab_stream_shape *s)
{
    double vectors = bytes / (op_arrays[op] * sizeof(float) * (double)c->vec);
    size_t items = c->wg * st->groups;
    double per_wi = floor(vectors / (double)items);
    if (per_wi < 1.0)
        return 0;
    *s = (oclab_stream_shape){op, c->vec, c->wg, st->groups, c->interleaved, (cl_uint)per_wi, 1};
    return oclab_stream_floats(s) <= st->cap_floats;
}

static double gbs_of(double bytes, double seconds)
{
    return seconds > 0.0 ? bytes / seconds / 1e9 : 0.0;
}

/* Measures and verifies one sweep point of OP; appends it to POINTS. Returns 0, or -1 on a failed
 * verification (recorded as invalid). */
static int measure_point(bw_state *st, oclab_stream_op op, double target, cJSON *points)
{
    oclab_peak_ctx *ctx = st->ctx;
    /* configurations are compared on short samples; the winner is then measured on the full budget */
    oclab_time_opts tune = {ctx->budget_s / (ctx->quick ? 4.0 : 8.0), 3, 1000}, full = {ctx->budget_s, 5, 100000};
    bw_launch best = {st, NULL, {0}}, l = {st, NULL, {0}};
    double best_gbs = -1.0;
    int tried = 0;
    char why[256] = "";

    for (int i = 0; i < st->n_configs; i++) {
        oclab_timing t;
        if ((st->configs[i].dram_only && target < st->dram_bytes) ||
            !make_shape(st, op, &st->configs[i], target, &l.shape) ||
            !(l.kernel = stream_kernel(st, op, st->configs[i].vec)))
            continue;
        if (calibrate_passes(&l) != CL_SUCCESS || oclab_time_kernel(ctx->cl, bw_enqueue, &l, &tune, &t) != CL_SUCCESS) {
            oclab_warn("bandwidth %s vec%d wg%zu failed to run; configuration skipped", op_names[op], l.shape.vec,
                       l.shape.wg);
            continue;
        }
        tried++;
        double gbs = gbs_of(oclab_stream_bytes(&l.shape), t.device.median);
        if (gbs > best_gbs) {
            best_gbs = gbs;
            best = l;
        }
    }
    if (!best.kernel) {
        oclab_warn("bandwidth %s at %.0f KiB: no configuration ran", op_names[op], target / KIB);
        return -1;
    }

    oclab_timing t;
    int verified = 0;
    size_t out_floats = op == OCLAB_STREAM_READ ? oclab_stream_items(&best.shape) : oclab_stream_floats(&best.shape);
    /* The check launch: the timed one, or for reads the same with as many passes as sum exactly. */
    bw_launch check = best;
    if (op == OCLAB_STREAM_READ)
        check.shape.passes = oclab_stream_exact_passes(&best.shape, st->hx);
    double dev, host;
    if (oclab_time_kernel(ctx->cl, bw_enqueue, &best, &full, &t) != CL_SUCCESS ||
        (check.shape.passes != best.shape.passes &&
         oclab_time_sample(ctx->cl, bw_enqueue, &check, 0, &dev, &host) != CL_SUCCESS) ||
        oclab_cl_read(ctx->cl, st->dst, out_floats * sizeof(float), st->hdst) != CL_SUCCESS) {
        snprintf(why, sizeof why, "launch failed");
    } else {
        verified = oclab_stream_verify(&check.shape, st->hx, st->hy, st->hdst, why, sizeof why) == 0;
    }

    double bytes = oclab_stream_bytes(&best.shape);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddNumberToObject(p, "bytes", bytes / best.shape.passes);
    cJSON_AddNumberToObject(p, "target_bytes", target);
    cJSON_AddNumberToObject(p, "floats_per_array", (double)oclab_stream_floats(&best.shape));
    cJSON_AddNumberToObject(p, "vector_width", best.shape.vec);
    cJSON_AddNumberToObject(p, "work_group", (double)best.shape.wg);
    cJSON_AddNumberToObject(p, "groups", (double)best.shape.groups);
    cJSON_AddStringToObject(p, "layout", best.shape.interleaved ? "interleaved" : "blocked");
    cJSON_AddNumberToObject(p, "vectors_per_item", best.shape.per_wi);
    cJSON_AddNumberToObject(p, "passes", best.shape.passes);
    cJSON_AddNumberToObject(p, "verified_passes", check.shape.passes);
    cJSON_AddNumberToObject(p, "configs_tried", tried);
    cJSON_AddBoolToObject(p, "verified", verified);
    if (verified) {
        cJSON *g = cJSON_AddObjectToObject(p, "gbs");
        cJSON_AddNumberToObject(g, "min", gbs_of(bytes, t.device.max));
        cJSON_AddNumberToObject(g, "median", gbs_of(bytes, t.device.median));
        cJSON_AddNumberToObject(g, "max", gbs_of(bytes, t.device.min));
        oclab_timing_to_json(&t, p);
        oclab_debug("bandwidth %-5s %10.0f KiB  %8.1f GB/s  vec%d wg%zu %s passes %u", op_names[op],
                    bytes / best.shape.passes / KIB, gbs_of(bytes, t.device.median), best.shape.vec,
                    best.shape.wg, best.shape.interleaved ? "interleaved" : "blocked", best.shape.passes);
    } else {
        cJSON_AddStringToObject(p, "error", why);
        oclab_error("bandwidth %s at %.0f KiB failed verification: %s", op_names[op], target / KIB, why);
    }
    cJSON_AddItemToArray(points, p);
    return verified ? 0 : -1;
}

/* Working sets: 16 KiB upwards (x4 quick, x2 full) to 4x the LLC (plus 8x in full mode), within the
 * device's max allocation and an eighth of global memory per buffer (three buffers are live). */
static int sweep_sizes(const oclab_device_info *info, int quick, double *out, int cap)
{
    double llc = info->global_cache_bytes ? (double)info->global_cache_bytes : 8.0 * MIB;
    double limit = fmin((double)info->max_alloc_bytes, (double)info->global_mem_bytes / 8.0);
    int n = 0;
    for (double s = 16.0 * KIB; s < 4.0 * llc && n < cap - 2; s *= quick ? 4.0 : 2.0)
        out[n++] = s;
    out[n++] = 4.0 * llc;
    if (!quick)
        out[n++] = 8.0 * llc;
    while (n > 1 && out[n - 1] > limit)
        n--;
    if (out[n - 1] < 4.0 * llc)
        oclab_warn("largest working set %.0f MiB is below 4x the last-level cache: no dram level", out[n - 1] / MIB);
    return n;
}

/* Candidate configurations. A CPU runtime runs a group's work-items one after another, and in-kernel
 * passes repeat each work-item's own elements, so at cache sizes a CPU gets one work-item per group
 * (the per-core slice is then the working set, as in a native OpenMP STREAM); wider groups are tried
 * at DRAM sizes only, where one pass is a launch. Quick mode keeps the device's preferred vector width
 * and the layout suited to the device kind: blocks on a CPU, interleaved elsewhere. */
static void add_configs(bw_state *st, const oclab_device_info *info, int quick)
{
    int cpu = (info->type & CL_DEVICE_TYPE_CPU) != 0;
    int pref = (int)info->preferred_vector_width[4];
    int vecs[5] = {1, 4, 8, 16, 0}, n_vecs = 4;
    size_t cpu_wgs[3] = {1, 16, 64}, gpu_wgs[2] = {64, 256};
    const size_t *wgs = cpu ? cpu_wgs : gpu_wgs;
    int n_wgs = quick ? 1 : cpu ? 3 : 2;
    pref = pref < 1 ? 1 : pref > 16 ? 16 : pref;
    while (pref & (pref - 1))
        pref &= pref - 1; /* a power of two */
    if (quick) {
        vecs[0] = pref;
        n_vecs = 1;
    } else if (pref != 1 && pref != 4 && pref != 8 && pref != 16) {
        vecs[n_vecs++] = pref;
    }
    if (!cpu && quick)
        gpu_wgs[0] = 256;
    st->n_configs = 0;
    for (int v = 0; v < n_vecs; v++)
        for (int w = 0; w < n_wgs; w++)
            for (int layout = 0; layout < 2; layout++) {
                size_t wg = wgs[w] <= info->max_work_group_size ? wgs[w] : info->max_work_group_size;
                if (quick && layout != (cpu ? 0 : 1))
                    continue;
                st->configs[st->n_configs++] = (bw_config){vecs[v], wg, layout, cpu && wg > 1};
            }
}

/* The kernel's DRAM figure (median over its points at DRAM sizes) and plateaus, beside its points. */
static void summarize_op(cJSON *entry, double llc)
{
    cJSON *points = cJSON_GetObjectItemCaseSensitive(entry, "points");
    rl_sweep_point pts[MAX_SIZES];
    int n = 0;
    cJSON *p;
    cJSON_ArrayForEach(p, points)
    {
        cJSON *g = cJSON_GetObjectItemCaseSensitive(p, "gbs");
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "verified")) || !g || n == MAX_SIZES)
            continue;
        pts[n].bytes = cJSON_GetObjectItemCaseSensitive(p, "target_bytes")->valuedouble;
        pts[n].gbs = cJSON_GetObjectItemCaseSensitive(g, "median")->valuedouble;
        n++;
    }
    rl_plateau plateaus[MAX_SIZES];
    int found = rl_find_plateaus(pts, n, llc, RL_PLATEAU_TOL, plateaus, MAX_SIZES);
    cJSON *arr = cJSON_AddArrayToObject(entry, "plateaus");
    for (int i = 0; i < found; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "level", plateaus[i].level);
        cJSON_AddNumberToObject(o, "gbs", plateaus[i].gbs);
        cJSON_AddNumberToObject(o, "bytes_min", plateaus[i].bytes_min);
        cJSON_AddNumberToObject(o, "bytes_max", plateaus[i].bytes_max);
        cJSON_AddNumberToObject(o, "points", plateaus[i].points);
        cJSON_AddItemToArray(arr, o);
        if (!strcmp(plateaus[i].level, "dram"))
            cJSON_AddNumberToObject(entry, "dram_gbs", plateaus[i].gbs);
    }
}

static void bw_state_free(bw_state *st)
{
    for (int op = 0; op < OCLAB_STREAM_OPS; op++)
        for (int v = 0; v < VEC_SLOTS; v++) {
            oclab_cl_release_kernel(&st->kernels[op][v]);
            oclab_cl_release_program(&st->programs[op][v]);
        }
    oclab_cl_release_mem(&st->x);
    oclab_cl_release_mem(&st->y);
    oclab_cl_release_mem(&st->dst);
    free(st->hx);
    free(st->hy);
    free(st->hdst);
}

int oclab_peak_bandwidth(oclab_peak_ctx *ctx)
{
    cl_int err = CL_SUCCESS;
    const oclab_device_info *info = ctx->cl->info;
    bw_state st;
    memset(&st, 0, sizeof st);
    st.ctx = ctx;
    /* A CPU runtime runs work-groups one after another on each core: one group per compute unit
     * makes a group's slice the per-core working set, as in a native OpenMP STREAM. Elsewhere, enough
     * groups to keep every compute unit busy. */
    st.groups = info->compute_units * ((info->type & CL_DEVICE_TYPE_CPU) ? 1u : 8u);
    if (st.groups == 0)
        st.groups = 1;
    add_configs(&st, info, ctx->quick);
    st.dram_bytes = 4.0 * (info->global_cache_bytes ? (double)info->global_cache_bytes : 8.0 * MIB);

    double sizes[MAX_SIZES];
    int n_sizes = sweep_sizes(info, ctx->quick, sizes, MAX_SIZES);
    st.cap_floats = (size_t)(sizes[n_sizes - 1] / sizeof(float));
    size_t bytes = st.cap_floats * sizeof(float);
    st.hx = malloc(bytes);
    st.hy = malloc(bytes);
    st.hdst = malloc(bytes);
    if (!st.hx || !st.hy || !st.hdst) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(bandwidth arrays)");
    }
    oclab_stream_fill(st.hx, st.cap_floats, 1);
    oclab_stream_fill(st.hy, st.cap_floats, 2);
    CL_TRY(oclab_cl_buffer(ctx->cl, CL_MEM_READ_ONLY, bytes, st.hx, &st.x));
    CL_TRY(oclab_cl_buffer(ctx->cl, CL_MEM_READ_ONLY, bytes, st.hy, &st.y));
    CL_TRY(oclab_cl_buffer(ctx->cl, CL_MEM_READ_WRITE, bytes, NULL, &st.dst));

    cJSON *bw = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(ctx->profile, "measurements"), "bandwidth");
    cJSON_AddStringToObject(bw, "counting",
                            "STREAM: bytes read + bytes written per pass, no write-allocate; read's one float "
                            "per work-item not counted; decimal GB/s; median over launches");
    cJSON_AddItemToObject(bw, "target_bytes", cJSON_CreateDoubleArray(sizes, n_sizes));
    cJSON *kernels = cJSON_AddObjectToObject(bw, "kernels");
    double llc = info->global_cache_bytes ? (double)info->global_cache_bytes : 8.0 * MIB;
    for (int op = 0; op < OCLAB_STREAM_OPS; op++) {
        cJSON *entry = cJSON_AddObjectToObject(kernels, op_names[op]);
        cJSON_AddNumberToObject(entry, "arrays", op_arrays[op]);
        cJSON *points = cJSON_AddArrayToObject(entry, "points");
        double t0 = oclab_now();
        for (int i = 0; i < n_sizes; i++)
            if (measure_point(&st, (oclab_stream_op)op, sizes[i], points) != 0)
                ctx->failed = 1;
        summarize_op(entry, llc);
        cJSON *dram = cJSON_GetObjectItemCaseSensitive(entry, "dram_gbs");
        oclab_log("bandwidth %-5s done in %.1f s: dram %.1f GB/s", op_names[op], oclab_now() - t0,
                  dram ? dram->valuedouble : 0.0);
    }
cleanup:
    bw_state_free(&st);
    if (err != CL_SUCCESS)
        ctx->failed = 1;
    return err == CL_SUCCESS ? OCLAB_EXIT_OK : OCLAB_EXIT_FAIL;
}
