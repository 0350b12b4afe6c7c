/* oclab decode: options and orchestration of the GEMV and attention families on one device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/attention.h"
#include "host/clerr.h"
#include "host/decode.h"
#include "host/log.h"
#include "host/profile.h"
#include "roofline/profile.h"

#define DEFAULT_BUDGET_S 0.2
#define QUICK_BUDGET_S 0.05
#define MAX_BATCH 64

static const rl_format gemv_default_formats[] = {RL_FMT_F32, RL_FMT_F16, RL_FMT_Q8_0, RL_FMT_Q4_0, RL_FMT_I8_PC};

void oclab_decode_opts_init(oclab_decode_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->run_gemv = opts->run_attention = 1;
    opts->tune = 1;
    opts->baseline = 1; /* without CLBlast: a skipped[] entry says so */
    opts->n_gemv_formats = (int)(sizeof gemv_default_formats / sizeof gemv_default_formats[0]);
    memcpy(opts->gemv_formats, gemv_default_formats, sizeof gemv_default_formats);
    opts->gemv_batches[0] = 1;
    opts->gemv_batches[1] = 16;
    opts->n_gemv_batches = 2;
}

static int parse_formats(const char *flag, const char *text, rl_format *out, int *count)
{
    const char *words[OCLAB_DECODE_MAX_LIST];
    char *storage = NULL;
    int n = 0, rc = 0;
    if (oclab_parse_word_list(flag, text, words, OCLAB_DECODE_MAX_LIST, &n, &storage) != 0)
        return -1;
    for (int i = 0; i < n && rc == 0; i++) {
        if (rl_format_parse(words[i], &out[i]) != 0) {
            oclab_error("%s: unknown format '%s'", flag, words[i]);
            rc = -1;
        }
    }
    free(storage);
    if (rc == 0)
        *count = n;
    return rc;
}

static int parse_families(oclab_decode_opts *opts, const char *text)
{
    const char *words[4];
    char *storage = NULL;
    int n = 0, rc = 0;
    if (oclab_parse_word_list("--family", text, words, 4, &n, &storage) != 0)
        return -1;
    opts->run_gemv = opts->run_attention = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (!strcmp(words[i], "gemv")) {
            opts->run_gemv = 1;
        } else if (!strcmp(words[i], "attention")) {
            opts->run_attention = 1;
        } else {
            oclab_error("--family: unknown family '%s' (gemv or attention)", words[i]);
            rc = -1;
        }
    }
    free(storage);
    return rc;
}

static int parse_shape(oclab_decode_opts *opts, const char *text)
{
    uint64_t v[2];
    int n = 0;
    if (opts->n_gemv_shapes == OCLAB_DECODE_MAX_LIST) {
        oclab_error("--shape: at most %d shapes", OCLAB_DECODE_MAX_LIST);
        return -1;
    }
    if (oclab_parse_u64_list("--shape", text, 1, UINT32_MAX, v, 2, &n) != 0)
        return -1;
    if (n != 2) {
        oclab_error("--shape: '%s' is not N,K", text);
        return -1;
    }
    opts->gemv_shapes[opts->n_gemv_shapes][0] = v[0];
    opts->gemv_shapes[opts->n_gemv_shapes][1] = v[1];
    opts->n_gemv_shapes++;
    return 0;
}

