/* Building, launching and verifying the attention-decode kernel (attention.h). */
#include "host/decode/attention.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "roofline/quant.h"

#define ATTN_TILE OCLAB_ATTN_LAYOUT_TILE
#define ATTN_MAX_DIM 512    /* private accumulators of the work-item kernel: GROUP x HEAD_DIM floats */
#define ATTN_MAX_GROUP 64
#define ATTN_TOLERANCE 2e-3 /* f32 accumulation and exp2 against an exact double softmax */

int oclab_attn_supported(const rl_attn_shape *shape, char *err, size_t err_len)
{
    uint64_t row_bytes;
    if (shape->kv != RL_FMT_F32 && shape->kv != RL_FMT_F16 && shape->kv != RL_FMT_Q8_0) {
        snprintf(err, err_len, "KV format %s is not one of f32, f16, q8_0", rl_format_name(shape->kv));
        return -1;
    }
    if (rl_kv_row_bytes(shape->kv, shape->head_dim, &row_bytes, err, err_len) != 0)
        return -1;
    if (shape->head_dim % 4 != 0 || shape->head_dim > ATTN_MAX_DIM) {
        snprintf(err, err_len, "head dim %llu must be a multiple of 4 and at most %d",
                 (unsigned long long)shape->head_dim, ATTN_MAX_DIM);
        return -1;
    }
    if (shape->kv_heads == 0 || shape->heads % shape->kv_heads != 0) {
        snprintf(err, err_len, "query heads (%llu) must be a multiple of KV heads (%llu)",
                 (unsigned long long)shape->heads, (unsigned long long)shape->kv_heads);
        return -1;
    }
    if (shape->heads / shape->kv_heads > ATTN_MAX_GROUP) {
        snprintf(err, err_len, "GQA group %llu is beyond the kernel's %d query heads per KV head",
                 (unsigned long long)(shape->heads / shape->kv_heads), ATTN_MAX_GROUP);
        return -1;
    }
    return 0;
}

const char *oclab_attn_variant_name(oclab_attn_variant variant)
{
    return variant == OCLAB_ATTN_GROUP ? "work-group" : "work-item";
}

int oclab_attn_config_check(const rl_attn_shape *shape, const oclab_attn_config *c, char *why, size_t why_len)
{
    uint64_t d = shape->head_dim;
    int q8 = shape->kv == RL_FMT_Q8_0;
    if (c->variant == OCLAB_ATTN_ITEM) {
        if (q8 && (c->vec != 16 || c->tile != 16)) {
            snprintf(why, why_len, "q8_0 takes vec 16 and tile 16 (the int16 pair products' lanes)");
            return -1;
        }
        if ((c->vec != 4 && c->vec != 8 && c->vec != 16) || d % c->vec != 0) {
            snprintf(why, why_len, "vec %u is not 4, 8 or 16 dividing the head dim %llu", c->vec,
                     (unsigned long long)d);
            return -1;
        }
        if (c->tile != 4 && c->tile != 8 && c->tile != 16) {
            snprintf(why, why_len, "tile %u is not 4, 8 or 16", c->tile);
            return -1;
        }
        if (c->vb < 1 || c->vb > d / c->vec) {
            snprintf(why, why_len, "v_slices %u is not between 1 and %llu", c->vb, (unsigned long long)(d / c->vec));
            return -1;
        }
        return 0;
    }
    if ((c->vec != 2 && c->vec != 4 && c->vec != 8) || d % c->vec != 0) {
        snprintf(why, why_len, "vec %u is not 2, 4 or 8 dividing the head dim %llu", c->vec, (unsigned long long)d);
        return -1;
    }
    if (c->tile < ATTN_TILE || c->tile % ATTN_TILE != 0) {
        snprintf(why, why_len, "tile %u is not a multiple of %d", c->tile, ATTN_TILE);
        return -1;
    }
    if (c->wg < 1 || (c->wg & (c->wg - 1)) != 0) {
        snprintf(why, why_len, "work-group %u is not a power of two", c->wg);
        return -1;
    }
    return 0;
}

