#ifndef OCLAB_HOST_TUNE_SPACE_H
#define OCLAB_HOST_TUNE_SPACE_H
/* A kernel family's parameter space: named integer parameters, each with its allowed values in
 * ascending order (the local search's neighbours are adjacent values), a constraint that says which
 * combinations the device can run, and a start point derived from what the device reports. A point is
 * an array of values, one per parameter, in the order the parameters were added. No OpenCL here. */
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define OCLAB_TUNE_MAX_PARAMS 10
#define OCLAB_TUNE_MAX_VALUES 16
#define OCLAB_TUNE_NAME_LEN 24

typedef struct {
    char name[OCLAB_TUNE_NAME_LEN];
    int values[OCLAB_TUNE_MAX_VALUES];
    int n;
} oclab_tune_param;

typedef struct oclab_tune_space oclab_tune_space;

/* 1 when POINT can run on the device, else 0 with the reason in WHY (register budget, work-group or
 * local-memory limits, a combination the kernel does not build). NULL: every point is valid. */
typedef int (*oclab_tune_valid_fn)(const oclab_tune_space *space, const int *point, void *user, char *why,
                                   size_t why_len);

struct oclab_tune_space {
    char family[24]; /* "stream", "compute", "gemv", "attention", ... */
    oclab_tune_param params[OCLAB_TUNE_MAX_PARAMS];
    int n_params;
    int start[OCLAB_TUNE_MAX_PARAMS]; /* the device-derived start point (values) */
    oclab_tune_valid_fn valid;
    void *user;
    int failed; /* a parameter could not be added (too many, bad values): the space is unusable */
};

void oclab_tune_space_init(oclab_tune_space *space, const char *family, oclab_tune_valid_fn valid, void *user);

/* Adds parameter NAME with N values (ascending, distinct, at most OCLAB_TUNE_MAX_VALUES) and its start
 * value (the nearest value when START is not among them). Returns the parameter's index, or -1 (the
 * space is marked failed) on a bad declaration. */
int oclab_tune_add(oclab_tune_space *space, const char *name, const int *values, int n, int start);

/* The value of parameter NAME in POINT; FALLBACK when the space has no such parameter. */
int oclab_tune_get(const oclab_tune_space *space, const int *point, const char *name, int fallback);

/* Index of VALUE among P's values, or -1. */
int oclab_tune_index_of(const oclab_tune_param *p, int value);

/* Number of points (the product of the value counts), saturating at UINT64_MAX. */
uint64_t oclab_tune_space_size(const oclab_tune_space *space);

/* Whether POINT holds allowed values and passes the constraint (WHY may be NULL). */
int oclab_tune_point_valid(const oclab_tune_space *space, const int *point, char *why, size_t why_len);

/* "vec=8 nacc=10 wg=64" */
void oclab_tune_point_text(const oclab_tune_space *space, const int *point, char *buf, size_t len);

/* {name: value, ...} */
cJSON *oclab_tune_point_json(const oclab_tune_space *space, const int *point);

/* POINT from {name: value, ...}: every parameter present as an integer among its allowed values.
 * 0 ok; -1 otherwise (extra keys are an error too: a cached point of another space). */
int oclab_tune_point_from_json(const oclab_tune_space *space, const cJSON *params, int *point);

#endif
