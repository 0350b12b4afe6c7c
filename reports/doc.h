#ifndef OCLAB_REPORTS_DOC_H
#define OCLAB_REPORTS_DOC_H
/* One report document: a title, a line under it, the head (the numbers a reader wants first), the
 * charts, then the details. html.c and markdown.c render the same document; the Markdown leaves out
 * the tables marked html_only and links the charts' files instead of inlining them. */
#include "reports/table.h"

typedef struct {
    const char *id;      /* the chart's HTML id ("roofline", "bandwidth-sweep") */
    const char *caption; /* one sentence under it */
    const char *svg;     /* its SVG text, inlined in HTML */
    const char *file;    /* its file name beside the documents, linked from Markdown */
} rpt_figure;

typedef struct {
    const char *title;
    const char *subtitle;     /* plain text, or NULL */
    const rpt_tables *head;   /* may be NULL */
    const rpt_figure *figures;
    int n_figures;
    const rpt_tables *body;   /* may be NULL */
    const char *html_file;    /* the HTML report beside the Markdown, linked from it, or NULL */
} rpt_doc;

/* Self-contained HTML (inline CSS and SVG, no script); malloc'd, NULL when out of memory. */
char *rpt_html(const rpt_doc *doc);

/* GitHub-flavoured Markdown; malloc'd, NULL when out of memory. */
char *rpt_markdown(const rpt_doc *doc);

#endif
