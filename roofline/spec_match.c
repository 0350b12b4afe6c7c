/* Finding the spec sheet of a measured device by its OpenCL name (spec.h). */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roofline/spec.h"

#ifndef OCLAB_SOURCE_DIR
#define OCLAB_SOURCE_DIR "."
#endif

#define MAX_SHEETS 256

/* A and B equal but for case and leading or trailing blanks. */
static int same_name(const char *a, const char *b)
{
    while (isspace((unsigned char)*a))
        a++;
    while (isspace((unsigned char)*b))
        b++;
    size_t na = strlen(a), nb = strlen(b);
    while (na > 0 && isspace((unsigned char)a[na - 1]))
        na--;
    while (nb > 0 && isspace((unsigned char)b[nb - 1]))
        nb--;
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return 0;
    return 1;
}

static int names_device(const cJSON *spec, const char *device_name)
{
    const cJSON *name;
    cJSON_ArrayForEach(name, cJSON_GetObjectItemCaseSensitive(spec, "opencl_names"))
    {
        if (cJSON_IsString(name) && same_name(name->valuestring, device_name))
            return 1;
    }
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

cJSON *rl_spec_for_device(const char *device_name, char *stem, size_t stem_len)
{
    if (device_name == NULL || device_name[0] == '\0')
        return NULL;
    const char *env = getenv("OCLAB_SPECS_DIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", env && env[0] ? env : OCLAB_SOURCE_DIR "/devices/specs");
    DIR *d = opendir(dir);
    if (d == NULL)
        return NULL;
    /* Sorted, so the match does not depend on the order the file system lists them in. */
    char *files[MAX_SHEETS];
    int n = 0;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_SHEETS) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0 && (files[n] = strdup(e->d_name)) != NULL)
            n++;
    }
    closedir(d);
    qsort(files, (size_t)n, sizeof files[0], by_name);
    cJSON *found = NULL;
    for (int i = 0; i < n; i++) {
        char path[4400], err[256];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        cJSON *spec = found == NULL ? rl_spec_load(path, err, sizeof err) : NULL;
        if (spec != NULL && names_device(spec, device_name)) {
            found = spec;
            snprintf(stem, stem_len, "%.*s", (int)(strlen(files[i]) - 5), files[i]);
        } else {
            cJSON_Delete(spec);
        }
        free(files[i]);
    }
    return found;
}
