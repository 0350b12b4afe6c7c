/* Predicted decode speed for fixed model configurations (predict.h). */
#include "reports/predict.h"

#include <math.h>
#include <stdio.h>

#include "roofline/model.h"
#include "roofline/profile.h"

typedef struct {
    const char *model; /* name under roofline/models */
    rl_format weights, kv;
    uint64_t window;   /* the model's context window, tokens */
} prediction_case;

/* Batch-1 chat decode of the usual 7-8B models: the first question about a device. Llama-3-8B with a
 * q8_0 cache shows what halving the KV bytes buys once the context is long. */
static const prediction_case cases[] = {
    {"llama-2-7b", RL_FMT_Q4_0, RL_FMT_F16, 4096},
    {"llama-2-7b", RL_FMT_Q8_0, RL_FMT_F16, 4096},
    {"llama-3-8b", RL_FMT_Q4_0, RL_FMT_F16, 8192},
    {"llama-3-8b", RL_FMT_Q4_0, RL_FMT_Q8_0, 8192},
};
static const uint64_t contexts[RPT_PREDICT_CONTEXTS] = {512, 4096, 8192};

int rpt_predict_count(void)
{
    return (int)(sizeof cases / sizeof cases[0]);
}

uint64_t rpt_predict_context(int c)
{
    return contexts[c];
}

void rpt_predict(const rpt_profile *v, int i, int c, rpt_prediction *out)
{
    const prediction_case *pc = &cases[i];
    rl_model_config cfg;
    rl_decode_cost cost;
    rl_roof roof;
    char err[160];
    out->context = contexts[c];
    out->in_window = contexts[c] <= pc->window;
    out->light_tokens_per_s = out->expected_tokens_per_s = NAN;
    out->compute_bound = 0;
    int loaded = rl_model_load(pc->model, &cfg, err, sizeof err) == 0;
    snprintf(out->label, sizeof out->label, "%s %s, %s KV", loaded ? cfg.name : pc->model,
             rl_format_name(pc->weights), rl_format_name(pc->kv));
    if (!loaded) {
        snprintf(out->light_why, sizeof out->light_why, "%s", err);
        snprintf(out->expected_why, sizeof out->expected_why, "%s", err);
        return;
    }
    if (!out->in_window) {
        snprintf(out->light_why, sizeof out->light_why, "beyond the model's %llu-token window",
                 (unsigned long long)pc->window);
        snprintf(out->expected_why, sizeof out->expected_why, "%s", out->light_why);
        return;
    }
    rl_decode_shape shape = {pc->weights, pc->kv, 1, contexts[c]};
    if (rl_decode_cost_of(&cfg, &shape, &cost, err, sizeof err) != 0 ||
        rl_profile_roof(v->json, "f32", &roof, err, sizeof err) != 0) {
        snprintf(out->light_why, sizeof out->light_why, "%s", err);
    } else {
        rl_decode_prediction p = rl_decode_predict(&cost, 1, roof);
        out->light_tokens_per_s = p.tokens_per_s;
        out->compute_bound = p.bound.compute_bound;
    }
    rl_expectation e;
    if (!v->have_measured)
        snprintf(out->expected_why, sizeof out->expected_why, "%s", v->measured_why);
    else if (rl_expect_decode(&cfg, &shape, &v->measured, &e, err, sizeof err) != 0)
        snprintf(out->expected_why, sizeof out->expected_why, "%s", err);
    else
        out->expected_tokens_per_s = e.tokens_per_s;
}
