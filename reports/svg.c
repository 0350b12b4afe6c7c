/* The roofline chart as SVG text (svg.h). */
#include "reports/svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/chart.h"
#include "reports/fmt.h"
#include "reports/text_buf.h"

#define DEG_PER_RAD 57.29577951308232
#define MEM_COLOR "#2c3e50"
#define COMPUTE_COLOR "#8e2c2c"
#define BASELINE_COLOR "#555555"
#define FLAG_COLOR "#d62728"
#define NEUTRAL "#888888"
#define MAX_FAMILIES 8
/* A single chart with more marks than this is split into one chart per family as well. */
#define CROWDED 24

const char *rpt_series_color(int i)
{
    static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                          "#9467bd", "#8c564b", "#e377c2", "#17becf"};
    return palette[(unsigned)i % (sizeof palette / sizeof palette[0])];
}

/* Formats keep their colour from report to report (a colour-blind-safe palette). */
static const struct {
    const char *format, *color;
} format_colors[] = {{"f32", "#0072b2"},  {"f16", "#e69f00"},  {"bf16", "#cc79a7"},
                     {"q8_0", "#009e73"}, {"q4_0", "#d55e00"}, {"i8_pc", "#56b4e9"}};
#define N_FORMAT_COLORS (int)(sizeof format_colors / sizeof format_colors[0])

const char *rpt_format_color(const char *format)
{
    for (int i = 0; i < N_FORMAT_COLORS; i++)
        if (strcmp(format, format_colors[i].format) == 0)
            return format_colors[i].color;
    return "#7f7f7f";
}

typedef enum { SHAPE_CIRCLE, SHAPE_DIAMOND, SHAPE_TRIANGLE, SHAPE_CROSS } shape;

static shape family_shape(const char *family)
{
    return strcmp(family, "gemv") == 0 ? SHAPE_CIRCLE : strcmp(family, "attention") == 0 ? SHAPE_DIAMOND : SHAPE_TRIANGLE;
}

/* A mark centred on (x, y): filled with COLOR, or hollow (white inside, a thicker COLOR outline). */
static void marker(rpt_buf *b, shape s, double x, double y, const char *color, int hollow)
{
    char style[96];
    snprintf(style, sizeof style, "fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"", hollow ? "#ffffff" : color,
             hollow ? color : "#222222", hollow ? "2" : "0.8");
    switch (s) {
    case SHAPE_CIRCLE:
        rpt_buf_printf(b, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"4.5\" %s/>", x, y, style);
        break;
    case SHAPE_DIAMOND:
        rpt_buf_printf(b, "<path d=\"M %.2f %.2f L %.2f %.2f L %.2f %.2f L %.2f %.2f Z\" %s/>", x, y - 6, x + 6, y, x,
                       y + 6, x - 6, y, style);
        break;
    case SHAPE_TRIANGLE:
        rpt_buf_printf(b, "<path d=\"M %.2f %.2f L %.2f %.2f L %.2f %.2f Z\" %s/>", x, y - 6, x + 6, y + 4.5, x - 6,
                       y + 4.5, style);
        break;
    case SHAPE_CROSS:
        rpt_buf_printf(b, "<path d=\"M %.2f %.2f L %.2f %.2f M %.2f %.2f L %.2f %.2f\" stroke=\"%s\" "
                          "stroke-width=\"%s\" fill=\"none\"/>",
                       x - 4.5, y - 4.5, x + 4.5, y + 4.5, x - 4.5, y + 4.5, x + 4.5, y - 4.5, color, hollow ? "1.2" : "2.4");
        break;
    }
}

int rpt_kernel_families(const rpt_profile *v, const char **out, int cap)
{
    int n = 0;
    for (int i = 0; i < v->n_kernels; i++) {
        const rpt_kernel *k = &v->kernels[i];
        int seen = !rpt_kernel_placed(k);
        for (int j = 0; j < n && !seen; j++)
            seen = strcmp(out[j], k->family) == 0;
        if (!seen && n < cap)
            out[n++] = k->family;
    }
    return n;
}

int rpt_roofline_crowded(const rpt_profile *v)
{
    const char *families[MAX_FAMILIES];
    int placed = 0;
    for (int i = 0; i < v->n_kernels; i++)
        placed += rpt_kernel_placed(&v->kernels[i]);
    return placed > CROWDED && rpt_kernel_families(v, families, MAX_FAMILIES) > 1;
}

