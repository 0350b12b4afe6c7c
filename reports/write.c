/* Output folders (write.h). */
#include "reports/write.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_MAX_LEN 4096

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
