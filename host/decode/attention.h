#ifndef OCLAB_HOST_DECODE_ATTENTION_H
#define OCLAB_HOST_DECODE_ATTENTION_H
/* The attention-decode kernels (kernels/attention.cl) on one device: build one for a (head_dim, GQA
 * group, KV format) and a configuration (the variant and its tile, vector width, V slices or
 * work-group size), hold one problem's buffers (q, KV cache copies for cold reads, partials), launch
 * it with a split count, read and verify the output; the test problems (attention_data.c).
 * oclab_attention_measure (decode.h) drives these through the tuner; tests use them directly. */
#include <stddef.h>
#include <stdint.h>

#include "host/cl/context.h"
#include "host/decode/decode.h"
#include "roofline/cost.h"

/* Rows per tile of the device layouts of K (and q8_0 V): attention.cl's LT. */
#define OCLAB_ATTN_LAYOUT_TILE 16

/* Validates the attention options (or the defaults they leave): positive sizes, Hq a multiple of Hkv,
 * KV formats f32/f16/q8_0, head dims the kernels support, $OCLAB_ATTENTION_VARIANT. 0 ok; -1 with a
 * one-line error (exit 2). oclab_attention_measure calls it too and returns OCLAB_EXIT_USAGE on bad
 * options. */
int oclab_attention_check_opts(const oclab_decode_opts *opts);

/* Explicitly requested shapes (any of --batch, --context, --heads, --head-dim given) must fit INFO's
 * memory limits, and a forced work-group variant must have a configuration INFO can run, for every
 * shape: 0 ok, -1 with a one-line error. The default table is skipped shape by shape instead. */
int oclab_attention_fit(const oclab_decode_opts *opts, const oclab_device_info *info);

/* 0 when SHAPE (kv, head_dim, heads/kv_heads) can be built: KV format f32/f16/q8_0, head_dim a
 * multiple of 4 (32 for q8_0) and at most 512, group at most 64. Else -1 with a one-line reason. */
int oclab_attn_supported(const rl_attn_shape *shape, char *err, size_t err_len);

/* The two pass-1 kernels (attention.cl): one work-item per chunk with the group's accumulators in
 * private memory (CPUs), or a work-group of lanes across the chunk's rows and across D (GPUs). */
typedef enum { OCLAB_ATTN_ITEM, OCLAB_ATTN_GROUP } oclab_attn_variant;

/* "work-item", "work-group" */
const char *oclab_attn_variant_name(oclab_attn_variant variant);

/* What a program is built for besides the shape (a point of the tuner's space, less the split). */
typedef struct {
    oclab_attn_variant variant;
    unsigned vec;  /* work-item: floats per vector over D (4, 8, 16); work-group: elements of D per lane (2, 4, 8) */
    unsigned tile; /* rows per softmax tile: work-item 4, 8, 16 (q8_0: 16); work-group a multiple of 16 */
    unsigned vb;   /* work-item: V slices of VEC floats per pass, 1 to D/VEC (GROUP x VB chains in flight) */
    unsigned wg;   /* work-group: lanes, a power of two */
} oclab_attn_config;

/* 0 when CONFIG builds for SHAPE (its divisibility rules: attention.cl's build options), else -1
 * with the reason. Device limits are the tuner's business (attention.c). */
int oclab_attn_config_check(const rl_attn_shape *shape, const oclab_attn_config *config, char *why,
                            size_t why_len);

/* Lanes of a launch of pass 1 (1 or WG) and of pass 2 (vectors of D: D / VEC). */
unsigned oclab_attn_lanes(const oclab_attn_config *config);
unsigned oclab_attn_combine_lanes(uint64_t head_dim, const oclab_attn_config *config);

/* Local memory of a work-group launch of pass 1, in bytes (0 for the work-item kernel). */
uint64_t oclab_attn_local_bytes(uint64_t head_dim, uint64_t group, const oclab_attn_config *config);

/* A program built for one (kv format, head_dim, group, config), with its kernels. */
typedef struct {
    rl_format kv;
    uint64_t head_dim, group;
    oclab_attn_config config;
    int host_avx512_vnni; /* q8_0 work-item: built with -D HOST_AVX512_VNNI (oclab_device_host_avx512_vnni) */
    size_t kernel_lanes;  /* the most lanes the driver runs pass 1 with (CL_KERNEL_WORK_GROUP_SIZE) */
    cl_program program;
    cl_kernel partial, combine; /* pass 1, pass 2 */
} oclab_attn_program;

/* The fixed build options of SHAPE (those no configuration changes): the tuning cache's source hash
 * takes them. */
void oclab_attn_fixed_options(const oclab_cl *cl, const rl_attn_shape *shape, char *buf, size_t len);

/* Builds the kernels for SHAPE's (kv, head_dim, group) and CONFIG (which must pass
 * oclab_attn_config_check). EXTRA_OPTIONS (NULL: none) are appended to the build options: the tests
 * build the other q8_0 pair dot products with "-D NO_VNNI_PAIR_DOT" (vpmaddwd and adds where the host
 * would have vpdpwssd) and "-D PORTABLE_PAIR_DOT". A work-group kernel the device cannot launch with
 * CONFIG's lanes (its CL_KERNEL_WORK_GROUP_SIZE, kept in prog->kernel_lanes) gives
 * CL_INVALID_WORK_GROUP_SIZE. */
