/* Plain-text tables (table.h). */
#include "reports/table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

rpt_table *rpt_table_new(const char *title, int n_cols, const char *const *header)
{
    rpt_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->n_cols = n_cols;
    t->title = strdup(title);
    t->header = calloc((size_t)n_cols, sizeof *t->header);
    if (!t->title || !t->header) {
        rpt_table_free(t);
        return NULL;
    }
    for (int i = 0; i < n_cols; i++) {
        t->header[i] = strdup(header[i]);
        t->failed |= t->header[i] == NULL;
    }
    return t;
}

void rpt_table_set_note(rpt_table *t, const char *note)
{
    free(t->note);
    t->note = strdup(note);
    t->failed |= t->note == NULL;
}

/* Appends a cell of text FMT/AP with DETAIL (may be NULL). */
static void add_cell(rpt_table *t, const char *detail, const char *fmt, va_list ap)
{
    if (t->failed)
        return;
    if (t->n_cells == t->cap_cells) {
        size_t cap = t->cap_cells ? 2 * t->cap_cells : 64;
        char **cells = realloc(t->cells, cap * sizeof *cells);
        if (cells)
            t->cells = cells;
        char **details = cells ? realloc(t->details, cap * sizeof *details) : NULL;
        if (details)
            t->details = details;
        if (!cells || !details) {
            t->failed = 1;
            return;
        }
        t->cap_cells = cap;
    }
    char *cell = vformat(fmt, ap);
    char *more = detail ? strdup(detail) : NULL;
    if (!cell || (detail && !more)) {
        free(cell);
        free(more);
        t->failed = 1;
        return;
    }
    t->details[t->n_cells] = more;
    t->cells[t->n_cells++] = cell;
}

void rpt_table_cell(rpt_table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_cell(t, NULL, fmt, ap);
    va_end(ap);
}

void rpt_table_cell_detail(rpt_table *t, const char *detail, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_cell(t, detail, fmt, ap);
    va_end(ap);
}

void rpt_table_row_class(rpt_table *t, const char *cls)
{
    int row = (int)(t->n_cells / (size_t)t->n_cols);
    if (t->failed)
        return;
    if (row >= t->cap_rows) {
        int cap = row + 64;
        char **rows = realloc(t->row_class, (size_t)cap * sizeof *rows);
        if (!rows) {
            t->failed = 1;
            return;
        }
        memset(rows + t->cap_rows, 0, (size_t)(cap - t->cap_rows) * sizeof *rows);
        t->row_class = rows;
        t->cap_rows = cap;
    }
    free(t->row_class[row]);
    t->row_class[row] = strdup(cls);
    t->failed |= t->row_class[row] == NULL;
}

int rpt_table_rows(const rpt_table *t)
{
    return (int)((t->n_cells + (size_t)t->n_cols - 1) / (size_t)t->n_cols);
}

const char *rpt_table_at(const rpt_table *t, int row, int col)
{
    size_t i = (size_t)row * (size_t)t->n_cols + (size_t)col;
    return i < t->n_cells ? t->cells[i] : "";
}

const char *rpt_table_detail_at(const rpt_table *t, int row, int col)
{
    size_t i = (size_t)row * (size_t)t->n_cols + (size_t)col;
    return i < t->n_cells ? t->details[i] : NULL;
}

const char *rpt_table_class_of(const rpt_table *t, int row)
{
    return row < t->cap_rows ? t->row_class[row] : NULL;
}

void rpt_table_free(rpt_table *t)
{
    if (!t)
        return;
    for (int i = 0; t->header && i < t->n_cols; i++)
        free(t->header[i]);
    for (size_t i = 0; i < t->n_cells; i++) {
        free(t->cells[i]);
        free(t->details[i]);
    }
    for (int i = 0; i < t->cap_rows; i++)
        free(t->row_class[i]);
    free(t->header);
    free(t->cells);
    free(t->details);
    free(t->row_class);
    free(t->title);
    free(t->note);
    free(t);
}

void rpt_tables_init(rpt_tables *list)
{
    memset(list, 0, sizeof *list);
}

void rpt_tables_add(rpt_tables *list, rpt_table *t)
{
    if (!t) {
        list->failed = 1;
        return;
    }
    if (list->n == list->cap) {
        int cap = list->cap ? 2 * list->cap : 8;
        rpt_table **items = realloc(list->items, (size_t)cap * sizeof *items);
        if (!items) {
            list->failed = 1;
            rpt_table_free(t);
            return;
        }
        list->items = items;
        list->cap = cap;
    }
    list->items[list->n++] = t;
}

void rpt_tables_free(rpt_tables *list)
{
    for (int i = 0; i < list->n; i++)
        rpt_table_free(list->items[i]);
    free(list->items);
    rpt_tables_init(list);
}

int rpt_tables_ok(const rpt_tables *list)
{
    if (list->failed)
        return 0;
    for (int i = 0; i < list->n; i++)
        if (list->items[i]->failed)
            return 0;
    return 1;
}
