/* Report tables as Markdown and HTML, number formats, profile reading, the comparison tables. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/compare.h"
#include "reports/doc.h"
#include "reports/fmt.h"
#include "reports/sections.h"
#include "reports/view.h"
#include "report_fixture.h"

static void test_formats(void **state)
{
    (void)state;
    char s[64];
    assert_string_equal(rpt_fmt_percent(0.6321, s, sizeof s), "63.2%");
    assert_string_equal(rpt_fmt_percent(NAN, s, sizeof s), "-");
    assert_string_equal(rpt_fmt_num(1234.4, s, sizeof s), "1234");
    assert_string_equal(rpt_fmt_num(47.26, s, sizeof s), "47.3");
    assert_string_equal(rpt_fmt_num(5.8137, s, sizeof s), "5.81");
    assert_string_equal(rpt_fmt_num(0.49976, s, sizeof s), "0.50");
    assert_string_equal(rpt_fmt_num(0.685654, s, sizeof s), "0.69");
    assert_string_equal(rpt_fmt_num(0.0123456, s, sizeof s), "0.0123");
    assert_string_equal(rpt_fmt_count(6.60708e9, s, sizeof s), "6.61 B");
    assert_string_equal(rpt_fmt_count(131072000, s, sizeof s), "131 M");
    assert_string_equal(rpt_fmt_count(512, s, sizeof s), "512");
    assert_string_equal(rpt_fmt_time(0.000189, s, sizeof s), "189 us");
    assert_string_equal(rpt_fmt_time(4.44e-3, s, sizeof s), "4.44 ms");
    assert_string_equal(rpt_fmt_bytes(33554432, s, sizeof s), "33.6 MB (33554432 B)");
    assert_string_equal(rpt_fmt_tick(0.01, s, sizeof s), "0.01");
    assert_string_equal(rpt_fmt_tick(1e6, s, sizeof s), "1e+6");
    assert_string_equal(rpt_compute_unit("int8"), "GOP/s");
    assert_string_equal(rpt_compute_unit("f16"), "GFLOP/s");
}

static void test_slugify(void **state)
{
    (void)state;
    char s[32];
    rpt_slugify("pthread-skylake-avx512-AMD EPYC 9R45", s, sizeof s);
    assert_string_equal(s, "pthread-skylake-avx512-amd-epyc");
    rpt_slugify("  NVIDIA GeForce RTX 4090 ", s, sizeof s);
    assert_string_equal(s, "nvidia-geforce-rtx-4090");
    rpt_slugify("../..//", s, sizeof s);
    assert_string_equal(s, "device");
}

static void test_profile_read_rejects(void **state)
{
    (void)state;
    static const struct {
        const char *json, *reason;
    } bad[] = {
        {"[1,2]", "a profile is a JSON object"},
        {"{\"schema\":\"oclab.spec/1\"}", "not an oclab profile"},
        {"{\"schema\":\"oclab.profile/1\",\"device\":{\"name\":\"x\"}}", "no ceilings"},
        {"{\"schema\":\"oclab.profile/1\",\"ceilings\":{\"memory\":[],\"compute\":[]}}", "no positive ceiling"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *json = cJSON_Parse(bad[i].json);
        assert_non_null(json);
        rpt_profile v;
        char err[256] = "";
        assert_int_equal(rpt_profile_read(json, "x.json", &v, err, sizeof err), -1);
        assert_non_null(strstr(err, bad[i].reason));
        cJSON_Delete(json);
    }
}

/* Renders V's whole document (head, a stand-in chart, body) as Markdown and HTML. */
static void render(const rpt_profile *v, char **md, char **html)
{
    rpt_tables head, body;
    rpt_tables_init(&head);
    rpt_tables_init(&body);
    rpt_head_tables(v, &head);
    rpt_device_tables(v, &body);
    assert_true(rpt_tables_ok(&head));
    assert_true(rpt_tables_ok(&body));
    rpt_figure fig = {"roofline", "caption", "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", "x.svg"};
    rpt_doc doc = {.title = "t", .subtitle = "sub", .head = &head, .figures = &fig, .n_figures = 1, .body = &body,
                   .html_file = "x.html"};
    *md = rpt_markdown(&doc);
    *html = rpt_html(&doc);
    assert_non_null(*md);
    assert_non_null(*html);
    rpt_tables_free(&head);
    rpt_tables_free(&body);
}

