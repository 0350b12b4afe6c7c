/* The tuning cache and the tuner around it, no OpenCL device: a first run searches and stores, a later
 * one takes the stored point, --retune searches again, a point that no longer runs is searched again,
 * and corrupt or foreign files cost a warning and a fresh search, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/cl/log.h"
#include "host/tune/cache.h"
#include "host/tune/tune.h"

static char dir[] = "/tmp/oclab-tune-cache-XXXXXX";
static char path[256];

typedef struct {
    int prepares, broken_value;
} family;

static int handle_storage;

static void *prepare(void *user, const int *point, oclab_tune_status *status, char *why, size_t len)
{
    family *f = user;
    f->prepares++;
    if (point[0] == f->broken_value) {
        *status = OCLAB_TUNE_LAUNCH;
        snprintf(why, len, "out of resources");
        return NULL;
    }
    return &handle_storage;
}

/* Cheapest at 12. */
static int last_point;
static double sample(void *user, void *h, int rep)
{
    (void)user;
    (void)h;
    (void)rep;
    return 1.0 + (last_point - 12) * (last_point - 12);
}

static void *prepare_tracking(void *user, const int *point, oclab_tune_status *status, char *why, size_t len)
{
    last_point = point[0];
    return prepare(user, point, status, why, len);
}

static double sample_tracking(void *user, void *h, int rep)
{
    return sample(user, h, rep);
}

static void release(void *user, void *h)
{
    (void)user;
    (void)h;
}

static oclab_device_info device(const char *driver)
{
    oclab_device_info d;
    memset(&d, 0, sizeof d);
    snprintf(d.platform_name, sizeof d.platform_name, "Test Platform");
    snprintf(d.name, sizeof d.name, "test-device");
    snprintf(d.driver, sizeof d.driver, "%s", driver);
    return d;
}

static void space_of(oclab_tune_space *s)
{
    static const int values[] = {4, 8, 12, 16, 20};
    oclab_tune_space_init(s, "compute", NULL, NULL);
    oclab_tune_add(s, "nacc", values, 5, 4);
}

/* One tuning through a fresh tuner on PATH; the record's source, and the chosen value. */
static int tune_once(const oclab_device_info *dev, int retune, family *f, oclab_tune_outcome *out)
{
    oclab_device_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.tuning_cache = path;
    opts.retune = retune;
    oclab_tuner t;
    oclab_tuner_open(&t, dev, &opts);
    oclab_tune_space s;
    space_of(&s);
    oclab_tune_eval eval = {prepare_tracking, sample_tracking, release, f};
    oclab_tune_opts o;
    oclab_tune_opts_default(&o);
    o.budget_s = 5.0;
    int rc = oclab_tune(&t, &s, &eval, &o, "f32", "peak", 0x1234, out);
    oclab_tuner_close(&t);
    return rc;
}

static const char *source_of(const oclab_tune_outcome *o)
{
    return cJSON_GetObjectItemCaseSensitive(o->record, "source")->valuestring;
}

static void test_search_then_cache(void **state)
{
    (void)state;
    oclab_device_info dev = device("1.0");
    family f = {0, -1};
    oclab_tune_outcome out;
    unlink(path);
    assert_int_equal(tune_once(&dev, 0, &f, &out), 0);
    assert_string_equal(source_of(&out), "search");
    assert_int_equal(out.point[0], 12);
    assert_int_equal(f.prepares, 5); /* five points: exhaustive */
    cJSON_Delete(out.record);

    f.prepares = 0;
    assert_int_equal(tune_once(&dev, 0, &f, &out), 0);
    assert_string_equal(source_of(&out), "cache");
    assert_int_equal(out.point[0], 12);
    assert_int_equal(f.prepares, 1); /* the cached point only */
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(out.record, "tried")->valueint, 5);
    cJSON_Delete(out.record);

    f.prepares = 0;
    assert_int_equal(tune_once(&dev, 1, &f, &out), 0); /* --retune */
    assert_string_equal(source_of(&out), "search");
    assert_int_equal(f.prepares, 5);
    cJSON_Delete(out.record);

    /* another driver version is another key */
    oclab_device_info other = device("2.0");
    f.prepares = 0;
    assert_int_equal(tune_once(&other, 0, &f, &out), 0);
    assert_string_equal(source_of(&out), "search");
    cJSON_Delete(out.record);
}