typedef struct {
    rpt_chart c;
    int compare; /* several devices: colour by device */
    const char *family;
} roofline;

static int drawn(const roofline *r, const rpt_kernel *k)
{
    return rpt_kernel_placed(k) && (!r->family || strcmp(k->family, r->family) == 0);
}

static double max_value(const rpt_ceiling *list, int n)
{
    double m = 0.0;
    for (int i = 0; i < n; i++)
        m = fmax(m, list[i].value);
    return m;
}

/* A ceiling from (x0, y0) to (x1, y1) in data units; returns its pixel ends. */
static void ceiling_line(roofline *r, const char *cls, const char *attr, const char *name, const char *color,
                         const char *dash, double x0, double y0, double x1, double y1, rpt_point *a, rpt_point *b)
{
    rpt_buf *buf = r->c.b;
    *a = (rpt_point){rpt_chart_px(&r->c, x0), rpt_chart_py(&r->c, y0)};
    *b = (rpt_point){rpt_chart_px(&r->c, x1), rpt_chart_py(&r->c, y1)};
    rpt_buf_printf(buf, "<line class=\"%s\" %s=\"", cls, attr);
    rpt_buf_xml(buf, name);
    rpt_buf_printf(buf, "\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"1.8\"", a->x,
                   a->y, b->x, b->y, color);
    if (dash)
        rpt_buf_printf(buf, " stroke-dasharray=\"%s\"", dash);
    rpt_buf_puts(buf, "/>\n");
}

/* "dram 58.1 GB/s", with the device's number in front on a comparison. */
static void ceiling_text(const roofline *r, int device, const char *name, double value, const char *unit, char *out,
                         size_t len)
{
    char num[32], who[16] = "";
    if (r->compare)
        snprintf(who, sizeof who, "%d: ", device + 1);
    snprintf(out, len, "%s%s %s %s", who, name, rpt_fmt_num(value, num, sizeof num), unit);
}

/* The memory ceilings, DRAM first: it is the one decode lives on, so its label gets the first pick. */
static void memory_ceilings(roofline *r, const rpt_profile *v, int device)
{
    const rpt_axis *X = &r->c.p->x, *Y = &r->c.p->y;
    double top_compute = max_value(v->compute, v->n_compute);
    const char *color = r->compare ? rpt_series_color(device) : MEM_COLOR;
    char text[128];
    rpt_point a, b;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < v->n_memory; i++) {
            if ((strcmp(v->memory[i].name, "dram") == 0) != (pass == 0))
                continue;
            double gbs = v->memory[i].value;
            /* Each diagonal rises until it meets the highest compute ceiling, clipped to the plot. */
            double x0 = fmax(X->lo, Y->lo / gbs);
            double x1 = fmin(fmin(X->hi, Y->hi / gbs), top_compute > 0.0 ? top_compute / gbs : INFINITY);
            if (!(x0 < x1))
                continue;
            ceiling_line(r, "mem-ceiling", "data-level", v->memory[i].name, color, NULL, x0, gbs * x0, x1, gbs * x1, &a,
                         &b);
            rpt_point spots[6];
            for (int s = 0; s < 6; s++) {
                double t = 0.04 + 0.16 * s;
                spots[s] = (rpt_point){a.x + t * (b.x - a.x) + 2, a.y + t * (b.y - a.y)};
            }
            ceiling_text(r, device, v->memory[i].name, gbs, "GB/s", text, sizeof text);
            rpt_chart_label(&r->c, spots, 6, atan2(b.y - a.y, b.x - a.x) * DEG_PER_RAD, 0, color, text);
        }
    }
}

static void compute_ceilings(roofline *r, const rpt_profile *v, int device)
{
    const rpt_axis *X = &r->c.p->x, *Y = &r->c.p->y;
    double top_gbs = max_value(v->memory, v->n_memory);
    const char *color = r->compare ? rpt_series_color(device) : COMPUTE_COLOR;
    char text[128];
    rpt_point a, b;
    for (int i = 0; i < v->n_compute; i++) {
        double g = v->compute[i].value;
        /* Each horizontal starts where it meets the fastest memory ceiling. */
        double x0 = fmax(X->lo, top_gbs > 0.0 ? g / top_gbs : X->lo);
        if (!(g >= Y->lo && g <= Y->hi) || !(x0 < X->hi))
            continue;
        ceiling_line(r, "compute-ceiling", "data-precision", v->compute[i].name, color, "7 4", x0, g, X->hi, g, &a, &b);
        /* Right-aligned above the line, else below it, else further along to the left. */
        rpt_point spots[] = {{b.x - 10, b.y},       {b.x - 10, b.y + 19},       {b.x - 120, b.y},
                             {b.x - 120, b.y + 19}, {b.x - 240, b.y},           {b.x - 240, b.y + 19}};
        ceiling_text(r, device, v->compute[i].name, g, rpt_compute_unit(v->compute[i].name), text, sizeof text);
        rpt_chart_label(&r->c, spots, 6, 0.0, 1, color, text);
    }
}

