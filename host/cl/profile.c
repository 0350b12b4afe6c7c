#include "host/cl/profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/cl/log.h"
#include "host/cl/version.h"
#include "roofline/atomic_file.h"

extern char **environ;

static void add_env(cJSON *env)
{
    static const char *prefixes[] = {"POCL_", "OCL_ICD_", "OCLAB_", "CUDA_VISIBLE_DEVICES",
                                     "ROCR_VISIBLE_DEVICES", "ZE_AFFINITY_MASK"};
    for (char **e = environ; *e; e++) {
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
            if (strncmp(*e, prefixes[i], strlen(prefixes[i])) != 0)
                continue;
            const char *eq = strchr(*e, '=');
            if (!eq)
                break;
            char key[256];
            size_t n = (size_t)(eq - *e) < sizeof key - 1 ? (size_t)(eq - *e) : sizeof key - 1;
            memcpy(key, *e, n);
            key[n] = '\0';
            cJSON_AddStringToObject(env, key, eq + 1);
            break;
        }
    }
}

cJSON *oclab_profile_new(const oclab_device_info *device)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "schema", OCLAB_PROFILE_SCHEMA);
    cJSON *tool = cJSON_AddObjectToObject(p, "tool");
    cJSON_AddStringToObject(tool, "name", "oclab");
    cJSON_AddStringToObject(tool, "version", OCLAB_VERSION);
    cJSON_AddStringToObject(tool, "git", oclab_git_revision);

    char date[64] = "";
    time_t now = time(NULL);
    struct tm utc;
    if (gmtime_r(&now, &utc))
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &utc);
    cJSON_AddStringToObject(p, "date", date);
    char host[256] = "unknown";
    if (gethostname(host, sizeof host) != 0)
        strcpy(host, "unknown");
    host[sizeof host - 1] = '\0';
    cJSON_AddStringToObject(p, "host", host);
    add_env(cJSON_AddObjectToObject(p, "env"));
    cJSON_AddItemToObject(p, "device", oclab_device_json(device));
    cJSON *ceilings = cJSON_AddObjectToObject(p, "ceilings");
    cJSON_AddArrayToObject(ceilings, "memory");
    cJSON_AddArrayToObject(ceilings, "compute");
    cJSON_AddArrayToObject(p, "ridges");
    cJSON_AddObjectToObject(p, "measurements");
    cJSON_AddArrayToObject(p, "kernels");
    cJSON_AddArrayToObject(p, "skipped");
    cJSON_AddArrayToObject(p, "warnings");
    return p;
}

void oclab_profile_skip(cJSON *profile, const char *what, const char *reason)
{
    cJSON *skipped = cJSON_GetObjectItemCaseSensitive(profile, "skipped");
    cJSON *item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "what", what);
    cJSON_AddStringToObject(item, "reason", reason);
    cJSON_AddItemToArray(skipped, item);
    oclab_log("skipped %s: %s", what, reason);
}

void oclab_profile_warn(cJSON *profile, const char *what, const char *detail)
{
    cJSON *warnings = cJSON_GetObjectItemCaseSensitive(profile, "warnings");
    if (!cJSON_IsArray(warnings)) {
        cJSON_DeleteItemFromObjectCaseSensitive(profile, "warnings");
        warnings = cJSON_AddArrayToObject(profile, "warnings");
    }
    cJSON *item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "what", what);
    cJSON_AddStringToObject(item, "detail", detail);
    cJSON_AddItemToArray(warnings, item);
    oclab_warn("%s: %s", what, detail);
}

int oclab_check_writable(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (access(dir, W_OK | X_OK) != 0) {
        oclab_error("cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int oclab_json_write_atomic(const char *path, const cJSON *doc)
{
    char *text = cJSON_Print(doc);
    size_t len = text ? strlen(text) : 0;
    char *line = text ? realloc(text, len + 2) : NULL;
    if (!line) {
        free(text);
        oclab_error("cannot write %s: out of memory formatting JSON", path);
        return -1;
    }
    memcpy(line + len, "\n", 2);
    char err[4200];
    int rc = rl_write_file_atomic(path, line, err, sizeof err);
    if (rc != 0)
        oclab_error("%s", err);
    free(line);
    return rc;
}

int oclab_json_print(const cJSON *doc)
{
    char *text = cJSON_Print(doc);
    if (!text) {
        oclab_error("out of memory formatting JSON");
        return -1;
    }
    int ok = fputs(text, stdout) != EOF && fputc('\n', stdout) != EOF && fflush(stdout) == 0;
    free(text);
    if (!ok)
        oclab_error("cannot write to stdout");
    return ok ? 0 : -1;
}
