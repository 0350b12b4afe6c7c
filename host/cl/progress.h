#ifndef OCLAB_HOST_CL_PROGRESS_H
#define OCLAB_HOST_CL_PROGRESS_H
/* Progress of a long run on stderr: device i of n, the phase, step k of n in it (a kernel, or a weight
 * matrix with its batches), the time elapsed and an estimate of what remains. On a terminal one line,
 * redrawn in place (log lines clear it and it comes back under them); in a pipe or a CI log plain
 * lines: one per device and phase, and one per step at most every OCLAB_PROGRESS_EVERY_S seconds and for
 * the last step. Nothing is shown until oclab_progress_start, so commands that do not start it (and
 * quiet runs) print nothing; every call is cheap.
 *
 * The estimate: the rest of the current phase at the pace of its steps so far, plus, once a device is
 * done, the devices left at the pace of the ones done. Until then it says which it knows. */
#include <stdio.h>

#define OCLAB_PROGRESS_EVERY_S 10.0

/* Starts showing progress for a run over N_DEVICES devices. */
void oclab_progress_start(int n_devices);

/* Device INDEX (from 0) begins: NAME is shown beside it. */
void oclab_progress_device(int index, const char *name);

/* A phase of the current device begins ("peak", "decode gemv") with N_STEPS steps (0: not counted). */
void oclab_progress_phase(const char *phase, int n_steps);

/* The next step of the phase begins; WHAT (may be NULL) names it. */
void oclab_progress_step(const char *what);

/* The run is over: the terminal line is cleared; nothing more is shown. */
void oclab_progress_stop(void);

/* Around any other line written to stderr: clears the terminal line, then draws it again. */
void oclab_progress_hide(void);
void oclab_progress_show(void);

/* Where progress goes (default stderr, a terminal when isatty says so) and the clock it reads (NULL:
 * the monotonic clock): for tests. */
void oclab_progress_output(FILE *out, int tty, double (*now)(void));

#endif