static void ridges(roofline *r, const rpt_profile *v, int device)
{
    rpt_buf *b = r->c.b;
    const char *color = r->compare ? rpt_series_color(device) : COMPUTE_COLOR;
    double bottom = r->c.p->top + r->c.p->plot_h;
    char num[32], text[96];
    for (int i = 0; i < v->n_ridges; i++) {
        const rpt_ridge *ridge = &v->ridges[i];
        if (!isfinite(ridge->gflops))
            continue;
        double x = rpt_chart_px(&r->c, ridge->flop_per_byte), y = rpt_chart_py(&r->c, ridge->gflops);
        rpt_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"0.8\" "
                          "stroke-dasharray=\"2 3\"/>\n",
                       x, y, x, bottom, color);
        rpt_buf_puts(b, "<circle class=\"ridge\" data-precision=\"");
        rpt_buf_xml(b, ridge->precision);
        rpt_buf_printf(b, "\" cx=\"%.2f\" cy=\"%.2f\" r=\"4\" fill=\"white\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", x, y,
                       color);
        /* Upright along the dashed drop line, from the x axis up, where kernel marks are rare. */
        rpt_point spots[] = {{x - 1, bottom - 10}, {x - 1, bottom - 110}, {x - 1, bottom - 210}};
        snprintf(text, sizeof text, "ridge %s %s", ridge->precision, rpt_fmt_num(ridge->flop_per_byte, num, sizeof num));
        rpt_chart_label(&r->c, spots, 3, -90.0, 0, color, text);
    }
}

static const char *kernel_color(const roofline *r, const rpt_kernel *k, int device)
{
    if (k->baseline[0])
        return r->compare ? rpt_series_color(device) : BASELINE_COLOR;
    return r->compare ? rpt_series_color(device) : rpt_format_color(k->format);
}

static void kernel_title(rpt_buf *b, const rpt_profile *v, const rpt_kernel *k)
{
    char g[32], gbs[32], e[32];
    rpt_buf_puts(b, "<title>");
    rpt_buf_xml(b, v->device);
    rpt_buf_printf(b, ": #%d ", k->index + 1);
    rpt_buf_xml(b, k->family);
    rpt_buf_puts(b, " ");
    rpt_buf_xml(b, k->format);
    rpt_buf_puts(b, " ");
    rpt_buf_xml(b, k->shape);
    if (k->baseline[0]) {
        rpt_buf_puts(b, " (baseline: ");
        rpt_buf_xml(b, k->baseline);
        rpt_buf_puts(b, ")");
    }
    rpt_buf_puts(b, "\nvariant: ");
    rpt_buf_xml(b, k->variant[0] ? k->variant : RPT_DASH);
    rpt_buf_printf(b, "\n%s GFLOP/s, %s GB/s, %s of roof (%s-bound)", rpt_fmt_num(k->gflops, g, sizeof g),
                   rpt_fmt_num(k->gbs, gbs, sizeof gbs), rpt_fmt_percent(k->efficiency, e, sizeof e),
                   k->bound == RPT_BOUND_COMPUTE ? "compute" : k->bound == RPT_BOUND_MEMORY ? "memory" : "?");
    if (k->above_roof)
        rpt_buf_puts(b, "\nabove its roof: a ceiling was under-measured");
    if (k->suspect)
        rpt_buf_puts(b, "\nsuspect measurement");
    rpt_buf_puts(b, "</title>");
}

