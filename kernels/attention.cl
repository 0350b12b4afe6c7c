/* Attention decode (one query token per sequence), flash-decoding style, in one launch.
 *
 * q [B, Hq, D] f32; K, V caches [B, Hkv, S, D] in f32, f16 or q8_0 (ggml blocks of 32 along D:
 * fp16 scale + 32 int8, 34 bytes); out [B, Hq, D] f32. Scores scaled by 1/sqrt(D), softmax with a
 * running max and sum (online softmax, base 2: the host folds log2(e)/sqrt(D) into q_scale).
 *
 * One work-item per (chunk, kv head, batch): it streams its chunk of K rows once, scoring each row
 * against all GROUP = Hq/Hkv query heads that share the KV head, then the V rows once, so a GQA group
 * reads its K/V once. Rows go by tiles of TILE: scores for the tile, one rescale of the accumulators
 * per tile (only when the running max grew), exp2 on a TILE-wide vector, then V. When S is split into
 * n_chunks > 1 chunks, each work-item writes a partial (m, l, acc[D]) per query head; the last
 * work-item of a (batch, kv head) to finish (counted with a global atomic) combines them: the second
 * pass of flash-decoding without a second launch. With one chunk the output is written directly.
 *
 * Build options (-D): HEAD_DIM, GROUP, VEC (4, 8 or 16: floats per vector over D, dividing HEAD_DIM),
 * TILE (4, 8 or 16 rows), and one of KV_F32, KV_F16, KV_Q8_0. Launch: global (n_chunks, Hkv, B),
 * local (1, 1, 1). `arrivals` must be zero before the first launch; the combining work-item resets it.
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
#define hsumV CAT(hsum, VEC)
#define hsumT CAT(hsum, TILE)
#define hmaxT CAT(hmax, TILE)

#if TILE == 4
#define TILE_LANES ((int4)(0, 1, 2, 3))
#elif TILE == 8
#define TILE_LANES ((int8)(0, 1, 2, 3, 4, 5, 6, 7))
#else
#define TILE_LANES ((int16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
#endif

#if VEC == 16 && TILE == 16
/* Transposed reduction: the 16-lane partial dots of 16 rows become one vector of 16 row sums in 15
 * add + shuffle steps, instead of a 4-step horizontal sum per row. foldN leaves N rows of 16/N
 * partials each, in row order. */
#define TRANSPOSED_SUM 1
inline float16 fold2(float16 a, float16 b) { return (float16)(a.lo, b.lo) + (float16)(a.hi, b.hi); }
inline float16 fold4(float16 c, float16 d)
{
    return (float16)(c.s0123, c.s89ab, d.s0123, d.s89ab) + (float16)(c.s4567, c.scdef, d.s4567, d.scdef);
}
inline float16 fold8(float16 x, float16 y)
{
    return (float16)(x.s01, x.s45, x.s89, x.scd, y.s01, y.s45, y.s89, y.scd) +
           (float16)(x.s23, x.s67, x.sab, x.sef, y.s23, y.s67, y.sab, y.sef);
}
inline float16 fold16(float16 x, float16 y) { return (float16)(x.even, y.even) + (float16)(x.odd, y.odd); }
#endif

/* Cache rows. A cache buffer holds B*Hkv*S rows of D elements; kv_row_at(cache, row) locates one and
 * kv_slice(row, i) decodes its i-th VEC floats. ROW_BYTES: bytes per row in the main array.
 * q8_0 on the device: the same bytes as ggml's blocks, split (converted by the host, untimed) into
 * all rows' quants (D int8 per row, so vectors are aligned: POCL assembles unaligned char vector
 * loads from 16-bit pieces) followed by all rows' fp16 scales (D/32 per row, fetched with one vector
 * conversion per row: the scalar vload_half is emulated in software on CPUs without fp16). */
