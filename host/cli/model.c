/* oclab model: decode speed-of-light of a whole model on a device (issue 3). No OpenCL: the decode
 * predictor of roofline/model.h with a roof from the DEVICE options. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "host/cl/log.h"
#include "host/cli/cli.h"
#include "host/cli/commands.h"
#include "host/cli/roof_opts.h"
#include "roofline/model.h"
#include "roofline/profile.h"

typedef struct {
    const char *model, *config;
    rl_decode_shape shape;
    int have_weights, have_kv, json, sweep;
    oclab_roof_opts roof;
} model_opts;

/* Context lengths of --sweep-context: none, then 1K to 128K tokens. */
static const uint64_t sweep_contexts[] = {0, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072};

static int parse_args(model_opts *o, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--json") == 0) {
            o->json = 1;
        } else if (strcmp(argv[i], "--sweep-context") == 0) {
            o->sweep = 1;
        } else if ((r = oclab_flag_value(argc, argv, &i, "--model", &o->model)) != 0 ||
                   (r = oclab_flag_value(argc, argv, &i, "--config", &o->config)) != 0) {
            if (r < 0) {
                return -1;
            }
        } else if ((r = oclab_flag_value(argc, argv, &i, "--weights", &v)) != 0) {
            if (r < 0 || oclab_parse_format("--weights", v, "weights", &o->shape.weights) != 0) {
                return -1;
            }
            o->have_weights = 1;
        } else if ((r = oclab_flag_value(argc, argv, &i, "--kv", &v)) != 0) {
            if (r < 0 || oclab_parse_format("--kv", v, "kv", &o->shape.kv) != 0) {
                return -1;
            }
        } else if ((r = oclab_flag_value(argc, argv, &i, "--batch", &v)) != 0) {
            if (r < 0 || oclab_parse_u64("--batch", v, 1, UINT64_MAX, &o->shape.batch) != 0) {
                return -1;
            }
        } else if ((r = oclab_flag_value(argc, argv, &i, "--context", &v)) != 0) {
            if (r < 0 || oclab_parse_u64("--context", v, 0, UINT64_MAX, &o->shape.context) != 0) {
                return -1;
            }
        } else if ((r = oclab_roof_opt(&o->roof, argc, argv, &i)) != 0) {
            if (r < 0) {
                return -1;
            }
        } else {
            oclab_unknown_arg("model", argv[i]);
            return -1;
        }
    }
    if ((o->model == NULL) == (o->config == NULL)) {
        oclab_error("model: give one of --model NAME or --config FILE");
        return -1;
    }
    if (!o->have_weights) {
        oclab_error("model: --weights is required");
        return -1;
    }
    return 0;
}

static int load_config(const model_opts *o, rl_model_config *cfg)
{
    char err[512];
    if (o->model != NULL) {
        if (rl_model_load(o->model, cfg, err, sizeof err) != 0) {
            oclab_error("model: --model %s: %s", o->model, err);
            return -1;
        }
        return 0;
    }
    cJSON *json = rl_json_load(o->config, err, sizeof err);
    if (json == NULL || rl_model_parse(json, cfg, err, sizeof err) != 0) {
        oclab_error("model: --config: %s", err);
        cJSON_Delete(json);
        return -1;
    }
    cJSON_Delete(json);
    return 0;
}