static void kernels(roofline *r, const rpt_profile *v, int device)
{
    rpt_buf *b = r->c.b;
    for (int i = 0; i < v->n_kernels; i++) {
        const rpt_kernel *k = &v->kernels[i];
        if (!drawn(r, k))
            continue;
        double x = rpt_chart_px(&r->c, k->intensity), y = rpt_chart_py(&r->c, k->gflops);
        rpt_buf_puts(b, "<g class=\"kernel\" data-family=\"");
        rpt_buf_xml(b, k->family);
        rpt_buf_puts(b, "\" data-format=\"");
        rpt_buf_xml(b, k->format);
        rpt_buf_printf(b, "\" data-batch=\"%.0f\"", isfinite(k->batch) ? k->batch : 0.0);
        if (k->baseline[0]) {
            rpt_buf_puts(b, " data-baseline=\"");
            rpt_buf_xml(b, k->baseline);
            rpt_buf_puts(b, "\"");
        }
        rpt_buf_puts(b, ">");
        kernel_title(b, v, k);
        if (k->above_roof || k->suspect)
            rpt_buf_printf(b, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"9\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>",
                           x, y, FLAG_COLOR);
        marker(b, k->baseline[0] ? SHAPE_CROSS : family_shape(k->family), x, y, kernel_color(r, k, device),
               rpt_kernel_batched(k));
        rpt_buf_puts(b, "</g>\n");
    }
}

/* What the legend shows: the groups present among the drawn kernels. */
typedef struct {
    const char *families[MAX_FAMILIES], *baselines[MAX_FAMILIES];
    int n_families, n_baselines;
    int formats[N_FORMAT_COLORS + 1]; /* the last: any other format */
    int single, batched, flagged;
} groups;

static void add_name(const char **list, int *n, const char *name)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(list[i], name) == 0)
            return;
    if (*n < MAX_FAMILIES)
        list[(*n)++] = name;
}

static void collect(const roofline *r, const rpt_profile *const *v, int n, groups *g)
{
    memset(g, 0, sizeof *g);
    for (int d = 0; d < n; d++) {
        for (int i = 0; i < v[d]->n_kernels; i++) {
            const rpt_kernel *k = &v[d]->kernels[i];
            if (!drawn(r, k))
                continue;
            if (k->baseline[0]) {
                add_name(g->baselines, &g->n_baselines, k->baseline);
            } else {
                add_name(g->families, &g->n_families, k->family);
                int f = 0;
                while (f < N_FORMAT_COLORS && strcmp(format_colors[f].format, k->format) != 0)
                    f++;
                g->formats[f] = 1;
            }
            g->batched |= rpt_kernel_batched(k);
            g->single |= !rpt_kernel_batched(k);
            g->flagged |= k->above_roof || k->suspect;
        }
    }
}

static void legend_mark(roofline *r, shape s, const char *color, int hollow, const char *text)
{
    rpt_point at = rpt_chart_legend_row(&r->c);
    marker(r->c.b, s, at.x, at.y, color, hollow);
    rpt_chart_legend_text(&r->c, at, 0, text);
}

static void legend_line(roofline *r, const char *color, const char *dash, const char *text)
{
    rpt_point at = rpt_chart_legend_row(&r->c);
    rpt_buf_printf(r->c.b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"1.8\"%s%s%s/>",
                   at.x - 7, at.y, at.x + 7, at.y, color, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
                   dash ? "\"" : "");
    rpt_chart_legend_text(&r->c, at, 0, text);
}

static void heading(roofline *r, const char *text)
{
    if (r->c.legend_rows > 0)
        rpt_chart_legend_row(&r->c); /* a blank row between groups */
    rpt_chart_legend_text(&r->c, rpt_chart_legend_row(&r->c), 1, text);
}

