/* The roofline chart as SVG text (svg.h). */
#include "reports/svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/fmt.h"
#include "reports/text_buf.h"

#define LINE_H 16.0 /* legend line height, px */
#define DEG_PER_RAD 57.29577951308232
#define LEGEND_CHARS 48
#define MEM_COLOR "#2c3e50"
#define COMPUTE_COLOR "#8e2c2c"

const char *rpt_series_color(int i)
{
    static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                          "#9467bd", "#8c564b", "#e377c2", "#17becf"};
    return palette[(unsigned)i % (sizeof palette / sizeof palette[0])];
}

int rpt_kernel_plotted(const rpt_kernel *k)
{
    return k->verified && k->intensity >= RL_RATE_MIN && k->intensity <= RL_RATE_MAX && k->gflops >= RL_RATE_MIN &&
           k->gflops <= RL_RATE_MAX;
}

/* Known families keep their color from report to report; anything else shares the next one. */
static int family_index(const char *family)
{
    static const char *const known[] = {"gemv", "attention"};
    for (int i = 0; i < (int)(sizeof known / sizeof known[0]); i++)
        if (strcmp(family, known[i]) == 0)
            return i;
    return (int)(sizeof known / sizeof known[0]);
}

/* Labels are placed at the first of a few candidate spots where they clear the labels already placed,
 * so parallel ceilings of close value (f16 beside f32, two devices' dram) stay readable. A label is
 * approximated by the midline of its text box, sampled every few pixels. */
#define MAX_LABELS 256
#define LABEL_GAP 11.0   /* px between midlines: about one line of 11 px text */
#define CHAR_W 6.2       /* px per character at font-size 11, a generous average */
#define LIFT 4.0         /* px between a line and its label's baseline */

typedef struct {
    double x, y;
} point;

typedef struct {
    point from;     /* midline start */
    double dx, dy;  /* unit direction */
    double len;     /* px */
} span;

typedef struct {
    rpt_buf *b;
    const rpt_plot *p;
    int compare; /* several devices: color by device, no point numbers */
    span placed[MAX_LABELS];
    int n_placed;
} chart;

static span span_of(point at, double angle_deg, int end_anchor, size_t chars)
{
    double a = angle_deg / DEG_PER_RAD, cs = cos(a), sn = sin(a), w = CHAR_W * (double)chars;
    /* Local frame: x along the text, y down; the midline is LIFT + half a line above the baseline. */
    double x0 = end_anchor ? -w : 0.0, y0 = -(LIFT + 5.5);
    return (span){{at.x + x0 * cs - y0 * sn, at.y + x0 * sn + y0 * cs}, cs, sn, w};
}

static int clash(const span *s, const span *t)
{
    for (double u = 0.0; u <= s->len; u += 4.0)
        for (double v = 0.0; v <= t->len; v += 4.0)
            if (hypot(s->from.x + u * s->dx - t->from.x - v * t->dx, s->from.y + u * s->dy - t->from.y - v * t->dy) <
                LABEL_GAP)
                return 1;
    return 0;
}

/* Writes TEXT at the first clear spot of SPOTS[0..N) (else the first), rotated by ANGLE degrees and
 * lifted off its line. */
static void label(chart *c, const point *spots, int n, double angle, int end_anchor, const char *color,
                  const char *text)
{
    int pick = 0;
    span chosen = span_of(spots[0], angle, end_anchor, strlen(text));
    for (int i = 0; i < n; i++) {
        span s = span_of(spots[i], angle, end_anchor, strlen(text));
        int clear = 1;
        for (int j = 0; j < c->n_placed && clear; j++)
            clear = !clash(&s, &c->placed[j]);
        if (clear) {
            pick = i;
            chosen = s;
            break;
        }
    }
    if (c->n_placed < MAX_LABELS)
        c->placed[c->n_placed++] = chosen;
    point at = spots[pick];
    rpt_buf_printf(c->b, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"11\" fill=\"%s\" text-anchor=\"%s\" "
                         "transform=\"rotate(%.2f %.2f %.2f) translate(0 -%.0f)\">",
                   at.x, at.y, color, end_anchor ? "end" : "start", angle, at.x, at.y, LIFT);
    rpt_buf_xml(c->b, text);
    rpt_buf_puts(c->b, "</text>\n");
}

static double px(chart *c, double x)
{
    return rpt_axis_map(&c->p->x, x);
}

static double py(chart *c, double y)
{
    return rpt_axis_map(&c->p->y, y);
}

