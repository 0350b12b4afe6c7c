/* Fuzz target: a spec sheet as `oclab model|cost --spec FILE` read it: the check, the roof of each
 * precision (following the fallback map) and the device memory. */
#include <math.h>
#include <string.h>

#include "input.h"
#include "roofline/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *json = fuzz_parse(data, size);
    if (!json)
        return 0;
    char err[512] = "";
    if (rl_spec_check(json, err, sizeof err) != 0) {
        fuzz_expect(err[0] != '\0' && !strchr(err, '\n'), "spec sheet refused without a one-line reason");
        cJSON_Delete(json);
        return 0;
    }
    static const char *const precisions[] = {"f32", "f16", "bf16", "f64", "int8", ""};
    for (size_t i = 0; i < sizeof precisions / sizeof precisions[0]; i++) {
        rl_roof roof;
        err[0] = '\0';
        if (rl_spec_sheet_roof(json, precisions[i], &roof, err, sizeof err) != 0) {
            fuzz_expect(err[0] != '\0' && !strchr(err, '\n'), "roof refused without a one-line reason");
            continue;
        }
        fuzz_expect(roof.gbs >= RL_RATE_MIN && roof.gbs <= RL_RATE_MAX && roof.gflops >= RL_RATE_MIN &&
                        roof.gflops <= RL_RATE_MAX,
                    "a checked spec sheet gave a roof outside [RL_RATE_MIN, RL_RATE_MAX]");
    }
    double bytes;
    if (rl_spec_memory_bytes(json, &bytes) == 0)
        fuzz_expect(isfinite(bytes) && bytes >= 1.0, "device memory that is not positive and finite");
    cJSON_Delete(json);
    return 0;
}
