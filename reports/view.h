#ifndef OCLAB_REPORTS_VIEW_H
#define OCLAB_REPORTS_VIEW_H
/* A checked, typed view of one profile ("oclab.profile/1", DESIGN.md "Profiles") for the renderers.
 * Only schema and ceilings are required; every other key is optional. Missing or non-numeric numbers
 * read as NAN and render as a dash. */
#include <stddef.h>

#include <cjson/cJSON.h>

#include "roofline/expect.h"
#include "roofline/profile.h"

typedef struct {
    char name[32]; /* memory level ("dram", "l1", ...) or precision ("f32", "int8", ...) */
    double value;  /* GB/s for memory, GFLOP/s (GOP/s for integers) for compute */
} rpt_ceiling;

typedef struct {
    char precision[32];
    char level[32];       /* memory level the ridge is taken against; "dram" when the profile omits it */
    double flop_per_byte; /* x of the ridge point */
    double gflops;        /* y: that precision's compute ceiling, NAN when the profile lacks it */
} rpt_ridge;

typedef enum { RPT_BOUND_UNKNOWN, RPT_BOUND_MEMORY, RPT_BOUND_COMPUTE } rpt_bound;

/* A kernel beyond this fraction of its roof means an under-measured ceiling (roofline/place.c). */
#define RPT_ABOVE_ROOF 1.05

typedef struct {
    char family[32];     /* "gemv", "attention", ...: the kernel's family, a baseline's too */
    char baseline[32];   /* a peer library's result ("clblast"); "" for ours */
    char format[32];
    char shape[128];     /* "m=1 n=4096 k=4096", "b=1 h=32 kv=8 d=128 ctx=4096" */
    double batch;        /* M of a GEMV, the batch of an attention; NAN when the shape has neither */
    char variant[96];    /* a few telling parameters: "rows r8 wg8 v16"; "clblast Sgemv" for a baseline */
    char details[1536];  /* every variant member, the clock and the tuning: "key=value" lines */
    double time_min, time_median, time_max; /* seconds */
    double gflops, gbs, intensity, roof_gflops, efficiency, probe_gbs, efficiency_vs_probe, max_rel_error;
    rpt_bound bound;
    int verified;   /* 1 only when the profile says true */
    int suspect;    /* the profile flags the measurement */
    int above_roof; /* flagged, or an efficiency beyond RPT_ABOVE_ROOF */
    int index;      /* position in kernels[] */
} rpt_kernel;

typedef struct {
    const cJSON *json;  /* the whole profile, for generic sections (device, env, measurements) */
    char source[256];   /* where it came from (a file name), shown in the reports */
    char device[256];   /* device name, "unknown device" when missing */
    char slug[96];      /* file-name stem: lower-case letters, digits and '-' */
    rpt_ceiling *memory, *compute;
    int n_memory, n_compute;
    rpt_ridge *ridges;
    int n_ridges;
    rpt_kernel *kernels;
    int n_kernels;
    rl_measured_set measured; /* for expected speeds (roofline/expect.h) */
    int have_measured;
    char measured_why[256];   /* why there is no measured set */
} rpt_profile;

/* The short text of a variant object: its layout when a word, then the few parameters that tell
 * variants apart, abbreviated ("rows r8 wg8 v16"); every scalar member when none of those is there. */
void rpt_variant_text(const cJSON *variant, char *out, size_t out_len);

/* Whether K is placed on the roofline: verified, its intensity and GFLOP/s within [RL_RATE_MIN,
 * RL_RATE_MAX] (ours or a baseline's). */
int rpt_kernel_placed(const rpt_kernel *k);

/* Whether K is a GEMV of M > 1 or an attention of batch > 1. */
int rpt_kernel_batched(const rpt_kernel *k);

/* Checks (rl_profile_check) and reads JSON into VIEW (which keeps pointers into JSON). 0 ok; -1 with a
 * one-line reason in err: what rl_profile_check refuses, or no measured ceiling at all. Ridges missing
 * from the profile are derived from the dram (else the first) memory ceiling and each compute ceiling. */
int rpt_profile_read(const cJSON *json, const char *source, rpt_profile *view, char *err, size_t err_len);
void rpt_profile_free(rpt_profile *view);

/* The ceiling named NAME in LIST, or NULL. */
const rpt_ceiling *rpt_ceiling_find(const rpt_ceiling *list, int n, const char *name);

/* Lower-case alphanumeric runs of TEXT joined by '-', at most OUT_LEN - 1 characters; "device" when
 * nothing is left. */
void rpt_slugify(const char *text, char *out, size_t out_len);

#endif
