/* Host reference attention decode (quant.h): exact softmax in double over decoded K/V rows. */
#include <math.h>
#include <stdlib.h>

#include "roofline/quant.h"

static void fill_nan(double *out, uint64_t count)
{
    for (uint64_t i = 0; i < count; i++) {
        out[i] = NAN;
    }
}

void rl_attention_ref(rl_format kv, const float *q, const void *k, const void *v,
                      uint64_t batch, uint64_t heads, uint64_t kv_heads, uint64_t head_dim,
                      uint64_t context, double *out)
{
    uint64_t outputs, rows, row_bytes;
    if (out == NULL || __builtin_mul_overflow(batch, heads, &outputs) ||
        __builtin_mul_overflow(outputs, head_dim, &outputs)) {
        return;
    }
    if (q == NULL || k == NULL || v == NULL || outputs == 0 || kv_heads == 0 || context == 0 ||
        heads % kv_heads != 0 || rl_kv_row_bytes(kv, head_dim, &row_bytes, NULL, 0) != 0 ||
        __builtin_mul_overflow(batch * kv_heads, context, &rows)) {
        fill_nan(out, outputs);
        return;
    }
    double *scores = malloc(context * sizeof *scores);
    float *row = malloc(head_dim * sizeof *row);
    double *acc = malloc(head_dim * sizeof *acc);
    if (scores == NULL || row == NULL || acc == NULL) {
        fill_nan(out, outputs);
        goto done;
    }
    uint64_t group = heads / kv_heads;
    double scale = 1.0 / sqrt((double)head_dim);
    for (uint64_t b = 0; b < batch; b++) {
        for (uint64_t h = 0; h < heads; h++) {
            const float *qh = q + (b * heads + h) * head_dim;
            uint64_t first = (b * kv_heads + h / group) * context; /* first KV row of this head */
            double max = -INFINITY;
            for (uint64_t t = 0; t < context; t++) {
                rl_decode_row(kv, k, rows, head_dim, first + t, row);
                double dot = 0.0;
                for (uint64_t j = 0; j < head_dim; j++) {
                    dot += (double)qh[j] * (double)row[j];
                }
                scores[t] = dot * scale;
                max = fmax(max, scores[t]);
            }
            double denom = 0.0;
            for (uint64_t j = 0; j < head_dim; j++) {
                acc[j] = 0.0;
            }
            for (uint64_t t = 0; t < context; t++) {
                double p = exp(scores[t] - max);
                denom += p;
                rl_decode_row(kv, v, rows, head_dim, first + t, row);
                for (uint64_t j = 0; j < head_dim; j++) {
                    acc[j] += p * (double)row[j];
                }
            }
            double *oh = out + (b * heads + h) * head_dim;
            for (uint64_t j = 0; j < head_dim; j++) {
                oh[j] = acc[j] / denom;
            }
        }
    }
done:
    free(scores);
    free(row);
    free(acc);
}
