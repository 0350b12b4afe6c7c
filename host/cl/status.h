#ifndef OCLAB_HOST_CL_STATUS_H
#define OCLAB_HOST_CL_STATUS_H
/* How a command or a measurement phase ended, and the process exit code it becomes: OK; FAIL for a
 * device, driver or verification failure (the figures that could be measured are still recorded);
 * USAGE for bad input, reported with one "oclab: error: ..." line before anything is measured. */

enum { OCLAB_EXIT_OK = 0, OCLAB_EXIT_FAIL = 1, OCLAB_EXIT_USAGE = 2 };

#endif
