#ifndef OCLAB_ROOFLINE_CHECKED_H
#define OCLAB_ROOFLINE_CHECKED_H
/* Checked 64-bit arithmetic for counts (internal to roofline/): each returns nonzero on overflow,
 * so a product of shapes can never wrap silently into a plausible-looking number. */
#include <stdint.h>

static inline int rl_mul3(uint64_t a, uint64_t b, uint64_t c, uint64_t *out)
{
    uint64_t ab;
    return __builtin_mul_overflow(a, b, &ab) || __builtin_mul_overflow(ab, c, out);
}

static inline int rl_mul4(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t *out)
{
    uint64_t abc;
    return rl_mul3(a, b, c, &abc) || __builtin_mul_overflow(abc, d, out);
}

static inline int rl_mul5(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t *out)
{
    uint64_t abcd;
    return rl_mul4(a, b, c, d, &abcd) || __builtin_mul_overflow(abcd, e, out);
}

static inline int rl_add3(uint64_t a, uint64_t b, uint64_t c, uint64_t *out)
{
    uint64_t ab;
    return __builtin_add_overflow(a, b, &ab) || __builtin_add_overflow(ab, c, out);
}

#endif
