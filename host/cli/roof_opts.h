#ifndef OCLAB_HOST_CLI_ROOF_OPTS_H
#define OCLAB_HOST_CLI_ROOF_OPTS_H
/* The DEVICE options of `oclab cost` and `oclab model`: where the roof comes from.
 *   --peak-gflops G --bandwidth-gbs W [--memory-gb M]   numbers given by hand
 *   --spec NAME                                         a vendor spec sheet (devices/specs)
 *   --profile FILE                                      a measured oclab profile */
#include <cjson/cJSON.h>

#include "roofline/cost.h"
#include "roofline/format.h"

typedef struct {
    double peak_gflops, bandwidth_gbs, memory_gb; /* 0 when not given */
    const char *spec, *profile;
} oclab_roof_opts;

void oclab_roof_opts_init(oclab_roof_opts *opts);

/* Consumes argv[*i] if it is a DEVICE option: 1 consumed, 0 not ours, -1 bad (error printed). */
int oclab_roof_opt(oclab_roof_opts *opts, int argc, char **argv, int *i);

/* The device a roof came from. memory_bytes is 0 when unknown. */
typedef struct {
    rl_roof roof;
    double memory_bytes;
    char name[128]; /* spec sheet or profile device name, or "given" */
} oclab_roof_device;

/* Resolve the options for a kernel computing in PRECISION ("f32", "f16", ...). 0 ok; -1 (one error
 * line printed) when no or several sources are given, or the spec sheet or profile is unusable. */
int oclab_roof_resolve(const oclab_roof_opts *opts, const char *precision, oclab_roof_device *dev);

/* Parses format name TEXT of FLAG; ROLE "weights" takes any weight format, "kv" f32|f16|bf16|q8_0,
 * "elem" f32|f16|bf16. 0 ok; -1 with one error line naming the flag. */
int oclab_parse_format(const char *flag, const char *text, const char *role, rl_format *out);

/* Prints one JSON object to stdout and frees it; -1 (error printed) when printing fails. */
int oclab_print_json(cJSON *json);

#endif
