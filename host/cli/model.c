/* oclab model: decode speed of a whole model on a device (issue 3). No OpenCL: the speed of light of
 * roofline/model.h on the roof of the DEVICE options and, from a profile, the speed its measured kernels
 * would deliver (roofline/expect.h). */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "host/cl/log.h"
#include "host/cli/cli.h"
#include "host/cli/commands.h"
#include "host/cli/roof_opts.h"
#include "reports/fmt.h"
#include "roofline/expect.h"
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

/* The expected speed of one step, or why there is none. */
typedef struct {
    int ok;
    rl_expectation e;
    char note[320];
} expected;

/* Where expected speeds come from: the profile's measured kernels, or nothing (NOTE says why). */
typedef struct {
    cJSON *profile;
    rl_measured_set set;
    int have_set;
    char note[320];
} expect_source;

static const char *const expected_method =
    "each weight matrix and the attention at the efficiency the nearest measured kernel of its kind reached";

static void expect_source_open(expect_source *src, const oclab_roof_opts *roof)
{
    char err[256];
    memset(src, 0, sizeof *src);
    if (roof->profile == NULL) {
        snprintf(src->note, sizeof src->note, "%s has no measured kernels: the speed of light only",
                 roof->spec ? "a spec sheet" : "a device given by its peaks");
        return;
    }
    src->profile = rl_json_load(roof->profile, err, sizeof err);
    if (src->profile == NULL || rl_measured_read(src->profile, &src->set, err, sizeof err) != 0) {
        snprintf(src->note, sizeof src->note, "no expected speed: %s", err);
        return;
    }
    src->have_set = 1;
}

static void expect_source_close(expect_source *src)
{
    if (src->have_set)
        rl_measured_free(&src->set);
    cJSON_Delete(src->profile);
}

static void expected_of(const expect_source *src, const rl_model_config *cfg, const rl_decode_shape *s, expected *x)
{
    char err[256];
    x->ok = 0;
    if (!src->have_set) {
        snprintf(x->note, sizeof x->note, "%s", src->note);
    } else if (rl_expect_decode(cfg, s, &src->set, &x->e, err, sizeof err) != 0) {
        snprintf(x->note, sizeof x->note, "no expected speed: %s", err);
    } else {
        x->ok = 1;
        snprintf(x->note, sizeof x->note, "%s", expected_method);
    }
}

/* "gemv q4_0 m=1 n=4096 k=4096": kernels[INDEX] of PROFILE. */
static void kernel_label(const cJSON *profile, int index, char *out, size_t len)
{
    const cJSON *k = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(profile, "kernels"), index);
    const cJSON *family = cJSON_GetObjectItemCaseSensitive(k, "family");
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(k, "format");
    size_t used = (size_t)snprintf(out, len, "%s %s", cJSON_IsString(family) ? family->valuestring : "?",
                                   cJSON_IsString(format) ? format->valuestring : "?");
    const cJSON *dim;
    cJSON_ArrayForEach(dim, cJSON_GetObjectItemCaseSensitive(k, "shape"))
    {
        if (used < len && cJSON_IsNumber(dim))
            used += (size_t)snprintf(out + used, len - used, " %s=%.0f", dim->string, dim->valuedouble);
    }
}

static void add_number_or_null(cJSON *j, const char *key, int ok, double v)
{
    if (ok)
        cJSON_AddNumberToObject(j, key, v);
    else
        cJSON_AddNullToObject(j, key);
}

