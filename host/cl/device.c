#include "host/cl/device.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"

#define MAX_PLATFORMS 16
#define MAX_DEVICES_PER_PLATFORM 64

static cl_int info_string(cl_device_id dev, cl_device_info what, char *buf, size_t len)
{
    cl_int err = clGetDeviceInfo(dev, what, len, buf, NULL);
    if (err != CL_SUCCESS)
        buf[0] = '\0';
    buf[len - 1] = '\0';
    return err;
}

static int has_extension(const char *list, const char *ext)
{
    size_t len = strlen(ext);
    for (const char *p = strstr(list, ext); p; p = strstr(p + 1, ext)) {
        int starts = (p == list || p[-1] == ' ');
        int ends = (p[len] == ' ' || p[len] == '\0');
        if (starts && ends)
            return 1;
    }
    return 0;
}

static cl_int load_device(oclab_device_info *d)
{
    cl_int err = CL_SUCCESS;
    size_t ext_len = 0;
    cl_device_id dev = d->device;

    CL_TRY(clGetPlatformInfo(d->platform, CL_PLATFORM_NAME, sizeof d->platform_name, d->platform_name, NULL));
    CL_TRY(clGetPlatformInfo(d->platform, CL_PLATFORM_VENDOR, sizeof d->platform_vendor, d->platform_vendor, NULL));
    CL_TRY(clGetPlatformInfo(d->platform, CL_PLATFORM_VERSION, sizeof d->platform_version, d->platform_version, NULL));
    CL_TRY(info_string(dev, CL_DEVICE_NAME, d->name, sizeof d->name));
    CL_TRY(info_string(dev, CL_DEVICE_VENDOR, d->vendor, sizeof d->vendor));
    CL_TRY(info_string(dev, CL_DRIVER_VERSION, d->driver, sizeof d->driver));
    CL_TRY(info_string(dev, CL_DEVICE_VERSION, d->version, sizeof d->version));
    CL_TRY(info_string(dev, CL_DEVICE_OPENCL_C_VERSION, d->opencl_c_version, sizeof d->opencl_c_version));
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof d->type, &d->type, NULL));
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof d->compute_units, &d->compute_units, NULL));
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_MAX_CLOCK_FREQUENCY, sizeof d->max_clock_mhz, &d->max_clock_mhz, NULL));
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof d->global_mem_bytes, &d->global_mem_bytes, NULL));
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof d->max_alloc_bytes, &d->max_alloc_bytes, NULL));
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, sizeof d->global_cache_bytes, &d->global_cache_bytes, NULL));
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE, sizeof d->global_cacheline_bytes, &d->global_cacheline_bytes, NULL));
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_LOCAL_MEM_SIZE, sizeof d->local_mem_bytes, &d->local_mem_bytes, NULL));
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE, sizeof d->constant_mem_bytes, &d->constant_mem_bytes, NULL));
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof d->max_work_group_size, &d->max_work_group_size, NULL));
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_PROFILING_TIMER_RESOLUTION, sizeof d->timer_resolution_ns, &d->timer_resolution_ns, NULL));
    static const cl_device_info preferred[6] = {
        CL_DEVICE_PREFERRED_VECTOR_WIDTH_CHAR, CL_DEVICE_PREFERRED_VECTOR_WIDTH_SHORT,
        CL_DEVICE_PREFERRED_VECTOR_WIDTH_INT, CL_DEVICE_PREFERRED_VECTOR_WIDTH_LONG,
        CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT, CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE};
    static const cl_device_info native[6] = {
        CL_DEVICE_NATIVE_VECTOR_WIDTH_CHAR, CL_DEVICE_NATIVE_VECTOR_WIDTH_SHORT,
        CL_DEVICE_NATIVE_VECTOR_WIDTH_INT, CL_DEVICE_NATIVE_VECTOR_WIDTH_LONG,
        CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT, CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE};
    for (int i = 0; i < 6; i++) {
        CL_TRY(clGetDeviceInfo(dev, preferred[i], sizeof(cl_uint), &d->preferred_vector_width[i], NULL));
        CL_TRY(clGetDeviceInfo(dev, native[i], sizeof(cl_uint), &d->native_vector_width[i], NULL));
    }
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_EXTENSIONS, 0, NULL, &ext_len));
    d->extensions = calloc(ext_len + 1, 1);
    if (!d->extensions) {
        err = CL_OUT_OF_HOST_MEMORY;
        oclab_cl_report("calloc(extensions)", err);
        goto cleanup;
    }
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_EXTENSIONS, ext_len, d->extensions, NULL));
    d->has_fp16 = has_extension(d->extensions, "cl_khr_fp16");
    d->has_fp64 = has_extension(d->extensions, "cl_khr_fp64");
    d->has_int_dot = has_extension(d->extensions, "cl_khr_integer_dot_product");
    cl_device_fp_config fp = 0;
    CL_TRY(clGetDeviceInfo(dev, CL_DEVICE_SINGLE_FP_CONFIG, sizeof fp, &fp, NULL));
    d->has_fma = (fp & CL_FP_FMA) != 0;
