/* Growable text buffer (text_buf.h). */
#include "reports/text_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rpt_buf_init(rpt_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

void rpt_buf_free(rpt_buf *b)
{
    free(b->data);
    rpt_buf_init(b);
}

/* Room for EXTRA more bytes plus the terminator; 0 ok, -1 (and sticky failure) otherwise. */
static int reserve(rpt_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) {
        b->failed = 1;
        return -1;
    }
    b->data = data;
    b->cap = cap;
    return 0;
}

static void append(rpt_buf *b, const char *text, size_t n)
{
    if (reserve(b, n) != 0)
        return;
    memcpy(b->data + b->len, text, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void rpt_buf_puts(rpt_buf *b, const char *text)
{
    append(b, text, strlen(text));
}

void rpt_buf_printf(rpt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (reserve(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void rpt_buf_xml(rpt_buf *b, const char *text)
{
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '&': rpt_buf_puts(b, "&amp;"); break;
        case '<': rpt_buf_puts(b, "&lt;"); break;
        case '>': rpt_buf_puts(b, "&gt;"); break;
        case '"': rpt_buf_puts(b, "&quot;"); break;
        case '\'': rpt_buf_puts(b, "&#39;"); break;
        default: append(b, p, 1);
        }
    }
}

void rpt_buf_md_cell(rpt_buf *b, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '|')
            rpt_buf_puts(b, "\\|");
        else if (*p == '<') /* GitHub renders raw HTML inside cells */
            rpt_buf_puts(b, "&lt;");
        else if (*p == '\n' || *p == '\r')
            rpt_buf_puts(b, " ");
        else
            append(b, p, 1);
    }
}

char *rpt_buf_take(rpt_buf *b)
{
    char *out = NULL;
    if (!b->failed) {
        out = b->data ? b->data : strdup("");
        b->data = NULL;
    }
    rpt_buf_free(b);
    return out;
}
