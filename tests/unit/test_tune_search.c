/* The tuner's search on synthetic cost functions, no OpenCL: a model of an FMA peak kernel on two
 * register files (16 registers of 8 lanes, 32 of 16), so the same space must lead to a different
 * optimum on each, found by measurement; budgets, constraints and failures are respected. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "host/tune/search.h"
#include "host/tune/space.h"

/* A CPU core: REGS vector registers of LANES floats, two FMA pipes of latency 4. */
typedef struct {
    int regs, lanes;
    double prepare_s, sample_s; /* virtual time each costs */
    double now;                 /* the virtual clock */
    int prepares[5][12][4];     /* per point: how often it was prepared */
    int invalid_seen;           /* points outside the constraint handed to the family */
    int fail_vec16, wrong_nacc32;
    double noise;               /* relative, deterministic per sample */
    int samples;
} machine;

static const int vecs[] = {1, 2, 4, 8, 16};
static const int naccs[] = {1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 32};
static const int wgs[] = {1, 8, 64, 256};

static int idx(const int *list, int n, int v)
{
    for (int i = 0; i < n; i++)
        if (list[i] == v)
            return i;
    return -1;
}

/* Seconds per FMA lane-update: fewer than 8 independent vector chains leave the pipes idle; more
 * accumulator registers than the file holds (two are taken by the operands) spill, at 3x the cost;
 * a narrow vector wastes lanes; one work-item per group pays a little per-group overhead. */
static double model_cost(const machine *m, int vec, int nacc, int wg)
{
    int per_acc = (vec + m->lanes - 1) / m->lanes;
    int chains = nacc * per_acc;
    double ops_per_cycle = fmin(2.0, chains / 4.0) * m->lanes * fmin(1.0, (double)vec / m->lanes);
    if (chains + 2 > m->regs)
        ops_per_cycle /= 3.0;
    double cost = 1.0 / ops_per_cycle;
    return wg == 1 ? cost * 1.05 : cost;
}

static double clock_of(void *user)
{
    return ((machine *)user)->now;
}

/* wg = 256 only with at most 128 lanes of accumulators per work-item (a stand-in for a device limit). */
static int valid(const oclab_tune_space *space, const int *point, void *user, char *why, size_t len)
{
    (void)space;
    (void)user;
    if (point[2] == 256 && point[0] * point[1] > 128) {
        snprintf(why, len, "too many accumulators for a group of 256");
        return 0;
    }
    return 1;
}

typedef struct {
    int point[3];
} handle;

static handle handles[512];
static int n_handles;

static void *prepare(void *user, const int *point, oclab_tune_status *status, char *why, size_t len)
{
    machine *m = user;
    m->now += m->prepare_s;
    if (!valid(NULL, point, NULL, why, len) || idx(vecs, 5, point[0]) < 0)
        m->invalid_seen++;
    m->prepares[idx(vecs, 5, point[0])][idx(naccs, 12, point[1])][idx(wgs, 4, point[2])]++;
    if (m->fail_vec16 && point[0] == 16) {
        *status = OCLAB_TUNE_BUILD;
        snprintf(why, len, "no 16-wide vectors here");
        return NULL;
    }
    if (m->wrong_nacc32 && point[1] == 32) {
        *status = OCLAB_TUNE_WRONG;
        snprintf(why, len, "sum off by one");
        return NULL;
    }
    handle *h = &handles[n_handles++ % 512];
    memcpy(h->point, point, sizeof h->point);
    return h;
}

static double sample(void *user, void *h, int rep)
{
    (void)rep;
    machine *m = user;
    const int *p = ((handle *)h)->point;
    m->now += m->sample_s;
    double wobble = m->noise * (((m->samples++ * 7919) % 13) / 6.0 - 1.0); /* in [-noise, noise] */
    return model_cost(m, p[0], p[1], p[2]) * (1.0 + wobble);
}

static void release(void *user, void *h)
{
    (void)user;
    (void)h;
}