cleanup:
    return err;
}

cl_int oclab_device_list_load(oclab_device_list *list)
{
    cl_int err = CL_SUCCESS;
    cl_platform_id platforms[MAX_PLATFORMS];
    cl_uint nplat = 0;
    list->devices = NULL;
    list->count = 0;

    err = clGetPlatformIDs(MAX_PLATFORMS, platforms, &nplat);
    if (err == -1001 /* CL_PLATFORM_NOT_FOUND_KHR: an ICD loader with no ICD installed */) {
        err = CL_SUCCESS;
        goto cleanup;
    }
    CL_CHECK("clGetPlatformIDs");
    if (nplat > MAX_PLATFORMS)
        nplat = MAX_PLATFORMS;
    list->devices = calloc((size_t)nplat * MAX_DEVICES_PER_PLATFORM, sizeof *list->devices);
    if (!list->devices) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("calloc(devices)");
    }
    for (cl_uint p = 0; p < nplat; p++) {
        cl_device_id ids[MAX_DEVICES_PER_PLATFORM];
        cl_uint ndev = 0;
        err = clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, MAX_DEVICES_PER_PLATFORM, ids, &ndev);
        if (err == CL_DEVICE_NOT_FOUND) {
            err = CL_SUCCESS;
            continue;
        }
        CL_CHECK("clGetDeviceIDs");
        if (ndev > MAX_DEVICES_PER_PLATFORM)
            ndev = MAX_DEVICES_PER_PLATFORM;
        for (cl_uint d = 0; d < ndev; d++) {
            oclab_device_info *info = &list->devices[list->count];
            info->platform = platforms[p];
            info->device = ids[d];
            info->platform_index = (int)p;
            info->device_index = (int)d;
            err = load_device(info);
            if (err != CL_SUCCESS)
                goto cleanup;
            list->count++;
        }
    }
cleanup:
    if (err != CL_SUCCESS)
        oclab_device_list_free(list);
    return err;
}

void oclab_device_list_free(oclab_device_list *list)
{
    for (int i = 0; i < list->count; i++)
        free(list->devices[i].extensions);
    free(list->devices);
    list->devices = NULL;
    list->count = 0;
}

const char *oclab_device_type_name(cl_device_type type)
{
    if (type & CL_DEVICE_TYPE_GPU)
        return "gpu";
    if (type & CL_DEVICE_TYPE_CPU)
        return "cpu";
    if (type & CL_DEVICE_TYPE_ACCELERATOR)
        return "accelerator";
    return "other";
}