static void test_profile_read_minimal(void **state)
{
    (void)state;
    /* Only schema and ceilings: everything else reads as missing, nothing fails. */
    cJSON *json = cJSON_Parse("{\"schema\":\"oclab.profile/1\",\"ceilings\":{\"memory\":[{\"level\":\"dram\","
                              "\"gbs\":50}],\"compute\":[]},\"kernels\":[{\"family\":\"gemv\"}]}");
    rpt_profile v;
    char err[256];
    assert_int_equal(rpt_profile_read(json, "min.json", &v, err, sizeof err), 0);
    assert_string_equal(v.device, "unknown device");
    assert_string_equal(v.slug, "unknown-device");
    assert_int_equal(v.n_memory, 1);
    assert_int_equal(v.n_ridges, 0);
    assert_int_equal(v.n_kernels, 1);
    assert_false(v.kernels[0].verified);
    assert_true(isnan(v.kernels[0].efficiency));
    char *md, *html;
    render(&v, &md, &html);
    /* The kernel is flagged invalid in the head and listed, marked, in the HTML kernel table. */
    assert_non_null(strstr(md, "| 1 kernel(s) invalid | #1: failed verification"));
    assert_non_null(strstr(html, "<tr class=\"flag\"><td>1</td><td>?</td><td></td><td>-</td>"));
    assert_non_null(strstr(html, "<td>invalid (failed verification)</td>"));
    /* No f32 ceiling: the predictions say why instead of a number. */
    assert_non_null(strstr(md, "| Llama-2-7B q4_0, f16 KV | - | - | - | - | - | - |"));
    assert_non_null(strstr(md, "Not predicted (-): profile has no positive f32 compute ceiling"));
    free(md);
    free(html);
    rpt_profile_free(&v);
    cJSON_Delete(json);
}

static void test_device_markdown_and_html(void **state)
{
    (void)state;
    fixture_profile f;
    fixture_open(&f, "pocl-cpu.json", "pocl-cpu.json");
    char *md, *html;
    render(&f.view, &md, &html);
    static const char *const md_rows[] = {
        /* The head: warnings from the profile and the flagged kernels. */
        "| gemv i8_pc m=1 n=4096 k=4096 | 1.12 of its roof: the dram ceiling was under-measured |",
        "| 1 kernel(s) above their roof | #8: more than 5% above the roof means a ceiling was under-measured",
        "| 1 kernel(s) invalid | #5: failed verification",
        "| 1 kernel(s) suspect | #9: ",
        "| device | pthread-skylake-avx512-AMD EPYC 9R45 2-Core Processor (cpu) |",
        "| memory, last-level cache | 22.5 GB, 33.6 MB |",
        "| spec sheet | none lists this device name in its opencl_names |",
        "| kernels | 9 measured, 8 verified |",
        "| dram (GB/s) | 80.5 | - | - | - |",
        "| f32 (GFLOP/s) | 468 | - | - | 5.81 |",
        "| int32 (GOP/s) | 151 | - | - | 1.88 |",
        /* Medians per group: q4_0 M=1 is kernel 3 alone (5 failed verification); the flagged i8_pc
         * and suspect q8_0 attention are left out, the baseline is a group of its own. */
        "| gemv q4_0 M=1 | 1 | 55.5% | 55.5% - 55.5% | 58.7% |",
        "| gemv q4_0 M>1 | 1 | 25.9% |",
        "| attention f16 batch=1 | 1 | 30.8% |",
        "| gemv f32 M=1 (clblast) | 1 | 14.3% |",
        /* Llama-2-7B q4_0 reads 3.9 GB of weights plus the KV cache at 80.5 GB/s: 20.2 tokens/s; its
         * kernels at 55.5% (q4_0) and 30.8% (f16 attention) of the roof deliver 10.6. */
        "| Llama-2-7B q4_0, f16 KV | 20.2 | 10.6 |",
        "![roofline](x.svg)",
        "| gemv f16 (native half arithmetic) | device lacks cl_khr_fp16 |",
    };
    assert_contains_all(md, md_rows, sizeof md_rows / sizeof md_rows[0]);
    /* The Markdown is a summary: no kernel table, no measurement dumps, no environment. */
    assert_null(strstr(md, "Kernels: gemv"));
    assert_null(strstr(md, "POCL_CACHE_DIR"));
    assert_null(strstr(md, "Compute peaks"));
    assert_null(strstr(md, "no suspect"));
    assert_null(strstr(md, "gemv i8_pc M=1"));
    static const char *const html_parts[] = {
        "<style>", "<figure id=\"roofline\">", "<div class=\"head\">",
        "<h2>Kernels: gemv (6, 5 verified)</h2>",
        /* Kernel 3: q4_0 GEMV at 44.7 GB/s, 55.5% of a 285 GFLOP/s roof; its variant unfolds to every
         * parameter, the clock and the tuning. */
        "<tr><td>3</td><td>q4_0</td><td>m=1 n=4096 k=4096</td><td><details><summary>rows wg64 v16</summary>"
        "<div class=\"detail\">layout=rows\nwork_group=64\nvector_width=16\nclock=event\nmax_rel_error=3.1e-06\n"
        "tuning.source=search\ntuning.tried=6\n",
        "</details></td><td>212 us</td><td>44.7</td><td>158</td><td>3.54</td><td>55.5%</td><td>58.7%</td>"
        "<td>memory</td><td></td></tr>",
        "<tr class=\"flag\"><td>8</td><td>i8_pc</td>", "<td>above its roof</td>",
        "<tr class=\"flag\"><td>9</td><td>q8_0</td>", "<td>suspect</td>",
        /* The baseline beside ours: 72.4 / 11.5 GB/s. */
        "<summary>clblast Sgemv</summary>",
        "<td>11.5</td><td>14.3%</td><td>72.4</td><td>6.28</td>",
        "<details class=\"section\"><summary>Device identity</summary>",
        "<td>global_cache_bytes</td><td>33.6 MB (33554432 B)</td>",
        "<td>POCL_CACHE_DIR</td><td>/tmp/pocl-cache</td>",
        "<td>f32</td><td>468</td><td>GFLOP/s</td><td>16</td>",
        /* How the dram ceiling was measured, behind its value: the profile's tuning object. */
        "<td>dram (GB/s)</td><td><details><summary>80.5</summary><div class=\"detail\">time_s.median=0.01\n"
        "bytes_min=268435456\nbytes_max=1073741824\nkernel=read\ntuning.source=cache\ntuning.tried=8\n"
        "tuning.params=vector_width=16 work_group=64\ntuning.runner_up=vector_width=8\n</div>",
        "<summary>Bandwidth sweep: plateaus per STREAM kernel</summary>",
    };
    assert_contains_all(html, html_parts, sizeof html_parts / sizeof html_parts[0]);
    /* Sorted by efficiency within the family: 8 (112%), 1 (89.9%), 2, 3, 4, then 5 (invalid). */
    const char *order[] = {"<td>8</td><td>i8_pc", "<td>1</td><td>f32", "<td>2</td><td>q8_0", "<td>3</td><td>q4_0",
                           "<td>4</td><td>q4_0", "<td>5</td><td>q4_0"};
    const char *at = strstr(html, "<h2>Kernels: gemv");
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *next = strstr(at, order[i]);
        if (!next)
            fail_msg("kernel row out of order: %s", order[i]);
        at = next;
    }
    free(md);
    free(html);
    fixture_close(&f);
}