#if defined(KV_F32)
#define ROW_BYTES (HEAD_DIM * 4)
typedef const global float *kv_row;
inline kv_row kv_row_at(const global uchar *cache, size_t all_rows, size_t row)
{
    return (kv_row)cache + row * HEAD_DIM;
}
inline floatV kv_slice(kv_row row, uint i) { return CAT(vload, VEC)(i, row); }
#elif defined(KV_F16)
#define ROW_BYTES (HEAD_DIM * 2)
typedef const global half *kv_row; /* storage only: vload_half needs no cl_khr_fp16 */
inline kv_row kv_row_at(const global uchar *cache, size_t all_rows, size_t row)
{
    return (kv_row)cache + row * HEAD_DIM;
}
inline floatV kv_slice(kv_row row, uint i) { return CAT(vload_half, VEC)(i, row); }
#elif defined(KV_Q8_0)
#define QK 32
#if HEAD_DIM == 32 /* scales per row, as a literal so it can name vload_halfNB */
#define NB 1
#elif HEAD_DIM == 64
#define NB 2
#elif HEAD_DIM == 128
#define NB 4
#elif HEAD_DIM == 256
#define NB 8
#elif HEAD_DIM == 512
#define NB 16
#else
#error "q8_0 needs HEAD_DIM of 32, 64, 128, 256 or 512"
#endif
#define ROW_BYTES HEAD_DIM
typedef struct {
    const global CAT(char, VEC) *qs;
    float d[NB];
} kv_row;
inline kv_row kv_row_at(const global uchar *cache, size_t all_rows, size_t row)
{
    kv_row r;
    const global half *d = (const global half *)(cache + all_rows * HEAD_DIM) + row * NB;
    r.qs = (const global CAT(char, VEC) *)(cache + row * HEAD_DIM);
#if NB == 1
    r.d[0] = vload_half(0, d);
#else
    CAT(vstore, NB)(CAT(vload_half, NB)(0, d), 0, r.d);
#endif
    return r;
}
inline floatV kv_slice(kv_row row, uint i)
{
    return CAT(convert_float, VEC)(row.qs[i]) * row.d[i * VEC / QK];
}
#else
#error "attention.cl needs one of -D KV_F32, KV_F16, KV_Q8_0"
#endif

/* -D PREFETCH=N (CPUs): software prefetch of the K and V tiles N tiles ahead. A work-item streams two
 * regions with ~100 instructions per row, so out-of-order execution keeps too few cache misses in
 * flight, and hardware prefetchers restart at every 4 KiB page. __builtin_prefetch is clang's (POCL's
 * prefetch() builtin is a no-op); it never faults. */
#ifdef PREFETCH
inline void prefetch_tile(const global uchar *cache, size_t all_rows, size_t row)
{
    const global uchar *p = cache + row * ROW_BYTES;
    for (uint o = 0; o < TILE * ROW_BYTES; o += 64)
        __builtin_prefetch(p + o, 0, 3);
#ifdef KV_Q8_0
    p = cache + all_rows * HEAD_DIM + row * NB * 2;
    for (uint o = 0; o < TILE * NB * 2; o += 64)
        __builtin_prefetch(p + o, 0, 3);
#endif
}
#endif

