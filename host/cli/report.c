/* oclab report PROFILE.json... [--out DIR]: HTML, SVG and Markdown from measured profiles (reports/). */
#include <stdio.h>
#include <stdlib.h>

#include "host/cl/log.h"
#include "host/cli/cli.h"
#include "host/cli/commands.h"
#include "reports/report.h"
#include "roofline/profile.h"

int oclab_cmd_report(int argc, char **argv)
{
    int rc = OCLAB_EXIT_USAGE, n = 0;
    const char *out_dir = RPT_DEFAULT_OUT_DIR;
    const char **names = calloc(argc > 0 ? (size_t)argc : 1, sizeof *names);
    cJSON **docs = calloc(argc > 0 ? (size_t)argc : 1, sizeof *docs);
    rpt_outputs written = {0};
    char err[1024];
    if (!names || !docs) {
        oclab_error("report: out of memory");
        rc = OCLAB_EXIT_FAIL;
        goto cleanup;
    }
    for (int i = 0; i < argc; i++) {
        const char *value;
        int flag = oclab_flag_value(argc, argv, &i, "--out", &value);
        if (flag < 0)
            goto cleanup;
        if (flag > 0)
            out_dir = value;
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            rc = oclab_unknown_arg("report", argv[i]);
            goto cleanup;
        } else
            names[n++] = argv[i];
    }
    if (n == 0) {
        oclab_error("report: no profile given (usage: oclab report PROFILE.json... [--out DIR])");
        goto cleanup;
    }
    /* Load every profile first: a bad one stops the command before anything is written. */
    for (int i = 0; i < n; i++) {
        docs[i] = rl_json_load(names[i], err, sizeof err);
        if (!docs[i]) {
            oclab_error("report: %s", err);
            goto cleanup;
        }
    }
    if (rpt_render((const cJSON *const *)docs, names, n, out_dir, &written, err, sizeof err) != 0) {
        oclab_error("report: %s", err);
        goto cleanup;
    }
    for (int i = 0; i < written.n; i++)
        printf("%s\n", written.paths[i]);
    rc = fflush(stdout) == 0 ? OCLAB_EXIT_OK : OCLAB_EXIT_FAIL;
cleanup:
    rpt_outputs_free(&written);
    for (int i = 0; docs && i < n; i++)
        cJSON_Delete(docs[i]);
    free(docs);
    free(names);
    return rc;
}
