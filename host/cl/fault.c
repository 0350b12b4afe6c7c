#include "host/cl/fault.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/cl/log.h"

static const char *const wheres[] = {"peak", "decode", "stream", "compute", "gemv", "attention"};
static const char *const kinds[] = {"none", "crash", "hang", "build", "alloc", "wrong"};

static char fault_where[16];
static oclab_fault_kind fault_kind = OCLAB_FAULT_NONE;
static const char *scope[2]; /* phase, family */

int oclab_fault_init(void)
{
    const char *env = getenv("OCLAB_FAULT");
    fault_kind = OCLAB_FAULT_NONE;
    if (!env || !env[0])
        return 0;
    const char *colon = strchr(env, ':');
    size_t n = colon ? (size_t)(colon - env) : 0;
    int where_ok = 0;
    for (size_t i = 0; colon && i < sizeof wheres / sizeof wheres[0]; i++)
        where_ok |= strlen(wheres[i]) == n && strncmp(env, wheres[i], n) == 0;
    for (int k = OCLAB_FAULT_CRASH; where_ok && k <= OCLAB_FAULT_WRONG; k++)
        if (strcmp(colon + 1, kinds[k]) == 0)
            fault_kind = (oclab_fault_kind)k;
    if (fault_kind == OCLAB_FAULT_NONE) {
        oclab_error("OCLAB_FAULT='%s' is not WHERE:KIND (WHERE peak, decode, stream, compute, gemv or attention; "
                    "KIND crash, hang, build, alloc or wrong)", env);
        return -1;
    }
    snprintf(fault_where, sizeof fault_where, "%.*s", (int)n, env);
    return 0;
}

void oclab_fault_scope(int level, const char *name)
{
    scope[level ? 1 : 0] = name;
}

static int here(void)
{
    return (scope[0] && !strcmp(scope[0], fault_where)) || (scope[1] && !strcmp(scope[1], fault_where));
}

int oclab_fault_now(oclab_fault_kind kind)
{
    return fault_kind == kind && here();
}

static void hang(void)
{
    oclab_warn("injected fault: %s hangs", fault_where);
    for (;;) {
        struct timespec ts = {1, 0};
        nanosleep(&ts, NULL);
    }
}

/* A driver's crash: the default action of SIGSEGV (a library's handler, as LLVM installs, would return
 * from a raised signal and let the program go on). */
static void crash(void)
{
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
}

void oclab_fault_point(void)
{
    /* a family's crash strikes in a tuning candidate (oclab_fault_candidate), a phase's here */
    int phase = scope[0] && !strcmp(scope[0], fault_where) && !(scope[1] && !strcmp(scope[1], fault_where));
    if (oclab_fault_now(OCLAB_FAULT_HANG))
        hang();
    if (phase && oclab_fault_now(OCLAB_FAULT_CRASH)) {
        oclab_warn("injected fault: %s crashes", fault_where);
        crash();
    }
}

void oclab_fault_candidate(const char *family, int crashed)
{
    if (fault_kind == OCLAB_FAULT_CRASH && !crashed && !strcmp(family, fault_where)) {
        oclab_warn("injected fault: a %s candidate crashes", family);
        crash();
    }
}