static void axes(chart *c)
{
    const rpt_plot *p = c->p;
    rpt_buf *b = c->b;
    double bottom = p->top + p->plot_h, right = p->left + p->plot_w;
    char tick[32];
    rpt_buf_puts(b, "<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">\n");
    for (double v = p->x.lo; v <= p->x.hi * 1.0001; v *= 10.0)
        rpt_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", px(c, v), p->top, px(c, v),
                       bottom);
    for (double v = p->y.lo; v <= p->y.hi * 1.0001; v *= 10.0)
        rpt_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", p->left, py(c, v), right,
                       py(c, v));
    rpt_buf_puts(b, "</g>\n<g class=\"ticks\" font-size=\"11\" fill=\"#333333\">\n");
    for (double v = p->x.lo; v <= p->x.hi * 1.0001; v *= 10.0)
        rpt_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">%s</text>\n", px(c, v), bottom + 16,
                       rpt_fmt_tick(v, tick, sizeof tick));
    for (double v = p->y.lo; v <= p->y.hi * 1.0001; v *= 10.0)
        rpt_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\">%s</text>\n", p->left - 6,
                       py(c, v) + 4, rpt_fmt_tick(v, tick, sizeof tick));
    rpt_buf_puts(b, "</g>\n");
    rpt_buf_printf(b, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" stroke=\"#333333\"/>\n",
                   p->left, p->top, p->plot_w, p->plot_h);
    rpt_buf_printf(b, "<text class=\"axis-title\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">"
                      "Arithmetic intensity (FLOP/byte)</text>\n",
                   p->left + p->plot_w / 2, bottom + 40);
    rpt_buf_printf(b, "<text class=\"axis-title\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" "
                      "transform=\"rotate(-90 %.2f %.2f)\">Performance (GFLOP/s)</text>\n",
                   p->left - 55, p->top + p->plot_h / 2, p->left - 55, p->top + p->plot_h / 2);
}

static double max_value(const rpt_ceiling *list, int n)
{
    double m = 0.0;
    for (int i = 0; i < n; i++)
        m = fmax(m, list[i].value);
    return m;
}

/* A ceiling from (x0, y0) to (x1, y1) in data units; returns its pixel ends. */
static void ceiling_line(chart *c, const char *cls, const char *attr, const char *name, const char *color,
                         const char *dash, double x0, double y0, double x1, double y1, point *a, point *b)
{
    *a = (point){px(c, x0), py(c, y0)};
    *b = (point){px(c, x1), py(c, y1)};
    rpt_buf_printf(c->b, "<line class=\"%s\" %s=\"", cls, attr);
    rpt_buf_xml(c->b, name);
    rpt_buf_printf(c->b, "\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"1.8\"",
                   a->x, a->y, b->x, b->y, color);
    if (dash)
        rpt_buf_printf(c->b, " stroke-dasharray=\"%s\"", dash);
    rpt_buf_puts(c->b, "/>\n");
}

static void ceilings(chart *c, const rpt_profile *v, int device)
{
    const rpt_axis *X = &c->p->x, *Y = &c->p->y;
    double top_compute = max_value(v->compute, v->n_compute), top_gbs = max_value(v->memory, v->n_memory);
    const char *mem_color = c->compare ? rpt_series_color(device) : MEM_COLOR;
    const char *compute_color = c->compare ? rpt_series_color(device) : COMPUTE_COLOR;
    char num[32], text[128];
    point a, b;
    for (int i = 0; i < v->n_memory; i++) {
        double gbs = v->memory[i].value;
        /* Each diagonal rises until it meets the highest compute ceiling, clipped to the plot. */
        double x0 = fmax(X->lo, Y->lo / gbs);
        double x1 = fmin(fmin(X->hi, Y->hi / gbs), top_compute > 0.0 ? top_compute / gbs : INFINITY);
        if (!(x0 < x1))
            continue;
        ceiling_line(c, "mem-ceiling", "data-level", v->memory[i].name, mem_color, NULL, x0, gbs * x0, x1, gbs * x1,
                     &a, &b);
        point spots[4];
        for (int s = 0; s < 4; s++) {
            double t = 0.04 + 0.25 * s;
            spots[s] = (point){a.x + t * (b.x - a.x) + 2, a.y + t * (b.y - a.y)};
        }
        snprintf(text, sizeof text, "%s %s GB/s", v->memory[i].name, rpt_fmt_num(gbs, num, sizeof num));
        label(c, spots, 4, atan2(b.y - a.y, b.x - a.x) * DEG_PER_RAD, 0, mem_color, text);
    }
    for (int i = 0; i < v->n_compute; i++) {
        double g = v->compute[i].value;
        /* Each horizontal starts where it meets the fastest memory ceiling. */
        double x0 = fmax(X->lo, top_gbs > 0.0 ? g / top_gbs : X->lo);
        if (!(g >= Y->lo && g <= Y->hi) || !(x0 < X->hi))
            continue;
        ceiling_line(c, "compute-ceiling", "data-precision", v->compute[i].name, compute_color, "7 4", x0, g, X->hi, g,
                     &a, &b);
        /* Right-aligned above the line, else below it, else further up or down. */
        point spots[] = {{b.x - 4, b.y}, {b.x - 4, b.y + 17}, {b.x - 4, b.y - 14}, {b.x - 4, b.y + 31}};
        snprintf(text, sizeof text, "%s %s %s", v->compute[i].name, rpt_fmt_num(g, num, sizeof num),
                 rpt_compute_unit(v->compute[i].name));
        label(c, spots, 4, 0.0, 1, compute_color, text);
    }
}

