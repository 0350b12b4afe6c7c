/* Attention decode (one query token per sequence), flash-decoding style, in two passes.
 *
 * q [B, Hq, D] f32; K, V caches of B * Hkv sequences of S rows of D elements in f32, f16 or q8_0 (ggml
 * blocks of 32 along D: fp16 scale + 32 int8, 34 bytes); out [B, Hq, D] f32. Scores scaled by
 * 1/sqrt(D), softmax with a running max and sum (online softmax, base 2: the host passes
 * q_scale = log2(e)/sqrt(D), applied to each tile's scores).
 *
 * Device layouts (converted by the host at upload, untimed; same bytes per element), by layout tiles
 * of LT = 16 rows, whatever tile a kernel works in (a kernel tile is a part or a multiple of them):
 *  K: [B*Hkv][ceil(S/LT)][D][LT], so one vector load gives LT rows' element d (the work-item kernel:
 *     TILE-wide FMAs with no horizontal sums; the work-group kernel: lanes reading consecutive rows).
 *     The last layout tile of a sequence is zero-padded (at most LT-1 rows, never weighted, nor
 *     counted as traffic). q8_0: all tiles' quants by column pairs [tiles][D/2][LT][2] int8 (a row's
 *     elements d and d+1 side by side), then all tiles' scales [tiles][D/32][LT] fp16.
 *  V: rows [B*Hkv*S][D]. q8_0: by K's tiles (zero-padded alike), all tiles' quants by row pairs
 *     [tiles][LT/2][D][2] int8 (rows 2i and 2i+1 of a tile side by side, element by element), then
 *     all tiles' scales [tiles][D/32][LT] fp16, so a tile's softmax weights take their rows' scales
 *     with one vector load per block (not a gather of LT x D/32 scalars).
 *
 * Pass 1, attn_partial: one work-group per (chunk, kv head, batch) streams its chunk of K rows once,
 * scoring each row against all GROUP = Hq/Hkv query heads that share the KV head, then the V rows once,
 * so a GQA group reads its K/V once. With one chunk (n_chunks == 1) it writes the normalized output and
 * there is no pass 2; with more it writes a partial (m, l, acc[D]) per (query head, chunk). Two kernels
 * for it, chosen by build option:
 *  - work-item (CPUs; no WG): one work-item holds the whole group's accumulators, GROUP x HEAD_DIM
 *    floats, in private memory, and works in tiles of TILE rows (4, 8 or 16, a part of a layout tile):
 *    scores as TILE-wide vectors, one rescale of the accumulators per tile (only when the running max
 *    grew), exp2 on a TILE-wide vector, then V rows into VB slices of VEC floats at a time.
 *  - work-group (GPUs; -D WG): WG lanes. Per tile of TILE rows (a multiple of LT): each lane scores
 *    rows lane, lane + WG, ... against the queries in local memory; the tile's max over the lanes is a
 *    tree in local memory; the weights go to local memory; then lanes across D (LD = D/VEC vectors of
 *    a row) and across rows (RG = WG/LD row groups) weight the V rows into private accumulators of
 *    GROUP x NVL vectors. At the end the lanes' sums and the row groups' accumulators are added up in
 *    local memory.
 * Pass 2, attn_combine: one work-item per (vector of D, batch x query head) merges the n_chunks
 * partials. A separate launch, because OpenCL 1.2 makes one work-group's global writes visible to
 * another only at the end of the kernel (no atomics, no cross-group fences).
 *
 * q8_0, work-item kernel: scores are integer dot products: each work-item first quantizes its group's
 * queries to int16 per block of 32 (relative error 2^-16 of the block's largest element, far below the
 * int8 K's own), then a K column pair against a query head is one multiply-add of int16 pairs into
 * int32 lanes, exact for a block (|sum| <= 32 x 128 x 32767 < 2^31); each block's sums times the K
 * rows' scales and the query block's scale go to the float scores. Half the multiplies of float FMAs
 * and no int-to-float conversion of K (POCL / Zen 5: q8_0 attention 12-14% faster, hot and cold).
 * q8_0 V is weighted the same way: per tile and query head, the softmax weights times the rows' block
 * scales are quantized to int16 against their largest magnitude in the tile (absolute error 2^-16 of
 * the tile's largest weighted scale), and a V row pair times a weight pair is one multiply-add into
 * int32 lanes over D, exact for a tile (16 x 32767 x 128 < 2^31), then one float FMA per tile.
 * q8_0, work-group kernel: K and V converted to float and weighted with float FMAs.
 *
 * Build options (-D): HEAD_DIM, GROUP, VEC, TILE, one of KV_F32, KV_F16, KV_Q8_0, and
 *  - work-item: VEC 4, 8 or 16 (floats per vector over D, dividing HEAD_DIM), TILE 4, 8 or 16 (q8_0:
 *    both 16, the int16 pair products' lanes), VB (V slices per pass, 1 to HEAD_DIM/VEC: GROUP x VB
 *    accumulator chains in flight); HOST_AVX512_VNNI (the host: a CPU device whose CPU has it).
 *    Tests: PORTABLE_PAIR_DOT keeps the portable integer code where the compiler targets AVX-512BW,
 *    NO_VNNI_PAIR_DOT ignores HOST_AVX512_VNNI.
 *  - work-group: WG (lanes, a power of two), VEC 2, 4 or 8 (elements of D per lane, dividing HEAD_DIM;
 *    q8_0: dividing 32), TILE a multiple of 16.
 * Launch: attn_partial global (n_chunks x lanes, Hkv, B), local (lanes, 1, 1) with lanes 1 (work-item)
 * or WG; attn_combine global (HEAD_DIM / VEC, B x Hq), local (HEAD_DIM / VEC, 1).
 */
