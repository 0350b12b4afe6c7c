/* Vector-width helpers shared by the peak kernels (stream.cl, compute.cl). The width is a build option,
 * -D VEC=n with n in {1, 2, 4, 8, 16}, so one source serves every configuration. */
#ifndef OCLAB_PEAK_COMMON_H
#define OCLAB_PEAK_COMMON_H

#ifndef VEC
#define VEC 1
#endif

#define OCLAB_CAT_(a, b) a##b
#define OCLAB_CAT(a, b) OCLAB_CAT_(a, b)

/* VTYPE(float) is float when VEC == 1, else floatVEC; CONVERT(float) and AS(float) likewise name
 * convert_floatVEC and as_floatVEC. */
#if VEC == 1
#define VTYPE(t) t
#define CONVERT(t) OCLAB_CAT(convert_, t)
#define AS(t) OCLAB_CAT(as_, t)
#else
#define VTYPE(t) OCLAB_CAT(t, VEC)
#define CONVERT(t) OCLAB_CAT(convert_, OCLAB_CAT(t, VEC))
#define AS(t) OCLAB_CAT(as_, OCLAB_CAT(t, VEC))
#endif

/* Lane numbers 0..VEC-1 as a uint vector, for element indices. */
#if VEC == 1
#define LANE_INDEX 0u
#elif VEC == 2
#define LANE_INDEX ((uint2)(0, 1))
#elif VEC == 4
#define LANE_INDEX ((uint4)(0, 1, 2, 3))
#elif VEC == 8
#define LANE_INDEX ((uint8)(0, 1, 2, 3, 4, 5, 6, 7))
#elif VEC == 16
#define LANE_INDEX ((uint16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
#else
#error "VEC must be 1, 2, 4, 8 or 16"
#endif

/* Sum of a vector's lanes (VEC == 1: the value itself). */
#if VEC == 1
#define LANE_SUM(v) (v)
#elif VEC == 2
#define LANE_SUM(v) ((v).s0 + (v).s1)
#elif VEC == 4
#define LANE_SUM(v) (((v).s0 + (v).s1) + ((v).s2 + (v).s3))
#elif VEC == 8
#define LANE_SUM(v) ((((v).s0 + (v).s1) + ((v).s2 + (v).s3)) + (((v).s4 + (v).s5) + ((v).s6 + (v).s7)))
#else
#define LANE_SUM(v)                                                                                   \
    (((((v).s0 + (v).s1) + ((v).s2 + (v).s3)) + (((v).s4 + (v).s5) + ((v).s6 + (v).s7))) +           \
     ((((v).s8 + (v).s9) + ((v).sa + (v).sb)) + (((v).sc + (v).sd) + ((v).se + (v).sf))))
#endif

#endif
