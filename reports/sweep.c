/* The bandwidth sweep chart (sweep.h). */
#include "reports/sweep.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/chart.h"
#include "reports/fmt.h"
#include "reports/svg.h"

#define PLATEAU_COLOR "#2c3e50"
#define LLC_COLOR "#8e2c2c"

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* A point's bandwidth: the median of a statistics object, or a plain number. */
static double point_gbs(const cJSON *point)
{
    const cJSON *g = get(point, "gbs");
    const cJSON *m = cJSON_IsObject(g) ? get(g, "median") : g;
    return cJSON_IsNumber(m) ? m->valuedouble : NAN;
}

/* Whether POINT is drawn: a positive size and bandwidth, and not failed verification. */
static int usable(const cJSON *point, double *bytes, double *gbs)
{
    const cJSON *b = get(point, "bytes");
    *bytes = cJSON_IsNumber(b) ? b->valuedouble : NAN;
    *gbs = point_gbs(point);
    return *bytes > 0.0 && *gbs > 0.0 && isfinite(*gbs) && !cJSON_IsFalse(get(point, "verified"));
}

static int usable_points(const cJSON *kernel)
{
    int n = 0;
    double bytes, gbs;
    const cJSON *point;
    cJSON_ArrayForEach(point, get(kernel, "points"))
        n += usable(point, &bytes, &gbs);
    return n;
}

static const cJSON *sweep_kernels(const rpt_profile *v)
{
    return get(get(get(v->json, "measurements"), "bandwidth"), "kernels");
}

int rpt_sweep_present(const rpt_profile *v)
{
    const cJSON *kernel;
    cJSON_ArrayForEach(kernel, sweep_kernels(v))
    {
        if (usable_points(kernel) >= 2)
            return 1;
    }
    return 0;
}

static double llc_bytes(const rpt_profile *v)
{
    const cJSON *llc = get(get(v->json, "device"), "global_cache_bytes");
    return cJSON_IsNumber(llc) && llc->valuedouble > 0.0 ? llc->valuedouble : NAN;
}

static void fit(const rpt_profile *v, rpt_plot *p)
{
    double x_lo = INFINITY, x_hi = 0.0, y_lo = INFINITY, y_hi = 0.0, bytes, gbs;
    const cJSON *kernel, *point;
    cJSON_ArrayForEach(kernel, sweep_kernels(v))
    {
        cJSON_ArrayForEach(point, get(kernel, "points"))
        {
            if (!usable(point, &bytes, &gbs))
                continue;
            x_lo = fmin(x_lo, bytes);
            x_hi = fmax(x_hi, bytes);
            y_lo = fmin(y_lo, gbs);
            y_hi = fmax(y_hi, gbs);
        }
    }
    double llc = llc_bytes(v);
    if (isfinite(llc))
        x_hi = fmax(x_hi, 4.0 * llc);
    rpt_axis_decades(&p->x, x_lo, x_hi, 1.5, 2, 1e4, 1e9);
    rpt_axis_decades(&p->y, y_lo, y_hi, 1.5, 2, 1.0, 1000.0);
    rpt_plot_frame(p);
}

