/* Format names and byte counts (format.h). */
#include "roofline/format.h"

#include <stdio.h>
#include <string.h>

static const char *const format_names[RL_FMT_COUNT] = {
    [RL_FMT_F32] = "f32", [RL_FMT_F16] = "f16",   [RL_FMT_BF16] = "bf16",
    [RL_FMT_Q8_0] = "q8_0", [RL_FMT_Q4_0] = "q4_0", [RL_FMT_I8_PC] = "i8_pc",
};

int rl_format_parse(const char *name, rl_format *out)
{
    if (name == NULL || out == NULL) {
        return -1;
    }
    for (int f = 0; f < RL_FMT_COUNT; f++) {
        if (strcmp(name, format_names[f]) == 0) {
            *out = (rl_format)f;
            return 0;
        }
    }
    return -1;
}

const char *rl_format_name(rl_format format)
{
    if ((int)format < 0 || format >= RL_FMT_COUNT) {
        return "unknown";
    }
    return format_names[format];
}

/* Storage of each format: BYTES per block of ELEMS elements (blocks run along a row). i8_pc's
 * per-row scales come on top. */
static const struct {
    unsigned elems, bytes;
} layouts[RL_FMT_COUNT] = {
    [RL_FMT_F32] = {1, 4},       [RL_FMT_F16] = {1, 2},       [RL_FMT_BF16] = {1, 2},
    [RL_FMT_Q8_0] = {RL_QK, 34}, [RL_FMT_Q4_0] = {RL_QK, 18}, [RL_FMT_I8_PC] = {1, 1},
};

unsigned rl_elem_bytes(rl_format format)
{
    /* Plain elements are blocks of one; i8_pc also is, but needs its row scales: no element format. */
    if ((int)format < 0 || format >= RL_FMT_COUNT || layouts[format].elems != 1 || format == RL_FMT_I8_PC) {
        return 0;
    }
    return layouts[format].bytes;
}

/* Bytes of COUNT elements of FORMAT, COUNT a multiple of its block; nonzero on overflow. */
static int stored_bytes(rl_format format, uint64_t count, uint64_t *bytes)
{
    return __builtin_mul_overflow(count / layouts[format].elems, (uint64_t)layouts[format].bytes, bytes);
}

int rl_weight_bytes(rl_format format, uint64_t n, uint64_t k, uint64_t *bytes, char *err, size_t err_len)
{
    if (n == 0 || k == 0) {
        snprintf(err, err_len, "weight matrix sizes must be positive (N=%llu, K=%llu)",
                 (unsigned long long)n, (unsigned long long)k);
        return -1;
    }
    uint64_t count;
    if (__builtin_mul_overflow(n, k, &count)) {
        snprintf(err, err_len, "weight count N*K overflows 64 bits");
        return -1;
    }
    if ((int)format < 0 || format >= RL_FMT_COUNT) {
        snprintf(err, err_len, "format %s is not a weight format", rl_format_name(format));
        return -1;
    }
    if (k % layouts[format].elems != 0) {
        snprintf(err, err_len, "K=%llu is not a multiple of %u, as %s needs", (unsigned long long)k,
                 layouts[format].elems, rl_format_name(format));
        return -1;
    }
    uint64_t data, scales = 0, total;
    if (stored_bytes(format, count, &data) ||
        (format == RL_FMT_I8_PC && __builtin_mul_overflow(n, (uint64_t)4, &scales)) ||
        __builtin_add_overflow(data, scales, &total)) {
        snprintf(err, err_len, "weight bytes of %s overflow 64 bits", rl_format_name(format));
        return -1;
    }
    *bytes = total;
    return 0;
}

int rl_kv_row_bytes(rl_format format, uint64_t d, uint64_t *bytes, char *err, size_t err_len)
{
    if (d == 0) {
        snprintf(err, err_len, "head dimension must be positive");
        return -1;
    }
    if (format != RL_FMT_F32 && format != RL_FMT_F16 && format != RL_FMT_BF16 && format != RL_FMT_Q8_0) {
        snprintf(err, err_len, "format %s is not a KV-cache format (f32, f16, bf16, q8_0)", rl_format_name(format));
        return -1;
    }
    if (d % layouts[format].elems != 0) {
        snprintf(err, err_len, "head dimension %llu is not a multiple of %u, as a %s KV cache needs",
                 (unsigned long long)d, layouts[format].elems, rl_format_name(format));
        return -1;
    }
    uint64_t total;
    if (stored_bytes(format, d, &total)) {
        snprintf(err, err_len, "KV row bytes overflow 64 bits");
        return -1;
    }
    *bytes = total;
    return 0;
}
