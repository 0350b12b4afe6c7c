#include "host/tune/tune.h"

#include <stdio.h>
#include <string.h>

#include "host/cl/log.h"

void oclab_tuner_open(oclab_tuner *tuner, const oclab_device_info *device, const oclab_device_opts *opts)
{
    memset(tuner, 0, sizeof *tuner);
    tuner->device = device;
    tuner->search = !opts->no_tune;
    tuner->retune = opts->retune;
    tuner->budget_s = opts->tune_time_s;
    if (!opts->no_tuning_cache)
        tuner->cache = oclab_tune_cache_open(opts->tuning_cache);
}

void oclab_tuner_close(oclab_tuner *tuner)
{
    oclab_tune_cache_close(tuner->cache);
    tuner->cache = NULL;
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

int oclab_tune(oclab_tuner *t, const oclab_tune_space *space, const oclab_tune_eval *eval,
               const oclab_tune_opts *opts, const char *format, const char *shape_class, uint64_t source_hash,
               oclab_tune_outcome *out)
{
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