static void ridges(chart *c, const rpt_profile *v, int device)
{
    rpt_buf *b = c->b;
    const char *color = c->compare ? rpt_series_color(device) : COMPUTE_COLOR;
    double bottom = c->p->top + c->p->plot_h;
    char num[32], text[96];
    for (int i = 0; i < v->n_ridges; i++) {
        const rpt_ridge *r = &v->ridges[i];
        if (!isfinite(r->gflops))
            continue;
        double x = px(c, r->flop_per_byte), y = py(c, r->gflops);
        rpt_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"0.8\" "
                          "stroke-dasharray=\"2 3\"/>\n",
                       x, y, x, bottom, color);
        rpt_buf_puts(b, "<circle class=\"ridge\" data-precision=\"");
        rpt_buf_xml(b, r->precision);
        rpt_buf_printf(b, "\" cx=\"%.2f\" cy=\"%.2f\" r=\"4\" fill=\"white\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
                       x, y, color);
        /* Upright along the dashed drop line, from the x axis up, where kernel points are rare. */
        point spots[] = {{x - 1, bottom - 6}, {x - 1, bottom - 110}, {x - 1, bottom - 220}};
        snprintf(text, sizeof text, "ridge %s %s", r->precision, rpt_fmt_num(r->flop_per_byte, num, sizeof num));
        label(c, spots, 3, -90.0, 0, color, text);
    }
}

/* A marker centred on (x, y): its shape says the bound. */
static void marker(rpt_buf *b, rpt_bound bound, double x, double y, const char *color)
{
    const char *style = "stroke=\"#222222\" stroke-width=\"0.8\"";
    if (bound == RPT_BOUND_MEMORY)
        rpt_buf_printf(b, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"5\" fill=\"%s\" %s/>", x, y, color, style);
    else if (bound == RPT_BOUND_COMPUTE)
        rpt_buf_printf(b, "<path d=\"M %.2f %.2f L %.2f %.2f L %.2f %.2f Z\" fill=\"%s\" %s/>", x, y - 6, x + 6,
                       y + 4.5, x - 6, y + 4.5, color, style);
    else
        rpt_buf_printf(b, "<rect x=\"%.2f\" y=\"%.2f\" width=\"9\" height=\"9\" fill=\"%s\" %s/>", x - 4.5, y - 4.5,
                       color, style);
}

static void kernel_title(rpt_buf *b, const rpt_profile *v, const rpt_kernel *k)
{
    char g[32], gbs[32], e[32];
    rpt_buf_puts(b, "<title>");
    rpt_buf_xml(b, v->device);
    rpt_buf_puts(b, ": ");
    rpt_buf_xml(b, k->family);
    rpt_buf_puts(b, " ");
    rpt_buf_xml(b, k->format);
    rpt_buf_puts(b, " ");
    rpt_buf_xml(b, k->shape);
    rpt_buf_printf(b, ", %s GFLOP/s, %s GB/s, %s of roof</title>", rpt_fmt_num(k->gflops, g, sizeof g),
                   rpt_fmt_num(k->gbs, gbs, sizeof gbs), rpt_fmt_percent(k->efficiency, e, sizeof e));
}

static void kernels(chart *c, const rpt_profile *v, int device)
{
    rpt_buf *b = c->b;
    for (int i = 0; i < v->n_kernels; i++) {
        const rpt_kernel *k = &v->kernels[i];
        if (!rpt_kernel_plotted(k))
            continue;
        double x = px(c, k->intensity), y = py(c, k->gflops);
        const char *color = rpt_series_color(c->compare ? device : family_index(k->family));
        rpt_buf_puts(b, "<g class=\"kernel\" data-family=\"");
        rpt_buf_xml(b, k->family);
        rpt_buf_puts(b, "\">");
        kernel_title(b, v, k);
        marker(b, k->bound, x, y, color);
        if (!c->compare)
            rpt_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" fill=\"#222222\">%d</text>", x + 6,
                           y - 5, i + 1);
        rpt_buf_puts(b, "</g>\n");
    }
}

