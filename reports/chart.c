/* Log-log chart primitives (chart.h). */
#include "reports/chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEG_PER_RAD 57.29577951308232
#define LEGEND_LINE_H 16.0 /* px per legend row */
#define LEGEND_CHARS 40
/* Label geometry at font-size 11 in a wide sans-serif (DejaVu Sans: digits 0.64 em): a generous
 * width per character, the text box's centre 4 px above the baseline, and a gap between the midlines
 * of two labels larger than a text box is tall (about 13 px). */
#define CHAR_W 7.0
#define LIFT 4.0
#define MID_ABOVE_BASELINE 4.0
#define LABEL_GAP 15.0

void rpt_chart_init(rpt_chart *c, rpt_buf *b, const rpt_plot *p)
{
    memset(c, 0, sizeof *c);
    c->b = b;
    c->p = p;
}

double rpt_chart_px(const rpt_chart *c, double x)
{
    return rpt_axis_map(&c->p->x, x);
}

double rpt_chart_py(const rpt_chart *c, double y)
{
    return rpt_axis_map(&c->p->y, y);
}

void rpt_chart_axes(rpt_chart *c, const char *x_title, const char *y_title, rpt_tick_fn x_tick, rpt_tick_fn y_tick)
{
    const rpt_plot *p = c->p;
    rpt_buf *b = c->b;
    double bottom = p->top + p->plot_h, right = p->left + p->plot_w;
    char tick[32];
    rpt_buf_puts(b, "<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">\n");
    for (double v = p->x.lo; v <= p->x.hi * 1.0001; v *= 10.0)
        rpt_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", rpt_chart_px(c, v), p->top,
                       rpt_chart_px(c, v), bottom);
    for (double v = p->y.lo; v <= p->y.hi * 1.0001; v *= 10.0)
        rpt_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", p->left, rpt_chart_py(c, v), right,
                       rpt_chart_py(c, v));
    /* Minor ticks inside the frame at 2..9 times each decade. */
    rpt_buf_puts(b, "</g>\n<g class=\"minor-ticks\" stroke=\"#777777\" stroke-width=\"1\">\n");
    for (double d = p->x.lo; d < p->x.hi * 0.9999; d *= 10.0)
        for (int m = 2; m <= 9; m++)
            rpt_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", rpt_chart_px(c, d * m), bottom,
                           rpt_chart_px(c, d * m), bottom - 4);
    for (double d = p->y.lo; d < p->y.hi * 0.9999; d *= 10.0)
        for (int m = 2; m <= 9; m++)
            rpt_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", p->left, rpt_chart_py(c, d * m),
                           p->left + 4, rpt_chart_py(c, d * m));
    rpt_buf_puts(b, "</g>\n<g class=\"ticks\" font-size=\"11\" fill=\"#333333\">\n");
    for (double v = p->x.lo; v <= p->x.hi * 1.0001; v *= 10.0)
        rpt_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">%s</text>\n", rpt_chart_px(c, v),
                       bottom + 16, x_tick(v, tick, sizeof tick));
    for (double v = p->y.lo; v <= p->y.hi * 1.0001; v *= 10.0)
        rpt_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\">%s</text>\n", p->left - 6,
                       rpt_chart_py(c, v) + 4, y_tick(v, tick, sizeof tick));
    rpt_buf_puts(b, "</g>\n");
    rpt_buf_printf(b, "<rect class=\"frame\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" stroke=\"#333333\"/>\n",
                   p->left, p->top, p->plot_w, p->plot_h);
    rpt_buf_printf(b, "<text class=\"axis-title\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">", p->left + p->plot_w / 2,
                   bottom + 40);
    rpt_buf_xml(b, x_title);
    rpt_buf_printf(b, "</text>\n<text class=\"axis-title\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" "
                      "transform=\"rotate(-90 %.2f %.2f)\">",
                   p->left - 55, p->top + p->plot_h / 2, p->left - 55, p->top + p->plot_h / 2);
    rpt_buf_xml(b, y_title);
    rpt_buf_puts(b, "</text>\n");
}

void rpt_chart_clip_begin(rpt_chart *c, const char *id)
{
    const rpt_plot *p = c->p;
    rpt_buf_puts(c->b, "<defs><clipPath id=\"");
    rpt_buf_xml(c->b, id);
    rpt_buf_printf(c->b, "\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/></clipPath></defs>\n"
                         "<g clip-path=\"url(#",
                   p->left, p->top, p->plot_w, p->plot_h);
    rpt_buf_xml(c->b, id);
    rpt_buf_puts(c->b, ")\">\n");
}

void rpt_chart_clip_end(rpt_chart *c)
{
    rpt_buf_puts(c->b, "</g>\n");
}

static void add_avoid(rpt_chart *c, rpt_span s)
{
    if (c->n_avoid < RPT_CHART_MAX_AVOID)
        c->avoid[c->n_avoid++] = s;
}

void rpt_chart_avoid(rpt_chart *c, double x, double y)
{
    add_avoid(c, (rpt_span){{x, y}, 1.0, 0.0, 0.0});
}

