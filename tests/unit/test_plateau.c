/* roofline/plateau: memory levels found on synthetic working-set sweeps (noise, outliers, no DRAM). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "roofline/plateau.h"

#define KIB 1024.0
#define MIB (1024.0 * 1024.0)
#define LLC (32.0 * MIB)

/* Sizes 16 KiB .. 256 MiB doubling; GB/s by level with a fixed +-4 % noise pattern. */
static int curve(rl_sweep_point *p, double l1, double l2, double l3, double dram, double l1_end, double l2_end,
                 double l3_end)
{
    static const double noise[] = {1.03, 0.97, 1.01, 0.96, 1.04, 0.99, 1.02, 0.98};
    int n = 0;
    for (double s = 16 * KIB; s <= 256 * MIB; s *= 2, n++) {
        /* past L3 and short of 4x the LLC: a slope down to DRAM, no level */
        double g = s <= l1_end ? l1 : s <= l2_end ? l2 : s <= l3_end ? l3 : dram * (1.0 + fmax(0.0, 1.0 - s / (4 * LLC)));
        p[n] = (rl_sweep_point){s, g * noise[n % 8]};
    }
    return n;
}

static void expect_level(const rl_plateau *p, const char *level, double gbs, double lo, double hi)
{
    assert_string_equal(p->level, level);
    assert_true(p->gbs > 0.95 * gbs && p->gbs < 1.05 * gbs);
    assert_true(p->bytes_min >= lo && p->bytes_max <= hi);
    assert_true(p->points >= 1);
}

static void test_three_cache_levels_and_dram(void **state)
{
    (void)state;
    rl_sweep_point p[32];
    rl_plateau out[8];
    int n = curve(p, 1000, 450, 250, 60, 64 * KIB, 1 * MIB, 16 * MIB);
    int found = rl_find_plateaus(p, n, LLC, RL_PLATEAU_TOL, out, 8);
    assert_int_equal(found, 4);
    expect_level(&out[0], "l1", 1000, 16 * KIB, 64 * KIB);
    expect_level(&out[1], "l2", 450, 128 * KIB, 1 * MIB);
    expect_level(&out[2], "l3", 250, 2 * MIB, 16 * MIB);
    expect_level(&out[3], "dram", 60, 128 * MIB, 256 * MIB);
    assert_int_equal(out[3].points, 2);
}

static void test_l1_l2_dram(void **state)
{
    (void)state;
    rl_sweep_point p[32];
    rl_plateau out[8];
    /* no L3: L2 runs to the LLC size, then the slope down to DRAM */
    int n = curve(p, 900, 400, 400, 50, 32 * KIB, 32 * MIB, 32 * MIB);
    int found = rl_find_plateaus(p, n, LLC, RL_PLATEAU_TOL, out, 8);
    assert_int_equal(found, 3);
    expect_level(&out[0], "l1", 900, 16 * KIB, 32 * KIB);
    expect_level(&out[1], "l2", 400, 64 * KIB, 32 * MIB);
    expect_level(&out[2], "dram", 50, 128 * MIB, 256 * MIB);
}

static void test_outlier_inside_a_level(void **state)
{
    (void)state;
    rl_sweep_point p[32];
    rl_plateau out[8];
    int n = curve(p, 1000, 450, 250, 60, 64 * KIB, 1 * MIB, 16 * MIB);
    p[5].gbs = 180; /* 512 KiB: one bad sample in the middle of L2 */
    int found = rl_find_plateaus(p, n, LLC, RL_PLATEAU_TOL, out, 8);
    assert_int_equal(found, 4);
    expect_level(&out[1], "l2", 450, 128 * KIB, 1 * MIB);
    assert_int_equal(out[1].points, 3); /* the outlier is not in the median */
}

static void test_no_dram_points(void **state)
{
    (void)state;
    rl_sweep_point p[32];
    rl_plateau out[8];
    int n = curve(p, 1000, 450, 250, 60, 64 * KIB, 1 * MIB, 16 * MIB);
    int cut = 0;
    while (cut < n && p[cut].bytes < 4 * LLC)
        cut++;
    int found = rl_find_plateaus(p, cut, LLC, RL_PLATEAU_TOL, out, 8);
    assert_int_equal(found, 3);
    for (int i = 0; i < found; i++)
        assert_string_not_equal(out[i].level, "dram");
}

static void test_flat_curve_is_dram_only(void **state)
{
    (void)state;
    /* a device without caches in reach: every size at DRAM speed gives no cache level */
    rl_sweep_point p[16];
    rl_plateau out[8];
    int n = 0;
    for (double s = 16 * KIB; s <= 256 * MIB; s *= 4, n++)
        p[n] = (rl_sweep_point){s, n % 2 ? 61.0 : 59.0};
    int found = rl_find_plateaus(p, n, LLC, RL_PLATEAU_TOL, out, 8);
    assert_int_equal(found, 1);
    assert_string_equal(out[0].level, "dram");
    assert_true(out[0].gbs >= 59.0 && out[0].gbs <= 61.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_cache_levels_and_dram), cmocka_unit_test(test_l1_l2_dram),
        cmocka_unit_test(test_outlier_inside_a_level),      cmocka_unit_test(test_no_dram_points),
        cmocka_unit_test(test_flat_curve_is_dram_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
