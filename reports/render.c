/* oclab report: profiles to files (report.h). */
#include "reports/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/compare.h"
#include "reports/doc.h"
#include "reports/sections.h"
#include "reports/svg.h"
#include "reports/sweep.h"
#include "reports/view.h"
#include "reports/write.h"
#include "roofline/atomic_file.h"

/* Each rendered document: three per device, three for the comparison. */
typedef struct {
    char **path;
    char **text;
    int n, cap;
    int failed;
} file_set;

static void set_add(file_set *s, const char *dir, const char *stem, const char *ext, char *text)
{
    if (!s->failed && s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 8;
        char **p = realloc(s->path, (size_t)cap * sizeof *p);
        if (p)
            s->path = p;
        char **t = p ? realloc(s->text, (size_t)cap * sizeof *t) : NULL;
        if (t)
            s->text = t;
        if (!p || !t)
            s->failed = 1;
        else
            s->cap = cap;
    }
    size_t len = strlen(dir) + strlen(stem) + strlen(ext) + 3;
    char *path = malloc(len);
    if (s->failed || !path || !text) {
        s->failed = 1;
        free(path);
        free(text);
        return;
    }
    snprintf(path, len, "%s/%s.%s", dir, stem, ext);
    s->path[s->n] = path;
    s->text[s->n++] = text;
}

static void set_free(file_set *s)
{
    for (int i = 0; i < s->n; i++) {
        free(s->path[i]);
        free(s->text[i]);
    }
    free(s->path);
    free(s->text);
}

/* Up to this many charts per document: the roofline, one per family, the sweep. */
#define MAX_FIGURES 8

typedef struct {
    rpt_figure items[MAX_FIGURES];
    char ids[MAX_FIGURES][64], captions[MAX_FIGURES][512], files[MAX_FIGURES][160];
    int n;
    int failed;
} figures;

/* Adds chart SVG (taken; NULL marks the set failed) as STEM-SUFFIX.svg ("" suffix: STEM.svg). */
static void add_figure(figures *f, const char *id, const char *stem, const char *suffix, const char *caption, char *svg)
{
    if (!svg || f->n == MAX_FIGURES) {
        f->failed = 1;
        free(svg);
        return;
    }
    int i = f->n++;
    snprintf(f->ids[i], sizeof f->ids[i], "%s", id);
    snprintf(f->captions[i], sizeof f->captions[i], "%s", caption);
    snprintf(f->files[i], sizeof f->files[i], "%s%s%s.svg", stem, suffix[0] ? "-" : "", suffix);
    f->items[i] = (rpt_figure){f->ids[i], f->captions[i], svg, f->files[i]};
}

static void figures_free(figures *f)
{
    for (int i = 0; i < f->n; i++)
        free((char *)f->items[i].svg);
    f->n = 0;
}

/* Renders DOC's HTML and Markdown and adds them, with each figure's SVG (handed over), under STEM:
 * STEM.html, STEM.svg (the first figure), STEM.md, then the other figures. */
static void add_documents(file_set *s, const char *dir, const char *stem, figures *f, rpt_doc *doc)
{
    doc->figures = f->items;
    doc->n_figures = f->n;
    if (f->failed || f->n == 0 || (doc->head && !rpt_tables_ok(doc->head)) || (doc->body && !rpt_tables_ok(doc->body))) {
        s->failed = 1;
        figures_free(f);
        return;
    }
    set_add(s, dir, stem, "html", rpt_html(doc));
    char **svg = malloc((size_t)f->n * sizeof *svg);
    if (!svg) {
        s->failed = 1;
        figures_free(f);
        return;
    }
    for (int i = 0; i < f->n; i++)
        svg[i] = (char *)f->items[i].svg;
    char *md = rpt_markdown(doc);
    f->n = 0; /* the texts now belong to the file set */
    set_add(s, dir, stem, "svg", svg[0]);
    set_add(s, dir, stem, "md", md);
    for (int i = 1; i < doc->n_figures; i++) {
        char sub[192];
        snprintf(sub, sizeof sub, "%.*s", (int)(strlen(doc->figures[i].file) - 4), doc->figures[i].file);
        set_add(s, dir, sub, "svg", svg[i]);
    }
    free(svg);
}