static void make_space(oclab_tune_space *s, int start_vec, int start_nacc)
{
    oclab_tune_space_init(s, "compute", valid, NULL);
    assert_int_equal(oclab_tune_add(s, "vec", vecs, 5, start_vec), 0);
    assert_int_equal(oclab_tune_add(s, "nacc", naccs, 12, start_nacc), 1);
    assert_int_equal(oclab_tune_add(s, "wg", wgs, 4, 64), 2);
}

/* The cheapest valid point's cost under M's model (what an exhaustive search must reach). */
static double optimum(const machine *m, const oclab_tune_space *s)
{
    double best = INFINITY;
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 12; b++)
            for (int c = 0; c < 4; c++) {
                int p[3] = {vecs[a], naccs[b], wgs[c]};
                if (oclab_tune_point_valid(s, p, NULL, 0) && !(m->fail_vec16 && p[0] == 16) &&
                    !(m->wrong_nacc32 && p[1] == 32))
                    best = fmin(best, model_cost(m, p[0], p[1], p[2]));
            }
    return best;
}

static void run(machine *m, oclab_tune_space *s, oclab_tune_opts *o, oclab_tune_result *r)
{
    oclab_tune_eval eval = {prepare, sample, release, m};
    o->clock = clock_of;
    o->clock_user = m;
    assert_int_equal(oclab_tune_search(s, &eval, o, r), 0);
    assert_int_equal(m->invalid_seen, 0);
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 12; b++)
            for (int c = 0; c < 4; c++)
                assert_true(m->prepares[a][b][c] <= 1); /* never tried twice */
}

/* The same space and the same start on both register files (16 x 16-wide accumulators, the shape that
 * fits 32 registers of 16 lanes and spills on 16 of 8): the local search ends at each one's optimum. */
static void test_local_finds_each_optimum(void **state)
{
    (void)state;
    machine files[2] = {{.regs = 16, .lanes = 8, .prepare_s = 0.01, .sample_s = 0.001},
                        {.regs = 32, .lanes = 16, .prepare_s = 0.01, .sample_s = 0.001}};
    for (int i = 0; i < 2; i++) {
        machine *m = &files[i];
        oclab_tune_space s;
        oclab_tune_opts o;
        oclab_tune_result r;
        make_space(&s, 16, 16);
        oclab_tune_opts_default(&o);
        o.budget_s = 10.0;
        run(m, &s, &o, &r);
        assert_string_equal(r.strategy, "local");
        assert_true(r.found);
        double want = optimum(m, &s);
        assert_true(fabs(model_cost(m, r.best[0], r.best[1], r.best[2]) - want) <= 1e-12 * want);
        /* the winner keeps its accumulators within the register file */
        int chains = r.best[1] * ((r.best[0] + m->lanes - 1) / m->lanes);
        assert_true(chains >= 8 && chains + 2 <= m->regs);
        assert_true(r.tried < 240 / 2); /* far fewer than the whole space */
    }
}

static void test_exhaustive_small_space(void **state)
{
    (void)state;
    machine m = {.regs = 16, .lanes = 8, .prepare_s = 0.01, .sample_s = 0.001};
    oclab_tune_space s;
    oclab_tune_opts o;
    oclab_tune_result r;
    static const int few[] = {4, 8, 12};
    oclab_tune_space_init(&s, "compute", valid, NULL);
    oclab_tune_add(&s, "vec", vecs + 3, 2, 8);
    oclab_tune_add(&s, "nacc", few, 3, 8);
    oclab_tune_add(&s, "wg", wgs + 1, 2, 64);
    oclab_tune_opts_default(&o);
    o.budget_s = 10.0;
    run(&m, &s, &o, &r);
    assert_string_equal(r.strategy, "exhaustive");
    assert_int_equal(r.valid_points, 12);
    assert_int_equal(r.tried, 12);
    assert_true(fabs(model_cost(&m, r.best[0], r.best[1], r.best[2]) - 1.0 / 16.0) < 1e-12);
}

