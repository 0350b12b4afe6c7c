/* Model configs and the decode-step predictor (model.h). */
#include "roofline/model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "roofline/checked.h"
#include "roofline/profile.h"
#include "roofline/spec.h"

/* A positive integer field no larger than RL_MODEL_MAX_DIM. */
static int int_field(const cJSON *json, const char *key, uint64_t *out, char *err, size_t err_len)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, key);
    double v = cJSON_IsNumber(item) ? item->valuedouble : NAN;
    if (!(v >= 1.0 && v <= (double)RL_MODEL_MAX_DIM) || v != floor(v)) {
        snprintf(err, err_len, "model config: %s must be an integer from 1 to %lu", key, (unsigned long)RL_MODEL_MAX_DIM);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

int rl_model_parse(const cJSON *json, rl_model_config *cfg, char *err, size_t err_len)
{
    rl_model_config c;
    memset(&c, 0, sizeof c);
    if (!cJSON_IsObject(json)) {
        snprintf(err, err_len, "model config must be a JSON object");
        return -1;
    }
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(json, "name");
    if (name && !cJSON_IsString(name)) {
        snprintf(err, err_len, "model config: name must be a string");
        return -1;
    }
    snprintf(c.name, sizeof c.name, "%s", name ? name->valuestring : "unnamed");
    if (int_field(json, "n_layers", &c.n_layers, err, err_len) != 0 ||
        int_field(json, "d_model", &c.d_model, err, err_len) != 0 ||
        int_field(json, "n_heads", &c.n_heads, err, err_len) != 0 ||
        int_field(json, "n_kv_heads", &c.n_kv_heads, err, err_len) != 0 ||
        int_field(json, "d_ff", &c.d_ff, err, err_len) != 0 ||
        int_field(json, "vocab", &c.vocab, err, err_len) != 0) {
        return -1;
    }
    if (cJSON_HasObjectItem(json, "head_dim")) {
        if (int_field(json, "head_dim", &c.head_dim, err, err_len) != 0) {
            return -1;
        }
    } else if (c.d_model % c.n_heads == 0) {
        c.head_dim = c.d_model / c.n_heads;
    } else {
        snprintf(err, err_len, "model config: head_dim missing and d_model is not a multiple of n_heads");
        return -1;
    }
    if (c.n_heads % c.n_kv_heads != 0) {
        snprintf(err, err_len, "model config: n_heads must be a multiple of n_kv_heads");
        return -1;
    }
    const cJSON *ffn = cJSON_GetObjectItemCaseSensitive(json, "ffn");
    if (cJSON_IsString(ffn) && strcmp(ffn->valuestring, "swiglu") == 0) {
        c.ffn = RL_FFN_SWIGLU;
    } else if (cJSON_IsString(ffn) && strcmp(ffn->valuestring, "gelu") == 0) {
        c.ffn = RL_FFN_GELU;
    } else {
        snprintf(err, err_len, "model config: ffn must be \"swiglu\" or \"gelu\"");
        return -1;
    }
    *cfg = c;
    return 0;
}

int rl_model_load(const char *name, rl_model_config *cfg, char *err, size_t err_len)
{
    char path[4096];
    if (rl_data_path(name, "OCLAB_MODELS_DIR", "roofline/models", path, sizeof path, err, err_len) != 0) {
        return -1;
    }
    cJSON *json = rl_json_load(path, err, err_len);
    if (json == NULL) {
        return -1;
    }
    int rc = rl_model_parse(json, cfg, err, err_len);
    cJSON_Delete(json);
    return rc;
}

/* Adds one N x K matrix to the running parameter and byte sums. */
static int add_matrix(rl_format format, uint64_t n, uint64_t k, uint64_t *params, uint64_t *bytes,
                      char *err, size_t err_len)
{
    uint64_t p, b;
    if (rl_weight_bytes(format, n, k, &b, err, err_len) != 0) {
        return -1;
    }
    if (__builtin_mul_overflow(n, k, &p) || __builtin_add_overflow(*params, p, params) ||
        __builtin_add_overflow(*bytes, b, bytes)) {
        snprintf(err, err_len, "model parameter count overflows 64 bits");
        return -1;
    }
    return 0;
}

int rl_model_matrices(const rl_model_config *cfg, rl_model_matrix *out, char *err, size_t err_len)
{
    uint64_t d = cfg->d_model, q_dim, kv_dim;
    if (__builtin_mul_overflow(cfg->n_heads, cfg->head_dim, &q_dim) ||
        __builtin_mul_overflow(cfg->n_kv_heads, cfg->head_dim, &kv_dim)) {
        snprintf(err, err_len, "model head dimensions overflow 64 bits");
        return -1;
    }
    uint64_t L = cfg->n_layers;
    int n = 0;
    out[n++] = (rl_model_matrix){"q_proj", q_dim, d, L};
    out[n++] = (rl_model_matrix){"k_proj", kv_dim, d, L};
    out[n++] = (rl_model_matrix){"v_proj", kv_dim, d, L};
    out[n++] = (rl_model_matrix){"o_proj", d, q_dim, L};
    if (cfg->ffn == RL_FFN_SWIGLU) {
        out[n++] = (rl_model_matrix){"gate_proj", cfg->d_ff, d, L};
    }
    out[n++] = (rl_model_matrix){"up_proj", cfg->d_ff, d, L};
    out[n++] = (rl_model_matrix){"down_proj", d, cfg->d_ff, L};
    out[n++] = (rl_model_matrix){"lm_head", cfg->vocab, d, 1};
    return n;
}

int rl_decode_cost_of(const rl_model_config *cfg, const rl_decode_shape *s, rl_decode_cost *c,
                      char *err, size_t err_len)
{
    if (cfg == NULL || s == NULL || c == NULL) {
        snprintf(err, err_len, "no model or decode shape given");
        return -1;
    }
    if (s->batch == 0) {
        snprintf(err, err_len, "batch must be positive");
        return -1;
    }
    rl_model_matrix mats[RL_MODEL_MAX_MATRICES];
    int n_mats = rl_model_matrices(cfg, mats, err, err_len);
    if (n_mats < 0) {
        return -1;
    }
    /* One layer's matrices, and the lm_head apart. */
    uint64_t layer_params = 0, layer_bytes = 0, head_params = 0, head_bytes = 0, q_dim = mats[0].n;
    for (int i = 0; i < n_mats; i++) {
        int head = strcmp(mats[i].name, "lm_head") == 0;
        if (add_matrix(s->weights, mats[i].n, mats[i].k, head ? &head_params : &layer_params,
                       head ? &head_bytes : &layer_bytes, err, err_len) != 0) {
            return -1;
        }
    }
    uint64_t row_bytes;
    if (rl_kv_row_bytes(s->kv, cfg->head_dim, &row_bytes, err, err_len) != 0) {
        return -1;
    }
    uint64_t attn_flops, weight_flops;
    if (__builtin_mul_overflow(cfg->n_layers, layer_params, &c->params_layers) ||
        __builtin_add_overflow(c->params_layers, head_params, &c->params_total) ||
        __builtin_mul_overflow(cfg->n_layers, layer_bytes, &c->weight_bytes) ||
        __builtin_add_overflow(c->weight_bytes, head_bytes, &c->weight_bytes) ||
        rl_mul4(2, cfg->n_layers, cfg->n_kv_heads, row_bytes, &c->kv_bytes_per_token) ||
        rl_mul3(s->batch, s->context, c->kv_bytes_per_token, &c->kv_bytes) ||
        __builtin_add_overflow(c->weight_bytes, c->kv_bytes, &c->bytes) ||
        rl_mul3(2, s->batch, c->params_total, &weight_flops) ||
        rl_mul5(4, s->batch, cfg->n_layers, q_dim, s->context, &attn_flops) ||
        __builtin_add_overflow(weight_flops, attn_flops, &c->flops)) {
        snprintf(err, err_len, "decode FLOP or byte count overflows 64 bits");
        return -1;
    }
    c->params_head = head_params;
    c->intensity = (double)c->flops / (double)c->bytes;
    return 0;
}

rl_decode_prediction rl_decode_predict(const rl_decode_cost *c, uint64_t batch, rl_roof roof)
{
    rl_decode_prediction p;
    p.bound = rl_bound_of((double)c->flops, (double)c->flops, (double)c->bytes, roof);
    p.tokens_per_s = (double)batch / p.bound.t_bound_s;
    p.ms_per_token = 1000.0 * p.bound.t_bound_s;
    double weight_work = p.bound.ridge * (double)c->weight_bytes;
    p.prefill_knee_crude = weight_work / (2.0 * (double)c->params_total);
    p.prefill_knee_fine = (weight_work - 2.0 * (double)c->params_head) / (2.0 * (double)c->params_layers);
    return p;
}

uint64_t rl_max_context(const rl_decode_cost *c, uint64_t batch, double memory_bytes)
{
    double free_bytes = memory_bytes - (double)c->weight_bytes;
    double per_token = (double)batch * (double)c->kv_bytes_per_token;
    if (!(free_bytes > 0.0) || !(per_token > 0.0)) {
        return 0;
    }
    double tokens = floor(free_bytes / per_token);
    return tokens >= 9007199254740992.0 ? UINT64_C(9007199254740992) : (uint64_t)tokens;
}
