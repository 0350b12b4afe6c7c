#include "host/tune/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/cl/version.h"
#include "roofline/profile.h"

struct oclab_tune_cache {
    char path[4096];
    cJSON *doc; /* {schema, entries}: what the file held when last read or written */
};

static cJSON *fresh_doc(void)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "schema", OCLAB_TUNE_CACHE_SCHEMA);
    cJSON_AddArrayToObject(doc, "entries");
    return doc;
}

const cJSON *oclab_tune_cache_entries(const cJSON *doc, char *why, size_t why_len)
{
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(doc, "schema");
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(doc, "entries");
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, OCLAB_TUNE_CACHE_SCHEMA) != 0)
        snprintf(why, why_len, "not an %s document", OCLAB_TUNE_CACHE_SCHEMA);
    else if (!cJSON_IsArray(entries))
        snprintf(why, why_len, "a document whose entries are not an array");
    else
        return entries;
    return NULL;
}

const cJSON *oclab_tune_cache_parse(const char *text, cJSON **doc, char *why, size_t why_len)
{
    *doc = cJSON_Parse(text);
    if (!*doc) {
        snprintf(why, why_len, "not valid JSON");
        return NULL;
    }
    const cJSON *entries = oclab_tune_cache_entries(*doc, why, why_len);
    if (!entries) {
        cJSON_Delete(*doc);
        *doc = NULL;
    }
    return entries;
}

/* The document in PATH: NULL when the file does not exist (an empty cache); a fresh document when it
 * cannot be read or is not a cache, after a warning when WARN is set. */
static cJSON *load(const char *path, int warn)
{
    char why[512] = "";
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return NULL;
    cJSON *doc = rl_json_load(path, why, sizeof why);
    if (doc && oclab_tune_cache_entries(doc, why, sizeof why))
        return doc;
    if (warn && doc)
        oclab_warn("tuning cache %s is %s; tuning afresh (it will be replaced)", path, why);
    else if (warn)
        oclab_warn("tuning cache: %s; tuning afresh (it will be replaced)", why);
    cJSON_Delete(doc);
    return fresh_doc();
}

/* mkdir -p of PATH's folder; failures show up when the file is written. */
static void make_parents(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(dir, 0755);
        *p = '/';
    }
}

oclab_tune_cache *oclab_tune_cache_open(const char *path)
{
    oclab_tune_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (path)
        snprintf(c->path, sizeof c->path, "%s", path);
    else if (xdg && xdg[0] == '/')
        snprintf(c->path, sizeof c->path, "%s/oclab/tuning.json", xdg);
    else if (home && home[0])
        snprintf(c->path, sizeof c->path, "%s/.cache/oclab/tuning.json", home);
    else {
        oclab_warn("no tuning cache: neither XDG_CACHE_HOME nor HOME is set (use --tuning-cache FILE)");
        free(c);
        return NULL;
    }
    make_parents(c->path);
    c->doc = load(c->path, 1);
    if (!c->doc)
        c->doc = fresh_doc();
    return c;
}

void oclab_tune_cache_close(oclab_tune_cache *cache)
{
    if (!cache)
        return;
    cJSON_Delete(cache->doc);
    free(cache);
}

const char *oclab_tune_cache_path(const oclab_tune_cache *cache)
{
    return cache->path;
}

static int string_is(const cJSON *o, const char *key, const char *want)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && strcmp(v->valuestring, want) == 0;
}

static int matches(const cJSON *e, const oclab_tune_key *k)
{
    char hash[24];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)k->source_hash);
    return cJSON_IsObject(e) && string_is(e, "platform", k->platform) && string_is(e, "device", k->device) &&
           string_is(e, "driver", k->driver) && string_is(e, "source_hash", hash) && string_is(e, "family", k->family) &&
           string_is(e, "format", k->format) && string_is(e, "shape_class", k->shape_class);
}

