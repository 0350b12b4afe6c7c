/* Block formats shared by the decode kernels (gemv.cl, attention.cl): ggml's q8_0 and q4_0, both in
 * their ggml byte layout (34 / 18-byte blocks: fp16 scale, then quants) and in the split device layout
 * (quants of a row contiguous, scales in a separate array; same bytes per weight).
 * A block is 32 weights; every helper returns them as two float16 halves, elements 0..15 and 16..31,
 * unscaled (the caller multiplies by the block scale, or folds it into its sums). */
#ifndef OCLAB_KERNELS_BLOCKS_H
#define OCLAB_KERNELS_BLOCKS_H

#define QK 32
#define Q8_0_BLOCK_BYTES 34
#define Q4_0_BLOCK_BYTES 18

/* Software prefetch of a stream, PREFETCH bytes ahead (a build option the host sets for CPU drivers
 * only): one request per 64-byte line of the BYTES that P starts. The hardware prefetchers of the CPU
 * measured lag a stream read slowly (compute between the loads: the interleaved GEMV, most at M = 16),
 * and the kernel then waits on DRAM latency (POCL / Zen 5, alternating runs: f16 at M = 16 went from
 * 0.44 to 0.74 of its roof, q8_0 at M = 16 from 0.65 to 0.87, q4_0 at M = 1 from 0.64 to 0.80 of the
 * probe). The pointer goes through an integer because clang's prefetch takes a
 * generic pointer, which OpenCL 1.2 lacks; CPU drivers have one flat address space. */
/* Only where the compiler targets a CPU instruction set, where clang's prefetch becomes an instruction:
 * a driver that compiles through SPIR-V (Mesa rusticl) has no translation for it and aborts. */
#if defined(PREFETCH) && PREFETCH > 0 &&                                                            \
    (defined(__x86_64__) || defined(__aarch64__) || defined(__powerpc64__) || defined(__riscv))
#define PREFETCH_LINES(p, bytes)                                                                    \
    _Pragma("unroll") for (uint pf_ = 0; pf_ < (uint)(bytes); pf_ += 64)                           \
        __builtin_prefetch((const void *)(size_t)((const __global uchar *)(p) + PREFETCH + pf_))
#else
#define PREFETCH_LINES(p, bytes) ((void)0)
#endif

/* q8_0: value = q * d. */
inline void q8_0_unpack(char16 a, char16 b, float16 *lo, float16 *hi)
{
    *lo = convert_float16(a);
    *hi = convert_float16(b);
}

/* q4_0: element j in the low nibble of byte j, element j+16 in the high one; value = (q - 8) * d.
 * The -8 is applied on the 8-bit lanes, before the conversion, where it is one cheap integer op. */
inline void q4_0_unpack(uchar16 q, float16 *lo, float16 *hi)
{
    *lo = convert_float16(as_char16(q & (uchar16)0x0f) - (char16)8);
    *hi = convert_float16(as_char16(q >> (uchar16)4) - (char16)8);
}

/* ggml layout: block B of a row starting at ROW (byte pointer). */
inline float q8_0_ggml_block(const __global uchar *row, uint b, float16 *lo, float16 *hi)
{
    const __global uchar *blk = row + (size_t)b * Q8_0_BLOCK_BYTES;
    q8_0_unpack(vload16(0, (const __global char *)(blk + 2)), vload16(1, (const __global char *)(blk + 2)),
                lo, hi);
    return vload_half(0, (const __global half *)blk);
}

inline float q4_0_ggml_block(const __global uchar *row, uint b, float16 *lo, float16 *hi)
{
    const __global uchar *blk = row + (size_t)b * Q4_0_BLOCK_BYTES;
    q4_0_unpack(vload16(0, blk + 2), lo, hi);
    return vload_half(0, (const __global half *)blk);
}

/* Split layout: QS holds the row's quants (32 or 16 bytes per block, 16-byte aligned, so they are read
 * as whole vectors: POCL 3.1 assembles vload16 of chars from 16-bit pieces), D its fp16 scales.
 * Scalar vload_half is emulated bit by bit on CPUs without fp16 support while vload_half16 uses the
 * vector conversion: hot loops should fetch 16 scales at once (see gemv.cl). */
inline float q8_0_split_block(const __global char *qs, const __global half *d, uint b, float16 *lo,
                              float16 *hi)
{
    q8_0_unpack(((const __global char16 *)qs)[2 * b], ((const __global char16 *)qs)[2 * b + 1], lo, hi);
    return vload_half(b, d);
}

inline float q4_0_split_block(const __global uchar *qs, const __global half *d, uint b, float16 *lo,
                              float16 *hi)
{
    q4_0_unpack(((const __global uchar16 *)qs)[b], lo, hi);
    return vload_half(b, d);
}

#endif
