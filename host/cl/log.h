#ifndef OCLAB_HOST_CL_LOG_H
#define OCLAB_HOST_CL_LOG_H
/* Logs and progress go to stderr; stdout carries only the requested output. */
#include <stdarg.h>

extern int oclab_verbosity; /* 0 quiet (errors only), 1 normal, 2 verbose */

void oclab_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));     /* "oclab: ..." at >= 1 */
void oclab_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* at >= 2 */
void oclab_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* "oclab: error: ..." always */
void oclab_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));    /* "oclab: warning: ..." */

#endif