/* Axis ticks of a size in decimal units: "10 kB", "1 MB", "1 GB". */
static char *bytes_tick(double v, char *out, size_t out_len)
{
    static const struct {
        double scale;
        const char *unit;
    } units[] = {{1e12, "TB"}, {1e9, "GB"}, {1e6, "MB"}, {1e3, "kB"}, {1.0, "B"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (v >= units[i].scale * 0.999) {
            snprintf(out, out_len, "%.0f %s", v / units[i].scale, units[i].unit);
            return out;
        }
    }
    snprintf(out, out_len, "%g B", v);
    return out;
}

static void stream_line(rpt_chart *c, const cJSON *kernel, const char *color)
{
    rpt_buf *b = c->b;
    double bytes, gbs;
    char num[32], size[64];
    const cJSON *point;
    rpt_buf_puts(b, "<polyline class=\"stream\" data-kernel=\"");
    rpt_buf_xml(b, kernel->string ? kernel->string : "?");
    rpt_buf_printf(b, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"", color);
    cJSON_ArrayForEach(point, get(kernel, "points"))
    {
        if (usable(point, &bytes, &gbs))
            rpt_buf_printf(b, "%.2f,%.2f ", rpt_chart_px(c, bytes), rpt_chart_py(c, gbs));
    }
    rpt_buf_puts(b, "\"/>\n");
    cJSON_ArrayForEach(point, get(kernel, "points"))
    {
        if (!usable(point, &bytes, &gbs))
            continue;
        rpt_buf_printf(b, "<circle class=\"point\" cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\"><title>",
                       rpt_chart_px(c, bytes), rpt_chart_py(c, gbs), color);
        rpt_buf_xml(b, kernel->string ? kernel->string : "?");
        rpt_buf_printf(b, ": %s, %s GB/s</title></circle>\n", rpt_fmt_size(bytes, size, sizeof size),
                       rpt_fmt_num(gbs, num, sizeof num));
    }
}

/* Each memory ceiling over the sizes it was taken from, or across the chart when the profile does not
 * say; labelled where clear. */
static void plateaus(rpt_chart *c, const rpt_profile *v)
{
    const cJSON *entry;
    char num[32], text[96];
    cJSON_ArrayForEach(entry, get(get(v->json, "ceilings"), "memory"))
    {
        const cJSON *level = get(entry, "level"), *gbs = get(entry, "gbs");
        const cJSON *lo = get(entry, "bytes_min"), *hi = get(entry, "bytes_max");
        if (!cJSON_IsString(level) || !cJSON_IsNumber(gbs) || !(gbs->valuedouble > 0.0))
            continue;
        int ranged = cJSON_IsNumber(lo) && cJSON_IsNumber(hi) && lo->valuedouble > 0.0 && hi->valuedouble >= lo->valuedouble;
        double x0 = ranged ? rpt_chart_px(c, lo->valuedouble) - 6 : c->p->left;
        double x1 = ranged ? rpt_chart_px(c, hi->valuedouble) + 6 : c->p->left + c->p->plot_w;
        double y = rpt_chart_py(c, gbs->valuedouble);
        rpt_buf_puts(c->b, "<line class=\"plateau\" data-level=\"");
        rpt_buf_xml(c->b, level->valuestring);
        rpt_buf_printf(c->b, "\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"%s\" "
                             "stroke-opacity=\"0.35\" stroke-linecap=\"round\"%s/>\n",
                       x0, y, x1, y, PLATEAU_COLOR, ranged ? "7" : "1.5", ranged ? "" : " stroke-dasharray=\"6 4\"");
        snprintf(text, sizeof text, "%s %s GB/s", level->valuestring, rpt_fmt_num(gbs->valuedouble, num, sizeof num));
        rpt_point spots[] = {{x0, y - 6}, {x0, y + 22}, {x1 + 4, y + 8}, {x0 + 60, y - 6}, {x0 + 60, y + 22}};
        rpt_chart_label(c, spots, 5, 0.0, 0, PLATEAU_COLOR, text);
    }
}

static void llc(rpt_chart *c, const rpt_profile *v)
{
    double size = llc_bytes(v);
    if (!isfinite(size))
        return;
    const rpt_plot *p = c->p;
    double x = rpt_chart_px(c, size), x4 = fmin(rpt_chart_px(c, 4.0 * size), p->left + p->plot_w);
    rpt_buf_printf(c->b, "<rect class=\"transition\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                         "fill=\"#999999\" fill-opacity=\"0.12\"><title>between the last-level cache and 4x its size: "
                         "no memory level is taken here</title></rect>\n",
                   x, p->top, fmax(0.0, x4 - x), p->plot_h);
    rpt_buf_printf(c->b, "<line class=\"llc\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" "
                         "stroke-width=\"1.2\" stroke-dasharray=\"5 3\"/>\n",
                   x, p->top, x, p->top + p->plot_h, LLC_COLOR);
    char bytes[32], text[64];
    snprintf(text, sizeof text, "LLC %s", rpt_fmt_size(size, bytes, sizeof bytes));
    rpt_point spots[] = {{x - 4, p->top + 18}, {x - 4, p->top + 60}, {x + 4, p->top + 18}};
    if (!rpt_chart_label(c, spots, 2, 0.0, 1, LLC_COLOR, text))
        rpt_chart_label(c, spots + 2, 1, 0.0, 0, LLC_COLOR, text);
    /* Later labels keep off the line. */
    rpt_chart_avoid_line(c, (rpt_point){x, p->top}, (rpt_point){x, p->top + p->plot_h});
}

static void legend(rpt_chart *c, const rpt_profile *v)
{
    const cJSON *kernel;
    int i = 0;
    rpt_chart_legend_text(c, rpt_chart_legend_row(c), 1, "STREAM kernel");
    cJSON_ArrayForEach(kernel, sweep_kernels(v))
    {
        if (usable_points(kernel) < 1)
            continue;
        rpt_point at = rpt_chart_legend_row(c);
        rpt_buf_printf(c->b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"2\"/>",
                       at.x - 7, at.y, at.x + 7, at.y, rpt_series_color(i++));
        rpt_chart_legend_text(c, at, 0, kernel->string ? kernel->string : "?");
    }
    rpt_chart_legend_row(c);
    rpt_chart_legend_text(c, rpt_chart_legend_row(c), 1, "Ceiling over its sizes");
    const cJSON *entry;
    char num[32], text[96];
    cJSON_ArrayForEach(entry, get(get(v->json, "ceilings"), "memory"))
    {
        const cJSON *level = get(entry, "level"), *gbs = get(entry, "gbs");
        if (!cJSON_IsString(level) || !cJSON_IsNumber(gbs))
            continue;
        rpt_point at = rpt_chart_legend_row(c);
        rpt_buf_printf(c->b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"7\" "
                             "stroke-opacity=\"0.35\"/>",
                       at.x - 7, at.y, at.x + 7, at.y, PLATEAU_COLOR);
        snprintf(text, sizeof text, "%s %s GB/s", level->valuestring, rpt_fmt_num(gbs->valuedouble, num, sizeof num));
        rpt_chart_legend_text(c, at, 0, text);
    }
    if (isfinite(llc_bytes(v))) {
        rpt_point at = rpt_chart_legend_row(c);
        rpt_buf_printf(c->b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"1.2\" "
                             "stroke-dasharray=\"5 3\"/>",
                       at.x, at.y - 7, at.x, at.y + 7, LLC_COLOR);
        rpt_chart_legend_text(c, at, 0, "last-level cache (to 4x: shaded)");
    }
}

char *rpt_svg_sweep(const rpt_profile *v)
{
    if (!rpt_sweep_present(v))
        return NULL;
    rpt_plot plot;
    fit(v, &plot);
    rpt_buf body;
    rpt_buf_init(&body);
    rpt_chart c;
    rpt_chart_init(&c, &body, &plot);
    rpt_chart_axes(&c, "Working set (bytes, decimal)", "Bandwidth (GB/s, STREAM-counted)", bytes_tick,
                   rpt_fmt_tick);
    rpt_chart_clip_begin(&c, "clip-bandwidth-sweep");
    llc(&c, v);
    const cJSON *kernel, *point;
    double bytes, gbs;
    cJSON_ArrayForEach(kernel, sweep_kernels(v))
    {
        cJSON_ArrayForEach(point, get(kernel, "points"))
        {
            if (usable(point, &bytes, &gbs))
                rpt_chart_avoid(&c, rpt_chart_px(&c, bytes), rpt_chart_py(&c, gbs));
        }
    }
    plateaus(&c, v);
    int i = 0;
    cJSON_ArrayForEach(kernel, sweep_kernels(v))
    {
        if (usable_points(kernel) >= 1)
            stream_line(&c, kernel, rpt_series_color(i++));
    }
    rpt_chart_clip_end(&c);
    legend(&c, v);
    char title[320];
    snprintf(title, sizeof title, "Bandwidth sweep: %s", v->device);
    return rpt_chart_document(&c, "sweep", title, &body);
}