cl_int oclab_attn_program_build(oclab_cl *cl, const rl_attn_shape *shape, const oclab_attn_config *config,
                                const char *extra_options, oclab_attn_program *prog);
void oclab_attn_program_release(oclab_attn_program *prog);

/* One problem on the device. Its buffers fit every configuration (the layouts are by layout tiles). */
typedef struct {
    oclab_cl *cl;
    rl_attn_shape shape;
    int copies;      /* KV cache copies rotated through for cold reads */
    cl_mem *k, *v;   /* [copies] */
    cl_mem q, out, part_acc, part_ml;
    uint64_t max_chunks; /* capacity of the partial buffers */
    size_t v_bytes;      /* bytes of one V copy: rows (f32, f16); q8_0: K's tiles, as many bytes as K */
    size_t k_bytes;      /* bytes of one K copy: tiles, the last of a sequence zero-padded */
} oclab_attn;

/* Uploads Q [B,Hq,D] and K, V (rl_encode_kv of the shape's format) COPIES times, converted (untimed) to
 * the kernels' device layouts (attention.cl: K, and q8_0 V, by layout tiles of rows, q8_0 scales by
 * tiles); partial buffers sized for up to MAX_SPLIT chunks. */
cl_int oclab_attn_create(oclab_cl *cl, const rl_attn_shape *shape, const float *q, const void *k, const void *v,
                         int copies, uint64_t max_split, oclab_attn *attn);
void oclab_attn_release(oclab_attn *attn);

/* Chunks actually launched for SPLIT (<= SPLIT, none empty) and rows per chunk. */
uint64_t oclab_attn_chunks(uint64_t context, uint64_t split, uint64_t *chunk);

/* Enqueues one attention with PROG over KV copy COPY with SPLIT chunks (clamped to [1, max_chunks]):
 * pass 1, and pass 2 when there is more than one chunk. *last gets the event of the last launch; FIRST
 * (may be NULL) gets pass 1's event when there are two launches, else NULL, so a timed sample spans
 * START(first or last)..END(last) (the oclab_enqueue_fn contract). */
cl_int oclab_attn_enqueue(oclab_attn *attn, const oclab_attn_program *prog, int copy, uint64_t split,
                          cl_event *first, cl_event *last);

/* Blocking read of the output [B,Hq,D]. */
cl_int oclab_attn_read(oclab_attn *attn, float *out);

/* Verification against the double reference: 1 when every output is within tolerance; *max_rel_error
 * is set either way. Errors are relative to each output, floored at a fraction of the largest: 1e-3
 * for f32 and f16, 1e-1 for q8_0, whose int16 V weights carry an absolute error up to 2^-17 of a
 * tile's largest weight x V scale per row: where one row dominates a head's softmax (a peak), its
 * tile's other 15 rows can add up to 1.2e-4 of the largest output (3.4e-5 measured on peaked data,
 * GQA 8/2, D = 128, S = 300), which a floor of 1e-2 turns into relative errors up to 1.2e-2 (3.4e-3
 * measured; the tolerance is 2e-3). A wrong softmax moves outputs by percents of the largest. */
int oclab_attn_verify(rl_format kv, const float *got, const double *want, size_t n, double *max_rel_error);

/* ---- attention_data.c: the problems verified and timed ---- */

/* A problem: q [B,Hq,D] uniform in [-q_gain, q_gain); K uniform in [-1, 1); V uniform in [-0.5, 1.5)
 * (outputs are averages of V rows: zero-mean V would shrink them as 1/sqrt(S), and the relative error
 * would measure cancellation, not the kernel). With PEAKS, each sequence's softmax is peaked the way
 * real decode attention is: a sink at row 0 (a large score for every query head of the group), one at
 * the newest row S-1 and a few at random rows (a large score for one head each), each about
 * ln(S / peaks) above the rest, so together they hold about a quarter of a head's weight at any S. A wrong
 * softmax temperature, a missing tile or a missing row then moves outputs by percents even at
 * S = 32768, where a flat softmax hides them. No value is a denormal, nor any softmax weight that
 * matters: the data verify the same under flush-to-zero. */
typedef struct {
    float q_gain;  /* 1: scores of order 1 */
    int peaks;
    uint64_t seed;
} oclab_attn_data;

typedef struct {
    rl_attn_shape shape;
    float *q;
    uint8_t *k, *v; /* rl_encode_kv of the shape's format */
    double *want;   /* rl_attention_ref */
    size_t kv_bytes, outputs;
} oclab_attn_problem;

/* 0 ok; -1 when host memory runs out (nothing left allocated). */
int oclab_attn_problem_make(const rl_attn_shape *shape, const oclab_attn_data *data, oclab_attn_problem *p);
/* The reference again, after a caller edited q, K or V. */
void oclab_attn_problem_reference(oclab_attn_problem *p);
void oclab_attn_problem_free(oclab_attn_problem *p);

