#ifndef OCLAB_HOST_CL_ERROR_H
#define OCLAB_HOST_CL_ERROR_H
/* OpenCL error names and the checking convention: every function that calls OpenCL declares
 * `cl_int err = CL_SUCCESS;` and has one `cleanup:` label; CL_TRY / CL_CHECK log the failing call with
 * the error's name and jump there. */
#include <CL/cl.h>

const char *oclab_cl_error_name(cl_int err);

/* Logs "oclab: error: WHAT failed: CL_NAME (code)". */
void oclab_cl_report(const char *what, cl_int err);

#define CL_TRY(call)                                                                               \
    do {                                                                                           \
        err = (call);                                                                              \
        if (err != CL_SUCCESS) {                                                                   \
            oclab_cl_report(#call, err);                                                           \
            goto cleanup;                                                                          \
        }                                                                                          \
    } while (0)

/* For the create calls that return an object and report through &err. */
#define CL_CHECK(what)                                                                             \
    do {                                                                                           \
        if (err != CL_SUCCESS) {                                                                   \
            oclab_cl_report(what, err);                                                            \
            goto cleanup;                                                                          \
        }                                                                                          \
    } while (0)

#endif