#if !defined(HEAD_DIM) || !defined(GROUP) || !defined(VEC) || !defined(TILE)
#error "attention.cl needs -D HEAD_DIM, GROUP, VEC and TILE"
#endif

#define LT 16 /* rows of a layout tile (attention_run.c: ATTN_LAYOUT_TILE) */
#define NV (HEAD_DIM / VEC)
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define floatV CAT(float, VEC)
#define vloadV CAT(vload, VEC)
#define vstoreV CAT(vstore, VEC)

/* Horizontal sum and max of a vector, halving its width. */
inline float hsum4(float4 x) { float2 y = x.lo + x.hi; return y.x + y.y; }
inline float hsum8(float8 x) { return hsum4(x.lo + x.hi); }
inline float hsum16(float16 x) { return hsum8(x.lo + x.hi); }
inline float hmax4(float4 x) { float2 y = max(x.lo, x.hi); return max(y.x, y.y); }
inline float hmax8(float8 x) { return hmax4(max(x.lo, x.hi)); }
inline float hmax16(float16 x) { return hmax8(max(x.lo, x.hi)); }

/* The rows a chunk covers end at END = chunk_end(...) (exclusive). */
inline uint chunk_end(uint first, uint chunk, uint context)
{
    return min(first + chunk, context);
}

/* f32, f16: a V buffer holds B*Hkv*S rows of D elements; kv_row_at(cache, row) locates one and
 * kv_raw(row, i) gives its i-th VEC elements as floats; k_at(k, lt, d) points at element d of layout
 * tile LT's LT rows. q8_0: tile_scales(scales, lt, b) gives layout tile LT's rows' scales of block b,
 * of K or of V. */
#if defined(KV_F32)
typedef const global float *kv_row;
typedef const global float *k_elems;
inline kv_row kv_row_at(const global uchar *cache, size_t row)
{
    return (kv_row)cache + row * HEAD_DIM;
}
inline floatV kv_raw(kv_row row, uint i) { return vloadV(i, row); }
inline k_elems k_at(const global uchar *k, size_t lt, uint d)
{
    return (k_elems)k + (lt * HEAD_DIM + d) * LT;
}
#define K_LOAD(at, n, i) CAT(vload, n)(i, at) /* N rows' elements from K_AT, the I-th N of them */
#define K_ONE(at, i) ((at)[i])
#elif defined(KV_F16)
typedef const global half *kv_row; /* storage only: vload_half needs no cl_khr_fp16 */
typedef const global half *k_elems;
inline kv_row kv_row_at(const global uchar *cache, size_t row)
{
    return (kv_row)cache + row * HEAD_DIM;
}
inline floatV kv_raw(kv_row row, uint i) { return CAT(vload_half, VEC)(i, row); }
inline k_elems k_at(const global uchar *k, size_t lt, uint d)
{
    return (k_elems)k + (lt * HEAD_DIM + d) * LT;
}
#define K_LOAD(at, n, i) CAT(vload_half, n)(i, at)
#define K_ONE(at, i) vload_half(i, at)
#elif defined(KV_Q8_0)
#define QK 32
#define NB (HEAD_DIM / QK) /* scales per row */
#if HEAD_DIM % QK != 0
#error "q8_0 needs HEAD_DIM a multiple of 32"
#endif
/* Layout tile LT's rows' scales of block B; SCALES: where the cache's scales by tiles start. */
inline float16 tile_scales(const global uchar *scales, size_t lt, uint b)
{
    return vload_half16(lt * NB + b, (const global half *)scales);
}
#else
#error "attention.cl needs one of -D KV_F32, KV_F16, KV_Q8_0"
#endif