static const char *json_string(const cJSON *obj, const char *key, const char *fallback)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(item) ? item->valuestring : fallback;
}

static void device_figures(figures *f, const rpt_profile *v)
{
    const rpt_profile *one[] = {v};
    add_figure(f, "roofline", v->slug, "",
               "Every placed kernel: shape by family, colour by format, filled for M = 1 and hollow for M > 1, grey "
               "crosses for baselines. Hover a mark for the kernel, its variant and its figures.",
               rpt_svg_roofline(one, 1, NULL, NULL));
    if (rpt_roofline_crowded(v)) {
        const char *families[8];
        int n = rpt_kernel_families(v, families, 8);
        for (int i = 0; i < n; i++) {
            char id[64], caption[160];
            snprintf(id, sizeof id, "roofline-%s", families[i]);
            snprintf(caption, sizeof caption, "The %s kernels alone, on the same roof.", families[i]);
            rpt_roofline_opts opts = {id, families[i]};
            add_figure(f, id, v->slug, id, caption, rpt_svg_roofline(one, 1, NULL, &opts));
        }
    }
    if (rpt_sweep_present(v))
        add_figure(f, "bandwidth-sweep", v->slug, "bandwidth",
                   "Bandwidth against working set per STREAM kernel; the bands are the memory ceilings over the "
                   "sizes they were taken from, the dashed line the last-level cache.",
                   rpt_svg_sweep(v));
}

static void render_device(file_set *s, const char *dir, const rpt_profile *v)
{
    char title[320], subtitle[1024];
    const cJSON *tool = cJSON_GetObjectItemCaseSensitive(v->json, "tool");
    snprintf(title, sizeof title, "oclab report: %s", v->device);
    snprintf(subtitle, sizeof subtitle, "Profile %s, measured %s on %s with oclab %s (%s).", v->source,
             json_string(v->json, "date", "(no date)"), json_string(v->json, "host", "(unknown host)"),
             json_string(tool, "version", "?"), json_string(tool, "git", "?"));
    rpt_tables head, body;
    rpt_tables_init(&head);
    rpt_tables_init(&body);
    rpt_head_tables(v, &head);
    rpt_device_tables(v, &body);
    figures f = {0};
    device_figures(&f, v);
    char html[128];
    snprintf(html, sizeof html, "%s.html", v->slug);
    rpt_doc doc = {.title = title, .subtitle = subtitle, .head = &head, .body = &body, .html_file = html};
    add_documents(s, dir, v->slug, &f, &doc);
    rpt_tables_free(&head);
    rpt_tables_free(&body);
}

static void render_compare(file_set *s, const char *dir, const rpt_profile *const *v, int n)
{
    char subtitle[128];
    snprintf(subtitle, sizeof subtitle, "%d devices, each from its own profile; the chart overlays their "
                                        "rooflines and placed kernels.", n);
    rpt_tables head, body;
    rpt_tables_init(&head);
    rpt_tables_init(&body);
    rpt_compare_tables(v, n, &head, &body);
    figures f = {0};
    add_figure(&f, "roofline", "compare", "",
               "Every device's ceilings and placed kernels: colour by device, shape by family, hollow for M > 1.",
               rpt_svg_roofline(v, n, NULL, NULL));
    rpt_doc doc = {.title = "oclab comparison", .subtitle = subtitle, .head = &head, .body = &body,
                   .html_file = "compare.html"};
    add_documents(s, dir, "compare", &f, &doc);
    rpt_tables_free(&head);
    rpt_tables_free(&body);
}

