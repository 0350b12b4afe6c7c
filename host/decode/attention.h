#ifndef OCLAB_HOST_DECODE_ATTENTION_H
#define OCLAB_HOST_DECODE_ATTENTION_H
/* The attention-decode kernel (kernels/attention.cl) on one device: build it for a (head_dim, GQA
 * group, KV format), hold one problem's buffers (q, KV cache copies for cold reads, partials), launch
 * it with a split count, read and verify the output. oclab_attention_measure (decode.h) drives these;
 * tests use them directly. */
#include <stddef.h>
#include <stdint.h>

#include "host/cl/context.h"
#include "host/decode/decode.h"
#include "roofline/cost.h"

/* Validates the attention options (or the defaults they leave): positive sizes, Hq a multiple of Hkv,
 * KV formats f32/f16/q8_0, head dims the kernel supports. 0 ok; -1 with a one-line error (exit 2).
 * oclab_attention_measure calls it too and returns OCLAB_EXIT_USAGE on bad options. */
int oclab_attention_check_opts(const oclab_decode_opts *opts);

/* Explicitly requested shapes (any of --batch, --context, --heads, --head-dim given) must fit INFO's
 * memory limits: 0 ok, -1 with a one-line error. The default table is skipped shape by shape instead. */
int oclab_attention_fit(const oclab_decode_opts *opts, const oclab_device_info *info);

/* A program built for one (kv format, head_dim, group): compile once, reuse across S, B and splits. */
typedef struct {
    rl_format kv;
    uint64_t head_dim, group;
    unsigned vec, tile; /* floats per vector over D, rows per softmax tile */
    int host_avx512_vnni; /* q8_0 built with -D HOST_AVX512_VNNI (oclab_device_host_avx512_vnni) */
    cl_program program;
} oclab_attn_program;

/* 0 when SHAPE (kv, head_dim, heads/kv_heads) can be built: KV format f32/f16/q8_0, head_dim a
 * multiple of 4 (32 for q8_0) and at most 1024, group at most 64. Else -1 with a one-line reason. */
int oclab_attn_supported(const rl_attn_shape *shape, char *err, size_t err_len);

/* Builds the kernel for SHAPE's (kv, head_dim, group); the vector width follows the device's
 * preferred float vector width. EXTRA_OPTIONS (NULL: none) are appended to the build options: the
 * tests build the other q8_0 pair dot products with "-D NO_VNNI_PAIR_DOT" (vpmaddwd and adds where
 * the host would have vpdpwssd) and "-D PORTABLE_PAIR_DOT". */
cl_int oclab_attn_program_build(oclab_cl *cl, const rl_attn_shape *shape, const char *extra_options,
                                oclab_attn_program *prog);
void oclab_attn_program_release(oclab_attn_program *prog);

/* One problem on the device. */
typedef struct {
    oclab_cl *cl;
    rl_attn_shape shape;
    cl_kernel partial, combine; /* pass 1, pass 2 (attention.cl) */
    int copies;      /* KV cache copies rotated through for cold reads */
    cl_mem *k, *v;   /* [copies] */
    cl_mem q, out, part_acc, part_ml;
    uint64_t max_chunks; /* capacity of the partial buffers */
    size_t v_bytes;      /* bytes of one V copy: rows (f32, f16); q8_0: K's tiles, as many bytes as K */
    size_t k_bytes;      /* bytes of one K copy: tiles, the last of a sequence zero-padded */
} oclab_attn;

/* Uploads Q [B,Hq,D] and K, V (rl_encode_kv of the shape's format) COPIES times, converted (untimed) to
 * the kernel's device layouts (attention.cl: K, and q8_0 V, by tiles of rows, q8_0 scales by tiles);
 * partial buffers sized for up to MAX_SPLIT chunks. */
cl_int oclab_attn_create(oclab_cl *cl, const oclab_attn_program *prog, const rl_attn_shape *shape,
                         const float *q, const void *k, const void *v, int copies, uint64_t max_split,
                         oclab_attn *attn);
void oclab_attn_release(oclab_attn *attn);

/* Chunks actually launched for SPLIT (<= SPLIT, none empty) and rows per chunk. */
uint64_t oclab_attn_chunks(uint64_t context, uint64_t split, uint64_t *chunk);

/* Enqueues one attention over KV copy COPY with SPLIT chunks (clamped to [1, max_chunks]): pass 1, and
 * pass 2 when there is more than one chunk. *last gets the event of the last launch; FIRST (may be
 * NULL) gets pass 1's event when there are two launches, else NULL, so a timed sample spans
 * START(first or last)..END(last) (the oclab_enqueue_fn contract). */
cl_int oclab_attn_enqueue(oclab_attn *attn, int copy, uint64_t split, cl_event *first, cl_event *last);

/* Blocking read of the output [B,Hq,D]. */
cl_int oclab_attn_read(oclab_attn *attn, float *out);

/* Verification against the double reference: 1 when every output is within tolerance; *max_rel_error
 * is set either way. Errors are relative to each output, floored at a fraction of the largest: 1e-3
 * for f32 and f16, 1e-2 for q8_0 (as the GEMV's quantized formats), whose int16 V weights carry an
 * absolute error up to 2^-16 of a tile's largest weighted scale, which outputs near zero magnify. */
int oclab_attn_verify(rl_format kv, const float *got, const double *want, size_t n, double *max_rel_error);

#endif
