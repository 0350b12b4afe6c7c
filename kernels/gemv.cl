/* Decode GEMV / small-M GEMM: Y[M,N] = X[M,K] * W^T, W stored N x K (row n = output n), X and Y f32.
 * Weights in the split device layout (blocks.h): W holds the values / quants of each row contiguous,
 * S the per-block fp16 scales (q8_0, q4_0) or the per-row f32 scales (i8_pc); unused otherwise.
 * X rows are XSTRIDE floats apart (K rounded up to 16, zero padded: aligned vector loads).
 * XS holds the sums of X over each 32-weight block ([M][K/32], prepared with X; int formats only).
 * Dequantization is fused into the dot product; nothing dequantized is written back.
 *
 * Integer weights are unpacked without int->float conversions (one shuffle unit on many CPUs): the bits
 * of q go straight into the mantissa of 1.0f, m = 1 + q/16 (q4_0 nibble) or 1 + (q+128)/256 (int8),
 * exact, so the weight value is the affine A*m + B (q4_0: q-8 = 16m-24; int8: q = 256m-384). The
 * B part and the -8 of q4_0 fold into the block sums of X: sum_j v_j x_j = A sum_j m_j x_j + B XS.
 *
 * One source, variants by build options (the host's tuner searches them, host/decode/gemv_space.c):
 *   FORMAT  FMT_F32 | FMT_F16 | FMT_Q8_0 | FMT_Q4_0 | FMT_I8_PC
 *   M       batch rows: every weight is read from memory once and used for all M rows of X
 *   MB      X rows per pass (dividing M): the accumulators of MB rows are live at once; each further
 *           pass re-reads the work-item's weights, from cache, for the next MB rows (a small register
 *           file takes M = 16 in passes instead of spilling)
 *   VEC     4, 8 or 16: floats per vector (accumulators, loads); IL: rows per interleaved group
 *   ROWS    output rows per work-item (shares the X loads between rows; IL: groups of VEC rows)
 *   UNROLL  independent accumulator sets (breaks the FMA latency chain)
 *   LANES   work-items splitting one row set along K, summed in local memory (1 = no reduction)
 *   WG      work-group size (a multiple of LANES)
 *   IL      1: the interleaved layout and its kernel (at the end of this file)
 *   PREFETCH bytes ahead of the weight streams to prefetch (blocks.h), CPU drivers only
 *   FOLD    int formats: scale the per-block partial sums and correct with XS (fewest operations per
 *           weight, best at small M), or 0: dequantize each weight once (A*d*m + B*d) and reuse it for
 *           all MB rows (fewest operations per X row, best at larger M) */
#include "blocks.h"

#define FMT_F32 0
#define FMT_F16 1
#define FMT_Q8_0 2
#define FMT_Q4_0 3
#define FMT_I8_PC 4

#ifndef FORMAT
#define FORMAT FMT_F32
#endif
#ifndef M
#define M 1
#endif
#ifndef MB
#define MB M
#endif
#ifndef VEC
#define VEC 16
#endif
#ifndef ROWS
#define ROWS 1
#endif
#ifndef UNROLL
#define UNROLL 1
#endif
#ifndef LANES
#define LANES 1
#endif
#ifndef WG
#define WG 8
#endif
#ifndef FOLD
#define FOLD 0
#endif
#ifndef IL
#define IL 0
#endif
/* Whole vectors are read straight through vector pointers where rows are aligned to them: vloadn only
 * assumes element alignment, and some drivers (POCL 3.1) split it (float16 into two halves and an
 * insert, char16 into 16-bit pieces). Always true for q8_0/q4_0 (K a multiple of 32); for f32 and i8_pc
 * the host sets it when K is a multiple of 16. X rows are padded to a multiple of 16 floats (XSTRIDE). */
#ifndef ALIGNED16
#define ALIGNED16 1
#endif

#if VEC != 4 && VEC != 8 && VEC != 16
#error "VEC is 4, 8 or 16"
#endif
#if M % MB != 0
#error "MB divides M"
#endif