void rpt_chart_avoid_line(rpt_chart *c, rpt_point a, rpt_point b)
{
    double len = hypot(b.x - a.x, b.y - a.y);
    add_avoid(c, (rpt_span){a, len > 0.0 ? (b.x - a.x) / len : 1.0, len > 0.0 ? (b.y - a.y) / len : 0.0, len});
}

/* The midline of TEXT's box anchored at AT, rotated by ANGLE, lifted off its line. */
static rpt_span span_of(rpt_point at, double angle, int end_anchor, size_t chars)
{
    double a = angle / DEG_PER_RAD, cs = cos(a), sn = sin(a), w = CHAR_W * (double)chars;
    /* Local frame: x along the text, y down; the midline sits LIFT + MID_ABOVE_BASELINE above AT. */
    double x0 = end_anchor ? -w : 0.0, y0 = -(LIFT + MID_ABOVE_BASELINE);
    return (rpt_span){{at.x + x0 * cs - y0 * sn, at.y + x0 * sn + y0 * cs}, cs, sn, w};
}

static int clash(const rpt_span *s, const rpt_span *t)
{
    for (double u = 0.0; u <= s->len + 0.01; u += 3.0)
        for (double v = 0.0; v <= t->len + 0.01; v += 3.0)
            if (hypot(s->from.x + u * s->dx - t->from.x - v * t->dx, s->from.y + u * s->dy - t->from.y - v * t->dy) <
                LABEL_GAP)
                return 1;
    return 0;
}

/* Both ends of S (and half a text height around them) inside the plot area. */
static int inside(const rpt_chart *c, const rpt_span *s)
{
    const rpt_plot *p = c->p;
    double half = LABEL_GAP / 2;
    for (int end = 0; end < 2; end++) {
        double x = s->from.x + end * s->len * s->dx, y = s->from.y + end * s->len * s->dy;
        if (x < p->left + half || x > p->left + p->plot_w - half || y < p->top + half || y > p->top + p->plot_h - half)
            return 0;
    }
    return 1;
}

int rpt_chart_label(rpt_chart *c, const rpt_point *spots, int n, double angle, int end_anchor, const char *color,
                    const char *text)
{
    for (int i = 0; i < n; i++) {
        rpt_span s = span_of(spots[i], angle, end_anchor, strlen(text));
        int clear = inside(c, &s);
        for (int j = 0; j < c->n_avoid && clear; j++)
            clear = !clash(&s, &c->avoid[j]);
        if (!clear)
            continue;
        add_avoid(c, s);
        rpt_point at = spots[i];
        rpt_buf_printf(c->b, "<text class=\"label\" x=\"%.2f\" y=\"%.2f\" font-size=\"11\" fill=\"%s\" "
                             "text-anchor=\"%s\" transform=\"rotate(%.2f %.2f %.2f) translate(0 -%.0f)\">",
                       at.x, at.y, color, end_anchor ? "end" : "start", angle, at.x, at.y, LIFT);
        rpt_buf_xml(c->b, text);
        rpt_buf_puts(c->b, "</text>\n");
        return 1;
    }
    return 0;
}

rpt_point rpt_chart_legend_row(rpt_chart *c)
{
    const rpt_plot *p = c->p;
    return (rpt_point){p->left + p->plot_w + 24, p->top + 8 + c->legend_rows++ * LEGEND_LINE_H};
}

void rpt_chart_legend_text(rpt_chart *c, rpt_point at, int heading, const char *text)
{
    rpt_buf_printf(c->b, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"11\"%s>", at.x + (heading ? -10 : 14), at.y + 4,
                   heading ? " font-weight=\"bold\"" : "");
    /* Keep within the legend column: cut long names (at a byte; names are ASCII in practice). */
    char cut[LEGEND_CHARS + 4];
    snprintf(cut, sizeof cut, "%.*s%s", LEGEND_CHARS, text, strlen(text) > LEGEND_CHARS ? "..." : "");
    rpt_buf_xml(c->b, cut);
    rpt_buf_puts(c->b, "</text>\n");
}

char *rpt_chart_document(const rpt_chart *c, const char *cls, const char *title, rpt_buf *body)
{
    const rpt_plot *p = c->p;
    double height = fmax(p->height, p->top + 8 + c->legend_rows * LEGEND_LINE_H + 20);
    rpt_buf b;
    rpt_buf_init(&b);
    rpt_buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"%s\" width=\"%.0f\" height=\"%.0f\" "
                       "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
                   cls, p->width, height, p->width, height);
    rpt_buf_printf(&b, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>\n", p->width, height);
    rpt_buf_printf(&b, "<text class=\"chart-title\" x=\"%.2f\" y=\"22\" font-size=\"14\" font-weight=\"bold\">", p->left);
    rpt_buf_xml(&b, title);
    rpt_buf_puts(&b, "</text>\n");
    char *inner = rpt_buf_take(body);
    if (inner)
        rpt_buf_puts(&b, inner);
    else
        b.failed = 1;
    free(inner);
    rpt_buf_puts(&b, "</svg>\n");
    return rpt_buf_take(&b);
}
