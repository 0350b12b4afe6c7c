/* Native C reference for the decode GEMV benchmark: STREAM-style read bandwidth (the peak bench's read:
 * 8 independent accumulators of the widest vector the compiler targets, ../native_vec.h), and plain C
 * q4_0 / q8_0 GEMV loops (M = 1, ggml block layout, f32 activations, float accumulation) over cold
 * weights: copies totalling well beyond the last-level cache, rotated between repetitions. The loops
 * are written plainly for the compiler to vectorize (-O3 -march=native -fopenmp), no intrinsics: the
 * same source builds on any x86-64 CPU.
 *
 * usage: native read|q4_0|q8_0 N K [reps]     prints one line: "<what> N K gbs_median gbs_best" */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../native_vec.h"

#define QK 32
#define COLD_BYTES (256ull << 20) /* 8x a 32 MiB LLC */

typedef struct { uint16_t d; uint8_t qs[QK / 2]; } block_q4_0;
typedef struct { uint16_t d; int8_t qs[QK]; } block_q8_0;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static float half_to_float(uint16_t h) /* normal and zero scales only (what quantization produces) */
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, rest = h & 0x7fff;
    uint32_t bits = rest ? sign | ((rest << 13) + 0x38000000u) : sign;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* 32 lane-wise partial sums: the compiler vectorizes them without reassociating (no -ffast-math);
 * a q4_0 block is first unpacked to floats (minus 8), then multiplied. */
static float hsum(const float *acc)
{
    float s = 0.0f;
    for (int v = 0; v < QK; v++)
        s += acc[v];
    return s;
}

static float dot_q4_0(const block_q4_0 *row, const float *x, int nb)
{
    float acc[QK] = {0};
    for (int b = 0; b < nb; b++) {
        float d = half_to_float(row[b].d);
        float lo[QK / 2], hi[QK / 2];
        for (int j = 0; j < QK / 2; j++) {
            lo[j] = (float)(row[b].qs[j] & 15) - 8.0f;
            hi[j] = (float)(row[b].qs[j] >> 4) - 8.0f;
        }
        for (int j = 0; j < QK / 2; j++) {
            acc[j] += d * lo[j] * x[b * QK + j];
            acc[j + QK / 2] += d * hi[j] * x[b * QK + j + QK / 2];
        }
    }
    return hsum(acc);
}

static float dot_q8_0(const block_q8_0 *row, const float *x, int nb)
{
    float acc[QK] = {0};
    for (int b = 0; b < nb; b++) {
        float d = half_to_float(row[b].d);
        for (int j = 0; j < QK; j++)
            acc[j] += d * (float)row[b].qs[j] * x[b * QK + j];
    }
    return hsum(acc);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s read|q4_0|q8_0 N K [reps]\n", argv[0]);
        return 2;
    }
    const char *what = argv[1];
    long n = atol(argv[2]), k = atol(argv[3]);
    int reps = argc > 4 ? atoi(argv[4]) : 30;
    if (n <= 0 || k <= 0 || k % QK || reps < 1) {
        fprintf(stderr, "bad sizes\n");
        return 2;
    }
    int nb = (int)(k / QK);
    size_t bytes;
    if (!strcmp(what, "q4_0"))
        bytes = (size_t)n * nb * sizeof(block_q4_0);
    else if (!strcmp(what, "q8_0"))
        bytes = (size_t)n * nb * sizeof(block_q8_0);
    else if (!strcmp(what, "read"))
        bytes = (size_t)n * k * sizeof(float);
    else {
        fprintf(stderr, "unknown kernel %s\n", what);
        return 2;
    }
    int copies = (int)((COLD_BYTES + bytes - 1) / bytes);
    unsigned char **w = malloc(copies * sizeof *w);
    float *x = malloc(k * sizeof *x), *y = malloc(n * sizeof *y);
    double *t = malloc(reps * sizeof *t);
    uint64_t state = 12345;
    for (long j = 0; j < k; j++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        x[j] = (float)((state >> 40) % 2001) / 1000.0f - 1.0f;
    }
    for (int c = 0; c < copies; c++) {
        w[c] = aligned_alloc(64, (bytes + 63) / 64 * 64);
        /* first touch by the threads that will read it, pseudo-random bytes with sane fp16 scales */
#pragma omp parallel for
        for (size_t i = 0; i < bytes; i++)
            w[c][i] = (unsigned char)((i * 2654435761u) >> 13);
        if (strcmp(what, "read") != 0) {
            size_t bb = !strcmp(what, "q4_0") ? sizeof(block_q4_0) : sizeof(block_q8_0);
            for (size_t b = 0; b < bytes / bb; b++) {
                uint16_t d = 0x2000 + (uint16_t)(b % 1024); /* ~0.008 .. 0.016 */
                memcpy(w[c] + b * bb, &d, 2);
            }
        }
    }
    double sink = 0.0;
    for (int r = -1; r < reps; r++) { /* r = -1: warm-up */
        const unsigned char *wc = w[(r + 1) % copies];
        double t0 = now();
        if (!strcmp(what, "read")) {
            sink += native_read_sum((const float *)wc, bytes / sizeof(float) / READ_STEP * READ_STEP);
        } else if (!strcmp(what, "q4_0")) {
            const block_q4_0 *blocks = (const block_q4_0 *)wc;
#pragma omp parallel for schedule(static)
            for (long row = 0; row < n; row++)
                y[row] = dot_q4_0(blocks + row * nb, x, nb);
            sink += y[0];
        } else {
            const block_q8_0 *blocks = (const block_q8_0 *)wc;
#pragma omp parallel for schedule(static)
            for (long row = 0; row < n; row++)
                y[row] = dot_q8_0(blocks + row * nb, x, nb);
            sink += y[0];
        }
        if (r >= 0)
            t[r] = now() - t0;
    }
    qsort(t, reps, sizeof *t, cmp);
    double moved = (double)bytes + (strcmp(what, "read") ? (double)k * 4 + (double)n * 4 : 0.0);
    printf("%s %ld %ld %.2f %.2f threads=%d copies=%d sink=%g\n", what, n, k, moved / t[reps / 2] / 1e9,
           moved / t[0] / 1e9, omp_get_max_threads(), copies, sink != sink ? 0.0 : 1.0);
    return 0;
}
