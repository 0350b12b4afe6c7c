/* int16 pair products with int32 accumulation, the inner step of q8_0 attention (attention.cl) and of
 * the integer ceiling it is placed against (compute.cl PREC_I16DOT): per 32-bit lane i,
 *     acc[i] + x_lo[i] * y.s0 + x_hi[i] * y.s1
 * where x_lo and x_hi are the signed low and high halves of lane i of X, and Y a pair of int16. One
 * instruction where the hardware has one: vpdpwssd (AVX512-VNNI), vpmaddwd and an add (AVX-512BW),
 * portable integer code elsewhere (-D PORTABLE_PAIR_DOT forces it, -D NO_VNNI_PAIR_DOT skips vpdpwssd).
 * HOST_AVX512_VNNI: the host CPU that runs a CPU device has the instruction although the compiler may
 * target an older CPU (POCL 3.1 on Zen 5 compiles for skylake-avx512), so it is inline assembly. */
#ifndef OCLAB_KERNELS_PAIR_DOT_H
#define OCLAB_KERNELS_PAIR_DOT_H

#if defined(__AVX512BW__) && !defined(PORTABLE_PAIR_DOT)
typedef short oclab_v32hi __attribute__((__vector_size__(64))); /* the types of the x86 builtin */
inline int16 pair_madd16(int16 acc, int16 x, int y)
{
#if defined(HOST_AVX512_VNNI) && !defined(__AVX512VNNI__) && !defined(NO_VNNI_PAIR_DOT)
    int16 pairs = (int16)(y);
    __asm__("vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(pairs));
    return acc;
#else /* with the target's own VNNI the compiler fuses these itself */
    return acc + as_int16(__builtin_ia32_pmaddwd512((oclab_v32hi)x, (oclab_v32hi)((int16)(y))));
#endif
}
#else
inline int16 pair_madd16(int16 acc, int16 x, int y)
{
    return acc + convert_int16(convert_short16(x)) * (int)(short)(y & 0xffff) + (x >> 16) * (y >> 16);
}
#endif

#endif