#ifndef WG
/* ======== the work-item kernel ======== */
#if !defined(VB) || VB < 1 || VB > NV
#error "the work-item kernel needs -D VB between 1 and HEAD_DIM / VEC"
#endif
#if LT % TILE != 0
#error "TILE must divide the layout tile"
#endif
#define floatT CAT(float, TILE)
#define intT CAT(int, TILE)
#define hsumT CAT(hsum, TILE)
#define hmaxT CAT(hmax, TILE)

#if TILE == 4
#define TILE_LANES ((int4)(0, 1, 2, 3))
#elif TILE == 8
#define TILE_LANES ((int8)(0, 1, 2, 3, 4, 5, 6, 7))
#else
#define TILE_LANES ((int16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
#endif

#ifdef KV_Q8_0
#include "pair_dot.h"
#if TILE != 16 || VEC != 16
#error "q8_0 needs TILE 16 and VEC 16 (the int16 pair products' lanes)"
#endif
/* pair_dot(at, pair, acc) adds 16 lanes' int8 pairs at AT times an int16 pair to int32 sums (K: TILE
 * rows' elements 2p and 2p+1 against a query pair; V: 16 elements of a row pair against a weight
 * pair), with pair_dot.h's pair_madd16. AT: 32 bytes, lane i's pair at 2i and 2i + 1. */
#if defined(__AVX512BW__) && !defined(PORTABLE_PAIR_DOT)
typedef char char32x __attribute__((ext_vector_type(32)));
typedef short short32x __attribute__((ext_vector_type(32)));
inline int16 pair_dot(const global uchar *at, short2 pair, int16 acc)
{
    const short32x x = __builtin_convertvector(*(const global char32x *)at, short32x); /* vpmovsxbw */
    return pair_madd16(acc, as_int16(x), as_int(pair));
}
#else
inline int16 pair_dot(const global uchar *at, short2 pair, int16 acc)
{
    const global char16 *x = (const global char16 *)at; /* aligned: 32-byte pairs of 16 lanes */
    const char16 a = x[0], b = x[1];                    /* lanes 0-7, 8-15 */
    const int16 lo = convert_int16((char16)(a.even, b.even)), hi = convert_int16((char16)(a.odd, b.odd));
    return pair_madd16(acc, (hi << 16) | (lo & 0xffff), as_int(pair));
}
#endif
/* The group's queries QH [GROUP][HEAD_DIM] as int16 pairs by blocks: Q_PAIRS[g][p] holds elements 2p
 * and 2p+1 scaled by 32767 / the block's largest magnitude, Q_SCALES[g][b] that magnitude / 32767.
 * Vector code: with scalar conversions this took 10% of a 1024-row chunk. */
inline void query_pairs(const global float *qh, short2 q_pairs[GROUP][HEAD_DIM / 2], float q_scales[GROUP][NB])
{
    for (uint g = 0; g < GROUP; g++)
        for (uint b = 0; b < NB; b++) {
            const float16 lo = vload16(0, qh + g * HEAD_DIM + b * QK), hi = vload16(1, qh + g * HEAD_DIM + b * QK);
            const float amax = hmax16(max(fabs(lo), fabs(hi)));
            const float inv = amax > 0.0f ? 32767.0f / amax : 0.0f;
            q_scales[g][b] = amax / 32767.0f;
            /* round to nearest: adding 1.5 x 2^23 leaves the integer in the low mantissa bits */
            private short *to = (private short *)&q_pairs[g][b * QK / 2];
            vstore16(convert_short16(as_int16(lo * inv + 12582912.0f) - 0x4B400000), 0, to);
            vstore16(convert_short16(as_int16(hi * inv + 12582912.0f) - 0x4B400000), 1, to);
        }
}

/* The group's queries as the scores read them: their int16 pairs and block scales (query_pairs),
 * private to the work-item. */
typedef struct {
    short2 pairs[GROUP][HEAD_DIM / 2];
    float scales[GROUP][NB];
} query_ints;
typedef const query_ints *queries;

/* One query head's V weights of a tile: softmax weights P (>= 0) times the rows' block scales DV, as
 * int16 pairs by row pairs, W[b][i] = rows 2i and 2i + 1 of block b, scaled to their largest magnitude
 * in the tile, max(P x DV_ABS) with DV_ABS the rows' largest |scale| (so a row of large V scale but
 * small weight does not coarsen the others); returns the value of one int16 step. */