/* The passes over the X rows, MB at a time (a plain block when one pass takes all M) */
#if MB < M
#define PASSES _Pragma("unroll 1") for (uint pass = 0; pass < M; pass += MB)
#else
#define PASSES for (uint pass = 0, once_ = 1; once_; once_ = 0)
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define floatV CAT(float, VEC)
#define uintV CAT(uint, VEC)
#define ucharV CAT(uchar, VEC)
#define charV CAT(char, VEC)
#define vloadV CAT(vload, VEC)
#define vstoreV CAT(vstore, VEC)
#define vload_halfV CAT(vload_half, VEC)
#define convert_floatV CAT(convert_float, VEC)
#define convert_uintV CAT(convert_uint, VEC)
#define as_floatV CAT(as_float, VEC)
#define as_intV CAT(as_int, VEC)
#define NV (QK / VEC) /* vectors per 32-weight chunk */

#define BLOCK_SCALED (FORMAT == FMT_Q8_0 || FORMAT == FMT_Q4_0)
#define AFFINE (FORMAT == FMT_Q8_0 || FORMAT == FMT_Q4_0 || FORMAT == FMT_I8_PC)
#define FOLDED (AFFINE && FOLD)
#if FORMAT == FMT_Q4_0
#define AFF_A 16.0f
#define AFF_B (-24.0f)
#else
#define AFF_A 256.0f
#define AFF_B (-384.0f)
#endif

/* Bytes of one row in W, and of one row's scales in S. */
#if FORMAT == FMT_F32
#define ROW_BYTES(k) ((size_t)(k) * 4)
#elif FORMAT == FMT_F16
#define ROW_BYTES(k) ((size_t)(k) * 2)
#elif FORMAT == FMT_Q4_0
#define ROW_BYTES(k) ((size_t)(k) / 2)
#else
#define ROW_BYTES(k) ((size_t)(k))
#endif
#if BLOCK_SCALED
#define SCALE_BYTES(k) ((size_t)(k) / QK * 2)
#elif FORMAT == FMT_I8_PC
#define SCALE_BYTES(k) ((size_t)4)
#else
#define SCALE_BYTES(k) ((size_t)0)
#endif

inline float hsum4(float4 v)
{
    float2 c = v.lo + v.hi;
    return c.x + c.y;
}

inline float hsum8(float8 v)
{
    return hsum4(v.lo + v.hi);
}

inline float hsum16(float16 v)
{
    return hsum8(v.lo + v.hi);
}
#define hsumV CAT(hsum, VEC)

/* The UNROLL accumulator sets of one (X row, weight row) added up. */
inline floatV acc_total(const floatV acc[UNROLL])
{
    floatV a = acc[0];
#pragma unroll
    for (int u = 1; u < UNROLL; u++)
        a += acc[u];
    return a;
}

#if !IL
/* VEC bytes of int8 into mantissas: m = 1 + (q + 128) / 256. */
inline floatV int8_mantissa(ucharV q)
{
    uintV u = convert_uintV(q);
    return as_floatV(((u << 15) ^ (uintV)(0x80u << 15)) | (uintV)0x3f800000u);
}

/* Chunk C (weights 32C..32C+31) of a row as NV vectors in element order: values (f32, f16) or
 * mantissas (int). */
inline void load_chunk(const __global uchar *w, uint c, floatV v[NV])
{
#if FORMAT == FMT_Q4_0
    /* Byte j of a block holds element j (low nibble) and j + 16 (high nibble): the block's 16 bytes are
     * NV/2 vectors, each giving a vector of the first half and one of the second. One widening gives
     * both nibbles in 32-bit lanes; each lands in mantissa bits 19..22. */
#pragma unroll
    for (int h = 0; h < NV / 2; h++) {
        uintV u = convert_uintV(((const __global ucharV *)w)[(NV / 2) * c + h]);
        v[h] = as_floatV(((u << 19) & (uintV)(0xfu << 19)) | (uintV)0x3f800000u);
        v[h + NV / 2] = as_floatV(((u << 15) & (uintV)(0xfu << 19)) | (uintV)0x3f800000u);
    }
#else
#pragma unroll
    for (int j = 0; j < NV; j++) {
#if FORMAT == FMT_F32 && ALIGNED16
        v[j] = ((const __global floatV *)w)[NV * c + j];
#elif FORMAT == FMT_F32
        v[j] = vloadV(NV * c + j, (const __global float *)w);
#elif FORMAT == FMT_F16
        v[j] = vload_halfV(NV * c + j, (const __global half *)w);
#elif ALIGNED16 /* q8_0, and i8_pc with K a multiple of 16: aligned chunks */
        v[j] = int8_mantissa(((const __global ucharV *)w)[NV * c + j]);
#else
        v[j] = int8_mantissa(vloadV(NV * c + j, w));
#endif
    }
#endif
}

