/* Fuzz target: a profile as `oclab model|cost|decode --profile` read it: the contract check, the roof
 * of each precision, the device memory and the measured kernels of the expected speed. The roof is also taken from unchecked documents, as
 * decode takes it from the profile it is still building. */
#include <math.h>
#include <string.h>

#include "input.h"
#include "roofline/expect.h"
#include "roofline/profile.h"
#include "roofline/spec.h"

static int one_line(const char *err)
{
    return err[0] != '\0' && !strchr(err, '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *json = fuzz_parse(data, size);
    if (!json)
        return 0;
    char err[512] = "";
    int checked = rl_profile_check(json, err, sizeof err) == 0;
    fuzz_expect(checked || one_line(err), "profile refused without a one-line reason");
    static const char *const precisions[] = {"f32", "f16", "f64", "int8", ""};
    for (size_t i = 0; i < sizeof precisions / sizeof precisions[0]; i++) {
        rl_roof roof;
        err[0] = '\0';
        if (rl_profile_roof(json, precisions[i], &roof, err, sizeof err) != 0) {
            fuzz_expect(one_line(err), "roof refused without a one-line reason");
            continue;
        }
        fuzz_expect(isfinite(roof.gbs) && roof.gbs > 0 && isfinite(roof.gflops) && roof.gflops > 0,
                    "a roof that is not positive and finite");
        fuzz_expect(!checked || (roof.gbs >= RL_RATE_MIN && roof.gbs <= RL_RATE_MAX && roof.gflops >= RL_RATE_MIN &&
                                 roof.gflops <= RL_RATE_MAX),
                    "a checked profile gave a roof outside [RL_RATE_MIN, RL_RATE_MAX]");
        rl_bound b = rl_bound_of(1e9, 1e9, 1e9, roof);
        fuzz_expect(!checked || (isfinite(b.ridge) && isfinite(b.t_bound_s) && b.t_bound_s > 0),
                    "a checked roof gave a bound that is not finite");
    }
    double bytes;
    if (rl_profile_memory_bytes(json, &bytes) == 0)
        fuzz_expect(isfinite(bytes) && bytes > 0, "device memory that is not positive and finite");
    if (checked) { /* the measured kernels `oclab model --profile` times a model at */
        rl_measured_set set;
        err[0] = '\0';
        if (rl_measured_read(json, &set, err, sizeof err) == 0)
            rl_measured_free(&set);
        else
            fuzz_expect(one_line(err), "measured kernels refused without a one-line reason");
    }
    cJSON_Delete(json);
    return 0;
}
