/* What moved between two profiles of one device (diff.h). */
#include "reports/diff.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/compare.h"
#include "reports/fmt.h"
#include "reports/predict.h"
#include "reports/sections.h"
#include "reports/text_buf.h"

/* Rows per table in Markdown: a pull-request comment stays well under GitHub's 65,536 characters. */
#define MD_ROWS 60

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static const char *device_field(const rpt_profile *v, const char *key)
{
    const cJSON *x = get(get(v->json, "device"), key);
    return cJSON_IsString(x) ? x->valuestring : "";
}

static int same_device(const rpt_profile *a, const rpt_profile *b)
{
    static const char *const keys[] = {"name", "vendor", "platform", "type"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(device_field(a, keys[i]), device_field(b, keys[i])) != 0)
            return 0;
    return 1;
}

static rpt_move *add(rpt_diff *d, rpt_move_kind kind, const char *what, const char *unit, double base, double current)
{
    if (d->failed)
        return NULL;
    if (d->n == d->cap) {
        int cap = d->cap ? 2 * d->cap : 64;
        rpt_move *items = realloc(d->items, (size_t)cap * sizeof *items);
        if (!items) {
            d->failed = 1;
            return NULL;
        }
        d->items = items;
        d->cap = cap;
    }
    rpt_move *m = &d->items[d->n++];
    memset(m, 0, sizeof *m);
    m->kind = kind;
    snprintf(m->what, sizeof m->what, "%s", what);
    snprintf(m->unit, sizeof m->unit, "%s", unit);
    m->base = base;
    m->current = current;
    m->change = isfinite(base) && isfinite(current) && base > 0.0 ? current / base - 1.0 : NAN;
    if (isfinite(m->change)) {
        m->regression = m->change < -d->tolerance;
        m->status = m->regression ? "regression" : m->change > d->tolerance ? "improvement" : "within tolerance";
    } else if (isfinite(base)) {
        m->regression = 1;
        m->status = "missing";
    } else {
        m->status = "new";
    }
    d->regressions += m->regression;
    d->improvements += strcmp(m->status, "improvement") == 0;
    d->steady += strcmp(m->status, "within tolerance") == 0;
    return m;
}

static void ceilings(rpt_diff *d, const rpt_profile *b, const rpt_profile *c, int memory)
{
    const rpt_ceiling *bl = memory ? b->memory : b->compute, *cl = memory ? c->memory : c->compute;
    int bn = memory ? b->n_memory : b->n_compute, cn = memory ? c->n_memory : c->n_compute;
    char what[96];
    for (int i = 0; i < bn; i++) {
        const rpt_ceiling *x = rpt_ceiling_find(cl, cn, bl[i].name);
        const char *unit = memory ? "GB/s" : rpt_compute_unit(bl[i].name);
        snprintf(what, sizeof what, "%s (%s)", bl[i].name, unit);
        add(d, RPT_MOVE_CEILING, what, unit, bl[i].value, x ? x->value : NAN);
    }
    for (int i = 0; i < cn; i++) {
        if (!rpt_ceiling_find(bl, bn, cl[i].name)) {
            const char *unit = memory ? "GB/s" : rpt_compute_unit(cl[i].name);
            snprintf(what, sizeof what, "%s (%s)", cl[i].name, unit);
            add(d, RPT_MOVE_CEILING, what, unit, NAN, cl[i].value);
        }
    }
}

/* Whether V has an entry (verified or not) of K's identity. */
static int has_entry(const rpt_profile *v, const rpt_kernel *k)
{
    for (int i = 0; i < v->n_kernels; i++) {
        const rpt_kernel *c = &v->kernels[i];
        if (!strcmp(c->family, k->family) && !strcmp(c->baseline, k->baseline) && !strcmp(c->format, k->format) &&
            !strcmp(c->shape, k->shape))
            return 1;
    }
    return 0;
}

static void kernels(rpt_diff *d, const rpt_profile *b, const rpt_profile *c)
{
    char what[320];
    for (int i = 0; i < b->n_kernels; i++) {
        const rpt_kernel *k = &b->kernels[i];
        if (!k->verified || rpt_find_kernel(b, k) != k)
            continue; /* each identity once, by its best verified variant */
        const rpt_kernel *now = rpt_find_kernel(c, k);
        rpt_kernel_name(k, what, sizeof what);
        rpt_move *m = add(d, RPT_MOVE_KERNEL, what, "efficiency", k->efficiency, now ? now->efficiency : NAN);
        if (m && !now && has_entry(c, k))
            m->status = "no longer verified";
    }
    for (int i = 0; i < c->n_kernels; i++) {
        const rpt_kernel *k = &c->kernels[i];
        if (k->verified && rpt_find_kernel(c, k) == k && !rpt_find_kernel(b, k)) {
            rpt_kernel_name(k, what, sizeof what);
            add(d, RPT_MOVE_KERNEL, what, "efficiency", NAN, k->efficiency);
        }
    }
}