/* A full run's summary stays small: the head numbers, the groups and the predictions. */
static void test_full_run_summary_size(void **state)
{
    (void)state;
    fixture_profile full;
    fixture_open_measured(&full);
    assert_true(full.view.n_kernels >= 80);
    char *md, *html;
    render(&full.view, &md, &html);
    assert_true(strlen(md) <= 8192);
    assert_non_null(strstr(md, "| gemv q4_0 M=1 |"));
    assert_non_null(strstr(md, "| attention q8_0 batch=1 |"));
    assert_non_null(strstr(md, "| Llama-2-7B q4_0, f16 KV |"));
    assert_null(strstr(md, "candidates"));
    free(md);
    free(html);
    fixture_close(&full);
}

static void test_compare_tables(void **state)
{
    (void)state;
    fixture_profile pair[2];
    const rpt_profile *list[2];
    fixture_open_pair(pair, list);
    rpt_tables head, body;
    rpt_tables_init(&head);
    rpt_tables_init(&body);
    rpt_compare_tables(list, 2, &head, &body);
    assert_true(rpt_tables_ok(&head));
    assert_true(rpt_tables_ok(&body));
    rpt_doc doc = {.title = "cmp", .head = &head, .body = &body};
    char *md = rpt_markdown(&doc), *html = rpt_html(&doc);
    assert_non_null(md);
    assert_non_null(html);
    static const char *const md_rows[] = {
        "| metric | 1: pthread-skylake-avx512-AMD EPYC 9R45 2-Core Processor | 2: NVIDIA GeForce RTX 4090 |",
        /* The 4090's spec sheet lists its OpenCL name: 952 of 1008 GB/s, 79.3 of 82.6 TFLOP/s. */
        "| dram bandwidth (GB/s) | 80.5 | 952 (94.4% of 1008) |",
        "| f32 peak (GFLOP/s) | 468 | 79300 (96.0% of 82580) |",
        "| l3 bandwidth (GB/s) | 241 | - |",
        "| ridge f32 (FLOP/byte) | 5.81 | 83.3 |",
        /* The 4090's two q4_0 variants (68.8% and 73.7%): median 71.3%. */
        "| gemv q4_0 M=1 | 55.5% | 71.3% |",
        "| gemv q4_0 M>1 | 25.9% | - |",
        "| Llama-2-7B q4_0, f16 KV, context 512 | 20.2 / 10.6 | 239 / 172 |",
    };
    assert_contains_all(md, md_rows, sizeof md_rows / sizeof md_rows[0]);
    /* Common kernels, each device's best verified variant (the 4090's tiled q4_0 at 702 GB/s): HTML only. */
    assert_null(strstr(md, "m=1 n=4096 k=4096"));
    assert_non_null(strstr(html, "<td>gemv q4_0 m=1 n=4096 k=4096</td><td>44.7 (55.5%)</td><td>702 (73.7%)</td>"));
    /* The batched GEMV ran on the CPU only: not a common kernel. */
    assert_null(strstr(html, "m=16 n=4096"));
    free(md);
    free(html);
    rpt_tables_free(&head);
    rpt_tables_free(&body);
    fixture_close(&pair[0]);
    fixture_close(&pair[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_slugify),
        cmocka_unit_test(test_profile_read_rejects),
        cmocka_unit_test(test_profile_read_minimal),
        cmocka_unit_test(test_device_markdown_and_html),
        cmocka_unit_test(test_full_run_summary_size),
        cmocka_unit_test(test_compare_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
