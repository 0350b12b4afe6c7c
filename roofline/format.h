#ifndef OCLAB_ROOFLINE_FORMAT_H
#define OCLAB_ROOFLINE_FORMAT_H
/* Data formats of weights, activations and KV caches, and their byte counts.
 * Block formats are ggml's, byte for byte (DESIGN.md): q8_0 = fp16 scale + 32 int8 (34 B / 32),
 * q4_0 = fp16 scale + 16 nibble bytes (18 B / 32). i8_pc = int8 weights + one f32 scale per row. */
#include <stddef.h>
#include <stdint.h>

#define RL_QK 32 /* weights per quant block */

typedef enum {
    RL_FMT_F32,
    RL_FMT_F16,
    RL_FMT_BF16,
    RL_FMT_Q8_0,
    RL_FMT_Q4_0,
    RL_FMT_I8_PC,
    RL_FMT_COUNT
} rl_format;

/* 0 and *out set when NAME is a known format ("f32", "q4_0", ...), else -1. */
int rl_format_parse(const char *name, rl_format *out);
const char *rl_format_name(rl_format format);

/* Bytes of one activation / output element: 4 for f32, 2 for f16 and bf16; 0 for other formats. */
unsigned rl_elem_bytes(rl_format format);

/* Bytes of an N x K weight matrix (N rows of K, quant blocks along K, scales included).
 * 0 on success; -1 with a one-line reason in err when the format is not a weight format, a size is 0,
 * K is not a multiple of 32 for a block format, or the count overflows 64 bits. */
int rl_weight_bytes(rl_format format, uint64_t n, uint64_t k, uint64_t *bytes, char *err, size_t err_len);

/* Bytes of one KV-cache row of D elements: f32 4D, f16 and bf16 2D, q8_0 34*D/32 (D a multiple of 32).
 * 0 on success; -1 with the reason in err otherwise (other formats are not KV formats). */
int rl_kv_row_bytes(rl_format format, uint64_t d, uint64_t *bytes, char *err, size_t err_len);

#endif
