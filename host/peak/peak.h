#ifndef OCLAB_HOST_PEAK_PEAK_H
#define OCLAB_HOST_PEAK_PEAK_H
/* oclab peak: bandwidth sweep (STREAM-style kernels over working-set sizes), compute peaks (FMA per
 * precision, int32 mad, int8 dot), launch latency and host<->device transfer. Results go into a
 * profile: measurements.bandwidth / .compute / .latency / .transfer, ceilings.memory[] (one per memory
 * level found, "dram" always when measured), ceilings.compute[], ridges[]. */
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "host/cl/context.h"
#include "host/cl/opts.h"
#include "host/cl/status.h"
#include "host/cl/timing.h"

/* Measures CL's device into PROFILE (made by oclab_profile_new). Features the device lacks go to
 * skipped[]. Returns OCLAB_EXIT_OK, or OCLAB_EXIT_FAIL when a kernel failed to build/run or a
 * result failed verification (the rest of the figures are still recorded). */
int oclab_peak_measure(oclab_cl *cl, const oclab_device_opts *opts, cJSON *profile);

/* Prints the human table of a profile's peak measurements and ceilings to stdout. */
void oclab_peak_print(const cJSON *profile);

/* ---- Shared by the peak_*.c files and the tests (tests/cl/test_peak_*.c) ---- */
/* One peak run: where results go and the time budgets. */
typedef struct {
    oclab_cl *cl;
    cJSON *profile;
    int quick;
    double budget_s;  /* sampling budget of one measurement (--max-time) */
    double launch_s;  /* aimed duration of one launch: long enough to time, far below any watchdog */
    int failed;       /* a kernel failed to build, run or verify */
} oclab_peak_ctx;

/* Longest single launch allowed (GPU watchdogs trip at about a second or more). */
#define OCLAB_PEAK_MAX_LAUNCH_S 0.05

/* -------- bandwidth (bandwidth.c): stream.cl -------- */
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
 * g * per_wi + k (contiguous blocks, CPUs) or g + k * items (interleaved, coalesced on GPUs). */
typedef struct {
    oclab_stream_op op;
    int vec;            /* floats per vector: 1, 2, 4, 8, 16 */
    size_t wg, groups;  /* local size, work-group count */
    int interleaved;
    cl_uint per_wi;     /* vectors per work-item per pass */
    cl_uint passes;     /* passes over the arrays per launch */
} oclab_stream_shape;

#define OCLAB_STREAM_SCALAR 3.0f /* scale/triad factor: exact on the multiples of 1/16 of the fill */

size_t oclab_stream_items(const oclab_stream_shape *shape);  /* work-items: wg * groups */
size_t oclab_stream_floats(const oclab_stream_shape *shape); /* floats per array */
/* STREAM-counted bytes of one launch: arrays * floats * 4 * passes (read's partials not counted). */
double oclab_stream_bytes(const oclab_stream_shape *shape);

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

/* Builds the one kernel of OP at width VEC (-D ONE_KERNEL -D OP_x -D VEC=n). */
cl_int oclab_stream_build(oclab_cl *cl, oclab_stream_op op, int vec, cl_program *program, cl_kernel *kernel);

/* Sets the arguments for SHAPE and enqueues one launch of KERNEL (DST, X, Y as in stream.cl). */
cl_int oclab_stream_enqueue(oclab_cl *cl, cl_kernel kernel, const oclab_stream_shape *shape, cl_mem dst,
                            cl_mem x, cl_mem y, cl_event *event);

/* The working-set sweep of every stream kernel into measurements.bandwidth. */
int oclab_peak_bandwidth(oclab_peak_ctx *ctx);

/* -------- compute (compute.c): compute.cl -------- */
typedef enum {
    OCLAB_PREC_F32,
    OCLAB_PREC_F64,
    OCLAB_PREC_F16,
    OCLAB_PREC_I32,
    OCLAB_PREC_I8,
    OCLAB_PRECS
} oclab_precision;

const char *oclab_precision_name(oclab_precision prec); /* "f32", "f64", "f16", "int32", "int8" */

typedef struct {
    oclab_precision prec;
    int vec;        /* lanes per accumulator */
    int dot;        /* int8 through cl_khr_integer_dot_product (vec 1) instead of char vectors */
    int nacc;       /* independent accumulators per work-item (compute.cl NACC) */
    size_t wg, groups;
    cl_uint iters;
} oclab_compute_shape;

#define OCLAB_COMPUTE_NACC 16
#define OCLAB_COMPUTE_DOT_B 0x01010101 /* packed char4 (1, 1, 1, 1): dot adds the acc's signed bytes */

/* Operations of one launch: FMA = 2 FLOPs, int mul+add = 2 ops, one 4-lane int8 dot + acc = 8 ops. */
double oclab_compute_ops(const oclab_compute_shape *shape);

/* Checks the per-work-item sums OUT (float for f32/f16, double for f64, int for integers) against
 * the closed form of compute.cl. 0 ok; -1 with the first mismatch in WHY. */
int oclab_compute_verify(const oclab_compute_shape *shape, const void *out, char *why, size_t why_len);

cl_int oclab_compute_build(oclab_cl *cl, const oclab_compute_shape *shape, cl_program *program,
                           cl_kernel *kernel);
cl_int oclab_compute_enqueue(oclab_cl *cl, cl_kernel kernel, const oclab_compute_shape *shape, cl_mem out,
                             cl_event *event);

/* Every supported precision into measurements.compute (the rest into skipped[]). */
int oclab_peak_compute(oclab_peak_ctx *ctx);

/* -------- latency and transfer (latency_transfer.c) -------- */
int oclab_peak_latency(oclab_peak_ctx *ctx);
int oclab_peak_transfer(oclab_peak_ctx *ctx);

/* -------- ceilings (ceilings.c) -------- */
/* ceilings.memory from the sweep: cache levels are the plateaus (roofline/plateau.h) of the best kernel
 * at each size; "dram" is the highest of the kernels' own DRAM figures (each the median over its points
 * at >= 4x the LLC; every kernel's figure stays in measurements.bandwidth.kernels.K.dram_gbs, read's
 * among them for decode to compare with). ceilings.compute: the verified medians per precision.
 * ridges[] = compute ceiling / DRAM ceiling per precision. */
void oclab_peak_ceilings(cJSON *profile, double llc_bytes);

#endif