static int contains_nocase(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = haystack; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

void oclab_device_label(const oclab_device_info *info, char *buf, size_t len)
{
    snprintf(buf, len, "%d:%d %s / %s", info->platform_index, info->device_index, info->platform_name,
             info->name);
}

/* "0:0 Platform / Device (cpu); ..." for the one-line "matches nothing" error. */
static void describe_existing(const oclab_device_list *list, char *buf, size_t len)
{
    char label[600];
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < list->count && used < len; i++) {
        oclab_device_label(&list->devices[i], label, sizeof label);
        int n = snprintf(buf + used, len - used, "%s%s (%s)", i ? "; " : "", label,
                         oclab_device_type_name(list->devices[i].type));
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

int oclab_device_select(const oclab_device_list *list, const char *selector, int *out, int cap)
{
    int n = 0;
    int p = -1, d = -1;
    char tail = 0;
    int is_index = sscanf(selector, "%d:%d%c", &p, &d, &tail) == 2;
    if (!is_index && strchr(selector, ':') && isdigit((unsigned char)selector[0])) {
        oclab_error("device selector '%s' is malformed: use P:D indices, a name, a type or all", selector);
        return -1;
    }
    for (int i = 0; i < list->count && n < cap; i++) {
        const oclab_device_info *dev = &list->devices[i];
        int match;
        if (is_index)
            match = dev->platform_index == p && dev->device_index == d;
        else if (strcmp(selector, "all") == 0)
            match = 1;
        else if (strcmp(selector, "cpu") == 0 || strcmp(selector, "gpu") == 0 ||
                 strcmp(selector, "accelerator") == 0)
            match = strcmp(oclab_device_type_name(dev->type), selector) == 0;
        else
            match = contains_nocase(dev->name, selector) || contains_nocase(dev->vendor, selector) ||
                    contains_nocase(dev->platform_name, selector) ||
                    contains_nocase(dev->platform_vendor, selector);
        if (match)
            out[n++] = i;
    }
    if (n == 0) {
        char found[2048];
        describe_existing(list, found, sizeof found);
        oclab_error("device selector '%s' matches no OpenCL device; found: %s", selector, found);
        return -1;
    }
    return n;
}

cJSON *oclab_device_json(const oclab_device_info *d)
{
    static const char *widths[6] = {"char", "short", "int", "long", "float", "double"};
    cJSON *o = cJSON_CreateObject();
    char index[32];
    snprintf(index, sizeof index, "%d:%d", d->platform_index, d->device_index);
    cJSON_AddStringToObject(o, "selector", index);
    cJSON_AddStringToObject(o, "platform", d->platform_name);
    cJSON_AddStringToObject(o, "platform_vendor", d->platform_vendor);
    cJSON_AddStringToObject(o, "platform_version", d->platform_version);
    cJSON_AddStringToObject(o, "name", d->name);
    cJSON_AddStringToObject(o, "vendor", d->vendor);
    cJSON_AddStringToObject(o, "type", oclab_device_type_name(d->type));
    cJSON_AddStringToObject(o, "driver", d->driver);
    cJSON_AddStringToObject(o, "version", d->version);
    cJSON_AddStringToObject(o, "opencl_c_version", d->opencl_c_version);
    cJSON_AddNumberToObject(o, "compute_units", d->compute_units);
    cJSON_AddNumberToObject(o, "max_clock_mhz", d->max_clock_mhz);
    cJSON_AddNumberToObject(o, "global_mem_bytes", (double)d->global_mem_bytes);
    cJSON_AddNumberToObject(o, "max_alloc_bytes", (double)d->max_alloc_bytes);
    cJSON_AddNumberToObject(o, "global_cache_bytes", (double)d->global_cache_bytes);
    cJSON_AddNumberToObject(o, "global_cacheline_bytes", d->global_cacheline_bytes);
    cJSON_AddNumberToObject(o, "local_mem_bytes", (double)d->local_mem_bytes);
    cJSON_AddNumberToObject(o, "constant_mem_bytes", (double)d->constant_mem_bytes);
    cJSON_AddNumberToObject(o, "max_work_group_size", (double)d->max_work_group_size);
    cJSON_AddNumberToObject(o, "timer_resolution_ns", (double)d->timer_resolution_ns);
    cJSON *pref = cJSON_AddObjectToObject(o, "preferred_vector_width");
    cJSON *nat = cJSON_AddObjectToObject(o, "native_vector_width");
    for (int i = 0; i < 6; i++) {
        cJSON_AddNumberToObject(pref, widths[i], d->preferred_vector_width[i]);
        cJSON_AddNumberToObject(nat, widths[i], d->native_vector_width[i]);
    }
    cJSON_AddBoolToObject(o, "fp16", d->has_fp16);
    cJSON_AddBoolToObject(o, "fp64", d->has_fp64);
    cJSON_AddBoolToObject(o, "integer_dot_product", d->has_int_dot);
    cJSON_AddBoolToObject(o, "fused_multiply_add", d->has_fma);
    cJSON *ext = cJSON_AddArrayToObject(o, "extensions");
    char *copy = strdup(d->extensions ? d->extensions : "");
    char *save = NULL;
    for (char *tok = copy ? strtok_r(copy, " ", &save) : NULL; tok; tok = strtok_r(NULL, " ", &save))
        cJSON_AddItemToArray(ext, cJSON_CreateString(tok));
    free(copy);
    return o;
}

int oclab_device_host_avx512_vnni(const oclab_device_info *info)
{
#if defined(__x86_64__) && defined(__GNUC__)
    return (info->type & CL_DEVICE_TYPE_CPU) && __builtin_cpu_supports("avx512vnni");
#else
    (void)info;
    return 0;
#endif
}

unsigned oclab_device_prefetch_bytes(const oclab_device_info *info)
{
    /* 4 KiB: at ~25 GB/s per core about 160 ns of stream, a DRAM latency and some; 2 KiB gained less
     * on GEMV at M = 16 (POCL / Zen 5). */
    return (info->type & CL_DEVICE_TYPE_CPU) ? 4096u : 0u;
}
