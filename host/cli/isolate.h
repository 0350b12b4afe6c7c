#ifndef OCLAB_HOST_CLI_ISOLATE_H
#define OCLAB_HOST_CLI_ISOLATE_H
/* Crash isolation: a phase of a measurement runs in a child process of this same binary, so a driver
 * that crashes (a compiler segfault, std::bad_alloc) or hangs takes the child down, not the run. The
 * child's tuner writes a journal of the candidates it prepares (tune.h); when the child dies inside one,
 * that candidate is marked crashed and the phase runs again without it, a few times at most, so a crash
 * on one configuration skips that configuration, not the family. */
#include <cjson/cJSON.h>

#include "host/cl/device.h"

#define OCLAB_ISOLATE_ATTEMPTS 8 /* runs of a phase at most, each after a candidate crashed the one before */

typedef struct {
    int exit_code; /* the child's, when it exited */
    int signal;    /* the signal that killed it (0: none) */
    int timed_out; /* it outlived the timeout and was killed */
    int attempts;  /* runs made (reruns after a crashed candidate) */
    int crashed_candidates;
    char crashed[OCLAB_ISOLATE_ATTEMPTS][512]; /* their journal keys */
    int crashed_signal[OCLAB_ISOLATE_ATTEMPTS];
    double elapsed_s;
} oclab_isolate_result;

/* Runs this binary with ARGV (argv[0] is ignored: the running executable is used) and waits at most
 * TIMEOUT_S per attempt. 0 when it ran (OUT says how it ended); -1 when no child could be started. */
int oclab_isolate_run(char *const *argv, double timeout_s, oclab_isolate_result *out);

/* "killed by signal 11 (SIGSEGV) after 2 attempts", "timed out after 900 s", "exited with 1". */
void oclab_isolate_text(const oclab_isolate_result *r, char *buf, size_t len);

/* What the child could not say itself, into PATH (made from INFO when it is missing or unreadable),
 * written atomically: a phase that did not end by itself, WHAT ("peak", "decode") in skipped[] with the
 * reason; each tuning candidate that crashed a child, in warnings[]. 0 when there was nothing to record
 * or it was written; -1 (logged) otherwise. */
int oclab_isolate_record(const char *path, const oclab_device_info *info, const char *what,
                         const oclab_isolate_result *r);

/* Whether R calls for oclab_isolate_record: a signal, a timeout or a crashed candidate. */
int oclab_isolate_eventful(const oclab_isolate_result *r);

/* `oclab COMMAND ARGV... --no-isolate` in a child (peak and decode with --isolate): the child's exit code;
 * after a crash or a timeout (logged) OCLAB_EXIT_FAIL, with WHAT recorded in OUTPUT's skipped[] when
 * OUTPUT is given (INFO: the device, for a profile the child never wrote). */
int oclab_isolate_command(const char *command, int argc, char **argv, double timeout_s, const char *output,
                          const oclab_device_info *info, const char *what);

/* The --isolate, --no-isolate and --timeout S options: 1 consumed, 0 not one of them, -1 bad. */
int oclab_isolate_opt(int argc, char **argv, int *i, int *isolate, double *timeout_s);

#endif
