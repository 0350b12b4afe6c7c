#ifndef OCLAB_ROOFLINE_PROFILE_H
#define OCLAB_ROOFLINE_PROFILE_H
/* Reading roofs from a measured profile ("oclab.profile/1") or a vendor spec sheet (devices/specs). */
#include <stddef.h>

#include <cjson/cJSON.h>

#include "roofline/cost.h"

/* Read and parse a JSON file. NULL with a one-line reason in err (unreadable, malformed). */
cJSON *rl_json_load(const char *path, char *err, size_t err_len);

/* The roof of PRECISION ("f32", "f16", "int8", ...) in a profile: its DRAM memory ceiling and that
 * precision's compute ceiling. 0 on success; -1 with the reason (wrong schema, ceiling missing). */
int rl_profile_roof(const cJSON *profile, const char *precision, rl_roof *roof, char *err, size_t err_len);

/* The same from a spec sheet: NAME is a file path or a name under devices/specs (OCLAB_SOURCE_DIR or
 * OCLAB_SPECS_DIR), e.g. "a100". A missing precision falls back as the spec sheet says. */
int rl_spec_roof(const char *name, const char *precision, rl_roof *roof, char *err, size_t err_len);

#endif
