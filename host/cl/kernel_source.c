#include "host/cl/kernel_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/log.h"

#define MAX_INCLUDE_DEPTH 4

static char *read_file(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;
    if (!f) {
        oclab_error("cannot read kernel source %s", path);
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        oclab_error("cannot read kernel source %s", path);
        goto cleanup;
    }
    buf = malloc((size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        oclab_error("cannot read kernel source %s", path);
        free(buf);
        buf = NULL;
        goto cleanup;
    }
    buf[size] = '\0';
cleanup:
    fclose(f);
    return buf;
}

static char *raw_source(const char *name, const char *dir)
{
    if (dir)
        return read_file(dir, name);
    for (const struct oclab_embedded_kernel *k = oclab_embedded_kernels; k->name; k++)
        if (strcmp(k->name, name) == 0)
            return strdup(k->source);
    oclab_error("no embedded kernel source named %s", name);
    return NULL;
}

/* Appends LEN bytes to a growing buffer; returns 0 or -1 on allocation failure. */
static int append(char **buf, size_t *len, size_t *cap, const char *text, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t want = (*cap ? *cap * 2 : 4096);
        while (want < *len + n + 1)
            want *= 2;
        char *grown = realloc(*buf, want);
        if (!grown)
            return -1;
        *buf = grown;
        *cap = want;
    }
    memcpy(*buf + *len, text, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

static char *expand(const char *name, const char *dir, int depth)
{
    if (depth > MAX_INCLUDE_DEPTH) {
        oclab_error("kernel include depth exceeded at %s", name);
        return NULL;
    }
    char *src = raw_source(name, dir);
    char *out = NULL;
    size_t len = 0, cap = 0;
    if (!src)
        return NULL;
    for (char *line = src; *line;) {
        char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) + 1 : strlen(line);
        char inc[256];
        if (sscanf(line, " #include \"%255[^\"]\"", inc) == 1) {
            char *sub = expand(inc, dir, depth + 1);
            int rc = sub ? append(&out, &len, &cap, sub, strlen(sub)) : -1;
            free(sub);
            if (rc != 0 || append(&out, &len, &cap, "\n", 1) != 0)
                goto fail;
        } else if (append(&out, &len, &cap, line, n) != 0) {
            goto fail;
        }
        line += n;
    }
    free(src);
    return out ? out : strdup("");
fail:
    free(src);
    free(out);
    return NULL;
}

char *oclab_kernel_source(const char *name, const char *dir)
{
    return expand(name, dir, 0);
}

static unsigned long long fnv1a(unsigned long long h, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    return h;
}

unsigned long long oclab_kernel_source_hash(const char *name, const char *dir, const char *options)
{
    char *src = oclab_kernel_source(name, dir);
    if (!src)
        return 0;
    unsigned long long h = fnv1a(fnv1a(0xcbf29ce484222325ull, src), "\n--options--\n");
    free(src);
    return fnv1a(h, options ? options : "");
}
