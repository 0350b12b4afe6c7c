#ifndef OCLAB_ROOFLINE_EXPECT_H
#define OCLAB_ROOFLINE_EXPECT_H
/* Expected decode speed: what the kernels measured in a profile would deliver for a whole model, as
 * opposed to the roofline's speed of light (model.h).
 *
 * A decode step is the model's weight matrices, each a GEMV of M = batch rows (model.h lists them),
 * plus one attention per layer. Each is timed on the roof the profile's decode kernels are placed on
 * (its DRAM and f32 ceilings: t_roof = max(bytes / bandwidth, FLOPs / peak), costs as cost.h counts
 * them with f32 activations, queries and outputs, as the kernels do) and divided by the efficiency
 * the nearest measured kernel of its kind reached:
 *   - a matrix: a verified GEMV of the same weight format, the nearest batch first (in log M), then
 *     the nearest N x K (in log N and log K);
 *   - the attention: a verified attention kernel of the same KV format, the nearest batch first, then
 *     the nearest context, GQA group (heads / KV heads), KV heads and head dimension (in logs).
 * Every part keeps its own bound, so a q8_0 KV cache that halves the bytes but makes the attention
 * compute-bound comes out slower when the FMA peak cannot keep up. Peer-library baselines, kernels
 * flagged suspect or above their roof (efficiency beyond 1.05) and unverified ones are never used.
 * Parts outside the count (norms, RoPE, the embedding gather) are left out on both sides. */
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "roofline/cost.h"
#include "roofline/format.h"
#include "roofline/model.h"

/* One usable measured kernel of a profile. */
typedef struct {
    int attention;     /* 0: GEMV */
    rl_format format;  /* weights (GEMV) or KV cache (attention) */
    double m, n, k;    /* GEMV shape */
    double batch, heads, kv_heads, head_dim, context; /* attention shape */
    double efficiency; /* attained / roof, from the profile */
    rl_roof roof;      /* the roof it was placed on: DRAM and the compute ceiling of its roof_precision */
    int index;         /* position in the profile's kernels[] */
} rl_measured;

typedef struct {
    rl_roof roof;        /* the profile's DRAM and f32 ceilings (each kernel keeps its own roof) */
    rl_measured *items;
    int n;
    int n_unusable;      /* ours and verified, but suspect or above the roof */
} rl_measured_set;

/* Reads the roof and the usable kernels of PROFILE. 0 ok (possibly with no kernel); -1 with the reason
 * (no DRAM or f32 ceiling, out of memory). */
int rl_measured_read(const cJSON *profile, rl_measured_set *set, char *err, size_t err_len);
void rl_measured_free(rl_measured_set *set);

/* The nearest usable kernel as described above, or NULL when none has that format. */
const rl_measured *rl_nearest_gemv(const rl_measured_set *set, rl_format weights, uint64_t m, uint64_t n, uint64_t k);
const rl_measured *rl_nearest_attention(const rl_measured_set *set, const rl_attn_shape *shape);

/* One kind of part of a decode step. */
typedef struct {
    char what[16];       /* "q_proj", ..., "lm_head", "attention" */
    uint64_t count;      /* instances per step (n_layers, or 1 for the lm_head) */
    double flops, bytes; /* one instance */
    double t_roof_s;     /* one instance on the roof */
    int compute_bound;   /* on the roof */
    double efficiency;   /* of the kernel it is timed at */
    int kernel_index;    /* that kernel's position in kernels[] */
    double t_s;          /* count * t_roof_s / efficiency */
} rl_expect_part;

#define RL_EXPECT_MAX_PARTS 10

typedef struct {
    rl_expect_part parts[RL_EXPECT_MAX_PARTS];
    int n_parts;
    double t_weights_s, t_attention_s, t_s; /* one step */
    double tokens_per_s;                     /* batch / t_s */
    double ms_per_token;                     /* 1000 * t_s: the latency of one step */
} rl_expectation;

/* The expected step of CFG at SHAPE (batch, context, weight and KV formats) from SET. 0 ok; -1 with the
 * reason in err: a shape the cost model refuses, or no usable kernel of the weight or KV format
 * ("the profile has no usable gemv q5_k kernel"). A context of 0 has no attention part. */
int rl_expect_decode(const rl_model_config *cfg, const rl_decode_shape *shape, const rl_measured_set *set,
                     rl_expectation *out, char *err, size_t err_len);

#endif
