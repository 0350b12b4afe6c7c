/* Verification that bites, at the longest context the tests use (S = 32768): on peaked data
 * (attention_data.c: a sink, the newest row and random rows holding about a quarter of the weight), both
 * attention kernels verify with every KV format, and three bugs, each a textual change to a copy of
 * kernels/ built from there (as `oclab decode --kernels DIR` would), fail verification with each kernel:
 *  - the softmax temperature off by 10 % (q_scale x 1.1),
 *  - the last tile of each chunk dropped,
 *  - the context one row short (the newest token missing),
 * with f16 and q8_0 caches.
 * The unmutated copy passes, so the failures are the mutations' doing. The production kernel has no
 * hook for any of this. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <unistd.h>

#include "attention_fixture.h"

#define LONGEST 32768

typedef struct {
    const char *name, *from, *to;
} mutation;

static const mutation mutations[] = {
    {"softmax temperature x 1.1", "* q_scale;", "* (q_scale * 1.1f);"},
    {"last tile of each chunk dropped", "t < end; t += TILE)", "t + TILE < end; t += TILE)"},
    {"context one row short", "return min(first + chunk, context);", "return min(first + chunk, context - 1);"},
};
#define N_MUTATIONS 3

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    char *text = malloc((size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void write_all(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

/* TEXT with every FROM replaced by TO (malloc'd); *COUNT: how many. */
static char *replace_all(const char *text, const char *from, const char *to, int *count)
{
    size_t nf = strlen(from), nt = strlen(to), n = 0;
    for (const char *p = strstr(text, from); p; p = strstr(p + nf, from))
        n++;
    char *out = malloc(strlen(text) + n * (nt > nf ? nt - nf : 0) + 1), *o = out;
    assert_non_null(out);
    const char *p = text;
    for (const char *hit = strstr(p, from); hit; hit = strstr(p, from)) {
        memcpy(o, p, (size_t)(hit - p));
        o += hit - p;
        memcpy(o, to, nt);
        o += nt;
        p = hit + nf;
    }
    strcpy(o, p);
    *count = (int)n;
    return out;
}

static char kernels_dir[256], mutant_dir[N_MUTATIONS][256];

/* The source's kernels/ copied into a fresh folder, attention.cl changed by M (NULL: unchanged). */
static void copy_kernels(const mutation *m, char *dir, size_t len)
{
    const char *src = getenv("OCLAB_SOURCE_DIR");
    assert_non_null(src);
    snprintf(dir, len, "%s/oclab-mutant-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(dir));
    char from[512], to[512];
    snprintf(from, sizeof from, "%s/kernels", src);
    DIR *d = opendir(from);
    assert_non_null(d);
    for (struct dirent *e = readdir(d); e; e = readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(from, sizeof from, "%s/kernels/%s", src, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dir, e->d_name);
        char *text = read_all(from);
        if (m && strcmp(e->d_name, "attention.cl") == 0) {
            int count;
            char *changed = replace_all(text, m->from, m->to, &count);
            /* both kernels carry the temperature and the tile loop; the chunk's end is shared */
            assert_int_equal(count, m == &mutations[2] ? 1 : 2);
            free(text);
            text = changed;
        }
        write_all(to, text);
        free(text);
    }
    closedir(d);
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char path[512];
    for (struct dirent *e = readdir(d); e; e = readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static int setup(void **state)
{
    (void)state;
    copy_kernels(NULL, kernels_dir, sizeof kernels_dir);
    for (int i = 0; i < N_MUTATIONS; i++)
        copy_kernels(&mutations[i], mutant_dir[i], sizeof mutant_dir[i]);
    return 0;
}

static int teardown(void **state)
{
    remove_dir(kernels_dir);
    for (int i = 0; i < N_MUTATIONS; i++)
        remove_dir(mutant_dir[i]);
    return fixture_teardown(state);
}

/* GQA 8/2 (group 4), D = 128, S = 32768; splits 1 (one chunk, one launch) and 7 (chunks that end
 * inside tiles, and a combine). */
static const uint64_t splits[] = {1, 7};

/* For each kernel, at S = 32768 with a KV cache in KV: the unmutated copy verifies every launch, and
 * with MUTANTS each mutant none. */
static void longest(rl_format kv, int mutants)
{
    rl_attn_shape s = attn_shape(kv, 1, 8, 2, 128, LONGEST);
    oclab_attn_problem p;
    double worst;
    problem_make(&s, 1.0f, &p);
    for (int v = 0; v < 2; v++) {
        oclab_attn_config c = start_config(&s, (oclab_attn_variant)v);
        cl.kernel_dir = kernels_dir;
        assert_int_equal(run_splits(program_with(&s, &c, NULL), &p, p.k, p.v, splits, 2, &worst), 6);
        assert_true(worst < 2e-3);
        for (int m = 0; mutants && m < N_MUTATIONS; m++) {
            cl.kernel_dir = mutant_dir[m];
            int ok = run_splits(program_with(&s, &c, NULL), &p, p.k, p.v, splits, 2, &worst);
            fprintf(stderr, "%s %s kernel, %s: %d of 6 launches verified, max relative error %g\n",
                    rl_format_name(kv), oclab_attn_variant_name(c.variant), mutations[m].name, ok, worst);
            assert_int_equal(ok, 0);
        }
    }
    cl.kernel_dir = NULL;
    oclab_attn_problem_free(&p);
}

/* f32: both kernels verify at the longest context (its mutants fail as f16's do: the same code). */
static void test_f32(void **state)
{
    (void)state;
    longest(RL_FMT_F32, 0);
}

static void test_f16(void **state)
{
    (void)state;
    longest(RL_FMT_F16, 1);
}

static void test_q8_0(void **state)
{
    (void)state;
    longest(RL_FMT_Q8_0, 1);
}

int main(void)
{
    int opened = cl_fixture_open(&devices, &cl);
    if (opened != 0)
        return opened;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_f32),
        cmocka_unit_test(test_f16),
        cmocka_unit_test(test_q8_0),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
