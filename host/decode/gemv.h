#ifndef OCLAB_HOST_DECODE_GEMV_H
#define OCLAB_HOST_DECODE_GEMV_H
/* The decode GEMV family's parts (kernels/gemv.cl): a weight matrix on the device in its layouts with
 * cold copies and its double-precision reference, kernel variants (build options), verification, the
 * parameter space the tuner (host/tune/) searches, and the CLBlast baseline. oclab_gemv_measure
 * (decode.h) drives them. */
#include <stdint.h>

#include <CL/cl.h>
#include <cjson/cJSON.h>

#include "host/cl/context.h"
#include "host/decode/decode.h"
#include "roofline/format.h"

/* Build-time parameters of kernels/gemv.cl (see its header comment); a point of the tuner's space
 * (gemv_space.c). */
typedef struct {
    int il;       /* the interleaved layout (VEC rows per weight vector, X transposed), else the rows one */
    int vec;      /* floats per vector, 4, 8 or 16; interleaved: rows per group */
    int rows;     /* rows per work-item (interleaved: groups of VEC rows) */
    int unroll;   /* independent accumulator sets */
    int lanes;    /* work-items splitting a row set along K (rows layout) */
    int wg;       /* work-group size */
    int fold;     /* int formats: block scales folded into partial sums */
    int mb;       /* X rows per pass (divides M) */
    int prefetch; /* bytes the kernel prefetches its weights ahead (0: none) */
} oclab_gemv_variant;

/* Weight layouts a problem can hold on the device: the split rows layout and the interleaved one with
 * groups of 4, 8 or 16 rows. Sets of them are masks of OCLAB_GEMV_MASK(layout). */
enum { OCLAB_GEMV_ROWS, OCLAB_GEMV_IL4, OCLAB_GEMV_IL8, OCLAB_GEMV_IL16, OCLAB_GEMV_LAYOUTS };
#define OCLAB_GEMV_MASK(layout) (1 << (layout))

/* Y[M,N] = X[M,K] * W^T on the device: identical copies of W in each layout held (values/quants in
 * w[layout][i], scales in s[layout][i]; held[layout] of them), X of m_max rows (x, and transposed in
 * xt: [k][m_max]), Y, and the reference Y for all m_max rows ([m][n]).
 * What is held when: oclab_gemv_problem_create holds no weights (the rows layout stays on the host,
 * one copy; an interleaved one is derived from it for each upload and freed);
 * oclab_gemv_problem_hold uploads or releases copies. The tuner holds ceil(COPIES / layouts of its
 * space) copies of each layout a candidate reads (device memory about COPIES * weight_bytes, at least
 * one copy of each); the measurement then holds COPIES copies of the chosen kernel's layout only, and
 * the CLBlast baseline COPIES of the rows layout. COPIES (oclab_cold_copies of weight_bytes) is what
 * the timed copies must total: 4x the last-level cache. */
typedef struct {
    rl_format format;
    uint64_t n, k, m_max;
    uint64_t x_stride;     /* floats between X rows on the device: K rounded up to 16 */
    uint64_t weight_bytes; /* rl_weight_bytes: W's bytes per copy, scales included */
    int copies;            /* cold copies a timed layout gets */
    int held[OCLAB_GEMV_LAYOUTS]; /* copies on the device per layout */
    cl_mem *w[OCLAB_GEMV_LAYOUTS], *s[OCLAB_GEMV_LAYOUTS];
    void *host_w, *host_s; /* the rows layout on the host, for uploads */
    uint64_t w_bytes, s_bytes; /* the rows layout's (an interleaved one pads N to its group) */
    cl_mem x, xt, xs, y; /* xs: sums of X over each 32-weight block, [m_max][k/32] (prepared with X) */
    float *x_host;
    double *ref;
} oclab_gemv_problem;

/* Rows of the split layout (N rows of ROW_BYTES, elements of ELEM bytes) -> the interleaved layout:
 * groups of G rows, element e of the group's rows r = 0..G-1 at ((group * (ROW_BYTES / ELEM) + e) * G
 * + r) * ELEM; rows past N (N rounded up to G) are zero. DST holds oclab_gemv_il_bytes. */
