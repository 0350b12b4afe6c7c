/* oclab tune [-d SEL] [--quick] [decode options]: fills the tuning cache ahead of time. Every selected
 * device is measured as `oclab run` would measure it (the same families, formats and shapes, so the same
 * searches), with every search run anew (--retune); the winners stay in the tuning cache and no profile
 * is written. A later `oclab run` then takes every configuration from the cache. */
#include <stdio.h>
#include <string.h>

#include "host/cl/context.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/cli/cli.h"
#include "host/cli/commands.h"
#include "host/decode/decode.h"
#include "host/peak/peak.h"
#include "host/tune/cache.h"

#define MAX_TUNE_DEVICES 64

/* How many of PROFILE's ceilings and kernels were searched now (the rest came from the cache). */
static int searched(const cJSON *profile)
{
    int n = 0;
    const cJSON *c, *k;
    const cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(profile, "ceilings");
    cJSON *lists[3] = {cJSON_GetObjectItemCaseSensitive(ceilings, "memory"),
                       cJSON_GetObjectItemCaseSensitive(ceilings, "compute"),
                       cJSON_GetObjectItemCaseSensitive(profile, "kernels")};
    for (int l = 0; l < 3; l++)
        cJSON_ArrayForEach(c, lists[l])
        {
            k = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "tuning"), "source");
            n += cJSON_IsString(k) && !strcmp(k->valuestring, "search");
        }
    return n;
}

static int tune_device(const oclab_device_info *info, const oclab_device_opts *opts, const oclab_decode_opts *decode)
{
    oclab_cl cl;
    char label[600];
    oclab_device_label(info, label, sizeof label);
    oclab_log("tune: %s", label);
    if (oclab_cl_open(&cl, info, opts->kernel_dir) != CL_SUCCESS)
        return OCLAB_EXIT_FAIL;
    cJSON *profile = oclab_profile_new(info);
    double t0 = oclab_now();
    int rc = oclab_peak_measure(&cl, opts, profile);
    int r = oclab_decode_measure(&cl, opts, decode, profile);
    if (r != OCLAB_EXIT_OK)
        rc = r;
    printf("%s: %d configurations searched and kept in %.0f s\n", label, searched(profile), oclab_now() - t0);
    cJSON_Delete(profile);
    oclab_cl_close(&cl);
    return rc;
}

int oclab_cmd_tune(int argc, char **argv)
{
    oclab_device_opts opts;
    oclab_decode_opts decode;
    oclab_device_list list = {0};
    int selected[MAX_TUNE_DEVICES], n = 0, rc;
    oclab_device_opts_init(&opts, "all");
    oclab_decode_opts_init(&decode);
    for (int i = 0; i < argc; i++) {
        int r = oclab_device_opt(&opts, argc, argv, &i);
        if (r == 0)
            r = oclab_decode_opt(&decode, argc, argv, &i);
        if (r < 0)
            return OCLAB_EXIT_USAGE;
        if (r == 0)
            return oclab_unknown_arg("tune", argv[i]);
    }
    if (opts.no_tune || opts.no_tuning_cache) {
        oclab_error("tune: --no-tune and --no-tuning-cache leave nothing to fill");
        return OCLAB_EXIT_USAGE;
    }
    if (oclab_decode_opts_check(&decode) != 0)
        return OCLAB_EXIT_USAGE;
    opts.retune = 1;
    rc = oclab_device_find(&list, opts.selector, selected, MAX_TUNE_DEVICES, &n);
    for (int i = 0; rc == OCLAB_EXIT_OK && i < n; i++)
        if (oclab_decode_opts_fit(&decode, &list.devices[selected[i]]) != 0)
            rc = OCLAB_EXIT_USAGE;
    for (int i = 0; rc != OCLAB_EXIT_USAGE && i < n; i++) {
        int r = tune_device(&list.devices[selected[i]], &opts, &decode);
        if (r != OCLAB_EXIT_OK)
            rc = r;
    }
    oclab_device_list_free(&list);
    return rc;
}
