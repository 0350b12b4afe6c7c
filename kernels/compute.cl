/* Compute peaks: NACC independent accumulators of VEC-wide vectors, each updated acc = acc * b + c
 * ITERS times in a bounded loop (a runtime count: no giant unroll, short builds). Independent
 * accumulators hide the multiply-add latency; one chain per work-item would measure latency instead.
 *
 * Precision by build option: -D PREC_F32 (default), PREC_F64 (cl_khr_fp64), PREC_F16 (cl_khr_fp16),
 * PREC_I32 (int multiply-add), PREC_I8 (char-vector multiply-add), PREC_I8DOT (cl_khr_integer_dot_product:
 * acc += dot(char4 of acc, y), VEC must be 1).
 *
 * Closed form for the host check: accumulator j starts at j + 1; with b = -1 and c = 1 every update maps
 * v to 1 - v, exactly in every precision, so after ITERS updates it holds j + 1 (ITERS even) or -j
 * (odd). Each work-item writes the sum of all its lanes; a skipped or miscounted iteration shows. */
#include "peak_common.h"

#ifndef NACC
#define NACC 16
#endif

#if defined(PREC_F64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define T double
#define OUT_T double
#define MADD(a, b, c) fma(a, b, c)
#elif defined(PREC_F16)
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
#define T half
#define OUT_T float
#define MADD(a, b, c) fma(a, b, c)
#elif defined(PREC_I32)
#define T int
#define OUT_T int
#define MADD(a, b, c) ((a) * (b) + (c))
#elif defined(PREC_I8)
#define T char
#define OUT_T int
#define MADD(a, b, c) ((VT)((a) * (b) + (c)))
#elif defined(PREC_I8DOT)
#define T int
#define OUT_T int
#else
#define T float
#define OUT_T float
#define MADD(a, b, c) fma(a, b, c) /* mad() may become a separate multiply and add */
#endif

#define VT VTYPE(T)

#if defined(PREC_I8DOT)
#if VEC != 1
#error "PREC_I8DOT works on int accumulators, VEC=1"
#endif
#ifdef cl_khr_integer_dot_product
#pragma OPENCL EXTENSION cl_khr_integer_dot_product : enable
#endif
/* One 4-lane int8 dot product with accumulate per update (8 operations); the acc's own bytes are one
 * operand, so the dot cannot be hoisted out of the loop. The host replays the recurrence. */
#define UPDATE(a, bv, cv) ((a) + dot(as_char4(a), as_char4(bv)))
#define LANE_TOTAL(v) (v)
#else
#define UPDATE(a, bv, cv) MADD(a, bv, cv)
#define LANE_TOTAL(v) LANE_SUM(CONVERT(OUT_T)(v))
#endif

/* b, c: the multiplier and addend as ints (integer kinds) or floats; for PREC_I8DOT b is the packed char4
 * second operand. */
kernel void compute_peak(global OUT_T *restrict out, float bf, float cf, int bi, int ci, uint iters)
{
    (void)bf;
    (void)cf;
    (void)bi;
    (void)ci;
#if defined(PREC_I32) || defined(PREC_I8) || defined(PREC_I8DOT)
    const VT bv = (VT)((T)bi), cv = (VT)((T)ci);
#else
    const VT bv = (VT)((T)bf), cv = (VT)((T)cf);
#endif
    VT acc[NACC];
#pragma unroll
    for (int j = 0; j < NACC; j++)
        acc[j] = (VT)((T)(j + 1));
    for (uint it = 0; it < iters; it++) {
#pragma unroll
        for (int j = 0; j < NACC; j++)
            acc[j] = UPDATE(acc[j], bv, cv);
    }
    OUT_T sum = 0;
#pragma unroll
    for (int j = 0; j < NACC; j++)
        sum += LANE_TOTAL(acc[j]);
    out[get_global_id(0)] = sum;
}

/* An empty kernel for launch latency. */
kernel void empty_kernel(global OUT_T *restrict out)
{
    (void)out;
}