/* Counts go into JSON as doubles: exact up to 2^53 (9e15), beyond any model's step. */
static cJSON *prediction_json(const rl_decode_cost *c, const rl_decode_prediction *p,
                              const oclab_roof_device *dev, uint64_t batch)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "params_layers", (double)c->params_layers);
    cJSON_AddNumberToObject(j, "params_head", (double)c->params_head);
    cJSON_AddNumberToObject(j, "params_total", (double)c->params_total);
    cJSON_AddNumberToObject(j, "weight_bytes", (double)c->weight_bytes);
    cJSON_AddNumberToObject(j, "kv_bytes_per_token", (double)c->kv_bytes_per_token);
    cJSON_AddNumberToObject(j, "kv_bytes", (double)c->kv_bytes);
    cJSON_AddNumberToObject(j, "bytes", (double)c->bytes);
    cJSON_AddNumberToObject(j, "flops", (double)c->flops);
    cJSON_AddNumberToObject(j, "intensity", c->intensity);
    cJSON_AddNumberToObject(j, "ridge", p->bound.ridge);
    cJSON_AddNumberToObject(j, "t_mem_s", p->bound.t_mem_s);
    cJSON_AddNumberToObject(j, "t_comp_s", p->bound.t_comp_s);
    cJSON_AddNumberToObject(j, "t_bound_s", p->bound.t_bound_s);
    cJSON_AddStringToObject(j, "bound", p->bound.compute_bound ? "compute" : "memory");
    cJSON_AddNumberToObject(j, "tokens_per_s", p->tokens_per_s);
    cJSON_AddNumberToObject(j, "ms_per_token", p->ms_per_token);
    cJSON_AddNumberToObject(j, "prefill_knee_crude", p->prefill_knee_crude);
    cJSON_AddNumberToObject(j, "prefill_knee_fine", p->prefill_knee_fine);
    if (dev->memory_bytes > 0.0) {
        cJSON_AddNumberToObject(j, "max_context_tokens", (double)rl_max_context(c, batch, dev->memory_bytes));
    } else {
        cJSON_AddNullToObject(j, "max_context_tokens");
    }
    return j;
}

static void print_header(const rl_model_config *cfg, const model_opts *o, const oclab_roof_device *dev,
                         const char *precision)
{
    printf("model %s: %llu layers, d_model %llu, heads %llu/%llu kv, head_dim %llu, d_ff %llu, vocab %llu\n",
           cfg->name, (unsigned long long)cfg->n_layers, (unsigned long long)cfg->d_model,
           (unsigned long long)cfg->n_heads, (unsigned long long)cfg->n_kv_heads,
           (unsigned long long)cfg->head_dim, (unsigned long long)cfg->d_ff, (unsigned long long)cfg->vocab);
    printf("weights %s, kv %s, batch %llu\n", rl_format_name(o->shape.weights), rl_format_name(o->shape.kv),
           (unsigned long long)o->shape.batch);
    printf("device %s: %.6g GFLOP/s (%s), %.6g GB/s\n", dev->name, dev->roof.gflops, precision, dev->roof.gbs);
}

static void print_prediction(const rl_decode_cost *c, const rl_decode_prediction *p,
                             const oclab_roof_device *dev, uint64_t batch, uint64_t context)
{
    printf("  %-20s %20llu tokens\n", "context", (unsigned long long)context);
    printf("  %-20s %20.6g params (layers %.6g, lm_head %.6g)\n", "parameters", (double)c->params_total,
           (double)c->params_layers, (double)c->params_head);
    printf("  %-20s %20.6g GB\n", "weights", (double)c->weight_bytes / 1e9);
    printf("  %-20s %20llu B/token\n", "kv cache", (unsigned long long)c->kv_bytes_per_token);
    printf("  %-20s %20.6g GB\n", "kv cache read", (double)c->kv_bytes / 1e9);
    printf("  %-20s %20.6g GB\n", "bytes per step", (double)c->bytes / 1e9);
    printf("  %-20s %20.6g GFLOP\n", "flops per step", (double)c->flops / 1e9);
    printf("  %-20s %20.6g FLOP/byte (ridge %.6g)\n", "intensity", c->intensity, p->bound.ridge);
    printf("  %-20s %20.6g ms (memory %.6g ms, compute %.6g ms) -> %s-bound\n", "step time",
           p->ms_per_token, p->bound.t_mem_s * 1e3, p->bound.t_comp_s * 1e3,
           p->bound.compute_bound ? "compute" : "memory");
    printf("  %-20s %20.6g tokens/s\n", "throughput", p->tokens_per_s);
    printf("  %-20s %20.6g tokens (crude %.6g)\n", "prefill knee", p->prefill_knee_fine, p->prefill_knee_crude);
    if (dev->memory_bytes > 0.0) {
        printf("  %-20s %20llu tokens per sequence in %.6g GB\n", "max context",
               (unsigned long long)rl_max_context(c, batch, dev->memory_bytes), dev->memory_bytes / 1e9);
    } else {
        printf("  %-20s %20s (device memory unknown: give --memory-gb)\n", "max context", "n/a");
    }
}

