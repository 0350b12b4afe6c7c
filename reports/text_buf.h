#ifndef OCLAB_REPORTS_TEXT_BUF_H
#define OCLAB_REPORTS_TEXT_BUF_H
/* A growable text buffer. Allocation failure is sticky: later appends do nothing and rpt_buf_take
 * returns NULL, so renderers check once at the end instead of after every append. */
#include <stddef.h>

typedef struct {
    char *data;
    size_t len, cap;
    int failed;
} rpt_buf;

void rpt_buf_init(rpt_buf *b);
void rpt_buf_free(rpt_buf *b);
void rpt_buf_puts(rpt_buf *b, const char *text);
void rpt_buf_printf(rpt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* TEXT with &, <, >, " and ' escaped: safe in XML/HTML text and attribute values. */
void rpt_buf_xml(rpt_buf *b, const char *text);

/* TEXT made safe for one Markdown table cell: '|' and '<' escaped, newlines turned into spaces. */
void rpt_buf_md_cell(rpt_buf *b, const char *text);

/* The NUL-terminated text, owned by the caller (free), or NULL after an allocation failure.
 * The buffer is left empty either way. */
char *rpt_buf_take(rpt_buf *b);

#endif
