#ifndef OCLAB_ROOFLINE_COST_H
#define OCLAB_ROOFLINE_COST_H
/* The cost model: useful FLOPs and compulsory bytes of a kernel shape, and its bound on a device.
 * Counting conventions are DESIGN.md's and issue 3's: decimal units, FMA = 2 FLOPs, each operand read
 * once, each output written once, scales included. */
#include <stddef.h>
#include <stdint.h>

#include "roofline/format.h"

/* One compute ceiling and one bandwidth ceiling: what a kernel is bounded by. */
typedef struct {
    double gflops; /* GFLOP/s (GOP/s for integer precisions) */
    double gbs;    /* GB/s, 1e9 bytes/s */
} rl_roof;

/* The range any rate (GB/s, GFLOP/s) or intensity (FLOP/byte) of a roof may take, given by hand or read
 * from a file: wide enough for any device, narrow enough that ratios and log axes stay finite. */
#define RL_RATE_MIN 1e-9
#define RL_RATE_MAX 1e18

/* Y[M,N] = X[M,K] * W^T, W N x K in `weights`. tile_m 0 or 1 means no padding. */
typedef struct {
    uint64_t m, n, k;
    rl_format weights, act, out;
    uint64_t tile_m;
} rl_gemv_shape;

typedef struct {
    uint64_t flops, flops_padded, m_padded;
    uint64_t bytes, bytes_weights, bytes_act, bytes_out;
    double intensity, intensity_padded; /* FLOP/byte */
} rl_gemv_cost;

/* Attention decode: one query token per sequence against a KV cache of `context` tokens. */
typedef struct {
    uint64_t batch, heads, kv_heads, head_dim, context;
    rl_format kv, q, out;
} rl_attn_shape;

typedef struct {
    uint64_t flops_core, flops_softmax, flops;
    uint64_t bytes, bytes_kv, bytes_q, bytes_out;
    double intensity;       /* flops_core / bytes */
    double intensity_total; /* flops / bytes */
} rl_attn_cost;

/* 0 on success; -1 with a one-line reason in err (zero size, K not a multiple of 32 for a block
 * format, Hq not a multiple of Hkv, a format that cannot play that role, 64-bit overflow). */
int rl_gemv_cost_of(const rl_gemv_shape *shape, rl_gemv_cost *cost, char *err, size_t err_len);
int rl_attn_cost_of(const rl_attn_shape *shape, rl_attn_cost *cost, char *err, size_t err_len);

typedef struct {
    double ridge;   /* FLOP/byte = gflops / gbs */
    double t_mem_s; /* bytes / bandwidth */
    double t_comp_s;
    double t_bound_s;
    double attainable_gflops; /* useful flops / t_bound */
    int compute_bound;        /* t_comp > t_mem */
} rl_bound;

/* Bound of a kernel doing `useful` FLOPs, `executed` FLOPs (padded, or with softmax) and `bytes`. */
rl_bound rl_bound_of(double useful_flops, double executed_flops, double bytes, rl_roof roof);

#endif
