#ifndef OCLAB_REPORTS_MARKUP_H
#define OCLAB_REPORTS_MARKUP_H
/* The syntax of one output format (HTML, Markdown): html.c and markdown.c walk a table the same way
 * and differ only in these strings and in how they escape text. Internal to reports/. */
#include "reports/table.h"
#include "reports/text_buf.h"

typedef struct {
    void (*escape)(rpt_buf *b, const char *text);
    const char *title[2];     /* around a table's title */
    const char *note[2];      /* around its note */
    const char *none;         /* a table without rows */
    const char *head[2];      /* around the header row */
    const char *head_cell[2]; /* around a header cell */
    const char *rule_cell;    /* once per column after the header row, or "" */
    const char *body;         /* after that */
    const char *row[2];       /* around a body row */
    const char *cell[2];      /* around a body cell */
    const char *end;          /* after the last row */
    int html;                 /* row marks, cell details and folded tables are HTML's */
} rpt_markup;

/* OPEN, TEXT escaped, CLOSE. */
void rpt_markup_text(rpt_buf *b, const rpt_markup *m, const char *open, const char *text, const char *close);

/* Title, note (if any), then the rows or M->none. In HTML a marked row gets the mark as its class, a
 * cell's detail unfolds from it (<details>), and a collapsed table folds under its title. */
void rpt_markup_table(rpt_buf *b, const rpt_markup *m, const rpt_table *t);

#endif
