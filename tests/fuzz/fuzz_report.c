/* Fuzz target: `oclab report` in memory. The input holds up to four profiles separated by NUL bytes
 * (several make a comparison); each is parsed as the command parses a file, and all are checked and
 * rendered to HTML, SVG and Markdown without writing anything. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "reports/report.h"

#define MAX_PROFILES 4

/* Every number the chart places (coordinates, sizes, angles, path points) is finite: a NaN or inf
 * there is a broken chart. Reads the SVG's tags and their attributes; text from the profile never
 * holds a raw '<' or '"' (escaped), so it cannot pass for either. */
static int coordinates_ok(const char *svg)
{
    static const char *const numeric[] = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height"};
    for (const char *p = strchr(svg, '<'); p; p = strchr(p + 1, '<')) {
        const char *end = strchr(p, '>');
        if (!end)
            return 0;
        for (const char *q = p; (q = strstr(q, "=\"")) && q < end;) {
            const char *name = q;
            while (name > p && name[-1] != ' ')
                name--;
            const char *value = q + 2, *close = strchr(value, '"');
            if (!close)
                return 0;
            size_t len = (size_t)(q - name), vlen = (size_t)(close - value);
            char text[256];
            snprintf(text, sizeof text, "%.*s", (int)(vlen < sizeof text ? vlen : sizeof text - 1), value);
            for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++) {
                if (strlen(numeric[i]) == len && strncmp(name, numeric[i], len) == 0) {
                    char *stop;
                    double v = strtod(text, &stop);
                    if (*stop != '\0' || !isfinite(v))
                        return 0;
                }
            }
            if ((len == 9 && strncmp(name, "transform", 9) == 0) || (len == 1 && *name == 'd'))
                if (strstr(text, "nan") || strstr(text, "inf"))
                    return 0;
            q = close + 1;
            if (q > end) /* the tag's end was inside a value: look further */
                end = strchr(q, '>');
            if (!end)
                return 0;
        }
    }
    return 1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *docs[MAX_PROFILES];
    const char *names[MAX_PROFILES] = {"a.json", "b.json", "c.json", "d.json"};
    int n = 0, refused = 0;
    size_t start = 0;
    while (n < MAX_PROFILES && start <= size && !refused) {
        const uint8_t *nul = start < size ? memchr(data + start, '\0', size - start) : NULL;
        size_t end = nul ? (size_t)(nul - data) : size;
        docs[n] = fuzz_parse(data + start, end - start);
        refused = docs[n] == NULL;
        n += !refused;
        start = end + 1;
    }
    if (!refused && n > 0) {
        rpt_files files;
        char err[1024] = "";
        if (rpt_render_files((const cJSON *const *)docs, names, n, "out", &files, err, sizeof err) == 0) {
            fuzz_expect(files.n >= 3 * n + (n > 1 ? 3 : 0), "fewer than three files per device and three to compare");
            for (int i = 0; i < files.n; i++) {
                fuzz_expect(strncmp(files.paths[i], "out/", 4) == 0 && !strstr(files.paths[i] + 4, "/") &&
                                !strstr(files.paths[i], ".."),
                            "a report file outside the output folder");
                fuzz_expect(files.texts[i][0] != '\0', "an empty report file");
                if (ends_with(files.paths[i], ".svg"))
                    fuzz_expect(strncmp(files.texts[i], "<svg ", 5) == 0 && ends_with(files.texts[i], "</svg>\n") &&
                                    coordinates_ok(files.texts[i]),
                                "an SVG chart with a coordinate that is not a number");
            }
            rpt_files_free(&files);
        } else {
            fuzz_expect(err[0] != '\0' && !strchr(err, '\n'), "profiles refused without a one-line reason");
        }
    }
    for (int i = 0; i < n; i++)
        cJSON_Delete(docs[i]);
    return 0;
}
