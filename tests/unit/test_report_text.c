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
    assert_string_equal(rpt_fmt_num(0.49976, s, sizeof s), "0.5");
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
    rpt_tables tables;
    rpt_tables_init(&tables);
    rpt_device_tables(&v, &tables);
    assert_true(rpt_tables_ok(&tables));
    rpt_doc doc = {"t", NULL, NULL, NULL, &tables};
    char *md = rpt_markdown(&doc);
    assert_non_null(md);
    assert_non_null(strstr(md, "| 1 | gemv | ? |  | - | - | - | - | - | - | - | - | - | - | NO |"));
    /* No f32 ceiling: the prediction says why instead of a number. */
    assert_non_null(strstr(md, "not predicted: profile has no positive f32 compute ceiling"));
    free(md);
    rpt_tables_free(&tables);
    rpt_profile_free(&v);
    cJSON_Delete(json);
}

static void test_device_markdown_and_html(void **state)
{
    (void)state;
    fixture_profile f;
    fixture_open(&f, "pocl-cpu.json", "pocl-cpu.json");
    rpt_tables tables;
    rpt_tables_init(&tables);
    rpt_device_tables(&f.view, &tables);
    assert_true(rpt_tables_ok(&tables));
    rpt_doc doc = {"oclab report: x", "sub", "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", "x.svg", &tables};
    char *md = rpt_markdown(&doc);
    char *html = rpt_html(&doc);
    assert_non_null(md);
    assert_non_null(html);
    static const char *const md_rows[] = {
        /* Kernel 3: q4_0 GEMV at 44.7 GB/s, efficiency 0.5553 of a 285 GFLOP/s roof. */
        "| 3 | gemv | q4_0 | m=1 n=4096 k=4096 | name=rows work_group_size=64 vector_width=16 | 212 us | 158 | "
        "44.7 | 3.54 | 285 | 55.5% | 76.2 | 58.7% | memory | yes (3.10e-06) |",
        "| NO (3.10e-01) |", /* the failed one is listed, marked, and not placed on the chart */
        "| memory dram | 80.5 | GB/s |",
        "| compute int32 | 151 | GOP/s |",
        "| f32 | dram | 5.81 | 468 |",
        "| gemv f16 (native half arithmetic) | device lacks cl_khr_fp16 |",
        "| global_cache_bytes | 33.6 MB (33554432 B) |",
        "| tool version | 0.1.0 |",
        "| POCL_CACHE_DIR | /tmp/pocl-cache |",
        "| read | 268435456 | 80.5 | 0.003334601938 |",
        "![Roofline](x.svg)",
        /* Llama-2-7B q4_0 decode is bound by reading 3.9 GB of weights plus the KV cache at 80.5 GB/s. */
        "| Llama-2-7B q4_0, batch 1, context 512 (f16 KV) | 20.2 | 49.5 | memory |",
    };
    static const char *const html_parts[] = {"<td>55.5%</td>", "<svg xmlns", "<style>"};
    assert_contains_all(md, md_rows, sizeof md_rows / sizeof md_rows[0]);
    assert_contains_all(html, html_parts, sizeof html_parts / sizeof html_parts[0]);
    free(md);
    free(html);
    rpt_tables_free(&tables);
    fixture_close(&f);
}

static void test_compare_tables(void **state)
{
    (void)state;
    fixture_profile pair[2];
    const rpt_profile *list[2];
    fixture_open_pair(pair, list);
    rpt_tables tables;
    rpt_tables_init(&tables);
    rpt_compare_tables(list, 2, &tables);
    assert_true(rpt_tables_ok(&tables));
    rpt_doc doc = {"cmp", NULL, NULL, "compare.svg", &tables};
    char *md = rpt_markdown(&doc);
    assert_non_null(md);
    static const char *const md_rows[] = {
        "| metric | 1: pthread-skylake-avx512-AMD EPYC 9R45 2-Core Processor | 2: NVIDIA GeForce RTX 4090 |",
        "| dram bandwidth (GB/s) | 80.5 | 952 |",
        "| l3 bandwidth (GB/s) | 241 | - |",
        "| ridge f32 (FLOP/byte) | 5.81 | 83.3 |",
        /* Common kernels, each device's best verified variant (the 4090's tiled q4_0 at 702 GB/s). */
        "| gemv q4_0 m=1 n=4096 k=4096: GB/s (efficiency) | 44.7 (55.5%) | 702 (73.7%) |",
        "| attention f16 b=1 h=32 kv=8 d=128 ctx=4096: GB/s (efficiency) |",
        "| Llama-2-7B q4_0, batch 1, context 512 (f16 KV): predicted tokens/s | 20.2 | 239 |",
    };
    assert_contains_all(md, md_rows, sizeof md_rows / sizeof md_rows[0]);
    /* The batched GEMV ran on the CPU only: not a common kernel. */
    assert_null(strstr(md, "m=16 n=4096"));
    free(md);
    rpt_tables_free(&tables);
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
        cmocka_unit_test(test_compare_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
