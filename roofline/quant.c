/* ggml block quantization and matrix encode/decode (quant.h). */
#include <math.h>
#include <string.h>

#include "roofline/quant.h"

/* ggml's quantize_row_q8_0_ref: d = amax/127, q = round(x/d). */
void rl_quantize_q8_0(const float *x, rl_block_q8_0 *blocks, size_t k)
{
    for (size_t b = 0; b < k / RL_QK; b++) {
        const float *xb = x + b * RL_QK;
        float amax = 0.0f;
        for (int j = 0; j < RL_QK; j++) {
            amax = fmaxf(amax, fabsf(xb[j]));
        }
        float d = amax / 127.0f;
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        blocks[b].d = rl_f32_to_f16(d);
        for (int j = 0; j < RL_QK; j++) {
            blocks[b].qs[j] = (int8_t)roundf(xb[j] * id);
        }
    }
}

/* ggml's quantize_row_q4_0_ref: the signed value of largest magnitude maps to -8, so d = max/-8;
 * q = min(15, (int8)(x/d + 8.5)). */
void rl_quantize_q4_0(const float *x, rl_block_q4_0 *blocks, size_t k)
{
    for (size_t b = 0; b < k / RL_QK; b++) {
        const float *xb = x + b * RL_QK;
        float amax = 0.0f;
        float max = 0.0f;
        for (int j = 0; j < RL_QK; j++) {
            if (amax < fabsf(xb[j])) {
                amax = fabsf(xb[j]);
                max = xb[j];
            }
        }
        float d = max / -8.0f;
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        blocks[b].d = rl_f32_to_f16(d);
        for (int j = 0; j < RL_QK / 2; j++) {
            int lo = (int8_t)(xb[j] * id + 8.5f);
            int hi = (int8_t)(xb[j + RL_QK / 2] * id + 8.5f);
            lo = lo < 15 ? lo : 15;
            hi = hi < 15 ? hi : 15;
            blocks[b].qs[j] = (uint8_t)(lo | hi << 4);
        }
    }
}

/* i8_pc row: symmetric int8 with one f32 scale, amax/127 like q8_0 but over the whole row. */
static void quantize_i8_row(const float *x, uint64_t k, int8_t *q, float *scale)
{
    float amax = 0.0f;
    for (uint64_t j = 0; j < k; j++) {
        amax = fmaxf(amax, fabsf(x[j]));
    }
    float d = amax / 127.0f;
    float id = d != 0.0f ? 1.0f / d : 0.0f;
    for (uint64_t j = 0; j < k; j++) {
        q[j] = (int8_t)roundf(x[j] * id);
    }
    *scale = d;
}

int rl_encode_matrix(rl_format format, const float *w, uint64_t n, uint64_t k, void *out)
{
    uint64_t bytes;
    if (w == NULL || out == NULL || rl_weight_bytes(format, n, k, &bytes, NULL, 0) != 0) {
        return -1;
    }
    uint64_t count = n * k; /* checked by rl_weight_bytes */
    switch (format) {
    case RL_FMT_F32:
        memcpy(out, w, count * sizeof(float));
        break;
    case RL_FMT_F16:
    case RL_FMT_BF16: {
        uint16_t *h = out;
        for (uint64_t i = 0; i < count; i++) {
            h[i] = format == RL_FMT_F16 ? rl_f32_to_f16(w[i]) : rl_f32_to_bf16(w[i]);
        }
        break;
    }
    case RL_FMT_Q8_0: /* rows are whole blocks, so the matrix quantizes as one long row */
        rl_quantize_q8_0(w, out, count);
        break;
    case RL_FMT_Q4_0:
        rl_quantize_q4_0(w, out, count);
        break;
    case RL_FMT_I8_PC: {
        int8_t *q = out;
        unsigned char *scales = (unsigned char *)out + count; /* may be unaligned: memcpy */
        for (uint64_t r = 0; r < n; r++) {
            float scale;
            quantize_i8_row(w + r * k, k, q + r * k, &scale);
            memcpy(scales + r * sizeof(float), &scale, sizeof scale);
        }
        break;
    }
    default:
        return -1;
    }
    return 0;
}

void rl_decode_row(rl_format format, const void *w, uint64_t n, uint64_t k, uint64_t row, float *out)
{
    uint64_t bytes;
    if (w == NULL || out == NULL || row >= n || rl_weight_bytes(format, n, k, &bytes, NULL, 0) != 0) {
        return;
    }
    switch (format) {
    case RL_FMT_F32:
        memcpy(out, (const float *)w + row * k, k * sizeof(float));
        break;
    case RL_FMT_F16:
    case RL_FMT_BF16: {
        const uint16_t *h = (const uint16_t *)w + row * k;
        for (uint64_t j = 0; j < k; j++) {
            out[j] = format == RL_FMT_F16 ? rl_f16_to_f32(h[j]) : rl_bf16_to_f32(h[j]);
        }
        break;
    }
    case RL_FMT_Q8_0: {
        const rl_block_q8_0 *blocks = (const rl_block_q8_0 *)w + row * (k / RL_QK);
        for (uint64_t b = 0; b < k / RL_QK; b++) {
            float d = rl_f16_to_f32(blocks[b].d);
            for (int j = 0; j < RL_QK; j++) {
                out[b * RL_QK + j] = (float)blocks[b].qs[j] * d;
            }
        }
        break;
    }
    case RL_FMT_Q4_0: {
        const rl_block_q4_0 *blocks = (const rl_block_q4_0 *)w + row * (k / RL_QK);
        for (uint64_t b = 0; b < k / RL_QK; b++) {
            float d = rl_f16_to_f32(blocks[b].d);
            for (int j = 0; j < RL_QK / 2; j++) {
                out[b * RL_QK + j] = (float)((blocks[b].qs[j] & 0x0f) - 8) * d;
                out[b * RL_QK + j + RL_QK / 2] = (float)((blocks[b].qs[j] >> 4) - 8) * d;
            }
        }
        break;
    }
    case RL_FMT_I8_PC: {
        const int8_t *q = (const int8_t *)w + row * k;
        float scale;
        memcpy(&scale, (const unsigned char *)w + n * k + row * sizeof(float), sizeof scale);
        for (uint64_t j = 0; j < k; j++) {
            out[j] = (float)q[j] * scale;
        }
        break;
    }
    default:
        break;
    }
}

int rl_encode_kv(rl_format format, const float *x, uint64_t rows, uint64_t d, void *out)
{
    uint64_t row_bytes;
    if (x == NULL || out == NULL || rows == 0 || rl_kv_row_bytes(format, d, &row_bytes, NULL, 0) != 0) {
        return -1;
    }
    /* The KV layouts are the weight layouts of a rows x d matrix (q8_0 blocks along d). */
    return rl_encode_matrix(format, x, rows, d, out);
}

double rl_max_rel_error(const float *got, const double *want, size_t n, double floor)
{
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double scale = fmax(fabs(want[i]), floor);
        double e = fabs((double)got[i] - want[i]) / scale;
        if (isnan(e)) { /* a NaN must fail verification, and fmax would drop it */
            return NAN;
        }
        worst = e > worst ? e : worst;
    }
    return worst;
}