/* One weight outside the 32-chunks (K not a multiple of 32: f32, f16 and i8_pc only), as its value. */
inline float load_one(const __global uchar *w, uint j)
{
#if FORMAT == FMT_F32
    return ((const __global float *)w)[j];
#elif FORMAT == FMT_F16
    return vload_half(j, (const __global half *)w);
#else
    return (float)((const __global char *)w)[j];
#endif
}

/* ACCUMULATE: the chunk of row r (its NV vectors WV[r]) times X's (XV) into accumulator A. FOLDED and
 * block-scaled: A += d * sum(m * x) (block scale per chunk); FOLDED i8_pc: the row scale at the end;
 * else the weights are values already (dequantized by PREPARE). */
#if FOLDED && BLOCK_SCALED
#define ACCUMULATE(a, r, xv)                                                                        \
    do {                                                                                            \
        floatV t_ = wv[r][0] * xv[0];                                                               \
        _Pragma("unroll") for (int j = 1; j < NV; j++) t_ = fma(wv[r][j], xv[j], t_);               \
        a = fma((floatV)d[r], t_, a);                                                               \
    } while (0)
#else
#define ACCUMULATE(a, r, xv) _Pragma("unroll") for (int j = 0; j < NV; j++) a = fma(wv[r][j], xv[j], a)
#endif
#if AFFINE && !FOLDED
#define PREPARE(r)                                                                                  \
    do {                                                                                            \
        floatV da = (floatV)(AFF_A * d[r]), db = (floatV)(AFF_B * d[r]);                            \
        _Pragma("unroll") for (int j = 0; j < NV; j++) wv[r][j] = fma(wv[r][j], da, db);            \
    } while (0)
#else
#define PREPARE(r) (void)0
#endif

/* Chunk CC of every row of the work-item into accumulator set U; DS(r) is row r's scale for it. */
#define STEP(cc, u, DS)                                                                             \
    do {                                                                                            \
        floatV wv[ROWS][NV];                                                                        \
        float d[ROWS];                                                                              \
        _Pragma("unroll") for (int r = 0; r < ROWS; r++) {                                          \
            load_chunk(wrow[r], (cc), wv[r]);                                                       \
            d[r] = DS(r);                                                                           \
            PREPARE(r);                                                                             \
        }                                                                                           \
        (void)d;                                                                                    \
        _Pragma("unroll") for (int m = 0; m < MB; m++) {                                            \
            floatV xv[NV];                                                                          \
            _Pragma("unroll") for (int j = 0; j < NV; j++)                                          \
                xv[j] = ((const __global floatV *)(x + (size_t)m * xstride))[NV * (cc) + j];        \
            _Pragma("unroll") for (int r = 0; r < ROWS; r++) ACCUMULATE(acc[m][r][u], r, xv);       \
        }                                                                                           \
    } while (0)

/* Int formats step through GROUP = 16 chunks at a time: the 16 fp16 scales of a row come with one
 * vload_half16 (a vector conversion where the hardware has one; scalar vload_half may be emulated bit
 * by bit) and the folded correction takes one vector FMA per 16 blocks. Float formats step UNROLL. */
#if AFFINE
#define GROUP 16
#else
#define GROUP UNROLL
#endif
/* Unrolled for small MB; with several X rows the step is long enough and the scale comes from a small
 * private array (a bounded program size keeps the build time of M = 16 variants short). */
#if UNROLL == 1 && MB * ROWS >= 4
#define GROUP_UNROLL _Pragma("unroll 1")
#else
#define GROUP_UNROLL _Pragma("unroll")
#endif
#if BLOCK_SCALED
#define GROUP_SCALE(r) ds[r][g]
/* leftover blocks: when they are among the row's last 16, those 16 scales are fetched at once (dt) */
#define ONE_SCALE(r) (tail16 ? dt[r][c + 16 - nchunk] : vload_half(c, (const __global half *)srow[r]))
#elif FORMAT == FMT_I8_PC
#define GROUP_SCALE(r) rs[r]
#define ONE_SCALE(r) rs[r]
#else
#define GROUP_SCALE(r) 1.0f
#define ONE_SCALE(r) 1.0f
#endif