static void legend(roofline *r, const rpt_profile *const *v, int n)
{
    groups g;
    char text[320];
    collect(r, v, n, &g);
    if (r->compare) {
        heading(r, "Device (colour)");
        for (int d = 0; d < n; d++) {
            snprintf(text, sizeof text, "%d: %s", d + 1, v[d]->device);
            legend_mark(r, SHAPE_CIRCLE, rpt_series_color(d), 0, text);
        }
    }
    if (g.n_families + g.n_baselines > 0)
        heading(r, "Kernel family (shape)");
    for (int i = 0; i < g.n_families; i++)
        legend_mark(r, family_shape(g.families[i]), NEUTRAL, 0, g.families[i]);
    for (int i = 0; i < g.n_baselines; i++) {
        snprintf(text, sizeof text, "%s (baseline)", g.baselines[i]);
        legend_mark(r, SHAPE_CROSS, BASELINE_COLOR, 0, text);
    }
    if (!r->compare && g.n_families > 0) {
        heading(r, "Weight / KV format (colour)");
        for (int f = 0; f < N_FORMAT_COLORS; f++)
            if (g.formats[f])
                legend_mark(r, SHAPE_CIRCLE, format_colors[f].color, 0, format_colors[f].format);
        if (g.formats[N_FORMAT_COLORS])
            legend_mark(r, SHAPE_CIRCLE, rpt_format_color(""), 0, "other");
    }
    if (g.single || g.batched)
        heading(r, "Batch");
    if (g.single)
        legend_mark(r, SHAPE_CIRCLE, NEUTRAL, 0, "filled: M = 1 (batch 1)");
    if (g.batched)
        legend_mark(r, SHAPE_CIRCLE, NEUTRAL, 1, "hollow: M > 1 (batch > 1)");
    if (g.flagged) {
        rpt_point at = rpt_chart_legend_row(&r->c);
        rpt_buf_printf(r->c.b, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"6\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>",
                       at.x, at.y, FLAG_COLOR);
        rpt_chart_legend_text(&r->c, at, 0, "ring: above its roof or suspect");
    }
    if (r->compare)
        return;
    heading(r, "Ceilings");
    char num[32];
    for (int i = 0; i < v[0]->n_memory; i++) {
        snprintf(text, sizeof text, "%s %s GB/s", v[0]->memory[i].name, rpt_fmt_num(v[0]->memory[i].value, num, sizeof num));
        legend_line(r, MEM_COLOR, NULL, text);
    }
    for (int i = 0; i < v[0]->n_compute; i++) {
        char ridge[48] = "", x[32];
        for (int j = 0; j < v[0]->n_ridges; j++)
            if (strcmp(v[0]->ridges[j].precision, v[0]->compute[i].name) == 0)
                snprintf(ridge, sizeof ridge, ", ridge %s", rpt_fmt_num(v[0]->ridges[j].flop_per_byte, x, sizeof x));
        snprintf(text, sizeof text, "%s %s %s%s", v[0]->compute[i].name,
                 rpt_fmt_num(v[0]->compute[i].value, num, sizeof num), rpt_compute_unit(v[0]->compute[i].name), ridge);
        legend_line(r, COMPUTE_COLOR, "7 4", text);
    }
}

static char *decade_tick(double v, char *out, size_t out_len)
{
    return rpt_fmt_tick(v, out, out_len);
}

char *rpt_svg_roofline(const rpt_profile *const *profiles, int n, const rpt_plot *plot, const rpt_roofline_opts *opts)
{
    rpt_plot fitted;
    if (!plot) {
        rpt_plot_fit(profiles, n, &fitted);
        plot = &fitted;
    }
    rpt_buf body;
    rpt_buf_init(&body);
    roofline r = {.compare = n > 1, .family = opts ? opts->family : NULL};
    rpt_chart_init(&r.c, &body, plot);
    rpt_chart_axes(&r.c, "Arithmetic intensity (FLOP/byte)", "Performance (GFLOP/s)", decade_tick, decade_tick);
    char clip[96];
    snprintf(clip, sizeof clip, "clip-%s", opts && opts->id ? opts->id : "roofline");
    rpt_chart_clip_begin(&r.c, clip);
    /* Marks first in the avoid list, so no label covers one; drawn last, on top. */
    for (int d = 0; d < n; d++)
        for (int i = 0; i < profiles[d]->n_kernels; i++)
            if (drawn(&r, &profiles[d]->kernels[i]))
                rpt_chart_avoid(&r.c, rpt_chart_px(&r.c, profiles[d]->kernels[i].intensity),
                                rpt_chart_py(&r.c, profiles[d]->kernels[i].gflops));
    for (int d = 0; d < n; d++)
        memory_ceilings(&r, profiles[d], d);
    for (int d = 0; d < n; d++) {
        compute_ceilings(&r, profiles[d], d);
        ridges(&r, profiles[d], d);
    }
    for (int d = 0; d < n; d++)
        kernels(&r, profiles[d], d);
    rpt_chart_clip_end(&r.c);
    legend(&r, profiles, n);
    char title[320];
    if (n > 1)
        snprintf(title, sizeof title, "Roofline comparison of %d devices", n);
    else
        snprintf(title, sizeof title, "Roofline%s%s: %s", r.family ? ", " : "", r.family ? r.family : "",
                 profiles[0]->device);
    return rpt_chart_document(&r.c, "roofline", title, &body);
}
