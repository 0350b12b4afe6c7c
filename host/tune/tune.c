#include "host/tune/tune.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/fault.h"
#include "host/cl/log.h"

#define KEY_LEN 512

/* The keys marked "crashed" in this process's journal. */
static void read_crashed(oclab_tuner *t)
{
    const char *path = getenv(OCLAB_JOURNAL_ENV);
    FILE *f = path && path[0] ? fopen(path, "r") : NULL;
    char line[KEY_LEN + 16];
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "crashed ", 8) != 0)
            continue;
        char **grown = realloc(t->crashed, (size_t)(t->n_crashed + 1) * sizeof *grown);
        if (!grown || !(grown[t->n_crashed] = strdup(line + 8))) {
            t->crashed = grown ? grown : t->crashed;
            break;
        }
        t->crashed = grown;
        t->n_crashed++;
    }
    if (f)
        fclose(f);
}

void oclab_tuner_open(oclab_tuner *tuner, const oclab_device_info *device, const oclab_device_opts *opts)
{
    memset(tuner, 0, sizeof *tuner);
    tuner->device = device;
    tuner->search = !opts->no_tune;
    tuner->retune = opts->retune;
    tuner->budget_s = opts->tune_time_s;
    if (!opts->no_tuning_cache)
        tuner->cache = oclab_tune_cache_open(opts->tuning_cache);
    read_crashed(tuner);
}

void oclab_tuner_close(oclab_tuner *tuner)
{
    oclab_tune_cache_close(tuner->cache);
    tuner->cache = NULL;
    for (int i = 0; i < tuner->n_crashed; i++)
        free(tuner->crashed[i]);
    free(tuner->crashed);
    tuner->crashed = NULL;
    tuner->n_crashed = 0;
}

static void journal_append(const char *path, const char *verb, const char *key)
{
    FILE *f = path && path[0] ? fopen(path, "a") : NULL;
    if (!f)
        return;
    fprintf(f, "%s %s\n", verb, key);
    fclose(f); /* in the kernel's hands once closed: a crash of this process does not lose it */
}

static void journal(const char *verb, const char *key)
{
    journal_append(getenv(OCLAB_JOURNAL_ENV), verb, key);
}

int oclab_tune_journal_crashed(const char *path, char *key, size_t len)
{
    FILE *f = fopen(path, "r");
    char line[KEY_LEN + 16], open[KEY_LEN + 16] = "";
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, "start ", 6))
            snprintf(open, sizeof open, "%s", line + 6);
        else if (!strncmp(line, "done ", 5) && !strcmp(line + 5, open))
            open[0] = '\0';
    }
    if (f)
        fclose(f);
    if (!open[0])
        return -1;
    snprintf(key, len, "%s", open);
    journal_append(path, "crashed", open);
    return 0;
}

/* The family's evaluation wrapped: each candidate under its key in the journal, skipped when it crashed
 * a child before, and the family's crash fault (cl/fault.h) on its start point. */
typedef struct {
    const oclab_tune_eval *inner;
    const oclab_tuner *tuner;
    const oclab_tune_space *space;
    const char *format, *shape_class;
    uint64_t source_hash;
} guarded;

static void *guarded_prepare(void *user, const int *point, oclab_tune_status *status, char *why, size_t len)
{
    guarded *g = user;
    char key[KEY_LEN], text[256];
    oclab_tune_point_text(g->space, point, text, sizeof text);
    snprintf(key, sizeof key, "%s|%s|%s|%016llx|%s", g->space->family, g->format, g->shape_class,
             (unsigned long long)g->source_hash, text);
    size_t family_len = strlen(g->space->family);
    int family_crashed = 0;
    for (int i = 0; i < g->tuner->n_crashed; i++) {
        if (!strcmp(g->tuner->crashed[i], key)) {
            *status = OCLAB_TUNE_CRASH;
            snprintf(why, len, "it crashed the process preparing it before (a driver fault)");
            return NULL;
        }
        family_crashed |= !strncmp(g->tuner->crashed[i], key, family_len + 1);
    }
    journal("start", key);
    oclab_fault_candidate(g->space->family, family_crashed);
    void *handle = g->inner->prepare(g->inner->user, point, status, why, len);
    journal("done", key);
    return handle;
}