int oclab_tune_cache_lookup(const cJSON *doc, const oclab_tune_key *key, const oclab_tune_space *space, int *point,
                            const cJSON **entry)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "entries"))
    {
        if (!matches(e, key))
            continue;
        int p[OCLAB_TUNE_MAX_PARAMS];
        if (oclab_tune_point_from_json(space, cJSON_GetObjectItemCaseSensitive(e, "params"), p) != 0 ||
            !oclab_tune_point_valid(space, p, NULL, 0)) {
            oclab_debug("tuning cache: the entry for %s %s %s is not a point of today's space; searching",
                        key->family, key->format, key->shape_class);
            return -1;
        }
        memcpy(point, p, (size_t)space->n_params * sizeof *p);
        *entry = e;
        return 0;
    }
    return -1;
}

int oclab_tune_cache_get(oclab_tune_cache *cache, const oclab_tune_key *key, const oclab_tune_space *space,
                         int *point, const cJSON **entry)
{
    return oclab_tune_cache_lookup(cache->doc, key, space, point, entry);
}

static cJSON *entry_of(const oclab_tune_key *k, const oclab_tune_space *space, const oclab_tune_result *r)
{
    char hash[24], date[32] = "";
    time_t now = time(NULL);
    struct tm utc;
    if (gmtime_r(&now, &utc))
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &utc);
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)k->source_hash);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "platform", k->platform);
    cJSON_AddStringToObject(e, "device", k->device);
    cJSON_AddStringToObject(e, "driver", k->driver);
    cJSON_AddStringToObject(e, "source_hash", hash);
    cJSON_AddStringToObject(e, "family", k->family);
    cJSON_AddStringToObject(e, "format", k->format);
    cJSON_AddStringToObject(e, "shape_class", k->shape_class);
    cJSON_AddItemToObject(e, "params", oclab_tune_point_json(space, r->best));
    cJSON_AddNumberToObject(e, "cost", r->best_cost);
    cJSON_AddNumberToObject(e, "tried", r->tried);
    cJSON_AddNumberToObject(e, "failed", r->failed);
    cJSON_AddStringToObject(e, "strategy", r->strategy ? r->strategy : "");
    if (r->has_runner_up) {
        cJSON *ru = cJSON_AddObjectToObject(e, "runner_up");
        cJSON_AddItemToObject(ru, "params", oclab_tune_point_json(space, r->runner_up));
        cJSON_AddNumberToObject(ru, "cost", r->runner_up_cost);
        cJSON_AddBoolToObject(ru, "within_noise", r->runner_up_within_noise);
    } else {
        cJSON_AddNullToObject(e, "runner_up");
    }
    cJSON_AddStringToObject(e, "date", date);
    char tool[96];
    snprintf(tool, sizeof tool, "%s (%s)", OCLAB_VERSION, oclab_git_revision);
    cJSON_AddStringToObject(e, "tool", tool);
    return e;
}

/* An exclusive lock on PATH.lock, held until the descriptor is closed; -1 when it cannot be taken. */
static int lock_file(const char *path)
{
    char lock[4200];
    snprintf(lock, sizeof lock, "%s.lock", path);
    int fd = open(lock, O_RDWR | O_CREAT, 0644);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fd >= 0 && fcntl(fd, F_SETLKW, &fl) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int oclab_tune_cache_put(oclab_tune_cache *cache, const oclab_tune_key *key, const oclab_tune_space *space,
                         const oclab_tune_result *result)
{
    if (!result->found)
        return -1;
    int fd = lock_file(cache->path);
    if (fd < 0) {
        oclab_warn("tuning cache %s: cannot lock it (%s); this result is not kept", cache->path, strerror(errno));
        return -1;
    }
    cJSON *doc = load(cache->path, 0); /* what other processes wrote since (open warned once) */
    if (!doc)
        doc = fresh_doc();
    cJSON *entries = cJSON_GetObjectItemCaseSensitive(doc, "entries");
    for (int i = cJSON_GetArraySize(entries) - 1; i >= 0; i--)
        if (matches(cJSON_GetArrayItem(entries, i), key))
            cJSON_DeleteItemFromArray(entries, i);
    cJSON_AddItemToArray(entries, entry_of(key, space, result));
    while (cJSON_GetArraySize(entries) > OCLAB_TUNE_CACHE_MAX)
        cJSON_DeleteItemFromArray(entries, 0);
    int rc = oclab_json_write_atomic(cache->path, doc);
    close(fd);
    cJSON_Delete(cache->doc);
    cache->doc = doc;
    return rc;
}
