/* Atomic text files and output folders (write.h). */
#include "reports/write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_MAX_LEN 4096

/* Writes TEXT to a new temporary file beside PATH, named into TMP. 0 ok; -1 with the reason. */
static int stage(const char *path, const char *text, char *tmp, size_t tmp_len, char *err, size_t err_len)
{
    if (snprintf(tmp, tmp_len, "%s.tmp.XXXXXX", path) >= (int)tmp_len) {
        snprintf(err, err_len, "cannot write %s: path too long", path);
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, err_len, "cannot write %s: %s", path, strerror(errno));
        tmp[0] = '\0';
        return -1;
    }
    /* mkstemp makes 0600; reports are meant to be shared. */
    (void)fchmod(fd, 0644);
    FILE *f = fdopen(fd, "w");
    if (!f) {
        snprintf(err, err_len, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    size_t len = strlen(text);
    int ok = fwrite(text, 1, len, f) == len && fflush(f) == 0 && fsync(fd) == 0;
    int saved = errno;
    if (fclose(f) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        snprintf(err, err_len, "cannot write %s: %s", path, strerror(saved));
        return -1;
    }
    return 0;
}

int rpt_write_texts_atomic(const char *const *path, const char *const *text, int n, char *err, size_t err_len)
{
    char(*tmp)[PATH_MAX_LEN] = calloc(n > 0 ? (size_t)n : 1, sizeof *tmp);
    if (!tmp) {
        snprintf(err, err_len, "cannot write %s: out of memory", n > 0 ? path[0] : "reports");
        return -1;
    }
    int rc = 0, staged = 0;
    for (; staged < n; staged++) {
        if (stage(path[staged], text[staged], tmp[staged], sizeof tmp[staged], err, err_len) != 0) {
            rc = -1;
            break;
        }
    }
    /* A failed stage may have left its own temporary; remove it with the others. */
    if (rc != 0) {
        for (int i = 0; i <= staged && i < n; i++)
            if (tmp[i][0])
                unlink(tmp[i]);
        free(tmp);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (rename(tmp[i], path[i]) != 0) {
            snprintf(err, err_len, "cannot write %s: %s", path[i], strerror(errno));
            for (int j = i; j < n; j++)
                unlink(tmp[j]);
            rc = -1;
            break;
        }
    }
    free(tmp);
    return rc;
}

int rpt_write_text_atomic(const char *path, const char *text, char *err, size_t err_len)
{
    return rpt_write_texts_atomic(&path, &text, 1, err, err_len);
}

/* After FAILED could not be made: removes the folders made above it. Returns -1. */
static int undo(char *failed, int *created)
{
    char *slash = strrchr(failed, '/');
    if (slash && *created > 0) {
        *slash = '\0';
        rpt_remove_created(failed, *created);
    }
    *created = 0;
    return -1;
}

int rpt_make_dirs(const char *dir, int *created, char *err, size_t err_len)
{
    char path[PATH_MAX_LEN];
    *created = 0;
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        snprintf(err, err_len, "cannot create %s: path too long", dir);
        return -1;
    }
    /* Walk each prefix ending before a '/', then the whole path. */
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        struct stat st;
        if (stat(path, &st) != 0) {
            if (mkdir(path, 0777) != 0) {
                snprintf(err, err_len, "cannot create %s: %s", path, strerror(errno));
                return undo(path, created);
            }
            ++*created;
        } else if (!S_ISDIR(st.st_mode)) {
            snprintf(err, err_len, "cannot write to %s: not a directory", path);
            return undo(path, created);
        }
        *p = saved;
        if (saved == '\0')
            return 0;
    }
}

void rpt_remove_created(const char *dir, int created)
{
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "%s", dir);
    for (int i = 0; i < created; i++) {
        size_t len = strlen(path);
        while (len > 1 && path[len - 1] == '/')
            path[--len] = '\0';
        if (rmdir(path) != 0)
            return;
        char *slash = strrchr(path, '/');
        if (!slash)
            return;
        *slash = '\0';
    }
}
