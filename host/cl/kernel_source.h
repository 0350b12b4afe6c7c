#ifndef OCLAB_HOST_CL_KERNEL_SOURCE_H
#define OCLAB_HOST_CL_KERNEL_SOURCE_H
/* OpenCL C sources: embedded at build time from kernels/ (cmake/embed_kernels.cmake), or read from a
 * directory given with --kernels DIR for kernel development. `#include "FILE"` lines are expanded here,
 * from the same place, so each .cl stays a plain valid file (compilable with -I kernels). */

struct oclab_embedded_kernel {
    const char *name;   /* file name, e.g. "stream.cl" */
    const char *source; /* NUL-terminated */
};

extern const struct oclab_embedded_kernel oclab_embedded_kernels[]; /* ends with {0, 0} */

/* The expanded source of NAME, malloc'd (caller frees); NULL with a one-line error when missing. */
char *oclab_kernel_source(const char *name, const char *dir);

/* FNV-1a hash of NAME's expanded source and the fixed build OPTIONS (NULL: none): the tuning cache's
 * key, so an edited kernel is tuned again. 0 when the source cannot be read (logged). */
unsigned long long oclab_kernel_source_hash(const char *name, const char *dir, const char *options);

#endif
