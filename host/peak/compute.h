#ifndef OCLAB_HOST_PEAK_COMPUTE_H
#define OCLAB_HOST_PEAK_COMPUTE_H
/* kernels/compute.cl on a device: build, launch and check one configuration (compute_kernel.c), and
 * the compute ceilings it gives, one per precision, each configuration found by the tuner
 * (compute.c). The f32 FMA probe (probe_compute.c) runs the f32 ceiling's configuration. */
#include <stddef.h>

#include "host/cl/context.h"

typedef enum {
    OCLAB_PREC_F32,
    OCLAB_PREC_F64,
    OCLAB_PREC_F16,
    OCLAB_PREC_I32,
    OCLAB_PREC_I8,
    OCLAB_PREC_I16,
    OCLAB_PRECS
} oclab_precision;

/* "f32", "f64", "f16", "int32", "int8", "int16": the ceilings' precision names */
const char *oclab_precision_name(oclab_precision prec);

typedef struct {
    oclab_precision prec;
    int vec;     /* lanes per accumulator */
    int dot;     /* int8 through cl_khr_integer_dot_product (vec 1) instead of char vectors */
    int nacc;    /* independent accumulators per work-item (1..32) */
    size_t wg, groups;
    cl_uint iters;
    int use_fma; /* floats: fma() (the device reports CL_FP_FMA) instead of mad() */
} oclab_compute_shape;

#define OCLAB_COMPUTE_MAX_NACC 32
#define OCLAB_COMPUTE_DOT_B 0x01010101  /* packed char4 (1, 1, 1, 1): dot adds the acc's signed bytes */
#define OCLAB_COMPUTE_PAIR_B 0x0000fffe /* int16 pair (-2, 0): v -> -v (compute.cl) */

/* Operations of one launch: FMA = 2 FLOPs, int multiply + add = 2 ops, one 4-lane int8 dot with
 * accumulate = 8 ops, one int16 pair product with accumulate = 4 ops per 32-bit lane. */
double oclab_compute_ops(const oclab_compute_shape *shape);

/* What one update is, in words, for the profile ("fma", "char-vector multiply-add", ...). */
const char *oclab_compute_kernel_text(const oclab_compute_shape *shape);

/* Checks the per-work-item sums OUT (float for f32/f16, double for f64, int for integers) against
 * compute.cl's closed form. 0 ok; -1 with the first mismatch in WHY. */
int oclab_compute_verify(const oclab_compute_shape *shape, const void *out, char *why, size_t why_len);

/* Bytes of one work-item's sum in OUT. */
size_t oclab_compute_out_bytes(oclab_precision prec);

cl_int oclab_compute_build(oclab_cl *cl, const oclab_compute_shape *shape, cl_program *program,
                           cl_kernel *kernel);
cl_int oclab_compute_enqueue(oclab_cl *cl, cl_kernel kernel, const oclab_compute_shape *shape, cl_mem out,
                             cl_event *event);

#endif