unsigned oclab_attn_lanes(const oclab_attn_config *config)
{
    return config->variant == OCLAB_ATTN_GROUP ? config->wg : 1;
}

unsigned oclab_attn_combine_lanes(uint64_t head_dim, const oclab_attn_config *config)
{
    return (unsigned)(head_dim / config->vec);
}

uint64_t oclab_attn_local_bytes(uint64_t head_dim, uint64_t group, const oclab_attn_config *config)
{
    if (config->variant != OCLAB_ATTN_GROUP)
        return 0;
    return 4 * group * (head_dim + config->tile + config->wg); /* queries, a tile's weights, the lanes' tree */
}

static const char *kv_define(rl_format kv)
{
    return kv == RL_FMT_F32 ? "KV_F32" : kv == RL_FMT_F16 ? "KV_F16" : "KV_Q8_0";
}

/* -D HOST_AVX512_VNNI only for q8_0 (the one kernel that uses it). */
static int wants_vnni(const oclab_cl *cl, const rl_attn_shape *shape)
{
    return shape->kv == RL_FMT_Q8_0 && oclab_device_host_avx512_vnni(cl->info);
}

void oclab_attn_fixed_options(const oclab_cl *cl, const rl_attn_shape *shape, char *buf, size_t len)
{
    snprintf(buf, len, "-D HEAD_DIM=%llu -D GROUP=%llu -D %s%s", (unsigned long long)shape->head_dim,
             (unsigned long long)(shape->heads / shape->kv_heads), kv_define(shape->kv),
             wants_vnni(cl, shape) ? " -D HOST_AVX512_VNNI" : "");
}

cl_int oclab_attn_program_build(oclab_cl *cl, const rl_attn_shape *shape, const oclab_attn_config *config,
                                const char *extra_options, oclab_attn_program *prog)
{
    cl_int err = CL_SUCCESS;
    char options[400], fixed[160], why[160];
    memset(prog, 0, sizeof *prog);
    prog->kv = shape->kv;
    prog->head_dim = shape->head_dim;
    prog->group = shape->heads / shape->kv_heads;
    prog->config = *config;
    if (oclab_attn_config_check(shape, config, why, sizeof why) != 0) {
        oclab_error("attention: %s", why);
        return CL_INVALID_BUILD_OPTIONS;
    }
    prog->host_avx512_vnni = config->variant == OCLAB_ATTN_ITEM && wants_vnni(cl, shape);
    oclab_attn_fixed_options(cl, shape, fixed, sizeof fixed);
    if (config->variant == OCLAB_ATTN_GROUP)
        snprintf(options, sizeof options, "%s -D VEC=%u -D TILE=%u -D WG=%u %s", fixed, config->vec, config->tile,
                 config->wg, extra_options ? extra_options : "");
    else
        snprintf(options, sizeof options, "%s -D VEC=%u -D TILE=%u -D VB=%u %s", fixed, config->vec, config->tile,
                 config->vb, extra_options ? extra_options : "");
    CL_TRY(oclab_cl_build(cl, "attention.cl", options, &prog->program));
    CL_TRY(oclab_cl_kernel(prog->program, "attn_partial", &prog->partial));
    CL_TRY(oclab_cl_kernel(prog->program, "attn_combine", &prog->combine));
    size_t most = 0;
    err = clGetKernelWorkGroupInfo(prog->partial, cl->info->device, CL_KERNEL_WORK_GROUP_SIZE, sizeof most, &most,
                                   NULL);
    CL_CHECK("clGetKernelWorkGroupInfo(attn_partial)");
    prog->kernel_lanes = most;
    if (most < oclab_attn_lanes(config)) {
        err = CL_INVALID_WORK_GROUP_SIZE;
        oclab_debug("attention: the work-group kernel runs at most %zu lanes here, not %u", most, config->wg);
    }
cleanup:
    if (err != CL_SUCCESS)
        oclab_attn_program_release(prog);
    return err;
}

void oclab_attn_program_release(oclab_attn_program *prog)
{
    oclab_cl_release_kernel(&prog->partial);
    oclab_cl_release_kernel(&prog->combine);
    oclab_cl_release_program(&prog->program);
}