static double guarded_sample(void *user, void *handle, int rep)
{
    guarded *g = user;
    return g->inner->sample(g->inner->user, handle, rep);
}

static void guarded_release(void *user, void *handle)
{
    guarded *g = user;
    g->inner->release(g->inner->user, handle);
}

static cJSON *failures_json(const oclab_tune_space *space, const oclab_tune_result *r)
{
    cJSON *list = cJSON_CreateArray();
    int n = r->failed < OCLAB_TUNE_MAX_FAILURES ? r->failed : OCLAB_TUNE_MAX_FAILURES;
    for (int i = 0; i < n; i++) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddItemToObject(f, "params", oclab_tune_point_json(space, r->failures[i].point));
        cJSON_AddStringToObject(f, "status", oclab_tune_status_name(r->failures[i].status));
        cJSON_AddStringToObject(f, "why", r->failures[i].why);
        cJSON_AddItemToArray(list, f);
    }
    return list;
}

static cJSON *search_record(const oclab_tune_space *space, const oclab_tune_result *r, const char *source,
                            double budget_s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "source", source);
    if (r->found)
        cJSON_AddItemToObject(o, "params", oclab_tune_point_json(space, r->best));
    cJSON_AddStringToObject(o, "strategy", r->strategy ? r->strategy : "none");
    cJSON_AddNumberToObject(o, "tried", r->tried);
    cJSON_AddNumberToObject(o, "failed", r->failed);
    cJSON_AddNumberToObject(o, "valid_points", (double)r->valid_points);
    cJSON_AddNumberToObject(o, "budget_s", budget_s);
    cJSON_AddNumberToObject(o, "elapsed_s", r->elapsed_s);
    cJSON_AddBoolToObject(o, "budget_hit", r->budget_hit);
    if (r->has_runner_up) {
        cJSON *ru = cJSON_AddObjectToObject(o, "runner_up");
        cJSON_AddItemToObject(ru, "params", oclab_tune_point_json(space, r->runner_up));
        cJSON_AddNumberToObject(ru, "cost_ratio", r->best_cost > 0 ? r->runner_up_cost / r->best_cost : 0.0);
        cJSON_AddBoolToObject(ru, "within_noise", r->runner_up_within_noise);
    } else {
        cJSON_AddNullToObject(o, "runner_up");
    }
    if (r->failed)
        cJSON_AddItemToObject(o, "failures", failures_json(space, r));
    return o;
}

/* The cached entry's point, prepared: 0 with OUT set, -1 when there is none, it fails now, or the
 * tuner may not use it (--retune searches again, --no-tune takes the start point). */
static int from_cache(oclab_tuner *t, const oclab_tune_space *space, const oclab_tune_eval *eval,
                      const oclab_tune_key *key, oclab_tune_outcome *out)
{
    const cJSON *entry = NULL;
    char why[160] = "", text[256];
    oclab_tune_status status = OCLAB_TUNE_OK;
    if (!t->cache || t->retune || !t->search || oclab_tune_cache_get(t->cache, key, space, out->point, &entry) != 0)
        return -1;
    out->handle = eval->prepare(eval->user, out->point, &status, why, sizeof why);
    oclab_tune_point_text(space, out->point, text, sizeof text);
    if (!out->handle) {
        oclab_warn("tuning cache: %s %s (%s) no longer runs here (%s: %s); searching again", space->family,
                   key->shape_class, text, oclab_tune_status_name(status), why);
        return -1;
    }
    const cJSON *cost = cJSON_GetObjectItemCaseSensitive(entry, "cost");
    out->cost = cJSON_IsNumber(cost) ? cost->valuedouble : 0.0;
    out->record = cJSON_CreateObject();
    cJSON_AddStringToObject(out->record, "source", "cache");
    cJSON_AddItemToObject(out->record, "params", oclab_tune_point_json(space, out->point));
    static const char *const kept[] = {"strategy", "tried", "failed", "runner_up", "date"};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(entry, kept[i]);
        if (v)
            cJSON_AddItemToObject(out->record, kept[i], cJSON_Duplicate(v, 1));
    }
    cJSON_AddStringToObject(out->record, "cache", oclab_tune_cache_path(t->cache));
    oclab_debug("tuning %s %s %s: %s from the cache", space->family, key->format, key->shape_class, text);
    return 0;
}

