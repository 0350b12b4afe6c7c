#ifndef OCLAB_HOST_CL_FAULT_H
#define OCLAB_HOST_CL_FAULT_H
/* Fault injection for the tests of crash isolation and recovery: OCLAB_FAULT=WHERE:KIND makes a phase
 * (peak, decode) or a kernel family (stream, compute, gemv, attention) fail, as an immature driver
 * would:
 *   crash  a signal (SIGSEGV): a phase at its start; a family while preparing its first tuning
 *          candidate, until a rerun knows that candidate crashed, as a compiler crash on one
 *          configuration would
 *   hang   the phase or family never returns (until killed)
 *   build  every kernel build of the phase or family fails, with a build log saying so
 *   alloc  every buffer allocation of the phase or family fails (CL_MEM_OBJECT_ALLOCATION_FAILURE)
 *   wrong  every result read back from the device is corrupted (verification must catch it)
 * Code that runs a phase or family names it (oclab_fault_scope); the hooks in context.c, the tuner
 * and the phases ask whether a fault applies there. */

typedef enum { OCLAB_FAULT_NONE, OCLAB_FAULT_CRASH, OCLAB_FAULT_HANG, OCLAB_FAULT_BUILD, OCLAB_FAULT_ALLOC,
               OCLAB_FAULT_WRONG } oclab_fault_kind;

/* Reads $OCLAB_FAULT. 0 when unset or valid; -1 with a one-line error when malformed. */
int oclab_fault_init(void);

/* The phase ("peak", "decode") or family ("stream", ...) now running, until the next call with the same
 * LEVEL (0: phase, 1: family; NULL clears it). */
void oclab_fault_scope(int level, const char *name);

/* Whether fault KIND applies to what runs now. */
int oclab_fault_now(oclab_fault_kind kind);

/* At the start of a phase or family: crashes or hangs there when asked to. */
void oclab_fault_point(void);

/* Before a tuning candidate of FAMILY is prepared; CRASHED: a candidate of FAMILY is known to have
 * crashed a process before. A family's crash fault strikes there while none is known (one
 * configuration, not the family: a rerun skips it and the fault is spent). */
void oclab_fault_candidate(const char *family, int crashed);

#endif
