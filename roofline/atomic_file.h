#ifndef OCLAB_ROOFLINE_ATOMIC_FILE_H
#define OCLAB_ROOFLINE_ATOMIC_FILE_H
/* The one way oclab writes a file: it appears whole or not at all, and no temporary is left behind.
 *
 * Each text is written and flushed to disk in an unnamed file in the target's folder (Linux O_TMPFILE),
 * which vanishes if the process dies, even by SIGKILL; it is then linked in under the target's name
 * when none exists, else under a temporary name that is renamed over the target at once. Where
 * O_TMPFILE is unsupported, the text goes to a named temporary (TARGET.tmp.XXXXXX) from the start.
 * While named temporaries exist, SIGINT, SIGTERM and SIGHUP remove them before the signal takes its
 * previous course; only SIGKILL in that window (two system calls with O_TMPFILE) can leave one.
 *
 * Not for concurrent use by several threads (the signal cleanup tracks one batch at a time). */
#include <stddef.h>

/* Writes TEXT[i] to PATH[i] for i < N: every file is staged before the first one is put in place, so
 * a failure to write any of them (no space, no permission) changes none. 0 ok; -1 with a one-line
 * reason naming the path in err ("cannot write PATH: ..."). */
int rl_write_files_atomic(const char *const *path, const char *const *text, int n, char *err, size_t err_len);

/* One file. */
int rl_write_file_atomic(const char *path, const char *text, char *err, size_t err_len);

#endif