int oclab_tune(oclab_tuner *t, const oclab_tune_space *space, const oclab_tune_eval *family_eval,
               const oclab_tune_opts *opts, const char *format, const char *shape_class, uint64_t source_hash,
               oclab_tune_outcome *out)
{
    guarded g = {family_eval, t, space, format, shape_class, source_hash};
    oclab_tune_eval guarded_eval = {guarded_prepare, guarded_sample, guarded_release, &g};
    const oclab_tune_eval *eval = &guarded_eval;
    oclab_tune_key key = {t->device->platform_name, t->device->name, t->device->driver, source_hash,
                          space->family, format, shape_class};
    oclab_tune_opts o = *opts;
    oclab_tune_result r;
    char text[256];
    memset(out, 0, sizeof *out);
    if (from_cache(t, space, eval, &key, out) == 0)
        return 0;
    if (t->budget_s > 0.0)
        o.budget_s = t->budget_s;
    if (!t->search) { /* --no-tune: the start point, alone */
        o.budget_s = 0.0;
        o.exhaustive_max = 0;
        o.restarts = 0;
        o.finalists = 1;
    }
    int rc = oclab_tune_search(space, eval, &o, &r);
    if (!t->search && rc == 0 && memcmp(r.best, space->start, (size_t)space->n_params * sizeof *r.best) != 0)
        oclab_debug("--no-tune: %s's start point did not run; took its nearest valid point", space->family);
    out->record = search_record(space, &r, t->search ? "search" : "default", o.budget_s);
    if (rc != 0) {
        oclab_warn("tuning %s %s %s: none of %d candidates verified", space->family, format, shape_class, r.tried);
        return -1;
    }
    memcpy(out->point, r.best, sizeof out->point);
    out->handle = r.best_handle;
    out->cost = r.best_cost;
    oclab_tune_point_text(space, r.best, text, sizeof text);
    oclab_debug("tuning %s %s %s: %s (%s, %d tried, %.2f s)", space->family, format, shape_class, text,
                r.strategy, r.tried, r.elapsed_s);
    if (t->search && t->cache)
        oclab_tune_cache_put(t->cache, &key, space, &r);
    return 0;
}

void oclab_tune_failure_text(const cJSON *record, char *buf, size_t len)
{
    static const char *const words[OCLAB_TUNE_STATUSES] = {"ok", "kernel build failed", "launch failed",
                                                           "wrong result", "crashed"};
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(record, "failures"), 0);
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(first, "status");
    const cJSON *why = cJSON_GetObjectItemCaseSensitive(first, "why");
    const cJSON *tried = cJSON_GetObjectItemCaseSensitive(record, "tried");
    const char *word = "no candidate ran";
    for (int i = 0; i < OCLAB_TUNE_STATUSES && cJSON_IsString(status); i++)
        if (strcmp(status->valuestring, oclab_tune_status_name((oclab_tune_status)i)) == 0)
            word = words[i];
    snprintf(buf, len, "%d candidate%s tried; %s%s%s", cJSON_IsNumber(tried) ? tried->valueint : 0,
             cJSON_IsNumber(tried) && tried->valueint == 1 ? "" : "s", word, cJSON_IsString(why) ? ": " : "",
             cJSON_IsString(why) ? why->valuestring : "");
}
