/* The decode options on the command line (oclab decode and oclab run): argv into oclab_decode_opts. */
#include <stdlib.h>
#include <string.h>

#include "host/cl/log.h"
#include "host/cli/cli.h"

#define MAX_BATCH 64

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
    if (!strcmp(argv[*i], "--no-baseline")) {
        opts->baseline = 0;
        return 1;
    }
    /* Attention flags only fill the options; decode/attention.c interprets them. */
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
