#ifndef OCLAB_ROOFLINE_SPEC_H
#define OCLAB_ROOFLINE_SPEC_H
/* Vendor spec sheets (devices/specs/NAME.json), data lookup and device memory.
 *
 * A spec sheet is one JSON object:
 *   schema         "oclab.spec/1"
 *   name, vendor   as the vendor prints them; type "gpu" | "cpu"
 *   memory_bytes   device memory, decimal as printed (80 GB -> 80e9)
 *   bandwidth_gbs  peak DRAM bandwidth, GB/s as printed
 *   compute        {precision: GFLOP/s (GOP/s for int8)}: the dense (no sparsity) peak of the fastest
 *                  unit that computes in that precision, tensor/matrix units included; precisions
 *                  f64, f32, f16, bf16, int8 as the vendor gives them
 *   fallback       {precision: other precision} used when a precision is missing (a CPU without f16
 *                  arithmetic converts and computes in f32)
 *   sources        [vendor documents and URLs], notes  how each number was read or derived
 *   opencl_names   (optional) the CL_DEVICE_NAME strings this part reports through OpenCL drivers, as
 *                  printed: a measured profile whose device.name is one of them is compared with the
 *                  sheet (rl_spec_for_device); a sheet without the list matches no profile
 *
 * Which precision a kernel computes in (the ceiling it is held to): its activation precision for a
 * GEMV (f16 for f16/bf16 weights by default, f32 otherwise; quantized weights are dequantized into the
 * activation precision), the query precision for attention, f16 for a whole model with f16/bf16
 * weights and f32 otherwise. */
#include <stddef.h>

#include <cjson/cJSON.h>

#include "roofline/cost.h"

/* Resolve NAME to a data file: NAME itself when it holds a '/' or ends in ".json", else
 * $ENV_VAR/NAME.json, else OCLAB_SOURCE_DIR/SUBDIR/NAME.json. 0 ok; -1 with the reason in err. */
int rl_data_path(const char *name, const char *env_var, const char *subdir, char *path, size_t path_len,
                 char *err, size_t err_len);

#define RL_SPEC_SCHEMA "oclab.spec/1"

/* Checks a spec sheet read from a file: schema, bandwidth_gbs and every compute entry a rate in
 * [RL_RATE_MIN, RL_RATE_MAX], memory_bytes (if given) a number from 1 to RL_RATE_MAX, each fallback a
 * string naming a compute entry, the descriptive keys strings. 0 ok; -1 with a one-line reason. */
int rl_spec_check(const cJSON *spec, char *err, size_t err_len);

/* Load spec sheet NAME (a path or a name under devices/specs, or $OCLAB_SPECS_DIR) and check it
 * (rl_spec_check). NULL with the reason in err. */
cJSON *rl_spec_load(const char *name, char *err, size_t err_len);

/* The roof of PRECISION on a loaded spec sheet, following its fallback map once. */
int rl_spec_sheet_roof(const cJSON *spec, const char *precision, rl_roof *roof, char *err, size_t err_len);

/* The spec sheet of $OCLAB_SPECS_DIR (else devices/specs) whose opencl_names holds DEVICE_NAME, compared
 * without regard to case or surrounding blanks; the first such file by name. Loaded and checked as
 * rl_spec_load does; its file stem ("rtx-4090") goes to STEM. NULL when no sheet names the device (or
 * DEVICE_NAME is NULL or empty). A sheet that does not load is passed over. */
cJSON *rl_spec_for_device(const char *device_name, char *stem, size_t stem_len);

/* Device memory in bytes: memory_bytes of a spec sheet, device.global_mem_bytes of a profile.
 * 0 ok; -1 when absent or not a positive number. */
int rl_spec_memory_bytes(const cJSON *spec, double *bytes);
int rl_profile_memory_bytes(const cJSON *profile, double *bytes);

#endif
