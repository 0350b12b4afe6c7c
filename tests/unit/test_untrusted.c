/* Untrusted documents: rl_json_parse's bounds (size, NUL, depth, values, trailing text, numbers beyond
 * a double), rl_profile_check and rl_spec_check, each refusal one line naming what is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "roofline/profile.h"
#include "roofline/spec.h"

/* Parses TEXT; NULL with the reason in ERR, which must be one line. */
static cJSON *parse(const char *text, char *err, size_t err_len)
{
    err[0] = '\0';
    cJSON *json = rl_json_parse(text, strlen(text), "doc.json", err, err_len);
    if (!json)
        assert_true(err[0] != '\0' && strchr(err, '\n') == NULL);
    return json;
}

static void expect_refused(const char *text, const char *reason)
{
    char err[512];
    cJSON *json = parse(text, err, sizeof err);
    if (json) {
        cJSON_Delete(json);
        fail_msg("accepted: %s", text);
    }
    if (!strstr(err, reason))
        fail_msg("'%s': reason '%s' lacks '%s'", text, err, reason);
}

static void test_json_bounds(void **state)
{
    (void)state;
    expect_refused("{\"a\": [1, 2", "ends early: truncated?");
    expect_refused("{\"a\": 1} {}", "not valid JSON (near byte 9)");
    expect_refused("{\"a\": 1e999}", "doc.json: a is out of range");
    expect_refused("{\"a\": [{\"b\": -1e400}]}", "a[0].b is out of range");
    expect_refused("{\"a\\n\": 1e999}", "a? is out of range"); /* the key's newline stays off the line */
    char err[512];
    const char with_nul[] = "{\"a\": 1}\0{}";
    assert_null(rl_json_parse(with_nul, sizeof with_nul - 1, "doc.json", err, sizeof err));
    assert_string_equal(err, "doc.json is not JSON text (a NUL byte at byte 8)");

    /* Depth: RL_JSON_MAX_DEPTH levels parse, one more does not; brackets inside strings do not count. */
    char deep[2 * RL_JSON_MAX_DEPTH + 16];
    memset(deep, '[', RL_JSON_MAX_DEPTH);
    memset(deep + RL_JSON_MAX_DEPTH, ']', RL_JSON_MAX_DEPTH);
    deep[2 * RL_JSON_MAX_DEPTH] = '\0';
    cJSON *json = parse(deep, err, sizeof err);
    assert_non_null(json);
    cJSON_Delete(json);
    memmove(deep + 1, deep, strlen(deep) + 1);
    strcat(deep, "]");
    expect_refused(deep, "nests deeper than 64 levels (at byte 64)");
    json = parse("[\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"\"]", err, sizeof err);
    assert_non_null(json);
    cJSON_Delete(json);

    /* Values: a flat array of more than RL_JSON_MAX_ITEMS. */
    size_t n = (size_t)RL_JSON_MAX_ITEMS + 1, len = 2 * n + 1;
    char *many = malloc(len + 1);
    assert_non_null(many);
    many[0] = '[';
    for (size_t i = 0; i < n; i++) {
        many[1 + 2 * i] = '0';
        many[2 + 2 * i] = i + 1 < n ? ',' : ']';
    }
    many[len] = '\0';
    assert_null(rl_json_parse(many, len, "doc.json", err, sizeof err));
    assert_string_equal(err, "doc.json holds more than 1048576 values");
    free(many);
    assert_null(rl_json_parse("{}", (size_t)RL_JSON_MAX_BYTES + 1, "doc.json", err, sizeof err));
    assert_string_equal(err, "doc.json is larger than 16 MiB");

    assert_null(rl_json_load("/", err, sizeof err));
    assert_string_equal(err, "/ is not a regular file");
}

#define PROFILE_HEAD "{\"schema\": \"oclab.profile/1\", "
#define CEILINGS "\"ceilings\": {\"memory\": [{\"level\": \"dram\", \"gbs\": 50}], \"compute\": [{\"precision\": \"f32\", \"gflops\": 900}]}"

/* TEXT parses; rl_profile_check refuses it with REASON (NULL: accepts it). */
static void expect_profile(const char *text, const char *reason)
{
    char err[512] = "";
    cJSON *json = parse(text, err, sizeof err);
    assert_non_null(json);
    int rc = rl_profile_check(json, err, sizeof err);
    cJSON_Delete(json);
    if (!reason) {
        if (rc != 0)
            fail_msg("refused (%s): %s", err, text);
        return;
    }
    if (rc == 0)
        fail_msg("accepted: %s", text);
    if (!strstr(err, reason) || strchr(err, '\n'))
        fail_msg("reason '%s' lacks '%s'", err, reason);
}

