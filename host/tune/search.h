#ifndef OCLAB_HOST_TUNE_SEARCH_H
#define OCLAB_HOST_TUNE_SEARCH_H
/* One search over a parameter space (space.h) within a time budget. Small spaces are searched
 * exhaustively, large ones by a local search from the device-derived start point (then from seeded
 * random points while the budget lasts). Each candidate is prepared once (built, verified, warmed up:
 * the family's job, through oclab_tune_eval) and timed with a few cold samples; a candidate that fails
 * (build, launch, wrong result) is recorded with its reason and never tried again. The best few are
 * then timed again in turn, sample by sample, so the drift of a shared machine falls on all of them
 * alike, and the fastest median wins. No OpenCL here: the search only sees costs. */
#include <stddef.h>
#include <stdint.h>

#include "host/tune/space.h"

typedef enum {
    OCLAB_TUNE_OK,
    OCLAB_TUNE_BUILD,   /* the kernel did not build */
    OCLAB_TUNE_LAUNCH,  /* the device refused or failed the launch (resources, allocation) */
    OCLAB_TUNE_WRONG,   /* the output failed verification */
    OCLAB_TUNE_CRASH,   /* the candidate crashed or hung a child process before (journal) */
    OCLAB_TUNE_STATUSES
} oclab_tune_status;

const char *oclab_tune_status_name(oclab_tune_status status); /* "ok", "build", "launch", "wrong", "crash" */

/* What a family provides: PREPARE builds, verifies and warms up POINT (returning a handle, or NULL with
 * *status and WHY set); SAMPLE times one cold launch of a prepared candidate and returns its cost,
 * seconds per unit of the family's work (lower is better; the unit is the same for every point of a
 * space), or a negative value when the launch failed; REP counts up across all samples of the search,
 * so a family can rotate through cold copies of its operands. RELEASE frees a handle. */
typedef struct {
    void *(*prepare)(void *user, const int *point, oclab_tune_status *status, char *why, size_t why_len);
    double (*sample)(void *user, void *handle, int rep);
    void (*release)(void *user, void *handle);
    void *user;
} oclab_tune_eval;

typedef struct {
    double budget_s;    /* time for the search; the start point is always evaluated */
    int rounds;         /* samples per candidate while searching (their median is its cost) */
    int final_rounds;   /* samples per finalist, taken in turn */
    int finalists;      /* how many of the best are timed again in turn (1: none) */
    int exhaustive_max; /* spaces with at most this many valid points are searched exhaustively */
    int restarts;       /* local search: restarts from seeded random points after it converges */
    uint64_t seed;
    /* The clock the budget is measured on (NULL: the monotonic clock); tests pass a virtual one. */
    double (*clock)(void *clock_user);
    void *clock_user;
} oclab_tune_opts;

/* budget 1 s, 3 rounds, 7 final rounds, 3 finalists, exhaustive up to 24 points, 2 restarts. */
void oclab_tune_opts_default(oclab_tune_opts *opts);

#define OCLAB_TUNE_MAX_FAILURES 16

typedef struct {
    int found;                          /* at least one candidate verified and timed */
    int best[OCLAB_TUNE_MAX_PARAMS];
    double best_cost;                   /* the median of its final samples (or of its search samples) */
    void *best_handle;                  /* prepared: the caller measures with it, then releases it */
    int has_runner_up;
    int runner_up[OCLAB_TUNE_MAX_PARAMS];
    double runner_up_cost;
    int runner_up_within_noise;         /* its median lies within the winner's sample spread */
    int tried;                          /* candidates prepared (failures included) */
    int failed;                         /* of which failed */
    struct {
        int point[OCLAB_TUNE_MAX_PARAMS];
        oclab_tune_status status;
        char why[160];
    } failures[OCLAB_TUNE_MAX_FAILURES]; /* the first failures, for the record */
    uint64_t valid_points;              /* size of the valid space (0 when too large to count) */
    const char *strategy;               /* "exhaustive" or "local" */
    int budget_hit;                     /* the budget ended the search before it was done */
    double elapsed_s;
} oclab_tune_result;

/* Searches SPACE. 0 when a candidate was found (OUT->best_handle prepared), -1 when none verified
 * (every failure recorded) or the space is unusable. */
int oclab_tune_search(const oclab_tune_space *space, const oclab_tune_eval *eval, const oclab_tune_opts *opts,
                      oclab_tune_result *out);

#endif