static int sweep(const rl_model_config *cfg, const model_opts *o, const oclab_roof_device *dev,
                 const char *precision)
{
    cJSON *rows = o->json ? cJSON_CreateArray() : NULL;
    if (!o->json) {
        print_header(cfg, o, dev, precision);
        printf("  %10s %12s %12s %12s %12s %8s\n", "context", "kv GB", "bytes GB", "ms/token", "tokens/s",
               "bound");
    }
    for (size_t k = 0; k < sizeof sweep_contexts / sizeof sweep_contexts[0]; k++) {
        rl_decode_shape s = o->shape;
        s.context = sweep_contexts[k];
        rl_decode_cost c;
        char err[256];
        if (rl_decode_cost_of(cfg, &s, &c, err, sizeof err) != 0) {
            oclab_error("model: %s", err);
            cJSON_Delete(rows);
            return OCLAB_EXIT_USAGE;
        }
        rl_decode_prediction p = rl_decode_predict(&c, s.batch, dev->roof);
        if (o->json) {
            cJSON *row = prediction_json(&c, &p, dev, s.batch);
            cJSON_AddNumberToObject(row, "context", (double)s.context);
            cJSON_AddItemToArray(rows, row);
        } else {
            printf("  %10llu %12.4g %12.4g %12.4g %12.4g %8s\n", (unsigned long long)s.context,
                   (double)c.kv_bytes / 1e9, (double)c.bytes / 1e9, p.ms_per_token, p.tokens_per_s,
                   p.bound.compute_bound ? "compute" : "memory");
        }
    }
    if (o->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddItemToObject(j, "sweep", rows);
        return oclab_print_json(j) == 0 ? OCLAB_EXIT_OK : OCLAB_EXIT_FAIL;
    }
    return OCLAB_EXIT_OK;
}

int oclab_cmd_model(int argc, char **argv)
{
    model_opts o = {.shape = {.kv = RL_FMT_F16, .batch = 1, .context = 0}};
    oclab_roof_opts_init(&o.roof);
    rl_model_config cfg;
    if (parse_args(&o, argc, argv) != 0 || load_config(&o, &cfg) != 0) {
        return OCLAB_EXIT_USAGE;
    }
    /* f16/bf16 weights run f16 kernels; quantized and f32 weights are computed in f32. */
    const char *precision =
        (o.shape.weights == RL_FMT_F16 || o.shape.weights == RL_FMT_BF16) ? "f16" : "f32";
    oclab_roof_device dev;
    if (oclab_roof_resolve(&o.roof, precision, &dev) != 0) {
        return OCLAB_EXIT_USAGE;
    }
    if (o.sweep) {
        return sweep(&cfg, &o, &dev, precision);
    }
    rl_decode_cost c;
    char err[256];
    if (rl_decode_cost_of(&cfg, &o.shape, &c, err, sizeof err) != 0) {
        oclab_error("model: %s", err);
        return OCLAB_EXIT_USAGE;
    }
    rl_decode_prediction p = rl_decode_predict(&c, o.shape.batch, dev.roof);
    if (o.json) {
        return oclab_print_json(prediction_json(&c, &p, &dev, o.shape.batch)) == 0 ? OCLAB_EXIT_OK
                                                                                   : OCLAB_EXIT_FAIL;
    }
    print_header(&cfg, &o, &dev, precision);
    print_prediction(&c, &p, &dev, o.shape.batch, o.shape.context);
    return OCLAB_EXIT_OK;
}