/* A cached point that fails now (a driver update, less memory) is searched around. */
static void test_stale_entry(void **state)
{
    (void)state;
    oclab_device_info dev = device("1.0");
    family f = {0, -1};
    oclab_tune_outcome out;
    unlink(path);
    assert_int_equal(tune_once(&dev, 0, &f, &out), 0);
    cJSON_Delete(out.record);
    f.broken_value = 12;
    f.prepares = 0;
    assert_int_equal(tune_once(&dev, 0, &f, &out), 0);
    assert_string_equal(source_of(&out), "search");
    assert_true(out.point[0] == 8 || out.point[0] == 16);
    cJSON *failures = cJSON_GetObjectItemCaseSensitive(out.record, "failures");
    assert_int_equal(cJSON_GetArraySize(failures), 1);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(failures, 0), "status")->valuestring,
                        "launch");
    cJSON_Delete(out.record);
}

static void write_file(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Corrupt, foreign and hostile files: one warning each, a fresh search, and the file replaced by a
 * valid cache. */
static void test_bad_files(void **state)
{
    (void)state;
    static const char *bad[] = {
        "{\"schema\": \"oclab.tuning/1\", \"entries\": [",                  /* truncated */
        "{\"schema\": \"oclab.profile/1\", \"entries\": []}",               /* another schema */
        "{\"schema\": \"oclab.tuning/1\", \"entries\": {}}",                /* wrong type */
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "{\"schema\": \"oclab.tuning/1\", \"entries\": [1, \"x\", null, {\"platform\": 5}]}",
    };
    oclab_device_info dev = device("1.0");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        family f = {0, -1};
        oclab_tune_outcome out;
        write_file(bad[i]);
        assert_int_equal(tune_once(&dev, 0, &f, &out), 0);
        assert_string_equal(source_of(&out), "search");
        assert_int_equal(out.point[0], 12);
        cJSON_Delete(out.record);
        char why[128];
        cJSON *doc = NULL;
        FILE *fp = fopen(path, "r");
        char text[65536];
        size_t n = fread(text, 1, sizeof text - 1, fp);
        fclose(fp);
        text[n] = '\0';
        assert_non_null(oclab_tune_cache_parse(text, &doc, why, sizeof why)); /* replaced, valid */
        cJSON_Delete(doc);
    }
    /* an entry whose params are not today's space: ignored */
    write_file("{\"schema\": \"oclab.tuning/1\", \"entries\": [{\"platform\": \"Test Platform\", \"device\": "
               "\"test-device\", \"driver\": \"1.0\", \"source_hash\": \"0000000000001234\", \"family\": \"compute\", "
               "\"format\": \"f32\", \"shape_class\": \"peak\", \"params\": {\"nacc\": 13}}]}");
    family f = {0, -1};
    oclab_tune_outcome out;
    assert_int_equal(tune_once(&dev, 0, &f, &out), 0);
    assert_string_equal(source_of(&out), "search");
    cJSON_Delete(out.record);
}

/* Two processes' caches on one file: each write merges what the other wrote. */
static void test_merge(void **state)
{
    (void)state;
    unlink(path);
    oclab_tune_cache *a = oclab_tune_cache_open(path), *b = oclab_tune_cache_open(path);
    oclab_tune_space s;
    space_of(&s);
    oclab_tune_result r;
    memset(&r, 0, sizeof r);
    r.found = 1;
    r.best[0] = 8;
    r.strategy = "exhaustive";
    oclab_tune_key k1 = {"P", "D", "1", 1, "compute", "f32", "one"}, k2 = {"P", "D", "1", 1, "compute", "f32", "two"};
    assert_int_equal(oclab_tune_cache_put(a, &k1, &s, &r), 0);
    r.best[0] = 16;
    assert_int_equal(oclab_tune_cache_put(b, &k2, &s, &r), 0);
    oclab_tune_cache_close(a);
    oclab_tune_cache_close(b);
    oclab_tune_cache *c = oclab_tune_cache_open(path);
    int point[1];
    const cJSON *entry;
    assert_int_equal(oclab_tune_cache_get(c, &k1, &s, point, &entry), 0);
    assert_int_equal(point[0], 8);
    assert_int_equal(oclab_tune_cache_get(c, &k2, &s, point, &entry), 0);
    assert_int_equal(point[0], 16);
    oclab_tune_key k3 = {"P", "D", "1", 2, "compute", "f32", "one"}; /* edited kernel source */
    assert_int_equal(oclab_tune_cache_get(c, &k3, &s, point, &entry), -1);
    oclab_tune_cache_close(c);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/sub/tuning.json", dir); /* the folder is created on open */
    oclab_verbosity = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_then_cache),
        cmocka_unit_test(test_stale_entry),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_merge),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
