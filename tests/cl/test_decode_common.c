/* The decode framework: cold-copy arithmetic, option parsing, the kernels[] record (placement against
 * the profile's roof and against the probe, drift flag, invalid entries), and the probe on the device. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cl_fixture.h"
#include "host/cl/device.h"
#include "host/cl/log.h"
#include "host/cl/profile.h"
#include "host/cli/cli.h"
#include "host/decode/decode.h"

static void test_cold_copies(void **state)
{
    (void)state;
    oclab_device_info info;
    memset(&info, 0, sizeof info);
    info.global_cache_bytes = 32u << 20;
    info.global_mem_bytes = 4ull << 30;
    uint64_t llc = 32u << 20;
    /* 4 x 32 MiB = 128 MiB of copies: 25 MB -> 6, 1 MiB -> 128, 200 MB -> 1 */
    assert_int_equal(oclab_cold_copies(&info, llc, 11008ull * 4096 / 32 * 18), 6);
    assert_int_equal(oclab_cold_copies(&info, llc, 1u << 20), 128);
    assert_int_equal(oclab_cold_copies(&info, llc, 200000000), 1);
    /* bounded by a quarter of global memory (1 GiB): 300 MiB -> 7 wanted... only 3 fit */
    assert_int_equal(oclab_cold_copies(&info, 512u << 20, 300u << 20), 3);
    /* more than the quarter: still one copy */
    assert_int_equal(oclab_cold_copies(&info, 512u << 20, 2ull << 30), 1);
    /* tiny operands are capped */
    assert_int_equal(oclab_cold_copies(&info, llc, 16), 1024);
    /* a device that under-reports its cache (3.5 MiB for a 72 MB L2): the measured edge counts */
    oclab_cl cl;
    memset(&cl, 0, sizeof cl);
    info.global_cache_bytes = 3584u << 10;
    cl.info = &info;
    cl.llc_bytes = 72000000;
    assert_int_equal(oclab_cl_cold_copies(&cl, 25u << 20), 11); /* 288 MB / 25 MiB */
    cl.llc_bytes = 0; /* never below the driver's figure */
    assert_int_equal(oclab_cl_cold_copies(&cl, 1u << 20), 14);
}

static int parse(oclab_decode_opts *opts, int argc, char **argv)
{
    oclab_decode_opts_init(opts);
    for (int i = 0; i < argc; i++) {
        int r = oclab_decode_opt(opts, argc, argv, &i);
        if (r != 1)
            return -1;
    }
    return oclab_decode_opts_check(opts);
}

