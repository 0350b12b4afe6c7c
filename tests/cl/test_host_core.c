/* Host core: kernel include expansion, statistics, the suspect-timing rule, atomic profile writes,
 * device selection and profile identity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/cl/device.h"
#include "host/cl/kernel_source.h"
#include "host/cl/profile.h"
#include "host/cl/timing.h"

static char tmpdir[256];

static void write_text(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_include_expansion_from_dir(void **state)
{
    (void)state;
    write_text("inner.h", "#define INNER 7\n");
    write_text("outer.cl", "  #include \"inner.h\"\nkernel void k(global int *x) { x[0] = INNER; }\n");
    char *src = oclab_kernel_source("outer.cl", tmpdir);
    assert_non_null(src);
    assert_non_null(strstr(src, "#define INNER 7"));
    assert_null(strstr(src, "#include"));
    assert_true(strstr(src, "#define INNER 7") < strstr(src, "kernel void k"));
    free(src);
    assert_null(oclab_kernel_source("missing.cl", tmpdir));
}

static void test_include_cycle_is_refused(void **state)
{
    (void)state;
    write_text("loop.cl", "#include \"loop.cl\"\n");
    assert_null(oclab_kernel_source("loop.cl", tmpdir));
}

static void test_embedded_sources_present(void **state)
{
    (void)state;
    int n = 0;
    for (const struct oclab_embedded_kernel *k = oclab_embedded_kernels; k->name; k++) {
        assert_true(strlen(k->source) > 0);
        n++;
    }
    assert_true(n >= 1);
    assert_null(oclab_kernel_source("no_such_kernel.cl", NULL));
}

static void test_stats(void **state)
{
    (void)state;
    const double samples[] = {5.0, 1.0, 3.0, 2.0, 4.0};
    oclab_stats s;
    oclab_stats_of(samples, 5, &s);
    assert_int_equal(s.n, 5);
    assert_float_equal(s.min, 1.0, 1e-12);
    assert_float_equal(s.max, 5.0, 1e-12);
    assert_float_equal(s.median, 3.0, 1e-12);
    assert_float_equal(s.mean, 3.0, 1e-12);
    /* sample standard deviation of 1..5 is sqrt(2.5) */
    assert_float_equal(s.cv, 1.5811388300841898 / 3.0, 1e-12);
    const double even[] = {4.0, 1.0, 3.0, 2.0};
    oclab_stats_of(even, 4, &s);
    assert_float_equal(s.median, 2.5, 1e-12);
}

static void test_suspect_rule(void **state)
{
    (void)state;
    oclab_stats dev = {0}, host = {0};
    const double overhead = 40e-6; /* POCL here, enqueue to finish */
    dev.median = 1.0e-3;
    host.median = 1.02e-3;
    assert_false(oclab_timing_suspect(&dev, &host, overhead, 0));
    dev.median = 2.0e-3; /* events longer than the wall clock */
    assert_true(oclab_timing_suspect(&dev, &host, overhead, 0));
    dev.median = 0.2e-3; /* events missing most of a long launch */
    host.median = 2.0e-3;
    assert_true(oclab_timing_suspect(&dev, &host, overhead, 0));
    dev.median = 0.9e-3; /* a loaded machine: the host waited twice the kernel for a core */
    assert_false(oclab_timing_suspect(&dev, &host, overhead, 0));
    dev.median = 2e-6; /* short launches: host time is mostly launch cost */
    host.median = 50e-6;
    assert_false(oclab_timing_suspect(&dev, &host, overhead, 0));
    dev.median = 1e-9; /* rusticl 22.3: 1 ns events for a launch of 5 ms and 0.25 ms of overhead */
    host.median = 5e-3;
    assert_true(oclab_timing_suspect(&dev, &host, 0.25e-3, 0));
    dev.median = 30e-6; /* events that miss a short launch by far more than its overhead */
    host.median = 800e-6;
    assert_true(oclab_timing_suspect(&dev, &host, overhead, 0));
    /* by the host clock: suspect when the launch is mostly overhead */
    host.median = 5e-3;
    assert_false(oclab_timing_suspect(&dev, &host, 0.25e-3, 1));
    host.median = 0.4e-3;
    assert_true(oclab_timing_suspect(&dev, &host, 0.25e-3, 1));
}