inline float v_weight_pairs(floatT p, const floatT dv[NB], floatT dv_abs, int w[NB][TILE / 2])
{
    const float bound = hmaxT(p * dv_abs);
    const float inv = bound > 0.0f ? 32767.0f / bound : 0.0f;
    #pragma unroll
    for (uint b = 0; b < NB; b++) /* rounded with 1.5 x 2^23 as the queries; int stores, not short */
        vstore8(as_int8(convert_short16(as_int16(p * dv[b] * inv + 12582912.0f) - 0x4B400000)), 0, w[b]);
    return bound * (1.0f / 32767.0f);
}
#else
/* The group's query heads as the scores read them: QH [GROUP][HEAD_DIM] in global memory. */
typedef const global float *queries;

/* Elements d..d+3 of a K tile (SUB-th TILE rows of layout tile LT) against the group's queries, one
 * partial sum per element. */
inline __attribute__((always_inline)) void score_step(const global uchar *k, size_t lt, uint sub, uint d,
                                                      const global float *qh, floatT s[GROUP][4])
{
    floatT kd[4] = {K_LOAD(k_at(k, lt, d), TILE, sub), K_LOAD(k_at(k, lt, d + 1), TILE, sub),
                    K_LOAD(k_at(k, lt, d + 2), TILE, sub), K_LOAD(k_at(k, lt, d + 3), TILE, sub)};
    #pragma unroll
    for (uint g = 0; g < GROUP; g++)
        #pragma unroll
        for (uint j = 0; j < 4; j++)
            s[g][j] = fma(kd[j], (floatT)(qh[g * HEAD_DIM + d + j]), s[g][j]);
}
#endif

/* One tile: the SUB-th TILE rows of layout tile LT (of ALL_LT; q8_0 V has the same tiles), whose rows
 * start at V cache row ROW (f32, f16); lanes R0..R1-1 are the chunk's rows (a chunk's first and last
 * tile may be partial). Scores, online softmax, weighted V. QH: the group's query heads (queries).
 * Always inlined, so the private arrays stay in registers. */