/* GROUP chunks from chunk C: their scales first (block-scaled formats), then the steps, then the
 * folded correction (one 16-wide FMA per 16 blocks and X row: it pairs 16 scales with 16 block sums,
 * whatever VEC is). */
#if BLOCK_SCALED
#define GROUP_SCALES(c)                                                                             \
    float16 d16[ROWS];                                                                              \
    float ds[ROWS][16];                                                                             \
    _Pragma("unroll") for (int r = 0; r < ROWS; r++) {                                              \
        d16[r] = vload_half16((c) / 16, (const __global half *)srow[r]);                            \
        vstore16(d16[r], 0, ds[r]);                                                                 \
    }
#define CORR_TERM(r) corr[m][r] = fma(d16[r], xs16, corr[m][r])
#else
#define GROUP_SCALES(c)
#define CORR_TERM(r) corr[m][r] += xs16
#endif
#if FOLDED
#define GROUP_CORR(c)                                                                               \
    _Pragma("unroll") for (int m = 0; m < MB; m++) {                                                \
        float16 xs16 = vload16((c) / 16, xs + (size_t)m * nchunk);                                  \
        _Pragma("unroll") for (int r = 0; r < ROWS; r++) CORR_TERM(r);                              \
    }
#else
#define GROUP_CORR(c)
#endif
/* Each row's weights PREFETCH bytes ahead of the GROUP chunks from C (blocks.h; CPU drivers only). */
#define GROUP_PREFETCH(c)                                                                           \
    _Pragma("unroll") for (int r = 0; r < ROWS; r++)                                                \
        PREFETCH_LINES(wrow[r] + (size_t)(c) * ROW_BYTES(QK), GROUP * ROW_BYTES(QK))
