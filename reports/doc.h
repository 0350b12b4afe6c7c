#ifndef OCLAB_REPORTS_DOC_H
#define OCLAB_REPORTS_DOC_H
/* One report document: a title, a line under it, the roofline chart and a list of tables. html.c and
 * markdown.c render the same document. */
#include "reports/table.h"

typedef struct {
    const char *title;
    const char *subtitle;  /* plain text, or NULL */
    const char *svg;       /* the chart's SVG text, inlined in HTML */
    const char *svg_file;  /* its file name beside the document, linked from Markdown */
    const rpt_tables *tables;
} rpt_doc;

/* Self-contained HTML (inline CSS and SVG); malloc'd, NULL when out of memory. */
char *rpt_html(const rpt_doc *doc);

/* GitHub-flavoured Markdown; malloc'd, NULL when out of memory. */
char *rpt_markdown(const rpt_doc *doc);

#endif
