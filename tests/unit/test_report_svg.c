/* The roofline chart: scale, ceiling lines, ridge markers, kernel points, well-formed SVG. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/plot.h"
#include "reports/svg.h"
#include "reports/view.h"
#include "report_fixture.h"

#define assert_near(got, want, tol) assert_true(fabs((double)(got) - (double)(want)) <= (tol))

/* A fixed layout: x 0.1..1000 over pixels 80..640, y 1..1000 over pixels 460..40. */
static rpt_plot fixed_plot(const rpt_profile *v)
{
    rpt_plot p;
    rpt_plot_fit(&v, 1, &p);
    p.x = (rpt_axis){0.1, 1000.0, 80.0, 640.0};
    p.y = (rpt_axis){1.0, 1000.0, 460.0, 40.0};
    return p;
}

static void test_axis_map(void **state)
{
    (void)state;
    rpt_axis x = {0.1, 1000.0, 80.0, 640.0}, y = {1.0, 1000.0, 460.0, 40.0};
    assert_near(rpt_axis_map(&x, 0.1), 80.0, 1e-9);
    assert_near(rpt_axis_map(&x, 1000.0), 640.0, 1e-9);
    assert_near(rpt_axis_map(&x, 1.0), 220.0, 1e-9); /* one decade of four: 140 px */
    assert_near(rpt_axis_map(&x, sqrt(10.0)), 290.0, 1e-9);
    assert_near(rpt_axis_map(&y, 10.0), 320.0, 1e-9); /* upwards: 140 px per decade */
    assert_near(rpt_axis_map(&y, 1000.0), 40.0, 1e-9);
}

static void test_plot_fit_covers_everything(void **state)
{
    (void)state;
    fixture_profile f;
    fixture_open(&f, "pocl-cpu.json", "pocl-cpu.json");
    const rpt_profile *list[] = {&f.view};
    rpt_plot p;
    rpt_plot_fit(list, 1, &p);
    /* Intensities 0.5 .. 53.9 with a factor 4 of room: 0.1 .. 1000; GFLOP/s up to 468 * 2: 1000. */
    assert_near(p.x.lo, 0.1, 1e-12);
    assert_near(p.x.hi, 1000.0, 1e-9);
    assert_near(p.y.hi, 1000.0, 1e-9);
    assert_true(p.y.lo <= 8.05); /* where dram (80.5 GB/s) enters at x = 0.1 */
    assert_near(log10(p.y.lo), round(log10(p.y.lo)), 1e-9);
    assert_true(p.x.px_lo < p.x.px_hi && p.y.px_lo > p.y.px_hi);
    fixture_close(&f);
}

/* The attributes of the first element whose opening tag contains MARK. */
static double attr(const char *svg, const char *mark, const char *name)
{
    const char *at = strstr(svg, mark);
    assert_non_null(at);
    const char *end = strchr(at, '>');
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *v = strstr(at, key);
    assert_true(v != NULL && v < end);
    return strtod(v + strlen(key), NULL);
}

static int count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_ceiling_lines_and_ridge(void **state)
{
    (void)state;
    fixture_profile f;
    fixture_open(&f, "pocl-cpu.json", "pocl-cpu.json");
    rpt_plot p = fixed_plot(&f.view);
    const rpt_profile *list[] = {&f.view};
    char *svg = rpt_svg_roofline(list, 1, &p);
    assert_non_null(svg);

    /* dram 80.5 GB/s: from the left edge (0.1, 8.05) up to the top compute ceiling (468 / 80.5, 468). */
    const char *dram = "class=\"mem-ceiling\" data-level=\"dram\"";
    assert_near(attr(svg, dram, "x1"), 80.0, 0.01);
    assert_near(attr(svg, dram, "y1"), rpt_axis_map(&p.y, 8.05), 0.01);
    assert_near(attr(svg, dram, "x2"), rpt_axis_map(&p.x, 468.0 / 80.5), 0.01);
    assert_near(attr(svg, dram, "y2"), rpt_axis_map(&p.y, 468.0), 0.01);
    /* l1 931 GB/s enters at the left edge at 93.1 GFLOP/s. */
    assert_near(attr(svg, "data-level=\"l1\"", "y1"), rpt_axis_map(&p.y, 93.1), 0.01);

    /* f32 468 GFLOP/s: horizontal from where it meets l1 (468 / 931) to the right edge. */
    const char *f32 = "class=\"compute-ceiling\" data-precision=\"f32\"";
    assert_near(attr(svg, f32, "x1"), rpt_axis_map(&p.x, 468.0 / 931.0), 0.01);
    assert_near(attr(svg, f32, "x2"), 640.0, 0.01);
    assert_near(attr(svg, f32, "y1"), attr(svg, f32, "y2"), 1e-9);
    assert_near(attr(svg, f32, "y1"), rpt_axis_map(&p.y, 468.0), 0.01);

    /* The f32 ridge point at the profile's 5.8137 FLOP/byte, on the f32 ceiling. */
    const char *ridge = "class=\"ridge\" data-precision=\"f32\"";
    assert_near(attr(svg, ridge, "cx"), rpt_axis_map(&p.x, 5.8137), 0.01);
    assert_near(attr(svg, ridge, "cy"), rpt_axis_map(&p.y, 468.0), 0.01);
    assert_int_equal(count(svg, "class=\"ridge\""), 3);
    assert_int_equal(count(svg, "class=\"mem-ceiling\""), 4);
    assert_int_equal(count(svg, "class=\"compute-ceiling\""), 3);

    /* Six kernels, one failed verification: five points. */
    assert_int_equal(f.view.n_kernels, 6);
    assert_int_equal(count(svg, "class=\"kernel\""), 5);
    assert_non_null(strstr(svg, "Arithmetic intensity (FLOP/byte)"));
    assert_non_null(strstr(svg, "Performance (GFLOP/s)"));
    assert_non_null(strstr(svg, ">dram 80.5 GB/s<"));
    assert_non_null(strstr(svg, ">int32 151 GOP/s<"));
    free(svg);
    fixture_close(&f);
}