static void expected_json(cJSON *j, const expected *x)
{
    add_number_or_null(j, "expected_tokens_per_s", x->ok, x->e.tokens_per_s);
    add_number_or_null(j, "expected_ms_per_token", x->ok, x->e.ms_per_token);
    if (!x->ok) {
        cJSON_AddNullToObject(j, "expected");
    } else {
        cJSON *e = cJSON_AddObjectToObject(j, "expected");
        cJSON_AddNumberToObject(e, "t_weights_s", x->e.t_weights_s);
        cJSON_AddNumberToObject(e, "t_attention_s", x->e.t_attention_s);
        cJSON *parts = cJSON_AddArrayToObject(e, "parts");
        for (int i = 0; i < x->e.n_parts; i++) {
            const rl_expect_part *p = &x->e.parts[i];
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "part", p->what);
            cJSON_AddNumberToObject(o, "count", (double)p->count);
            cJSON_AddNumberToObject(o, "flops", p->flops);
            cJSON_AddNumberToObject(o, "bytes", p->bytes);
            cJSON_AddNumberToObject(o, "t_roof_s", p->t_roof_s);
            cJSON_AddStringToObject(o, "bound", p->compute_bound ? "compute" : "memory");
            cJSON_AddNumberToObject(o, "efficiency", p->efficiency);
            cJSON_AddNumberToObject(o, "kernel_index", p->kernel_index);
            cJSON_AddNumberToObject(o, "t_s", p->t_s);
            cJSON_AddItemToArray(parts, o);
        }
    }
    cJSON_AddStringToObject(j, "expected_note", x->note);
}

/* Counts go into JSON as doubles: exact up to 2^53 (9e15), beyond any model's step. */
static cJSON *prediction_json(const rl_decode_cost *c, const rl_decode_prediction *p, const expected *x,
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
    expected_json(j, x);
    return j;
}

/* People's numbers (reports/fmt.h) for the human output, as values: a returned struct lives until the
 * end of the printf that uses it (C11 6.2.4). */
typedef struct {
    char s[40];
} text;

static text num(double v)
{
    text t;
    rpt_fmt_num(v, t.s, sizeof t.s);
    return t;
}

static text count(double v)
{
    text t;
    rpt_fmt_count(v, t.s, sizeof t.s);
    return t;
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
    printf("device %s: %s GFLOP/s (%s), %s GB/s\n", dev->name, num(dev->roof.gflops).s, precision, num(dev->roof.gbs).s);
}

static void print_expected(const expected *x, const cJSON *profile)
{
    if (!x->ok) {
        printf("  %-16s %s\n", "expected", x->note);
        return;
    }
    printf("  %-16s %s tokens/s (%s ms/token: weights %s ms, attention %s ms)\n", "expected",
           num(x->e.tokens_per_s).s, num(x->e.ms_per_token).s, num(x->e.t_weights_s * 1e3).s,
           num(x->e.t_attention_s * 1e3).s);
    printf("  %s:\n", expected_method);
    printf("    %-10s %6s %8s %10s %9s  %s\n", "part", "count", "bound", "efficiency", "ms/step", "kernel");
    for (int i = 0; i < x->e.n_parts; i++) {
        const rl_expect_part *p = &x->e.parts[i];
        char label[256], pct[16];
        kernel_label(profile, p->kernel_index, label, sizeof label);
        printf("    %-10s %6llu %8s %10s %9s  #%d %s\n", p->what, (unsigned long long)p->count,
               p->compute_bound ? "compute" : "memory", rpt_fmt_percent(p->efficiency, pct, sizeof pct),
               num(p->t_s * 1e3).s, p->kernel_index + 1, label);
    }
}