int oclab_decode_opt(oclab_decode_opts *opts, int argc, char **argv, int *i)
{
    const char *v = NULL;
    int r;
    if ((r = oclab_flag_value(argc, argv, i, "--family", &v)) != 0)
        return r < 0 || parse_families(opts, v) != 0 ? -1 : 1;
    if ((r = oclab_flag_value(argc, argv, i, "--formats", &v)) != 0)
        return r < 0 || parse_formats("--formats", v, opts->gemv_formats, &opts->n_gemv_formats) != 0 ? -1 : 1;
    if ((r = oclab_flag_value(argc, argv, i, "--batch", &v)) != 0) {
        if (r < 0 || oclab_parse_u64_list("--batch", v, 1, MAX_BATCH, opts->gemv_batches, OCLAB_DECODE_MAX_LIST,
                                          &opts->n_gemv_batches) != 0)
            return -1;
        memcpy(opts->attn_batches, opts->gemv_batches, sizeof opts->attn_batches);
        opts->n_attn_batches = opts->n_gemv_batches;
        return 1;
    }
    if ((r = oclab_flag_value(argc, argv, i, "--shape", &v)) != 0)
        return r < 0 || parse_shape(opts, v) != 0 ? -1 : 1;
    if (!strcmp(argv[*i], "--no-tune")) {
        opts->tune = 0;
        return 1;
    }
    if (!strcmp(argv[*i], "--no-baseline")) {
        opts->baseline = 0;
        return 1;
    }
    /* Attention flags only fill the options; host/attention.c interprets them. */
    uint64_t tmp[OCLAB_DECODE_MAX_LIST];
    int n = 0;
    if ((r = oclab_flag_value(argc, argv, i, "--heads", &v)) != 0) {
        if (r < 0 || oclab_parse_u64_list("--heads", v, 1, 1u << 16, tmp, OCLAB_DECODE_MAX_LIST, &n) != 0)
            return -1;
        for (int j = 0; j < n; j++)
            opts->attn_heads[j][0] = tmp[j];
        opts->n_attn_heads = n;
        return 1;
    }
    if ((r = oclab_flag_value(argc, argv, i, "--kv-heads", &v)) != 0) {
        if (r < 0 || oclab_parse_u64_list("--kv-heads", v, 1, 1u << 16, tmp, OCLAB_DECODE_MAX_LIST, &n) != 0)
            return -1;
        for (int j = 0; j < n; j++)
            opts->attn_heads[j][1] = tmp[j];
        opts->n_attn_kv_heads = n;
        return 1;
    }
    if ((r = oclab_flag_value(argc, argv, i, "--head-dim", &v)) != 0)
        return r < 0 || oclab_parse_u64_list("--head-dim", v, 1, 1u << 16, opts->attn_head_dims,
                                             OCLAB_DECODE_MAX_LIST, &opts->n_attn_head_dims) != 0 ? -1 : 1;
    if ((r = oclab_flag_value(argc, argv, i, "--context", &v)) != 0)
        return r < 0 || oclab_parse_u64_list("--context", v, 1, 1u << 24, opts->attn_contexts,
                                             OCLAB_DECODE_MAX_LIST, &opts->n_attn_contexts) != 0 ? -1 : 1;
    if ((r = oclab_flag_value(argc, argv, i, "--kv", &v)) != 0)
        return r < 0 || parse_formats("--kv", v, opts->attn_kv, &opts->n_attn_kv) != 0 ? -1 : 1;
    return 0;
}

int oclab_decode_opts_check(oclab_decode_opts *opts)
{
    char reason[256];
    for (int f = 0; opts->run_gemv && f < opts->n_gemv_formats; f++) {
        rl_format format = opts->gemv_formats[f];
        if (format != RL_FMT_F32 && format != RL_FMT_F16 && format != RL_FMT_Q8_0 && format != RL_FMT_Q4_0 &&
            format != RL_FMT_I8_PC) {
            oclab_error("--formats: no GEMV kernel for %s (f32, f16, q8_0, q4_0, i8_pc)", rl_format_name(format));
            return -1;
        }
        for (int s = 0; s < opts->n_gemv_shapes; s++) {
            uint64_t bytes;
            if (rl_weight_bytes(format, opts->gemv_shapes[s][0], opts->gemv_shapes[s][1], &bytes, reason,
                                sizeof reason) != 0) {
                oclab_error("--shape %llu,%llu with %s: %s", (unsigned long long)opts->gemv_shapes[s][0],
                            (unsigned long long)opts->gemv_shapes[s][1], rl_format_name(format), reason);
                return -1;
            }
        }
    }
    /* --kv-heads pairs with --heads: one value for all, or one per --heads value; none means MHA. */
    if (opts->n_attn_kv_heads > 0 && opts->n_attn_heads == 0) {
        oclab_error("--kv-heads needs --heads");
        return -1;
    }
    if (opts->n_attn_heads > 0) {
        if (opts->n_attn_kv_heads != 0 && opts->n_attn_kv_heads != 1 && opts->n_attn_kv_heads != opts->n_attn_heads) {
            oclab_error("--kv-heads: give one value or one per --heads value");
            return -1;
        }
        for (int j = 0; j < opts->n_attn_heads; j++) {
            uint64_t kv = opts->n_attn_kv_heads == 0   ? opts->attn_heads[j][0]
                          : opts->n_attn_kv_heads == 1 ? opts->attn_heads[0][1]
                                                       : opts->attn_heads[j][1];
            if (opts->attn_heads[j][0] % kv != 0) {
                oclab_error("--heads %llu is not a multiple of --kv-heads %llu",
                            (unsigned long long)opts->attn_heads[j][0], (unsigned long long)kv);
                return -1;
            }
            opts->attn_heads[j][1] = kv;
        }
        opts->n_attn_kv_heads = opts->n_attn_heads;
    }
    if (opts->run_attention && oclab_attention_check_opts(opts) != 0) /* KV formats, head dims */
        return -1;
    return 0;
}