/* Makes each slug unique among the first I and distinct from "compare" by appending -2, -3 ... */
static void unique_slug(rpt_profile *v, int i)
{
    char base[sizeof v[i].slug];
    memcpy(base, v[i].slug, sizeof base);
    for (int k = 2;; k++) {
        int taken = strcmp(v[i].slug, "compare") == 0;
        for (int j = 0; j < i && !taken; j++)
            taken = strcmp(v[j].slug, v[i].slug) == 0;
        if (!taken)
            return;
        char suffix[16];
        int len = snprintf(suffix, sizeof suffix, "-%d", k);
        snprintf(v[i].slug, sizeof v[i].slug, "%.*s%s", (int)sizeof v[i].slug - 1 - len, base, suffix);
    }
}

void rpt_outputs_free(rpt_outputs *out)
{
    for (int i = 0; out && i < out->n; i++)
        free(out->paths[i]);
    if (out) {
        free(out->paths);
        out->paths = NULL;
        out->n = 0;
    }
}

void rpt_files_free(rpt_files *files)
{
    for (int i = 0; files && i < files->n; i++) {
        free(files->paths[i]);
        free(files->texts[i]);
    }
    if (files) {
        free(files->paths);
        free(files->texts);
        memset(files, 0, sizeof *files);
    }
}

int rpt_render_files(const cJSON *const *profiles, const char *const *names, int n, const char *out_dir,
                     rpt_files *out, char *err, size_t err_len)
{
    int rc = -1, read = 0;
    file_set files = {0};
    rpt_profile *views = calloc(n > 0 ? (size_t)n : 1, sizeof *views);
    const rpt_profile **ptrs = calloc(n > 0 ? (size_t)n : 1, sizeof *ptrs);
    memset(out, 0, sizeof *out);
    if (!views || !ptrs) {
        snprintf(err, err_len, "out of memory");
        goto cleanup;
    }
    if (n < 1) {
        snprintf(err, err_len, "no profile given");
        goto cleanup;
    }
    for (; read < n; read++) {
        char why[512];
        const char *name = names && names[read] ? names[read] : "profile";
        if (rpt_profile_read(profiles[read], name, &views[read], why, sizeof why) != 0) {
            snprintf(err, err_len, "%s: %s", name, why);
            goto cleanup;
        }
        unique_slug(views, read);
        ptrs[read] = &views[read];
    }
    for (int i = 0; i < n; i++)
        render_device(&files, out_dir, &views[i]);
    if (n > 1)
        render_compare(&files, out_dir, ptrs, n);
    if (files.failed) {
        snprintf(err, err_len, "out of memory rendering the reports");
        goto cleanup;
    }
    out->paths = files.path;
    out->texts = files.text;
    out->n = files.n;
    memset(&files, 0, sizeof files);
    rc = 0;
cleanup:
    set_free(&files);
    for (int i = 0; i < read; i++)
        rpt_profile_free(&views[i]);
    free(views);
    free(ptrs);
    return rc;
}

int rpt_render(const cJSON *const *profiles, const char *const *names, int n, const char *out_dir,
               rpt_outputs *written, char *err, size_t err_len)
{
    int created = 0;
    rpt_files files;
    if (written) {
        written->paths = NULL;
        written->n = 0;
    }
    if (rpt_render_files(profiles, names, n, out_dir, &files, err, err_len) != 0)
        return -1;
    if (rpt_make_dirs(out_dir, &created, err, err_len) != 0) {
        rpt_files_free(&files);
        return -1;
    }
    if (rl_write_files_atomic((const char *const *)files.paths, (const char *const *)files.texts, files.n, err,
                              err_len) != 0) {
        rpt_remove_created(out_dir, created);
        rpt_files_free(&files);
        return -1;
    }
    if (written) {
        /* Hand the path strings over instead of copying them. */
        written->paths = files.paths;
        written->n = files.n;
        for (int i = 0; i < files.n; i++)
            free(files.texts[i]);
        free(files.texts);
    } else {
        rpt_files_free(&files);
    }
    return 0;
}
