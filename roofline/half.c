/* fp16 and bf16 conversions (quant.h), bit exact and independent of the host's float16 support. */
#include <string.h>

#include "roofline/quant.h"

static uint32_t float_bits(float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

static float bits_float(uint32_t bits)
{
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* Round the mantissa right by SHIFT bits to nearest, ties to even. */
static uint32_t shift_round_even(uint32_t mant, unsigned shift)
{
    uint32_t kept = mant >> shift;
    uint32_t rest = mant & ((1u << shift) - 1u);
    uint32_t half = 1u << (shift - 1u);
    if (rest > half || (rest == half && (kept & 1u))) {
        kept++;
    }
    return kept;
}

uint16_t rl_f32_to_f16(float value)
{
    uint32_t x = float_bits(value);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    uint32_t abs = x & 0x7fffffffu;

    if (abs > 0x7f800000u) { /* NaN: keep it quiet and keep the top payload bits */
        return (uint16_t)(sign | 0x7e00u | ((abs >> 13) & 0x3ffu));
    }
    if (abs >= 0x47800000u) { /* >= 65536 (and inf): beyond the largest half even after rounding */
        return (uint16_t)(sign | 0x7c00u);
    }
    if (abs >= 0x38800000u) { /* normal half (>= 2^-14); a carry out of the mantissa bumps the exponent,
                               * up to inf for 65520 and above, as round-to-nearest-even requires */
        uint32_t exp = (abs >> 23) - 127u + 15u;
        uint32_t h = (exp << 23 | (abs & 0x7fffffu));
        return (uint16_t)(sign | shift_round_even(h, 13));
    }
    if (abs <= 0x33000000u) { /* <= 2^-25: rounds to zero (2^-25 is a tie, zero is even) */
        return sign;
    }
    /* subnormal half: units of 2^-24; a float of exponent E holds mant * 2^(E-150) */
    uint32_t exp = abs >> 23;
    uint32_t mant = (abs & 0x7fffffu) | 0x800000u;
    return (uint16_t)(sign | shift_round_even(mant, 126u - exp));
}

float rl_f16_to_f32(uint16_t bits)
{
    uint32_t sign = (uint32_t)(bits & 0x8000u) << 16;
    uint32_t exp = (bits >> 10) & 0x1fu;
    uint32_t mant = bits & 0x3ffu;

    if (exp == 0x1fu) { /* inf or NaN */
        return bits_float(sign | 0x7f800000u | (mant << 13));
    }
    if (exp != 0) {
        return bits_float(sign | ((exp - 15u + 127u) << 23) | (mant << 13));
    }
    if (mant == 0) {
        return bits_float(sign);
    }
    /* subnormal: mant * 2^-24, exact in float */
    float magnitude = (float)mant * 0x1p-24f;
    return sign ? -magnitude : magnitude;
}

uint16_t rl_f32_to_bf16(float value)
{
    uint32_t x = float_bits(value);
    if ((x & 0x7fffffffu) > 0x7f800000u) { /* NaN: truncation could clear the payload, force quiet */
        return (uint16_t)((x >> 16) | 0x40u);
    }
    x += 0x7fffu + ((x >> 16) & 1u);
    return (uint16_t)(x >> 16);
}

float rl_bf16_to_f32(uint16_t bits)
{
    return bits_float((uint32_t)bits << 16);
}
