/* The roofline and bandwidth sweep charts: scale, ceiling lines, ridge markers, kernel marks by family,
 * format and batch, baselines and flags, the legend, the sweep's lines, plateaus and cache line,
 * well-formed SVG. */
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
#include "reports/sweep.h"
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

static void assert_well_formed(const char *xml);

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
    char *svg = rpt_svg_roofline(list, 1, &p, NULL);
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

    /* Nine kernels, one failed verification: eight marks, the baseline's among them. */
    assert_int_equal(f.view.n_kernels, 9);
    assert_int_equal(count(svg, "class=\"kernel\""), 8);
    assert_non_null(strstr(svg, "Arithmetic intensity (FLOP/byte)"));
    assert_non_null(strstr(svg, "Performance (GFLOP/s)"));
    /* The legend lists every ceiling (with its ridge), whether or not a label fits on the chart. */
    assert_non_null(strstr(svg, ">dram 80.5 GB/s<"));
    assert_non_null(strstr(svg, ">int32 151 GOP/s, ridge 1.88<"));
    /* Decade labels on both axes and eight minor ticks per decade: 4 decades of x, 3 of y. */
    assert_non_null(strstr(svg, ">0.1</text>"));
    assert_non_null(strstr(svg, ">1000</text>"));
    const char *minor = strstr(svg, "class=\"minor-ticks\"");
    assert_non_null(minor);
    assert_int_equal(count(minor, "<line") - count(strstr(minor, "</g>"), "<line"), 8 * (4 + 3));
    free(svg);
    fixture_close(&f);
}

/* The mark of kernel NUMBER (1-based, as in the tables): the text from its <g> to its </g>. */
static char *mark_of(const char *svg, int number)
{
    char key[32];
    snprintf(key, sizeof key, ": #%d ", number);
    const char *title = strstr(svg, key);
    assert_non_null(title);
    const char *start = title;
    while (start > svg && strncmp(start, "<g class=\"kernel\"", 17) != 0)
        start--;
    const char *end = strstr(title, "</g>");
    assert_non_null(end);
    return strndup(start, (size_t)(end - start));
}

static void test_marks_say_family_format_batch(void **state)
{
    (void)state;
    fixture_profile f;
    fixture_open(&f, "pocl-cpu.json", "pocl-cpu.json");
    char *svg = fixture_roofline(&f);
    assert_well_formed(svg);
    /* #3 gemv q4_0 M=1: a filled circle in q4_0's colour, the short variant in its tooltip. */
    char *m = mark_of(svg, 3);
    assert_non_null(strstr(m, "data-family=\"gemv\" data-format=\"q4_0\" data-batch=\"1\""));
    assert_non_null(strstr(m, "<circle"));
    assert_non_null(strstr(m, "fill=\"#d55e00\""));
    assert_non_null(strstr(m, "variant: rows wg64 v16"));
    assert_non_null(strstr(m, "55.5% of roof (memory-bound)"));
    free(m);
    /* #4 gemv q4_0 M=16: hollow, the colour on the outline. */
    m = mark_of(svg, 4);
    assert_non_null(strstr(m, "fill=\"#ffffff\" stroke=\"#d55e00\""));
    free(m);
    /* #6 attention: a diamond (a four-cornered path). */
    m = mark_of(svg, 6);
    assert_non_null(strstr(m, "data-family=\"attention\""));
    assert_int_equal(count(m, " L "), 3);
    free(m);
    /* #7 CLBlast: a grey cross apart from ours, named in the tooltip. */
    m = mark_of(svg, 7);
    assert_non_null(strstr(m, "data-baseline=\"clblast\""));
    assert_non_null(strstr(m, "stroke=\"#555555\""));
    assert_non_null(strstr(m, "(baseline: clblast)"));
    free(m);
    /* #8 above its roof and #9 suspect: a red ring each, and said so. */
    m = mark_of(svg, 8);
    assert_non_null(strstr(m, "stroke=\"#d62728\""));
    assert_non_null(strstr(m, "above its roof"));
    free(m);
    m = mark_of(svg, 9);
    assert_non_null(strstr(m, "suspect measurement"));
    free(m);
    assert_int_equal(count(svg, "r=\"9\" fill=\"none\" stroke=\"#d62728\""), 2);
    /* The legend has one entry per group, not per kernel; no mark carries a label. */
    static const char *const legend[] = {">Kernel family (shape)<", ">gemv<", ">attention<", ">clblast (baseline)<",
                                         ">Weight / KV format (colour)<", ">f32<", ">f16<", ">q8_0<", ">q4_0<",
                                         ">i8_pc<", ">filled: M = 1 (batch 1)<", ">hollow: M &gt; 1 (batch &gt; 1)<",
                                         ">ring: above its roof or suspect<"};
    assert_contains_all(svg, legend, sizeof legend / sizeof legend[0]);
    assert_null(strstr(svg, ">bf16<"));
    for (const char *g = strstr(svg, "<g class=\"kernel\""); g; g = strstr(g + 1, "<g class=\"kernel\"")) {
        const char *end = strstr(g, "</g>"), *text = strstr(g, "<text");
        assert_true(end && (!text || text > end));
    }
    free(svg);
    fixture_close(&f);
}

