/* A preload library for the atomic-output tests: it lets a chosen system call of oclab's file writer
 * happen, or not, and then delivers a signal, so a test can kill oclab at an exact point of a write.
 *
 *   OCLAB_KILL_AT=CALL:N:WHEN:SIGNAL   CALL fsync|linkat|rename, its Nth call (from 1), WHEN before|after
 *                                      it runs, SIGNAL KILL|TERM
 *   OCLAB_NO_TMPFILE=LOG               open() with O_TMPFILE fails (EOPNOTSUPP), as on a file system
 *                                      without it, so the writer falls back to named temporaries; each
 *                                      refusal is logged to the file LOG
 * LD_PRELOAD=libkill_at.so oclab ... */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char call[16];
static int nth, after, sig, calls;

__attribute__((constructor)) static void init(void)
{
    const char *spec = getenv("OCLAB_KILL_AT");
    char when[16] = "", name[16] = "";
    if (!spec || sscanf(spec, "%15[a-z]:%d:%15[a-z]:%15[A-Z]", call, &nth, when, name) != 4) {
        call[0] = '\0';
        return;
    }
    after = strcmp(when, "after") == 0;
    sig = strcmp(name, "KILL") == 0 ? SIGKILL : SIGTERM;
}

/* Counts a call of NAME; 1 when it is the one to signal. */
static int chosen(const char *name)
{
    return strcmp(name, call) == 0 && ++calls == nth;
}

#define REAL(type, name, ...) ((type(*)(__VA_ARGS__))dlsym(RTLD_NEXT, name))

int fsync(int fd)
{
    int hit = chosen("fsync");
    if (hit && !after)
        raise(sig);
    int rc = REAL(int, "fsync", int)(fd);
    if (hit)
        raise(sig);
    return rc;
}

int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)
{
    int hit = chosen("linkat");
    if (hit && !after)
        raise(sig);
    int rc = REAL(int, "linkat", int, const char *, int, const char *, int)(olddirfd, oldpath, newdirfd, newpath, flags);
    if (hit)
        raise(sig);
    return rc;
}

int rename(const char *oldpath, const char *newpath)
{
    int hit = chosen("rename");
    if (hit && !after)
        raise(sig);
    int rc = REAL(int, "rename", const char *, const char *)(oldpath, newpath);
    if (hit)
        raise(sig);
    return rc;
}

/* open and open64 are one function on 64-bit glibc. */
int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
    va_end(ap);
    const char *log = getenv("OCLAB_NO_TMPFILE");
    if ((flags & O_TMPFILE) == O_TMPFILE && log) {
        FILE *f = fopen(log, "a");
        if (f) {
            fputs("O_TMPFILE refused\n", f);
            fclose(f);
        }
        errno = EOPNOTSUPP;
        return -1;
    }
    return REAL(int, "open", const char *, int, ...)(path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));
