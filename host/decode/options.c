/* oclab decode's options: parsing, pairing and checking them before anything is measured. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/decode/attention.h"
#include "host/decode/decode.h"
#include "roofline/profile.h"


static const rl_format gemv_default_formats[] = {RL_FMT_F32, RL_FMT_F16, RL_FMT_Q8_0, RL_FMT_Q4_0, RL_FMT_I8_PC};

void oclab_decode_opts_init(oclab_decode_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->run_gemv = opts->run_attention = 1;
    opts->baseline = 1; /* without CLBlast: a skipped[] entry says so */
    opts->n_gemv_formats = (int)(sizeof gemv_default_formats / sizeof gemv_default_formats[0]);
    memcpy(opts->gemv_formats, gemv_default_formats, sizeof gemv_default_formats);
    opts->gemv_batches[0] = 1;
    opts->gemv_batches[1] = 16;
    opts->n_gemv_batches = 2;
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
