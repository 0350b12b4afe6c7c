#ifndef OCLAB_ROOFLINE_MODEL_H
#define OCLAB_ROOFLINE_MODEL_H
/* Model configurations (roofline/models/NAME.json) and the whole-model decode-step predictor.
 *
 * Counted per layer: the q (d -> Hq*D), k and v (d -> Hkv*D each) and o (Hq*D -> d) projections, and
 * the FFN: 3*d*d_ff for swiglu (gate, up, down), 2*d*d_ff for gelu. Plus the lm_head (vocab x d),
 * always counted, tied to the embedding or not, since decode reads it every step. Left out: biases,
 * norms and the embedding gather (a few rows per token).
 *
 * Config JSON: {name, source, n_layers, d_model, n_heads, n_kv_heads, head_dim, d_ff, vocab,
 * ffn: "swiglu"|"gelu"}; head_dim may be omitted when it is d_model / n_heads. */
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "roofline/cost.h"
#include "roofline/format.h"

typedef enum { RL_FFN_SWIGLU, RL_FFN_GELU } rl_ffn;

typedef struct {
    char name[64];
    uint64_t n_layers, d_model, n_heads, n_kv_heads, head_dim, d_ff, vocab;
    rl_ffn ffn;
} rl_model_config;

/* Every size of a config is at most this, far beyond any model (the largest size in roofline/models is
 * Qwen1.5's vocabulary, 152064); counts that still overflow 64 bits are refused by rl_decode_cost_of. */
#define RL_MODEL_MAX_DIM (UINT32_C(1) << 24)

/* Parse a config object; -1 with the reason for a missing, non-integer, non-positive or absurd
 * (> RL_MODEL_MAX_DIM) field, a name that is not a string, heads not a multiple of KV heads, or an
 * unknown ffn. */
int rl_model_parse(const cJSON *json, rl_model_config *cfg, char *err, size_t err_len);

/* Load NAME: a path, or a name under roofline/models ($OCLAB_MODELS_DIR or OCLAB_SOURCE_DIR). */
int rl_model_load(const char *name, rl_model_config *cfg, char *err, size_t err_len);

/* One weight matrix of a decode step: N outputs x K inputs (quant blocks along K), COUNT of them per
 * step (n_layers, or 1 for the lm_head). */
typedef struct {
    const char *name; /* "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "lm_head" */
    uint64_t n, k, count;
} rl_model_matrix;

#define RL_MODEL_MAX_MATRICES 8

/* The matrices of CFG in that order (gate_proj only for swiglu) into OUT; returns how many, or -1 with
 * the reason when a dimension overflows 64 bits. */
int rl_model_matrices(const rl_model_config *cfg, rl_model_matrix *out, char *err, size_t err_len);

/* One decode step: BATCH sequences each generate one token against CONTEXT cached tokens. */
typedef struct {
    rl_format weights, kv;
    uint64_t batch, context;
} rl_decode_shape;

typedef struct {
    uint64_t params_layers, params_head, params_total;
    uint64_t weight_bytes;       /* every matrix in the weight format, scales included */
    uint64_t kv_bytes_per_token; /* 2 * n_layers * Hkv * row_bytes(D) */
    uint64_t kv_bytes;           /* batch * context * kv_bytes_per_token */
    uint64_t bytes;              /* weight_bytes + kv_bytes */
    uint64_t flops;              /* 2*B*params_total + 4*B*n_layers*Hq*D*S */
    double intensity;
} rl_decode_cost;

int rl_decode_cost_of(const rl_model_config *cfg, const rl_decode_shape *shape, rl_decode_cost *cost,
                      char *err, size_t err_len);

typedef struct {
    rl_bound bound;            /* t_comp from all decode FLOPs, t_mem from all bytes */
    double tokens_per_s;       /* batch / t_bound */
    double ms_per_token;       /* 1000 * t_bound: the latency of one step */
    /* Batch-1 prefill length beyond which a prompt is compute-bound (weights read once per prompt):
     * crude = ridge * weight_bytes / (2 * params_total); fine counts the lm_head for the last token
     * only: (ridge * weight_bytes - 2 * params_head) / (2 * params_layers). */
    double prefill_knee_crude;
    double prefill_knee_fine;
} rl_decode_prediction;

rl_decode_prediction rl_decode_predict(const rl_decode_cost *cost, uint64_t batch, rl_roof roof);

/* Longest context (tokens per sequence) whose KV cache for BATCH sequences fits in MEMORY_BYTES beside
 * the weights; 0 when the weights alone do not fit. */
uint64_t rl_max_context(const rl_decode_cost *cost, uint64_t batch, double memory_bytes);

#endif
