/* Fuzz target: a model config as `oclab model --config FILE` reads it, then the decode-step cost and
 * prediction of a few shapes, as the command computes them. */
#include <math.h>
#include <string.h>

#include "input.h"
#include "roofline/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *json = fuzz_parse(data, size);
    if (!json)
        return 0;
    rl_model_config cfg;
    char err[512] = "";
    int rc = rl_model_parse(json, &cfg, err, sizeof err);
    cJSON_Delete(json);
    if (rc != 0) {
        fuzz_expect(err[0] != '\0' && !strchr(err, '\n'), "config refused without a one-line reason");
        return 0;
    }
    const uint64_t dims[] = {cfg.n_layers, cfg.d_model, cfg.n_heads, cfg.n_kv_heads, cfg.head_dim, cfg.d_ff, cfg.vocab};
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
        fuzz_expect(dims[i] >= 1 && dims[i] <= RL_MODEL_MAX_DIM, "an accepted size outside [1, RL_MODEL_MAX_DIM]");
    fuzz_expect(cfg.n_heads % cfg.n_kv_heads == 0, "heads accepted that are not a multiple of the KV heads");
    fuzz_expect(memchr(cfg.name, '\0', sizeof cfg.name) != NULL, "a name without its terminator");
    static const rl_decode_shape shapes[] = {{RL_FMT_F16, RL_FMT_F16, 1, 1},
                                             {RL_FMT_Q4_0, RL_FMT_Q8_0, 16, 4096},
                                             {RL_FMT_Q8_0, RL_FMT_F32, 1, UINT64_C(1) << 20}};
    const rl_roof roof = {1000.0, 100.0};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        rl_decode_cost cost;
        err[0] = '\0';
        if (rl_decode_cost_of(&cfg, &shapes[i], &cost, err, sizeof err) != 0) {
            fuzz_expect(err[0] != '\0' && !strchr(err, '\n'), "cost refused without a one-line reason");
            continue;
        }
        fuzz_expect(cost.bytes >= cost.weight_bytes && cost.params_total >= cost.params_layers &&
                        isfinite(cost.intensity) && cost.intensity > 0,
                    "inconsistent decode cost");
        rl_decode_prediction p = rl_decode_predict(&cost, shapes[i].batch, roof);
        fuzz_expect(isfinite(p.tokens_per_s) && p.tokens_per_s > 0 && isfinite(p.prefill_knee_fine),
                    "a prediction that is not finite");
        rl_max_context(&cost, shapes[i].batch, 80e9);
    }
    return 0;
}
