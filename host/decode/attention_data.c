/* The attention problems verified and timed (attention.h): pseudo-random q, K and V, peaked the way
 * real decode attention is, and their double reference. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/decode/attention.h"
#include "roofline/quant.h"

#define SLAB_ROWS 1024   /* K and V are generated and encoded in slabs, so the float copy stays small */
#define RANDOM_PEAKS 2   /* random peaks per sequence, plus one per 8192 rows */
#define PEAKS_PER 8192
#define MIN_GAP 2.0      /* a peak's score above the rest, at least (natural log units) */
#define MAX_K 8.0f       /* a peak row's elements at most (f16 and q8_0 hold them exactly enough) */

static uint64_t rng_next(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return *state >> 33;
}

static float rng_uniform(uint64_t *state) /* [-1, 1), in steps of 2^-30: never a denormal */
{
    return (float)((double)rng_next(state) / (double)(1ULL << 30) - 1.0);
}

/* One peak: K row ROW of its sequence gets a score GAP above the rest for query head HEAD of the
 * group, or for all of them (HEAD < 0: a sink). */
typedef struct {
    uint64_t row;
    int head;
    double gap;
} peak;

/* The peaks of a sequence of S rows, in row order: the sink at 0, random rows, the newest row. */
static int peaks_of(uint64_t context, uint64_t group, uint64_t *state, peak *out)
{
    int n = 0, random = RANDOM_PEAKS + (int)(context / PEAKS_PER);
    double gap = fmax(MIN_GAP, log((double)context / (double)(random + 2)));
    out[n++] = (peak){0, -1, gap};
    for (int i = 0; i < random && context > 2; i++) {
        uint64_t row = 1 + rng_next(state) % (context - 2);
        out[n++] = (peak){row, (int)(rng_next(state) % group), gap + 0.5 * rng_uniform(state)};
    }
    if (context > 1)
        out[n++] = (peak){context - 1, (int)(rng_next(state) % group), gap};
    for (int a = 1; a < n; a++) /* insertion sort: a few entries */
        for (int b = a; b > 1 && out[b].row < out[b - 1].row; b--) {
            peak t = out[b];
            out[b] = out[b - 1];
            out[b - 1] = t;
        }
    return n;
}

/* K row X (D floats) for peak P against the group's queries QG [group][D]: x = c sign(direction), the
 * direction being the peak's query head (or the group's sum, for a sink), c so that the head's score
 * (or the group's mean score) is the gap. */
static void peak_row(const peak *p, const float *qg, uint64_t group, uint64_t d, float *x)
{
    double dot = 0.0;
    for (uint64_t i = 0; i < d; i++) {
        double dir = 0.0;
        for (uint64_t g = 0; g < group; g++)
            dir += p->head < 0 || (uint64_t)p->head == g ? qg[g * d + i] : 0.0;
        x[i] = dir >= 0.0 ? 1.0f : -1.0f;
        for (uint64_t g = 0; g < group; g++) /* the scores the unit row gives */
            if (p->head < 0 || (uint64_t)p->head == g)
                dot += x[i] * qg[g * d + i];
    }
    dot /= (p->head < 0 ? (double)group : 1.0) * sqrt((double)d);
    float c = dot > 0.0 ? (float)fmin(p->gap / dot, MAX_K) : 0.0f;
    for (uint64_t i = 0; i < d; i++)
        x[i] *= c;
}

/* SEQS x CONTEXT rows of D, uniform in [OFFSET - 1, OFFSET + 1), encoded into OUT slab by slab; with
 * Q (K only), each sequence's peak rows replaced (peaks_of, peak_row). */
static int make_cache(const rl_attn_shape *s, const float *q, float offset, uint64_t *state, uint8_t *out)
{
    uint64_t d = s->head_dim, group = s->heads / s->kv_heads, row_bytes;
    uint64_t seqs = s->batch * s->kv_heads, rows = seqs * s->context;
    rl_kv_row_bytes(s->kv, d, &row_bytes, NULL, 0);
    float *x = malloc((size_t)(SLAB_ROWS * d) * sizeof *x);
    peak *peaks = malloc((size_t)(RANDOM_PEAKS + s->context / PEAKS_PER + 2) * sizeof *peaks);
    if (!x || !peaks) {
        free(x);
        free(peaks);
        return -1;
    }
    uint64_t peak_state = *state ^ 0x9e3779b97f4a7c15ULL;
    int n_peaks = 0, next = 0;
    for (uint64_t r = 0; r < rows; r += SLAB_ROWS) {
        uint64_t n = rows - r < SLAB_ROWS ? rows - r : SLAB_ROWS;
        for (uint64_t i = 0; i < n * d; i++)
            x[i] = offset + rng_uniform(state);
        for (uint64_t i = 0; q && i < n; i++) {
            uint64_t row = r + i, seq = row / s->context, at = row % s->context;
            if (at == 0) { /* a new sequence: its peaks */
                n_peaks = peaks_of(s->context, group, &peak_state, peaks);
                next = 0;
            }
            /* q of the sequence's group: batch seq / Hkv, heads (seq % Hkv) x group onwards */
            const float *qg = q + (seq / s->kv_heads * s->heads + seq % s->kv_heads * group) * d;
            for (; next < n_peaks && peaks[next].row == at; next++)
                peak_row(&peaks[next], qg, group, d, x + i * d);
        }
        rl_encode_kv(s->kv, x, n, d, out + r * row_bytes);
    }
    free(x);
    free(peaks);
    return 0;
}

void oclab_attn_problem_reference(oclab_attn_problem *p)
{
    const rl_attn_shape *s = &p->shape;
    rl_attention_ref(s->kv, p->q, p->k, p->v, s->batch, s->heads, s->kv_heads, s->head_dim, s->context, p->want);
}

void oclab_attn_problem_free(oclab_attn_problem *p)
{
    free(p->q);
    free(p->k);
    free(p->v);
    free(p->want);
    memset(p, 0, sizeof *p);
}

int oclab_attn_problem_make(const rl_attn_shape *s, const oclab_attn_data *data, oclab_attn_problem *p)
{
    uint64_t row_bytes;
    memset(p, 0, sizeof *p);
    p->shape = *s;
    if (rl_kv_row_bytes(s->kv, s->head_dim, &row_bytes, NULL, 0) != 0)
        return -1;
    p->kv_bytes = (size_t)(s->batch * s->kv_heads * s->context * row_bytes);
    p->outputs = (size_t)(s->batch * s->heads * s->head_dim);
    p->q = malloc(p->outputs * sizeof *p->q);
    p->k = malloc(p->kv_bytes);
    p->v = malloc(p->kv_bytes);
    p->want = malloc(p->outputs * sizeof *p->want);
    uint64_t state = data->seed + s->context * 7919 + s->heads * 131 + s->head_dim;
    if (p->q)
        for (size_t i = 0; i < p->outputs; i++)
            p->q[i] = data->q_gain * rng_uniform(&state);
    if (!p->q || !p->k || !p->v || !p->want || make_cache(s, data->peaks ? p->q : NULL, 0.0f, &state, p->k) != 0 ||
        make_cache(s, NULL, 0.5f, &state, p->v) != 0) {
        oclab_attn_problem_free(p);
        return -1;
    }
    oclab_attn_problem_reference(p);
    return 0;
}
