#ifndef OCLAB_HOST_TUNE_TUNE_H
#define OCLAB_HOST_TUNE_TUNE_H
/* The tuner every kernel family goes through: a point of the family's space (space.h) for one key,
 * from the tuning cache (cache.h) or from a search (search.h) within the --tune-time budget, and the
 * record of how it was chosen for the profile: {source: "cache"|"search"|"default", params, tried,
 * failed, strategy, runner_up, ...}. Families declare their space and how to prepare and time a
 * candidate (oclab_tune_eval); they never keep candidate lists of their own. */
#include <cjson/cJSON.h>

#include "host/cl/device.h"
#include "host/cl/opts.h"
#include "host/tune/cache.h"
#include "host/tune/search.h"
#include "host/tune/space.h"

/* The journal of a child process (host/cli/isolate.h): its path in this environment variable. The
 * tuner appends "start KEY" before it prepares a candidate and "done KEY" after; the parent marks the
 * candidate a crashed child was preparing "crashed KEY", and the next child skips it. */
#define OCLAB_JOURNAL_ENV "OCLAB_JOURNAL"

typedef struct {
    const oclab_device_info *device;
    oclab_tune_cache *cache; /* NULL: nothing kept between runs */
    int search;              /* 0 (--no-tune): the start point only */
    int retune;              /* --retune: searches even where the cache has an entry (and replaces it) */
    double budget_s;         /* per search (--tune-time); 0: the family's own default */
    char **crashed;          /* candidates that crashed a child before (the journal), skipped */
    int n_crashed;
} oclab_tuner;

/* From the device options (--tuning-cache, --retune, --no-tune, --tune-time). */
void oclab_tuner_open(oclab_tuner *tuner, const oclab_device_info *device, const oclab_device_opts *opts);
void oclab_tuner_close(oclab_tuner *tuner);

typedef struct {
    int point[OCLAB_TUNE_MAX_PARAMS];
    void *handle;  /* the chosen candidate, prepared: the caller measures with it and releases it */
    double cost;   /* its cost when searched now, else the cached cost */
    cJSON *record; /* the profile's tuning object (the caller takes it) */
} oclab_tune_outcome;

/* Chooses the point of SPACE for (device, SOURCE_HASH, SPACE's family, FORMAT, SHAPE_CLASS). OPTS: the
 * family's search settings, budget_s replaced by the tuner's when it has one. A cached point that no
 * longer prepares is searched again. 0 with OUT set; -1 when no candidate verified (OUT->record then
 * lists the failures and OUT->handle is NULL). */
int oclab_tune(oclab_tuner *tuner, const oclab_tune_space *space, const oclab_tune_eval *eval,
               const oclab_tune_opts *opts, const char *format, const char *shape_class, uint64_t source_hash,
               oclab_tune_outcome *out);

/* The parent's side of the journal at PATH: the candidate whose "start" has no "done" is marked crashed.
 * 0 with its key in KEY, -1 when the child was inside no candidate. */
int oclab_tune_journal_crashed(const char *path, char *key, size_t len);

/* One line on why a tuning found nothing, from its RECORD: "3 candidates tried; kernel build failed: ..."
 * (the first failure's status and reason). */
void oclab_tune_failure_text(const cJSON *record, char *buf, size_t len);

#endif