static void predictions(rpt_diff *d, const rpt_profile *b, const rpt_profile *c)
{
    char what[192];
    for (int i = 0; i < rpt_predict_count(); i++) {
        for (int x = 0; x < RPT_PREDICT_CONTEXTS; x++) {
            rpt_prediction pb, pc;
            rpt_predict(b, i, x, &pb);
            rpt_predict(c, i, x, &pc);
            if (!pb.in_window)
                continue;
            snprintf(what, sizeof what, "%s, ctx %llu: light", pb.label, (unsigned long long)pb.context);
            if (isfinite(pb.light_tokens_per_s) || isfinite(pc.light_tokens_per_s))
                add(d, RPT_MOVE_PREDICTION, what, "tokens/s", pb.light_tokens_per_s, pc.light_tokens_per_s);
            snprintf(what, sizeof what, "%s, ctx %llu: expected", pb.label, (unsigned long long)pb.context);
            if (isfinite(pb.expected_tokens_per_s) || isfinite(pc.expected_tokens_per_s))
                add(d, RPT_MOVE_PREDICTION, what, "tokens/s", pb.expected_tokens_per_s, pc.expected_tokens_per_s);
        }
    }
}

int rpt_diff_profiles(const rpt_profile *base, const rpt_profile *current, double tolerance, rpt_diff *out,
                      char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    out->tolerance = tolerance;
    if (!same_device(base, current)) {
        snprintf(err, err_len, "the profiles are of different devices: %s (%s) and %s (%s)", base->device,
                 device_field(base, "platform"), current->device, device_field(current, "platform"));
        return -1;
    }
    ceilings(out, base, current, 1);
    ceilings(out, base, current, 0);
    kernels(out, base, current);
    predictions(out, base, current);
    if (out->failed) {
        snprintf(err, err_len, "out of memory comparing the profiles");
        rpt_diff_free(out);
        return -1;
    }
    return 0;
}

void rpt_diff_free(rpt_diff *d)
{
    free(d->items);
    d->items = NULL;
    d->n = d->cap = 0;
}

static const char *const kind_names[] = {"ceiling", "kernel", "prediction"};

static char *value_text(const rpt_move *m, double v, char *out, size_t len)
{
    return strcmp(m->unit, "efficiency") == 0 ? rpt_fmt_percent(v, out, len) : rpt_fmt_num(v, out, len);
}

static char *change_text(double change, char *out, size_t len)
{
    if (!isfinite(change))
        snprintf(out, len, RPT_DASH);
    else
        snprintf(out, len, "%+.1f%%", 100.0 * change);
    return out;
}

/* Whether move M goes in the section of STATUS ("regression": every regression, whatever its status). */
static int in_section(const rpt_move *m, const char *section)
{
    if (strcmp(section, "regression") == 0)
        return m->regression;
    if (strcmp(section, "moved") == 0)
        return !m->regression && strcmp(m->status, "improvement") != 0;
    return strcmp(m->status, section) == 0;
}

/* Moves by change, the largest fall first; a move without a counterpart (missing, new) counts as the
 * largest fall. */
static int by_change(const void *pa, const void *pb)
{
    const rpt_move *a = *(const rpt_move *const *)pa, *b = *(const rpt_move *const *)pb;
    double ca = isfinite(a->change) ? a->change : -INFINITY, cb = isfinite(b->change) ? b->change : -INFINITY;
    return ca < cb ? -1 : ca > cb ? 1 : 0;
}

/* The largest gain first, after by_change. */
static void reverse(const rpt_move **moves, int n)
{
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        const rpt_move *t = moves[i];
        moves[i] = moves[j];
        moves[j] = t;
    }
}

static void md_table(rpt_buf *b, const rpt_move *const *moves, int n, const char *section)
{
    int shown = 0, total = 0;
    char x[32], y[32], z[32];
    for (int i = 0; i < n; i++) {
        const rpt_move *m = moves[i];
        if (!in_section(m, section))
            continue;
        /* Folded rows: only what moved at all (a tenth of a percent) or has no counterpart. */
        if (strcmp(section, "moved") == 0 && isfinite(m->change) && fabs(m->change) < 0.001)
            continue;
        if (total++ == 0)
            rpt_buf_puts(b, "| | what | base | current | change |\n|---|---|---|---|---|\n");
        if (shown == MD_ROWS)
            continue;
        shown++;
        rpt_buf_printf(b, "| %s | ", kind_names[m->kind]);
        rpt_buf_md_cell(b, m->what);
        rpt_buf_printf(b, " | %s | %s | %s%s%s |\n", value_text(m, m->base, x, sizeof x),
                       value_text(m, m->current, y, sizeof y), change_text(m->change, z, sizeof z),
                       isfinite(m->change) ? "" : " ", isfinite(m->change) ? "" : m->status);
    }
    if (total > shown)
        rpt_buf_printf(b, "\n_and %d more_\n", total - shown);
    if (total == 0)
        rpt_buf_puts(b, "_none_\n");
}