/* A budget far below the space: the search stops, having tried the start point at least. */
static void test_budget(void **state)
{
    (void)state;
    machine m = {.regs = 32, .lanes = 16, .prepare_s = 0.1, .sample_s = 0.01};
    oclab_tune_space s;
    oclab_tune_opts o;
    oclab_tune_result r;
    make_space(&s, 16, 8);
    oclab_tune_opts_default(&o);
    o.budget_s = 0.5;
    o.exhaustive_max = 1000; /* exhaustive, 216 points, would need about 28 s */
    run(&m, &s, &o, &r);
    assert_true(r.budget_hit);
    /* one candidate costs 0.13 s: at most the budget's worth and the one that crossed it */
    assert_true(r.tried <= (int)(0.5 / 0.13) + 1);
    assert_true(r.tried >= 1);
    /* the finals add at most a few rounds once the budget is spent twice over */
    assert_true(r.elapsed_s <= 2.0 * 0.5 + 3 * 3 * 0.01 + 0.13 + 1e-9);
    assert_true(r.found);
}

/* Failing candidates are recorded with their reason, never retried, and the search goes around them. */
static void test_failures(void **state)
{
    (void)state;
    machine m = {.regs = 32, .lanes = 16, .prepare_s = 0.01, .sample_s = 0.001, .fail_vec16 = 1,
                 .wrong_nacc32 = 1};
    oclab_tune_space s;
    oclab_tune_opts o;
    oclab_tune_result r;
    make_space(&s, 16, 8); /* the start itself fails */
    oclab_tune_opts_default(&o);
    o.budget_s = 10.0;
    run(&m, &s, &o, &r);
    assert_true(r.failed >= 1);
    assert_int_equal(r.failures[0].status, OCLAB_TUNE_BUILD);
    assert_int_equal(r.failures[0].point[0], 16);
    assert_string_equal(r.failures[0].why, "no 16-wide vectors here");
    assert_true(r.best[0] != 16 && r.best[1] != 32);
    assert_true(fabs(model_cost(&m, r.best[0], r.best[1], r.best[2]) - optimum(&m, &s)) < 1e-12);
}

/* Every candidate failing: no winner, -1, all failures counted. */
static void test_nothing_verifies(void **state)
{
    (void)state;
    machine m = {.regs = 32, .lanes = 16, .prepare_s = 0.01, .fail_vec16 = 1};
    oclab_tune_space s;
    oclab_tune_opts o;
    oclab_tune_result r;
    static const int only16[] = {16};
    oclab_tune_space_init(&s, "compute", NULL, NULL);
    oclab_tune_add(&s, "vec", only16, 1, 16);
    oclab_tune_add(&s, "nacc", naccs, 3, 2);
    oclab_tune_add(&s, "wg", wgs, 1, 1);
    oclab_tune_opts_default(&o);
    oclab_tune_eval eval = {prepare, sample, release, &m};
    o.clock = clock_of;
    o.clock_user = &m;
    assert_int_equal(oclab_tune_search(&s, &eval, &o, &r), -1);
    assert_false(r.found);
    assert_int_equal(r.tried, 3);
    assert_int_equal(r.failed, 3);
}

/* With a few percent of noise on every sample, the finals still land within the noise of the optimum,
 * and the runner-up is reported with whether it is within that noise. */
static void test_noise(void **state)
{
    (void)state;
    machine m = {.regs = 16, .lanes = 8, .prepare_s = 0.01, .sample_s = 0.001, .noise = 0.03};
    oclab_tune_space s;
    oclab_tune_opts o;
    oclab_tune_result r;
    make_space(&s, 8, 8);
    oclab_tune_opts_default(&o);
    o.budget_s = 10.0;
    run(&m, &s, &o, &r);
    assert_true(model_cost(&m, r.best[0], r.best[1], r.best[2]) <= optimum(&m, &s) * 1.07);
    assert_true(r.has_runner_up);
    assert_true(r.runner_up_cost >= r.best_cost);
}

/* --no-tune's settings (tune.c): no budget, no exhaustive search, no restarts, one finalist. */
static void start_only(oclab_tune_opts *o)
{
    oclab_tune_opts_default(o);
    o->budget_s = 0.0;
    o->exhaustive_max = 0;
    o->restarts = 0;
    o->finalists = 1;
}