static void test_crowded_profile_per_family(void **state)
{
    (void)state;
    fixture_profile full;
    fixture_open_measured(&full);
    const rpt_profile v = full.view;
    assert_true(rpt_roofline_crowded(&v));
    const char *families[8];
    assert_int_equal(rpt_kernel_families(&v, families, 8), 2);
    int placed = 0, gemv = 0;
    for (int i = 0; i < v.n_kernels; i++) {
        placed += rpt_kernel_placed(&v.kernels[i]);
        gemv += rpt_kernel_placed(&v.kernels[i]) && strcmp(v.kernels[i].family, "gemv") == 0;
    }
    const rpt_profile *list[] = {&v};
    char *all = rpt_svg_roofline(list, 1, NULL, NULL);
    rpt_roofline_opts opts = {"roofline-gemv", "gemv"};
    char *one = rpt_svg_roofline(list, 1, NULL, &opts);
    assert_non_null(all);
    assert_non_null(one);
    assert_int_equal(count(all, "class=\"kernel\""), placed);
    assert_int_equal(count(one, "class=\"kernel\""), gemv);
    assert_int_equal(count(one, "data-family=\"attention\""), 0);
    assert_non_null(strstr(one, "clip-path=\"url(#clip-roofline-gemv)\""));
    assert_non_null(strstr(one, ">Roofline, gemv: "));
    free(all);
    free(one);
    /* Every attention kernel of the run has batch 1: its legend names no hollow mark. */
    rpt_roofline_opts att = {"roofline-attention", "attention"};
    one = rpt_svg_roofline(list, 1, NULL, &att);
    assert_non_null(strstr(one, ">filled: M = 1 (batch 1)<"));
    assert_null(strstr(one, ">hollow:"));
    free(one);
    /* The few fixture kernels stay on one chart. */
    fixture_profile f;
    fixture_open(&f, "pocl-cpu.json", "pocl-cpu.json");
    assert_false(rpt_roofline_crowded(&f.view));
    fixture_close(&f);
    fixture_close(&full);
}

static void test_sweep_chart(void **state)
{
    (void)state;
    fixture_profile f;
    fixture_open(&f, "pocl-cpu.json", "pocl-cpu.json");
    assert_true(rpt_sweep_present(&f.view));
    char *svg = rpt_svg_sweep(&f.view);
    assert_non_null(svg);
    assert_well_formed(svg);
    /* read: 5 points; copy: 4 (its 1 GB point failed verification and is left out). */
    assert_int_equal(count(svg, "<polyline class=\"stream\""), 2);
    assert_non_null(strstr(svg, "data-kernel=\"read\""));
    assert_non_null(strstr(svg, "data-kernel=\"copy\""));
    assert_int_equal(count(svg, "class=\"point\""), 9);
    assert_non_null(strstr(svg, "<title>copy: 268 MB, 76.3 GB/s</title>"));
    /* A plateau per memory ceiling, over its sizes; the 33.6 MB last-level cache as a line. */
    assert_int_equal(count(svg, "class=\"plateau\""), 4);
    assert_non_null(strstr(svg, "class=\"plateau\" data-level=\"dram\""));
    assert_non_null(strstr(svg, "class=\"llc\""));
    assert_non_null(strstr(svg, ">l2 412 GB/s<"));
    assert_non_null(strstr(svg, ">last-level cache (to 4x: shaded)<"));
    assert_non_null(strstr(svg, ">10 kB</text>"));
    free(svg);
    fixture_close(&f);
    /* No sweep in a profile without measurements.bandwidth. */
    cJSON *json = cJSON_Parse("{\"schema\":\"oclab.profile/1\",\"ceilings\":{\"memory\":[{\"level\":\"dram\","
                              "\"gbs\":50}],\"compute\":[]}}");
    rpt_profile v;
    char err[128];
    assert_int_equal(rpt_profile_read(json, "x", &v, err, sizeof err), 0);
    assert_false(rpt_sweep_present(&v));
    assert_null(rpt_svg_sweep(&v));
    rpt_profile_free(&v);
    cJSON_Delete(json);
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
    char *svg = rpt_svg_roofline(list, 1, NULL, NULL);
    assert_non_null(svg);
    assert_well_formed(svg);
    assert_non_null(strstr(svg, "R&amp;D &lt;proto&gt; &quot;GPU&quot;"));
    assert_non_null(strstr(svg, "variant: name=a&lt;b&amp;c"));
    assert_int_equal(count(svg, "class=\"kernel\""), 2);
    /* A family the chart does not know is a triangle (a three-cornered path), and named in the legend. */
    assert_non_null(strstr(svg, "data-family=\"matmul&amp;co\""));
    assert_int_equal(count(strstr(svg, "data-family=\"matmul&amp;co\""), " L ") -
                         count(strstr(strstr(svg, "data-family=\"matmul&amp;co\""), "</g>"), " L "),
                     2);
    assert_non_null(strstr(svg, ">matmul&amp;co<"));
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
    char *svg = rpt_svg_roofline(list, 2, NULL, NULL);
    assert_non_null(svg);
    assert_well_formed(svg);
    /* Both devices' ceilings and verified kernels (8 + 4) on one chart, in their own colors. */
    assert_int_equal(count(svg, "class=\"mem-ceiling\""), 4 + 3);
    assert_int_equal(count(svg, "class=\"compute-ceiling\""), 3 + 3);
    assert_int_equal(count(svg, "class=\"kernel\""), 8 + 4);
    assert_non_null(strstr(svg, rpt_series_color(0)));
    assert_non_null(strstr(svg, rpt_series_color(1)));
    assert_non_null(strstr(svg, ">2: NVIDIA GeForce RTX 4090<"));
    assert_non_null(strstr(svg, ">Device (colour)<"));
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
        cmocka_unit_test(test_marks_say_family_format_batch),
        cmocka_unit_test(test_crowded_profile_per_family),
        cmocka_unit_test(test_sweep_chart),
        cmocka_unit_test(test_svg_well_formed_and_escaped),
        cmocka_unit_test(test_compare_chart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
