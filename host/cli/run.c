/* oclab run: the main job. For each selected device (default: all): peak, decode, then reports;
 * profiles and reports go to --out DIR. A device that fails does not stop the others: each phase of each
 * device runs in a child process of this binary (cli/isolate.h; --no-isolate: in this one), so a driver
 * that crashes or hangs (--timeout S per phase) costs that phase, recorded in the profile's skipped[]. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/cl/context.h"
#include "host/cl/device.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/cl/progress.h"
#include "host/cli/cli.h"
#include "host/cli/commands.h"
#include "host/cli/isolate.h"
#include "host/decode/decode.h"
#include "host/peak/peak.h"
#include "reports/report.h"
#include "roofline/profile.h"

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

/* Measures one device in this process; writes PATH after each phase so a driver crash keeps what was
 * done (--no-isolate). */
static int run_device(const oclab_device_info *info, const oclab_device_opts *dev_opts,
                      const oclab_decode_opts *decode_opts, const char *path)
{
    oclab_cl cl = {0};
    char label[600];
    int rc = OCLAB_EXIT_FAIL;
    cJSON *profile = NULL;
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
    cJSON_Delete(profile);
    return rc;
}

/* Whether the profile at PATH holds a memory ceiling to place decode kernels on. */
static int has_memory_ceiling(const char *path)
{
    char why[512];
    cJSON *profile = rl_json_load(path, why, sizeof why);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(profile, "ceilings"), "memory"));
    cJSON_Delete(profile);
    return n > 0;
}

/* One phase of device SEL in a child (`oclab run ARGS -d SEL --phase PHASE --phase-profile PATH`). */
static int run_phase_child(int argc, char **argv, const char *sel, const char *phase, const char *path,
                           const oclab_device_info *info, double timeout_s)
{
    char **child = calloc((size_t)argc + 10, sizeof *child);
    oclab_isolate_result r;
    if (!child) {
        oclab_error("out of host memory");
        return OCLAB_EXIT_FAIL;
    }
    int n = 0;
    child[n++] = "oclab";
    child[n++] = "run";
    for (int i = 0; i < argc; i++)
        child[n++] = argv[i];
    child[n++] = "-d";
    child[n++] = (char *)sel;
    child[n++] = "--phase";
    child[n++] = (char *)phase;
    child[n++] = "--phase-profile";
    child[n++] = (char *)path;
    child[n] = NULL;
    int rc = oclab_isolate_run(child, timeout_s, &r);
    free(child);
    if (rc != 0)
        return OCLAB_EXIT_FAIL;
    if (r.signal || r.timed_out) {
        char text[256];
        oclab_isolate_text(&r, text, sizeof text);
        oclab_error("%s of %s: the child process %s", phase, info->name, text);
    }
    oclab_isolate_record(path, info, phase, &r);
    return r.exit_code == OCLAB_EXIT_OK && !oclab_isolate_eventful(&r) ? OCLAB_EXIT_OK : OCLAB_EXIT_FAIL;
}

/* The device, each phase in its own child process (the default). */
static int run_device_isolated(int argc, char **argv, const oclab_device_info *info, const char *path,
                               double timeout_s)
{
    char sel[32], label[600];
    snprintf(sel, sizeof sel, "%d:%d", info->platform_index, info->device_index);
    oclab_device_label(info, label, sizeof label);
    oclab_log("device %s", label);
    unlink(path); /* a profile of an earlier run must not pass for this one */
    int rc = run_phase_child(argc, argv, sel, "peak", path, info, timeout_s);
    if (!has_memory_ceiling(path)) {
        oclab_error("%s: no bandwidth ceiling was measured; decode kernels cannot be placed", label);
        return OCLAB_EXIT_FAIL;
    }
    if (run_phase_child(argc, argv, sel, "decode", path, info, timeout_s) != OCLAB_EXIT_OK)
        rc = OCLAB_EXIT_FAIL;
    return rc;
}