static void test_options(void **state)
{
    (void)state;
    oclab_decode_opts o;
    char *good[] = {"--family", "gemv", "--formats", "q4_0,f32", "--batch=1,2,16", "--shape", "37,4096",
                    "--shape", "8,64", "--no-baseline"};
    assert_int_equal(parse(&o, 10, good), 0);
    assert_true(o.run_gemv && !o.run_attention && !o.baseline);
    assert_int_equal(o.n_gemv_formats, 2);
    assert_int_equal(o.gemv_formats[0], RL_FMT_Q4_0);
    assert_int_equal(o.n_gemv_batches, 3);
    assert_int_equal(o.gemv_batches[2], 16);
    assert_int_equal(o.n_gemv_shapes, 2);
    assert_int_equal(o.gemv_shapes[0][0], 37);
    assert_int_equal(o.gemv_shapes[1][1], 64);

    char *bad_format[] = {"--formats", "q4_0,q5_k"};
    assert_int_equal(parse(&o, 2, bad_format), -1);
    char *bf16[] = {"--formats", "bf16"};
    assert_int_equal(parse(&o, 2, bf16), -1);
    char *zero_n[] = {"--shape", "0,4096"};
    assert_int_equal(parse(&o, 2, zero_n), -1);
    char *one_number[] = {"--shape", "4096"};
    assert_int_equal(parse(&o, 2, one_number), -1);
    char *k_not_32[] = {"--formats", "q4_0", "--shape", "64,100"};
    assert_int_equal(parse(&o, 4, k_not_32), -1);
    char *k_any_f32[] = {"--formats", "f32,i8_pc", "--shape", "64,100"};
    assert_int_equal(parse(&o, 4, k_any_f32), 0);
    char *bad_family[] = {"--family", "conv"};
    assert_int_equal(parse(&o, 2, bad_family), -1);
    char *bad_batch[] = {"--batch", "0"};
    assert_int_equal(parse(&o, 2, bad_batch), -1);

    /* attention flags only fill the options; --kv-heads pairs with --heads */
    char *attn[] = {"--family", "attention", "--heads", "32,64", "--kv-heads", "8", "--head-dim", "128",
                    "--context", "512,4096", "--kv", "f16,q8_0"};
    assert_int_equal(parse(&o, 12, attn), 0);
    assert_int_equal(o.n_attn_heads, 2);
    assert_int_equal(o.attn_heads[1][0], 64);
    assert_int_equal(o.attn_heads[1][1], 8);
    assert_int_equal(o.n_attn_contexts, 2);
    assert_int_equal(o.attn_kv[1], RL_FMT_Q8_0);
    char *mha[] = {"--heads", "12"};
    assert_int_equal(parse(&o, 2, mha), 0);
    assert_int_equal(o.attn_heads[0][1], 12);
    char *not_multiple[] = {"--heads", "12", "--kv-heads", "5"};
    assert_int_equal(parse(&o, 4, not_multiple), -1);
}

/* A fake timing of a memory-bound kernel: 1 GB in 20 ms at a 100 GB/s roof, probe median 60 GB/s; the
 * sample pairs say the probe read 1.25 GB in the kernel's time (so 0.8 of it, not 50/60). */
