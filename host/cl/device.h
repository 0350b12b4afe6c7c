#ifndef OCLAB_HOST_CL_DEVICE_H
#define OCLAB_HOST_CL_DEVICE_H
/* Enumerating OpenCL platforms and devices, their key facts, and selecting devices (-d SEL).
 * SEL: "P:D" indices, "all", a type ("cpu", "gpu", "accelerator"), or a case-insensitive substring of
 * the platform name, platform vendor, device vendor or device name. */
#include <stddef.h>

#include <CL/cl.h>
#include <cjson/cJSON.h>

typedef struct {
    cl_platform_id platform;
    cl_device_id device;
    int platform_index, device_index;

    char platform_name[256], platform_vendor[256], platform_version[256];
    char name[256], vendor[256], driver[128], version[128], opencl_c_version[128];
    cl_device_type type;
    cl_uint compute_units, max_clock_mhz;
    cl_ulong global_mem_bytes, max_alloc_bytes, global_cache_bytes, local_mem_bytes, constant_mem_bytes;
    cl_uint global_cacheline_bytes;
    size_t max_work_group_size;
    size_t timer_resolution_ns;
    cl_uint preferred_vector_width[6]; /* char, short, int, long, float, double */
    cl_uint native_vector_width[6];
    int has_fp16, has_fp64, has_int_dot;
    int has_fma; /* CL_DEVICE_SINGLE_FP_CONFIG has CL_FP_FMA: fma() is not emulated */
    char *extensions; /* owned */
} oclab_device_info;

typedef struct {
    oclab_device_info *devices;
    int count;
} oclab_device_list;

/* Every device of every platform. Returns CL_SUCCESS (count may be 0 when no platform is installed:
 * the ICD loader's CL_PLATFORM_NOT_FOUND_KHR is treated as "none") or an error, logged. */
cl_int oclab_device_list_load(oclab_device_list *list);
void oclab_device_list_free(oclab_device_list *list);

/* Indices into list->devices matching SEL, in order, into out[0..cap). Returns the count, or -1 with a
 * one-line error listing what exists when SEL is malformed or matches nothing. */
int oclab_device_select(const oclab_device_list *list, const char *selector, int *out, int cap);

const char *oclab_device_type_name(cl_device_type type); /* "cpu", "gpu", "accelerator", "other" */

/* How far ahead (bytes) the interleaved GEMV kernels prefetch their weight stream in software (the
 * PREFETCH build option, kernels/blocks.h): CPU devices, whose drivers have one flat address space;
 * 0 (none) elsewhere, where the hardware hides latency with other work-groups. */
unsigned oclab_device_prefetch_bytes(const oclab_device_info *info);

/* 1 when INFO is a CPU device and the host CPU, which runs it, has AVX512-VNNI (x86-64 hosts; 0
 * elsewhere). A driver may compile for an older CPU than the one it runs on (POCL 3.1 on Zen 5:
 * skylake-avx512), so kernels can use the instructions only when told. */
int oclab_device_host_avx512_vnni(const oclab_device_info *info);

/* The DESIGN.md `device` object of a profile (identity, sizes, extensions[]) plus clinfo extras. */
cJSON *oclab_device_json(const oclab_device_info *info);

/* "P:D platform / device" for logs. */
void oclab_device_label(const oclab_device_info *info, char *buf, size_t len);

#endif
