/* oclab run: the main job. For each selected device (default: all): peak, decode, then reports;
 * profiles and reports go to --out DIR. A device that fails does not stop the others. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "host/cl/context.h"
#include "host/cl/device.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/cl/progress.h"
#include "host/cli/cli.h"
#include "host/cli/commands.h"
#include "host/decode/decode.h"
#include "host/peak/peak.h"
#include "reports/report.h"

#define MAX_RUN_DEVICES 64

/* "0-0-pthread-skylake-avx512-amd-epyc": stable file names per device. */
static void device_slug(const oclab_device_info *d, char *buf, size_t len)
{
    size_t n = (size_t)snprintf(buf, len, "%d-%d-", d->platform_index, d->device_index);
    int dash = 1;
    for (const char *p = d->name; *p && n + 1 < len; p++) {
        char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            buf[n++] = c;
            dash = 0;
        } else if (c >= 'A' && c <= 'Z') {
            buf[n++] = (char)(c - 'A' + 'a');
            dash = 0;
        } else if (!dash) {
            buf[n++] = '-';
            dash = 1;
        }
    }
    if (n > 0 && buf[n - 1] == '-')
        n--;
    buf[n] = '\0';
}

static int make_dir(const char *dir)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        oclab_error("cannot create output folder %s: %s", dir, strerror(errno));
        return -1;
    }
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/profile.json", dir);
    return oclab_check_writable(probe);
}

/* Measures one device; writes DIR/SLUG.json after each phase so a driver crash keeps what was done. */
static int run_device(const oclab_device_info *info, const oclab_device_opts *dev_opts,
                      const oclab_decode_opts *decode_opts, const char *dir, cJSON **profile_out,
                      char *path, size_t path_len)
{
    oclab_cl cl = {0};
    char slug[300], label[600];
    int rc = OCLAB_EXIT_FAIL;
    cJSON *profile = NULL;
    device_slug(info, slug, sizeof slug);
    snprintf(path, path_len, "%s/%s.json", dir, slug);
    oclab_device_label(info, label, sizeof label);
    oclab_log("device %s", label);

    if (oclab_cl_open(&cl, info, dev_opts->kernel_dir) != CL_SUCCESS)
        goto cleanup;
    profile = oclab_profile_new(info);
    oclab_progress_phase("peak", 0);
    int peak_rc = oclab_peak_measure(&cl, dev_opts, profile);
    if (oclab_json_write_atomic(path, profile) != 0)
        goto cleanup;
    if (cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(profile, "ceilings"), "memory")) == 0) {
        oclab_error("%s: no bandwidth ceiling was measured; decode kernels cannot be placed", label);
        goto cleanup;
    }
    int decode_rc = oclab_decode_measure(&cl, dev_opts, decode_opts, profile);
    if (oclab_json_write_atomic(path, profile) != 0)
        goto cleanup;
    rc = (peak_rc == OCLAB_EXIT_OK && decode_rc == OCLAB_EXIT_OK) ? OCLAB_EXIT_OK : OCLAB_EXIT_FAIL;
cleanup:
    oclab_cl_close(&cl);
    *profile_out = profile;
    return rc;
}

int oclab_cmd_run(int argc, char **argv)
{
    oclab_device_opts dev_opts;
    oclab_decode_opts decode_opts;
    oclab_device_list list = {0};
    int selected[MAX_RUN_DEVICES];
    cJSON *profiles[MAX_RUN_DEVICES] = {0};
    char paths[MAX_RUN_DEVICES][4400];
    const char *dir = "oclab-out";
    int n = 0, n_profiles = 0, rc;

    oclab_device_opts_init(&dev_opts, "all");
    oclab_decode_opts_init(&decode_opts);
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        int r = oclab_device_opt(&dev_opts, argc, argv, &i);
        if (r == 0)
            r = oclab_decode_opt(&decode_opts, argc, argv, &i);
        if (r == 0 && (r = oclab_flag_value(argc, argv, &i, "--out", &v)) > 0)
            dir = v;
        if (r < 0)
            return OCLAB_EXIT_USAGE;
        if (r == 0)
            return oclab_unknown_arg("run", argv[i]);
    }
    if (oclab_decode_opts_check(&decode_opts) != 0 || make_dir(dir) != 0)
        return OCLAB_EXIT_USAGE;
    rc = oclab_device_find(&list, dev_opts.selector, selected, MAX_RUN_DEVICES, &n);
    if (rc != OCLAB_EXIT_OK)
        goto cleanup;
    for (int i = 0; i < n; i++) {
        if (oclab_decode_opts_fit(&decode_opts, &list.devices[selected[i]]) != 0) {
            rc = OCLAB_EXIT_USAGE;
            goto cleanup;
        }
    }

    /* devices: the listing of what was found, beside the profiles. */
    cJSON *listing = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(listing, "devices");
    for (int i = 0; i < list.count; i++)
        cJSON_AddItemToArray(arr, oclab_device_json(&list.devices[i]));
    char devices_path[4400];
    snprintf(devices_path, sizeof devices_path, "%s/devices.json", dir);
    int write_rc = oclab_json_write_atomic(devices_path, listing);
    cJSON_Delete(listing);
    if (write_rc != 0) {
        rc = OCLAB_EXIT_FAIL;
        goto cleanup;
    }
    printf("%s\n", devices_path);

    if (oclab_verbosity >= 1)
        oclab_progress_start(n);
    for (int i = 0; i < n; i++) {
        cJSON *profile = NULL;
        oclab_progress_device(i, list.devices[selected[i]].name);
        int dev_rc = run_device(&list.devices[selected[i]], &dev_opts, &decode_opts, dir, &profile,
                                paths[n_profiles], sizeof paths[0]);
        if (dev_rc != OCLAB_EXIT_OK)
            rc = OCLAB_EXIT_FAIL;
        if (!profile)
            continue;
        profiles[n_profiles++] = profile;
        printf("%s\n", paths[n_profiles - 1]);
    }
    oclab_progress_stop();
    if (n_profiles > 0) {
        char err[512];
        rpt_outputs written;
        const char *names[MAX_RUN_DEVICES];
        for (int i = 0; i < n_profiles; i++) {
            const char *slash = strrchr(paths[i], '/');
            names[i] = slash ? slash + 1 : paths[i];
        }
        if (rpt_render((const cJSON *const *)profiles, names, n_profiles, dir, &written, err, sizeof err) != 0) {
            oclab_error("report: %s", err);
            rc = OCLAB_EXIT_FAIL;
        } else {
            for (int i = 0; i < written.n; i++)
                printf("%s\n", written.paths[i]);
            rpt_outputs_free(&written);
        }
    }
cleanup:
    for (int i = 0; i < n_profiles; i++)
        cJSON_Delete(profiles[i]);
    oclab_device_list_free(&list);
    return rc;
}