static void test_record(void **state)
{
    (void)state;
    oclab_device_info info;
    memset(&info, 0, sizeof info);
    strcpy(info.name, "fake");
    cJSON *profile = oclab_profile_new(&info);
    oclab_decode_ctx ctx = {.profile = profile};
    oclab_timing t;
    memset(&t, 0, sizeof t);
    t.device.min = 0.019;
    t.device.median = 0.020;
    t.device.max = 0.030;
    t.device.n = t.host.n = t.reps = 9;
    t.host = t.device;
    double probe_samples[] = {50.0, 60.0, 70.0};
    oclab_probe_result probe = {.paired_gb = 1.25};
    oclab_stats_of(probe_samples, 3, &probe.gbs);
    oclab_kernel_result r = {
        .family = "gemv", .format = "q4_0", .shape = cJSON_CreateObject(), .variant = cJSON_CreateObject(),
        .timing = &t, .probe = &probe, .flops = 2e9, .flops_padded = 2e9, .bytes = 1e9,
        .roof = {1000.0, 100.0}, .verified = 1, .max_rel_error = 1e-5,
    };
    oclab_decode_record(&ctx, &r);
    const cJSON *k = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(profile, "kernels"), 0);
    assert_non_null(k);
    static const char *keys[] = {"family", "format", "shape", "variant", "time_s", "gflops", "gbs", "intensity",
                                 "roof_gflops", "efficiency", "probe_gbs", "efficiency_vs_probe", "bound",
                                 "verified", "max_rel_error"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!cJSON_GetObjectItemCaseSensitive(k, keys[i]))
            fail_msg("kernels[] entry lacks %s", keys[i]);
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(k, "gbs")->valuedouble, 50.0, 1e-9);
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(k, "gflops")->valuedouble, 100.0, 1e-9);
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(k, "roof_gflops")->valuedouble, 200.0, 1e-9);
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(k, "efficiency")->valuedouble, 0.5, 1e-9);
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(k, "probe_gbs")->valuedouble, 60.0, 1e-9);
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(k, "efficiency_vs_probe")->valuedouble, 0.8, 1e-9);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(k, "bound")->valuestring, "memory");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "drift"))); /* 70 / 50 > 1.3 */
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(k, "time_s"), "median")
                           ->valuedouble, 0.020, 1e-12);

    /* without pairs: the medians, 50 / 60 */
    r.shape = cJSON_CreateObject();
    r.variant = cJSON_CreateObject();
    probe.paired_gb = 0.0;
    oclab_decode_record(&ctx, &r);
    k = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(profile, "kernels"), 1);
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(k, "efficiency_vs_probe")->valuedouble, 50.0 / 60.0, 1e-9);

    /* compute-bound: the probe roof is min(compute, I * probe); the probe reads 6 GB in the 0.1 s */
    r.shape = cJSON_CreateObject();
    r.variant = cJSON_CreateObject();
    r.flops = 40e9; /* I = 40: beyond the ridge (10); 400 GFLOP/s attained of the 1000 roof */
    t.device.median = 0.1;
    probe.paired_gb = 6.0;
    oclab_decode_record(&ctx, &r);
    k = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(profile, "kernels"), 2);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(k, "bound")->valuestring, "compute");
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(k, "efficiency")->valuedouble, 0.4, 1e-9);
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(k, "efficiency_vs_probe")->valuedouble, 0.4, 1e-9);

    /* the same with a compute probe that found 500 GFLOP/s free at each sample: 40 GFLOP of 50 */
    r.shape = cJSON_CreateObject();
    r.variant = cJSON_CreateObject();
    double gflops_samples[] = {450.0, 500.0, 550.0};
    oclab_stats_of(gflops_samples, 3, &probe.gflops);
    probe.paired_gflop = 50.0;
    oclab_decode_record(&ctx, &r);
    k = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(profile, "kernels"), 3);
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(k, "efficiency")->valuedouble, 0.4, 1e-9);
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(k, "efficiency_vs_probe")->valuedouble, 0.8, 1e-9);
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(k, "probe_gflops")->valuedouble, 500.0, 1e-9);
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(k, "roof_gflops_probe")->valuedouble, 500.0, 1e-9);

    /* invalid: recorded, never placed */
    r.shape = cJSON_CreateObject();
    r.variant = cJSON_CreateObject();
    r.verified = 0;
    r.max_rel_error = 0.5;
    oclab_decode_record(&ctx, &r);
    k = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(profile, "kernels"), 4);
    assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "verified")));
    assert_null(cJSON_GetObjectItemCaseSensitive(k, "gbs"));
    assert_null(cJSON_GetObjectItemCaseSensitive(k, "efficiency"));
    cJSON_Delete(profile);
}

/* The probe on the device: a plausible bandwidth, and oclab_decode_time interleaves it. */
static cl_int probe_as_kernel(void *user, int rep, cl_event *first, cl_event *event)
{
    (void)first;
    (void)rep;
    oclab_cl *cl = user;
    return clEnqueueMarkerWithWaitList(cl->queue, 0, NULL, event);
}

