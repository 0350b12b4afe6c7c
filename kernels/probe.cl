/* The interleaved streaming-read probe: a plain read of a buffer beyond the last-level cache, with
 * several independent vector accumulators per work-item (a single chain is latency-bound).
 *   CONTIG 1: each work-item reads its PER_ITEM consecutive vectors as ACC side-by-side streams, one
 *             accumulator each (CPUs: as the GEMV reads several rows at once); 0: vector i of
 *             work-item g is g + i * global size (GPUs: coalesced), ACC vectors in flight. */
#ifndef CONTIG
#define CONTIG 1
#endif
#ifndef ACC
#define ACC 4
#endif

__kernel void probe_read(const __global float16 *a, __global float *out, uint per_item)
{
    const size_t gid = get_global_id(0);
    float16 acc[ACC];
#pragma unroll
    for (int i = 0; i < ACC; i++)
        acc[i] = (float16)0.0f;
#if CONTIG
    const size_t base = gid * per_item;
    const uint len = per_item / ACC;
    for (uint i = 0; i < len; i++) {
#pragma unroll
        for (int j = 0; j < ACC; j++)
            acc[j] += a[base + (size_t)j * len + i];
    }
#else
    const size_t stride = get_global_size(0);
    for (uint i = 0; i < per_item; i += ACC) {
#pragma unroll
        for (int j = 0; j < ACC; j++)
            acc[j] += a[gid + (i + j) * stride];
    }
#endif
#pragma unroll
    for (int i = 1; i < ACC; i++)
        acc[0] += acc[i];
    float8 h = acc[0].lo + acc[0].hi;
    float4 q = h.lo + h.hi;
    out[gid] = q.x + q.y + q.z + q.w;
}
