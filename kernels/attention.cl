/* Attention decode (one query token per sequence), flash-decoding style, in two passes.
 *
 * q [B, Hq, D] f32; K, V caches of B * Hkv sequences of S rows of D elements in f32, f16 or q8_0 (ggml
 * blocks of 32 along D: fp16 scale + 32 int8, 34 bytes); out [B, Hq, D] f32. Scores scaled by
 * 1/sqrt(D), softmax with a running max and sum (online softmax, base 2: the host passes
 * q_scale = log2(e)/sqrt(D), applied to each tile's scores).
 *
 * Device layouts (converted by the host at upload, untimed; same bytes per element):
 *  K: tiles of TILE rows transposed, [B*Hkv][ceil(S/TILE)][D][TILE], so one vector load gives TILE
 *     rows' element d and a tile's scores are TILE-wide FMAs with no horizontal sums. The last tile of
 *     a sequence is zero-padded (at most TILE-1 rows, read but never weighted, nor counted as traffic).
 *     q8_0: all tiles' quants by column pairs [tiles][D/2][TILE][2] int8 (a row's elements d and d+1
 *     side by side), then all tiles' scales [tiles][D/32][TILE] fp16.
 *  V: rows [B*Hkv*S][D]. q8_0: by K's tiles (zero-padded alike), all tiles' quants by row pairs
 *     [tiles][TILE/2][D][2] int8 (rows 2i and 2i+1 of a tile side by side, element by element), then
 *     all tiles' scales [tiles][D/32][TILE] fp16, so a tile's softmax weights take their rows' scales
 *     with one vector load per block (not a gather of TILE x D/32 scalars).
 *
 * q8_0 scores are integer dot products: each work-item first quantizes its group's queries to int16 per
 * block of 32 (relative error 2^-16 of the block's largest element, far below the int8 K's own), then
 * a K column pair against a query head is one multiply-add of int16 pairs into int32 lanes, exact for
 * a block (|sum| <= 32 x 128 x 32767 < 2^31); each block's sums times the K rows' scales and the
 * query block's scale go to the float scores. Half the multiplies of float FMAs and no int-to-float
 * conversion of K (POCL / Zen 5: q8_0 attention 12-14% faster, hot and cold).
 * q8_0 V is weighted the same way: per tile and query head, the softmax weights times the rows' block
 * scales are quantized to int16 against their largest magnitude in the tile (absolute error 2^-16 of
 * the tile's largest weighted scale), and a V row pair times a weight pair is one multiply-add into
 * int32 lanes over D, exact for a tile (16 x 32767 x 128 < 2^31), then one float FMA per tile.
 *
 * Pass 1, attn_partial: one work-item per (chunk, kv head, batch): it streams its chunk of K rows once,
 * scoring each row against all GROUP = Hq/Hkv query heads that share the KV head, then the V rows once,
 * so a GQA group reads its K/V once. Rows go by K tiles (a chunk's first and last tile may be partial):
 * scores for the tile, one rescale of the accumulators per tile (only when the running max grew), exp2
 * on a TILE-wide vector, then V. With one chunk (n_chunks == 1) it writes the normalized output and
 * there is no pass 2; with more it writes a partial (m, l, acc[D]) per (query head, chunk).
 * Pass 2, attn_combine: one work-item per (batch, query head) merges its n_chunks partials. A separate
 * launch, because OpenCL 1.2 makes one work-group's global writes visible to another only at the end
 * of the kernel (no atomics, no cross-group fences).
 *
 * Build options (-D): HEAD_DIM, GROUP, VEC (4, 8 or 16: floats per vector over D, dividing HEAD_DIM;
 * 16 for q8_0), TILE (4, 8 or 16 rows; 16 for q8_0), and one of KV_F32, KV_F16, KV_Q8_0;
 * HOST_AVX512_VNNI (the host: a CPU device whose CPU has it). Tests: PORTABLE_PAIR_DOT keeps the
 * portable integer code where the compiler targets AVX-512BW, NO_VNNI_PAIR_DOT ignores
 * HOST_AVX512_VNNI. Launch: attn_partial global
 * (n_chunks, Hkv, B), attn_combine global (B * Hq); both local (1, ...).
 */
#if !defined(HEAD_DIM) || !defined(GROUP) || !defined(VEC) || !defined(TILE)
#error "attention.cl needs -D HEAD_DIM, GROUP, VEC and TILE"
#endif

