#ifndef OCLAB_ROOFLINE_QUANT_H
#define OCLAB_ROOFLINE_QUANT_H
/* Half-precision conversion, ggml block quantization, and host references for the decode kernels.
 * References accumulate in double so they are the yardstick, not another approximation. */
#include <stddef.h>
#include <stdint.h>

#include "roofline/format.h"

typedef struct {
    uint16_t d;       /* fp16 scale */
    int8_t qs[RL_QK]; /* value = qs[j] * d */
} rl_block_q8_0;      /* 34 bytes */

typedef struct {
    uint16_t d;            /* fp16 scale */
    uint8_t qs[RL_QK / 2]; /* element j in the low nibble of byte j, element j+16 in the high nibble */
} rl_block_q4_0;           /* 18 bytes; value = (q - 8) * d */

uint16_t rl_f32_to_f16(float value); /* round to nearest even, with subnormals, inf and NaN */
float rl_f16_to_f32(uint16_t bits);
uint16_t rl_f32_to_bf16(float value); /* round to nearest even */
float rl_bf16_to_f32(uint16_t bits);

/* Quantize K floats (K a multiple of 32) into K/32 blocks, as ggml does. */
void rl_quantize_q8_0(const float *x, rl_block_q8_0 *blocks, size_t k);
void rl_quantize_q4_0(const float *x, rl_block_q4_0 *blocks, size_t k);

/* Encode an N x K float matrix into FORMAT's bytes (rl_weight_bytes of them; for i8_pc: N*K int8
 * row-major, then N f32 scales). 0 on success, -1 when FORMAT is not a weight format. */
int rl_encode_matrix(rl_format format, const float *w, uint64_t n, uint64_t k, void *out);

/* Decode row ROW of an encoded N x K matrix back into K floats. */
void rl_decode_row(rl_format format, const void *w, uint64_t n, uint64_t k, uint64_t row, float *out);

/* Y[M,N] = X[M,K] * W^T with W encoded in FORMAT (as rl_encode_matrix writes it), double accumulation.
 * X is used as given: round it to f16 first if the kernel reads f16 activations. */
void rl_gemv_ref(rl_format format, const void *w, uint64_t n, uint64_t k,
                 const float *x, uint64_t m, double *y);

/* Encode a KV cache of ROWS rows of D floats into FORMAT (f32, f16, q8_0; blocks along D). */
int rl_encode_kv(rl_format format, const float *x, uint64_t rows, uint64_t d, void *out);

/* Attention decode, one query token per sequence: q [B,Hq,D] f32; k, v [B,Hkv,S,D] encoded by
 * rl_encode_kv; out [B,Hq,D]. Query head h uses KV head h / (Hq/Hkv); scores scaled by 1/sqrt(D);
 * exact softmax in double. */
void rl_attention_ref(rl_format kv, const float *q, const void *k, const void *v,
                      uint64_t batch, uint64_t heads, uint64_t kv_heads, uint64_t head_dim,
                      uint64_t context, double *out);

/* Largest |got - want| / max(|want|, floor) over N values; floor keeps near-zero outputs from
 * dominating (pass e.g. 1e-3 * the largest |want|). */
double rl_max_rel_error(const float *got, const double *want, size_t n, double floor);

#endif
