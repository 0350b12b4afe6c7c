/* Whole-or-nothing files (atomic_file.h). */
#define _GNU_SOURCE /* O_TMPFILE, linkat */
#include "roofline/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_LEN 4096

typedef struct {
    const char *path;
    int fd;             /* open while staged */
    int unnamed;        /* an O_TMPFILE: no name until committed */
    char tmp[PATH_LEN]; /* a named temporary that may exist, for the signal handler; "" when none */
} staged;

/* The batch being written, for the signal handler (which may run on any thread). */
static staged *volatile pending;
static volatile sig_atomic_t n_pending;

static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define N_SIGNALS ((int)(sizeof cleanup_signals / sizeof cleanup_signals[0]))
static struct sigaction previous[N_SIGNALS];
static volatile sig_atomic_t installed[N_SIGNALS];

/* Removes the named temporaries (unlink is async-signal-safe), then lets the signal take its previous
 * course: restored and raised again, it is delivered once this handler returns. */
static void on_signal(int sig)
{
    staged *s = pending;
    for (int i = 0; s && i < n_pending; i++)
        if (s[i].tmp[0])
            unlink(s[i].tmp);
    for (int i = 0; i < N_SIGNALS; i++)
        if (cleanup_signals[i] == sig && installed[i]) {
            sigaction(sig, &previous[i], NULL);
            installed[i] = 0;
        }
    raise(sig);
}

static void track(staged *s, int n)
{
    pending = s;
    n_pending = n;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < N_SIGNALS; i++)
        sigaddset(&sa.sa_mask, cleanup_signals[i]);
    for (int i = 0; i < N_SIGNALS; i++) {
        if (sigaction(cleanup_signals[i], NULL, &previous[i]) != 0 || previous[i].sa_handler == SIG_IGN)
            continue; /* an ignored signal (nohup) stays ignored */
        installed[i] = sigaction(cleanup_signals[i], &sa, NULL) == 0;
    }
}

static void untrack(void)
{
    for (int i = 0; i < N_SIGNALS; i++)
        if (installed[i]) {
            installed[i] = 0;
            sigaction(cleanup_signals[i], &previous[i], NULL);
        }
    n_pending = 0;
    pending = NULL;
}

static int fail(const char *path, int error, char *err, size_t err_len)
{
    snprintf(err, err_len, "cannot write %s: %s", path, strerror(error));
    return -1;
}

/* An unnamed file in PATH's folder, or -1 where the file system (or a missing /proc, which linking it
 * needs) does not allow one. */
static int open_unnamed(const char *path)
{
#ifdef O_TMPFILE
    char dir[PATH_LEN];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (access("/proc/self/fd", X_OK) != 0)
        return -1;
    return open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
#else
    (void)path;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

static int write_all(int fd, const char *text)
{
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        done += (size_t)w;
    }
    return fsync(fd);
}

/* Writes TEXT into a new file for S->path: unnamed where possible, else a named temporary. */
static int stage(staged *s, const char *text, char *err, size_t err_len)
{
    if (snprintf(s->tmp, sizeof s->tmp, "%s.tmp.XXXXXX", s->path) >= (int)sizeof s->tmp) {
        s->tmp[0] = '\0';
        snprintf(err, err_len, "cannot write %s: path too long", s->path);
        return -1;
    }
    s->fd = open_unnamed(s->path);
    s->unnamed = s->fd >= 0;
    if (s->unnamed) {
        s->tmp[0] = '\0';
    } else {
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT)
            return fail(s->path, errno, err, err_len);
        s->fd = mkstemp(s->tmp);
        if (s->fd < 0) {
            int e = errno;
            s->tmp[0] = '\0';
            return fail(s->path, e, err, err_len);
        }
        /* mkstemp makes 0600; oclab's outputs are meant to be shared. */
        (void)fchmod(s->fd, 0644);
    }
    if (write_all(s->fd, text) != 0)
        return fail(s->path, errno, err, err_len);
    return 0;
}

/* Puts a staged file in place under its target name. */
static int commit(staged *s, char *err, size_t err_len)
{
    if (s->unnamed) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", s->fd);
        if (linkat(AT_FDCWD, proc, AT_FDCWD, s->path, AT_SYMLINK_FOLLOW) == 0)
            return 0;
        if (errno != EEXIST)
            return fail(s->path, errno, err, err_len);
        /* The target exists: link under a fresh temporary name, then rename over it. */
        for (int attempt = 0;; attempt++) {
            snprintf(s->tmp, sizeof s->tmp, "%s.tmp.%ld.%d", s->path, (long)getpid(), attempt);
            if (linkat(AT_FDCWD, proc, AT_FDCWD, s->tmp, AT_SYMLINK_FOLLOW) == 0)
                break;
            int e = errno;
            if (e != EEXIST || attempt == 100) {
                s->tmp[0] = '\0';
                return fail(s->path, e, err, err_len);
            }
        }
    }
    if (rename(s->tmp, s->path) != 0)
        return fail(s->path, errno, err, err_len);
    s->tmp[0] = '\0';
    return 0;
}

/* Closes S and removes its named temporary, if any. */
static void discard(staged *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    if (s->tmp[0])
        unlink(s->tmp);
    s->tmp[0] = '\0';
}

int rl_write_files_atomic(const char *const *path, const char *const *text, int n, char *err, size_t err_len)
{
    staged *s = calloc(n > 0 ? (size_t)n : 1, sizeof *s);
    if (!s) {
        snprintf(err, err_len, "cannot write %s: out of memory", n > 0 ? path[0] : "files");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        s[i].path = path[i];
        s[i].fd = -1;
    }
    track(s, n);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        rc = stage(&s[i], text[i], err, err_len);
    for (int i = 0; i < n && rc == 0; i++)
        rc = commit(&s[i], err, err_len);
    for (int i = 0; i < n; i++)
        discard(&s[i]);
    untrack();
    free(s);
    return rc;
}

int rl_write_file_atomic(const char *path, const char *text, char *err, size_t err_len)
{
    return rl_write_files_atomic(&path, &text, 1, err, err_len);
}
