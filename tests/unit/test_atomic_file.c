/* rl_write_files_atomic: files appear whole, replace what was there, leave no temporary behind, change
 * nothing when one of a set cannot be written, and give the signal handlers back as they were. */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "roofline/atomic_file.h"

static char root[64];

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/oclab-test-atomic-XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(root);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", root, e->d_name);
        if (e->d_name[0] != '.')
            unlink(path);
    }
    if (d)
        closedir(d);
    return rmdir(root);
}

/* The entries of ROOT other than . and .., names joined by spaces into NAMES. */
static int entries(char *names, size_t len)
{
    int n = 0;
    names[0] = '\0';
    DIR *d = opendir(root);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        strncat(names, e->d_name, len - strlen(names) - 2);
        strcat(names, " ");
    }
    closedir(d);
    return n;
}

static void expect_content(const char *path, const char *want)
{
    char got[256] = "";
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(got, 1, sizeof got - 1, f);
    got[n] = '\0';
    fclose(f);
    assert_string_equal(got, want);
}

static void test_new_then_replaced(void **state)
{
    (void)state;
    char path[128], err[512] = "", names[512];
    snprintf(path, sizeof path, "%s/profile.json", root);
    assert_int_equal(rl_write_file_atomic(path, "{\"a\": 1}\n", err, sizeof err), 0);
    expect_content(path, "{\"a\": 1}\n");
    assert_int_equal(rl_write_file_atomic(path, "{\"a\": 2}\n", err, sizeof err), 0);
    expect_content(path, "{\"a\": 2}\n");
    assert_int_equal(entries(names, sizeof names), 1);
    assert_string_equal(names, "profile.json ");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true((st.st_mode & 0444) == 0444 || (st.st_mode & 0044) == 0); /* shared unless umask says no */
}

static void test_set_all_or_nothing(void **state)
{
    (void)state;
    char a[128], b[128], err[512] = "", names[512];
    snprintf(a, sizeof a, "%s/a.txt", root);
    snprintf(b, sizeof b, "%s/missing/b.txt", root); /* cannot be staged */
    const char *paths[] = {a, b}, *texts[] = {"one\n", "two\n"};
    assert_int_equal(rl_write_files_atomic(paths, texts, 2, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot write"));
    assert_non_null(strstr(err, b));
    assert_int_equal(entries(names, sizeof names), 0); /* a.txt was staged, then dropped */
    paths[1] = a;
    texts[1] = "again\n";
    assert_int_equal(rl_write_files_atomic(paths, texts, 1, err, sizeof err), 0);
    expect_content(a, "one\n");
    assert_int_equal(entries(names, sizeof names), 1);
}

static void test_unwritable_folder(void **state)
{
    (void)state;
    char file[128], path[160], err[512] = "", names[512];
    snprintf(file, sizeof file, "%s/plain", root);
    assert_int_equal(rl_write_file_atomic(file, "x", err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/x.json", file); /* a folder that is a regular file */
    assert_int_equal(rl_write_file_atomic(path, "x", err, sizeof err), -1);
    char want[512];
    snprintf(want, sizeof want, "cannot write %s: Not a directory", path);
    assert_string_equal(err, want);
    assert_int_equal(entries(names, sizeof names), 1);
    assert_string_equal(names, "plain ");
}

static void on_term(int sig)
{
    (void)sig;
}

static void test_handlers_given_back(void **state)
{
    (void)state;
    struct sigaction mine, after, int_before;
    assert_int_equal(sigaction(SIGINT, NULL, &int_before), 0); /* SIG_IGN in a background job */
    memset(&mine, 0, sizeof mine);
    mine.sa_handler = on_term;
    sigemptyset(&mine.sa_mask);
    assert_int_equal(sigaction(SIGTERM, &mine, NULL), 0);
    signal(SIGHUP, SIG_IGN);
    char path[128], err[512] = "";
    snprintf(path, sizeof path, "%s/h.txt", root);
    assert_int_equal(rl_write_file_atomic(path, "h\n", err, sizeof err), 0);
    assert_int_equal(sigaction(SIGTERM, NULL, &after), 0);
    assert_ptr_equal(after.sa_handler, on_term);
    assert_int_equal(sigaction(SIGHUP, NULL, &after), 0);
    assert_ptr_equal(after.sa_handler, SIG_IGN);
    assert_int_equal(sigaction(SIGINT, NULL, &after), 0);
    assert_ptr_equal(after.sa_handler, int_before.sa_handler);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_then_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handlers_given_back, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
