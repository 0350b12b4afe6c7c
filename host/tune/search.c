#include "host/tune/search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COUNT_LIMIT 4096   /* spaces up to this size are enumerated to count their valid points */
#define MOVE_MARGIN 0.01   /* the local search moves only for a gain beyond this (noise) */
#define NOISE_FLOOR 0.02   /* a runner-up this close to the winner is within noise, whatever the spread */
#define RANDOM_DRAWS 64    /* attempts to find an unevaluated valid point for a restart */

static const char *const status_names[OCLAB_TUNE_STATUSES] = {"ok", "build", "launch", "wrong", "crash"};

const char *oclab_tune_status_name(oclab_tune_status status)
{
    return status < OCLAB_TUNE_STATUSES ? status_names[status] : "?";
}

void oclab_tune_opts_default(oclab_tune_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->budget_s = 1.0;
    opts->rounds = 3;
    opts->final_rounds = 7;
    opts->finalists = 3;
    opts->exhaustive_max = 24;
    opts->restarts = 2;
    opts->seed = 0x6f636c6162ull;
}

typedef struct {
    int point[OCLAB_TUNE_MAX_PARAMS];
    oclab_tune_status status;
    double cost; /* median of its search samples; INFINITY when it failed */
    void *handle;
} candidate;

typedef struct {
    const oclab_tune_space *space;
    const oclab_tune_eval *eval;
    const oclab_tune_opts *opts;
    oclab_tune_result *out;
    candidate *c;
    int n, cap;
    int rep;
    double t0;
    uint64_t rng;
    int oom;
} search;

