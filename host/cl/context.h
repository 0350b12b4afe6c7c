#ifndef OCLAB_HOST_CL_CONTEXT_H
#define OCLAB_HOST_CL_CONTEXT_H
/* One selected device opened for measurement: context, an in-order profiling queue, and helpers to
 * build programs (printing the build log on failure) and allocate buffers within the device's limits. */
#include <stddef.h>
#include <stdint.h>

#include <CL/cl.h>
#include <cjson/cJSON.h>

#include "host/cl/device.h"

/* What a device's driver can be trusted with, measured once when it is opened (calibrate.c, with
 * kernels/calibrate.cl):
 *  - event timestamps: believed only when the timer resolution is above 0 and a launch of a few ms (the
 *    least disturbed of five) takes as long by its events as by the host clock less the launch overhead
 *    (within 50 %, both ways); otherwise every figure is timed by the host clock less the launch
 *    overhead (Mesa rusticl 22.3 gives every command the same 1 ns);
 *  - the launch overhead, by the host clock (enqueue to finish) and by event;
 *  - a loop limit: the loop trips one work-item may make per launch before the driver stops its loops
 *    (Mesa llvmpipe: 65535, silently), so families size their launches below it. */
typedef struct {
    int done;                         /* calibrated (0: it could not run: events are then not trusted) */
    int event_trusted;
    char event_why[200];              /* why events are or are not believed */
    double launch_host_s;             /* median of an empty launch, enqueue to clFinish */
    double launch_event_s;            /* its END - START */
    double busy_host_s, busy_event_s; /* the comparison launch */
    uint64_t loop_limit;              /* 0: none up to OCLAB_LOOP_PROBE trips */
} oclab_cl_clock;

#define OCLAB_LOOP_PROBE (1u << 20)

typedef struct {
    const oclab_device_info *info;
    cl_context context;
    cl_command_queue queue; /* in order, CL_QUEUE_PROFILING_ENABLE */
    const char *kernel_dir; /* NULL: embedded sources */
    oclab_cl_clock clock;
    /* The last-level cache that sizes cold copies and DRAM working sets: the larger of the driver's
     * figure and the cache edge the bandwidth sweep measured (set by peak, or from a profile). */
    uint64_t llc_bytes;
} oclab_cl;

/* Context, queue, and the calibration (a failed calibration is logged and leaves events untrusted). */
cl_int oclab_cl_open(oclab_cl *cl, const oclab_device_info *info, const char *kernel_dir);

/* ---- calibrate.c ---- */
/* Measures CL's clock (the struct above). */
cl_int oclab_cl_calibrate(oclab_cl *cl);

/* {event_trusted, why, launch_host_s, launch_event_s, comparison_host_s, comparison_event_s,
 *  loop_limit (null: none found)} for the profile's measurements.timing. */
cJSON *oclab_cl_clock_json(const oclab_cl_clock *clock);

/* Loop trips a family may plan per work-item and launch: 90 % of the limit, or UINT64_MAX. */
uint64_t oclab_cl_loop_budget(const oclab_cl *cl);
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
 * cache (LLC_BYTES), at least 1, bounded so the total stays within a quarter of INFO's global memory. */
int oclab_cold_copies(const oclab_device_info *info, uint64_t llc_bytes, uint64_t bytes);

/* The same for CL's device, with its cache as measured (oclab_cl.llc_bytes). */
int oclab_cl_cold_copies(const oclab_cl *cl, uint64_t bytes);

#endif
