/* Native limits of this CPU for tests/bench/peak_vs_native: STREAM read/copy/triad with OpenMP on
 * arrays far beyond the last-level cache, and FMA peaks (f32, f64) at the widest vectors the compiler
 * targets (native_vec.h: AVX-512, AVX2, SSE alike), with the best of 8, 10, 12 and 16 independent
 * accumulators per thread (an FMA pipe needs latency x pipes chains; spills start where the register
 * file ends, 16 or 32 registers). Prints "name value" lines; each value is the median over
 * repetitions, the statistic oclab peak reports.
 * Build: cc -O3 -march=native -ffp-contract=fast -fopenmp native.c -o native -lm */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../native_vec.h"

#define REPS 11
#define NACC 16

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return v[n / 2];
}

static float *array(size_t n, uint64_t seed)
{
    float *a = aligned_alloc(64, n * sizeof(float));
    if (!a) {
        fprintf(stderr, "native: out of memory\n");
        exit(1);
    }
#pragma omp parallel for schedule(static) /* first touch by the thread that streams it */
    for (size_t i = 0; i < n; i++) {
        uint64_t r = (i + 1) * 0x9E3779B97F4A7C15ull ^ seed;
        r ^= r >> 29;
        a[i] = (float)((int)(r % 33u) - 16) / 16.0f;
    }
    return a;
}

static void stream(size_t n)
{
    float *a = array(n, 1), *b = array(n, 2), *c = array(n, 3);
    double t[3][REPS];
    volatile float sink = 0.0f;
    const float s = 3.0f;
    for (int r = 0; r < REPS; r++) {
        double t0 = omp_get_wtime();
        sink += native_read_sum(a, n);
        double t1 = omp_get_wtime();
#pragma omp parallel for simd schedule(static)
        for (size_t i = 0; i < n; i++)
            c[i] = a[i];
        double t2 = omp_get_wtime();
#pragma omp parallel for simd schedule(static)
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] + s * c[i];
        double t3 = omp_get_wtime();
        t[0][r] = n * 4.0 / (t1 - t0) / 1e9;
        t[1][r] = n * 8.0 / (t2 - t1) / 1e9;
        t[2][r] = n * 12.0 / (t3 - t2) / 1e9;
    }
    printf("stream_read_gbs %.2f\nstream_copy_gbs %.2f\nstream_triad_gbs %.2f\n", median(t[0], REPS),
           median(t[1], REPS), median(t[2], REPS));
    free(a);
    free(b);
    free(c);
    (void)sink;
}

/* acc = acc * -1 + 1 stays bounded; read from volatiles, so the compiler cannot fold it to 1 - acc */
static volatile float fma_b = -1.0f, fma_c = 1.0f;

/* GFLOP/s of every thread running NACC independent FMA chains of TYPE (acc = acc * b + c) for ITERS
 * steps: the compiler contracts the multiply-add into one FMA (-ffp-contract=fast). */
#define FMA_PEAK(type, lanes, nacc)                                                                \
    static double fma_##type##_##nacc(long iters)                                                  \
    {                                                                                              \
        volatile double sink = 0.0;                                                                \
        double t0 = omp_get_wtime();                                                               \
        _Pragma("omp parallel") {                                                                  \
            type acc[nacc], b = (type){0} + fma_b, c = (type){0} + fma_c;                          \
            for (int j = 0; j < nacc; j++)                                                         \
                acc[j] = (type){0} + (float)j;                                                     \
            for (long i = 0; i < iters; i++)                                                       \
                for (int j = 0; j < nacc; j++)                                                     \
                    acc[j] = acc[j] * b + c;                                                       \
            for (int j = 1; j < nacc; j++)                                                         \
                acc[0] += acc[j];                                                                  \
            double s = 0.0;                                                                        \
            for (int l = 0; l < lanes; l++)                                                        \
                s += acc[0][l];                                                                    \
            _Pragma("omp atomic") sink += s;                                                       \
        }                                                                                          \
        double t1 = omp_get_wtime();                                                               \
        return 2.0 * lanes * nacc * (double)iters * omp_get_max_threads() / (t1 - t0) / 1e9;       \
    }
FMA_PEAK(vfloat, VF_LANES, 8)
FMA_PEAK(vfloat, VF_LANES, 10)
FMA_PEAK(vfloat, VF_LANES, 12)
FMA_PEAK(vfloat, VF_LANES, 16)
FMA_PEAK(vdouble, VD_LANES, 8)
FMA_PEAK(vdouble, VD_LANES, 10)
FMA_PEAK(vdouble, VD_LANES, 12)
FMA_PEAK(vdouble, VD_LANES, 16)

typedef double (*fma_fn)(long iters);

/* The best median over the accumulator counts of one precision: "NAME_gflops" and
 * "NAME_accumulators" lines. */
static void best_peak(const char *name, const fma_fn *fns, const int *naccs, int n, long iters)
{
    double best = 0.0;
    int best_nacc = 0;
    for (int k = 0; k < n; k++) {
        double g[REPS];
        for (int r = 0; r < REPS; r++)
            g[r] = fns[k](iters);
        double m = median(g, REPS);
        if (m > best) {
            best = m;
            best_nacc = naccs[k];
        }
    }
    printf("%s_gflops %.2f\n%s_accumulators %d\n", name, best, name, best_nacc);
}

static void fma_peak(long iters)
{
    static const int naccs[] = {8, 10, 12, 16};
    static const fma_fn f32[] = {fma_vfloat_8, fma_vfloat_10, fma_vfloat_12, fma_vfloat_16};
    static const fma_fn f64[] = {fma_vdouble_8, fma_vdouble_10, fma_vdouble_12, fma_vdouble_16};
    best_peak("fma_f32", f32, naccs, 4, iters);
    best_peak("fma_f64", f64, naccs, 4, iters);
}

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 256; /* per array */
    long iters = argc > 2 ? strtol(argv[2], NULL, 10) : 10000000;
    if (mib == 0 || iters <= 0) {
        fprintf(stderr, "usage: native [MiB per array (256)] [FMA iterations (10000000)]\n");
        return 2;
    }
    printf("threads %d\n", omp_get_max_threads());
    stream(mib * 1024 * 1024 / sizeof(float));
    fma_peak(iters);
    return 0;
}