static double clock_now(const search *s)
{
    if (s->opts->clock)
        return s->opts->clock(s->opts->clock_user);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int over_budget(const search *s)
{
    return clock_now(s) - s->t0 > s->opts->budget_s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median and interquartile spread (relative to the median) of N values; VALUES is reordered. */
static double median_of(double *values, int n, double *spread)
{
    qsort(values, (size_t)n, sizeof *values, cmp_double);
    double m = (n % 2) ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    if (spread)
        *spread = m > 0.0 ? (values[(3 * (n - 1)) / 4] - values[(n - 1) / 4]) / m : 0.0;
    return m;
}

static int find(const search *s, const int *point)
{
    for (int i = 0; i < s->n; i++)
        if (memcmp(s->c[i].point, point, (size_t)s->space->n_params * sizeof *point) == 0)
            return i;
    return -1;
}

/* Keeps handles only for the FINALISTS cheapest candidates: the rest are released at once, so the
 * device holds a bounded number of programs and buffers. */
static void prune_handles(search *s)
{
    int keep = s->opts->finalists > 1 ? s->opts->finalists : 1;
    for (int i = 0; i < s->n; i++) {
        if (!s->c[i].handle)
            continue;
        int better = 0;
        for (int j = 0; j < s->n; j++)
            better += s->c[j].handle && (s->c[j].cost < s->c[i].cost || (s->c[j].cost == s->c[i].cost && j < i));
        if (better >= keep) {
            s->eval->release(s->eval->user, s->c[i].handle);
            s->c[i].handle = NULL;
        }
    }
}

static void record_failure(search *s, const int *point, oclab_tune_status status, const char *why)
{
    oclab_tune_result *out = s->out;
    if (out->failed < OCLAB_TUNE_MAX_FAILURES) {
        memcpy(out->failures[out->failed].point, point, sizeof out->failures[0].point);
        out->failures[out->failed].status = status;
        snprintf(out->failures[out->failed].why, sizeof out->failures[0].why, "%s", why);
    }
    out->failed++;
}

/* The candidate at POINT, prepared and timed on first use; its index, or -1 when out of memory. */
static int evaluate(search *s, const int *point)
{
    int i = find(s, point);
    if (i >= 0)
        return i;
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 32;
        candidate *grown = realloc(s->c, (size_t)cap * sizeof *grown);
        if (!grown) {
            s->oom = 1;
            return -1;
        }
        s->c = grown;
        s->cap = cap;
    }
    candidate *c = &s->c[s->n];
    memset(c, 0, sizeof *c);
    memcpy(c->point, point, (size_t)s->space->n_params * sizeof *point);
    c->cost = INFINITY;
    char why[160] = "";
    oclab_tune_status status = OCLAB_TUNE_OK;
    s->out->tried++;
    c->handle = s->eval->prepare(s->eval->user, point, &status, why, sizeof why);
    if (!c->handle) {
        c->status = status == OCLAB_TUNE_OK ? OCLAB_TUNE_BUILD : status;
        record_failure(s, point, c->status, why);
        return s->n++;
    }
    int rounds = s->opts->rounds > 0 ? s->opts->rounds : 1;
    double samples[64];
    if (rounds > 64)
        rounds = 64;
    for (int r = 0; r < rounds; r++) {
        samples[r] = s->eval->sample(s->eval->user, c->handle, ++s->rep);
        if (!(samples[r] >= 0.0)) {
            s->eval->release(s->eval->user, c->handle);
            c->handle = NULL;
            c->status = OCLAB_TUNE_LAUNCH;
            record_failure(s, point, c->status, "a timed launch failed");
            return s->n++;
        }
    }
    c->cost = median_of(samples, rounds, NULL);
    s->n++;
    prune_handles(s);
    return s->n - 1;
}

/* Mixed-radix enumeration: point number K of the space. */
static void point_at(const oclab_tune_space *space, uint64_t k, int *point)
{
    for (int i = space->n_params - 1; i >= 0; i--) {
        point[i] = space->params[i].values[k % (uint64_t)space->params[i].n];
        k /= (uint64_t)space->params[i].n;
    }
}

static uint64_t count_valid(const oclab_tune_space *space)
{
    uint64_t size = oclab_tune_space_size(space), valid = 0;
    int point[OCLAB_TUNE_MAX_PARAMS];
    if (size > COUNT_LIMIT)
        return 0;
    for (uint64_t k = 0; k < size; k++) {
        point_at(space, k, point);
        valid += (uint64_t)oclab_tune_point_valid(space, point, NULL, 0);
    }
    return valid;
}

static void exhaustive(search *s, const int *start)
{
    const oclab_tune_space *space = s->space;
    int point[OCLAB_TUNE_MAX_PARAMS];
    uint64_t size = oclab_tune_space_size(space);
    if (oclab_tune_point_valid(space, start, NULL, 0))
        evaluate(s, start);
    for (uint64_t k = 0; k < size && !s->oom; k++) {
        point_at(space, k, point);
        if (!oclab_tune_point_valid(space, point, NULL, 0) || find(s, point) >= 0)
            continue;
        if (s->n > 0 && over_budget(s)) {
            s->out->budget_hit = 1;
            return;
        }
        evaluate(s, point);
    }
}

/* Steps between A and B: the sum over parameters of how many values apart they are. */
static int steps_between(const oclab_tune_space *space, const int *a, const int *b)
{
    int steps = 0;
    for (int i = 0; i < space->n_params; i++)
        steps += abs(oclab_tune_index_of(&space->params[i], a[i]) - oclab_tune_index_of(&space->params[i], b[i]));
    return steps;
}

/* A valid point near FROM: FROM itself, else the first valid point met stepping one parameter at a
 * time away from it, widening the step; else, in a space small enough to enumerate, the valid point
 * fewest steps away (a limit that only a change of two parameters meets: more lanes and wider
 * vectors for a long stream under a driver's loop limit); 0 when none is found that way. */
static int nearest_valid(const oclab_tune_space *space, const int *from, int *out)
{
    memcpy(out, from, (size_t)space->n_params * sizeof *from);
    if (oclab_tune_point_valid(space, out, NULL, 0))
        return 1;
    for (int step = 1; step < OCLAB_TUNE_MAX_VALUES; step++)
        for (int i = 0; i < space->n_params; i++)
            for (int dir = -1; dir <= 1; dir += 2) {
                int at = oclab_tune_index_of(&space->params[i], from[i]) + dir * step;
                if (at < 0 || at >= space->params[i].n)
                    continue;
                memcpy(out, from, (size_t)space->n_params * sizeof *from);
                out[i] = space->params[i].values[at];
                if (oclab_tune_point_valid(space, out, NULL, 0))
                    return 1;
            }
    uint64_t size = oclab_tune_space_size(space);
    int point[OCLAB_TUNE_MAX_PARAMS], best = -1;
    for (uint64_t k = 0; size <= COUNT_LIMIT && k < size; k++) {
        point_at(space, k, point);
        int steps = steps_between(space, from, point);
        if ((best < 0 || steps < best) && oclab_tune_point_valid(space, point, NULL, 0)) {
            best = steps;
            memcpy(out, point, (size_t)space->n_params * sizeof *point);
        }
    }
    return best >= 0;
}

static uint64_t next_random(search *s)
{
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    return s->rng * 0x2545F4914F6CDD1Dull;
}

/* Steepest descent over the neighbours (one parameter one value up or down) from FROM. */
static void descend(search *s, const int *from)
{
    const oclab_tune_space *space = s->space;
    int cur = evaluate(s, from);
    while (cur >= 0 && !s->oom) {
        int best = cur;
        int point[OCLAB_TUNE_MAX_PARAMS];
        for (int i = 0; i < space->n_params; i++)
            for (int dir = -1; dir <= 1; dir += 2) {
                int at = oclab_tune_index_of(&space->params[i], s->c[cur].point[i]) + dir;
                if (at < 0 || at >= space->params[i].n)
                    continue;
                memcpy(point, s->c[cur].point, sizeof point);
                point[i] = space->params[i].values[at];
                if (!oclab_tune_point_valid(space, point, NULL, 0))
                    continue;
                if (find(s, point) < 0 && over_budget(s)) {
                    s->out->budget_hit = 1;
                    return;
                }
                int k = evaluate(s, point);
                if (k >= 0 && s->c[k].cost < s->c[best].cost)
                    best = k;
            }
        if (best == cur || !(s->c[best].cost < s->c[cur].cost * (1.0 - MOVE_MARGIN) || isinf(s->c[cur].cost)))
            return;
        cur = best;
    }
}

static void local(search *s, const int *start)
{
    int point[OCLAB_TUNE_MAX_PARAMS];
    if (nearest_valid(s->space, start, point))
        descend(s, point);
    for (int r = 0; r < s->opts->restarts && !s->oom && !s->out->budget_hit && !over_budget(s); r++) {
        int found = 0;
        for (int d = 0; d < RANDOM_DRAWS && !found; d++) {
            for (int i = 0; i < s->space->n_params; i++)
                point[i] = s->space->params[i].values[next_random(s) % (uint64_t)s->space->params[i].n];
            found = oclab_tune_point_valid(s->space, point, NULL, 0) && find(s, point) < 0;
        }
        if (!found)
            break;
        descend(s, point);
    }
}

/* The finalists timed again in turn; the fastest median wins. */
static void finals(search *s)
{
    oclab_tune_result *out = s->out;
    int idx[16], k = 0;
    for (int i = 0; i < s->n && k < 16; i++)
        if (s->c[i].handle)
            idx[k++] = i;
    /* cheapest first */
    for (int a = 1; a < k; a++)
        for (int b = a; b > 0 && s->c[idx[b]].cost < s->c[idx[b - 1]].cost; b--) {
            int t = idx[b];
            idx[b] = idx[b - 1];
            idx[b - 1] = t;
        }
    double median[16], spread[16];
    int rounds = s->opts->final_rounds;
    if (k > 1 && rounds > 0) {
        double *samples = malloc((size_t)k * (size_t)rounds * sizeof *samples);
        int taken = 0;
        for (int r = 0; samples && r < rounds; r++) {
            for (int j = 0; j < k; j++) {
                double c = s->eval->sample(s->eval->user, s->c[idx[j]].handle, ++s->rep);
                samples[(size_t)j * rounds + r] = c >= 0.0 ? c : INFINITY;
            }
            taken = r + 1;
            if (taken >= 3 && clock_now(s) - s->t0 > 2.0 * s->opts->budget_s)
                break;
        }
        for (int j = 0; j < k; j++) {
            if (samples) {
                double v[64];
                int n = taken < 64 ? taken : 64;
                for (int r = 0; r < n; r++)
                    v[r] = samples[(size_t)j * rounds + r];
                median[j] = median_of(v, n, &spread[j]);
            } else {
                median[j] = s->c[idx[j]].cost;
                spread[j] = 0.0;
            }
        }
        free(samples);
    } else {
        for (int j = 0; j < k; j++) {
            median[j] = s->c[idx[j]].cost;
            spread[j] = 0.0;
        }
    }
    int win = 0, second = -1;
    for (int j = 1; j < k; j++)
        if (median[j] < median[win])
            win = j;
    for (int j = 0; j < k; j++)
        if (j != win && (second < 0 || median[j] < median[second]))
            second = j;
    out->found = 1;
    memcpy(out->best, s->c[idx[win]].point, sizeof out->best);
    out->best_cost = median[win];
    out->best_handle = s->c[idx[win]].handle;
    s->c[idx[win]].handle = NULL;
    if (second >= 0) {
        out->has_runner_up = 1;
        memcpy(out->runner_up, s->c[idx[second]].point, sizeof out->runner_up);
        out->runner_up_cost = median[second];
        double noise = spread[win] > NOISE_FLOOR ? spread[win] : NOISE_FLOOR;
        out->runner_up_within_noise = median[second] <= median[win] * (1.0 + noise);
    }
}

int oclab_tune_search(const oclab_tune_space *space, const oclab_tune_eval *eval, const oclab_tune_opts *opts,
                      oclab_tune_result *out)
{
    search s = {space, eval, opts, out, NULL, 0, 0, 0, 0.0, opts->seed | 1u, 0};
    memset(out, 0, sizeof *out);
    if (space->failed || space->n_params == 0)
        return -1;
    s.t0 = clock_now(&s);
    out->valid_points = count_valid(space);
    int small = out->valid_points > 0 && out->valid_points <= (uint64_t)opts->exhaustive_max;
    out->strategy = small ? "exhaustive" : "local";
    if (small)
        exhaustive(&s, space->start);
    else
        local(&s, space->start);
    int any = 0;
    for (int i = 0; i < s.n; i++)
        any |= s.c[i].handle != NULL;
    if (any)
        finals(&s);
    for (int i = 0; i < s.n; i++)
        if (s.c[i].handle)
            eval->release(eval->user, s.c[i].handle);
    free(s.c);
    out->elapsed_s = clock_now(&s) - s.t0;
    return out->found ? 0 : -1;
}