/* Tiles of ATTN_TILE rows per sequence of CONTEXT rows (K and the q8_0 scales are stored by tiles). */
static uint64_t k_tiles_per_seq(uint64_t context)
{
    return (context + ATTN_TILE - 1) / ATTN_TILE;
}

/* The fp16 scales of SEQS x CONTEXT q8_0 rows of D (ggml blocks) by tiles, [tile][D/32][ATTN_TILE], so
 * one vector load gives a tile's scales of a block. SCALES must be zeroed (the padding lanes). */
static void q8_0_tile_scales(const uint8_t *ggml, uint64_t seqs, uint64_t context, uint64_t d, uint8_t *scales)
{
    uint64_t tiles = k_tiles_per_seq(context), nb = d / RL_QK;
    for (uint64_t s = 0; s < seqs; s++)
        for (uint64_t row = 0; row < context; row++) {
            uint64_t tile = s * tiles + row / ATTN_TILE, lane = row % ATTN_TILE;
            const uint8_t *blocks = ggml + (s * context + row) * nb * sizeof(rl_block_q8_0);
            for (uint64_t b = 0; b < nb; b++)
                memcpy(scales + ((tile * nb + b) * ATTN_TILE + lane) * 2, blocks + b * sizeof(rl_block_q8_0), 2);
        }
}

/* How q8_0 quants pair up in a tile, for the kernel's int16 pair products: K by column pairs
 * [tile][D/2][ATTN_TILE][2] (a row's elements i and i+1 side by side), V by row pairs
 * [tile][ATTN_TILE/2][D][2] (rows 2j and 2j+1 side by side, element by element). */
typedef enum { PAIRS_OF_COLUMNS, PAIRS_OF_ROWS } q8_0_pairs;

/* Device layout of a K cache, or of a q8_0 V cache (attention.cl): each sequence's rows by tiles of
 * ATTN_TILE, the last tile zero-padded. f32, f16 (K): transposed to [tile][D][ATTN_TILE] elements.
 * q8_0: all tiles' int8 quants by PAIRS, then all tiles' fp16 scales [tile][D/32][ATTN_TILE]
 * (q8_0_tile_scales), so one vector load gives a tile's scales of a block. SRC: SEQS x CONTEXT rows in
 * the shape's format (ggml blocks for q8_0); OUT holds seqs * tiles * ATTN_TILE rows' bytes. */
static void tiles_layout(rl_format kv, q8_0_pairs pairs, const uint8_t *src, uint64_t seqs, uint64_t context,
                         uint64_t d, uint64_t row_bytes, uint8_t *out)
{
    uint64_t tiles = k_tiles_per_seq(context), all_tiles = seqs * tiles;
    size_t elem = kv == RL_FMT_F32 ? 4 : kv == RL_FMT_F16 ? 2 : 1; /* bytes of one stored element */
    memset(out, 0, (size_t)(all_tiles * ATTN_TILE * row_bytes));
    for (uint64_t s = 0; s < seqs; s++) {
        for (uint64_t row = 0; row < context; row++) {
            const uint8_t *in = src + (s * context + row) * row_bytes;
            uint64_t tile = s * tiles + row / ATTN_TILE, lane = row % ATTN_TILE;
            for (uint64_t i = 0; i < d; i++) {
                /* q8_0: element i is quant i % 32 of block i / 32, after the block's 2-byte scale */
                size_t at = kv == RL_FMT_Q8_0 ? (size_t)((i / RL_QK) * sizeof(rl_block_q8_0) + 2 + i % RL_QK)
                                              : (size_t)i * elem;
                uint64_t to = kv != RL_FMT_Q8_0       ? (tile * d + i) * ATTN_TILE + lane
                              : pairs == PAIRS_OF_ROWS ? ((tile * (ATTN_TILE / 2) + lane / 2) * d + i) * 2 + lane % 2
                                                       : ((tile * (d / 2) + i / 2) * ATTN_TILE + lane) * 2 + i % 2;
                memcpy(out + to * elem, in + at, elem);
            }
        }
    }
    if (kv == RL_FMT_Q8_0)
        q8_0_tile_scales(src, seqs, context, d, out + all_tiles * ATTN_TILE * d);
}

