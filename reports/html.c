/* HTML rendering of a report document (doc.h). */
#include "reports/doc.h"
#include "reports/markup.h"

static const char *const style =
    "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ddd}"
    "table{border-collapse:collapse;font-size:0.85em;margin:0.5em 0}"
    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}tr:nth-child(even) td{background:#fafafa}"
    "td{max-width:40em;overflow-wrap:anywhere}.note{color:#555;font-size:0.9em}"
    ".chart{overflow-x:auto}";

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
};

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
    if (doc->svg) {
        rpt_buf_puts(&b, "<div class=\"chart\">\n");
        rpt_buf_puts(&b, doc->svg);
        rpt_buf_puts(&b, "</div>\n");
    }
    for (int i = 0; i < doc->tables->n; i++)
        rpt_markup_table(&b, &html, doc->tables->items[i]);
    rpt_buf_puts(&b, "</body>\n</html>\n");
    return rpt_buf_take(&b);
}