/* --phase: one phase of one device, in this process, reading and writing PATH (the child's side). */
static int run_phase(const oclab_device_info *info, const oclab_device_opts *dev_opts,
                     const oclab_decode_opts *decode_opts, const char *phase, const char *path)
{
    oclab_cl cl = {0};
    cJSON *profile = NULL;
    char why[512];
    int rc = OCLAB_EXIT_FAIL;
    if (!strcmp(phase, "decode") && !(profile = rl_json_load(path, why, sizeof why))) {
        oclab_error("run --phase decode: %s", why);
        return OCLAB_EXIT_FAIL;
    }
    if (oclab_cl_open(&cl, info, dev_opts->kernel_dir) != CL_SUCCESS)
        goto cleanup;
    if (oclab_verbosity >= 1) {
        oclab_progress_start(1);
        oclab_progress_device(0, info->name);
    }
    if (!profile) {
        profile = oclab_profile_new(info);
        oclab_progress_phase("peak", 0);
        rc = oclab_peak_measure(&cl, dev_opts, profile);
    } else {
        rc = oclab_decode_measure(&cl, dev_opts, decode_opts, profile);
    }
    oclab_progress_stop();
    if (oclab_json_write_atomic(path, profile) != 0)
        rc = OCLAB_EXIT_FAIL;
cleanup:
    oclab_cl_close(&cl);
    cJSON_Delete(profile);
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
    const char *dir = "oclab-out", *phase = NULL, *phase_path = NULL;
    int n = 0, n_profiles = 0, rc, isolate = 1;
    double timeout_s = 0.0;

    oclab_device_opts_init(&dev_opts, "all");
    oclab_decode_opts_init(&decode_opts);
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        int r = oclab_device_opt(&dev_opts, argc, argv, &i);
        if (r == 0)
            r = oclab_decode_opt(&decode_opts, argc, argv, &i);
        if (r == 0 && (r = oclab_flag_value(argc, argv, &i, "--out", &v)) > 0)
            dir = v;
        if (r == 0)
            r = oclab_isolate_opt(argc, argv, &i, &isolate, &timeout_s);
        if (r == 0 && (r = oclab_flag_value(argc, argv, &i, "--phase", &v)) > 0) {
            phase = v;
            if (strcmp(v, "peak") && strcmp(v, "decode")) {
                oclab_error("run: --phase %s is not peak or decode", v);
                r = -1;
            }
        }
        if (r == 0 && (r = oclab_flag_value(argc, argv, &i, "--phase-profile", &v)) > 0)
            phase_path = v;
        if (r < 0)
            return OCLAB_EXIT_USAGE;
        if (r == 0)
            return oclab_unknown_arg("run", argv[i]);
    }
    if (!phase != !phase_path) {
        oclab_error("run: --phase and --phase-profile go together");
        return OCLAB_EXIT_USAGE;
    }
    if (oclab_decode_opts_check(&decode_opts) != 0 || (!phase && make_dir(dir) != 0))
        return OCLAB_EXIT_USAGE;
    if (timeout_s <= 0.0)
        timeout_s = dev_opts.quick ? 1800.0 : 7200.0; /* generous: a hung driver, not a slow one */
    rc = oclab_device_find(&list, dev_opts.selector, selected, MAX_RUN_DEVICES, &n);
    if (rc != OCLAB_EXIT_OK)
        goto cleanup;
    for (int i = 0; i < n; i++) {
        if (oclab_decode_opts_fit(&decode_opts, &list.devices[selected[i]]) != 0) {
            rc = OCLAB_EXIT_USAGE;
            goto cleanup;
        }
    }
    if (phase) {
        if (n != 1) {
            oclab_error("run --phase: '%s' selects %d devices, not one", dev_opts.selector, n);
            rc = OCLAB_EXIT_USAGE;
        } else {
            rc = run_phase(&list.devices[selected[0]], &dev_opts, &decode_opts, phase, phase_path);
        }
        goto cleanup;
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

    if (oclab_verbosity >= 1 && !isolate)
        oclab_progress_start(n);
    for (int i = 0; i < n; i++) {
        const oclab_device_info *info = &list.devices[selected[i]];
        char slug[300], why[512];
        device_slug(info, slug, sizeof slug);
        snprintf(paths[n_profiles], sizeof paths[0], "%s/%s.json", dir, slug);
        oclab_progress_device(i, info->name);
        int dev_rc = isolate ? run_device_isolated(argc, argv, info, paths[n_profiles], timeout_s)
                             : run_device(info, &dev_opts, &decode_opts, paths[n_profiles]);
        if (dev_rc != OCLAB_EXIT_OK)
            rc = OCLAB_EXIT_FAIL;
        if (access(paths[n_profiles], F_OK) != 0 || !(profiles[n_profiles] = rl_json_load(paths[n_profiles], why, sizeof why)))
            continue;
        printf("%s\n", paths[n_profiles]);
        n_profiles++;
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
