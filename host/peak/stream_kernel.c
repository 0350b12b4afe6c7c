/* kernels/stream.cl: shapes, byte counts, fills, host checks and one launch (stream.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/peak/stream.h"

static const char *const op_names[OCLAB_STREAM_OPS] = {"read", "write", "copy", "scale", "add", "triad"};
static const char *const op_defines[OCLAB_STREAM_OPS] = {"OP_READ",  "OP_WRITE", "OP_COPY",
                                                         "OP_SCALE", "OP_ADD",   "OP_TRIAD"};
static const int op_arrays[OCLAB_STREAM_OPS] = {1, 1, 2, 2, 3, 3};

const char *oclab_stream_op_name(oclab_stream_op op)
{
    return op_names[op];
}

int oclab_stream_arrays(oclab_stream_op op)
{
    return op_arrays[op];
}

size_t oclab_stream_items(const oclab_stream_shape *s)
{
    return s->wg * s->groups;
}

size_t oclab_stream_floats(const oclab_stream_shape *s)
{
    return oclab_stream_items(s) * s->per_wi * (size_t)s->vec;
}

double oclab_stream_bytes(const oclab_stream_shape *s)
{
    return (double)op_arrays[s->op] * (double)oclab_stream_floats(s) * sizeof(float) * s->passes;
}

void oclab_stream_fill(float *x, size_t n, uint64_t seed)
{
    uint64_t state = seed * 2654435761u + 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < n; i++) {
        /* xorshift64*: cheap, deterministic, no pattern a compressor would find */
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        uint64_t r = (state * 0x2545F4914F6CDD1Dull) >> 33;
        x[i] = (float)((int)(r % 33u) - 16) / 16.0f;
    }
}

/* Float index of lane 0 of vector K of work-item G. */
static size_t vector_start(const oclab_stream_shape *s, size_t g, size_t k)
{
    size_t v = s->interleaved ? g + k * oclab_stream_items(s) : g * s->per_wi + k;
    return v * (size_t)s->vec;
}

/* What work-item G of a read adds up in one pass: the sum of its elements and of their magnitudes. */
static void item_pass_sums(const oclab_stream_shape *s, const float *x, size_t g, double *sum, double *mass)
{
    *sum = *mass = 0.0;
    for (size_t k = 0; k < s->per_wi; k++) {
        const float *v = x + vector_start(s, g, k);
        for (int l = 0; l < s->vec; l++) {
            *sum += v[l];
            *mass += fabs(v[l]);
        }
    }
}

static int verify_read(const oclab_stream_shape *s, const float *x, const float *partials, char *why,
                       size_t len)
{
    for (size_t g = 0; g < oclab_stream_items(s); g++) {
        double ref, mass;
        item_pass_sums(s, x, g, &ref, &mass);
        ref *= s->passes;
        mass *= s->passes;
        /* Multiples of 1/16 add exactly in float while partial sums stay below 2^20; beyond, allow
         * rounding of a millionth of the summed magnitude. */
        double tol = mass < 1048576.0 ? 0.0 : mass * 0x1p-20;
        if (!(fabs(partials[g] - ref) <= tol)) {
            snprintf(why, len, "read: work-item %zu summed %.9g, expected %.9g", g, partials[g], ref);
            return -1;
        }
    }
    return 0;
}

/* One full run in two failed a 16 KiB read at 213583 passes, 1% off: partial sums beyond 2^20 rounded. */
cl_uint oclab_stream_exact_passes(const oclab_stream_shape *s, const float *x)
{
    if (s->passes <= 1)
        return s->passes;
    double most = 0.0;
    for (size_t g = 0; g < oclab_stream_items(s); g++) {
        double sum, mass;
        item_pass_sums(s, x, g, &sum, &mass);
        most = fmax(most, mass);
    }
    double p = most > 0.0 ? floor(1048576.0 / most) : (double)s->passes;
    return p < 1.0 ? 1u : p >= (double)s->passes ? s->passes : (cl_uint)p;
}

/* Element I of a launch's destination as the host computes it (not read). */
static float expected(const oclab_stream_shape *s, const float *x, const float *y, size_t i)
{
    const float k = OCLAB_STREAM_SCALAR;
    float want = 0.0f;
    uint32_t bits = (uint32_t)i + 0x00800000u; /* write: the bits of the index + 2^23, normal floats */
    switch (s->op) {
    case OCLAB_STREAM_WRITE: memcpy(&want, &bits, sizeof want); break;
    case OCLAB_STREAM_COPY: want = x[i]; break;
    case OCLAB_STREAM_SCALE: want = k * x[i]; break;
    case OCLAB_STREAM_ADD: want = x[i] + y[i]; break;
    default: want = x[i] + k * y[i]; break; /* triad: exact for the fill's values */
    }
    return want;
}

