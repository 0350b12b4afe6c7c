/* rpt_render: files written all or nothing, paths reported, profiles checked before any write. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "reports/report.h"
#include "report_fixture.h"
#include "roofline/atomic_file.h"

static char *temp_dir(void)
{
    char tmpl[] = "/tmp/oclab-test-report-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    return strdup(dir);
}

/* Entries of DIR other than . and ..; -1 when DIR does not exist. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[2048];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0)
            remove_tree(path);
    }
    closedir(d);
    rmdir(dir);
}

/* Removes ROOT from temp_dir with all it holds. */
static void drop_temp_dir(char *root)
{
    remove_tree(root);
    free(root);
}

static void test_two_profiles(void **state)
{
    (void)state;
    char *root = temp_dir(), out[1024], err[512];
    snprintf(out, sizeof out, "%s/new/reports", root); /* parents are created */
    cJSON *docs[] = {fixture_load("pocl-cpu.json"), fixture_load("rtx-4090.json")};
    const char *names[] = {"pocl-cpu.json", "rtx-4090.json"};
    rpt_outputs written;
    assert_int_equal(rpt_render((const cJSON *const *)docs, names, 2, out, &written, err, sizeof err), 0);
    /* Per device its HTML, roofline, Markdown summary and bandwidth sweep; then the comparison. */
    static const char *const expect[] = {
        "pthread-skylake-avx512-amd-epyc-9r45-2-core-processor.html",
        "pthread-skylake-avx512-amd-epyc-9r45-2-core-processor.svg",
        "pthread-skylake-avx512-amd-epyc-9r45-2-core-processor.md",
        "pthread-skylake-avx512-amd-epyc-9r45-2-core-processor-bandwidth.svg",
        "nvidia-geforce-rtx-4090.html", "nvidia-geforce-rtx-4090.svg", "nvidia-geforce-rtx-4090.md",
        "nvidia-geforce-rtx-4090-bandwidth.svg", "compare.html", "compare.svg", "compare.md"};
    assert_int_equal(written.n, 11);
    for (int i = 0; i < 11; i++) {
        char want[2048];
        snprintf(want, sizeof want, "%s/%s", out, expect[i]);
        assert_string_equal(written.paths[i], want);
        struct stat st;
        assert_int_equal(stat(want, &st), 0);
        assert_true(st.st_size > 500);
        assert_int_equal(st.st_mode & 0777, 0644);
    }
    assert_int_equal(entries(out), 11); /* no temporary left behind */
    rpt_outputs_free(&written);
    remove_tree(out);
    snprintf(out, sizeof out, "%s/new", root);
    remove_tree(out);
    drop_temp_dir(root);
    cJSON_Delete(docs[0]);
    cJSON_Delete(docs[1]);
}

static void test_same_device_twice(void **state)
{
    (void)state;
    char *root = temp_dir(), err[512];
    cJSON *doc = fixture_load("rtx-4090.json");
    const cJSON *docs[] = {doc, doc};
    rpt_outputs written;
    assert_int_equal(rpt_render(docs, NULL, 2, root, &written, err, sizeof err), 0);
    assert_int_equal(written.n, 11);
    assert_non_null(strstr(written.paths[4], "/nvidia-geforce-rtx-4090-2.html"));
    assert_non_null(strstr(written.paths[7], "/nvidia-geforce-rtx-4090-2-bandwidth.svg"));
    rpt_outputs_free(&written);
    drop_temp_dir(root);
    cJSON_Delete(doc);
}

static void test_bad_profile_writes_nothing(void **state)
{
    (void)state;
    char *root = temp_dir(), out[1024], err[512] = "";
    snprintf(out, sizeof out, "%s/out", root);
    cJSON *good = fixture_load("pocl-cpu.json");
    cJSON *bad = cJSON_Parse("{\"schema\":\"oclab.profile/2\",\"ceilings\":{}}");
    const cJSON *docs[] = {good, bad};
    const char *names[] = {"good.json", "bad.json"};
    rpt_outputs written;
    assert_int_equal(rpt_render(docs, names, 2, out, &written, err, sizeof err), -1);
    assert_string_equal(err, "bad.json: not an oclab profile (schema must be \"oclab.profile/1\")");
    assert_int_equal(written.n, 0);
    assert_int_equal(entries(out), -1); /* not even the folder */
    drop_temp_dir(root);
    cJSON_Delete(good);
    cJSON_Delete(bad);
}

static void test_unwritable_dir(void **state)
{
    (void)state;
    char *root = temp_dir(), file[1024], out[1100], err[512] = "";
    snprintf(file, sizeof file, "%s/plain-file", root);
    assert_int_equal(rl_write_file_atomic(file, "x\n", err, sizeof err), 0);
    snprintf(out, sizeof out, "%s/sub", file); /* a folder inside a regular file */
    cJSON *doc = fixture_load("pocl-cpu.json");
    const cJSON *docs[] = {doc};
    assert_int_equal(rpt_render(docs, NULL, 1, out, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a directory"));
    assert_int_equal(entries(root), 1);
    drop_temp_dir(root);
    cJSON_Delete(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_profiles),
        cmocka_unit_test(test_same_device_twice),
        cmocka_unit_test(test_bad_profile_writes_nothing),
        cmocka_unit_test(test_unwritable_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