uint64_t oclab_gemv_il_bytes(uint64_t n, uint64_t row_bytes, uint64_t g);
void oclab_gemv_interleave(const void *src, uint64_t n, uint64_t row_bytes, uint64_t elem, uint64_t g,
                           void *dst);

/* Pseudo-random W (N x K) and X (m_max x K) from SEED, encoded in FORMAT, laid out on the host; X,
 * its block sums and Y on the device; no weights held yet; COPIES recorded. Errors are logged. */
cl_int oclab_gemv_problem_create(oclab_cl *cl, rl_format format, uint64_t n, uint64_t k, uint64_t m_max,
                                 int copies, uint64_t seed, oclab_gemv_problem *p);
/* Holds exactly COPIES (>= 1) device copies of each layout in the mask LAYOUTS and none of the
 * others: releases first, so the peak stays the larger of the old and new sets. */
cl_int oclab_gemv_problem_hold(oclab_cl *cl, oclab_gemv_problem *p, int layouts, int copies);
void oclab_gemv_problem_free(oclab_gemv_problem *p);

/* rl_encode_matrix's bytes of an N x K matrix -> the split device layout, same bytes in total:
 * q8_0 / q4_0: the quants of each row contiguous in W, the fp16 scales ([n][k/32]) in S; the other
 * formats are already in it (i8_pc: N*K int8 then N f32 scales). W and S point into ENCODED or into
 * SCRATCH (rl_weight_bytes large). */
void oclab_gemv_split_layout(rl_format format, const void *encoded, uint64_t n, uint64_t k, void *scratch,
                             const void **w, uint64_t *w_bytes, const void **s, uint64_t *s_bytes);

typedef struct {
    rl_format format;
    uint64_t m;
    oclab_gemv_variant variant;
    int aligned16; /* rows start aligned to whole vectors (f32 and i8_pc need K % 16 == 0) */
    cl_program program;
    cl_kernel kernel;
} oclab_gemv_kernel;

/* Builds kernels/gemv.cl for FORMAT, batch M and VARIANT, for rows of K weights (a kernel serves any
 * shape with the same oclab_gemv_aligned16). */
cl_int oclab_gemv_kernel_build(oclab_cl *cl, rl_format format, uint64_t m, const oclab_gemv_variant *variant,
                               uint64_t k, oclab_gemv_kernel *kern);
int oclab_gemv_aligned16(rl_format format, uint64_t k);
void oclab_gemv_kernel_free(oclab_gemv_kernel *kern);

/* The layout (OCLAB_GEMV_ROWS, _IL4, _IL8 or _IL16) a variant reads, and the copies of it P holds. */
int oclab_gemv_layout_of(const oclab_gemv_variant *variant);
int oclab_gemv_held(const oclab_gemv_problem *p, const oclab_gemv_variant *variant);

/* Enqueues one launch of KERN (its batch M) on copy COPY of P (of its layout, which P must hold). */
cl_int oclab_gemv_enqueue(oclab_cl *cl, const oclab_gemv_kernel *kern, const oclab_gemv_problem *p, int copy,
                          cl_event *event);

/* oclab_enqueue_fn over the copies of a problem: launch REP uses copy REP % held copies (cold reads). */
typedef struct {
    oclab_cl *cl;
    const oclab_gemv_kernel *kern;
    const oclab_gemv_problem *p;
} oclab_gemv_launch;
cl_int oclab_gemv_launch_fn(void *user, int rep, cl_event *first, cl_event *event);

/* Fills Y with VALUE before a checked run: NaN, so a kernel that writes nothing cannot pass (BLAS
 * libraries computing beta * Y with beta = 0 need a finite value: no reference output is 0). */
cl_int oclab_gemv_poison(oclab_cl *cl, const oclab_gemv_problem *p, float value);
/* Max relative error (rl_max_rel_error, floor 1% of the largest |reference|) of the first M rows of Y
 * against the reference. */
double oclab_gemv_check(oclab_cl *cl, const oclab_gemv_problem *p, uint64_t m, cl_int *err);
/* Runs KERN on every held copy of its layout and checks each: the largest error, NaN on a launch
 * failure (*err set; CL_INVALID_MEM_OBJECT when P holds no copy of the layout). */
