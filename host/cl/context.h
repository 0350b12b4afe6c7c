#ifndef OCLAB_HOST_CL_CONTEXT_H
#define OCLAB_HOST_CL_CONTEXT_H
/* One selected device opened for measurement: context, an in-order profiling queue, and helpers to
 * build programs (printing the build log on failure) and allocate buffers within the device's limits. */
#include <stddef.h>
#include <stdint.h>

#include <CL/cl.h>

#include "host/cl/device.h"

typedef struct {
    const oclab_device_info *info;
    cl_context context;
    cl_command_queue queue; /* in order, CL_QUEUE_PROFILING_ENABLE */
    const char *kernel_dir; /* NULL: embedded sources */
} oclab_cl;

cl_int oclab_cl_open(oclab_cl *cl, const oclab_device_info *info, const char *kernel_dir);
void oclab_cl_close(oclab_cl *cl);

/* Builds kernels/FILE with OPTIONS (-cl-std and -I are not needed). On a build failure the log is
 * printed to stderr and CL_BUILD_PROGRAM_FAILURE returned. */
cl_int oclab_cl_build(oclab_cl *cl, const char *file, const char *options, cl_program *program);

cl_int oclab_cl_kernel(cl_program program, const char *name, cl_kernel *kernel);

/* A buffer of BYTES, copied from INIT when not NULL. Sizes beyond the device's max allocation are
 * refused with CL_INVALID_BUFFER_SIZE and a message naming the limit. */
cl_int oclab_cl_buffer(oclab_cl *cl, cl_mem_flags flags, size_t bytes, const void *init, cl_mem *mem);

/* Sets kernel argument INDEX; logs the kernel's name and the index on failure. */
cl_int oclab_cl_arg(cl_kernel kernel, cl_uint index, size_t size, const void *value);

/* Blocking read of BYTES from MEM into HOST. */
cl_int oclab_cl_read(oclab_cl *cl, cl_mem mem, size_t bytes, void *host);

void oclab_cl_release_mem(cl_mem *mem);
void oclab_cl_release_kernel(cl_kernel *kernel);
void oclab_cl_release_program(cl_program *program);

/* Copies of a BYTES-sized operand to rotate through so reads are cold: total >= 4x the last-level
 * cache, at least 1, bounded so the total stays within a quarter of global memory. */
int oclab_cold_copies(const oclab_device_info *info, uint64_t bytes);

#endif
