#ifndef OCLAB_REPORTS_CHART_H
#define OCLAB_REPORTS_CHART_H
/* What the log-log charts (the roofline, the bandwidth sweep) share: the axes with a gridline and a
 * label per decade and minor ticks between, text labels placed clear of each other and of the marks
 * (or not at all), a legend column right of the plot, and the <svg> document around it all.
 * Internal to reports/. */
#include <stddef.h>

#include "reports/plot.h"
#include "reports/text_buf.h"

#define RPT_CHART_MAX_AVOID 1024

typedef struct {
    double x, y;
} rpt_point;

/* A label's midline (or a mark, of length 0): what other labels keep clear of. */
typedef struct {
    rpt_point from;
    double dx, dy; /* unit direction */
    double len;    /* px */
} rpt_span;

typedef struct {
    rpt_buf *b;
    const rpt_plot *p;
    rpt_span avoid[RPT_CHART_MAX_AVOID];
    int n_avoid;
    int legend_rows;
} rpt_chart;

typedef char *(*rpt_tick_fn)(double v, char *out, size_t out_len);

void rpt_chart_init(rpt_chart *c, rpt_buf *b, const rpt_plot *p);

/* Pixel of a data value on the x and y axes. */
double rpt_chart_px(const rpt_chart *c, double x);
double rpt_chart_py(const rpt_chart *c, double y);

/* Gridlines and labels at each decade, minor ticks at 2..9 times it, the frame, the axis titles. */
void rpt_chart_axes(rpt_chart *c, const char *x_title, const char *y_title, rpt_tick_fn x_tick, rpt_tick_fn y_tick);

/* Opens and closes a group clipped to the plot area; ID names the clip path (unique in a page). */
void rpt_chart_clip_begin(rpt_chart *c, const char *id);
void rpt_chart_clip_end(rpt_chart *c);

/* A mark at pixel (X, Y) that labels keep clear of, or a line from A to B. */
void rpt_chart_avoid(rpt_chart *c, double x, double y);
void rpt_chart_avoid_line(rpt_chart *c, rpt_point a, rpt_point b);

/* Writes TEXT (class "label") at the first of SPOTS[0..N) where it clears every label and mark so far
 * and stays inside the plot area, rotated by ANGLE degrees and lifted off its line; right-aligned on
 * the spot when END_ANCHOR. Returns 1, or 0 (nothing written) when no spot is clear. */
int rpt_chart_label(rpt_chart *c, const rpt_point *spots, int n, double angle, int end_anchor, const char *color,
                    const char *text);

/* Where legend row ROW starts (the legend runs down the column right of the plot), counting rows. */
rpt_point rpt_chart_legend_row(rpt_chart *c);

/* Legend text at AT (after a symbol of 14 px), bold for a group heading. */
void rpt_chart_legend_text(rpt_chart *c, rpt_point at, int heading, const char *text);

/* The <svg class="CLS"> document: white background, TITLE, then BODY (taken); tall enough for the
 * legend's rows. Malloc'd, NULL when out of memory. */
char *rpt_chart_document(const rpt_chart *c, const char *cls, const char *title, rpt_buf *body);

#endif
