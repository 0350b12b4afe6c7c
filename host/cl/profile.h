#ifndef OCLAB_HOST_CL_PROFILE_H
#define OCLAB_HOST_CL_PROFILE_H
/* The profile JSON ("oclab.profile/1", DESIGN.md "Profiles"): the contract between measuring and
 * everything after it. Files are written whole or not at all (roofline/atomic_file.h). */
#include <cjson/cJSON.h>

#include "host/cl/device.h"
#include "roofline/profile.h"

#define OCLAB_PROFILE_SCHEMA RL_PROFILE_SCHEMA

/* schema, tool {version, git}, date (UTC ISO 8601), host, env {POCL_*, OCL_ICD_*, OCLAB_*}, device,
 * and empty ceilings {memory: [], compute: []}, ridges [], measurements {}, kernels [], skipped [],
 * warnings []. */
cJSON *oclab_profile_new(const oclab_device_info *device);

/* Records {what, reason} in skipped[] and logs it. */
void oclab_profile_skip(cJSON *profile, const char *what, const char *reason);

/* Records {what, detail} in warnings[] (made when missing) and logs it as a warning. */
void oclab_profile_warn(cJSON *profile, const char *what, const char *detail);

/* Writes DOC to PATH with rl_write_file_atomic. 0 ok; -1 with a one-line error naming the path and the reason. */
int oclab_json_write_atomic(const char *path, const cJSON *doc);

/* Prints DOC to stdout followed by a newline. 0 ok, -1 on failure. */
int oclab_json_print(const cJSON *doc);

/* Checks up front that PATH can be created (its folder exists and is writable), so a long run does not
 * end with nowhere to write. 0 ok; -1 with a one-line error. */
int oclab_check_writable(const char *path);

#endif