static void text_table(rpt_buf *b, const rpt_move *const *moves, int n, const char *section, const char *title)
{
    int rows = 0;
    char x[32], y[32], z[32];
    for (int i = 0; i < n; i++) {
        const rpt_move *m = moves[i];
        if (!in_section(m, section))
            continue;
        if (rows++ == 0)
            rpt_buf_printf(b, "%s:\n  %-10s %-56s %10s %10s %9s\n", title, "kind", "what", "base", "current", "change");
        rpt_buf_printf(b, "  %-10s %-56s %10s %10s %9s%s%s\n", kind_names[m->kind], m->what,
                       value_text(m, m->base, x, sizeof x), value_text(m, m->current, y, sizeof y),
                       change_text(m->change, z, sizeof z), isfinite(m->change) ? "" : "  ",
                       isfinite(m->change) ? "" : m->status);
    }
}

static void run_line(rpt_buf *b, const char *label, const rpt_profile *v)
{
    const cJSON *tool = get(v->json, "tool"), *date = get(v->json, "date"), *git = get(tool, "git");
    rpt_buf_printf(b, "%s %s: measured %s with oclab %s, driver %s", label, v->source,
                   cJSON_IsString(date) ? date->valuestring : "?", cJSON_IsString(git) ? git->valuestring : "?",
                   device_field(v, "driver")[0] ? device_field(v, "driver") : "?");
}

char *rpt_diff_render(const rpt_diff *d, const rpt_profile *base, const rpt_profile *current, int markdown)
{
    rpt_buf b;
    rpt_buf_init(&b);
    const rpt_move **moves = malloc((size_t)(d->n > 0 ? d->n : 1) * sizeof *moves);
    if (!moves)
        return NULL;
    for (int i = 0; i < d->n; i++)
        moves[i] = &d->items[i];
    qsort(moves, (size_t)d->n, sizeof *moves, by_change);
    char tol[32];
    snprintf(tol, sizeof tol, "%.3g%%", 100.0 * d->tolerance);
    if (markdown) {
        rpt_buf_puts(&b, "### oclab compare: ");
        rpt_buf_md_cell(&b, base->device);
        rpt_buf_printf(&b, "\n\n**%s** %d regression%s beyond %s, %d improvement%s, %d within tolerance.\n\n",
                       d->regressions ? "FAIL:" : "OK:", d->regressions, d->regressions == 1 ? "" : "s", tol,
                       d->improvements, d->improvements == 1 ? "" : "s", d->steady);
        rpt_buf_puts(&b, "- ");
        run_line(&b, "base", base);
        rpt_buf_puts(&b, "\n- ");
        run_line(&b, "current", current);
        rpt_buf_puts(&b, "\n\n#### Regressions\n\n");
        md_table(&b, moves, d->n, "regression");
        rpt_buf_puts(&b, "\n#### Improvements\n\n");
        reverse(moves, d->n);
        md_table(&b, moves, d->n, "improvement");
        rpt_buf_puts(&b, "\n<details><summary>Everything else that moved, and what is new</summary>\n\n");
        md_table(&b, moves, d->n, "moved");
        rpt_buf_puts(&b, "\n</details>\n");
    } else {
        rpt_buf_printf(&b, "oclab compare: %s\n", base->device);
        run_line(&b, "base   ", base);
        rpt_buf_puts(&b, "\n");
        run_line(&b, "current", current);
        rpt_buf_printf(&b, "\n%s: %d regression%s beyond %s, %d improvement%s, %d within tolerance\n",
                       d->regressions ? "FAIL" : "OK", d->regressions, d->regressions == 1 ? "" : "s", tol,
                       d->improvements, d->improvements == 1 ? "" : "s", d->steady);
        text_table(&b, moves, d->n, "regression", "regressions");
        reverse(moves, d->n);
        text_table(&b, moves, d->n, "improvement", "improvements");
        text_table(&b, moves, d->n, "new", "new");
    }
    free(moves);
    return rpt_buf_take(&b);
}
