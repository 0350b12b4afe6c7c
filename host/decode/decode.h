#ifndef OCLAB_HOST_DECODE_DECODE_H
#define OCLAB_HOST_DECODE_DECODE_H
/* oclab decode: the GEMV and attention-decode kernel families, verified against roofline/'s host
 * references and placed on the device's roofline (profile kernels[]). */
#include <stdint.h>

#include <cjson/cJSON.h>

#include "host/cl/context.h"
#include "host/cl/opts.h"
#include "host/cl/status.h"
#include "host/cl/timing.h"
#include "host/peak/probe.h"
#include "host/tune/tune.h"
#include "roofline/cost.h"
#include "roofline/format.h"

#define OCLAB_DECODE_MAX_LIST 32

typedef struct {
    int run_gemv, run_attention; /* --family gemv|attention (default both) */
    /* GEMV: --formats, --batch, --shape N,K (repeatable; replaces the default table) */
    rl_format gemv_formats[OCLAB_DECODE_MAX_LIST];
    int n_gemv_formats;
    uint64_t gemv_batches[OCLAB_DECODE_MAX_LIST];
    int n_gemv_batches;
    uint64_t gemv_shapes[OCLAB_DECODE_MAX_LIST][2]; /* N, K */
    int n_gemv_shapes;
    /* attention: --batch, --heads, --kv-heads, --head-dim, --context, --kv (given flags replace defaults) */
    uint64_t attn_batches[OCLAB_DECODE_MAX_LIST];
    int n_attn_batches;
    uint64_t attn_heads[OCLAB_DECODE_MAX_LIST][2]; /* Hq, Hkv pairs (Hkv complete after the check) */
    int n_attn_heads;
    int n_attn_kv_heads; /* --kv-heads values given (pairing is done by oclab_decode_opts_check) */
    uint64_t attn_head_dims[OCLAB_DECODE_MAX_LIST];
    int n_attn_head_dims;
    uint64_t attn_contexts[OCLAB_DECODE_MAX_LIST];
    int n_attn_contexts;
    rl_format attn_kv[OCLAB_DECODE_MAX_LIST];
    int n_attn_kv;
    int baseline; /* CLBlast baseline beside the GEMV kernels (default on; without CLBlast a skipped[]
                   * entry). Its results are kernels[] entries with "baseline": "clblast" (not ours:
                   * consumers placing our kernels skip entries that have a "baseline" key); ours get
                   * "gbs_vs_clblast" = our GB/s / its GB/s on the same (m, n, k), both by the host
                   * clock ("gbs_vs_clblast_clock"). */
} oclab_decode_opts;

/* What both families share while measuring one device. */
typedef struct {
    oclab_cl *cl;
    const oclab_device_opts *dev_opts;
    rl_roof roof_f32;      /* DRAM ceiling and f32 compute ceiling of the profile */
    double budget_s;       /* sampling time per kernel */
    double max_launch_s;   /* no launch longer (GPU watchdogs): a kernel beyond it is not timed */
    oclab_probe *probe;    /* interleaved streaming-read probe */
    oclab_compute_probe *compute_probe; /* interleaved f32 FMA probe */
    cJSON *profile;        /* kernels[] and skipped[] are appended here */
    oclab_tuner tuner;     /* every family's variant comes from it (host/tune/tune.h) */
} oclab_decode_ctx;

/* ---- options.c ---- */
void oclab_decode_opts_init(oclab_decode_opts *opts);
/* After parsing: pairs --kv-heads with --heads (one value for all, one per head count, or none = MHA),
 * refuses GEMV formats without a kernel and shapes a format cannot take (K not a multiple of 32 for
 * block formats). 0 ok; -1 with a one-line error (the command exits OCLAB_EXIT_USAGE). */
int oclab_decode_opts_check(oclab_decode_opts *opts);
/* Shapes the user gave must fit the device: GEMV weights (--shape) within its max allocation and a
 * quarter of its memory, attention caches as oclab_attention_fit says (the default tables are skipped
 * shape by shape instead). 0 ok, -1 (error printed). */
int oclab_decode_opts_fit(const oclab_decode_opts *opts, const oclab_device_info *info);
/* Runs the selected families on CL; PROFILE must hold ceilings (from oclab peak, or a loaded profile).
 * OCLAB_EXIT_OK, or OCLAB_EXIT_FAIL when a kernel failed to build/run or failed verification. */
int oclab_decode_measure(oclab_cl *cl, const oclab_device_opts *dev_opts, const oclab_decode_opts *opts,
                         cJSON *profile);
void oclab_decode_print(const cJSON *profile); /* human table of kernels[] to stdout */

/* ---- common.c: shared measurement and placement ---- */
/* oclab_time_kernel with a sample of each probe taken after each kernel sample. A kernel whose first
 * timed sample runs past ctx->max_launch_s is not sampled further: CL_OUT_OF_RESOURCES, with that
 * sample in timing->overlong_s (a skip, not a failure: the kernel ran and was verified). */
cl_int oclab_decode_time(oclab_decode_ctx *ctx, oclab_enqueue_fn fn, void *user, oclab_timing *timing,
                         oclab_probe_result *probe);
/* Why TIMING holds no samples: the watchdog's words (in BUF) when the launch was too long, else
 * OTHERWISE. */
const char *oclab_decode_untimed(const oclab_decode_ctx *ctx, const oclab_timing *timing, const char *otherwise,
                                 char *buf, size_t len);

/* One measured, verified kernel to place on the roofline. */
typedef struct {
    const char *family;  /* "gemv" | "attention" */
    const char *format;  /* weight or KV format name */
    cJSON *shape;        /* owned by the result json after the call */
    cJSON *variant;      /* idem: {work_group, vector_width, rows_per_group, split, ...} */
    const oclab_timing *timing;
    const oclab_probe_result *probe;
    double flops, flops_padded, bytes;
    rl_roof roof;        /* compute ceiling of the precision the kernel computes in + DRAM ceiling */
    int verified;
    double max_rel_error;
    const char *roof_precision; /* the compute ceiling ROOF comes from ("f32", "int16"); NULL: "f32" */
    cJSON *tuning;              /* how the variant was chosen (oclab_tune_outcome.record), taken over; or NULL */
} oclab_kernel_result;

/* Appends the DESIGN.md kernels[] entry (time_s, gflops, gbs, intensity, roof_gflops, efficiency,
 * probe_gbs, efficiency_vs_probe, bound, verified, max_rel_error, suspect flags, tuning) to ctx->profile.
 * A kernel more than 5 % above its roof is reported (stderr and warnings[]) with the ceiling the evidence
 * points at (roofline/place.h); one faster than the device's fastest cache level is implausible: it is
 * reported and not placed. */
void oclab_decode_record(oclab_decode_ctx *ctx, const oclab_kernel_result *result);

/* After the families: a compute ceiling that some verified kernel beat is raised to that kernel's
 * attained figure (a compute ceiling never sits below a kernel), its ridges follow, and every kernel
 * placed against it is placed again; each raise is in warnings[]. */
void oclab_decode_hold_ceilings(cJSON *profile);

/* ---- gemv.c / attention.c: the families ---- */
int oclab_gemv_measure(oclab_decode_ctx *ctx, const oclab_decode_opts *opts);
/* The most bytes one GEMV weight matrix may take on INFO: its max allocation, and a quarter of its
 * memory, the share oclab_cold_copies gives all copies of one operand. */
uint64_t oclab_gemv_weight_limit(const oclab_device_info *info);
int oclab_attention_measure(oclab_decode_ctx *ctx, const oclab_decode_opts *opts);

#endif