#define NV (HEAD_DIM / VEC)
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define floatV CAT(float, VEC)
#define floatT CAT(float, TILE)
#define intT CAT(int, TILE)

/* Slices of V per pass: about 16 accumulators (GROUP x VB) in flight, enough to hide FMA latency. */
#if GROUP >= 16 || NV == 1
#define VB 1
#elif 16 / GROUP >= NV
#define VB NV
#else
#define VB (16 / GROUP)
#endif

/* Horizontal sum and max of a vector, halving its width. */
inline float hsum4(float4 x) { float2 y = x.lo + x.hi; return y.x + y.y; }
inline float hsum8(float8 x) { return hsum4(x.lo + x.hi); }
inline float hsum16(float16 x) { return hsum8(x.lo + x.hi); }
inline float hmax4(float4 x) { float2 y = max(x.lo, x.hi); return max(y.x, y.y); }
inline float hmax8(float8 x) { return hmax4(max(x.lo, x.hi)); }
inline float hmax16(float16 x) { return hmax8(max(x.lo, x.hi)); }
#define hsumT CAT(hsum, TILE)
#define hmaxT CAT(hmax, TILE)

#if TILE == 4
#define TILE_LANES ((int4)(0, 1, 2, 3))
#elif TILE == 8
#define TILE_LANES ((int8)(0, 1, 2, 3, 4, 5, 6, 7))
#else
#define TILE_LANES ((int16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
#endif

/* f32, f16: a V buffer holds B*Hkv*S rows of D elements; kv_row_at(cache, row) locates one and
 * kv_raw(row, i) gives its i-th VEC elements as floats; k_col(k, tile, d) gives a K tile's TILE rows'
 * element d. q8_0: pair_dot(at, pair, acc) adds 16 lanes' int8 pairs at AT times an int16 pair to
 * int32 sums (K: TILE rows' elements 2p and 2p+1 against a query pair; V: 16 elements of a row pair
 * against a weight pair), and tile_scales(scales, tile, b) gives a tile's TILE rows' scales of block
 * b, of K or of V. */
