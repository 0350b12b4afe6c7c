/* Placement of measured kernels on a roof, and roofs read from profiles and spec sheets. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "roofline/place.h"
#include "roofline/profile.h"
#include "roofline/spec.h"

#define assert_near(got, want, tol) assert_true(fabs((double)(got) - (double)(want)) <= (tol))

static void test_memory_bound(void **state)
{
    (void)state;
    /* 1 GFLOP over 1 GB in 10 ms on 1000 GFLOP/s, 200 GB/s: intensity 1, roof 200, attained 100. */
    rl_placement p = rl_place(1e9, 1e9, 0.01, (rl_roof){1000.0, 200.0});
    assert_near(p.gflops, 100.0, 1e-9);
    assert_near(p.gbs, 100.0, 1e-9);
    assert_near(p.intensity, 1.0, 1e-12);
    assert_near(p.roof_gflops, 200.0, 1e-9);
    assert_near(p.efficiency, 0.5, 1e-12);
    assert_false(p.compute_bound);
    assert_false(p.above_roof);
}

static void test_compute_bound(void **state)
{
    (void)state;
    /* Intensity 100 beyond ridge 10: the roof is the compute ceiling. */
    rl_placement p = rl_place(100e9, 1e9, 0.125, (rl_roof){1000.0, 100.0});
    assert_true(p.compute_bound);
    assert_near(p.roof_gflops, 1000.0, 1e-9);
    assert_near(p.efficiency, 0.8, 1e-12);
}

/* Above the roof by more than 5% is a counting or timing error, flagged; within 5% is noise. */
static void test_above_roof(void **state)
{
    (void)state;
    rl_roof roof = {1000.0, 100.0};
    assert_false(rl_place(1e9, 1e9, 1e9 / (1.04 * 100e9), roof).above_roof);
    assert_true(rl_place(1e9, 1e9, 1e9 / (1.06 * 100e9), roof).above_roof);
    rl_placement bad = rl_place(1e9, 1e9, 0.0, roof);
    assert_true(isnan(bad.efficiency));
    assert_false(bad.above_roof);
    assert_true(isnan(rl_place(1e9, 0.0, 1.0, roof).intensity));
}

/* Which ceiling a kernel above its roof points at: the DRAM ceiling of a slow minute (the probe of the
 * moment read as much as the kernel), an under-measured DRAM ceiling, or a compute ceiling, which is
 * then raised to the kernel. */
static void test_bound_verdicts(void **state)
{
    (void)state;
    rl_roof roof = {1000.0, 100.0};
    char text[256];
    double raise = -1.0;
    rl_placement held = rl_place(1e9, 1e9, 1e9 / (1.04 * 100e9), roof); /* 104 GB/s: noise */
    assert_int_equal(rl_check_bound(&held, roof, 0.0, &raise), RL_BOUND_HELD);
    assert_true(raise == 0.0);
    rl_placement mem = rl_place(1e9, 1e9, 1e9 / (120e9), roof); /* 120 GB/s over a 100 GB/s ceiling */
    assert_int_equal(rl_check_bound(&mem, roof, 125.0, &raise), RL_BOUND_DRAM_MOMENT);
    rl_bound_text(RL_BOUND_DRAM_MOMENT, &mem, roof, 125.0, text, sizeof text);
    assert_non_null(strstr(text, "slow minute"));
    assert_non_null(strstr(text, "125.0 GB/s"));
    assert_int_equal(rl_check_bound(&mem, roof, 90.0, &raise), RL_BOUND_DRAM_LOW);
    assert_int_equal(rl_check_bound(&mem, roof, 0.0, &raise), RL_BOUND_DRAM_LOW); /* no probe: no excuse */
    rl_bound_text(RL_BOUND_DRAM_LOW, &mem, roof, 90.0, text, sizeof text);
    assert_non_null(strstr(text, "20 % above the DRAM ceiling"));
    rl_placement comp = rl_place(1200e9, 1e9, 1.0, roof); /* 1200 GFLOP/s at intensity 1200 */
    assert_int_equal(rl_check_bound(&comp, roof, 500.0, &raise), RL_BOUND_COMPUTE_LOW);
    assert_true(fabs(raise - 1200.0) < 1e-9);
    rl_bound_text(RL_BOUND_COMPUTE_LOW, &comp, roof, 0.0, text, sizeof text);
    assert_non_null(strstr(text, "compute ceiling is under-measured"));
}

static const char *profile_text =
    "{\"schema\":\"oclab.profile/1\",\"device\":{\"name\":\"test\",\"global_mem_bytes\":8000000000},"
    "\"ceilings\":{\"memory\":[{\"level\":\"l2\",\"gbs\":900},{\"level\":\"dram\",\"gbs\":60.5}],"
    "\"compute\":[{\"precision\":\"f32\",\"gflops\":1200},{\"precision\":\"int8\",\"gflops\":2400}]}}";

