/* Golden charts: the roofline and bandwidth sweep SVG of the sample CPU profile, byte for byte as in
 * tests/data/golden/. A change to the charts shows here as a diff to review; after reviewing it, run
 * the test with OCLAB_UPDATE_GOLDEN=1 to write the new files (then commit them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/svg.h"
#include "reports/sweep.h"
#include "reports/view.h"
#include "roofline/atomic_file.h"
#include "report_fixture.h"

/* The contents of PATH, or NULL when it cannot be read. */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = NULL;
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1)) != NULL) {
        if (fread(text, 1, (size_t)size, f) == (size_t)size) {
            text[size] = '\0';
        } else {
            free(text);
            text = NULL;
        }
    }
    fclose(f);
    return text;
}

/* Compares GOT with tests/data/golden/NAME, naming the first line that differs. */
static void assert_golden(const char *got, const char *name)
{
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/tests/data/golden/%s", OCLAB_SOURCE_DIR, name);
    const char *update = getenv("OCLAB_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        if (rl_write_file_atomic(path, got, err, sizeof err) != 0)
            fail_msg("%s", err);
        fprintf(stderr, "golden: wrote %s\n", path);
        return;
    }
    char *want = read_file(path);
    if (!want)
        fail_msg("cannot read %s (OCLAB_UPDATE_GOLDEN=1 writes it)", path);
    if (strcmp(got, want) != 0) {
        int line = 1;
        size_t i = 0;
        while (got[i] && got[i] == want[i]) {
            line += got[i] == '\n';
            i++;
        }
        const char *g = got + i, *w = want + i;
        while (g > got && g[-1] != '\n') {
            g--;
            w--;
        }
        fprintf(stderr, "%s differs from line %d:\n  want: %.*s\n  got:  %.*s\n", path, line,
                (int)strcspn(w, "\n"), w, (int)strcspn(g, "\n"), g);
        free(want);
        fail_msg("%s: the chart changed (review, then OCLAB_UPDATE_GOLDEN=1)", name);
    }
    free(want);
}

static void test_roofline_golden(void **state)
{
    (void)state;
    fixture_profile f;
    fixture_open(&f, "pocl-cpu.json", "pocl-cpu.json");
    char *svg = fixture_roofline(&f);
    assert_golden(svg, "pocl-cpu-roofline.svg");
    free(svg);
    fixture_close(&f);
}

static void test_sweep_golden(void **state)
{
    (void)state;
    fixture_profile f;
    fixture_open(&f, "pocl-cpu.json", "pocl-cpu.json");
    char *svg = rpt_svg_sweep(&f.view);
    assert_non_null(svg);
    assert_golden(svg, "pocl-cpu-bandwidth.svg");
    free(svg);
    fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roofline_golden),
        cmocka_unit_test(test_sweep_golden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
