/* Fuzz target helpers (input.h). */
#include "input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roofline/json.h"

cJSON *fuzz_parse(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    char err[512] = "";
    cJSON *json = rl_json_parse(text, size, "input", err, sizeof err);
    free(text);
    fuzz_expect(json != NULL || (err[0] != '\0' && !strchr(err, '\n')), "a refusal without a one-line reason");
    return json;
}

void fuzz_expect(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz: %s\n", what);
        abort();
    }
}