/* With the ceilings' records in the profile, each probe runs the ceiling's own configuration. */
static void test_probe_parity(void **state)
{
    (void)state;
    oclab_device_list list = {0};
    oclab_cl cl = {0};
    oclab_verbosity = 0;
    int opened = cl_fixture_open(&list, &cl);
    if (opened != 0)
        exit(opened);
    cJSON *profile = cJSON_Parse(
        "{\"measurements\": {\"compute\": {\"f32\": {\"verified\": true, \"vector_width\": 8, \"accumulators\": 10, "
        "\"work_group\": 4, \"groups\": 2, \"iterations\": 1000}}, \"bandwidth\": {\"dram\": {\"target_bytes\": "
        "[1048576]}, \"kernels\": {\"read\": {\"points\": [{\"target_bytes\": 1048576, \"verified\": true, "
        "\"vector_width\": 4, \"work_group\": 1, \"groups\": 2, \"layout\": \"blocked\", \"vectors_per_item\": "
        "32768, \"accumulators\": 4}]}}}}}");
    oclab_probe *probe = NULL;
    oclab_compute_probe *compute = NULL;
    assert_int_equal(oclab_probe_create(&cl, profile, &probe), CL_SUCCESS);
    assert_int_equal(oclab_compute_probe_create(&cl, profile, &compute), CL_SUCCESS);
    cJSON *r = oclab_probe_json(probe), *c = oclab_compute_probe_json(compute);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "parity")));
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(r, "vector_width")->valueint, 4);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(r, "accumulators")->valueint, 4);
    assert_true(cJSON_GetObjectItemCaseSensitive(r, "bytes")->valuedouble == 4.0 * 32768 * 2 * 4);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "parity")));
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(c, "accumulators")->valueint, 10);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(c, "iterations")->valueint, 1000);
    assert_true(cJSON_GetObjectItemCaseSensitive(c, "ops")->valuedouble == 2.0 * 8 * 10 * 4 * 2 * 1000);
    cJSON_Delete(r);
    cJSON_Delete(c);
    cJSON_Delete(profile);
    oclab_probe_free(probe);
    oclab_compute_probe_free(compute);
    oclab_cl_close(&cl);
    oclab_device_list_free(&list);
}

static void test_probe_on_device(void **state)
{
    (void)state;
    oclab_device_list list = {0};
    oclab_cl cl = {0};
    oclab_probe *probe = NULL;
    oclab_verbosity = 0;
    int opened = cl_fixture_open(&list, &cl);
    if (opened != 0)
        exit(opened);
    cJSON *profile = oclab_profile_new(cl.info);
    assert_int_equal(oclab_probe_create(&cl, profile, &probe), CL_SUCCESS); /* no ceilings: no parity */
    cJSON *described = oclab_probe_json(probe);
    assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(described, "parity")));
    cJSON_Delete(described);
    double gbs = 0.0;
    assert_int_equal(oclab_probe_sample(probe, &gbs), CL_SUCCESS);
    assert_true(gbs > 0.1 && gbs < 1e5);
    oclab_device_opts dev_opts;
    oclab_device_opts_init(&dev_opts, "0:0");
    oclab_compute_probe *compute = NULL;
    assert_int_equal(oclab_compute_probe_create(&cl, profile, &compute), CL_SUCCESS); /* verified inside */
    double gflops = 0.0;
    assert_int_equal(oclab_compute_probe_sample(compute, &gflops), CL_SUCCESS);
    assert_true(gflops > 0.01 && gflops < 1e6);
    oclab_decode_ctx ctx = {.cl = &cl, .dev_opts = &dev_opts, .budget_s = 0.001, .probe = probe,
                            .compute_probe = compute, .profile = profile};
    oclab_timing t;
    oclab_probe_result p;
    assert_int_equal(oclab_decode_time(&ctx, probe_as_kernel, &cl, &t, &p), CL_SUCCESS);
    assert_true(t.reps >= 5);
    assert_int_equal(p.gbs.n, t.reps); /* one sample of each probe after each kernel sample */
    assert_int_equal(p.gflops.n, t.reps);
    assert_true(p.gbs.median > 0.1 && p.gflops.median > 0.01);
    /* each pair's product lies between the extremes of the two factors' products */
    assert_true(p.paired_gb >= t.device.min * p.gbs.min && p.paired_gb <= t.device.max * p.gbs.max);
    assert_true(p.paired_gb_host >= t.host.min * p.gbs.min && p.paired_gb_host <= t.host.max * p.gbs.max);
    assert_true(p.paired_gflop >= t.device.min * p.gflops.min && p.paired_gflop <= t.device.max * p.gflops.max);
    oclab_compute_probe_free(compute);

    cJSON_Delete(profile);
    oclab_probe_free(probe);
    oclab_cl_close(&cl);
    oclab_device_list_free(&list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cold_copies),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_record),
        cmocka_unit_test(test_probe_on_device),
        cmocka_unit_test(test_probe_parity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