static void test_profile_roof(void **state)
{
    (void)state;
    char err[256];
    cJSON *profile = cJSON_Parse(profile_text);
    rl_roof roof;
    assert_int_equal(rl_profile_roof(profile, "f32", &roof, err, sizeof err), 0);
    assert_near(roof.gbs, 60.5, 0); /* the DRAM ceiling, not the L2 one */
    assert_near(roof.gflops, 1200.0, 0);
    assert_int_equal(rl_profile_roof(profile, "f16", &roof, err, sizeof err), -1);
    assert_non_null(strstr(err, "f16"));
    double mem;
    assert_int_equal(rl_profile_memory_bytes(profile, &mem), 0);
    assert_near(mem, 8e9, 0);
    cJSON_Delete(profile);

    const char *bad[] = {
        "{\"schema\":\"oclab.profile/2\",\"ceilings\":{\"memory\":[],\"compute\":[]}}",
        "{\"schema\":\"oclab.profile/1\"}",
        "{\"schema\":\"oclab.profile/1\",\"ceilings\":{\"memory\":[{\"level\":\"l2\",\"gbs\":9}],"
        "\"compute\":[{\"precision\":\"f32\",\"gflops\":1}]}}",
        "{\"schema\":\"oclab.profile/1\",\"ceilings\":{\"memory\":[{\"level\":\"dram\",\"gbs\":-9}],"
        "\"compute\":[{\"precision\":\"f32\",\"gflops\":1}]}}",
        "{\"schema\":\"oclab.profile/1\",\"ceilings\":{\"memory\":[{\"level\":\"dram\",\"gbs\":9}],"
        "\"compute\":[{\"precision\":\"f32\",\"gflops\":\"fast\"}]}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        profile = cJSON_Parse(bad[i]);
        assert_int_equal(rl_profile_roof(profile, "f32", &roof, err, sizeof err), -1);
        cJSON_Delete(profile);
    }
    assert_null(rl_json_load("/nonexistent/profile.json", err, sizeof err));
}

static void test_spec_sheets(void **state)
{
    (void)state;
    const char *names[] = {"a100", "h100-sxm", "rtx-4090", "ryzen9-7950x", "mi300x", "arc-a770", "apple-m1-max", "h200"};
    char err[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cJSON *spec = rl_spec_load(names[i], err, sizeof err);
        assert_non_null(spec);
        rl_roof roof;
        double mem;
        assert_int_equal(rl_spec_sheet_roof(spec, "f32", &roof, err, sizeof err), 0);
        assert_int_equal(rl_spec_sheet_roof(spec, "f16", &roof, err, sizeof err), 0);
        assert_int_equal(rl_spec_memory_bytes(spec, &mem), 0);
        assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(spec, "sources")) > 0);
        cJSON_Delete(spec);
    }
    rl_roof roof;
    /* The CPU has no f16 peak of its own: it falls back to f32 as its sheet says. */
    assert_int_equal(rl_spec_roof("ryzen9-7950x", "f16", &roof, err, sizeof err), 0);
    assert_near(roof.gflops, 2735.0, 0);
    assert_near(roof.gbs, 67.0, 0);
    assert_int_equal(rl_spec_roof("rtx-4090", "f32", &roof, err, sizeof err), 0);
    assert_near(roof.gflops, 82580.0, 0);
    assert_near(roof.gbs, 1008.0, 0);
    /* H200 SXM: the datasheet's sparse Tensor Core rates halved, FP32 and FP64 Tensor Core as printed. */
    const char *h200_precisions[] = {"f64", "f32", "f16", "bf16", "int8"};
    const double h200_gflops[] = {67000.0, 67000.0, 989500.0, 989500.0, 1979000.0};
    for (size_t i = 0; i < sizeof h200_gflops / sizeof h200_gflops[0]; i++) {
        assert_int_equal(rl_spec_roof("h200", h200_precisions[i], &roof, err, sizeof err), 0);
        assert_near(roof.gflops, h200_gflops[i], 0);
        assert_near(roof.gbs, 4800.0, 0);
    }
    assert_int_equal(rl_spec_roof("no-such-device", "f32", &roof, err, sizeof err), -1);
    assert_int_equal(rl_spec_roof("a100", "f8", &roof, err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_bound), cmocka_unit_test(test_compute_bound),
        cmocka_unit_test(test_above_roof),   cmocka_unit_test(test_profile_roof),
        cmocka_unit_test(test_spec_sheets),  cmocka_unit_test(test_bound_verdicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