#if defined(KV_F32)
typedef const global float *kv_row;
inline kv_row kv_row_at(const global uchar *cache, size_t row)
{
    return (kv_row)cache + row * HEAD_DIM;
}
inline floatV kv_raw(kv_row row, uint i) { return CAT(vload, VEC)(i, row); }
inline floatT k_col(const global uchar *k, size_t tile, uint d)
{
    return CAT(vload, TILE)(tile * HEAD_DIM + d, (const global float *)k);
}
#elif defined(KV_F16)
typedef const global half *kv_row; /* storage only: vload_half needs no cl_khr_fp16 */
inline kv_row kv_row_at(const global uchar *cache, size_t row)
{
    return (kv_row)cache + row * HEAD_DIM;
}
inline floatV kv_raw(kv_row row, uint i) { return CAT(vload_half, VEC)(i, row); }
inline floatT k_col(const global uchar *k, size_t tile, uint d)
{
    return CAT(vload_half, TILE)(tile * HEAD_DIM + d, (const global half *)k);
}
#elif defined(KV_Q8_0)
#define QK 32
#if HEAD_DIM % QK != 0 || TILE != 16 || VEC != 16
#error "q8_0 needs HEAD_DIM a multiple of 32, TILE 16 and VEC 16 (the int16 pair products' lanes)"
#endif
#define NB (HEAD_DIM / QK) /* scales per row */
/* The TILE rows' scales of block B of a tile; SCALES: where the cache's scales by tiles start. */
inline floatT tile_scales(const global uchar *scales, size_t tile, uint b)
{
    return CAT(vload_half, TILE)(tile * NB + b, (const global half *)scales);
}
/* AT: 32 bytes, lane i's pair at 2i and 2i + 1 (K: rows of a column pair, V: elements of a row pair). */
#if defined(__AVX512BW__) && !defined(PORTABLE_PAIR_DOT)
typedef short v32hi __attribute__((__vector_size__(64))); /* the types of the x86 builtin */
typedef char char32x __attribute__((ext_vector_type(32)));
typedef short short32x __attribute__((ext_vector_type(32)));
inline int16 pair_dot(const global uchar *at, short2 pair, int16 acc)
{
    short32x x16 = __builtin_convertvector(*(const global char32x *)at, short32x); /* vpmovsxbw */
#if defined(HOST_AVX512_VNNI) && !defined(__AVX512VNNI__) && !defined(NO_VNNI_PAIR_DOT)
    /* The host CPU fuses the multiply-add and the sum (vpdpwssd) but the compiler targets an older CPU
     * (POCL 3.1 on Zen 5: skylake-avx512), whose builtins it cannot lower: inline assembly, as the
     * kernel is inlined into the driver's work-group function (a target attribute does not carry). */
    int16 pairs = (int16)(as_int(pair));
    __asm__("vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(x16), "v"(pairs));
    return acc;
#else /* with the target's VNNI, the compiler fuses these itself */
    return acc + as_int16(__builtin_ia32_pmaddwd512((v32hi)x16, (v32hi)((int16)(as_int(pair)))));
#endif
}
#else
inline int16 pair_dot(const global uchar *at, short2 pair, int16 acc)
{
    const global char16 *x = (const global char16 *)at; /* aligned: 32-byte pairs of 16 lanes */
    char16 a = x[0], b = x[1];                          /* lanes 0-7, 8-15 */
    return acc + convert_int16((char16)(a.even, b.even)) * (int)pair.s0 +
           convert_int16((char16)(a.odd, b.odd)) * (int)pair.s1;
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
#else
#error "attention.cl needs one of -D KV_F32, KV_F16, KV_Q8_0"
#endif

#ifndef KV_Q8_0
/* Elements d..d+3 of a K tile against the group's queries, one partial sum per element. */
inline __attribute__((always_inline)) void score_step(const global uchar *k, size_t tile_at, uint d,
                                                      const global float *qh, floatT s[GROUP][4])
{
    floatT kd[4] = {k_col(k, tile_at, d), k_col(k, tile_at, d + 1), k_col(k, tile_at, d + 2),
                    k_col(k, tile_at, d + 3)};
    #pragma unroll
    for (uint g = 0; g < GROUP; g++)
        #pragma unroll
        for (uint j = 0; j < 4; j++)
            s[g][j] = fma(kd[j], (floatT)(qh[g * HEAD_DIM + d + j]), s[g][j]);
}
#endif

/* The group's query heads as the scores read them: f32, f16: QH [GROUP][HEAD_DIM] in global memory;
 * q8_0: their int16 pairs and block scales (query_pairs), private to the work-item. */
#ifdef KV_Q8_0
typedef struct {
    short2 pairs[GROUP][HEAD_DIM / 2];
    float scales[GROUP][NB];
} query_ints;
typedef const query_ints *queries;
#else
typedef const global float *queries;
#endif

#ifdef KV_Q8_0
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
#endif

/* One K tile TILE_AT (of ALL_TILES; q8_0 V has the same tiles) whose rows start at V cache row ROW
 * (f32, f16); lanes R0..R1-1 are the chunk's rows (a chunk's first and last tile may be partial).
 * Scores, online softmax, weighted V. QH: the group's query heads (queries). Always inlined, so the
 * private arrays stay in registers. */
inline __attribute__((always_inline)) void attend_tile(const global uchar *k, const global uchar *v,
                                                       queries qh, size_t all_tiles,
                                                       size_t tile_at, size_t row,
                                                       const uint r0, const uint r1, const float q_scale,
                                                       floatV acc[GROUP][NV], float m[GROUP], float l[GROUP])
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
                dot[g] = pair_dot(k + (tile_at * (HEAD_DIM / 2) + p) * 32, qh->pairs[g][p], dot[g]);
        floatT dk = tile_scales(k + all_tiles * TILE * HEAD_DIM, tile_at, b);
        #pragma unroll
        for (uint g = 0; g < GROUP; g++)
            s4[g][b & 3] = fma(CAT(convert_float, TILE)(dot[g]), dk * qh->scales[g][b], s4[g][b & 3]);
    }
#else
    #pragma unroll 2
    for (uint d = 0; d < HEAD_DIM; d += 4)
        score_step(k, tile_at, d, qh, s4);
#endif
    floatT sc[GROUP];
    #pragma unroll
    for (uint g = 0; g < GROUP; g++) {
        sc[g] = ((s4[g][0] + s4[g][1]) + (s4[g][2] + s4[g][3])) * q_scale;
        if (r0 > 0 || r1 < TILE) /* lanes outside the chunk (or padding past S): weight 0 */
            sc[g] = select(sc[g], (floatT)(-INFINITY), (TILE_LANES < (intT)((int)r0)) | (TILE_LANES >= (intT)((int)r1)));
    }
#ifdef KV_Q8_0
    floatT dv[NB], dv_abs = (floatT)(0.0f); /* the tile's V scales by blocks (lanes past S: 0, weight 0) */
    #pragma unroll
    for (uint b = 0; b < NB; b++) {
        dv[b] = tile_scales(v + all_tiles * TILE * HEAD_DIM, tile_at, b);
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
#ifdef KV_Q8_0
    /* Weighted V row pairs, VB slices of 16 elements at a time, into exact int32 sums over the tile
     * (GROUP x VB independent chains), then one float FMA per slice. Rows of a pair outside the chunk
     * have weight 0. */
    const global uchar *vt = v + tile_at * TILE * HEAD_DIM; /* the tile's row pairs [TILE/2][D][2] */
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
                #pragma unroll
                for (uint g = 0; g < GROUP; g++) /* slice i0 + j lies in block (i0 + j) / 2 */
                    a[g][j] = pair_dot(vt + (pr * HEAD_DIM + (i0 + j) * 16) * 2, as_short2(w[g][(i0 + j) / 2][pr]),
                                       a[g][j]);
        #pragma unroll
        for (uint g = 0; g < GROUP; g++)
            #pragma unroll
            for (uint j = 0; j < VB; j++)
                acc[g][i0 + j] = fma(convert_float16(a[g][j]), (float16)(w_step[g]), acc[g][i0 + j]);
    }
#else
    /* Weighted V rows, VB slices at a time: GROUP x VB independent accumulator chains in registers
     * across the tile's rows (one chain per slice would wait on FMA latency). */
    #pragma unroll
    for (uint i0 = 0; i0 < NV; i0 += VB) {
        floatV a[GROUP][VB];
        #pragma unroll
        for (uint g = 0; g < GROUP; g++)
            #pragma unroll
            for (uint j = 0; j < VB; j++)
                a[g][j] = acc[g][i0 + j];
        for (uint r = r0; r < r1; r++) {
            kv_row vr = kv_row_at(v, row + r);
            #pragma unroll
            for (uint j = 0; j < VB; j++) {
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
    const uint end = min(first + chunk, context);
    const uint tiles = (context + TILE - 1) / TILE; /* K tiles per sequence */
    const size_t all_tiles = get_global_size(2) * (size_t)kv_heads * tiles;
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
        attend_tile(k, v, qh, all_tiles, (size_t)bk * tiles + t / TILE, seq_row0 + t,
                    max(t, first) - t, min(t + TILE, end) - t, q_scale, acc, m, l);

    if (n_chunks == 1) {
        for (uint g = 0; g < GROUP; g++) {
            float inv = 1.0f / l[g];
            #pragma unroll
            for (uint i = 0; i < NV; i++)
                CAT(vstore, VEC)(acc[g][i] * inv, i, out + (size_t)(hq0 + g) * HEAD_DIM);
        }
        return;
    }
    for (uint g = 0; g < GROUP; g++) {
        size_t p = (size_t)(hq0 + g) * n_chunks + c;
        part_ml[p] = (float2)(m[g], l[g]);
        #pragma unroll
        for (uint i = 0; i < NV; i++)
            CAT(vstore, VEC)(acc[g][i], i, part_acc + p * HEAD_DIM);
    }
}

/* Pass 2: out = sum_c 2^(m_c - M) acc_c / sum_c 2^(m_c - M) l_c, M = max_c m_c, for one (b, hq). */
__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void attn_combine(const global float *part_acc, const global float2 *part_ml, global float *out,
                  const uint n_chunks)
{
    const size_t bh = get_global_id(0); /* b * Hq + query head */
    const size_t p0 = bh * n_chunks;
    float mm = -INFINITY;
    for (uint j = 0; j < n_chunks; j++)
        mm = max(mm, part_ml[p0 + j].x);
    float ll = 0.0f;
    floatV o[NV];
    #pragma unroll
    for (uint i = 0; i < NV; i++)
        o[i] = (floatV)(0.0f);
    for (uint j = 0; j < n_chunks; j++) {
        float2 ml = part_ml[p0 + j];
        float w = exp2(ml.x - mm);
        ll += w * ml.y;
        #pragma unroll
        for (uint i = 0; i < NV; i++)
            o[i] = fma((floatV)(w), CAT(vload, VEC)(i, part_acc + (p0 + j) * HEAD_DIM), o[i]);
    }
    float inv = 1.0f / ll;
    #pragma unroll
    for (uint i = 0; i < NV; i++)
        CAT(vstore, VEC)(o[i] * inv, i, out + bh * HEAD_DIM);
}