/* ---- attention_tune.c: the variant a device gets, its tuning space, the tuner ---- */

/* Forces a variant on any device: "work-item" or "work-group" (ctest runs the work-group kernel on
 * POCL with it). */
#define OCLAB_ATTENTION_VARIANT_ENV "OCLAB_ATTENTION_VARIANT"

/* 1 with *VARIANT set when $OCLAB_ATTENTION_VARIANT names one, 0 when it is unset or empty, -1 with
 * a one-line error for another value. */
int oclab_attn_forced_variant(oclab_attn_variant *variant);

/* The forced variant if any; else the work-group one on a GPU or accelerator where some configuration
 * of it runs for SHAPE (oclab_attn_variant_runs), else the work-item one. */
oclab_attn_variant oclab_attn_variant_for(const oclab_device_info *info, const rl_attn_shape *shape);

/* Whether the space of VARIANT for SHAPE on INFO has a valid point (max work-group size, local memory,
 * the register budget). */
int oclab_attn_variant_runs(const oclab_device_info *info, const rl_attn_shape *shape, oclab_attn_variant variant);

/* What the space's constraint reads (the space points at it: keep it alive as long as the space). */
typedef struct {
    const oclab_device_info *info;
    rl_attn_shape shape;
    oclab_attn_variant variant;
    uint64_t max_lanes; /* work-group: lanes allowed, below the device's max where a kernel allows fewer */
    uint64_t loop_budget; /* loop trips a work-item may make (oclab_cl_loop_budget); UINT64_MAX: any */
} oclab_attn_space_info;

/* VARIANT's tuning space for SHAPE on INFO. Parameters: split (chunks per sequence), tile, vec, and
 * v_slices (work-item) or work_group (work-group). Constraints: the build rules
 * (oclab_attn_config_check); chunks of at least a layout tile and at most 64 work-groups per compute
 * unit (no such bound under a loop limit); work-item: vec at most twice the native float width, accumulator chains of each phase within
 * 32 native vectors; work-group: the device's max work-group size and local memory, at most 64
 * accumulator floats per lane; loop trips per work-item within HOLD's loop_budget (set it after this
 * call on a driver with a loop limit; the start then moves to the nearest valid point). Start: from
 * the device (attention_tune.c). */
void oclab_attn_space(const oclab_device_info *info, const rl_attn_shape *shape, oclab_attn_variant variant,
                      oclab_attn_space_info *hold, oclab_tune_space *space);

/* The configuration and split of a point of such a space. */
void oclab_attn_point(const oclab_tune_space *space, const int *point, oclab_attn_variant variant,
                      oclab_attn_config *config, uint64_t *split);

/* The largest split any point of SPACE may take (the partial buffers' capacity). */
uint64_t oclab_attn_space_max_split(const oclab_tune_space *space);

/* Programs built during a run, by (kv, head dim, group, config), failed builds included (never tried
 * again). Pointers it hands out stay valid until it is freed. */
typedef struct oclab_attn_programs oclab_attn_programs;
oclab_attn_programs *oclab_attn_programs_new(void); /* NULL when out of memory */
void oclab_attn_programs_free(oclab_attn_programs *programs);
/* The program of (SHAPE, CONFIG), built on first use: its build's result, with *OUT set either way (a
 * failed build's program holds no OpenCL objects, but its kernel_lanes where that was the failure). */
cl_int oclab_attn_programs_get(oclab_cl *cl, oclab_attn_programs *programs, const rl_attn_shape *shape,
                               const oclab_attn_config *config, const oclab_attn_program **out);

/* One timed sample (an oclab_enqueue_fn over oclab_attn_launch_args): the attention on KV copy REP. */
typedef struct {
    oclab_attn *attn;
    const oclab_attn_program *prog;
    uint64_t split;
} oclab_attn_launch_args;
cl_int oclab_attn_launch(void *user, int rep, cl_event *first, cl_event *last);

/* What the tuner chose for a shape. */
typedef struct {
    const oclab_attn_program *prog; /* owned by the programs */
    oclab_attn_config config;
    uint64_t split;
    cJSON *record;         /* the tuning record (the caller takes it; also set when none verified) */
    double max_rel_error;  /* the largest among the candidates that verified */
    int wrong;             /* candidates that failed verification; the first of them: */
    oclab_attn_config wrong_config;
    uint64_t wrong_split;
    double wrong_error;
} oclab_attn_choice;

/* Chooses the configuration and split for PROBLEM (on ATTN, whose partial buffers hold SPACE's largest
 * split) with ctx->tuner: each candidate built, verified against PROBLEM's reference, then timed cold,
 * rotating the KV copies by the tuner's rep. Where nothing ran because the driver runs fewer lanes of
 * the work-group kernel than the device's max work-group size, SPACE's max_lanes is lowered to what a
 * build reported and the search runs again. 0 with CHOICE set; -1 when none verified. */
int oclab_attn_tune(oclab_decode_ctx *ctx, oclab_tune_space *space, oclab_attn_variant variant,
                    oclab_attn_programs *programs, oclab_attn *attn, const oclab_attn_problem *problem,
                    oclab_attn_choice *choice);

#endif