uint64_t oclab_attn_chunks(uint64_t context, uint64_t split, uint64_t *chunk)
{
    if (split < 1)
        split = 1;
    if (split > context)
        split = context;
    *chunk = (context + split - 1) / split;
    return (context + *chunk - 1) / *chunk;
}

cl_int oclab_attn_create(oclab_cl *cl, const rl_attn_shape *shape, const float *q, const void *k, const void *v,
                         int copies, uint64_t max_split, oclab_attn *attn)
{
    cl_int err = CL_SUCCESS;
    uint64_t row_bytes = 0;
    memset(attn, 0, sizeof *attn);
    attn->cl = cl;
    attn->shape = *shape;
    attn->copies = copies < 1 ? 1 : copies;
    attn->max_chunks = max_split < 1 ? 1 : max_split;
    rl_kv_row_bytes(shape->kv, shape->head_dim, &row_bytes, NULL, 0);
    size_t q_bytes = (size_t)(shape->batch * shape->heads * shape->head_dim) * sizeof(float);
    size_t partials = (size_t)(shape->batch * shape->heads * attn->max_chunks);
    uint64_t seqs = shape->batch * shape->kv_heads;
    attn->k_bytes = (size_t)(seqs * k_tiles_per_seq(shape->context) * ATTN_TILE * row_bytes);
    attn->v_bytes = shape->kv == RL_FMT_Q8_0 ? attn->k_bytes : (size_t)(seqs * shape->context * row_bytes);
    uint8_t *k_dev = NULL, *v_dev = NULL;
    attn->k = calloc((size_t)attn->copies, sizeof *attn->k);
    attn->v = calloc((size_t)attn->copies, sizeof *attn->v);
    k_dev = malloc(attn->k_bytes);
    if (!attn->k || !attn->v || !k_dev) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("calloc(attention buffers)");
    }
    tiles_layout(shape->kv, PAIRS_OF_COLUMNS, k, seqs, shape->context, shape->head_dim, row_bytes, k_dev);
    k = k_dev;
    if (shape->kv == RL_FMT_Q8_0) {
        v_dev = malloc(attn->v_bytes);
        if (!v_dev) {
            err = CL_OUT_OF_HOST_MEMORY;
            CL_CHECK("malloc(q8_0 device layout)");
        }
        tiles_layout(shape->kv, PAIRS_OF_ROWS, v, seqs, shape->context, shape->head_dim, row_bytes, v_dev);
        v = v_dev;
    }
    for (int c = 0; c < attn->copies; c++) {
        CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_ONLY, attn->k_bytes, k, &attn->k[c]));
        CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_ONLY, attn->v_bytes, v, &attn->v[c]));
    }
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_ONLY, q_bytes, q, &attn->q));
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_WRITE_ONLY, q_bytes, NULL, &attn->out));
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_WRITE, partials * shape->head_dim * sizeof(float), NULL,
                           &attn->part_acc));
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_WRITE, partials * 2 * sizeof(float), NULL, &attn->part_ml));
cleanup:
    free(k_dev);
    free(v_dev);
    if (err != CL_SUCCESS)
        oclab_attn_release(attn);
    return err;
}

void oclab_attn_release(oclab_attn *attn)
{
    for (int c = 0; c < attn->copies; c++) {
        if (attn->k)
            oclab_cl_release_mem(&attn->k[c]);
        if (attn->v)
            oclab_cl_release_mem(&attn->v[c]);
    }
    free(attn->k);
    free(attn->v);
    attn->k = attn->v = NULL;
    attn->copies = 0;
    oclab_cl_release_mem(&attn->q);
    oclab_cl_release_mem(&attn->out);
    oclab_cl_release_mem(&attn->part_acc);
    oclab_cl_release_mem(&attn->part_ml);
}