static void test_atomic_write(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/profile.json", tmpdir);
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "schema", OCLAB_PROFILE_SCHEMA);
    assert_int_equal(oclab_json_write_atomic(path, doc), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[256] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    assert_true(n > 0);
    assert_non_null(strstr(buf, OCLAB_PROFILE_SCHEMA));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);

    char bad[512];
    snprintf(bad, sizeof bad, "%s/no/such/dir/p.json", tmpdir);
    assert_int_equal(oclab_json_write_atomic(bad, doc), -1);
    assert_int_equal(oclab_check_writable(bad), -1);
    assert_int_equal(oclab_check_writable(path), 0);
    cJSON_Delete(doc);
}

static oclab_device_info fake(const char *platform, const char *name, cl_device_type type, int p, int d)
{
    oclab_device_info info;
    memset(&info, 0, sizeof info);
    snprintf(info.platform_name, sizeof info.platform_name, "%s", platform);
    snprintf(info.name, sizeof info.name, "%s", name);
    snprintf(info.vendor, sizeof info.vendor, "Vendor %s", name);
    info.type = type;
    info.platform_index = p;
    info.device_index = d;
    return info;
}

static void test_selection(void **state)
{
    (void)state;
    oclab_device_info devs[3] = {
        fake("Portable Computing Language", "pthread-cpu", CL_DEVICE_TYPE_CPU, 0, 0),
        fake("NVIDIA CUDA", "NVIDIA H100", CL_DEVICE_TYPE_GPU, 1, 0),
        fake("NVIDIA CUDA", "NVIDIA A100", CL_DEVICE_TYPE_GPU, 1, 1),
    };
    oclab_device_list list = {devs, 3};
    int out[8];
    assert_int_equal(oclab_device_select(&list, "all", out, 8), 3);
    assert_int_equal(oclab_device_select(&list, "gpu", out, 8), 2);
    assert_int_equal(out[0], 1);
    assert_int_equal(oclab_device_select(&list, "1:1", out, 8), 1);
    assert_int_equal(out[0], 2);
    assert_int_equal(oclab_device_select(&list, "h100", out, 8), 1);
    assert_int_equal(out[0], 1);
    assert_int_equal(oclab_device_select(&list, "portable", out, 8), 1);
    assert_int_equal(out[0], 0);
    assert_int_equal(oclab_device_select(&list, "2:0", out, 8), -1);
    assert_int_equal(oclab_device_select(&list, "amd", out, 8), -1);
    assert_int_equal(oclab_device_select(&list, "1:x", out, 8), -1);
}

static void test_profile_identity(void **state)
{
    (void)state;
    oclab_device_info dev = fake("P", "D", CL_DEVICE_TYPE_CPU, 0, 0);
    dev.extensions = "cl_khr_fp64 cl_khr_icd";
    dev.has_fp64 = 1;
    dev.global_mem_bytes = 4000000000ULL;
    setenv("POCL_TEST_MARKER", "42", 1);
    cJSON *p = oclab_profile_new(&dev);
    assert_string_equal(cJSON_GetObjectItem(p, "schema")->valuestring, "oclab.profile/1");
    cJSON *d = cJSON_GetObjectItem(p, "device");
    assert_string_equal(cJSON_GetObjectItem(d, "type")->valuestring, "cpu");
    assert_float_equal(cJSON_GetObjectItem(d, "global_mem_bytes")->valuedouble, 4e9, 0.5);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(d, "extensions")), 2);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(d, "fp64")));
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "env"), "POCL_TEST_MARKER")->valuestring, "42");
    oclab_profile_skip(p, "f16 peak", "no cl_khr_fp16");
    cJSON *skipped = cJSON_GetObjectItem(p, "skipped");
    assert_int_equal(cJSON_GetArraySize(skipped), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(skipped, 0), "reason")->valuestring, "no cl_khr_fp16");
    cJSON_Delete(p);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/oclab_core_XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_include_expansion_from_dir),
        cmocka_unit_test(test_include_cycle_is_refused),
        cmocka_unit_test(test_embedded_sources_present),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_suspect_rule),
        cmocka_unit_test(test_atomic_write),
        cmocka_unit_test(test_selection),
        cmocka_unit_test(test_profile_identity),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return failed;
}
