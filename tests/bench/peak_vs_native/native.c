/* Native limits of this CPU for tests/bench/peak_vs_native: STREAM read/copy/triad with OpenMP on
 * arrays far beyond the last-level cache, and AVX-512 FMA peaks (f32, f64) with 16 independent
 * accumulators per thread. Prints "name value" lines; each value is the median over repetitions,
 * the statistic oclab peak reports.
 * Build: cc -O3 -march=native -fopenmp native.c -o native -lm */
#include <immintrin.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef __AVX512F__
#error "native.c measures AVX-512 peaks: build with -march=native on an AVX-512 machine"
#endif

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

static float read_sum(const float *a, size_t n)
{
    float total = 0.0f;
#pragma omp parallel reduction(+ : total)
    {
        __m512 acc[8];
        for (int j = 0; j < 8; j++)
            acc[j] = _mm512_setzero_ps();
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i += 128)
            for (int j = 0; j < 8; j++)
                acc[j] = _mm512_add_ps(acc[j], _mm512_load_ps(a + i + 16 * j));
        for (int j = 1; j < 8; j++)
            acc[0] = _mm512_add_ps(acc[0], acc[j]);
        total += _mm512_reduce_add_ps(acc[0]);
    }
    return total;
}

static void stream(size_t n)
{
    float *a = array(n, 1), *b = array(n, 2), *c = array(n, 3);
    double t[3][REPS];
    volatile float sink = 0.0f;
    const float s = 3.0f;
    for (int r = 0; r < REPS; r++) {
        double t0 = omp_get_wtime();
        sink += read_sum(a, n);
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

/* FMA chains: NACC independent vectors per thread, acc = acc * b + c. */
static void fma_peak(long iters)
{
    double f32[REPS], f64[REPS];
    volatile float fs = 0.0f;
    volatile double ds = 0.0;
    int threads = omp_get_max_threads();
    for (int r = 0; r < REPS; r++) {
        double t0 = omp_get_wtime();
#pragma omp parallel
        {
            __m512 acc[NACC], b = _mm512_set1_ps(-1.0f), c = _mm512_set1_ps(1.0f);
            for (int j = 0; j < NACC; j++)
                acc[j] = _mm512_set1_ps((float)j);
            for (long i = 0; i < iters; i++)
                for (int j = 0; j < NACC; j++)
                    acc[j] = _mm512_fmadd_ps(acc[j], b, c);
            for (int j = 1; j < NACC; j++)
                acc[0] = _mm512_add_ps(acc[0], acc[j]);
            fs += _mm512_reduce_add_ps(acc[0]);
        }
        double t1 = omp_get_wtime();
#pragma omp parallel
        {
            __m512d acc[NACC], b = _mm512_set1_pd(-1.0), c = _mm512_set1_pd(1.0);
            for (int j = 0; j < NACC; j++)
                acc[j] = _mm512_set1_pd((double)j);
            for (long i = 0; i < iters; i++)
                for (int j = 0; j < NACC; j++)
                    acc[j] = _mm512_fmadd_pd(acc[j], b, c);
            for (int j = 1; j < NACC; j++)
                acc[0] = _mm512_add_pd(acc[0], acc[j]);
            ds += _mm512_reduce_add_pd(acc[0]);
        }
        double t2 = omp_get_wtime();
        f32[r] = 2.0 * 16 * NACC * (double)iters * threads / (t1 - t0) / 1e9;
        f64[r] = 2.0 * 8 * NACC * (double)iters * threads / (t2 - t1) / 1e9;
    }
    printf("fma_f32_gflops %.2f\nfma_f64_gflops %.2f\n", median(f32, REPS), median(f64, REPS));
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