int oclab_decode_opts_fit(const oclab_decode_opts *opts, const oclab_device_info *info)
{
    char reason[256];
    uint64_t limit = oclab_gemv_weight_limit(info);
    for (int f = 0; opts->run_gemv && f < opts->n_gemv_formats; f++) {
        for (int s = 0; s < opts->n_gemv_shapes; s++) {
            uint64_t bytes;
            const uint64_t *shape = opts->gemv_shapes[s];
            if (rl_weight_bytes(opts->gemv_formats[f], shape[0], shape[1], &bytes, reason, sizeof reason) == 0 &&
                bytes > limit) {
                oclab_error("--shape %llu,%llu with %s: weights of %llu bytes exceed what %s can hold in one "
                            "buffer (%llu bytes)", (unsigned long long)shape[0], (unsigned long long)shape[1],
                            rl_format_name(opts->gemv_formats[f]), (unsigned long long)bytes, info->name,
                            (unsigned long long)limit);
                return -1;
            }
        }
    }
    return opts->run_attention ? oclab_attention_fit(opts, info) : 0;
}

/* The configuration of the profile's f32 compute ceiling (0, 0 when it does not say). */
static void f32_config(const cJSON *profile, int *vec, size_t *wg)
{
    const cJSON *c;
    *vec = 0;
    *wg = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(profile, "ceilings"), "compute"))
    {
        const cJSON *prec = cJSON_GetObjectItemCaseSensitive(c, "precision");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "vector_width");
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(c, "work_group");
        if (cJSON_IsString(prec) && strcmp(prec->valuestring, "f32") == 0 && cJSON_IsNumber(v) && cJSON_IsNumber(w) &&
            v->valuedouble >= 1 && v->valuedouble <= 16 && w->valuedouble >= 1) {
            *vec = (int)v->valuedouble;
            *wg = (size_t)w->valuedouble;
        }
    }
}

int oclab_decode_measure(oclab_cl *cl, const oclab_device_opts *dev_opts, const oclab_decode_opts *opts,
                         cJSON *profile)
{
    char reason[256];
    oclab_decode_ctx ctx = {.cl = cl, .dev_opts = dev_opts, .profile = profile};
    int rc = OCLAB_EXIT_OK;
    if (rl_profile_roof(profile, "f32", &ctx.roof_f32, reason, sizeof reason) != 0) {
        oclab_error("decode needs the device's roofline ceilings: %s", reason);
        return OCLAB_EXIT_FAIL;
    }
    ctx.budget_s = dev_opts->max_time_ms > 0 ? dev_opts->max_time_ms / 1e3
                   : dev_opts->quick         ? QUICK_BUDGET_S
                                             : DEFAULT_BUDGET_S;
    if (oclab_probe_create(cl, &ctx.probe) != CL_SUCCESS) {
        oclab_profile_skip(profile, "decode probe", "the streaming-read probe failed to build or run; "
                                                    "efficiency_vs_probe is not reported");
        ctx.probe = NULL;
    }
    int vec;
    size_t wg;
    f32_config(profile, &vec, &wg);
    if (ctx.probe && oclab_compute_probe_create(cl, vec, wg, &ctx.compute_probe) != CL_SUCCESS) {
        oclab_profile_skip(profile, "decode compute probe", "the f32 FMA probe failed to build, run or verify; "
                                                            "efficiency_vs_probe uses the profile's compute ceiling");
        ctx.compute_probe = NULL;
    }
    if (opts->run_gemv) {
        int r = oclab_gemv_measure(&ctx, opts);
        if (r != OCLAB_EXIT_OK)
            rc = r;
    }
    if (opts->run_attention) {
        int r = oclab_attention_measure(&ctx, opts);
        if (r != OCLAB_EXIT_OK)
            rc = r;
    }
    oclab_compute_probe_free(ctx.compute_probe);
    oclab_probe_free(ctx.probe);
    return rc;
}