__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void attn_decode(const global float *q, const global uchar *k, const global uchar *v, global float *out,
                 global float *part_acc, global float2 *part_ml, global uint *arrivals,
                 const uint kv_heads, const uint context, const uint chunk, const uint n_chunks,
                 const float q_scale)
{
    const uint c = get_global_id(0);
    const uint bk = get_global_id(2) * kv_heads + get_global_id(1); /* b * Hkv + kv head */
    const uint hq0 = bk * GROUP;                                    /* b * Hq + first query head */
    const uint first = c * chunk;
    const uint rows = min(chunk, context - first);
    const size_t all_rows = get_global_size(2) * (size_t)kv_heads * context;
    const size_t row0 = (size_t)bk * context + first; /* first cache row of the chunk */

    floatV qr[GROUP][NV], acc[GROUP][NV];
    float m[GROUP], l[GROUP];
    #pragma unroll
    for (uint g = 0; g < GROUP; g++) {
        #pragma unroll
        for (uint i = 0; i < NV; i++) {
            qr[g][i] = CAT(vload, VEC)(i, q + (size_t)(hq0 + g) * HEAD_DIM) * q_scale;
            acc[g][i] = (floatV)(0.0f);
        }
        m[g] = -INFINITY;
        l[g] = 0.0f;
    }

#ifdef PREFETCH
    for (uint t = 0; t < PREFETCH * TILE && t < rows; t += TILE) {
        prefetch_tile(k, all_rows, row0 + t);
        prefetch_tile(v, all_rows, row0 + t);
    }
#endif
    float s[GROUP][TILE]; /* the tile's softmax weights, read back one by one for V */
    for (uint t = 0; t < rows; t += TILE) {
        const uint n = min((uint)TILE, rows - t);
#ifdef PREFETCH
        if (t + PREFETCH * TILE < rows) {
            prefetch_tile(k, all_rows, row0 + t + PREFETCH * TILE);
            prefetch_tile(v, all_rows, row0 + t + PREFETCH * TILE);
        }
#endif
        /* Scores, two rows at a time: each K row is decoded once for the whole group. */
        floatT sc[GROUP];
#ifdef TRANSPOSED_SUM
        float16 pairs[GROUP][TILE / 2];
#endif
        #pragma unroll
        for (uint r = 0; r < TILE; r += 2) {
            floatV dot[2][GROUP];
            #pragma unroll
            for (uint h = 0; h < 2; h++) {
                #pragma unroll
                for (uint g = 0; g < GROUP; g++)
                    dot[h][g] = (floatV)(0.0f);
                if (r + h < n) {
                    kv_row kr = kv_row_at(k, all_rows, row0 + t + r + h);
                    #pragma unroll
                    for (uint i = 0; i < NV; i++) {
                        floatV kv = kv_slice(kr, i);
                        #pragma unroll
                        for (uint g = 0; g < GROUP; g++)
                            dot[h][g] = fma(qr[g][i], kv, dot[h][g]);
                    }
                }
            }
            #pragma unroll
            for (uint g = 0; g < GROUP; g++) {
#ifdef TRANSPOSED_SUM
                pairs[g][r / 2] = fold2(dot[0][g], dot[1][g]);
#else
                s[g][r] = hsumV(dot[0][g]);
                s[g][r + 1] = hsumV(dot[1][g]);
#endif
            }
        }
        #pragma unroll
        for (uint g = 0; g < GROUP; g++) {
#ifdef TRANSPOSED_SUM
            sc[g] = fold16(fold8(fold4(pairs[g][0], pairs[g][1]), fold4(pairs[g][2], pairs[g][3])),
                           fold8(fold4(pairs[g][4], pairs[g][5]), fold4(pairs[g][6], pairs[g][7])));
#else
            sc[g] = CAT(vload, TILE)(0, s[g]);
#endif
            sc[g] = select(sc[g], (floatT)(-INFINITY), TILE_LANES >= (intT)((int)n)); /* weight 0 */
        }
        /* Online softmax: new running max, weights of the tile; what was accumulated is rescaled
         * only when the max grew, which becomes rare after the first tiles. */
        #pragma unroll
        for (uint g = 0; g < GROUP; g++) {
            float mt = max(m[g], hmaxT(sc[g]));
            floatT p = exp2(sc[g] - mt);
            if (mt > m[g]) {
                float alpha = exp2(m[g] - mt); /* 0 on the first tile: m = -inf */
                l[g] *= alpha;
                #pragma unroll
                for (uint i = 0; i < NV; i++)
                    acc[g][i] *= alpha;
                m[g] = mt;
            }
            l[g] += hsumT(p);
            CAT(vstore, TILE)(p, 0, s[g]);
        }
        /* Weighted V rows, VB slices at a time: GROUP x VB independent accumulator chains in
         * registers across the tile's rows (one chain per slice would wait on FMA latency). */
        #pragma unroll
        for (uint i0 = 0; i0 < NV; i0 += VB) {
            floatV a[GROUP][VB];
            #pragma unroll
            for (uint g = 0; g < GROUP; g++)
                #pragma unroll
                for (uint j = 0; j < VB; j++)
                    a[g][j] = acc[g][i0 + j];
            for (uint r = 0; r < n; r++) {
                kv_row vr = kv_row_at(v, all_rows, row0 + t + r);
                #pragma unroll
                for (uint j = 0; j < VB; j++) {
                    floatV vv = kv_slice(vr, i0 + j);
                    #pragma unroll
                    for (uint g = 0; g < GROUP; g++)
                        a[g][j] = fma((floatV)(s[g][r]), vv, a[g][j]);
                }
            }
            #pragma unroll
            for (uint g = 0; g < GROUP; g++)
                #pragma unroll
                for (uint j = 0; j < VB; j++)
                    acc[g][i0 + j] = a[g][j];
        }
    }

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
    /* Publish the partials before arriving; the last to arrive sees everyone's. */
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    if (atomic_inc(&arrivals[bk]) != n_chunks - 1)
        return;
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    atomic_xchg(&arrivals[bk], 0u); /* ready for the next launch */

    /* Combine: out = sum_c 2^(m_c - M) acc_c / sum_c 2^(m_c - M) l_c, M = max_c m_c. */
    for (uint g = 0; g < GROUP; g++) {
        const size_t p0 = (size_t)(hq0 + g) * n_chunks;
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
            CAT(vstore, VEC)(o[i] * inv, i, out + (size_t)(hq0 + g) * HEAD_DIM);
    }
}