cl_int oclab_attn_enqueue(oclab_attn *attn, const oclab_attn_program *prog, int copy, uint64_t split,
                          cl_event *first, cl_event *last)
{
    cl_int err = CL_SUCCESS;
    cl_event pass1 = NULL;
    uint64_t chunk;
    const rl_attn_shape *s = &attn->shape;
    if (first)
        *first = NULL;
    if (split > attn->max_chunks)
        split = attn->max_chunks;
    uint64_t n_chunks = oclab_attn_chunks(s->context, split, &chunk);
    cl_uint chunk_arg = (cl_uint)chunk, n_arg = (cl_uint)n_chunks;
    cl_uint kv_heads = (cl_uint)s->kv_heads, context = (cl_uint)s->context;
    float q_scale = (float)(1.4426950408889634 / sqrt((double)s->head_dim)); /* log2(e)/sqrt(D) */
    int c = copy % attn->copies;
    /* Every argument at every launch: programs of several configurations share the buffers. */
    const cl_mem *mems[6] = {&attn->q, &attn->k[c], &attn->v[c], &attn->out, &attn->part_acc, &attn->part_ml};
    for (cl_uint i = 0; i < 6; i++)
        CL_TRY(oclab_cl_arg(prog->partial, i, sizeof(cl_mem), mems[i]));
    CL_TRY(oclab_cl_arg(prog->partial, 6, sizeof kv_heads, &kv_heads));
    CL_TRY(oclab_cl_arg(prog->partial, 7, sizeof context, &context));
    CL_TRY(oclab_cl_arg(prog->partial, 8, sizeof chunk_arg, &chunk_arg));
    CL_TRY(oclab_cl_arg(prog->partial, 9, sizeof n_arg, &n_arg));
    CL_TRY(oclab_cl_arg(prog->partial, 10, sizeof q_scale, &q_scale));
    size_t lanes = oclab_attn_lanes(&prog->config);
    size_t global[3] = {(size_t)n_chunks * lanes, (size_t)s->kv_heads, (size_t)s->batch};
    size_t local[3] = {lanes, 1, 1};
    /* One chunk: pass 1 writes the output and is the whole measurement. */
    CL_TRY(clEnqueueNDRangeKernel(attn->cl->queue, prog->partial, 3, NULL, global, local, 0, NULL,
                                  n_chunks == 1 ? last : &pass1));
    if (n_chunks > 1) {
        /* The queue is in order: pass 2 starts after pass 1 has finished and its writes are visible. */
        size_t vecs = oclab_attn_combine_lanes(s->head_dim, &prog->config);
        size_t global2[2] = {vecs, (size_t)(s->batch * s->heads)}, local2[2] = {vecs, 1};
        CL_TRY(oclab_cl_arg(prog->combine, 0, sizeof(cl_mem), &attn->part_acc));
        CL_TRY(oclab_cl_arg(prog->combine, 1, sizeof(cl_mem), &attn->part_ml));
        CL_TRY(oclab_cl_arg(prog->combine, 2, sizeof(cl_mem), &attn->out));
        CL_TRY(oclab_cl_arg(prog->combine, 3, sizeof n_arg, &n_arg));
        CL_TRY(clEnqueueNDRangeKernel(attn->cl->queue, prog->combine, 2, NULL, global2, local2, 0, NULL, last));
        if (first) {
            *first = pass1;
            pass1 = NULL;
        }
    }
cleanup:
    if (pass1)
        clReleaseEvent(pass1);
    return err;
}

cl_int oclab_attn_read(oclab_attn *attn, float *out)
{
    const rl_attn_shape *s = &attn->shape;
    return oclab_cl_read(attn->cl, attn->out, (size_t)(s->batch * s->heads * s->head_dim) * sizeof(float),
                         out);
}

int oclab_attn_verify(rl_format kv, const float *got, const double *want, size_t n, double *max_rel_error)
{
    double largest = 0.0;
    for (size_t i = 0; i < n; i++)
        largest = fmax(largest, fabs(want[i]));
    double least = (kv == RL_FMT_Q8_0 ? 1e-1 : 1e-3) * largest; /* the floor of each output's scale */
    *max_rel_error = rl_max_rel_error(got, want, n, fmax(least, 1e-30));
    return *max_rel_error <= ATTN_TOLERANCE; /* NaN fails */
}
