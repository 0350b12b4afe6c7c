/* Host reference GEMV (quant.h): decode one weight row at a time, accumulate in double. */
#include <math.h>
#include <stdlib.h>

#include "roofline/quant.h"

void rl_gemv_ref(rl_format format, const void *w, uint64_t n, uint64_t k,
                 const float *x, uint64_t m, double *y)
{
    uint64_t bytes, outputs;
    if (y == NULL || __builtin_mul_overflow(m, n, &outputs)) {
        return;
    }
    float *row = NULL;
    if (w == NULL || x == NULL || m == 0 || rl_weight_bytes(format, n, k, &bytes, NULL, 0) != 0 ||
        (row = malloc(k * sizeof *row)) == NULL) {
        /* NaN outputs make any comparison against this reference fail loudly. */
        for (uint64_t i = 0; i < outputs; i++) {
            y[i] = NAN;
        }
        return;
    }
    for (uint64_t r = 0; r < n; r++) {
        rl_decode_row(format, w, n, k, r, row);
        for (uint64_t i = 0; i < m; i++) {
            const float *xi = x + i * k;
            double sum = 0.0;
            for (uint64_t j = 0; j < k; j++) {
                sum += (double)xi[j] * (double)row[j];
            }
            y[i * n + r] = sum;
        }
    }
    free(row);
}
