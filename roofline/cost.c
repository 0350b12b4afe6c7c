/* FLOPs, bytes and bounds of kernel shapes (cost.h). */
#include "roofline/cost.h"

#include <math.h>
#include <stdio.h>

#include "roofline/checked.h"

/* Activations, queries and outputs are plain f32/f16/bf16 elements. */
static int elem_format_ok(rl_format format, const char *role, char *err, size_t err_len)
{
    if (rl_elem_bytes(format) == 0) {
        snprintf(err, err_len, "%s format %s must be f32, f16 or bf16", role, rl_format_name(format));
        return -1;
    }
    return 0;
}

/* Why a shape has no cost: a count does not fit 64 bits. Returns -1. */
static int counts_overflow(const char *shape, char *err, size_t err_len)
{
    snprintf(err, err_len, "%s FLOP or byte count overflows 64 bits", shape);
    return -1;
}

/* FLOPs per byte moved. */
static double per_byte(uint64_t flops, uint64_t bytes)
{
    return (double)flops / (double)bytes;
}

int rl_gemv_cost_of(const rl_gemv_shape *s, rl_gemv_cost *c, char *err, size_t err_len)
{
    if (s == NULL || c == NULL) {
        snprintf(err, err_len, "no GEMV shape given");
        return -1;
    }
    if (s->m == 0 || s->n == 0 || s->k == 0) {
        snprintf(err, err_len, "GEMV sizes must be positive (M=%llu, N=%llu, K=%llu)",
                 (unsigned long long)s->m, (unsigned long long)s->n, (unsigned long long)s->k);
        return -1;
    }
    if (elem_format_ok(s->act, "activation", err, err_len) != 0 ||
        elem_format_ok(s->out, "output", err, err_len) != 0 ||
        rl_weight_bytes(s->weights, s->n, s->k, &c->bytes_weights, err, err_len) != 0) {
        return -1;
    }
    uint64_t tile = s->tile_m > 1 ? s->tile_m : 1;
    uint64_t tiles = s->m / tile + (s->m % tile != 0);
    if (__builtin_mul_overflow(tiles, tile, &c->m_padded) ||
        rl_mul4(2, s->m, s->n, s->k, &c->flops) ||
        rl_mul4(2, c->m_padded, s->n, s->k, &c->flops_padded) ||
        rl_mul3(s->m, s->k, rl_elem_bytes(s->act), &c->bytes_act) ||
        rl_mul3(s->m, s->n, rl_elem_bytes(s->out), &c->bytes_out) ||
        rl_add3(c->bytes_weights, c->bytes_act, c->bytes_out, &c->bytes)) {
        return counts_overflow("GEMV", err, err_len);
    }
    c->intensity = per_byte(c->flops, c->bytes);
    c->intensity_padded = per_byte(c->flops_padded, c->bytes);
    return 0;
}

int rl_attn_cost_of(const rl_attn_shape *s, rl_attn_cost *c, char *err, size_t err_len)
{
    if (s == NULL || c == NULL) {
        snprintf(err, err_len, "no attention shape given");
        return -1;
    }
    if (s->batch == 0 || s->heads == 0 || s->kv_heads == 0 || s->head_dim == 0 || s->context == 0) {
        snprintf(err, err_len, "attention sizes must be positive (batch=%llu, heads=%llu, kv-heads=%llu, "
                 "head-dim=%llu, context=%llu)", (unsigned long long)s->batch,
                 (unsigned long long)s->heads, (unsigned long long)s->kv_heads,
                 (unsigned long long)s->head_dim, (unsigned long long)s->context);
        return -1;
    }
    if (s->heads % s->kv_heads != 0) {
        snprintf(err, err_len, "query heads (%llu) must be a multiple of KV heads (%llu)",
                 (unsigned long long)s->heads, (unsigned long long)s->kv_heads);
        return -1;
    }
    uint64_t row_bytes;
    if (elem_format_ok(s->q, "query", err, err_len) != 0 ||
        elem_format_ok(s->out, "output", err, err_len) != 0 ||
        rl_kv_row_bytes(s->kv, s->head_dim, &row_bytes, err, err_len) != 0) {
        return -1;
    }
    /* q.k and p.v are one FMA per element each: 2 FMAs = 4 FLOPs per (head, token, dim).
     * Softmax per score: scale, max, subtract, exp, sum = 5. K and V are read once per KV head;
     * the Hq/Hkv query heads of a group share them. */
    if (rl_mul5(4, s->batch, s->heads, s->context, s->head_dim, &c->flops_core) ||
        rl_mul4(5, s->batch, s->heads, s->context, &c->flops_softmax) ||
        __builtin_add_overflow(c->flops_core, c->flops_softmax, &c->flops) ||
        rl_mul5(2, s->batch, s->kv_heads, s->context, row_bytes, &c->bytes_kv) ||
        rl_mul4(s->batch, s->heads, s->head_dim, rl_elem_bytes(s->q), &c->bytes_q) ||
        rl_mul4(s->batch, s->heads, s->head_dim, rl_elem_bytes(s->out), &c->bytes_out) ||
        rl_add3(c->bytes_kv, c->bytes_q, c->bytes_out, &c->bytes)) {
        return counts_overflow("attention", err, err_len);
    }
    c->intensity = per_byte(c->flops_core, c->bytes);
    c->intensity_total = per_byte(c->flops, c->bytes);
    return 0;
}

rl_bound rl_bound_of(double useful_flops, double executed_flops, double bytes, rl_roof roof)
{
    rl_bound b;
    if (!(roof.gflops > 0.0) || !(roof.gbs > 0.0) || !isfinite(roof.gflops) || !isfinite(roof.gbs)) {
        /* No meaningful bound without both ceilings: NaN everywhere so no caller prints a number. */
        b.ridge = b.t_mem_s = b.t_comp_s = b.t_bound_s = b.attainable_gflops = NAN;
        b.compute_bound = 0;
        return b;
    }
    b.ridge = roof.gflops / roof.gbs;
    b.t_mem_s = bytes / (roof.gbs * 1e9);
    b.t_comp_s = executed_flops / (roof.gflops * 1e9);
    b.compute_bound = b.t_comp_s > b.t_mem_s;
    b.t_bound_s = b.compute_bound ? b.t_comp_s : b.t_mem_s;
    b.attainable_gflops = b.t_bound_s > 0.0 ? useful_flops / b.t_bound_s / 1e9 : 0.0;
    return b;
}
