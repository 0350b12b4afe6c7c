#include "host/cl/context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/fault.h"
#include "host/cl/kernel_source.h"
#include "host/cl/log.h"

#define COLD_FACTOR 4 /* copies total at least 4x the last-level cache */

int oclab_cold_copies(const oclab_device_info *info, uint64_t llc_bytes, uint64_t bytes)
{
    if (bytes == 0)
        return 1;
    uint64_t want = COLD_FACTOR * llc_bytes;
    uint64_t copies = (want + bytes - 1) / bytes;
    uint64_t room = info->global_mem_bytes / 4 / bytes;
    if (copies > room)
        copies = room;
    if (copies > 1024)
        copies = 1024;
    return copies < 1 ? 1 : (int)copies;
}

int oclab_cl_cold_copies(const oclab_cl *cl, uint64_t bytes)
{
    uint64_t llc = cl->info->global_cache_bytes > cl->llc_bytes ? cl->info->global_cache_bytes : cl->llc_bytes;
    return oclab_cold_copies(cl->info, llc, bytes);
}

cl_int oclab_cl_open(oclab_cl *cl, const oclab_device_info *info, const char *kernel_dir)
{
    cl_int err = CL_SUCCESS;
    memset(cl, 0, sizeof *cl);
    cl->info = info;
    cl->kernel_dir = kernel_dir;
    cl->llc_bytes = info->global_cache_bytes;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)info->platform, 0};
    cl->context = clCreateContext(props, 1, &info->device, NULL, NULL, &err);
    CL_CHECK("clCreateContext");
    /* clCreateCommandQueue is deprecated in 2.0+ but is the one call that works on 1.2 and 3.0 drivers. */
    cl->queue = clCreateCommandQueue(cl->context, info->device, CL_QUEUE_PROFILING_ENABLE, &err);
    CL_CHECK("clCreateCommandQueue");
    if (oclab_cl_calibrate(cl) != CL_SUCCESS) /* not fatal: the host clock times everything */
        oclab_warn("%s: the clock calibration failed; kernels are timed by the host clock", info->name);
cleanup:
    if (err != CL_SUCCESS)
        oclab_cl_close(cl);
    return err;
}

void oclab_cl_close(oclab_cl *cl)
{
    if (cl->queue)
        clReleaseCommandQueue(cl->queue);
    if (cl->context)
        clReleaseContext(cl->context);
    cl->queue = NULL;
    cl->context = NULL;
}

static void print_build_log(oclab_cl *cl, cl_program program, const char *file)
{
    size_t len = 0;
    char *log = NULL;
    if (clGetProgramBuildInfo(program, cl->info->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &len) == CL_SUCCESS &&
        (log = malloc(len + 1)) != NULL &&
        clGetProgramBuildInfo(program, cl->info->device, CL_PROGRAM_BUILD_LOG, len, log, NULL) == CL_SUCCESS) {
        log[len] = '\0';
        fprintf(stderr, "oclab: build log of %s:\n%s\n", file, log);
    }
    free(log);
}

cl_int oclab_cl_build(oclab_cl *cl, const char *file, const char *options, cl_program *program)
{
    cl_int err = CL_SUCCESS;
    char *source = oclab_kernel_source(file, cl->kernel_dir);
    *program = NULL;
    if (!source) {
        err = CL_INVALID_VALUE;
        goto cleanup;
    }
    if (oclab_fault_now(OCLAB_FAULT_BUILD)) {
        err = CL_BUILD_PROGRAM_FAILURE;
        oclab_error("building kernels/%s (options '%s') failed: %s", file, options ? options : "",
                    oclab_cl_error_name(err));
        fprintf(stderr, "oclab: build log of %s:\ninjected fault (OCLAB_FAULT): this build fails\n", file);
        goto cleanup;
    }
    const char *sources[1] = {source};
    *program = clCreateProgramWithSource(cl->context, 1, sources, NULL, &err);
    CL_CHECK("clCreateProgramWithSource");
    oclab_debug("building %s with '%s'", file, options ? options : "");
    err = clBuildProgram(*program, 1, &cl->info->device, options, NULL, NULL);
    if (err != CL_SUCCESS) {
        oclab_error("building kernels/%s (options '%s') failed: %s", file, options ? options : "",
                    oclab_cl_error_name(err));
        print_build_log(cl, *program, file);
        goto cleanup;
    }
cleanup:
    free(source);
    if (err != CL_SUCCESS)
        oclab_cl_release_program(program);
    return err;
}

cl_int oclab_cl_kernel(cl_program program, const char *name, cl_kernel *kernel)
{
    cl_int err = CL_SUCCESS;
    *kernel = clCreateKernel(program, name, &err);
    if (err != CL_SUCCESS) {
        oclab_error("clCreateKernel(%s) failed: %s", name, oclab_cl_error_name(err));
        *kernel = NULL;
    }
    return err;
}

cl_int oclab_cl_buffer(oclab_cl *cl, cl_mem_flags flags, size_t bytes, const void *init, cl_mem *mem)
{
    cl_int err = CL_SUCCESS;
    *mem = NULL;
    if (bytes == 0 || bytes > cl->info->max_alloc_bytes) {
        oclab_error("buffer of %zu bytes is beyond the device's max allocation of %llu bytes", bytes,
                    (unsigned long long)cl->info->max_alloc_bytes);
        return CL_INVALID_BUFFER_SIZE;
    }
    if (init)
        flags |= CL_MEM_COPY_HOST_PTR;
    if (oclab_fault_now(OCLAB_FAULT_ALLOC)) {
        err = CL_MEM_OBJECT_ALLOCATION_FAILURE;
        oclab_cl_report("clCreateBuffer (injected fault)", err);
        goto cleanup;
    }
    *mem = clCreateBuffer(cl->context, flags, bytes, (void *)init, &err);
    CL_CHECK("clCreateBuffer");
cleanup:
    if (err != CL_SUCCESS)
        *mem = NULL;
    return err;
}

cl_int oclab_cl_arg(cl_kernel kernel, cl_uint index, size_t size, const void *value)
{
    cl_int err = clSetKernelArg(kernel, index, size, value);
    if (err != CL_SUCCESS) {
        char name[128] = "?";
        clGetKernelInfo(kernel, CL_KERNEL_FUNCTION_NAME, sizeof name, name, NULL);
        name[sizeof name - 1] = '\0';
        oclab_error("clSetKernelArg(%s, %u) failed: %s", name, index, oclab_cl_error_name(err));
    }
    return err;
}

cl_int oclab_cl_read(oclab_cl *cl, cl_mem mem, size_t bytes, void *host)
{
    cl_int err = CL_SUCCESS;
    CL_TRY(clEnqueueReadBuffer(cl->queue, mem, CL_TRUE, 0, bytes, host, 0, NULL, NULL));
    if (oclab_fault_now(OCLAB_FAULT_WRONG)) /* one mantissa bit of every word: no value survives it */
        for (size_t i = 0; i + 4 <= bytes; i += 4)
            ((unsigned char *)host)[i + 2] ^= 0x40;
cleanup:
    return err;
}

void oclab_cl_release_mem(cl_mem *mem)
{
    if (*mem)
        clReleaseMemObject(*mem);
    *mem = NULL;
}

void oclab_cl_release_kernel(cl_kernel *kernel)
{
    if (*kernel)
        clReleaseKernel(*kernel);
    *kernel = NULL;
}

void oclab_cl_release_program(cl_program *program)
{
    if (*program)
        clReleaseProgram(*program);
    *program = NULL;
}