static void print_prediction(const rl_decode_cost *c, const rl_decode_prediction *p, const expected *x,
                             const cJSON *profile, const oclab_roof_device *dev, uint64_t batch, uint64_t context)
{
    printf("  %-16s %llu tokens\n", "context", (unsigned long long)context);
    printf("  %-16s %s params (layers %s, lm_head %s)\n", "parameters", count((double)c->params_total).s,
           count((double)c->params_layers).s, count((double)c->params_head).s);
    printf("  %-16s %s GB\n", "weights", num((double)c->weight_bytes / 1e9).s);
    printf("  %-16s %s kB per token, %s GB read per step\n", "kv cache", num((double)c->kv_bytes_per_token / 1e3).s,
           num((double)c->kv_bytes / 1e9).s);
    printf("  %-16s %s GB\n", "bytes per step", num((double)c->bytes / 1e9).s);
    printf("  %-16s %s GFLOP\n", "flops per step", num((double)c->flops / 1e9).s);
    printf("  %-16s %s FLOP/byte (ridge %s)\n", "intensity", num(c->intensity).s, num(p->bound.ridge).s);
    printf("  %-16s %s ms (memory %s ms, compute %s ms): %s-bound\n", "step time", num(p->ms_per_token).s,
           num(p->bound.t_mem_s * 1e3).s, num(p->bound.t_comp_s * 1e3).s, p->bound.compute_bound ? "compute" : "memory");
    printf("  %-16s %s tokens/s\n", "speed of light", num(p->tokens_per_s).s);
    print_expected(x, profile);
    printf("  %-16s %s tokens (crude %s)\n", "prefill knee", num(p->prefill_knee_fine).s, num(p->prefill_knee_crude).s);
    if (dev->memory_bytes > 0.0) {
        printf("  %-16s %llu tokens per sequence in %s GB\n", "max context",
               (unsigned long long)rl_max_context(c, batch, dev->memory_bytes), num(dev->memory_bytes / 1e9).s);
    } else {
        printf("  %-16s n/a (device memory unknown: give --memory-gb)\n", "max context");
    }
}

static int sweep(const rl_model_config *cfg, const model_opts *o, const oclab_roof_device *dev,
                 const char *precision, const expect_source *src)
{
    cJSON *rows = o->json ? cJSON_CreateArray() : NULL;
    if (!o->json) {
        print_header(cfg, o, dev, precision);
        printf("  %10s %10s %10s %10s %10s %10s %8s\n", "context", "kv GB", "bytes GB", "ms/token", "tokens/s",
               "expected", "bound");
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
        expected x;
        expected_of(src, cfg, &s, &x);
        if (o->json) {
            cJSON *row = prediction_json(&c, &p, &x, dev, s.batch);
            cJSON_AddNumberToObject(row, "context", (double)s.context);
            cJSON_AddItemToArray(rows, row);
        } else {
            printf("  %10llu %10s %10s %10s %10s %10s %8s\n", (unsigned long long)s.context,
                   num((double)c.kv_bytes / 1e9).s, num((double)c.bytes / 1e9).s, num(p.ms_per_token).s,
                   num(p.tokens_per_s).s, x.ok ? num(x.e.tokens_per_s).s : "-",
                   p.bound.compute_bound ? "compute" : "memory");
        }
    }
    if (o->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddItemToObject(j, "sweep", rows);
        return oclab_print_json(j) == 0 ? OCLAB_EXIT_OK : OCLAB_EXIT_FAIL;
    }
    expected x;
    expected_of(src, cfg, &o->shape, &x);
    printf("  tokens/s: the roofline's speed of light; expected: %s\n", src->have_set ? expected_method : x.note);
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
    expect_source src;
    expect_source_open(&src, &o.roof);
    int rc = OCLAB_EXIT_OK;
    rl_decode_cost c;
    char err[256];
    if (o.sweep) {
        rc = sweep(&cfg, &o, &dev, precision, &src);
    } else if (rl_decode_cost_of(&cfg, &o.shape, &c, err, sizeof err) != 0) {
        oclab_error("model: %s", err);
        rc = OCLAB_EXIT_USAGE;
    } else {
        rl_decode_prediction p = rl_decode_predict(&c, o.shape.batch, dev.roof);
        expected x;
        expected_of(&src, &cfg, &o.shape, &x);
        if (o.json) {
            rc = oclab_print_json(prediction_json(&c, &p, &x, &dev, o.shape.batch)) == 0 ? OCLAB_EXIT_OK
                                                                                         : OCLAB_EXIT_FAIL;
        } else {
            print_header(&cfg, &o, &dev, precision);
            print_prediction(&c, &p, &x, src.profile, &dev, o.shape.batch, o.shape.context);
        }
    }
    expect_source_close(&src);
    return rc;
}