/* Bitwise: a poisoned NaN must never compare as anything else. */
static int check_element(const oclab_stream_shape *s, const float *x, const float *y, const float *dst, size_t i,
                         char *why, size_t len)
{
    float want = expected(s, x, y, i);
    if (memcmp(&dst[i], &want, sizeof want) == 0)
        return 0;
    snprintf(why, len, "%s: element %zu is %.9g, expected %.9g", op_names[s->op], i, dst[i], want);
    return -1;
}

int oclab_stream_verify(const oclab_stream_shape *s, const float *x, const float *y, const float *dst,
                        char *why, size_t len)
{
    if (s->op == OCLAB_STREAM_READ)
        return verify_read(s, x, dst, why, len);
    size_t n = oclab_stream_floats(s);
    for (size_t i = 0; i < n; i++)
        if (check_element(s, x, y, dst, i, why, len) != 0)
            return -1;
    return 0;
}

int oclab_stream_verify_sampled(const oclab_stream_shape *s, const float *x, const float *y, const float *dst,
                                int samples, char *why, size_t len)
{
    if (s->op == OCLAB_STREAM_READ)
        return verify_read(s, x, dst, why, len);
    size_t n = oclab_stream_floats(s);
    for (size_t g = 0; g < oclab_stream_items(s); g++)
        for (int l = 0; l < s->vec; l++)
            if (check_element(s, x, y, dst, vector_start(s, g, 0) + (size_t)l, why, len) != 0 ||
                check_element(s, x, y, dst, vector_start(s, g, s->per_wi - 1) + (size_t)l, why, len) != 0)
                return -1;
    uint64_t state = 0x9E3779B97F4A7C15ull ^ n;
    for (int i = 0; i < samples; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        if (check_element(s, x, y, dst, (size_t)((state >> 17) % n), why, len) != 0)
            return -1;
    }
    return 0;
}

int oclab_stream_acc(const oclab_stream_shape *s)
{
    return s->op != OCLAB_STREAM_READ ? 1 : s->acc > 0 ? s->acc : OCLAB_STREAM_READ_ACC;
}

uint64_t oclab_stream_trips(const oclab_stream_shape *s)
{
    uint64_t per_pass = s->op == OCLAB_STREAM_READ
                            ? (uint64_t)s->per_wi / (uint64_t)oclab_stream_acc(s) + s->per_wi % oclab_stream_acc(s) + 3
                            : (uint64_t)s->per_wi + 2;
    return per_pass * s->passes + 1;
}

cl_int oclab_stream_build(oclab_cl *cl, const oclab_stream_shape *s, cl_program *program, cl_kernel *kernel)
{
    cl_int err = CL_SUCCESS;
    char options[128], name[32];
    *kernel = NULL;
    snprintf(options, sizeof options, "-D ONE_KERNEL -D %s -D VEC=%d -D NACC=%d -D BLOCKED=%d", op_defines[s->op],
             s->vec, oclab_stream_acc(s), !s->interleaved);
    snprintf(name, sizeof name, "stream_%s", op_names[s->op]);
    CL_TRY(oclab_cl_build(cl, "stream.cl", options, program));
    CL_TRY(oclab_cl_kernel(*program, name, kernel));
cleanup:
    if (err != CL_SUCCESS)
        oclab_cl_release_program(program);
    return err;
}

cl_int oclab_stream_enqueue(oclab_cl *cl, cl_kernel kernel, const oclab_stream_shape *s, cl_mem dst, cl_mem x,
                            cl_mem y, cl_event *event)
{
    cl_int err = CL_SUCCESS;
    size_t global = oclab_stream_items(s), local = s->wg;
    cl_uint items = (cl_uint)global, per_wi = s->per_wi, passes = s->passes;
    cl_uint wi_stride = s->interleaved ? 1u : per_wi, k_stride = s->interleaved ? items : 1u;
    float scalar = OCLAB_STREAM_SCALAR;
    CL_TRY(oclab_cl_arg(kernel, 0, sizeof dst, &dst));
    CL_TRY(oclab_cl_arg(kernel, 1, sizeof x, &x));
    CL_TRY(oclab_cl_arg(kernel, 2, sizeof y, &y));
    CL_TRY(oclab_cl_arg(kernel, 3, sizeof scalar, &scalar));
    CL_TRY(oclab_cl_arg(kernel, 4, sizeof per_wi, &per_wi));
    CL_TRY(oclab_cl_arg(kernel, 5, sizeof wi_stride, &wi_stride));
    CL_TRY(oclab_cl_arg(kernel, 6, sizeof k_stride, &k_stride));
    CL_TRY(oclab_cl_arg(kernel, 7, sizeof passes, &passes));
    CL_TRY(clEnqueueNDRangeKernel(cl->queue, kernel, 1, NULL, &global, &local, 0, NULL, event));
cleanup:
    return err;
}
