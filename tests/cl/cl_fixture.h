#ifndef OCLAB_TESTS_CL_FIXTURE_H
#define OCLAB_TESTS_CL_FIXTURE_H
/* The device an OpenCL test runs on: $OCLAB_DEVICE, else the first device found. */
#include <stdio.h>
#include <stdlib.h>

#include "host/cl/context.h"
#include "host/cl/device.h"
#include "host/cli/cli.h"

/* 0 with LIST and CL open; otherwise the exit code for main: 77 (ctest's skip) when no device can be
 * opened, or 1 when $OCLAB_REQUIRE_DEVICE is set (CI: a missing device is a failure, not a skip). */
static inline int cl_fixture_open(oclab_device_list *list, oclab_cl *cl)
{
    const char *sel = getenv("OCLAB_DEVICE");
    int index = 0, count = 0;
    int missing = getenv("OCLAB_REQUIRE_DEVICE") ? 1 : 77;
    if (oclab_device_find(list, sel && sel[0] ? sel : "all", &index, 1, &count) != 0 || count == 0) {
        fprintf(stderr, "%s: no OpenCL device\n", missing == 77 ? "skipped" : "failed");
        return missing;
    }
    if (oclab_cl_open(cl, &list->devices[index], NULL) != CL_SUCCESS) {
        fprintf(stderr, "%s: cannot open the OpenCL device\n", missing == 77 ? "skipped" : "failed");
        oclab_device_list_free(list);
        return missing;
    }
    return 0;
}

#endif