double oclab_gemv_verify(oclab_cl *cl, const oclab_gemv_kernel *kern, const oclab_gemv_problem *p, cl_int *err);
/* Tolerance on that error: the only error left is f32 accumulation, as the reference uses the same
 * encoded weights; it grows like sqrt(K) (2e-4 for f32 weights, 1e-3 for the others, at K <= 4096:
 * a plain sequential f32 sum over K = 4096, as CLBlast's, reaches 1e-4). */
double oclab_gemv_tolerance(rl_format format, uint64_t k);

/* ---- gemv_space.c: the tuner's parameter space ---- */
/* What the space's constraint reads (the space points at it: it must outlive the space). */
typedef struct {
    const oclab_device_info *info;
    rl_format format;
    uint64_t m, n;
    int budget; /* floats a work-item may keep live (oclab_gemv_register_budget) */
} oclab_gemv_space_info;

/* The GEMV space on INFO for FORMAT, batch M and N output rows: layout, vec, rows, unroll, lanes, wg,
 * fold, mb, prefetch (the variant's fields), bounded by what the device reports (vector widths,
 * work-group size, local memory, compute units, device type) and a register budget; its start point is
 * derived from the same facts. SI is filled and kept by the space. */
void oclab_gemv_space(oclab_tune_space *space, oclab_gemv_space_info *si, const oclab_device_info *info,
                      rl_format format, uint64_t m, uint64_t n);
/* The variant at POINT of a GEMV space. */
void oclab_gemv_variant_at(const oclab_tune_space *space, const int *point, oclab_gemv_variant *v);
/* The mask of layouts the space's points read. */
int oclab_gemv_space_layouts(const oclab_tune_space *space);
/* The prefetch distance (bytes) the kernels may use on INFO; 0: none. */
int oclab_gemv_prefetch_bytes(const oclab_device_info *info);
/* Floats a work-item of INFO may keep live in registers, and the estimate of what VARIANT keeps live
 * (accumulators and the operands in flight) for FORMAT. */
int oclab_gemv_register_budget(const oclab_device_info *info);
int oclab_gemv_registers(rl_format format, const oclab_gemv_variant *variant);
/* {layout, vector_width, rows_per_item, rows_per_group, unroll, lanes, split, work_group, fold_scale,
 * x_rows_per_pass, prefetch_bytes} */
cJSON *oclab_gemv_variant_json(const oclab_gemv_variant *variant);

/* ---- gemv_tune.c ---- */
/* The kernel for P's format, batch M and K from CTX's tuner (host/tune/): a cached point, or a search
 * of the GEMV space (--quick: a shorter budget) in which every candidate is built, verified on every
 * held copy and timed on cold copies beside CTX's probes where it has them (P is left holding
 * ceil(copies / layouts) copies of each layout the search read). *BEST gets the chosen kernel, built;
 * *RECORD the tuning record (caller owns it, also on failure). CL_SUCCESS, or CL_INVALID_KERNEL when
 * no candidate verified. */
cl_int oclab_gemv_tune(oclab_decode_ctx *ctx, oclab_gemv_problem *p, uint64_t m, oclab_gemv_kernel *best,
                       cJSON **record);

/* ---- gemv_clblast.c ---- */
/* CLBlast's Sgemv (M = 1) or Sgemm (M > 1) on P (f32), held copies of the rows layout, verified, timed on the host clock,
 * recorded in kernels[] with "baseline": "clblast". Without CLBlast, or when it refuses the device, a
 * skipped[] entry. A baseline failing verification is recorded invalid with a warning; it does not fail
 * the run (returns OCLAB_EXIT_OK). */
int oclab_gemv_clblast(oclab_decode_ctx *ctx, const oclab_gemv_problem *p, uint64_t m);

/* ---- gemv_record.c ---- */
/* kernels[] entry common to ours and the baselines (VARIANT is taken over), returned. Bytes are the cost
 * model's (W with its scales, X and Y f32) plus EXTRA_BYTES a variant reads beyond them (X block sums). */
cJSON *oclab_gemv_record(oclab_decode_ctx *ctx, const oclab_gemv_problem *p, uint64_t m, cJSON *variant,
                       const oclab_timing *timing, const oclab_probe_result *probe, int verified, double error,
                       double extra_bytes, const char *baseline);

#endif
