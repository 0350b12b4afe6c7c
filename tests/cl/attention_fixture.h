#ifndef OCLAB_TESTS_CL_ATTENTION_FIXTURE_H
#define OCLAB_TESTS_CL_ATTENTION_FIXTURE_H
/* What the attention kernel tests share: the device, programs built once per (shape, configuration,
 * extra build options, kernel folder), the device's start configuration of a variant, and runs that
 * launch a problem with several splits on rotating KV copies and count the launches that verify.
 * Include it after cmocka.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_fixture.h"
#include "host/cl/device.h"
#include "host/decode/attention.h"
#include "roofline/quant.h"

static oclab_device_list devices;
static oclab_cl cl;

#define MAX_PROGRAMS 96
static struct {
    oclab_attn_program prog;
    const char *options, *dir;
} programs[MAX_PROGRAMS];
static int n_programs;

static inline int same_config(const oclab_attn_config *a, const oclab_attn_config *b)
{
    return a->variant == b->variant && a->vec == b->vec && a->tile == b->tile && a->vb == b->vb && a->wg == b->wg;
}

/* The program of (SHAPE, CONFIG) built with OPTIONS (NULL: none) from cl.kernel_dir (each POCL build
 * costs about a second: built once). */
static inline const oclab_attn_program *program_with(const rl_attn_shape *shape,
                                                     const oclab_attn_config *config, const char *options)
{
    uint64_t group = shape->heads / shape->kv_heads;
    for (int i = 0; i < n_programs; i++) {
        const oclab_attn_program *p = &programs[i].prog;
        if (p->kv == shape->kv && p->head_dim == shape->head_dim && p->group == group &&
            same_config(&p->config, config) && programs[i].options == options && programs[i].dir == cl.kernel_dir)
            return p;
    }
    assert_true(n_programs < MAX_PROGRAMS);
    cl_int err = oclab_attn_program_build(&cl, shape, config, options, &programs[n_programs].prog);
    if (err != CL_SUCCESS)
        fprintf(stderr, "FAIL build %s D=%llu G=%llu %s vec %u tile %u vb %u wg %u: %d\n", rl_format_name(shape->kv),
                (unsigned long long)shape->head_dim, (unsigned long long)group,
                oclab_attn_variant_name(config->variant), config->vec, config->tile, config->vb, config->wg, err);
    assert_int_equal(err, CL_SUCCESS);
    programs[n_programs].options = options;
    programs[n_programs].dir = cl.kernel_dir;
    return &programs[n_programs++].prog;
}

static inline void programs_release(void)
{
    for (int i = 0; i < n_programs; i++)
        oclab_attn_program_release(&programs[i].prog);
    n_programs = 0;
}

/* The device's start configuration of VARIANT for SHAPE (the tuner's start point, less the split). */
static inline oclab_attn_config start_config(const rl_attn_shape *shape, oclab_attn_variant variant)
{
    oclab_attn_space_info hold;
    oclab_tune_space space;
    oclab_attn_config config;
    uint64_t split;
    oclab_attn_space(cl.info, shape, variant, &hold, &space);
    assert_false(space.failed);
    oclab_attn_point(&space, space.start, variant, &config, &split);
    return config;
}

static inline void problem_make(const rl_attn_shape *s, float q_gain, oclab_attn_problem *p)
{
    oclab_attn_data data = {q_gain, 1, 0x5eed};
    assert_int_equal(oclab_attn_problem_make(s, &data, p), 0);
}

/* Runs P with PROG and each split, three times each on rotating copies of K_DEV and V_DEV (the same
 * copy twice: no state may carry over between runs); returns how many launches verified, *WORST the
 * largest error. Two launches exactly when there are partials to combine, the second after the first. */
static inline int run_splits(const oclab_attn_program *prog, const oclab_attn_problem *p, const void *k_dev,
                             const void *v_dev, const uint64_t *splits, int n_splits, double *worst)
{
    const rl_attn_shape *s = &p->shape;
    uint64_t max_split = 1;
    for (int i = 0; i < n_splits; i++)
        max_split = splits[i] > max_split ? splits[i] : max_split;
    oclab_attn attn;
    assert_int_equal(oclab_attn_create(&cl, s, p->q, k_dev, v_dev, 2, max_split, &attn), CL_SUCCESS);
    float *got = malloc(p->outputs * sizeof *got);
    assert_non_null(got);
    int ok = 0;
    *worst = 0.0;
    for (int i = 0; i < n_splits; i++) {
        for (int copy = 0; copy < 3; copy++) {
            cl_event ev = NULL, first = NULL;
            double err;
            memset(got, 0xff, p->outputs * sizeof *got); /* NaN: stale output cannot pass */
            assert_int_equal(oclab_attn_enqueue(&attn, prog, copy, splits[i], &first, &ev), CL_SUCCESS);
            uint64_t chunk, chunks = oclab_attn_chunks(s->context, splits[i], &chunk);
            assert_true((first != NULL) == (chunks > 1));
            assert_int_equal(clWaitForEvents(1, &ev), CL_SUCCESS);
            if (first) {
                cl_ulong end1 = 0, start2 = 0;
                assert_int_equal(clGetEventProfilingInfo(first, CL_PROFILING_COMMAND_END, sizeof end1, &end1, NULL),
                                 CL_SUCCESS);
                assert_int_equal(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof start2, &start2,
                                                         NULL), CL_SUCCESS);
                assert_true(end1 <= start2);
                clReleaseEvent(first);
            }
            clReleaseEvent(ev);
            assert_int_equal(oclab_attn_read(&attn, got), CL_SUCCESS);
            ok += oclab_attn_verify(s->kv, got, p->want, p->outputs, &err);
            if (!(err <= *worst))
                *worst = err;
        }
    }
    free(got);
    oclab_attn_release(&attn);
    return ok;
}

/* SHAPE with CONFIG (built with OPTIONS) verifies with every split, three launches each. */
static inline void check_config(const rl_attn_shape *s, const oclab_attn_config *config, const char *options,
                                float q_gain, const uint64_t *splits, int n_splits)
{
    oclab_attn_problem p;
    double worst;
    problem_make(s, q_gain, &p);
    int ok = run_splits(program_with(s, config, options), &p, p.k, p.v, splits, n_splits, &worst);
    if (ok != 3 * n_splits)
        fprintf(stderr,
                "FAIL %s %s vec %u tile %u vb %u wg %u B=%llu Hq=%llu Hkv=%llu D=%llu S=%llu: max_rel_error %g\n",
                rl_format_name(s->kv), oclab_attn_variant_name(config->variant), config->vec, config->tile, config->vb,
                config->wg, (unsigned long long)s->batch, (unsigned long long)s->heads,
                (unsigned long long)s->kv_heads, (unsigned long long)s->head_dim, (unsigned long long)s->context,
                worst);
    assert_int_equal(ok, 3 * n_splits);
    assert_true(worst < 2e-3);
    oclab_attn_problem_free(&p);
}

static inline rl_attn_shape attn_shape(rl_format kv, uint64_t batch, uint64_t heads, uint64_t kv_heads,
                                       uint64_t head_dim, uint64_t context)
{
    rl_attn_shape s = {batch, heads, kv_heads, head_dim, context, kv, RL_FMT_F32, RL_FMT_F32};
    return s;
}

static const rl_format kv_formats[] = {RL_FMT_F32, RL_FMT_F16, RL_FMT_Q8_0};

static inline int fixture_teardown(void **state)
{
    (void)state;
    programs_release();
    oclab_cl_close(&cl);
    oclab_device_list_free(&devices);
    return 0;
}

#endif
