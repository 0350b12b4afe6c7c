#ifndef OCLAB_REPORTS_TABLE_H
#define OCLAB_REPORTS_TABLE_H
/* A titled table of plain-text cells, built once from a profile and rendered by html.c and
 * markdown.c, so both formats show the same rows. Cells hold raw text; renderers escape it. */
#include <stddef.h>

typedef struct {
    char *title;
    char *note;    /* a sentence under the title, or NULL */
    int n_cols;
    char **header; /* n_cols */
    char **cells;  /* row-major; the last row may be incomplete while it is being filled */
    char **details; /* beside cells: more text behind a cell (HTML shows it on demand), or NULL */
    size_t n_cells, cap_cells;
    char **row_class; /* per row: a word that marks it ("flag"), or NULL */
    int cap_rows;
    int html_only;  /* a detail of the HTML report, left out of the Markdown summary */
    int collapsed;  /* HTML: folded under its title until opened */
    int failed;    /* an allocation failed: the table is incomplete */
} rpt_table;

/* A table with N_COLS columns named HEADER[0..N_COLS); NULL when out of memory. */
rpt_table *rpt_table_new(const char *title, int n_cols, const char *const *header);
void rpt_table_free(rpt_table *t);
void rpt_table_set_note(rpt_table *t, const char *note);

/* Appends the next cell (rows fill left to right); a printf format. */
void rpt_table_cell(rpt_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The next cell with DETAIL behind it (NULL: none). */
void rpt_table_cell_detail(rpt_table *t, const char *detail, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Marks the row being filled (the next cell's) with CLS. */
void rpt_table_row_class(rpt_table *t, const char *cls);

/* Rows so far (a partly filled last row counts) and the cell at ROW, COL ("" past the end); its detail
 * and the row's mark (NULL when none). */
int rpt_table_rows(const rpt_table *t);
const char *rpt_table_at(const rpt_table *t, int row, int col);
const char *rpt_table_detail_at(const rpt_table *t, int row, int col);
const char *rpt_table_class_of(const rpt_table *t, int row);

/* A list of tables: the body of a report. */
typedef struct {
    rpt_table **items;
    int n, cap;
    int failed;
} rpt_tables;

void rpt_tables_init(rpt_tables *list);
/* Takes ownership of T (NULL marks the list failed). */
void rpt_tables_add(rpt_tables *list, rpt_table *t);
void rpt_tables_free(rpt_tables *list);
/* Whether every table was built completely. */
int rpt_tables_ok(const rpt_tables *list);

#endif
