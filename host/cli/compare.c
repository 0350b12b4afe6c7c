/* oclab compare BASE.json CURRENT.json [--tolerance PCT] [--markdown]: what moved between two profiles
 * of one device, for CI (reports/diff.h). Exit 0: nothing regressed beyond the tolerance; 1: something
 * did; 2: bad input (an unreadable file, not a profile, profiles of different devices). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/log.h"
#include "host/cli/cli.h"
#include "host/cli/commands.h"
#include "reports/diff.h"
#include "reports/view.h"
#include "roofline/profile.h"

#define DEFAULT_TOLERANCE_PCT 5.0

int oclab_cmd_compare(int argc, char **argv)
{
    const char *paths[2] = {NULL, NULL};
    double tolerance = DEFAULT_TOLERANCE_PCT;
    int markdown = 0, n = 0, rc = OCLAB_EXIT_USAGE, read = 0;
    cJSON *json[2] = {NULL, NULL};
    rpt_profile view[2];
    rpt_diff diff = {0};
    char err[1024];
    for (int i = 0; i < argc; i++) {
        const char *v;
        int r = oclab_flag_value(argc, argv, &i, "--tolerance", &v);
        if (r < 0 || (r > 0 && oclab_parse_double("--tolerance", v, 0.0, 100.0, &tolerance) != 0))
            return OCLAB_EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(argv[i], "--markdown") == 0)
            markdown = 1;
        else if ((argv[i][0] == '-' && argv[i][1] != '\0') || n == 2)
            return oclab_unknown_arg("compare", argv[i]);
        else
            paths[n++] = argv[i];
    }
    if (n != 2) {
        oclab_error("compare: give two profiles (usage: oclab compare BASE.json CURRENT.json [--tolerance PCT] "
                    "[--markdown])");
        return OCLAB_EXIT_USAGE;
    }
    for (; read < 2; read++) {
        json[read] = rl_json_load(paths[read], err, sizeof err);
        if (!json[read]) {
            oclab_error("compare: %s", err);
            goto cleanup;
        }
        if (rpt_profile_read(json[read], paths[read], &view[read], err, sizeof err) != 0) {
            oclab_error("compare: %s: %s", paths[read], err);
            cJSON_Delete(json[read]);
            json[read] = NULL;
            goto cleanup;
        }
    }
    if (rpt_diff_profiles(&view[0], &view[1], tolerance / 100.0, &diff, err, sizeof err) != 0) {
        oclab_error("compare: %s", err);
        goto cleanup;
    }
    char *text = rpt_diff_render(&diff, &view[0], &view[1], markdown);
    if (!text) {
        oclab_error("compare: out of memory");
        rc = OCLAB_EXIT_FAIL;
        goto cleanup;
    }
    fputs(text, stdout);
    free(text);
    rc = fflush(stdout) != 0 ? OCLAB_EXIT_USAGE : diff.regressions > 0 ? OCLAB_EXIT_FAIL : OCLAB_EXIT_OK;
cleanup:
    rpt_diff_free(&diff);
    for (int i = 0; i < read; i++) {
        rpt_profile_free(&view[i]);
        cJSON_Delete(json[i]);
    }
    return rc;
}
