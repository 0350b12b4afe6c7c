/* GitHub-flavoured Markdown rendering of a report document (doc.h). */
#include "reports/doc.h"
#include "reports/markup.h"

static const rpt_markup markdown = {
    .escape = rpt_buf_md_cell,
    .title = {"\n## ", "\n\n"},
    .note = {"", "\n\n"},
    .none = "_none_\n",
    .head = {"|", "\n|"},
    .head_cell = {" ", " |"},
    .rule_cell = "---|",
    .body = "\n",
    .row = {"|", "\n"},
    .cell = {" ", " |"},
    .end = "",
};

static void tables(rpt_buf *b, const rpt_tables *list)
{
    for (int i = 0; list && i < list->n; i++)
        if (!list->items[i]->html_only)
            rpt_markup_table(b, &markdown, list->items[i]);
}

/* File names here are slugs (letters, digits, '-') with an extension: no escaping needed in a link. */
char *rpt_markdown(const rpt_doc *doc)
{
    rpt_buf b;
    rpt_buf_init(&b);
    rpt_markup_text(&b, &markdown, "# ", doc->title, "\n\n");
    if (doc->subtitle)
        rpt_markup_text(&b, &markdown, markdown.note[0], doc->subtitle, markdown.note[1]);
    if (doc->html_file)
        rpt_buf_printf(&b, "Full report, with every kernel and measurement: [%s](%s)\n", doc->html_file,
                       doc->html_file);
    tables(&b, doc->head);
    if (doc->n_figures > 0)
        rpt_buf_puts(&b, "\n## Charts\n\n");
    for (int i = 0; i < doc->n_figures; i++) {
        rpt_markup_text(&b, &markdown, "![", doc->figures[i].id, "](");
        rpt_buf_puts(&b, doc->figures[i].file);
        rpt_markup_text(&b, &markdown, ")\n", doc->figures[i].caption, "\n\n");
    }
    tables(&b, doc->body);
    return rpt_buf_take(&b);
}