static void test_profile_check(void **state)
{
    (void)state;
    expect_profile(PROFILE_HEAD CEILINGS "}", NULL);
    expect_profile(PROFILE_HEAD CEILINGS ", \"device\": {\"name\": \"d\", \"global_mem_bytes\": 8e9, "
                                         "\"extensions\": [\"cl_khr_fp64\"]}, \"kernels\": [{\"family\": \"gemv\", "
                                         "\"time_s\": {\"median\": null}, \"gflops\": null, \"verified\": true}], "
                                         "\"skipped\": [{\"what\": \"x\", \"reason\": \"y\", \"signal\": 11}]}",
                   NULL);
    expect_profile("[1]", "a profile is a JSON object");
    expect_profile("{\"schema\": \"oclab.spec/1\"}", "not an oclab profile");
    expect_profile(PROFILE_HEAD "\"ceilings\": {\"memory\": []}}", "profile has no ceilings");
    expect_profile(PROFILE_HEAD "\"ceilings\": {\"memory\": [{\"level\": \"dram\", \"gbs\": -5}], \"compute\": []}}",
                   "ceilings.memory[0].gbs must be a number from 1e-09 to 1e+18 (or null)");
    expect_profile(PROFILE_HEAD "\"ceilings\": {\"memory\": [{\"level\": \"dram\", \"gbs\": 1e19}], \"compute\": []}}",
                   "ceilings.memory[0].gbs must be");
    expect_profile(PROFILE_HEAD "\"ceilings\": {\"memory\": [], \"compute\": [{\"precision\": 32, \"gflops\": 1}]}}",
                   "ceilings.compute[0].precision must be a string");
    expect_profile(PROFILE_HEAD "\"ceilings\": {\"memory\": [7], \"compute\": []}}", "ceilings.memory[0] must be an object");
    expect_profile(PROFILE_HEAD CEILINGS ", \"device\": \"gpu\"}", "device must be an object");
    expect_profile(PROFILE_HEAD CEILINGS ", \"device\": {\"global_mem_bytes\": -1}}",
                   "device.global_mem_bytes must be a number from 0 to 1e+18 (or null)");
    expect_profile(PROFILE_HEAD CEILINGS ", \"device\": {\"extensions\": [1]}}", "device.extensions[0] must be a string");
    expect_profile(PROFILE_HEAD CEILINGS ", \"kernels\": {}}", "kernels must be an array");
    expect_profile(PROFILE_HEAD CEILINGS ", \"kernels\": [{\"gbs\": \"fast\"}]}", "kernels[0].gbs must be a number");
    expect_profile(PROFILE_HEAD CEILINGS ", \"kernels\": [{\"verified\": 1}]}", "kernels[0].verified must be true or false");
    expect_profile(PROFILE_HEAD CEILINGS ", \"kernels\": [{\"time_s\": {\"median\": -1}}]}",
                   "kernels[0].time_s.median must be");
    expect_profile(PROFILE_HEAD CEILINGS ", \"ridges\": [{\"precision\": \"f32\", \"flop_per_byte\": 0}]}",
                   "ridges[0].flop_per_byte must be");
    expect_profile(PROFILE_HEAD CEILINGS ", \"measurements\": []}", "measurements must be an object");
    expect_profile(PROFILE_HEAD CEILINGS ", \"skipped\": [\"x\"]}", "skipped[0] must be an object");

    /* At most RL_PROFILE_MAX_CEILINGS memory ceilings. */
    char text[8192];
    int n = snprintf(text, sizeof text, PROFILE_HEAD "\"ceilings\": {\"compute\": [], \"memory\": [");
    for (int i = 0; i <= RL_PROFILE_MAX_CEILINGS; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%s{\"level\": \"l%d\", \"gbs\": 1}", i ? ", " : "", i);
    snprintf(text + n, sizeof text - (size_t)n, "]}}");
    expect_profile(text, "ceilings.memory has 65 entries, more than 64");
}

static void test_spec_check(void **state)
{
    (void)state;
    static const struct {
        const char *json, *reason;
    } cases[] = {
        {"{\"schema\": \"oclab.spec/1\", \"bandwidth_gbs\": 100, \"compute\": {\"f32\": 1000}, "
         "\"fallback\": {\"f16\": \"f32\"}, \"memory_bytes\": 8e9, \"sources\": [\"x\"]}",
         NULL},
        {"{\"schema\": \"oclab.profile/1\"}", "not a spec sheet (schema must be \"oclab.spec/1\")"},
        {"{\"schema\": \"oclab.spec/1\", \"compute\": {\"f32\": 1}}", "bandwidth_gbs is missing"},
        {"{\"schema\": \"oclab.spec/1\", \"bandwidth_gbs\": 0, \"compute\": {}}", "bandwidth_gbs must be a number"},
        {"{\"schema\": \"oclab.spec/1\", \"bandwidth_gbs\": 1}", "compute is missing"},
        {"{\"schema\": \"oclab.spec/1\", \"bandwidth_gbs\": 1, \"compute\": {\"f32\": \"fast\"}}",
         "compute.f32 must be a number"},
        {"{\"schema\": \"oclab.spec/1\", \"bandwidth_gbs\": 1, \"compute\": {\"f32\": 1}, \"memory_bytes\": -8}",
         "memory_bytes must be a number from 1 to 1e+18"},
        {"{\"schema\": \"oclab.spec/1\", \"bandwidth_gbs\": 1, \"compute\": {\"f32\": 1}, \"fallback\": {\"f16\": 2}}",
         "fallback.f16 must be a string"},
        {"{\"schema\": \"oclab.spec/1\", \"bandwidth_gbs\": 1, \"compute\": {\"f32\": 1}, "
         "\"fallback\": {\"f16\": \"bf16\", \"bf16\": \"f16\"}}",
         "fallback.f16 names \"bf16\", which compute does not give"},
        {"{\"schema\": \"oclab.spec/1\", \"bandwidth_gbs\": 1, \"compute\": {\"f32\": 1}, \"name\": [\"x\"]}",
         "name must be a string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512] = "";
        cJSON *json = parse(cases[i].json, err, sizeof err);
        assert_non_null(json);
        int rc = rl_spec_check(json, err, sizeof err);
        cJSON_Delete(json);
        if (!cases[i].reason) {
            assert_int_equal(rc, 0);
            continue;
        }
        assert_int_equal(rc, -1);
        if (!strstr(err, cases[i].reason))
            fail_msg("reason '%s' lacks '%s'", err, cases[i].reason);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_bounds),
        cmocka_unit_test(test_profile_check),
        cmocka_unit_test(test_spec_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
