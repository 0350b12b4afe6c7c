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

char *rpt_markdown(const rpt_doc *doc)
{
    rpt_buf b;
    rpt_buf_init(&b);
    rpt_markup_text(&b, &markdown, "# ", doc->title, "\n\n");
    if (doc->subtitle)
        rpt_markup_text(&b, &markdown, markdown.note[0], doc->subtitle, markdown.note[1]);
    if (doc->svg_file) {
        rpt_buf_puts(&b, "![Roofline](");
        rpt_buf_puts(&b, doc->svg_file); /* a slug: letters, digits, '-' and ".svg" */
        rpt_buf_puts(&b, ")\n");
    }
    for (int i = 0; i < doc->tables->n; i++)
        rpt_markup_table(&b, &markdown, doc->tables->items[i]);
    return rpt_buf_take(&b);
}
