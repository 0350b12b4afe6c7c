/* oclab peak [-d SEL] [-o FILE] [--json] [--quick] [--max-time MS]: bandwidth sweep, compute peaks,
 * launch latency, transfer -> the device's roofline ceilings and ridge points.
 *
 * Without -o/--json every selected device is measured in turn and printed as a table; -o and --json
 * write one profile, so the selection must then match exactly one device. */
#include <stdio.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cli/cli.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/cli/commands.h"
#include "host/cli/isolate.h"
#include "host/peak/peak.h"

#define MAX_SELECTED 64

static int peak_device(const oclab_device_info *info, const oclab_device_opts *opts, const char *output, int json)
{
    cl_int err = CL_SUCCESS;
    oclab_cl cl = {0};
    cJSON *profile = NULL;
    char label[600];
    int rc = OCLAB_EXIT_FAIL;
    oclab_device_label(info, label, sizeof label);
    oclab_log("peak: measuring %s%s", label, opts->quick ? " (quick)" : "");
    CL_TRY(oclab_cl_open(&cl, info, opts->kernel_dir));
    profile = oclab_profile_new(info);
    rc = oclab_peak_measure(&cl, opts, profile);
    if (json) {
        if (oclab_json_print(profile) != 0)
            rc = OCLAB_EXIT_FAIL;
    } else {
        oclab_peak_print(profile);
    }
    if (output && oclab_json_write_atomic(output, profile) != 0)
        rc = OCLAB_EXIT_FAIL;
    else if (output)
        oclab_log("profile written to %s", output);
cleanup:
    cJSON_Delete(profile);
    oclab_cl_close(&cl);
    return err == CL_SUCCESS ? rc : OCLAB_EXIT_FAIL;
}

int oclab_cmd_peak(int argc, char **argv)
{
    oclab_device_opts opts;
    oclab_device_list list = {0};
    int selected[MAX_SELECTED];
    int n = 0, json = 0, rc, isolate = 0;
    double timeout_s = 0.0;
    const char *output = NULL;
    oclab_device_opts_init(&opts, "all");
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        int r = oclab_device_opt(&opts, argc, argv, &i);
        if (r == 0)
            r = oclab_isolate_opt(argc, argv, &i, &isolate, &timeout_s);
        if (r == 0 && ((r = oclab_flag_value(argc, argv, &i, "-o", &v)) != 0 ||
                       (r = oclab_flag_value(argc, argv, &i, "--output", &v)) != 0) && r > 0)
            output = v;
        if (r < 0)
            return OCLAB_EXIT_USAGE;
        if (r > 0)
            continue;
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else
            return oclab_unknown_arg("peak", argv[i]);
    }
    if (output && oclab_check_writable(output) != 0)
        return OCLAB_EXIT_USAGE;
    rc = oclab_device_find(&list, opts.selector, selected, MAX_SELECTED, &n);
    if (rc != OCLAB_EXIT_OK)
        goto cleanup;
    if ((output || json) && n != 1) {
        oclab_error("peak: '%s' selects %d devices; -o and --json write one profile, pick one with -d P:D",
                    opts.selector, n);
        rc = OCLAB_EXIT_USAGE;
        goto cleanup;
    }
    if (isolate) {
        rc = oclab_isolate_command("peak", argc, argv, timeout_s > 0.0 ? timeout_s : 7200.0, output,
                                   n == 1 ? &list.devices[selected[0]] : NULL, "peak");
        goto cleanup;
    }
    for (int i = 0; i < n; i++) {
        int r = peak_device(&list.devices[selected[i]], &opts, output, json);
        if (r != OCLAB_EXIT_OK)
            rc = r;
    }
cleanup:
    oclab_device_list_free(&list);
    return rc;
}
