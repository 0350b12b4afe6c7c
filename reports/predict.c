/* Predicted decode speed for fixed model configurations (predict.h). */
#include "reports/predict.h"

#include <stdio.h>

#include "roofline/model.h"
#include "roofline/profile.h"

typedef struct {
    const char *model; /* name under roofline/models */
    rl_format weights, kv;
    uint64_t batch, context;
} prediction_case;

/* Batch-1 chat decode of the reference 7B model: the usual first question about a device. */
static const prediction_case cases[] = {
    {"llama-2-7b", RL_FMT_Q4_0, RL_FMT_F16, 1, 512},
    {"llama-2-7b", RL_FMT_Q8_0, RL_FMT_F16, 1, 512},
};

static void set_label(rpt_prediction *out, const char *model, const prediction_case *c)
{
    snprintf(out->label, sizeof out->label, "%s %s, batch %llu, context %llu (%s KV)", model,
             rl_format_name(c->weights), (unsigned long long)c->batch, (unsigned long long)c->context,
             rl_format_name(c->kv));
}

int rpt_predict_count(void)
{
    return (int)(sizeof cases / sizeof cases[0]);
}

int rpt_predict(const rpt_profile *v, int i, rpt_prediction *out, char *err, size_t err_len)
{
    const prediction_case *c = &cases[i];
    rl_model_config cfg;
    rl_decode_cost cost;
    rl_roof roof;
    set_label(out, c->model, c);
    if (rl_model_load(c->model, &cfg, err, err_len) != 0)
        return -1;
    set_label(out, cfg.name, c); /* the config's own spelling, "Llama-2-7B" */
    rl_decode_shape shape = {c->weights, c->kv, c->batch, c->context};
    if (rl_decode_cost_of(&cfg, &shape, &cost, err, err_len) != 0 ||
        rl_profile_roof(v->json, "f32", &roof, err, err_len) != 0)
        return -1;
    rl_decode_prediction p = rl_decode_predict(&cost, c->batch, roof);
    out->tokens_per_s = p.tokens_per_s;
    out->ms_per_token = p.ms_per_token;
    out->compute_bound = p.bound.compute_bound;
    return 0;
}
