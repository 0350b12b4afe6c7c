/* What the native references of tests/bench share: the widest float vector the compiler targets
 * (-march=native: 64 bytes with AVX-512, 32 with AVX/AVX2, 16 otherwise; GCC/Clang vector extensions,
 * no intrinsics, so the same source builds on any x86-64 CPU and elsewhere), and the strongest native
 * streaming read written with it. */
#ifndef OCLAB_TESTS_BENCH_NATIVE_VEC_H
#define OCLAB_TESTS_BENCH_NATIVE_VEC_H
#include <stddef.h>

#if defined(__AVX512F__)
#define NATIVE_VEC_BYTES 64
#elif defined(__AVX__)
#define NATIVE_VEC_BYTES 32
#else
#define NATIVE_VEC_BYTES 16
#endif

typedef float vfloat __attribute__((vector_size(NATIVE_VEC_BYTES)));
typedef double vdouble __attribute__((vector_size(NATIVE_VEC_BYTES)));
#define VF_LANES ((int)(NATIVE_VEC_BYTES / sizeof(float)))
#define VD_LANES ((int)(NATIVE_VEC_BYTES / sizeof(double)))

/* Floats a read step takes: 8 vectors, one per independent accumulator (a single chain of vector adds
 * is latency-bound below the memory's bandwidth). */
#define READ_STEP (8 * VF_LANES)

static inline float vfloat_sum(vfloat v)
{
    float s = 0.0f;
    for (int i = 0; i < VF_LANES; i++)
        s += v[i];
    return s;
}

/* Sum of A[0..N) (N a multiple of READ_STEP, A aligned to NATIVE_VEC_BYTES) over the OpenMP threads,
 * each streaming its static share with 8 independent vector accumulators. */
static inline float native_read_sum(const float *a, size_t n)
{
    float total = 0.0f;
#pragma omp parallel reduction(+ : total)
    {
        vfloat acc[8] = {{0}};
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i += READ_STEP)
            for (int j = 0; j < 8; j++)
                acc[j] += *(const vfloat *)(a + i + (size_t)j * VF_LANES);
        for (int j = 1; j < 8; j++)
            acc[0] += acc[j];
        total += vfloat_sum(acc[0]);
    }
    return total;
}

#endif