inline __attribute__((always_inline)) void attend_tile(const global uchar *k, const global uchar *v,
                                                       queries qh, size_t all_lt, size_t lt, uint sub,
                                                       size_t row, const uint r0, const uint r1,
                                                       const float q_scale, floatV acc[GROUP][NV],
                                                       float m[GROUP], float l[GROUP])
{
    /* Scores, f32 and f16: per element d, one TILE-wide K load (TILE rows) and GROUP FMAs against the
     * broadcast q[g][d]; d modulo 4 picks one of 4 partial sums, so 4 x GROUP independent chains hide
     * the FMA latency (with 2 x GROUP the score loop waited on it: 15% slower on the CPU). q8_0: one
     * int32 sum per query head and block (integer adds have no such latency), then into the partial
     * sum of the block. The d loops stay loops (a bounded unroll): fully unrolled, the compiler hoists
     * all D loads of the tile ahead of the arithmetic and spills them to the stack. */
    floatT s4[GROUP][4];
    #pragma unroll
    for (uint g = 0; g < GROUP; g++)
        s4[g][0] = s4[g][1] = s4[g][2] = s4[g][3] = (floatT)(0.0f);
#ifdef KV_Q8_0
    #pragma unroll
    for (uint b = 0; b < NB; b++) { /* exact dots per block, then times the K rows' and q's scales */
        intT dot[GROUP];
        #pragma unroll
        for (uint g = 0; g < GROUP; g++)
            dot[g] = (intT)(0);
        #pragma unroll 4
        for (uint p = b * QK / 2; p < (b + 1) * QK / 2; p++)
            #pragma unroll
            for (uint g = 0; g < GROUP; g++)
                dot[g] = pair_dot(k + (lt * (HEAD_DIM / 2) + p) * 32, qh->pairs[g][p], dot[g]);
        floatT dk = tile_scales(k + all_lt * LT * HEAD_DIM, lt, b);
        #pragma unroll
        for (uint g = 0; g < GROUP; g++)
            s4[g][b & 3] = fma(CAT(convert_float, TILE)(dot[g]), dk * qh->scales[g][b], s4[g][b & 3]);
    }
#else
    #pragma unroll 2
    for (uint d = 0; d < HEAD_DIM; d += 4)
        score_step(k, lt, sub, d, qh, s4);
#endif
    floatT sc[GROUP];
    #pragma unroll
    for (uint g = 0; g < GROUP; g++) {
        sc[g] = ((s4[g][0] + s4[g][1]) + (s4[g][2] + s4[g][3])) * q_scale;
        if (r0 > 0 || r1 < TILE) /* lanes outside the chunk (or padding past S): weight 0 */
            sc[g] = select(sc[g], (floatT)(-INFINITY),
                           (TILE_LANES < (intT)((int)r0)) | (TILE_LANES >= (intT)((int)r1)));
    }
#ifdef KV_Q8_0
    floatT dv[NB], dv_abs = (floatT)(0.0f); /* the tile's V scales by blocks (lanes past S: 0, weight 0) */
    #pragma unroll
    for (uint b = 0; b < NB; b++) {
        dv[b] = tile_scales(v + all_lt * LT * HEAD_DIM, lt, b);
        dv_abs = max(dv_abs, fabs(dv[b]));
    }
#endif
    /* Online softmax: new running max, weights of the tile; what was accumulated is rescaled only
     * when the max grew, which becomes rare after the first tiles. */
#ifdef KV_Q8_0
    int w[GROUP][NB][TILE / 2]; /* V weight pairs (v_weight_pairs), read back one by one (a broadcast) */
    float w_step[GROUP];
#else
    float w[GROUP][TILE]; /* V weights, read back one by one (a broadcast) */
#endif
    #pragma unroll
    for (uint g = 0; g < GROUP; g++) {
        float mt = max(m[g], hmaxT(sc[g]));
        floatT p = native_exp2(sc[g] - mt); /* softmax weights need no correctly rounded exp */
        if (mt > m[g]) {
            float alpha = exp2(m[g] - mt); /* 0 on the first tile: m = -inf */
            l[g] *= alpha;
            #pragma unroll
            for (uint i = 0; i < NV; i++)
                acc[g][i] *= alpha;
            m[g] = mt;
        }
        l[g] += hsumT(p);
#ifdef KV_Q8_0
        w_step[g] = v_weight_pairs(p, dv, dv_abs, w[g]);
#else
        CAT(vstore, TILE)(p, 0, w[g]);
#endif
    }
    /* Weighted V, VB slices of D at a time: GROUP x VB independent accumulator chains across the tile's
     * rows (one chain per slice would wait on FMA latency). The passes cover NV slices; where VB does
     * not divide NV the last pass has fewer (the bounds below are constants once unrolled). */
#ifdef KV_Q8_0
    /* Row pairs into exact int32 sums over the tile, then one float FMA per slice of 16 elements.
     * Rows of a pair outside the chunk have weight 0. */
    const global uchar *vt = v + lt * LT * HEAD_DIM; /* the tile's row pairs [LT/2][D][2] */
    #pragma unroll
    for (uint i0 = 0; i0 < NV; i0 += VB) {
        int16 a[GROUP][VB];
        #pragma unroll
        for (uint g = 0; g < GROUP; g++)
            #pragma unroll
            for (uint j = 0; j < VB; j++)
                a[g][j] = (int16)(0);
        for (uint pr = r0 / 2; pr < (r1 + 1) / 2; pr++)
            #pragma unroll
            for (uint j = 0; j < VB; j++)
                if (i0 + j < NV) {
                    #pragma unroll
                    for (uint g = 0; g < GROUP; g++) /* slice i0 + j lies in block (i0 + j) / 2 */
                        a[g][j] = pair_dot(vt + (pr * HEAD_DIM + (i0 + j) * 16) * 2,
                                           as_short2(w[g][(i0 + j) / 2][pr]), a[g][j]);
                }
        #pragma unroll
        for (uint g = 0; g < GROUP; g++)
            #pragma unroll
            for (uint j = 0; j < VB; j++)
                if (i0 + j < NV)
                    acc[g][i0 + j] = fma(convert_float16(a[g][j]), (float16)(w_step[g]), acc[g][i0 + j]);
    }
#else
    #pragma unroll
    for (uint i0 = 0; i0 < NV; i0 += VB) {
        floatV a[GROUP][VB];
        #pragma unroll
        for (uint g = 0; g < GROUP; g++)
            #pragma unroll
            for (uint j = 0; j < VB; j++)
                a[g][j] = i0 + j < NV ? acc[g][i0 + j] : (floatV)(0.0f);
        for (uint r = r0; r < r1; r++) {
            kv_row vr = kv_row_at(v, row + r);
            #pragma unroll
            for (uint j = 0; j < VB; j++)
                if (i0 + j < NV) {
                    floatV vv = kv_raw(vr, i0 + j);
                    #pragma unroll
                    for (uint g = 0; g < GROUP; g++)
                        a[g][j] = fma((floatV)(w[g][r]), vv, a[g][j]);
                }
        }
        #pragma unroll
        for (uint g = 0; g < GROUP; g++)
            #pragma unroll
            for (uint j = 0; j < VB; j++)
                if (i0 + j < NV)
                    acc[g][i0 + j] = a[g][j];
    }
#endif
}