/* One legend line at row ROW: a marker or a color swatch, then TEXT. */
static void legend_line(chart *c, int row, rpt_bound bound, const char *color, const char *text)
{
    double x = c->p->left + c->p->plot_w + 24, y = c->p->top + 8 + row * LINE_H;
    if (color)
        marker(c->b, bound, x, y - 4, color);
    rpt_buf_printf(c->b, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"11\">", x + (color ? 12 : -6), y);
    /* Keep within the legend column: cut long names (at a byte; names are ASCII in practice). */
    char cut[LEGEND_CHARS + 4];
    snprintf(cut, sizeof cut, "%.*s%s", LEGEND_CHARS, text, strlen(text) > LEGEND_CHARS ? "..." : "");
    rpt_buf_xml(c->b, cut);
    rpt_buf_puts(c->b, "</text>\n");
}

static int legend(chart *c, const rpt_profile *const *v, int n)
{
    int row = 0;
    legend_line(c, row++, RPT_BOUND_MEMORY, "#ffffff", "memory-bound kernel");
    legend_line(c, row++, RPT_BOUND_COMPUTE, "#ffffff", "compute-bound kernel");
    if (c->compare) {
        for (int d = 0; d < n; d++)
            legend_line(c, row++, RPT_BOUND_UNKNOWN, rpt_series_color(d), v[d]->device);
        return row;
    }
    legend_line(c, row++, RPT_BOUND_UNKNOWN, rpt_series_color(family_index("gemv")), "gemv");
    legend_line(c, row++, RPT_BOUND_UNKNOWN, rpt_series_color(family_index("attention")), "attention");
    legend_line(c, row++, RPT_BOUND_UNKNOWN, rpt_series_color(family_index("")), "other family");
    row++;
    for (int i = 0; i < v[0]->n_kernels; i++) {
        const rpt_kernel *k = &v[0]->kernels[i];
        if (!rpt_kernel_plotted(k))
            continue;
        char text[320];
        snprintf(text, sizeof text, "%d  %s %s %s", i + 1, k->family, k->format, k->shape);
        legend_line(c, row++, RPT_BOUND_UNKNOWN, NULL, text);
    }
    return row;
}

char *rpt_svg_roofline(const rpt_profile *const *profiles, int n, const rpt_plot *plot)
{
    rpt_plot fitted;
    if (!plot) {
        rpt_plot_fit(profiles, n, &fitted);
        plot = &fitted;
    }
    rpt_buf body, b;
    rpt_buf_init(&body);
    rpt_buf_init(&b);
    chart c = {.b = &body, .p = plot, .compare = n > 1};
    axes(&c);
    rpt_buf_printf(&body, "<defs><clipPath id=\"plot-area\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                          "height=\"%.2f\"/></clipPath></defs>\n<g clip-path=\"url(#plot-area)\">\n",
                   plot->left, plot->top, plot->plot_w, plot->plot_h);
    for (int d = 0; d < n; d++) {
        ceilings(&c, profiles[d], d);
        ridges(&c, profiles[d], d);
    }
    for (int d = 0; d < n; d++)
        kernels(&c, profiles[d], d);
    rpt_buf_puts(&body, "</g>\n");
    int rows = legend(&c, profiles, n);
    double height = fmax(plot->height, plot->top + 8 + rows * LINE_H + 20);

    rpt_buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                       "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
                   plot->width, height, plot->width, height);
    rpt_buf_printf(&b, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>\n", plot->width, height);
    rpt_buf_printf(&b, "<text class=\"chart-title\" x=\"%.2f\" y=\"22\" font-size=\"14\" font-weight=\"bold\">",
                   plot->left);
    if (n == 1) {
        rpt_buf_puts(&b, "Roofline: ");
        rpt_buf_xml(&b, profiles[0]->device);
    } else {
        rpt_buf_printf(&b, "Roofline comparison of %d devices", n);
    }
    rpt_buf_puts(&b, "</text>\n");
    char *inner = rpt_buf_take(&body);
    if (inner)
        rpt_buf_puts(&b, inner);
    else
        b.failed = 1;
    free(inner);
    rpt_buf_puts(&b, "</svg>\n");
    return rpt_buf_take(&b);
}
