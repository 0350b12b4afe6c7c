/* HTML rendering of a report document (doc.h). */
#include "reports/doc.h"
#include "reports/markup.h"

static const char *const style =
    "body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1280px;padding:0 1em;color:#222}"
    "h1{font-size:1.5em;margin-bottom:0.2em}h2{font-size:1.1em;margin:1.4em 0 0.3em;border-bottom:1px solid #ddd}"
    "table{border-collapse:collapse;font-size:0.85em;margin:0.4em 0}"
    "th,td{border:1px solid #ccc;padding:2px 7px;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}tr:nth-child(even) td{background:#fafafa}"
    "td{max-width:32em;overflow-wrap:anywhere}.note{color:#555;font-size:0.9em;margin:0.2em 0 0.4em}"
    "tr.flag td{background:#fdecea}tr.flag td:last-child{color:#a61b1b;font-weight:bold}"
    ".head{display:flex;flex-wrap:wrap;gap:0 2.5em;align-items:flex-start}.head section{max-width:38em}.head section:last-child{max-width:none}"
    "figure{margin:1em 0;overflow-x:auto}figcaption{color:#555;font-size:0.85em;max-width:60em}"
    ".figures{display:flex;flex-wrap:wrap;gap:0 1.5em}"
    "details.section>summary{font-size:1.1em;font-weight:bold;cursor:pointer;margin:1.4em 0 0.3em}"
    "td details summary{cursor:pointer}.detail{white-space:pre-line;font-size:0.9em;color:#444}";

static const rpt_markup html = {
    .escape = rpt_buf_xml,
    .title = {"<h2>", "</h2>\n"},
    .note = {"<p class=\"note\">", "</p>\n"},
    .none = "<p>none</p>\n",
    .head = {"<table>\n<thead><tr>", "</tr></thead>\n<tbody>\n"},
    .head_cell = {"<th>", "</th>"},
    .rule_cell = "",
    .body = "",
    .row = {"<tr>", "</tr>\n"},
    .cell = {"<td>", "</td>"},
    .end = "</tbody>\n</table>\n",
    .html = 1,
};

static void tables(rpt_buf *b, const rpt_tables *list, const char *open, const char *close)
{
    for (int i = 0; list && i < list->n; i++) {
        rpt_buf_puts(b, open);
        rpt_markup_table(b, &html, list->items[i]);
        rpt_buf_puts(b, close);
    }
}

char *rpt_html(const rpt_doc *doc)
{
    rpt_buf b;
    rpt_buf_init(&b);
    rpt_markup_text(&b, &html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
                    doc->title, "</title>\n<style>");
    rpt_buf_puts(&b, style);
    rpt_markup_text(&b, &html, "</style>\n</head>\n<body>\n<h1>", doc->title, "</h1>\n");
    if (doc->subtitle)
        rpt_markup_text(&b, &html, html.note[0], doc->subtitle, html.note[1]);
    rpt_buf_puts(&b, "<div class=\"head\">\n");
    tables(&b, doc->head, "<section>\n", "</section>\n");
    rpt_buf_puts(&b, "</div>\n<div class=\"figures\">\n");
    for (int i = 0; i < doc->n_figures; i++) {
        const rpt_figure *f = &doc->figures[i];
        rpt_markup_text(&b, &html, "<figure id=\"", f->id, "\">\n");
        rpt_buf_puts(&b, f->svg);
        rpt_markup_text(&b, &html, "<figcaption>", f->caption, "</figcaption>\n</figure>\n");
    }
    rpt_buf_puts(&b, "</div>\n");
    tables(&b, doc->body, "", "");
    rpt_buf_puts(&b, "</body>\n</html>\n");
    return rpt_buf_take(&b);
}