/* --no-tune's settings: the start point alone; an invalid start moves to its nearest valid point. */
static void test_start_only(void **state)
{
    (void)state;
    machine m = {.regs = 16, .lanes = 8, .prepare_s = 0.01, .sample_s = 0.001};
    oclab_tune_space s;
    oclab_tune_opts o;
    oclab_tune_result r;
    make_space(&s, 16, 32);
    s.start[1] = 32;
    s.start[2] = 256; /* 16 x 32 lanes in a group of 256: invalid */
    start_only(&o);
    run(&m, &s, &o, &r);
    assert_int_equal(r.tried, 1);
    assert_true(oclab_tune_point_valid(&s, r.best, NULL, 0));
    assert_int_equal(r.best[0], 16); /* one parameter moved, one step */
}

/* A driver's loop limit on a long stream: only VEC x WG >= 512 lanes' worth of work per item fits. */
static int long_stream_valid(const oclab_tune_space *space, const int *point, void *user, char *why, size_t len)
{
    (void)space;
    (void)user;
    if (point[0] * point[2] < 512) {
        snprintf(why, len, "too many loop trips per work-item");
        return 0;
    }
    return 1;
}

/* An invalid start whose one-parameter moves are all invalid too: --no-tune takes the valid point
 * fewest steps away, two parameters moved (vec 1 -> 2, one step; wg 8 -> 256, two steps). */
static void test_start_two_moves(void **state)
{
    (void)state;
    machine m = {.regs = 16, .lanes = 8, .prepare_s = 0.01, .sample_s = 0.001};
    oclab_tune_space s;
    oclab_tune_opts o;
    oclab_tune_result r;
    oclab_tune_space_init(&s, "stream", long_stream_valid, NULL);
    assert_int_equal(oclab_tune_add(&s, "vec", vecs, 5, 1), 0);
    assert_int_equal(oclab_tune_add(&s, "nacc", naccs, 12, 8), 1);
    assert_int_equal(oclab_tune_add(&s, "wg", wgs, 4, 8), 2);
    start_only(&o);
    run(&m, &s, &o, &r);
    assert_int_equal(r.tried, 1);
    assert_int_equal(r.best[0], 2);
    assert_int_equal(r.best[1], 8);
    assert_int_equal(r.best[2], 256);
}

static void test_space_declarations(void **state)
{
    (void)state;
    oclab_tune_space s;
    static const int unsorted[] = {4, 2};
    int point[3] = {8, 10, 64};
    char text[64];
    make_space(&s, 7, 8); /* a start that is not a value snaps to the nearest */
    assert_int_equal(s.start[0], 8);
    assert_int_equal(oclab_tune_get(&s, point, "nacc", -1), 10);
    assert_int_equal(oclab_tune_get(&s, point, "nope", -1), -1);
    assert_int_equal(oclab_tune_space_size(&s), 240);
    oclab_tune_point_text(&s, point, text, sizeof text);
    assert_string_equal(text, "vec=8 nacc=10 wg=64");
    cJSON *j = oclab_tune_point_json(&s, point);
    int back[3];
    assert_int_equal(oclab_tune_point_from_json(&s, j, back), 0);
    assert_memory_equal(back, point, sizeof point);
    cJSON_ReplaceItemInObject(j, "nacc", cJSON_CreateNumber(11)); /* not a value of the space */
    assert_int_equal(oclab_tune_point_from_json(&s, j, back), -1);
    cJSON_ReplaceItemInObject(j, "nacc", cJSON_CreateNumber(1e300));
    assert_int_equal(oclab_tune_point_from_json(&s, j, back), -1);
    cJSON_Delete(j);
    assert_int_equal(oclab_tune_add(&s, "bad", unsorted, 2, 2), -1);
    assert_true(s.failed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_finds_each_optimum),
        cmocka_unit_test(test_exhaustive_small_space),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_failures),
        cmocka_unit_test(test_nothing_verifies),
        cmocka_unit_test(test_noise),
        cmocka_unit_test(test_start_only),
        cmocka_unit_test(test_start_two_moves),
        cmocka_unit_test(test_space_declarations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