__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void attn_partial(const global float *q, const global uchar *k, const global uchar *v, global float *out,
                  global float *part_acc, global float2 *part_ml, const uint kv_heads, const uint context,
                  const uint chunk, const uint n_chunks, const float q_scale)
{
    const uint c = get_global_id(0);
    const uint bk = get_global_id(2) * kv_heads + get_global_id(1); /* b * Hkv + kv head */
    const uint hq0 = bk * GROUP;                                    /* b * Hq + first query head */
    const uint first = c * chunk;
    const uint end = chunk_end(first, chunk, context);
    const uint tiles = (context + LT - 1) / LT; /* layout tiles per sequence */
    const size_t all_lt = get_global_size(2) * (size_t)kv_heads * tiles;
    const size_t lt0 = (size_t)bk * tiles;        /* the sequence's first layout tile */
    const size_t seq_row0 = (size_t)bk * context; /* first cache row of the sequence */
#ifdef KV_Q8_0
    query_ints q_ints;
    query_pairs(q + (size_t)hq0 * HEAD_DIM, q_ints.pairs, q_ints.scales);
    const queries qh = &q_ints;
#else
    const queries qh = q + (size_t)hq0 * HEAD_DIM;
#endif

    floatV acc[GROUP][NV];
    float m[GROUP], l[GROUP];
    #pragma unroll
    for (uint g = 0; g < GROUP; g++) {
        #pragma unroll
        for (uint i = 0; i < NV; i++)
            acc[g][i] = (floatV)(0.0f);
        m[g] = -INFINITY;
        l[g] = 0.0f;
    }

    for (uint t = first / TILE * TILE; t < end; t += TILE)
        attend_tile(k, v, qh, all_lt, lt0 + t / LT, t % LT / TILE, seq_row0 + t, max(t, first) - t,
                    min(t + TILE, end) - t, q_scale, acc, m, l);

    if (n_chunks == 1) {
        for (uint g = 0; g < GROUP; g++) {
            float inv = 1.0f / l[g];
            #pragma unroll
            for (uint i = 0; i < NV; i++)
                vstoreV(acc[g][i] * inv, i, out + (size_t)(hq0 + g) * HEAD_DIM);
        }
        return;
    }
    for (uint g = 0; g < GROUP; g++) {
        size_t p = (size_t)(hq0 + g) * n_chunks + c;
        part_ml[p] = (float2)(m[g], l[g]);
        #pragma unroll
        for (uint i = 0; i < NV; i++)
            vstoreV(acc[g][i], i, part_acc + p * HEAD_DIM);
    }
}

#else
/* ======== the work-group kernel ======== */
#if (WG & (WG - 1)) != 0 || TILE % LT != 0 || HEAD_DIM % VEC != 0
#error "the work-group kernel needs WG a power of two, TILE a multiple of 16 and VEC dividing HEAD_DIM"
#endif
#if NV <= WG
#define RG (WG / NV) /* row groups: rows of V weighted at once */
#define NVL 1        /* vectors of D per lane */
#else
#define RG 1
#define NVL ((NV + WG - 1) / WG)
#endif

/* Row LR of layout tile LT (of ALL_LT) against the group's queries QS in local memory: S[g]. */
inline void score_row(const global uchar *k, size_t all_lt, size_t lt, uint lr, local const float *qs,
                      float s[GROUP])
{
    for (uint g = 0; g < GROUP; g++)
        s[g] = 0.0f;
#ifdef KV_Q8_0
    const global char2 *kp = (const global char2 *)k + lt * (HEAD_DIM / 2) * LT + lr; /* column pairs */
    const global half *ks = (const global half *)(k + all_lt * LT * HEAD_DIM) + lt * NB * LT + lr;
    for (uint b = 0; b < NB; b++) {
        float sb[GROUP];
        for (uint g = 0; g < GROUP; g++)
            sb[g] = 0.0f;
        for (uint p = b * QK / 2; p < (b + 1) * QK / 2; p++) {
            const float2 kk = convert_float2(kp[p * LT]);
            for (uint g = 0; g < GROUP; g++)
                sb[g] = fma(kk.x, qs[g * HEAD_DIM + 2 * p], fma(kk.y, qs[g * HEAD_DIM + 2 * p + 1], sb[g]));
        }
        const float dk = vload_half(b * LT, ks);
        for (uint g = 0; g < GROUP; g++)
            s[g] = fma(sb[g], dk, s[g]);
    }
#else
    for (uint d = 0; d < HEAD_DIM; d++) {
        const float kd = K_ONE(k_at(k, lt, d), lr);
        for (uint g = 0; g < GROUP; g++)
            s[g] = fma(kd, qs[g * HEAD_DIM + d], s[g]);
    }
#endif
}

