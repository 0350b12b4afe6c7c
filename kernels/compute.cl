/* Compute peaks: NACC independent accumulators of VEC-wide vectors, each updated ITERS times in a
 * bounded loop (a runtime count: short builds). Independent accumulators hide the update's latency; one
 * chain per work-item would measure latency instead. The accumulators are separate variables in
 * straight-line code (acc_repeat.h), not an array under `#pragma unroll`.
 *
 * Precision by build option, and what one update is:
 *   PREC_F32   fma(a, b, c) with -D USE_FMA (the device reports CL_FP_FMA), else mad(a, b, c), which the
 *              compiler may fuse or not (a device without fused multiply-add emulates fma in software)
 *   PREC_F64   fma (cl_khr_fp64), PREC_F16 fma or mad as f32 (cl_khr_fp16)
 *   PREC_I32   int multiply and add
 *   PREC_I8    char-vector multiply and add: the throughput of 8-bit lanes through ordinary integer
 *              instructions, not a dot-product unit
 *   PREC_I8DOT acc += dot(char4 of acc, char4 b) (cl_khr_integer_dot_product), VEC 1
 *   PREC_I16DOT int16 pair product with int32 accumulate (pair_dot.h), VEC 16: the q8_0 attention's step
 *
 * Closed forms for the host check (each work-item writes the sum of all its lanes, so a skipped or
 * miscounted iteration shows): accumulator j starts at j + 1;
 *   multiply-adds, b = -1 and c = 1: v -> 1 - v, exact in every precision: j + 1 after an even count,
 *     -j after an odd one;
 *   PREC_I16DOT, pair (-2, 0): v -> v - 2 lo(v) = -v while |v| < 2^15: j + 1 or -(j + 1);
 *   PREC_I8DOT: the host replays the recurrence. */
#include "acc_repeat.h"
#include "peak_common.h"

#ifndef NACC
#define NACC 16
#endif

#if defined(PREC_F64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define T double
#define OUT_T double
#elif defined(PREC_F16)
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
#define T half
#define OUT_T float
#elif defined(PREC_I32) || defined(PREC_I8DOT) || defined(PREC_I16DOT)
#define T int
#define OUT_T int
#elif defined(PREC_I8)
#define T char
#define OUT_T int
#else
#define T float
#define OUT_T float
#endif
#define VT VTYPE(T)

#if defined(PREC_I8DOT)
#if VEC != 1
#error "PREC_I8DOT works on int accumulators, VEC=1"
#endif
#ifdef cl_khr_integer_dot_product
#pragma OPENCL EXTENSION cl_khr_integer_dot_product : enable
#endif
/* 8 operations: the acc's own bytes are one operand, so the dot cannot be hoisted out of the loop */
#define UPDATE(a) ((a) + dot(as_char4(a), as_char4(bi)))
#define LANE_TOTAL(v) (v)
#elif defined(PREC_I16DOT)
#if VEC != 16
#error "PREC_I16DOT works on 16 int lanes (one 512-bit register of pairs), VEC=16"
#endif
#include "pair_dot.h"
#define UPDATE(a) pair_madd16(a, a, bi)
#define LANE_TOTAL(v) LANE_SUM(v)
#else
#if defined(PREC_I32) || defined(PREC_I8)
#define UPDATE(a) ((VT)((a) * bv + cv))
#elif defined(USE_FMA)
#define UPDATE(a) fma(a, bv, cv)
#else
#define UPDATE(a) mad(a, bv, cv)
#endif
#define LANE_TOTAL(v) LANE_SUM(CONVERT(OUT_T)(v))
#endif

#define DECLARE(j) VT acc##j = (VT)((T)(j + 1));
#define STEP(j) acc##j = UPDATE(acc##j);
#define ADD(j) sum += LANE_TOTAL(acc##j);

/* b, c: the multiplier and addend as ints (integer kinds) or floats; PREC_I8DOT: b is the packed char4
 * second operand; PREC_I16DOT: b is the int16 pair. */
kernel void compute_peak(global OUT_T *restrict out, float bf, float cf, int bi, int ci, uint iters)
{
    (void)bf;
    (void)cf;
    (void)ci;
#if defined(PREC_I32) || defined(PREC_I8)
    const VT bv = (VT)((T)bi), cv = (VT)((T)ci);
#elif !defined(PREC_I8DOT) && !defined(PREC_I16DOT)
    const VT bv = (VT)((T)bf), cv = (VT)((T)cf);
#endif
    FOR_ACC(DECLARE)
    for (uint it = 0; it < iters; it++) {
        FOR_ACC(STEP)
    }
    OUT_T sum = 0;
    FOR_ACC(ADD)
    out[get_global_id(0)] = sum;
}
