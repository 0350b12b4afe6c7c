#ifndef OCLAB_ROOFLINE_PROFILE_H
#define OCLAB_ROOFLINE_PROFILE_H
/* Reading roofs from a measured profile ("oclab.profile/1") or a vendor spec sheet (devices/specs). */
#include <stddef.h>

#include <cjson/cJSON.h>

#include "roofline/cost.h"
#include "roofline/json.h"

#define RL_PROFILE_SCHEMA "oclab.profile/1"

/* What one profile may list: far beyond a real device (a handful of memory levels and precisions, a
 * few hundred kernels), low enough that every report of it stays quick to render. */
#define RL_PROFILE_MAX_CEILINGS 64 /* per list: ceilings.memory, ceilings.compute, ridges */
#define RL_PROFILE_MAX_KERNELS 10000

/* Checks a profile read from a file against DESIGN.md "Profiles": a JSON object with schema
 * "oclab.profile/1" and ceilings.memory / ceilings.compute arrays; every key of the contract that is
 * present has its type (device, tool, kernels, ridges, skipped, warnings, measurements); ceilings
 * and ridges hold a string name and a rate in [RL_RATE_MIN, RL_RATE_MAX] or null (not measured);
 * the kernels' figures are null or numbers in [0, RL_RATE_MAX]; lists stay within the limits above.
 * 0 ok; -1 with a one-line reason naming the member ("ceilings.memory[1].gbs must be ..."). */
int rl_profile_check(const cJSON *profile, char *err, size_t err_len);

/* rl_json_load and rl_profile_check: the profile at PATH, or NULL with the reason. */
cJSON *rl_profile_load(const char *path, char *err, size_t err_len);

/* The roof of PRECISION ("f32", "f16", "int8", ...) in a profile: its DRAM memory ceiling and that
 * precision's compute ceiling. 0 on success; -1 with the reason (wrong schema, ceiling missing). */
int rl_profile_roof(const cJSON *profile, const char *precision, rl_roof *roof, char *err, size_t err_len);

/* The same from a spec sheet: NAME is a file path or a name under devices/specs (OCLAB_SOURCE_DIR or
 * OCLAB_SPECS_DIR), e.g. "a100". A missing precision falls back as the spec sheet says. */
int rl_spec_roof(const char *name, const char *precision, rl_roof *roof, char *err, size_t err_len);

#endif
