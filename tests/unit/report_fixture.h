#ifndef OCLAB_TESTS_REPORT_FIXTURE_H
#define OCLAB_TESTS_REPORT_FIXTURE_H
/* The sample profiles of tests/data/profiles for the test_report_*.c tests (each its own executable,
 * hence static inline: a test that uses only some of these compiles without unused warnings).
 * Include after <cmocka.h>. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "reports/svg.h"
#include "reports/view.h"
#include "roofline/profile.h"

/* The parsed sample profile NAME; fails the test when it does not load. */
static inline cJSON *fixture_load(const char *name)
{
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/tests/data/profiles/%s", OCLAB_SOURCE_DIR, name);
    cJSON *json = rl_json_load(path, err, sizeof err);
    if (!json)
        fail_msg("%s", err);
    return json;
}

/* The full run's profile of devices/measured (90 kernels): the crowded case. */
#define FIXTURE_MEASURED "devices/measured/pocl-3.1-epyc-zen5-2core.json"

/* A sample profile and its view, read under the name SOURCE. */
typedef struct {
    cJSON *json;
    rpt_profile view;
} fixture_profile;

static inline void fixture_open(fixture_profile *f, const char *name, const char *source)
{
    char err[256];
    f->json = fixture_load(name);
    assert_int_equal(rpt_profile_read(f->json, source, &f->view, err, sizeof err), 0);
}

/* FIXTURE_MEASURED and its view. */
static inline void fixture_open_measured(fixture_profile *f)
{
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/%s", OCLAB_SOURCE_DIR, FIXTURE_MEASURED);
    f->json = rl_json_load(path, err, sizeof err);
    if (!f->json)
        fail_msg("%s", err);
    assert_int_equal(rpt_profile_read(f->json, FIXTURE_MEASURED, &f->view, err, sizeof err), 0);
}

static inline void fixture_close(fixture_profile *f)
{
    rpt_profile_free(&f->view);
    cJSON_Delete(f->json);
}

/* The roofline chart of F alone, laid out by rpt_plot_fit; the caller frees it. */
static inline char *fixture_roofline(const fixture_profile *f)
{
    const rpt_profile *list[] = {&f->view};
    char *svg = rpt_svg_roofline(list, 1, NULL, NULL);
    assert_non_null(svg);
    return svg;
}

/* Both sample devices, read as "a.json" (the CPU) and "b.json" (the RTX 4090), in P and LIST. */
static inline void fixture_open_pair(fixture_profile p[2], const rpt_profile *list[2])
{
    fixture_open(&p[0], "pocl-cpu.json", "a.json");
    fixture_open(&p[1], "rtx-4090.json", "b.json");
    list[0] = &p[0].view;
    list[1] = &p[1].view;
}

/* Every one of the N NEEDLES occurs in TEXT; a failure names the missing one. */
static inline void assert_contains_all(const char *text, const char *const *needles, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strstr(text, needles[i]))
            fail_msg("missing: %s", needles[i]);
    }
}

#endif