#define GROUP_BODY(c)                                                                               \
    do {                                                                                            \
        GROUP_PREFETCH(c);                                                                          \
        GROUP_SCALES(c)                                                                             \
        GROUP_UNROLL for (int g = 0; g < GROUP; g++) STEP((c) + g, g % UNROLL, GROUP_SCALE);        \
        GROUP_CORR(c)                                                                               \
    } while (0)

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void gemv(const __global uchar *w, const __global uchar *s, const __global float *x_all,
          const __global float *xs_all, __global float *y_all, uint n, uint k, uint xstride)
{
    const uint lane = get_local_id(0) % LANES;
    const uint row0 = (get_group_id(0) * (WG / LANES) + get_local_id(0) / LANES) * ROWS;
    const uint nchunk = k / QK;

    const __global uchar *wrow[ROWS];
    const __global uchar *srow[ROWS];
    float rs[ROWS]; /* i8_pc's row scales */
#pragma unroll
    for (int r = 0; r < ROWS; r++) {
        /* Rows past N (odd N) read the last row and are not stored. */
        uint row = min(row0 + r, n - 1);
        wrow[r] = w + (size_t)row * ROW_BYTES(k);
        srow[r] = s + (size_t)row * SCALE_BYTES(k);
#if FORMAT == FMT_I8_PC
        rs[r] = *(const __global float *)srow[r];
#else
        rs[r] = 1.0f;
#endif
    }
    (void)rs;
#if LANES > 1
    __local float red[WG * MB * ROWS];
    const uint slot = get_local_id(0) * (MB * ROWS);
#endif

    PASSES {
        const __global float *x = x_all + (size_t)pass * xstride;
        const __global float *xs = xs_all + (size_t)pass * nchunk;
        __global float *y = y_all + (size_t)pass * n;
        (void)xs;

        floatV acc[MB][ROWS][UNROLL];
#pragma unroll
        for (int m = 0; m < MB; m++)
#pragma unroll
            for (int r = 0; r < ROWS; r++)
#pragma unroll
                for (int u = 0; u < UNROLL; u++)
                    acc[m][r][u] = (floatV)0.0f;
#if FOLDED
        /* sum over blocks of d * XS: vector part (whole groups) and scalar part (leftover blocks) */
        float16 corr[MB][ROWS];
        float corr1[MB][ROWS];
#pragma unroll
        for (int m = 0; m < MB; m++)
#pragma unroll
            for (int r = 0; r < ROWS; r++) {
                corr[m][r] = (float16)0.0f;
                corr1[m][r] = 0.0f;
            }
#endif

        /* Lane L takes GROUP chunks out of every LANES * GROUP, then the leftovers one by one. */
        const uint full = nchunk / (LANES * GROUP) * (LANES * GROUP);
        for (uint c = lane * GROUP; c < full; c += LANES * GROUP)
            GROUP_BODY(c);
#if BLOCK_SCALED
        float dt[ROWS][16];
        const int tail16 = full < nchunk && nchunk >= 16 && nchunk - full <= 16;
        if (tail16) {
#pragma unroll
            for (int r = 0; r < ROWS; r++)
                vstore16(vload_half16(0, (const __global half *)srow[r] + (nchunk - 16)), 0, dt[r]);
        }
#endif
        for (uint c = full + lane; c < nchunk; c += LANES) {
            STEP(c, 0, ONE_SCALE);
#if FOLDED
#pragma unroll
            for (int m = 0; m < MB; m++)
#pragma unroll
                for (int r = 0; r < ROWS; r++)
#if BLOCK_SCALED
                    corr1[m][r] = fma(ONE_SCALE(r), xs[(size_t)m * nchunk + c], corr1[m][r]);
#else
                    corr1[m][r] += xs[(size_t)m * nchunk + c];
#endif
#endif
        }

        float sum[MB][ROWS];
#pragma unroll
        for (int m = 0; m < MB; m++)
#pragma unroll
            for (int r = 0; r < ROWS; r++) {
                floatV a = acc_total(acc[m][r]);
#if FOLDED
                sum[m][r] = AFF_A * hsumV(a) + AFF_B * (hsum16(corr[m][r]) + corr1[m][r]);
#else
                sum[m][r] = hsumV(a);
#endif
            }

#if !BLOCK_SCALED
        /* K not a multiple of 32 (f32, f16, i8_pc): the last weights one by one, as values. */
        for (uint j = nchunk * QK + lane; j < k; j += LANES) {
#pragma unroll
            for (int r = 0; r < ROWS; r++) {
#if FORMAT == FMT_I8_PC && !FOLDED
                float wj = load_one(wrow[r], j) * rs[r];
#else
                float wj = load_one(wrow[r], j);
#endif
#pragma unroll
                for (int m = 0; m < MB; m++)
                    sum[m][r] = fma(wj, x[(size_t)m * xstride + j], sum[m][r]);
            }
        }
#endif

#if LANES > 1
#pragma unroll
        for (int m = 0; m < MB; m++)
#pragma unroll
            for (int r = 0; r < ROWS; r++)
                red[slot + m * ROWS + r] = sum[m][r];
        barrier(CLK_LOCAL_MEM_FENCE);
        for (uint half_lanes = LANES / 2; half_lanes > 0; half_lanes /= 2) {
            if (lane < half_lanes)
                for (int i = 0; i < MB * ROWS; i++)
                    red[slot + i] += red[slot + half_lanes * (MB * ROWS) + i];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        /* each item reads back only its own slot: the next pass may overwrite the others' */
#pragma unroll
        for (int m = 0; m < MB; m++)
#pragma unroll
            for (int r = 0; r < ROWS; r++)
                sum[m][r] = red[slot + m * ROWS + r];
#endif

#pragma unroll
        for (int r = 0; r < ROWS; r++) {
            if (lane != 0 || row0 + r >= n)
                break;
#pragma unroll
            for (int m = 0; m < MB; m++)
#if FORMAT == FMT_I8_PC && FOLDED
                y[(size_t)m * n + row0 + r] = sum[m][r] * rs[r];
#else
                y[(size_t)m * n + row0 + r] = sum[m][r];
#endif
        }
    }
}
#endif /* !IL */

#if IL
/* Interleaved layout (IL = 1): rows in groups of VEC, and at each k the group's VEC weights are one
 * vector, so every weight vector meets each X row as a broadcast scalar: one FMA per VEC weights and
 * X row, no horizontal sums, and MB accumulators with broadcast operands (the M = 16 case is bound by
 * FMAs, not by streaming X from cache once per row).
 *   W  f32 / f16 / int8 (q8_0, i8_pc): [group][k][VEC]; q4_0: [group][dword][VEC] with the row's bytes
 *      as in ggml, 4 per lane (byte 16b + j holds element 32b + j in its low nibble, 32b + j + 16 in
 *      its high one)
 *   S  q8_0 / q4_0: [group][block][VEC] fp16 scales; i8_pc: [group * VEC + r] f32 row scales
 *   X  transposed: x[k * xstride + m] (M = 1: X as above); XS as above ([M][K/32], q4_0 with FOLD only)
 * ROWS groups of VEC rows per work-item, LANES 1; UNROLL independent accumulator sets. FOLD (block
 * formats): accumulate the raw quants per block and scale once per block (fewest operations per
 * weight, small M); else each weight vector is dequantized once and reused for all MB rows. */
#if FORMAT == FMT_Q4_0 && FOLD && UNROLL != 4 && UNROLL != 8
#error "interleaved q4_0 folds into 4 or 8 accumulator sets"
#endif
#if M == 1 /* X itself (one row): constant offsets from the block's start, no stride arithmetic */
#define XB(kk, m) ((floatV)x[kk])
#else
#define XB(kk, m) ((floatV)x[(size_t)(kk) * xstride + pass + (m)])
#endif

/* Bytes of a group's weights per k (f32, f16, int8) and per 32-weight block. */
#define IL_K_BYTES ROW_BYTES(VEC)
#define IL_BLOCK_BYTES (VEC * ROW_BYTES(QK))

#if FORMAT == FMT_F32
#define IL_LOAD(r, kk) (((const __global floatV *)wg[r])[kk])
#elif FORMAT == FMT_F16
#define IL_LOAD(r, kk) vload_halfV((kk), (const __global half *)wg[r])
#else /* q8_0, i8_pc: raw int8 values */
#define IL_LOAD(r, kk) convert_floatV(((const __global charV *)wg[r])[kk])
#endif

/* Weight vector WV of group R (raw quants when FOLD) at k = KK into accumulator set T[.][R][U]. */
#define IL_FMA(t, r, u, wv, kk)                                                                     \
    _Pragma("unroll") for (int m = 0; m < MB; m++) t[m][r][u] = fma((wv), XB(kk, m), t[m][r][u])
#define IL_ZERO(t, sets)                                                                            \
    _Pragma("unroll") for (int m = 0; m < MB; m++)                                                  \
    _Pragma("unroll") for (int r = 0; r < ROWS; r++)                                                \
    _Pragma("unroll") for (int u = 0; u < (sets); u++) t[m][r][u] = (floatV)0.0f

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void gemv(const __global uchar *w, const __global uchar *s, const __global float *x,
          const __global float *xs_all, __global float *y_all, uint n, uint k, uint xstride)
{
    /* ROWS groups of VEC rows per work-item (independent streams, shared X loads) */
    const uint ngroups = (n + VEC - 1) / VEC, grp0 = get_global_id(0) * ROWS;
    if (grp0 >= ngroups)
        return; /* the global size is rounded up to whole work-groups */
    const __global uchar *wg[ROWS];
    uint grp[ROWS];
#pragma unroll
    for (int r = 0; r < ROWS; r++) {
        grp[r] = min(grp0 + r, ngroups - 1); /* past the last group: recomputed, not stored */
        wg[r] = w + (size_t)grp[r] * VEC * ROW_BYTES(k);
    }

    PASSES {
        const __global float *xs = xs_all + (size_t)pass * (k / QK);
        __global float *y = y_all + (size_t)pass * n;
        (void)xs;
        floatV acc[MB][ROWS][UNROLL];
        IL_ZERO(acc, UNROLL);

#if BLOCK_SCALED
        const uint nblk = k / QK;
        for (uint b = 0; b < nblk; b++) {
            floatV d[ROWS];
#pragma unroll
            for (int r = 0; r < ROWS; r++) {
                d[r] = vload_halfV((size_t)grp[r] * nblk + b, (const __global half *)s);
                PREFETCH_LINES(wg[r] + (size_t)b * IL_BLOCK_BYTES, IL_BLOCK_BYTES);
            }
#if FOLD
            floatV blk[MB][ROWS][UNROLL];
            IL_ZERO(blk, UNROLL);
#endif
#pragma unroll
            for (int r = 0; r < ROWS; r++) {
#if FORMAT == FMT_Q4_0
#if !FOLD
                const floatV d8 = -8.0f * d[r];
#endif
                /* Per row and block 4 dwords; byte e of dword dw holds elements 4dw + e (low nibble) and
                 * 4dw + e + 16 (high nibble, brought down by one shift per dword). Each nibble is masked
                 * in place and converted as q * 2^(8e), exact; the scale, or (FOLD) accumulator set
                 * e + 4h (UNROLL 4 or 8: set s holds byte position s % 4), undoes the 2^(8e): two
                 * operations per weight vector, four masks. */
#pragma unroll
                for (int dw = 0; dw < 4; dw++) {
                    const uintV u = ((const __global uintV *)wg[r])[4 * b + dw], u4 = u >> 4;
#pragma unroll
                    for (int e = 0; e < 4; e++) {
                        const uintV mask = (uintV)(0xfu << (8 * e));
                        const floatV lo = convert_floatV(as_intV(u & mask));
                        const floatV hi = convert_floatV(as_intV(u4 & mask));
                        const uint kk = 32 * b + 4 * dw + e;
#if FOLD
                        IL_FMA(blk, r, e % UNROLL, lo, kk);
                        IL_FMA(blk, r, (e + 4) % UNROLL, hi, kk + 16);
#else
                        const floatV de = d[r] * (1.0f / (float)(1u << (8 * e)));
                        const floatV wl = fma(lo, de, d8), wh = fma(hi, de, d8);
                        IL_FMA(acc, r, e % UNROLL, wl, kk);
                        IL_FMA(acc, r, (e + 4) % UNROLL, wh, kk + 16);
#endif
                    }
                }
#else /* q8_0 */
#if FOLD
#pragma unroll
#else /* a full unroll has LLVM hoist all 32 loads and spill them; MB FMAs per load hide latency */
#pragma unroll 2
#endif
                for (int j = 0; j < QK; j++) {
#if FOLD
                    IL_FMA(blk, r, j % UNROLL, IL_LOAD(r, 32 * b + j), 32 * b + j);
#else
                    const floatV wv = IL_LOAD(r, 32 * b + j) * d[r];
                    IL_FMA(acc, r, j % UNROLL, wv, 32 * b + j);
#endif
                }
#endif
            }
#if FOLD
#pragma unroll
            for (int m = 0; m < MB; m++)
#pragma unroll
                for (int r = 0; r < ROWS; r++) {
#if FORMAT == FMT_Q4_0
                    /* the nibbles' offset: (q - 8) x */
                    floatV t = (floatV)(-8.0f * xs[(size_t)m * nblk + b]);
#pragma unroll
                    for (int i = 0; i < UNROLL; i++)
                        t = fma(blk[m][r][i], (floatV)(1.0f / (float)(1u << (8 * (i % 4)))), t);
#else
                    floatV t = blk[m][r][0];
#pragma unroll
                    for (int u = 1; u < UNROLL; u++)
                        t += blk[m][r][u];
#endif
                    acc[m][r][0] = fma(d[r], t, acc[m][r][0]);
                }
#endif
        }
#else /* f32, f16, i8_pc: any K */
        uint kk = 0;
        for (; kk + UNROLL <= k; kk += UNROLL) {
#pragma unroll
            for (int r = 0; r < ROWS; r++)
                PREFETCH_LINES(wg[r] + (size_t)kk * IL_K_BYTES, UNROLL * IL_K_BYTES);
#pragma unroll
            for (int u = 0; u < UNROLL; u++)
#pragma unroll
                for (int r = 0; r < ROWS; r++) {
                    const floatV wv = IL_LOAD(r, kk + u);
                    IL_FMA(acc, r, u, wv, kk + u);
                }
        }
        for (; kk < k; kk++) {
#pragma unroll
            for (int r = 0; r < ROWS; r++) {
                const floatV wv = IL_LOAD(r, kk);
                IL_FMA(acc, r, 0, wv, kk);
            }
        }
#endif

#pragma unroll
        for (int r = 0; r < ROWS; r++) {
            const uint row0 = (grp0 + r) * VEC;
            if (row0 >= n)
                break;
#if FORMAT == FMT_I8_PC
            const floatV rs = ((const __global floatV *)s)[grp[r]];
#endif
#pragma unroll
            for (int m = 0; m < MB; m++) {
                floatV a = acc_total(acc[m][r]);
#if FORMAT == FMT_I8_PC
                a *= rs;
#endif
                if (row0 + VEC <= n) {
                    vstoreV(a, 0, y + (size_t)m * n + row0);
                } else {
                    float t[VEC];
                    vstoreV(a, 0, t);
                    for (uint i = 0; row0 + i < n; i++)
                        y[(size_t)m * n + row0 + i] = t[i];
                }
            }
        }
    }
}
#endif /* IL */
