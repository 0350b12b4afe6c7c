/* STREAM-style bandwidth kernels over float vectors of width VEC (-D VEC=n, see peak_common.h); read
 * with NACC independent accumulators (-D NACC=n).
 *
 * Build with -D ONE_KERNEL -D OP_<NAME> to compile a single kernel per program (one failing build then
 * skips one configuration, not the run); without ONE_KERNEL every kernel is compiled.
 *
 * All kernels share one argument list so the host sets them uniformly:
 *   dst, x, y   buffers of VEC-wide vectors (read: dst holds one float partial sum per work-item)
 *   s           scalar of scale and triad
 *   per_wi      vectors each work-item handles per pass
 *   wi_stride, k_stride   element index = gid * wi_stride + k * k_stride: (per_wi, 1) gives each
 *               work-item a contiguous block (CPUs), (1, global size) interleaves them (coalesced on GPUs);
 *               built with -D BLOCKED=1 or 0 the layout is fixed at compile time (the strides are then
 *               known constants: unit steps a compiler can turn into plain vector streams, where runtime
 *               strides cost a multiply per load), and these two arguments are not read
 *   passes      sweeps over the work-item's elements in one launch, so launches over small (cache-resident)
 *               arrays last long enough to time. What repeats is each work-item's own elements: on a GPU
 *               the work-items advance together and the repeating set is the whole array; a CPU runtime
 *               runs a group's work-items one after another, so the host gives CPUs one work-item per
 *               group (and one group per core) for cache-sized sweeps. No barrier per pass: POCL turns
 *               a barrier in a loop into a work-item loop per pass that ran copy/write ~8x slower. */
#include "acc_repeat.h"
#include "peak_common.h"

#define VT VTYPE(float)

#ifndef NACC
#define NACC 8 /* read's independent accumulators: one is latency-bound far below cache bandwidth */
#endif

#if defined(BLOCKED) && BLOCKED
#define WI_STRIDE per_wi
#define K_STRIDE 1u
#elif defined(BLOCKED)
#define WI_STRIDE 1u
#define K_STRIDE ((uint)get_global_size(0))
#else
#define WI_STRIDE wi_stride
#define K_STRIDE k_stride
#endif

#define STREAM_ARGS                                                                                   \
    global VT *restrict dst, global const VT *restrict x, global const VT *restrict y, float s,        \
        uint per_wi, uint wi_stride, uint k_stride, uint passes

/* Runs STMT for each of the work-item's elements i, PASSES times. */
#define STREAM_LOOP(STMT)                                                                             \
    (void)wi_stride;                                                                                  \
    (void)k_stride;                                                                                   \
    const uint base = (uint)get_global_id(0) * WI_STRIDE;                                             \
    for (uint p = 0; p < passes; p++) {                                                               \
        for (uint k = 0; k < per_wi; k++) {                                                           \
            const uint i = base + k * K_STRIDE;                                                       \
            STMT;                                                                                     \
        }                                                                                             \
    }

#if !defined(ONE_KERNEL) || defined(OP_READ)
/* Sums x into NACC independent accumulators (separate variables: acc_repeat.h); one float per
 * work-item goes to dst (its traffic, 4 bytes per work-item, is not counted). The sum keeps the loads
 * from being eliminated. */
#define READ_ZERO(j) VT acc##j = (VT)(0.0f);
#define READ_ADD(j) acc##j += x[base + (k + (uint)j) * K_STRIDE];
#define READ_FOLD(j) total += acc##j;
kernel void stream_read(global float *restrict dst, global const VT *restrict x,
                        global const VT *restrict y, float s, uint per_wi, uint wi_stride,
                        uint k_stride, uint passes)
{
    (void)y;
    (void)s;
    (void)wi_stride;
    (void)k_stride;
    FOR_ACC(READ_ZERO)
    const uint base = (uint)get_global_id(0) * WI_STRIDE;
    for (uint p = 0; p < passes; p++) {
        uint k = 0;
        for (; k + NACC <= per_wi; k += NACC) {
            FOR_ACC(READ_ADD)
        }
        for (; k < per_wi; k++)
            acc0 += x[base + k * K_STRIDE];
    }
    VT total = (VT)(0.0f);
    FOR_ACC(READ_FOLD)
    dst[get_global_id(0)] = LANE_SUM(total);
}
#endif

#if !defined(ONE_KERNEL) || defined(OP_WRITE)
/* Float element e gets the bits of the integer e + 2^23: distinct normal floats (no denormal, which a
 * device may flush: CL_FP_DENORM is optional) for every e below 2^30, nothing a compressing memory can
 * shrink, and only an integer add per vector (a conversion per vector halved L1 write bandwidth). */
kernel void stream_write(STREAM_ARGS)
{
    (void)x;
    (void)y;
    (void)s;
    STREAM_LOOP(dst[i] = AS(float)(i * (uint)VEC + (LANE_INDEX + 0x00800000u)))
}
#endif

#if !defined(ONE_KERNEL) || defined(OP_COPY)
kernel void stream_copy(STREAM_ARGS)
{
    (void)y;
    (void)s;
    STREAM_LOOP(dst[i] = x[i])
}
#endif

#if !defined(ONE_KERNEL) || defined(OP_SCALE)
kernel void stream_scale(STREAM_ARGS)
{
    (void)y;
    STREAM_LOOP(dst[i] = s * x[i])
}
#endif

#if !defined(ONE_KERNEL) || defined(OP_ADD)
kernel void stream_add(STREAM_ARGS)
{
    (void)s;
    STREAM_LOOP(dst[i] = x[i] + y[i])
}
#endif

#if !defined(ONE_KERNEL) || defined(OP_TRIAD)
kernel void stream_triad(STREAM_ARGS)
{
    STREAM_LOOP(dst[i] = x[i] + s * y[i])
}
#endif
