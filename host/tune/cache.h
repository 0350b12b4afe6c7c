#ifndef OCLAB_HOST_TUNE_CACHE_H
#define OCLAB_HOST_TUNE_CACHE_H
/* The tuning cache: what a search chose, kept across runs in one JSON file ("oclab.tuning/1"), by
 * default $XDG_CACHE_HOME/oclab/tuning.json (else ~/.cache/oclab/tuning.json), or --tuning-cache FILE.
 * An entry is keyed by the device (platform, name, driver version), the hash of the kernel source and
 * its fixed build options, the family, the format and a shape class. A later search of the same key
 * replaces the entry; other keys are kept, so the file only grows with new keys (older tool versions'
 * entries stay under their own source hash), up to OCLAB_TUNE_CACHE_MAX entries, oldest dropped.
 * A file that is unreadable, corrupt or of another schema gets one warning and is treated as empty;
 * writes take a lock, merge with what other processes wrote meanwhile and replace the file atomically. */
#include <stdint.h>

#include <cjson/cJSON.h>

#include "host/tune/search.h"
#include "host/tune/space.h"

#define OCLAB_TUNE_CACHE_SCHEMA "oclab.tuning/1"
#define OCLAB_TUNE_CACHE_MAX 4096

typedef struct {
    const char *platform, *device, *driver;
    uint64_t source_hash;
    const char *family, *format, *shape_class;
} oclab_tune_key;

typedef struct oclab_tune_cache oclab_tune_cache;

/* PATH NULL: the default location. NULL (after a warning) only when no location can be used at all;
 * a missing file is an empty cache. */
oclab_tune_cache *oclab_tune_cache_open(const char *path);
void oclab_tune_cache_close(oclab_tune_cache *cache);
const char *oclab_tune_cache_path(const oclab_tune_cache *cache);

/* The entry of KEY whose params form a valid point of SPACE: 0 with POINT set and *ENTRY pointing at the
 * cached object (owned by the cache), -1 when there is none. */
int oclab_tune_cache_get(oclab_tune_cache *cache, const oclab_tune_key *key, const oclab_tune_space *space,
                         int *point, const cJSON **entry);

/* Stores a search's winner (RESULT->found) under KEY. 0 ok; -1 with a warning when the file cannot
 * be written (the run goes on without it). */
int oclab_tune_cache_put(oclab_tune_cache *cache, const oclab_tune_key *key, const oclab_tune_space *space,
                         const oclab_tune_result *result);

/* Parses TEXT as a cache document: the entries array when it is one, else NULL with the reason
 * (exposed for the fuzz target and tests). The caller deletes the returned document (*DOC). */
const cJSON *oclab_tune_cache_parse(const char *text, cJSON **doc, char *why, size_t why_len);

/* DOC's entries when it is a cache document, else NULL with the reason. */
const cJSON *oclab_tune_cache_entries(const cJSON *doc, char *why, size_t why_len);

/* The lookup of oclab_tune_cache_get in document DOC: 0 with POINT (a valid point of SPACE) and *ENTRY,
 * -1 when DOC holds none for KEY. Any document is safe here: entries of the wrong shape are passed by. */
int oclab_tune_cache_lookup(const cJSON *doc, const oclab_tune_key *key, const oclab_tune_space *space, int *point,
                            const cJSON **entry);

#endif
