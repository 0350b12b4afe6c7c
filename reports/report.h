#ifndef OCLAB_REPORTS_REPORT_H
#define OCLAB_REPORTS_REPORT_H
/* oclab report: renders measured profiles ("oclab.profile/1", DESIGN.md "Profiles") as files.
 *
 * One profile   -> OUT_DIR/<slug>.html (self-contained: inline CSS and SVG, no script), <slug>.svg (the
 *                  roofline), <slug>.md (a GitHub Markdown summary linking the charts), then
 *                  <slug>-roofline-<family>.svg per family when the roofline is crowded and
 *                  <slug>-bandwidth.svg when the profile holds a bandwidth sweep. <slug> comes from
 *                  device.name ("pthread-skylake-avx512-amd-epyc-..."), made unique with -2, -3 ... when
 *                  devices share a name.
 * Several       -> each device's files, plus compare.html, compare.svg (every device's roofline on one
 *                  chart) and compare.md (side-by-side tables).
 *
 * Every profile is checked before anything is written, and the files are written all or nothing,
 * each atomically (temporary file + rename); OUT_DIR and missing parents are created.
 * Depends on roofline/ only (no OpenCL, no host/). */
#include <stddef.h>

#include <cjson/cJSON.h>

#define RPT_DEFAULT_OUT_DIR "oclab-report"

typedef struct {
    char **paths; /* OUT_DIR/<file>, in the order written: per device html, svg, md; then compare.* */
    int n;
} rpt_outputs;

void rpt_outputs_free(rpt_outputs *out);

/* Rendered documents, not yet written: TEXTS[i] for OUT_DIR/<file> PATHS[i], in the order of
 * rpt_outputs. */
typedef struct {
    char **paths, **texts;
    int n;
} rpt_files;

void rpt_files_free(rpt_files *files);

/* Checks and renders PROFILES[0..N) in memory, writing nothing: 0 ok; -1 with a one-line reason as
 * rpt_render gives it. */
int rpt_render_files(const cJSON *const *profiles, const char *const *names, int n, const char *out_dir,
                     rpt_files *files, char *err, size_t err_len);

/* Renders PROFILES[0..N) (NAMES[i]: where profile i came from, e.g. its file name, shown in the
 * reports and error messages; may be NULL) into OUT_DIR. WRITTEN (may be NULL) receives the paths.
 * 0 ok; -1 with a one-line reason in err: "NAME: not an oclab profile ...", "cannot write PATH: ...".
 * On failure nothing is left in OUT_DIR. */
int rpt_render(const cJSON *const *profiles, const char *const *names, int n, const char *out_dir,
               rpt_outputs *written, char *err, size_t err_len);

#endif
