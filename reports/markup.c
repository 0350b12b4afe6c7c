/* A table in the syntax of one output format (markup.h). */
#include "reports/markup.h"

void rpt_markup_text(rpt_buf *b, const rpt_markup *m, const char *open, const char *text, const char *close)
{
    rpt_buf_puts(b, open);
    m->escape(b, text);
    rpt_buf_puts(b, close);
}

static void cell(rpt_buf *b, const rpt_markup *m, const char *text, const char *detail)
{
    if (!m->html || !detail) {
        rpt_markup_text(b, m, m->cell[0], text, m->cell[1]);
        return;
    }
    rpt_markup_text(b, m, "<td><details><summary>", text, "</summary><div class=\"detail\">");
    rpt_markup_text(b, m, "", detail, "</div></details></td>");
}

void rpt_markup_table(rpt_buf *b, const rpt_markup *m, const rpt_table *t)
{
    int folded = m->html && t->collapsed;
    if (folded)
        rpt_markup_text(b, m, "<details class=\"section\"><summary>", t->title, "</summary>\n");
    else
        rpt_markup_text(b, m, m->title[0], t->title, m->title[1]);
    if (t->note)
        rpt_markup_text(b, m, m->note[0], t->note, m->note[1]);
    int rows = rpt_table_rows(t);
    if (rows == 0) {
        rpt_buf_puts(b, m->none);
    } else {
        rpt_buf_puts(b, m->head[0]);
        for (int c = 0; c < t->n_cols; c++)
            rpt_markup_text(b, m, m->head_cell[0], t->header[c], m->head_cell[1]);
        rpt_buf_puts(b, m->head[1]);
        for (int c = 0; c < t->n_cols; c++)
            rpt_buf_puts(b, m->rule_cell);
        rpt_buf_puts(b, m->body);
        for (int r = 0; r < rows; r++) {
            const char *mark = rpt_table_class_of(t, r);
            if (m->html && mark)
                rpt_markup_text(b, m, "<tr class=\"", mark, "\">");
            else
                rpt_buf_puts(b, m->row[0]);
            for (int c = 0; c < t->n_cols; c++)
                cell(b, m, rpt_table_at(t, r, c), rpt_table_detail_at(t, r, c));
            rpt_buf_puts(b, m->row[1]);
        }
        rpt_buf_puts(b, m->end);
    }
    if (folded)
        rpt_buf_puts(b, "</details>\n");
}