/* Tags balance (a stack of names), and every '&' starts an entity. */
static void assert_well_formed(const char *xml)
{
    const char *stack[256];
    size_t lens[256];
    int depth = 0;
    for (const char *p = xml; *p; p++) {
        if (*p == '&') {
            assert_true(!strncmp(p, "&amp;", 5) || !strncmp(p, "&lt;", 4) || !strncmp(p, "&gt;", 4) ||
                        !strncmp(p, "&quot;", 6) || !strncmp(p, "&#39;", 5));
            continue;
        }
        if (*p != '<')
            continue;
        const char *end = strchr(p, '>');
        assert_non_null(end);
        assert_null(memchr(p + 1, '<', (size_t)(end - p - 1))); /* no raw '<' inside a tag */
        if (p[1] == '/') {
            assert_true(depth > 0);
            depth--;
            assert_int_equal(strspn(p + 2, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), lens[depth]);
            assert_memory_equal(p + 2, stack[depth], lens[depth]);
        } else if (end[-1] != '/') {
            assert_true(depth < 256);
            stack[depth] = p + 1;
            lens[depth++] = strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
        }
        p = end;
    }
    assert_int_equal(depth, 0);
}

static void test_svg_well_formed_and_escaped(void **state)
{
    (void)state;
    cJSON *json = cJSON_Parse(
        "{\"schema\":\"oclab.profile/1\",\"device\":{\"name\":\"R&D <proto> \\\"GPU\\\"\"},"
        "\"ceilings\":{\"memory\":[{\"level\":\"dram\",\"gbs\":100}],"
        "\"compute\":[{\"precision\":\"f32\",\"gflops\":1000}]},"
        "\"kernels\":[{\"family\":\"gemv\",\"format\":\"q4_0\",\"shape\":{\"m\":1,\"n\":64,\"k\":64},"
        "\"variant\":{\"name\":\"a<b&c\"},\"gflops\":50,\"gbs\":14,\"intensity\":3.5,\"bound\":\"memory\","
        "\"verified\":true},{\"family\":\"matmul&co\",\"format\":\"f32\",\"gflops\":800,\"intensity\":100,"
        "\"bound\":\"compute\",\"verified\":true}]}");
    assert_non_null(json);
    rpt_profile v;
    char err[256];
    assert_int_equal(rpt_profile_read(json, "inline", &v, err, sizeof err), 0);
    /* No ridges in the profile: derived from dram and each compute ceiling. */
    assert_int_equal(v.n_ridges, 1);
    assert_near(v.ridges[0].flop_per_byte, 10.0, 1e-12);
    const rpt_profile *list[] = {&v};
    char *svg = rpt_svg_roofline(list, 1, NULL);
    assert_non_null(svg);
    assert_well_formed(svg);
    assert_non_null(strstr(svg, "R&amp;D &lt;proto&gt; &quot;GPU&quot;"));
    assert_int_equal(count(svg, "class=\"kernel\""), 2);
    /* A compute-bound point is a triangle (path), a memory-bound one a circle. */
    assert_non_null(strstr(svg, "data-family=\"matmul&amp;co\"><title>"));
    assert_non_null(strstr(strstr(svg, "data-family=\"matmul&amp;co\""), "<path d=\"M"));
    free(svg);
    rpt_profile_free(&v);
    cJSON_Delete(json);
}

static void test_compare_chart(void **state)
{
    (void)state;
    fixture_profile pair[2];
    const rpt_profile *list[2];
    fixture_open_pair(pair, list);
    char *svg = rpt_svg_roofline(list, 2, NULL);
    assert_non_null(svg);
    assert_well_formed(svg);
    /* Both devices' ceilings and verified kernels (5 + 4) on one chart, in their own colors. */
    assert_int_equal(count(svg, "class=\"mem-ceiling\""), 4 + 3);
    assert_int_equal(count(svg, "class=\"compute-ceiling\""), 3 + 3);
    assert_int_equal(count(svg, "class=\"kernel\""), 5 + 4);
    assert_non_null(strstr(svg, rpt_series_color(0)));
    assert_non_null(strstr(svg, rpt_series_color(1)));
    assert_non_null(strstr(svg, ">NVIDIA GeForce RTX 4090<"));
    free(svg);
    fixture_close(&pair[0]);
    fixture_close(&pair[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_axis_map),
        cmocka_unit_test(test_plot_fit_covers_everything),
        cmocka_unit_test(test_ceiling_lines_and_ridge),
        cmocka_unit_test(test_svg_well_formed_and_escaped),
        cmocka_unit_test(test_compare_chart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
