#include "host/cl/log.h"

#include <stdio.h>

#include "host/cl/progress.h"

int oclab_verbosity = 1;

static void emit(const char *prefix, const char *fmt, va_list ap)
{
    oclab_progress_hide(); /* a progress line on a terminal comes back under this one */
    fprintf(stderr, "oclab: %s", prefix);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    oclab_progress_show();
}

void oclab_log(const char *fmt, ...)
{
    if (oclab_verbosity < 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

void oclab_debug(const char *fmt, ...)
{
    if (oclab_verbosity < 2)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

void oclab_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("error: ", fmt, ap);
    va_end(ap);
}

void oclab_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("warning: ", fmt, ap);
    va_end(ap);
}