#ifdef KV_Q8_0
#if QK % VEC != 0
#error "q8_0: VEC must divide the block of 32"
#endif
#if VEC == 2
#define charP char4
#define vloadP vload4
#elif VEC == 4
#define charP char8
#define vloadP vload8
#else
#define charP char16
#define vloadP vload16
#endif
#endif

/* Folds the lanes' values X[g][lane] into X[g][0] with OP (a tree; WG is a power of two). Every lane
 * calls it; it starts and ends with a barrier. */
#define LANE_TREE(x, lane, op)                                                                      \
    do {                                                                                            \
        barrier(CLK_LOCAL_MEM_FENCE);                                                               \
        for (uint h_ = WG / 2; h_ > 0; h_ /= 2) {                                                   \
            if ((lane) < h_)                                                                        \
                for (uint g_ = 0; g_ < GROUP; g_++)                                                 \
                    x[g_][lane] = op(x[g_][lane], x[g_][(lane) + h_]);                              \
            barrier(CLK_LOCAL_MEM_FENCE);                                                           \
        }                                                                                           \
    } while (0)
#define ADD(a, b) ((a) + (b))

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void attn_partial(const global float *q, const global uchar *k, const global uchar *v, global float *out,
                  global float *part_acc, global float2 *part_ml, const uint kv_heads, const uint context,
                  const uint chunk, const uint n_chunks, const float q_scale)
{
    local float qs[GROUP * HEAD_DIM]; /* the group's queries; at the end, the output's row groups added */
    local float w[GROUP][TILE];       /* a tile's scores, then its softmax weights */
    local float red[GROUP][WG];       /* the lanes' maxima, then their sums */
    const uint lane = get_local_id(0), c = get_group_id(0);
    const uint bk = get_global_id(2) * kv_heads + get_global_id(1); /* b * Hkv + kv head */
    const uint hq0 = bk * GROUP;
    const uint first = c * chunk;
    const uint end = chunk_end(first, chunk, context);
    const uint tiles = (context + LT - 1) / LT;
    const size_t all_lt = get_global_size(2) * (size_t)kv_heads * tiles;
    const size_t lt0 = (size_t)bk * tiles;
    const size_t seq_row0 = (size_t)bk * context;
    const uint rg = lane / NV, vi0 = lane % NV; /* V: row group (idle from RG on), first vector of D */

    for (uint i = lane; i < GROUP * HEAD_DIM; i += WG)
        qs[i] = q[(size_t)hq0 * HEAD_DIM + i];
    barrier(CLK_LOCAL_MEM_FENCE);

    floatV acc[GROUP][NVL];
    float m[GROUP], l[GROUP]; /* the running max (the same in every lane), the lane's share of the sum */
    for (uint g = 0; g < GROUP; g++) {
        for (uint j = 0; j < NVL; j++)
            acc[g][j] = (floatV)(0.0f);
        m[g] = -INFINITY;
        l[g] = 0.0f;
    }

    for (uint t = first / LT * LT; t < end; t += TILE) {
        const uint r0 = max(t, first) - t, r1 = min(t + TILE, end) - t; /* the chunk's rows of the tile */
        float top[GROUP];
        for (uint g = 0; g < GROUP; g++)
            top[g] = -INFINITY;
        for (uint r = lane; r < TILE; r += WG) {
            float s[GROUP];
            if (r >= r0 && r < r1) {
                score_row(k, all_lt, lt0 + (t + r) / LT, (t + r) % LT, qs, s);
                for (uint g = 0; g < GROUP; g++)
                    s[g] = s[g] * q_scale;
            } else {
                for (uint g = 0; g < GROUP; g++)
                    s[g] = -INFINITY;
            }
            for (uint g = 0; g < GROUP; g++) {
                w[g][r] = s[g];
                top[g] = max(top[g], s[g]);
            }
        }
        for (uint g = 0; g < GROUP; g++)
            red[g][lane] = top[g];
        LANE_TREE(red, lane, max);
        for (uint g = 0; g < GROUP; g++) {
            const float mt = max(m[g], red[g][0]);
            const float alpha = exp2(m[g] - mt); /* 0 on the first tile: m = -inf */
            l[g] *= alpha;
            for (uint j = 0; j < NVL; j++)
                acc[g][j] *= alpha;
            m[g] = mt;
        }
        for (uint r = lane; r < TILE; r += WG)
            for (uint g = 0; g < GROUP; g++) {
                const float p = native_exp2(w[g][r] - m[g]); /* rows outside the chunk: 0 */
                w[g][r] = p;
                l[g] += p;
            }
        barrier(CLK_LOCAL_MEM_FENCE); /* the weights are out; red[g][0] has been read */
        if (rg < RG) {
#ifdef KV_Q8_0
            /* Row pairs (the tile starts at an even row); quants of both rows interleaved, a scale per
             * row and block. */
            const global uchar *vs = v + all_lt * LT * HEAD_DIM;
            for (uint pr = r0 / 2 + rg; pr < (r1 + 1) / 2; pr += RG) {
                const size_t lt = lt0 + (t + 2 * pr) / LT;
                const uint lr = (t + 2 * pr) % LT;
                for (uint j = 0; j < NVL; j++) {
                    const uint vi = vi0 + j * WG;
                    if (vi < NV) {
                        const charP x =
                            vloadP(0, (const global char *)v + ((lt * (LT / 2) + lr / 2) * HEAD_DIM + vi * VEC) * 2);
                        const floatV v0 = CAT(convert_float, VEC)(x.even), v1 = CAT(convert_float, VEC)(x.odd);
                        const global half *sc = (const global half *)vs + (lt * NB + vi * VEC / QK) * LT + lr;
                        const float d0 = vload_half(0, sc), d1 = vload_half(1, sc);
                        for (uint g = 0; g < GROUP; g++)
                            acc[g][j] = fma((floatV)(w[g][2 * pr] * d0), v0,
                                            fma((floatV)(w[g][2 * pr + 1] * d1), v1, acc[g][j]));
                    }
                }
            }
#else
            for (uint r = r0 + rg; r < r1; r += RG) {
                const kv_row vr = kv_row_at(v, seq_row0 + t + r);
                for (uint j = 0; j < NVL; j++) {
                    const uint vi = vi0 + j * WG;
                    if (vi < NV) {
                        const floatV vv = kv_raw(vr, vi);
                        for (uint g = 0; g < GROUP; g++)
                            acc[g][j] = fma((floatV)(w[g][r]), vv, acc[g][j]);
                    }
                }
            }
#endif
        }
        barrier(CLK_LOCAL_MEM_FENCE); /* the next tile rewrites w */
    }

    /* The sum over lanes; the accumulators of the row groups added up in QS (the queries are done). */
    for (uint g = 0; g < GROUP; g++)
        red[g][lane] = l[g];
    LANE_TREE(red, lane, ADD);
    for (uint j0 = 0; j0 < RG; j0++) {
        if (rg == j0)
            for (uint g = 0; g < GROUP; g++)
                for (uint j = 0; j < NVL; j++) {
                    const uint vi = vi0 + j * WG;
                    if (vi < NV) {
                        local float *o = qs + g * HEAD_DIM + vi * VEC;
                        vstoreV(j0 == 0 ? acc[g][j] : acc[g][j] + vloadV(0, o), 0, o);
                    }
                }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (n_chunks == 1) {
        for (uint i = lane; i < GROUP * HEAD_DIM; i += WG)
            out[(size_t)hq0 * HEAD_DIM + i] = qs[i] / red[i / HEAD_DIM][0];
        return;
    }
    for (uint i = lane; i < GROUP * HEAD_DIM; i += WG)
        part_acc[((size_t)(hq0 + i / HEAD_DIM) * n_chunks + c) * HEAD_DIM + i % HEAD_DIM] = qs[i];
    if (lane < GROUP)
        part_ml[(size_t)(hq0 + lane) * n_chunks + c] = (float2)(m[lane], red[lane][0]);
}
#endif

/* Pass 2, vector I of D of one (b, hq): out = sum_c 2^(m_c - M) acc_c / sum_c 2^(m_c - M) l_c,
 * M = max_c m_c. */
__kernel void attn_combine(const global float *part_acc, const global float2 *part_ml, global float *out,
                           const uint n_chunks)
{
    const uint i = get_global_id(0);
    const size_t bh = get_global_id(1); /* b * Hq + query head */
    const size_t p0 = bh * n_chunks;
    float mm = -INFINITY;
    for (uint j = 0; j < n_chunks; j++)
        mm = max(mm, part_ml[p0 + j].x);
    float ll = 0.0f;
    floatV o = (floatV)(0.0f);
    for (uint j = 0; j < n_chunks; j++) {
        const float2 ml = part_ml[p0 + j];
        const float w = exp2(ml.x - mm);
        ll += w * ml.y;
        o = fma((floatV)(w), vloadV(i, part_acc + (p0 + j) * HEAD_DIM), o);
    }
    vstoreV(o * (1.0f / ll), i, out + bh * HEAD_DIM);
}
