#ifndef OCLAB_HOST_PEAK_STREAM_H
#define OCLAB_HOST_PEAK_STREAM_H
/* kernels/stream.cl on a device: the STREAM kernels' shapes, byte counts, fills and host checks, and
 * one launch (stream_kernel.c). The bandwidth sweep (bandwidth.c) and the streaming-read probe
 * (probe.c) run them. */
#include <stddef.h>
#include <stdint.h>

#include "host/cl/context.h"

typedef enum {
    OCLAB_STREAM_READ,
    OCLAB_STREAM_WRITE,
    OCLAB_STREAM_COPY,
    OCLAB_STREAM_SCALE,
    OCLAB_STREAM_ADD,
    OCLAB_STREAM_TRIAD,
    OCLAB_STREAM_OPS
} oclab_stream_op;

const char *oclab_stream_op_name(oclab_stream_op op); /* "read", ..., "triad" */
int oclab_stream_arrays(oclab_stream_op op);           /* arrays touched per pass: 1, 2 or 3 */

/* The launch geometry of one stream measurement. Element index of vector k of work-item g:
 * g * per_wi + k (contiguous blocks) or g + k * items (interleaved, coalesced on GPUs). */
typedef struct {
    oclab_stream_op op;
    int vec;            /* floats per vector: 1, 2, 4, 8, 16 */
    size_t wg, groups;  /* local size, work-group count */
    int interleaved;
    cl_uint per_wi;     /* vectors per work-item per pass */
    cl_uint passes;     /* passes over the arrays per launch */
    int acc;            /* read: independent accumulators (0: OCLAB_STREAM_READ_ACC) */
} oclab_stream_shape;

#define OCLAB_STREAM_SCALAR 3.0f /* scale/triad factor: exact on the multiples of 1/16 of the fill */
#define OCLAB_STREAM_READ_ACC 8

size_t oclab_stream_items(const oclab_stream_shape *shape);  /* work-items: wg * groups */
size_t oclab_stream_floats(const oclab_stream_shape *shape); /* floats per array */
/* STREAM-counted bytes of one launch: arrays * floats * 4 * passes (read's partials not counted). */
double oclab_stream_bytes(const oclab_stream_shape *shape);
/* Read's accumulators as built (1 for the other kernels). */
int oclab_stream_acc(const oclab_stream_shape *shape);
/* Loop trips one work-item makes in a launch of SHAPE (every loop's iterations and exits), to keep
 * below a driver's loop limit (oclab_cl_loop_budget). */
uint64_t oclab_stream_trips(const oclab_stream_shape *shape);

/* Pseudo-random multiples of 1/16 in [-1, 1] (sums stay exact in float over long runs). */
void oclab_stream_fill(float *x, size_t n, uint64_t seed);

/* At most SHAPE's passes, the passes of a read of X whose float sums are exact (every partial sum below
 * 2^20, the fill being multiples of 1/16; at least 1): the sweep times many more passes at cache sizes
 * and checks one launch of this many. */
cl_uint oclab_stream_exact_passes(const oclab_stream_shape *shape, const float *x);

/* Checks a launch's output against the host reference: DST is the destination array, or for read the
 * per-work-item partial sums; X and Y are the inputs. 0 ok; -1 with the first mismatch in WHY. */
int oclab_stream_verify(const oclab_stream_shape *shape, const float *x, const float *y, const float *dst,
                        char *why, size_t why_len);

/* The same check on part of the output, for the tuner's candidates at sizes where a full check would
 * cost more than the search: every work-item's first and last vector, and SAMPLES elements drawn at
 * random (read: all partials, which are few). */
int oclab_stream_verify_sampled(const oclab_stream_shape *shape, const float *x, const float *y, const float *dst,
                                int samples, char *why, size_t why_len);

/* Builds the one kernel of SHAPE's op at its width and layout (and read's accumulators). */
cl_int oclab_stream_build(oclab_cl *cl, const oclab_stream_shape *shape, cl_program *program, cl_kernel *kernel);

/* Sets the arguments for SHAPE and enqueues one launch of KERNEL (DST, X, Y as in stream.cl). */
cl_int oclab_stream_enqueue(oclab_cl *cl, cl_kernel kernel, const oclab_stream_shape *shape, cl_mem dst,
                            cl_mem x, cl_mem y, cl_event *event);

#endif
