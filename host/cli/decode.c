/* oclab decode [-d SEL] [-o FILE] [--json] [--profile PEAK.json] [decode options]
 * GEMV and attention decode kernels on one device, verified and placed on its roofline. The ceilings come
 * from --profile (a profile written by oclab peak) or from a quick oclab peak run first. */
#include <stdio.h>
#include <string.h>

#include "host/cl/device.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/cli/cli.h"
#include "host/cli/commands.h"
#include "host/cli/isolate.h"
#include "host/decode/decode.h"
#include "host/peak/peak.h"
#include "roofline/profile.h"

/* A peak profile for --profile: readable, an oclab profile, with a DRAM and an f32 ceiling. */
static cJSON *load_peak(const char *path)
{
    char reason[512];
    rl_roof roof;
    cJSON *peak = rl_profile_load(path, reason, sizeof reason);
    if (!peak) {
        oclab_error("--profile: %s", reason);
        return NULL;
    }
    if (rl_profile_roof(peak, "f32", &roof, reason, sizeof reason) != 0) {
        oclab_error("--profile %s: %s", path, reason);
        cJSON_Delete(peak);
        return NULL;
    }
    return peak;
}

/* Ceilings, ridges and measurements of PEAK into PROFILE; a warning when another device measured them. */
static void adopt_ceilings(cJSON *profile, cJSON *peak, const char *path, const oclab_device_info *info)
{
    const cJSON *dev = cJSON_GetObjectItemCaseSensitive(peak, "device");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(dev, "name");
    if (!cJSON_IsString(name) || strcmp(name->valuestring, info->name) != 0)
        oclab_warn("--profile %s was measured on '%s', not on '%s': its ceilings may not apply", path,
                   cJSON_IsString(name) ? name->valuestring : "an unnamed device", info->name);
    static const char *keys[] = {"ceilings", "ridges", "measurements"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(peak, keys[i]);
        if (item)
            cJSON_ReplaceItemInObjectCaseSensitive(profile, keys[i], item);
    }
    cJSON_AddStringToObject(profile, "ceilings_from", path);
}

int oclab_cmd_decode(int argc, char **argv)
{
    oclab_device_opts dev_opts;
    oclab_decode_opts opts;
    oclab_device_list list = {0};
    oclab_cl cl = {0};
    cJSON *profile = NULL, *peak = NULL;
    const char *out = NULL, *peak_path = NULL;
    int json = 0, selected = 0, count = 0, rc, isolate = 0;
    double timeout_s = 0.0;
    oclab_device_opts_init(&dev_opts, "0:0");
    oclab_decode_opts_init(&opts);
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        int r = oclab_device_opt(&dev_opts, argc, argv, &i);
        if (r == 0)
            r = oclab_decode_opt(&opts, argc, argv, &i);
        if (r == 0)
            r = oclab_isolate_opt(argc, argv, &i, &isolate, &timeout_s);
        if (r == 0 && (r = oclab_flag_value(argc, argv, &i, "-o", &v)) > 0)
            out = v;
        if (r == 0 && (r = oclab_flag_value(argc, argv, &i, "--output", &v)) > 0)
            out = v;
        if (r == 0 && (r = oclab_flag_value(argc, argv, &i, "--profile", &v)) > 0)
            peak_path = v;
        if (r == 0 && !strcmp(argv[i], "--json"))
            r = json = 1;
        if (r < 0)
            return OCLAB_EXIT_USAGE;
        if (r == 0)
            return oclab_unknown_arg("decode", argv[i]);
    }
    if (oclab_decode_opts_check(&opts) != 0)
        return OCLAB_EXIT_USAGE;
    if (out && oclab_check_writable(out) != 0)
        return OCLAB_EXIT_USAGE;
    if (peak_path && !(peak = load_peak(peak_path)))
        return OCLAB_EXIT_USAGE;
    rc = oclab_device_find(&list, dev_opts.selector, &selected, 1, &count);
    if (rc != OCLAB_EXIT_OK)
        goto cleanup;
    const oclab_device_info *info = &list.devices[selected];
    if (oclab_decode_opts_fit(&opts, info) != 0) {
        rc = OCLAB_EXIT_USAGE;
        goto cleanup;
    }
    if (isolate) {
        rc = oclab_isolate_command("decode", argc, argv, timeout_s > 0.0 ? timeout_s : 7200.0, out, info, "decode");
        goto cleanup;
    }
    char label[600];
    oclab_device_label(info, label, sizeof label);
    oclab_log("decode on %s", label);
    profile = oclab_profile_new(info);
    if (peak)
        adopt_ceilings(profile, peak, peak_path, info);
    if (oclab_cl_open(&cl, info, dev_opts.kernel_dir) != CL_SUCCESS) {
        rc = OCLAB_EXIT_FAIL;
        goto cleanup;
    }
    if (!peak_path) {
        oclab_device_opts quick = dev_opts;
        quick.quick = 1;
        oclab_log("no --profile: measuring the ceilings first (quick oclab peak)");
        rc = oclab_peak_measure(&cl, &quick, profile);
    }
    int r = oclab_decode_measure(&cl, &dev_opts, &opts, profile);
    if (r != OCLAB_EXIT_OK)
        rc = r;
    if (json)
        oclab_json_print(profile);
    else
        oclab_decode_print(profile);
    if (out && oclab_json_write_atomic(out, profile) != 0)
        rc = OCLAB_EXIT_FAIL;
cleanup:
    oclab_cl_close(&cl);
    cJSON_Delete(profile);
    cJSON_Delete(peak);
    oclab_device_list_free(&list);
    return rc;
}
